-- Flows add up over time: the months of a quarter make the quarter, and
-- the quarters of a year make the year (totals only). Net migration is
-- immigration minus emigration. One row per period that does not.
with

statistics as (
    select * from {{ ref('migration_statistics') }}
    where
        sex = '_T' and age_group = '_T' and citizenship = '_T'
        and citizenship_group = '_T' and reason = '_T'
),

months_to_quarters as (
    select
        indicator_code,
        left(time_period, 4) || '-Q' || (((right(time_period, 2))::integer + 2) // 3)::varchar
            as quarter_period,
        sum(obs_value) as months_value
    from statistics
    where freq = 'M'
    group by 1, 2
),

quarters_to_years as (
    select
        indicator_code,
        left(time_period, 4) as year_period,
        sum(obs_value) as quarters_value
    from statistics
    where freq = 'Q'
    group by 1, 2
),

net as (
    select
        net_migration.freq,
        net_migration.time_period,
        net_migration.obs_value as net_value,
        immigration.obs_value - emigration.obs_value as difference_value
    from statistics as net_migration
    inner join statistics as immigration
        on
            net_migration.freq = immigration.freq
            and net_migration.time_period = immigration.time_period
            and immigration.indicator_code = 'IMM'
    inner join statistics as emigration
        on
            net_migration.freq = emigration.freq
            and net_migration.time_period = emigration.time_period
            and emigration.indicator_code = 'EMI'
    where net_migration.indicator_code = 'NET_MIG'
),

failures as (
    select
        'months_do_not_make_the_quarter' as failure_type,
        months_to_quarters.indicator_code || ' ' || months_to_quarters.quarter_period as failure_description
    from months_to_quarters
    inner join statistics
        on
            months_to_quarters.indicator_code = statistics.indicator_code
            and statistics.freq = 'Q'
            and months_to_quarters.quarter_period = statistics.time_period
    where abs(months_to_quarters.months_value - statistics.obs_value) > 1e-3
    union all
    select
        'quarters_do_not_make_the_year' as failure_type,
        quarters_to_years.indicator_code || ' ' || quarters_to_years.year_period as failure_description
    from quarters_to_years
    inner join statistics
        on
            quarters_to_years.indicator_code = statistics.indicator_code
            and statistics.freq = 'A'
            and quarters_to_years.year_period = statistics.time_period
    where abs(quarters_to_years.quarters_value - statistics.obs_value) > 1e-3
    union all
    select
        'net_migration_is_not_immigration_minus_emigration' as failure_type,
        net.freq || ' ' || net.time_period as failure_description
    from net
    where abs(net.net_value - net.difference_value) > 1e-3
),

final as (
    select * from failures
)

select * from final
