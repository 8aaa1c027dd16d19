{#- Gaps and islands over a person's work permits: the rows of `relation`
    (with person_key, work_permit_number and the two date columns) plus
    `run_id`, which numbers each person's unbroken runs of permits. A
    permit continues the run when it starts no later than `gap_days` after
    the furthest end of the permits before it; an open end (NULL) reaches
    for ever. The permit number breaks ties, so the order is total. -#}
{% macro numbered_permit_runs(relation, valid_from, valid_to, gap_days=0) -%}
    select
        reaches.*,
        sum(
            case
                when reaches.previous_reach + {{ gap_days }} >= reaches.{{ valid_from }} then 0
                else 1
            end
        ) over (
            partition by reaches.person_key
            order by reaches.{{ valid_from }}, reaches.{{ valid_to }}, reaches.work_permit_number
            rows between unbounded preceding and current row
        ) as run_id
    from (
        select
            *,
            max(coalesce({{ valid_to }}, date '9999-12-31')) over (
                partition by person_key
                order by {{ valid_from }}, {{ valid_to }}, work_permit_number
                rows between unbounded preceding and 1 preceding
            ) as previous_reach
        from {{ relation }}
    ) as reaches
{%- endmacro %}
