-- The statistics of methodology.md section 4 in long format, one row per
-- indicator, period and combination of breakdowns, unsuppressed (the
-- public version is migration_statistics_public).
{%- set breakdowns = [
    [],
    ['sex'],
    ['age_group'],
    ['citizenship'],
    ['citizenship', 'sex'],
    ['citizenship_group'],
] %}
{%- set all_dimensions = ['sex', 'age_group', 'citizenship', 'citizenship_group', 'reason'] %}

with

stock_states as (
    select * from {{ ref('int_stock_person_states') }}
),

flow_events as (
    select * from {{ ref('int_flow_events') }}
),

reference_dates as (
    select * from {{ ref('int_statistics_reference_dates') }}
),

parameters as (
    select
        {{ residence_vintage(ref('int_person_crossings')) }} as vintage,
        cast('{{ var("observation_start_date") }}' as date) as observation_start_date
),

stock_facts as (
    select
        indicators.indicator_code,
        'D' as freq,
        strftime(stock_states.reference_date, '%Y-%m-%d') as time_period,
        stock_states.sex,
        stock_states.age_group,
        stock_states.citizenship,
        stock_states.citizenship_group,
        '_T' as reason,
        case indicators.indicator_code
            when 'CIT_ABROAD' then 1 - stock_states.resident_weight
            else stock_states.resident_weight
        end as weight,
        stock_states.is_provisional
    from stock_states
    inner join (
        values ('RES_POP'), ('MIG_STOCK'), ('RET_STOCK'), ('CIT_ABROAD')
    ) as indicators (indicator_code)
        on
            not stock_states.is_dead
            and case indicators.indicator_code
                when 'RES_POP' then true
                when 'MIG_STOCK' then not stock_states.is_citizen or stock_states.is_born_abroad
                when 'RET_STOCK'
                    then stock_states.is_citizen and not stock_states.is_born_abroad
                    and stock_states.has_returned
                when 'CIT_ABROAD' then stock_states.is_citizen and stock_states.has_emigrated
            end
),

flow_facts as (
    select
        flow_events.indicator_code,
        periods.freq,
        case periods.freq
            when 'M' then strftime(flow_events.crossing_date, '%Y-%m')
            when 'Q' then strftime(flow_events.crossing_date, '%Y') || '-Q'
                || extract(quarter from flow_events.crossing_date)::varchar
            else strftime(flow_events.crossing_date, '%Y')
        end as time_period,
        flow_events.sex,
        flow_events.age_group,
        flow_events.citizenship,
        flow_events.citizenship_group,
        flow_events.reason,
        flow_events.weight,
        flow_events.is_provisional
    from flow_events
    cross join (values ('M'), ('Q'), ('A')) as periods (freq)
),

facts as (
    select
        indicator_code,
        freq,
        time_period,
        {%- for dimension in all_dimensions %}
        coalesce({{ dimension }}, '_U') as {{ dimension }},
        {%- endfor %}
        weight,
        is_provisional
    from (
        select * from stock_facts
        union all
        select * from flow_facts
    ) as unioned
),

aggregated as (
    select
        indicator_code,
        freq,
        time_period,
        {%- for dimension in all_dimensions %}
        coalesce({{ dimension }}, '_T') as {{ dimension }},
        {%- endfor %}
        sum(weight) as obs_value,
        bool_or(is_provisional) as is_provisional,
        grouping(reason) = 0 as is_by_reason
    from facts
    group by grouping sets (
        {%- for breakdown in breakdowns %}
        (indicator_code, freq, time_period{% for dimension in breakdown %}, {{ dimension }}{% endfor %}),
        {%- endfor %}
        (indicator_code, freq, time_period, reason)
    )
),

without_stock_reason as (
    -- stocks carry no reason breakdown (their reason is always _T)
    select * exclude (is_by_reason) from aggregated
    where not (freq = 'D' and is_by_reason)
),

net_migration as (
    select
        'NET_MIG' as indicator_code,
        coalesce(immigration.freq, emigration.freq) as freq,
        coalesce(immigration.time_period, emigration.time_period) as time_period,
        {%- for dimension in all_dimensions %}
        coalesce(immigration.{{ dimension }}, emigration.{{ dimension }}) as {{ dimension }},
        {%- endfor %}
        coalesce(immigration.obs_value, 0) - coalesce(emigration.obs_value, 0) as obs_value,
        coalesce(immigration.is_provisional, false) or coalesce(emigration.is_provisional, false)
            as is_provisional
    from (
        select * from without_stock_reason
        where indicator_code = 'IMM' and reason = '_T'
    ) as immigration
    full outer join (
        select * from without_stock_reason
        where indicator_code = 'EMI' and reason = '_T'
    ) as emigration
        on
            immigration.freq = emigration.freq
            and immigration.time_period = emigration.time_period
            {%- for dimension in all_dimensions %}
            and immigration.{{ dimension }} = emigration.{{ dimension }}
            {%- endfor %}
),

flow_periods as (
    select distinct
        periods.freq,
        case periods.freq
            when 'M' then strftime(days.day, '%Y-%m')
            when 'Q' then strftime(days.day, '%Y') || '-Q' || extract(quarter from days.day)::varchar
            else strftime(days.day, '%Y')
        end as time_period
    from parameters
    cross join
        generate_series(
            cast(parameters.observation_start_date as timestamp),
            cast(parameters.vintage as timestamp),
            interval 1 day
        ) as days (day)
    cross join (values ('M'), ('Q'), ('A')) as periods (freq)
),

scaffold as (
    -- every indicator and period has its total row, zero when nothing counted
    select
        indicators.indicator_code,
        'D' as freq,
        strftime(reference_dates.reference_date, '%Y-%m-%d') as time_period
    from reference_dates
    cross join (
        values ('RES_POP'), ('MIG_STOCK'), ('RET_STOCK'), ('CIT_ABROAD')
    ) as indicators (indicator_code)
    union all
    select
        indicators.indicator_code,
        flow_periods.freq,
        flow_periods.time_period
    from flow_periods
    cross join (
        values ('IMM'), ('EMI'), ('NET_MIG'), ('TMP_ARR')
    ) as indicators (indicator_code)
),

computed as (
    select * from without_stock_reason
    union all
    select * from net_migration
),

with_totals as (
    select * from computed
    union all
    select
        scaffold.indicator_code,
        scaffold.freq,
        scaffold.time_period,
        {%- for dimension in all_dimensions %}
        '_T' as {{ dimension }},
        {%- endfor %}
        0 as obs_value,
        false as is_provisional
    from scaffold
    where not exists (
        select 1
        from computed
        where
            computed.indicator_code = scaffold.indicator_code
            and computed.freq = scaffold.freq
            and computed.time_period = scaffold.time_period
            {%- for dimension in all_dimensions %}
            and computed.{{ dimension }} = '_T'
            {%- endfor %}
    )
),

final as (
    select
        cast(with_totals.indicator_code as varchar) as indicator_code,
        cast('{{ var("reporting_country") }}' as varchar) as ref_area,
        cast(with_totals.freq as varchar) as freq,
        cast(with_totals.time_period as varchar) as time_period,
        cast(with_totals.sex as varchar) as sex,
        cast(with_totals.age_group as varchar) as age_group,
        cast(with_totals.citizenship as varchar) as citizenship,
        cast(with_totals.citizenship_group as varchar) as citizenship_group,
        cast(with_totals.reason as varchar) as reason,
        cast(round(with_totals.obs_value, 6) as double) as obs_value,
        cast(case when with_totals.is_provisional then 'P' else 'A' end as varchar) as obs_status,
        cast(parameters.vintage as date) as vintage
    from with_totals
    cross join parameters
)

select * from final
