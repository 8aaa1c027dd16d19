-- Who counts in the stocks on each reference date, one row per person and
-- date with the weight of "usual resident on that date": 1 or 0 where
-- the residence rule's verdicts up to that date are final; the expected
-- value where the person's status rests on a provisional crossing (the
-- latest crossing in the migration direction up to that date): p for an
-- arrival, 1 - p for a departure, p the expected share of migrations.
with

reference_dates as (
    select * from {{ ref('int_statistics_reference_dates') }}
),

residence_periods as (
    select * from {{ ref('int_residence_periods') }}
),

classification as (
    select * from {{ ref('crossing_classification') }}
),

expectations as (
    select * from {{ ref('int_provisional_expectations') }}
),

persons as (
    select * from {{ ref('int_persons') }}
),

resident_by_periods as (
    select distinct
        reference_dates.reference_date,
        residence_periods.person_key
    from residence_periods
    inner join reference_dates
        on
            residence_periods.resident_from <= reference_dates.reference_date
            and (
                residence_periods.resident_to is null
                or residence_periods.resident_to > reference_dates.reference_date
            )
),

migration_direction_crossings as (
    select
        classification.person_key,
        classification.crossing_id,
        classification.direction,
        classification.crossing_date,
        classification.is_final,
        coalesce(expectations.expected_migration, classification.is_migration::double)
            as expected_migration,
        lead(classification.crossing_date) over (
            partition by classification.person_key
            order by classification.crossing_date, classification.crossing_id
        ) as next_crossing_date
    from classification
    left join expectations
        on classification.crossing_id = expectations.crossing_id
    where
        (classification.direction = 'ARR' and not classification.is_resident_before)
        or (classification.direction = 'DEP' and classification.is_resident_before)
),

provisional_governing as (
    -- a provisional crossing governs the person's status from its date until
    -- the next crossing in the migration direction
    select
        reference_dates.reference_date,
        migration_direction_crossings.person_key,
        case migration_direction_crossings.direction
            when 'ARR' then migration_direction_crossings.expected_migration
            else 1 - migration_direction_crossings.expected_migration
        end as resident_weight
    from migration_direction_crossings
    inner join reference_dates
        on
            migration_direction_crossings.crossing_date <= reference_dates.reference_date
            and (
                migration_direction_crossings.next_crossing_date is null
                or migration_direction_crossings.next_crossing_date > reference_dates.reference_date
            )
    where not migration_direction_crossings.is_final
),

citizen_migrations as (
    -- citizens who emigrated, or became usual residents again by an
    -- immigration, during the observation period, up to each date
    select
        reference_dates.reference_date,
        classification.person_key,
        bool_or(classification.direction = 'DEP') as has_emigrated,
        bool_or(classification.direction = 'ARR') as has_returned
    from classification
    inner join persons
        on classification.person_key = persons.person_key
    inner join reference_dates
        on
            classification.crossing_date <= reference_dates.reference_date
            and classification.crossing_date >= cast('{{ var("observation_start_date") }}' as date)
    where
        classification.is_migration
        and persons.is_citizen
    group by reference_dates.reference_date, classification.person_key
),

candidates as (
    select
        reference_date,
        person_key
    from resident_by_periods
    union
    select
        reference_date,
        person_key
    from provisional_governing
    union
    select
        reference_date,
        person_key
    from citizen_migrations
    where has_emigrated
),

weighted as (
    select
        candidates.reference_date,
        candidates.person_key,
        coalesce(
            provisional_governing.resident_weight,
            case when resident_by_periods.person_key is not null then 1.0 else 0.0 end
        ) as resident_weight,
        provisional_governing.person_key is not null as is_provisional,
        coalesce(citizen_migrations.has_emigrated, false) as has_emigrated,
        coalesce(citizen_migrations.has_returned, false) as has_returned
    from candidates
    left join resident_by_periods
        on
            candidates.reference_date = resident_by_periods.reference_date
            and candidates.person_key = resident_by_periods.person_key
    left join provisional_governing
        on
            candidates.reference_date = provisional_governing.reference_date
            and candidates.person_key = provisional_governing.person_key
    left join citizen_migrations
        on
            candidates.reference_date = citizen_migrations.reference_date
            and candidates.person_key = citizen_migrations.person_key
),

final as (
    select
        weighted.reference_date,
        weighted.person_key,
        weighted.resident_weight,
        weighted.is_provisional,
        -- citizenship on the reference date (a naturalised citizen was a
        -- foreigner before)
        {{ is_citizen_on('persons', 'weighted.reference_date') }} as is_citizen,
        coalesce(persons.is_born_abroad, false) as is_born_abroad,
        weighted.has_emigrated,
        weighted.has_returned,
        persons.death_date is not null and persons.death_date <= weighted.reference_date as is_dead,
        persons.sex,
        {{ age_group(age_in_years('persons.birth_date', 'weighted.reference_date')) }} as age_group,
        {{ citizenship_on('persons', 'weighted.reference_date') }} as citizenship,
        case
            when {{ is_citizen_on('persons', 'weighted.reference_date') }} then 'CIT' else 'FOR'
        end as citizenship_group
    from weighted
    inner join persons
        on weighted.person_key = persons.person_key
)

select * from final
