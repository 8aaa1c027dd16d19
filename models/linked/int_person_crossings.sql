-- One row per crossing that counts, with its person (doc:
-- int_person_crossings): voided events are already gone (staging), and an
-- event recorded twice (same person, same direction, within
-- `linkage_duplicate_minutes` minutes of the person's previous crossing,
-- another crossing_id) keeps only its first record; the dropped records
-- are listed in int_duplicate_crossings.
with

crossings as (
    select * from {{ ref('int_crossings_harmonized') }}
),

record_keys as (
    select * from {{ ref('int_record_person_keys') }}
    where source_system = 'border_crossings'
),

persons as (
    select * from {{ ref('int_persons') }}
),

permit_validity as (
    select * from {{ ref('int_work_permit_validity') }}
),

duplicates as (
    select * from {{ ref('int_duplicate_crossings') }}
),

kept as (
    -- only the columns read below: the CTE is read twice, so DuckDB
    -- materialises it, and carrying every harmonized column (names,
    -- document numbers) made it wider than needed (scale 0.2: 10.4 s, 8.2 s)
    select
        record_keys.person_key,
        crossings.crossing_id,
        crossings.direction,
        crossings.crossing_time,
        crossings.crossing_date,
        crossings.port_code,
        crossings.port_kind,
        crossings.citizenship_iso3,
        crossings.sex,
        crossings.visa_type,
        crossings.visa_reason,
        crossings.visa_reason_migration,
        crossings.purpose_of_visit,
        crossings.purpose_reason,
        crossings.purpose_reason_migration,
        crossings.intended_stay_days,
        crossings.declared_residence_iso3
    from crossings
    inner join record_keys
        on crossings.crossing_id = record_keys.source_record_id
    -- an anti join hashes the few duplicates; `not exists` was planned as
    -- a delim join that hashed every crossing_id
    anti join duplicates
        on crossings.crossing_id = duplicates.crossing_id
),

-- only the crossings with a valid permit (grouping every crossing to find
-- them cost a hash of all crossing_ids)
permitted as (
    select distinct
        kept.crossing_id,
        true as has_valid_work_permit
    from kept
    inner join permit_validity
        on
            kept.person_key = permit_validity.person_key
            and kept.crossing_date between permit_validity.valid_from and permit_validity.valid_to
),

final as (
    select
        -- ids
        kept.person_key,
        kept.crossing_id,

        -- the event
        kept.direction,
        kept.crossing_time,
        kept.crossing_date,
        kept.port_code,
        kept.port_kind,

        -- the person
        -- as on the crossing date (a naturalised citizen was a foreigner before)
        {{ is_citizen_on('persons', 'kept.crossing_date') }} as is_citizen,
        {{ citizenship_on('persons', 'kept.crossing_date') }} as citizenship_iso3,
        persons.sex,
        persons.birth_date,
        persons.birth_date_precision,
        persons.death_date,

        -- reason inputs
        kept.visa_type,
        coalesce(permitted.has_valid_work_permit, false) as has_valid_work_permit,
        kept.visa_reason,
        kept.visa_reason_migration,
        kept.purpose_of_visit,
        kept.purpose_reason,
        kept.purpose_reason_migration,
        kept.intended_stay_days,
        kept.declared_residence_iso3,

        -- as recorded on the crossing
        kept.citizenship_iso3 as crossing_citizenship_iso3,
        kept.sex as crossing_sex
    from kept
    inner join persons
        on kept.person_key = persons.person_key
    left join permitted
        on kept.crossing_id = permitted.crossing_id
)

select * from final
