-- Citizens whose first observed crossing is an arrival a year or more
-- after the start of observation, taken by the start-of-observation rule as
-- abroad since the start (doc: late_first_arrival_share). Some of them were
-- in the country all along and their first departure, a trip, went
-- unrecorded; others emigrated in the period and that departure went
-- unrecorded. Nothing in the extracts tells who, so per year of arrival:
-- an arrival the rule makes a return counts as one with the estimated
-- share that truly came from abroad (abroad_at_start_share), and every
-- late first arrival carries the estimated share that emigrated in the
-- period (emigrated_in_period_share), from an assumed date.
--
-- The numbers unrecorded are estimated from the citizens whose first
-- departure was recorded, a trip (or an emigration), and who came back in
-- the same year: each stands for lost_per_recorded_departure whose
-- departure was lost, the rate at which the repair finds a citizen's
-- departure missing between two arrivals. One row per such citizen whose
-- arrival has a final verdict (a provisional one keeps its expected count).
{%- set threshold_days = var('residence_threshold_days') | int %}

with

classification as (
    select * from {{ ref('crossing_classification') }}
),

unrecorded_departure_rates as (
    select * from {{ ref('int_unrecorded_departure_rate') }}
),

persons as (
    select * from {{ ref('int_persons') }}
),

parameters as (
    select {{ observation_start_date() }} as observation_start_date
),

lost_departures as (
    -- one row, null when no citizen crossed
    select any_value(lost_per_recorded_departure) as lost_per_recorded_departure
    from unrecorded_departure_rates
    where is_citizen
),

first_crossings as (
    -- each person's first crossing with the one after it (crossing_seq
    -- starts at 0 or 1, so the first two rows by it)
    select
        classification.person_key,
        classification.crossing_id,
        classification.direction,
        classification.crossing_date,
        classification.is_citizen,
        classification.is_migration,
        classification.is_final,
        lead(classification.direction) over person_order as next_direction,
        lead(classification.crossing_date) over person_order as next_crossing_date,
        row_number() over person_order as crossing_rank
    from classification
    where classification.crossing_seq <= 2
    window person_order as (partition by classification.person_key order by classification.crossing_seq)
    qualify crossing_rank = 1
),

late_arrivals as (
    -- absent since the start for a year or more, by the rule
    select
        first_crossings.*,
        (first_crossings.crossing_date - parameters.observation_start_date) // 365 as arrival_year
    from first_crossings
    inner join persons
        on first_crossings.person_key = persons.person_key
    cross join parameters
    where
        first_crossings.is_citizen
        and first_crossings.direction = 'ARR'
        and first_crossings.crossing_date - parameters.observation_start_date >= {{ threshold_days }}
        -- born abroad after the start: abroad at the start for certain
        and not (
            coalesce(persons.is_born_abroad, false)
            and coalesce(persons.birth_date >= parameters.observation_start_date, false)
        )
),

comparable_first_departures as (
    -- citizens in the country at the start whose recorded first crossing is
    -- a departure, back as late: had that departure been lost, they would
    -- be among the late arrivals, having made a trip or emigrated
    select
        (first_crossings.next_crossing_date - parameters.observation_start_date) // 365 as arrival_year,
        first_crossings.is_migration as is_emigration,
        first_crossings.next_crossing_date - first_crossings.crossing_date as days_abroad
    from first_crossings
    cross join parameters
    where
        first_crossings.is_citizen
        and first_crossings.direction = 'DEP'
        and first_crossings.next_direction = 'ARR'
        and first_crossings.next_crossing_date - parameters.observation_start_date >= {{ threshold_days }}
),

comparable_counts as (
    select
        arrival_year,
        count(*) filter (where not is_emigration) as comparable_first_trips,
        count(*) filter (where is_emigration) as comparable_first_emigrations,
        median(days_abroad) filter (where is_emigration)::integer as median_days_abroad
    from comparable_first_departures
    group by arrival_year
),

arrival_years as (
    select
        arrival_year,
        count(*) filter (where is_migration) as late_first_arrivals,
        count(*) as late_first_arrivals_all
    from late_arrivals
    group by arrival_year
),

shares as (
    select
        arrival_years.arrival_year,
        arrival_years.late_first_arrivals,
        coalesce(comparable_counts.comparable_first_trips, 0) as comparable_first_trips,
        lost_departures.lost_per_recorded_departure,
        coalesce(comparable_counts.comparable_first_trips, 0)
        * coalesce(lost_departures.lost_per_recorded_departure, 0) as expected_unrecorded_departures,
        arrival_years.late_first_arrivals_all,
        coalesce(comparable_counts.comparable_first_emigrations, 0)
            as comparable_first_emigrations,
        coalesce(comparable_counts.comparable_first_emigrations, 0)
        * coalesce(lost_departures.lost_per_recorded_departure, 0) as expected_unrecorded_emigrations,
        coalesce(comparable_counts.median_days_abroad, {{ threshold_days }}) as median_days_abroad
    from arrival_years
    left join comparable_counts
        on arrival_years.arrival_year = comparable_counts.arrival_year
    cross join lost_departures
),

weighed as (
    select
        late_arrivals.person_key,
        late_arrivals.crossing_id,
        late_arrivals.crossing_date,
        late_arrivals.arrival_year,
        late_arrivals.is_migration and late_arrivals.is_final as is_final_return,
        shares.late_first_arrivals,
        shares.comparable_first_trips,
        shares.lost_per_recorded_departure,
        shares.expected_unrecorded_departures,
        case
            when late_arrivals.is_migration and late_arrivals.is_final
                then greatest(0, 1 - shares.expected_unrecorded_departures / shares.late_first_arrivals)
            else 1
        end as abroad_at_start_share,
        shares.late_first_arrivals_all,
        shares.comparable_first_emigrations,
        shares.expected_unrecorded_emigrations,
        shares.expected_unrecorded_emigrations / shares.late_first_arrivals_all as emigrated_share,
        greatest(
            parameters.observation_start_date,
            late_arrivals.crossing_date - shares.median_days_abroad
        ) as assumed_emigration_date
    from late_arrivals
    inner join shares
        on late_arrivals.arrival_year = shares.arrival_year
    cross join parameters
    -- a provisional verdict keeps its expected count
    where late_arrivals.is_final
),

final as (
    select
        person_key,
        crossing_id,
        crossing_date,
        arrival_year,
        is_final_return,
        late_first_arrivals,
        comparable_first_trips,
        lost_per_recorded_departure,
        expected_unrecorded_departures,
        abroad_at_start_share,
        late_first_arrivals_all,
        comparable_first_emigrations,
        expected_unrecorded_emigrations,
        -- the emigrants are among those who came from abroad
        least(emigrated_share, abroad_at_start_share) as emigrated_in_period_share,
        assumed_emigration_date
    from weighed
)

select * from final
