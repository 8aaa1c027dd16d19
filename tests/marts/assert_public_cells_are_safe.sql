-- Disclosure control holds in the public table (methodology.md section 5):
-- no published cell counts 1 to min_cell_size - 1 persons, and no additive
-- relation (a breakdown and its total) has exactly one suppressed member,
-- which subtraction would give away. One row per failure.
{%- set dimensions = ['sex', 'age_group', 'citizenship', 'citizenship_group', 'reason'] %}

with

public as (
    select * from {{ ref('migration_statistics_public') }}
    where indicator_code <> 'NET_MIG'
),

small_published as (
    select
        'small_cell_published' as failure_type,
        indicator_code || ' ' || time_period || ' ' || sex || ' ' || age_group || ' '
        || citizenship || ' ' || citizenship_group || ' ' || reason || ' = '
        || obs_value::varchar as failure_description
    from public
    where
        conf_status = 'F'
        and obs_value > 0
        and obs_value < {{ var('min_cell_size') }}
),

relation_members as (
    {%- for dimension in dimensions %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        indicator_code || ' ' || time_period || ' by {{ dimension }}' as relation,
        conf_status
    from public
    where
    {%- for other in dimensions if other != dimension %}
        {{ other }} = '_T'{% if not loop.last %} and{% endif %}
    {%- endfor %}
    {%- endfor %}
    {%- for first, second in [('citizenship', 'sex'), ('age_group', 'sex')] %}
    {%- for fixed, summed in [(first, second), (second, first)] %}
    union all
    select
        indicator_code || ' ' || time_period || ' {{ fixed }} ' || {{ fixed }}
        || ' by {{ summed }}' as relation,
        conf_status
    from public
    where
        {{ fixed }} <> '_T'
        {%- for other in dimensions if other not in (first, second) %}
        and {{ other }} = '_T'
        {%- endfor %}
    {%- endfor %}
    {%- endfor %}
),

exposed as (
    select
        'suppressed_cell_recoverable' as failure_type,
        relation || ': exactly one suppressed member' as failure_description
    from relation_members
    group by relation
    having count(*) > 1 and count(*) filter (where conf_status <> 'F') = 1
),

final as (
    select * from small_published
    union all
    select * from exposed
)

select * from final
