-- The statistics of methodology.md section 4 in long format, one row per
-- indicator, period and combination of breakdowns, unsuppressed (the
-- public version is migration_statistics_public).
{%- set breakdowns = [
    [],
    ['sex'],
    ['age_group'],
    ['citizenship'],
    ['citizenship', 'sex'],
    ['age_group', 'sex'],
    ['citizenship_group'],
] %}
{%- set all_dimensions = ['sex', 'age_group', 'citizenship', 'citizenship_group', 'reason'] %}
{#- stock: (who, with which weight); the weights are expected values where
    the status rests on provisional crossings (int_stock_person_states) #}
{%- set stock_indicators = {
    'RES_POP': ('true', 'resident_weight - unrecorded_emigrant_weight'),
    'MIG_STOCK': ('not is_citizen or is_born_abroad', 'resident_weight - unrecorded_emigrant_weight'),
    'RET_STOCK': (
        'is_citizen and not is_born_abroad and has_returned',
        'returned_resident_weight + unrecorded_returned_weight'
    ),
    'CIT_ABROAD': ('is_citizen and has_emigrated', 'emigrated_abroad_weight + unrecorded_emigrant_weight'),
} %}
{%- set flow_indicators = ['IMM', 'EMI', 'NET_MIG', 'TMP_ARR'] %}

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
        {{ observation_start_date() }} as observation_start_date
),

frequencies as (
    select unnest(['M', 'Q', 'A']) as freq
),

stock_facts as (
    -- noqa: disable=LT02
    {%- for indicator, (condition, weight) in stock_indicators.items() %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        '{{ indicator }}' as indicator_code,
        'D' as freq,
        strftime(reference_date, '%Y-%m-%d') as time_period,
        sex,
        age_group,
        citizenship,
        citizenship_group,
        '_T' as reason,
        {{ weight }} as weight,
        is_provisional
    from stock_states
    where not is_dead and ({{ condition }})
    {%- endfor %}
    -- noqa: enable=LT02
),

flow_facts as (
    select
        flow_events.indicator_code,
        frequencies.freq,
        {{ period_label('frequencies.freq', 'flow_events.crossing_date') }} as time_period,
        flow_events.sex,
        flow_events.age_group,
        flow_events.citizenship,
        flow_events.citizenship_group,
        flow_events.reason,
        flow_events.weight,
        flow_events.is_provisional
    from flow_events
    cross join frequencies
),

facts as (
    select * from stock_facts
    union all
    select * from flow_facts
),

aggregated as (
    select
        indicator_code,
        freq,
        time_period,
        {% for dimension in all_dimensions %}
        coalesce({{ dimension }}, '_T') as {{ dimension }},
        {% endfor %}
        -- summed exactly: a sum of doubles depends on the order DuckDB's
        -- threads add them in, and a daily run stores rows in another
        -- order than a full build; at scale 0.2 one value of 67,901 then
        -- differed in its sixth decimal
        sum(weight::decimal(38, 12)) as obs_value,
        bool_or(is_provisional) as is_provisional,
        grouping(reason) = 0 as is_by_reason
    from facts
    group by grouping sets (  -- noqa: PRS
        {%- for breakdown in breakdowns %}
        (indicator_code, freq, time_period{% for dimension in breakdown %}, {{ dimension }}{% endfor %}),
        {% endfor %}
        (indicator_code, freq, time_period, reason)
    )
),

without_stock_reason as (
    -- stocks carry no reason breakdown (their reason is always _T)
    select * exclude (is_by_reason) from aggregated
    where not (freq = 'D' and is_by_reason)
),

immigration as (
    select * from without_stock_reason
    where indicator_code = 'IMM' and reason = '_T'
),

emigration as (
    select * from without_stock_reason
    where indicator_code = 'EMI' and reason = '_T'
),

net_migration as (
    select
        'NET_MIG' as indicator_code,
        coalesce(immigration.freq, emigration.freq) as freq,
        coalesce(immigration.time_period, emigration.time_period) as time_period,
        {% for dimension in all_dimensions %}
        coalesce(immigration.{{ dimension }}, emigration.{{ dimension }}) as {{ dimension }},
        {% endfor %}
        coalesce(immigration.obs_value, 0) - coalesce(emigration.obs_value, 0) as obs_value,
        coalesce(immigration.is_provisional, false) or coalesce(emigration.is_provisional, false)
            as is_provisional
    from immigration
    full outer join emigration
        on
            immigration.freq = emigration.freq
            and immigration.time_period = emigration.time_period
            {% for dimension in all_dimensions %}
            and immigration.{{ dimension }} = emigration.{{ dimension }}
            {% endfor %}
),

flow_periods as (
    select distinct
        frequencies.freq,
        {{ period_label('frequencies.freq', 'calendar.calendar_day') }} as time_period
    from parameters
    cross join
        generate_series(
            parameters.observation_start_date::timestamp,
            parameters.vintage::timestamp,
            interval 1 day
        ) as calendar (calendar_day)
    cross join frequencies
),

flow_indicators as (
    select unnest({{ flow_indicators | list }}) as indicator_code
),

stock_indicators as (
    select unnest({{ stock_indicators.keys() | list }}) as indicator_code
),

scaffold as (
    -- every indicator and period has its total row, zero when nothing counted
    select
        stock_indicators.indicator_code,
        'D' as freq,
        strftime(reference_dates.reference_date, '%Y-%m-%d') as time_period
    from reference_dates
    cross join stock_indicators
    union all
    select
        flow_indicators.indicator_code,
        flow_periods.freq,
        flow_periods.time_period
    from flow_periods
    cross join flow_indicators
),

computed as (
    select * from without_stock_reason
    union all
    select * from net_migration
),

missing_totals as (
    select
        scaffold.indicator_code,
        scaffold.freq,
        scaffold.time_period,
        {% for dimension in all_dimensions %}
        '_T' as {{ dimension }},
        {% endfor %}
        0.0 as obs_value,
        false as is_provisional
    from scaffold
    anti join computed
        on
            scaffold.indicator_code = computed.indicator_code
            and scaffold.freq = computed.freq
            and scaffold.time_period = computed.time_period
            {% for dimension in all_dimensions %}
            and computed.{{ dimension }} = '_T'
            {% endfor %}
),

with_totals as (
    select * from computed
    union all
    select * from missing_totals
),

final as (
    select
        with_totals.indicator_code::varchar as indicator_code,
        '{{ var("reporting_country") }}'::varchar as ref_area,
        with_totals.freq::varchar as freq,
        with_totals.time_period::varchar as time_period,
        with_totals.sex::varchar as sex,
        with_totals.age_group::varchar as age_group,
        with_totals.citizenship::varchar as citizenship,
        with_totals.citizenship_group::varchar as citizenship_group,
        with_totals.reason::varchar as reason,
        round(with_totals.obs_value, 6)::double as obs_value,
        (case when with_totals.is_provisional then 'P' else 'A' end)::varchar as obs_status,
        parameters.vintage::date as vintage
    from with_totals
    cross join parameters
)

select * from final
