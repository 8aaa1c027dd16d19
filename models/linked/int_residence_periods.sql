-- Periods of usual residence per person (doc: residence_periods):
-- from the classified crossings (status at the start of observation and
-- every change of status), for persons with no observed crossing from
-- citizenship (citizens) or work permits (foreigners); no one is resident
-- before birth, and death ends residence. resident_to is exclusive; null
-- means still resident.
with

classification as (
    select * from {{ ref('crossing_classification') }}
),

persons as (
    select * from {{ ref('int_persons') }}
),

permits as (
    select * from {{ ref('int_work_permit_validity') }}
),

parameters as (
    select {{ observation_start_date() }} as observation_start_date
),

status_changes as (
    -- the status at the start of observation (never later than the first
    -- crossing) ...
    select
        classification.person_key,
        least(parameters.observation_start_date, classification.crossing_date) as change_date,
        -1 as change_seq,
        classification.is_resident_at_start as is_resident
    from classification
    cross join parameters
    where classification.crossing_seq = 0
    union all
    -- ... then every immigration and emigration
    select
        classification.person_key,
        classification.crossing_date as change_date,
        classification.crossing_seq as change_seq,
        classification.is_resident_after as is_resident
    from classification
    where classification.is_resident_before <> classification.is_resident_after
),

crossing_periods as (
    select
        status_changes.person_key,
        status_changes.is_resident,
        status_changes.change_date as resident_from,
        lead(status_changes.change_date) over (
            partition by status_changes.person_key
            order by status_changes.change_seq
        ) as resident_to,
        'crossings' as residence_basis
    from status_changes
),

persons_without_crossings as (
    select
        persons.person_key,
        persons.is_citizen,
        persons.naturalisation_date
    from persons
    where not exists (
        select 1
        from classification
        where classification.person_key = persons.person_key
    )
),

citizen_periods as (
    select
        persons_without_crossings.person_key,
        true as is_resident,
        -- a naturalised citizen from the day of naturalisation
        greatest(
            parameters.observation_start_date,
            coalesce(persons_without_crossings.naturalisation_date, parameters.observation_start_date)
        ) as resident_from,
        cast(null as date) as resident_to,
        'citizen_without_crossings' as residence_basis
    from persons_without_crossings
    cross join parameters
    where persons_without_crossings.is_citizen
),

foreigner_permits as (
    select
        permits.person_key,
        permits.work_permit_number,
        greatest(permits.valid_from, parameters.observation_start_date) as valid_from,
        -- valid_to is the last valid day: the period ends the day after
        permits.valid_to + 1 as valid_until
    from permits
    inner join persons_without_crossings
        on permits.person_key = persons_without_crossings.person_key
    cross join parameters
    where
        not coalesce(persons_without_crossings.is_citizen, false)
        and permits.valid_from is not null
),

permit_island_ids as (
    -- overlapping or touching permits make one period
    {{ numbered_permit_runs('foreigner_permits', 'valid_from', 'valid_until') }}
),

permit_periods as (
    select
        permit_island_ids.person_key,
        true as is_resident,
        min(permit_island_ids.valid_from) as resident_from,
        case
            when bool_or(permit_island_ids.valid_until is null) then null
            else max(permit_island_ids.valid_until)
        end as resident_to,
        'work_permit_without_crossings' as residence_basis
    from permit_island_ids
    group by permit_island_ids.person_key, permit_island_ids.run_id
),

all_periods as (
    select * from crossing_periods
    union all
    select * from citizen_periods
    union all
    select * from permit_periods
),

with_death as (
    select
        all_periods.person_key,
        -- no one is a usual resident before birth (a birth date known to
        -- the year or month only counts from its first day)
        case
            when persons.birth_date > all_periods.resident_from then persons.birth_date
            else all_periods.resident_from
        end as resident_from,
        -- death ends residence on the date of death
        case
            when persons.death_date is null then all_periods.resident_to
            else least(coalesce(all_periods.resident_to, persons.death_date), persons.death_date)
        end as resident_to,
        all_periods.residence_basis,
        persons.death_date
    from all_periods
    left join persons
        on all_periods.person_key = persons.person_key
    where all_periods.is_resident
),

final as (
    select
        with_death.person_key,
        with_death.resident_from,
        with_death.resident_to,
        with_death.residence_basis,
        coalesce(with_death.resident_to = with_death.death_date, false) as is_ended_by_death
    from with_death
    where with_death.resident_to is null or with_death.resident_to > with_death.resident_from
)

select * from final
