{#- Values of a text column that do not fully match a regular expression
    (the data dictionary's pattern). `allow_empty`: the empty string, how an
    empty field is delivered, passes. One row per offending value. -#}
{% test matches_pattern(model, column_name, pattern, allow_empty=false) %}
select
    {{ column_name }} as offending_value,
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
    {% if allow_empty %}and {{ column_name }} <> ''{% endif %}
    and not regexp_full_match({{ column_name }}, '{{ pattern | replace("'", "''") }}')
group by 1
{% endtest %}
