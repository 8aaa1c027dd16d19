-- One row per crossing that counts, with its person (doc:
-- int_person_crossings): voided events are already gone (staging), and an
-- event recorded twice (same person, same direction, within
-- `linkage_duplicate_minutes` minutes of the person's previous crossing,
-- another crossing_id) keeps only its first record; the dropped records
-- are listed in int_duplicate_crossings.
{#- DuckDB under-estimates the kept crossings (a fifth of the record keys
    for the source filter, fewer still after the anti join) and so builds
    its hash table on them, every crossing with its columns, and probes it
    with the persons: at scale 1.0, 25 million wide rows hashed instead of
    11 million persons. The joins keep the sides they are written with:
    the record keys, the duplicates, the persons and the permit periods
    are hashed, the crossings probe (docs/choices.md, "Hash the smaller
    side"). #}
{#- Incremental per person (doc: person_crossings_incremental): a run
    writes again only the persons whose input fingerprint is new or
    differs; the post-hook drops the persons no longer with crossings. #}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='person_key',
    on_schema_change='fail',
    pre_hook="set disabled_optimizers = 'build_side_probe_side'",
    post_hook=[
        "reset disabled_optimizers",
        "{% if is_incremental() %}"
        ~ "delete from {{ this }} where person_key not in"
        ~ " (select person_key from {{ ref('int_persons') }} where has_crossings)"
        ~ "{% endif %}",
    ],
) }}

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

-- what a person's rows are made from, as one number (a second import of
-- the record keys: in an incremental run the one above is filtered)
crossing_inputs as (
    select
        person_key,
        count(*) as crossing_records,
        -- which crossings, and the delivery object of each one's winning
        -- version (which fixes its row)
        sum(hash(source_record_id, source_object_id)) as crossing_records_hash
    from {{ ref('int_record_person_keys') }}
    where source_system = 'border_crossings'
    group by person_key
),

permit_inputs as (
    select
        person_key,
        count(*) as permit_rows,
        sum(hash(valid_from, valid_to)) as permit_rows_hash
    from permit_validity
    group by person_key
),

-- the attributes of the person this model uses
person_attributes as (
    select
        person_key,
        is_citizen,
        naturalisation_date,
        previous_citizenship_iso3,
        citizenship_iso3,
        sex,
        birth_date,
        birth_date_precision,
        death_date
    from persons
),

person_inputs as (
    select
        person_attributes.*,
        hash(
            -- the whole row of person_attributes, as one value
            person_attributes,  -- noqa: RF02
            crossing_inputs.crossing_records,
            crossing_inputs.crossing_records_hash,
            coalesce(permit_inputs.permit_rows, 0),
            permit_inputs.permit_rows_hash
        ) as input_fingerprint
    from person_attributes
    inner join crossing_inputs
        on person_attributes.person_key = crossing_inputs.person_key
    left join permit_inputs
        on person_attributes.person_key = permit_inputs.person_key
),
{%- if is_incremental() %}

affected_persons as (
    {{ persons_whose_fingerprint_changed('person_inputs') }}
),
{%- endif %}

kept as (
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
    {%- if is_incremental() %}
    where record_keys.person_key in (select affected_persons.person_key from affected_persons)
    {%- endif %}
),

-- each person's permit validity as disjoint periods (overlapping ones
-- merged), so that a crossing joins at most one: the crossings are then
-- read once, where finding the permitted ones apart made DuckDB hold a
-- copy of every crossing (alone at scale 1.0: 76 s, now 53 s). A permit
-- without both dates covers no crossing, as before the merge (the runs
-- would read an open end as for ever)
dated_permit_validity as (
    select * from permit_validity
    where valid_from is not null and valid_to is not null
),

permit_runs as (
    {{ numbered_permit_runs('dated_permit_validity', 'valid_from', 'valid_to') }}
),

permit_periods as (
    select
        person_key,
        min(valid_from) as valid_from,
        max(valid_to) as valid_to
    from permit_runs
    group by person_key, run_id
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
        permit_periods.person_key is not null as has_valid_work_permit,
        kept.visa_reason,
        kept.visa_reason_migration,
        kept.purpose_of_visit,
        kept.purpose_reason,
        kept.purpose_reason_migration,
        kept.intended_stay_days,
        kept.declared_residence_iso3,

        -- as recorded on the crossing
        kept.citizenship_iso3 as crossing_citizenship_iso3,
        kept.sex as crossing_sex,

        -- what the person's rows were made from (incremental runs)
        persons.input_fingerprint
    from kept
    inner join person_inputs as persons
        on kept.person_key = persons.person_key
    left join permit_periods
        on
            kept.person_key = permit_periods.person_key
            and kept.crossing_date between permit_periods.valid_from and permit_periods.valid_to
)

select * from final
