{#- A grain of several columns: each combination of their values occurs
    once (a null is a value like any other). Grouped on the columns
    themselves, not on one string made of them: at national scale (25
    million rows) a third faster than `unique` on a concatenation, and a
    row with a null part is not skipped. One row per duplicated
    combination, with how often it occurs. -#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(',\n    ') }},
    count(*) as n_records
from {{ model }}
group by all
having count(*) > 1
{% endtest %}
