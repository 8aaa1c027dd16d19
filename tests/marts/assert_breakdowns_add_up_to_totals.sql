-- Each one-way breakdown of an indicator and period adds up to its total,
-- and the citizenship-by-sex cells add up to the by-citizenship cells.
-- One row per breakdown that does not, with both sums.
{%- set dimensions = ['sex', 'age_group', 'citizenship', 'citizenship_group', 'reason'] %}

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
    {%- for dimension in dimensions %}
        {{ dimension }} = '_T'{% if not loop.last %} and{% endif %}
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

two_way_sums as (
    select
        indicator_code,
        freq,
        time_period,
        citizenship,
        sum(obs_value) as parts_value
    from statistics
    where
        citizenship <> '_T' and sex <> '_T'
        and age_group = '_T' and citizenship_group = '_T' and reason = '_T'
    group by indicator_code, freq, time_period, citizenship
),

by_citizenship as (
    select
        indicator_code,
        freq,
        time_period,
        citizenship,
        obs_value as total_value
    from statistics
    where
        citizenship <> '_T' and sex = '_T'
        and age_group = '_T' and citizenship_group = '_T' and reason = '_T'
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
        'citizenship_by_sex_does_not_add_up' as failure_type,
        two_way_sums.indicator_code || ' ' || two_way_sums.time_period || ' '
        || two_way_sums.citizenship || ': sexes ' || two_way_sums.parts_value::varchar
        || ' <> citizenship total ' || coalesce(by_citizenship.total_value, 0)::varchar
            as failure_description
    from two_way_sums
    left join by_citizenship
        on
            two_way_sums.indicator_code = by_citizenship.indicator_code
            and two_way_sums.freq = by_citizenship.freq
            and two_way_sums.time_period = by_citizenship.time_period
            and two_way_sums.citizenship = by_citizenship.citizenship
    where abs(two_way_sums.parts_value - coalesce(by_citizenship.total_value, 0)) > 1e-3
),

final as (
    select * from failures
)

select * from final
