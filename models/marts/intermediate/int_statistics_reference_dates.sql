-- The reference dates of the stocks (every quarter end within the
-- observation period, up to the vintage, and the census reference date)
-- and the vintage the statistics are computed at.
with

crossings as (
    select * from {{ ref('int_person_crossings') }}
),

parameters as (
    select
        {{ residence_vintage(ref('int_person_crossings')) }} as vintage,
        {{ observation_start_date() }} as observation_start_date,
        cast('{{ var("census_reference_date") }}' as date) as census_reference_date
),

quarter_ends as (
    select
        cast(quarters.quarter_start + interval 3 month - interval 1 day as date) as reference_date,
        'quarter_end' as reference_kind
    from parameters
    cross join
        generate_series(
            cast(date_trunc('quarter', parameters.observation_start_date) as timestamp),
            cast(parameters.vintage as timestamp),
            interval 3 month
        ) as quarters (quarter_start)
),

census_date as (
    select
        census_reference_date as reference_date,
        'census' as reference_kind
    from parameters
),

all_dates as (
    select * from quarter_ends
    union all
    select * from census_date
),

final as (
    select
        all_dates.reference_date,
        string_agg(all_dates.reference_kind, ', ' order by all_dates.reference_kind) as reference_kind,
        any_value(parameters.vintage) as vintage
    from all_dates
    cross join parameters
    where
        all_dates.reference_date >= parameters.observation_start_date
        and all_dates.reference_date <= parameters.vintage
        -- a crossing table is needed for a vintage at all
        and exists (select 1 from crossings)
    group by all_dates.reference_date
)

select * from final
