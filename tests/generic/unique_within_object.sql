{#- A key unique within each delivered object (a snapshot or a daily file):
    raw tables hold every object version, so plain `unique` does not apply.
    One row per duplicated value and object. -#}
{% test unique_within_object(model, column_name) %}
select
    _object_id,
    {{ column_name }} as duplicated_value,
    count(*) as n_records
from {{ model }}
group by 1, 2
having count(*) > 1
{% endtest %}
