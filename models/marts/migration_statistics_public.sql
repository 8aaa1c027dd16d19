-- The statistics after disclosure control: what leaves the office.
with

statistics as (
    select * from {{ ref('migration_statistics') }}
),

disclosure as (
    select * from {{ ref('int_statistics_disclosure') }}
),

final as (
    select
        statistics.indicator_code,
        statistics.ref_area,
        statistics.freq,
        statistics.time_period,
        statistics.sex,
        statistics.age_group,
        statistics.citizenship,
        statistics.citizenship_group,
        statistics.reason,
        case when disclosure.conf_status = 'F' then statistics.obs_value end as obs_value,
        statistics.obs_status,
        disclosure.conf_status,
        statistics.vintage
    from statistics
    inner join disclosure
        on
            statistics.indicator_code = disclosure.indicator_code
            and statistics.freq = disclosure.freq
            and statistics.time_period = disclosure.time_period
            and statistics.sex = disclosure.sex
            and statistics.age_group = disclosure.age_group
            and statistics.citizenship = disclosure.citizenship
            and statistics.citizenship_group = disclosure.citizenship_group
            and statistics.reason = disclosure.reason
)

select * from final
