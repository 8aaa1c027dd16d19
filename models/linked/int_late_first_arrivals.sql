-- Citizens whose first observed crossing is an arrival a year or more
-- after the start of observation, taken by the start-of-observation rule as
-- abroad since the start and so as returning migrants (doc:
-- late_first_arrival_share). Some of them were in the country all along
-- and their first departure went unrecorded: nothing in the extracts tells
-- who, so each counts as a return with the estimated share of such
-- arrivals that truly came from abroad, per year of arrival.
--
-- The number unrecorded is estimated from the citizens whose first
-- departure was recorded and whose trip ended in the same year: each such
-- trip stands for lost_per_recorded_departure trips whose departure was
-- lost, the rate at which the repair finds a citizen's departure missing
-- between two arrivals. One row per such citizen whose arrival is a final
-- immigration (a provisional one keeps its expected count).
{%- set threshold_days = var('residence_threshold_days') | int %}

with

classification as (
    select * from {{ ref('crossing_classification') }}
),

repaired_crossings as (
    select * from {{ ref('int_crossings_repaired') }}
),

persons as (
    select * from {{ ref('int_persons') }}
),

parameters as (
    select {{ observation_start_date() }} as observation_start_date
),

lost_departures as (
    -- unrecorded departures of citizens per recorded one: those the repair
    -- imputed between two arrivals
    select
        count(*) filter (where repair_kind = 'missing_departure')::double
        / nullif(count(*) filter (where direction = 'DEP' and not is_repaired), 0)
            as lost_per_recorded_departure
    from repaired_crossings
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
    -- the rule's returns: absent since the start for a year or more
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
        and first_crossings.is_migration
        -- born abroad after the start: abroad at the start for certain
        and not (
            coalesce(persons.is_born_abroad, false)
            and coalesce(persons.birth_date >= parameters.observation_start_date, false)
        )
),

comparable_trips as (
    -- citizens in the country at the start whose first trip ended as late:
    -- had its departure been lost, they would be among the late arrivals
    select (first_crossings.next_crossing_date - parameters.observation_start_date) // 365 as arrival_year
    from first_crossings
    cross join parameters
    where
        first_crossings.is_citizen
        and first_crossings.direction = 'DEP'
        and not first_crossings.is_migration
        and first_crossings.next_direction = 'ARR'
        and first_crossings.next_crossing_date - parameters.observation_start_date >= {{ threshold_days }}
),

comparable_trip_counts as (
    select
        arrival_year,
        count(*) as comparable_first_trips
    from comparable_trips
    group by arrival_year
),

arrival_years as (
    select
        arrival_year,
        count(*) as late_first_arrivals
    from late_arrivals
    group by arrival_year
),

shares as (
    select
        arrival_years.arrival_year,
        arrival_years.late_first_arrivals,
        coalesce(comparable_trip_counts.comparable_first_trips, 0) as comparable_first_trips,
        lost_departures.lost_per_recorded_departure,
        coalesce(comparable_trip_counts.comparable_first_trips, 0)
        * coalesce(lost_departures.lost_per_recorded_departure, 0) as expected_unrecorded_departures
    from arrival_years
    left join comparable_trip_counts
        on arrival_years.arrival_year = comparable_trip_counts.arrival_year
    cross join lost_departures
),

final as (
    select
        late_arrivals.person_key,
        late_arrivals.crossing_id,
        late_arrivals.crossing_date,
        late_arrivals.arrival_year,
        shares.late_first_arrivals,
        shares.comparable_first_trips,
        shares.lost_per_recorded_departure,
        shares.expected_unrecorded_departures,
        greatest(0, 1 - shares.expected_unrecorded_departures / shares.late_first_arrivals)
            as abroad_at_start_share
    from late_arrivals
    inner join shares
        on late_arrivals.arrival_year = shares.arrival_year
    where late_arrivals.is_final
)

select * from final
