-- Each one-way breakdown of an indicator and period adds up to its total,
-- and the cells of each two-way table (citizenship by sex, age group by
-- sex) add up to the one-way cells of their first dimension. One row per
-- breakdown that does not, with both sums.
{%- set dimensions = ['sex', 'age_group', 'citizenship', 'citizenship_group', 'reason'] %}
{%- set two_way_tables = [('citizenship', 'sex'), ('age_group', 'sex')] %}

with

statistics as (
    select * from {{ ref('migration_statistics') }}
),

totals as (
    select
        indicator_code,
        freq,
        time_period,
        obs_value as total_value
    from statistics
    where
        indicator_code is not null
        {%- for dimension in dimensions %}
        and {{ dimension }} = '_T'
        {%- endfor %}
),

one_way_sums as (
    {%- for dimension in dimensions %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        indicator_code,
        freq,
        time_period,
        '{{ dimension }}' as breakdown,
        sum(obs_value) as parts_value
    from statistics
    where
        {{ dimension }} <> '_T'
        {%- for other in dimensions if other != dimension %}
        and {{ other }} = '_T'
        {%- endfor %}
    group by indicator_code, freq, time_period
    {%- endfor %}
),

two_way_checks as (
    {%- for first, second in two_way_tables %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        cells.indicator_code,
        cells.freq,
        cells.time_period,
        '{{ first }} by {{ second }}: ' || cells.{{ first }} as breakdown,
        sum(cells.obs_value) as parts_value,
        any_value(margins.obs_value) as total_value
    from statistics as cells
    left join statistics as margins
        on
            cells.indicator_code = margins.indicator_code
            and cells.freq = margins.freq
            and cells.time_period = margins.time_period
            and cells.{{ first }} = margins.{{ first }}
            {%- for other in dimensions if other != first %}
            and margins.{{ other }} = '_T'
            {%- endfor %}
    where
        cells.{{ first }} <> '_T'
        and cells.{{ second }} <> '_T'
        {%- for other in dimensions if other not in (first, second) %}
        and cells.{{ other }} = '_T'
        {%- endfor %}
    group by cells.indicator_code, cells.freq, cells.time_period, cells.{{ first }}
    {%- endfor %}
),

failures as (
    select
        'one_way_breakdown_does_not_add_up' as failure_type,
        one_way_sums.indicator_code || ' ' || one_way_sums.time_period || ' by '
        || one_way_sums.breakdown || ': parts ' || one_way_sums.parts_value::varchar
        || ' <> total ' || coalesce(totals.total_value, 0)::varchar as failure_description
    from one_way_sums
    left join totals
        on
            one_way_sums.indicator_code = totals.indicator_code
            and one_way_sums.freq = totals.freq
            and one_way_sums.time_period = totals.time_period
    where abs(one_way_sums.parts_value - coalesce(totals.total_value, 0)) > 1e-3
    union all
    select
        'two_way_table_does_not_add_up' as failure_type,
        indicator_code || ' ' || time_period || ' ' || breakdown || ': cells '
        || parts_value::varchar || ' <> margin ' || coalesce(total_value, 0)::varchar
            as failure_description
    from two_way_checks
    where abs(parts_value - coalesce(total_value, 0)) > 1e-3
),

final as (
    select * from failures
)

select * from final
