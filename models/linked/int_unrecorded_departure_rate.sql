-- How often a departure goes unrecorded, per recorded departure: the
-- departures the repair imputed between two arrivals (missing_departure)
-- over the recorded ones, for citizens and for foreigners. What a lost
-- departure hides cannot be seen person by person, so the estimates of it
-- (int_late_first_arrivals, int_stock_person_states) scale the recorded
-- departures that stand for the lost ones by the citizens' rate.

with

repaired_crossings as (
    select * from {{ ref('int_crossings_repaired') }}
),

counted as (
    select
        is_citizen,
        count(*) filter (where direction = 'DEP' and not is_repaired) as recorded_departures,
        count(*) filter (where repair_kind = 'missing_departure') as imputed_missing_departures
    from repaired_crossings
    group by is_citizen
),

final as (
    select
        is_citizen,
        recorded_departures,
        imputed_missing_departures,
        imputed_missing_departures::double / nullif(recorded_departures, 0) as lost_per_recorded_departure
    from counted
)

select * from final
