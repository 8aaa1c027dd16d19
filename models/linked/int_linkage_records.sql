-- Every record of the four linked sources (border crossings, work
-- permits, citizens, passports), one row each, with the identifier nodes
-- it carries and the attributes probabilistic linkage compares
-- (doc: int_linkage_records). Two records that share a node belong to one
-- person (doc: linkage_deterministic_rules).
--
-- Nodes: `N|<national id>`, `D|<nationality>|<document number>`,
-- `W|<work permit number>`. An identifier typed on a crossing that points
-- at a register record with an incompatible birth year, sex or
-- nationality is not trusted (a mistyped number must not merge two
-- persons); the record keeps its other nodes. `record_time` (the
-- crossing time) dates the use of a document,
-- `record_direction` says which way it crossed (`record_visa_type`
-- under which visa), and a naturalised
-- citizen's register entry carries the birth country as the nationality
-- held before naturalisation (doc: linkage_probabilistic_model).
--
-- Incremental (doc: linkage_records_incremental): a run writes again only
-- the crossing records of the delivery objects whose crossings changed, and
-- the records of a register only when that register changed. What the
-- crossing records read from the registers is in their input fingerprint:
-- when it changes, every crossing record is written again.
-- depends_on: {{ ref('stg_immigration__border_crossings') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='record_id',
    on_schema_change='fail',
    post_hook="{{ linkage_records_drop_gone() }}",
) }}
{%- set plan = linkage_records_plan() %}
with

crossings as (
    select * from {{ ref('int_crossings_harmonized') }}
    {%- if plan.incremental and not plan.all_crossings %}
        -- the crossings of the objects whose crossings changed, read by
        -- their object (a filter the scan applies to whole row groups) ...
        where object_id in ({{ plan.changed_objects_sql }})
    {%- endif %}
),
{%- set read_moved_crossings = plan.incremental and not plan.all_crossings
    and plan.records_in_gone_objects > 0 %}
{%- if read_moved_crossings %}

-- ... and those whose stored record came from an object that no longer
-- counts, wherever their winning version now is
moved_crossings as (
    select * from {{ ref('int_crossings_harmonized') }}
    where
        crossing_id in (
            select source_record_id from {{ this }}
            where source_system = 'border_crossings' and source_object_id in ({{ plan.gone_objects_sql }})
        )
        and object_id not in ({{ plan.changed_objects_sql }})
),
{%- endif %}

permits as (
    select * from {{ ref('int_work_permits_harmonized') }}
),

citizens as (
    select * from {{ ref('int_citizens_harmonized') }}
),

passports as (
    select * from {{ ref('stg_registry__passports') }}
),

crossing_records as (
    select
        'border_crossings' as source_system,
        crossings.crossing_id as source_record_id,
        'D|' || crossings.citizenship_iso3 || '|' || crossings.travel_doc_number as document_node,
        case
            when
                crossings.national_id is not null
                and (
                    citizens.national_id is null
                    or (
                        coalesce(year(crossings.birth_date) = year(citizens.birth_date), true)
                        and (crossings.sex = '_U' or citizens.sex = '_U' or crossings.sex = citizens.sex)
                    )
                )
                then 'N|' || crossings.national_id
        end as national_id_node,
        case
            when
                crossings.visa_type = 'WORK'
                and permits.work_permit_number is not null
                and coalesce(year(crossings.birth_date) = year(permits.birth_date), true)
                and (crossings.sex = '_U' or permits.sex = '_U' or crossings.sex = permits.sex)
                and (
                    crossings.citizenship_iso3 = '_U'
                    or permits.citizenship_iso3 = '_U'
                    or crossings.citizenship_iso3 = permits.citizenship_iso3
                )
                then 'W|' || permits.work_permit_number
        end as permit_node,
        crossings.national_id is not null as has_national_id,
        crossings.visa_type = 'WORK' and crossings.work_permit_number is not null as has_permit_number,
        {{ linkage_name('crossings.surname') }} as surname_std,
        {{ linkage_name('crossings.given_names') }} as given_names_std,
        crossings.birth_date,
        crossings.birth_date_precision,
        crossings.sex,
        crossings.citizenship_iso3,
        crossings.crossing_time as record_time,
        crossings.direction as record_direction,
        crossings.visa_type as record_visa_type,
        cast(null as varchar) as previous_citizenship_iso3,
        3 as attribute_priority,
        crossings.object_id as source_object_id,
        {{ linkage_crossing_register_fingerprint() }} as input_fingerprint
    from (
        select * from crossings
        {%- if read_moved_crossings %}
        union all by name
        select * from moved_crossings
        {%- endif %}
    ) as crossings
    left join citizens
        on crossings.national_id = citizens.national_id
    left join permits
        on crossings.work_permit_number = permits.work_permit_number
),

permit_names as (
    select
        permits.*,
        {{ linkage_name('permits.worker_name') }} as name_std
    from permits
),

permit_records as (
    select
        'work_permits' as source_system,
        permit_names.work_permit_number as source_record_id,
        case
            when permit_names.passport_number is not null
                then 'D|' || permit_names.citizenship_iso3 || '|' || permit_names.passport_number
        end as document_node,
        cast(null as varchar) as national_id_node,
        'W|' || permit_names.work_permit_number as permit_node,
        false as has_national_id,
        true as has_permit_number,
        {{ linkage_surname_of_full_name('permit_names.name_std') }} as surname_std,
        {{ linkage_given_of_full_name('permit_names.name_std') }} as given_names_std,
        permit_names.birth_date,
        case when permit_names.birth_date is not null then 'D' end as birth_date_precision,
        permit_names.sex,
        permit_names.citizenship_iso3,
        cast(null as timestamp) as record_time,
        cast(null as varchar) as record_direction,
        cast(null as varchar) as record_visa_type,
        cast(null as varchar) as previous_citizenship_iso3,
        2 as attribute_priority,
        cast(null as varchar) as source_object_id,
        {{ linkage_register_fingerprint(ref('int_work_permits_harmonized')) }} as input_fingerprint
    from permit_names
    {%- if plan.incremental and 'work_permits' not in plan.changed_registers %}
    where false
    {%- endif %}
),

citizen_names as (
    select
        citizens.*,
        {{ linkage_name('citizens.full_name') }} as name_std
    from citizens
),

citizen_records as (
    select
        'citizens' as source_system,
        citizen_names.national_id as source_record_id,
        cast(null as varchar) as document_node,
        'N|' || citizen_names.national_id as national_id_node,
        cast(null as varchar) as permit_node,
        true as has_national_id,
        false as has_permit_number,
        {{ linkage_surname_of_full_name('citizen_names.name_std') }} as surname_std,
        {{ linkage_given_of_full_name('citizen_names.name_std') }} as given_names_std,
        citizen_names.birth_date,
        case when citizen_names.birth_date is not null then 'D' end as birth_date_precision,
        citizen_names.sex,
        citizen_names.citizenship_iso3,
        cast(null as timestamp) as record_time,
        cast(null as varchar) as record_direction,
        cast(null as varchar) as record_visa_type,
        -- the nationality a naturalised citizen travelled under before:
        -- taken to be that of the country of birth
        case
            when
                citizen_names.citizenship_basis = 'NATURALISATION'
                and citizen_names.birth_country_iso3 not in ('{{ var("reporting_country") }}', '_U')
                then citizen_names.birth_country_iso3
        end as previous_citizenship_iso3,
        1 as attribute_priority,
        cast(null as varchar) as source_object_id,
        {{ linkage_register_fingerprint(ref('int_citizens_harmonized')) }} as input_fingerprint
    from citizen_names
    {%- if plan.incremental and 'citizens' not in plan.changed_registers %}
    where false
    {%- endif %}
),

passport_records as (
    select
        'passports' as source_system,
        passports.passport_number as source_record_id,
        'D|{{ var("reporting_country") }}|' || passports.passport_number as document_node,
        case
            when passports.national_id is not null then 'N|' || passports.national_id
        end as national_id_node,
        cast(null as varchar) as permit_node,
        passports.national_id is not null as has_national_id,
        false as has_permit_number,
        cast(null as varchar) as surname_std,
        cast(null as varchar) as given_names_std,
        cast(null as date) as birth_date,
        cast(null as varchar) as birth_date_precision,
        '_U' as sex,
        '{{ var("reporting_country") }}' as citizenship_iso3,
        cast(null as timestamp) as record_time,
        cast(null as varchar) as record_direction,
        cast(null as varchar) as record_visa_type,
        cast(null as varchar) as previous_citizenship_iso3,
        4 as attribute_priority,
        cast(null as varchar) as source_object_id,
        {{ linkage_register_fingerprint(ref('stg_registry__passports')) }} as input_fingerprint
    from passports
    {%- if plan.incremental and 'passports' not in plan.changed_registers %}
    where false
    {%- endif %}
),

unioned as (
    select * from crossing_records
    union all
    select * from permit_records
    union all
    select * from citizen_records
    union all
    select * from passport_records
),

final as (
    select
        -- ids
        unioned.source_system,
        unioned.source_record_id,
        unioned.source_system || ':' || unioned.source_record_id as record_id,

        -- identifier nodes: the first present is the record's own node
        coalesce(
            unioned.document_node,
            unioned.permit_node,
            unioned.national_id_node,
            'R|' || unioned.source_system || ':' || unioned.source_record_id
        ) as primary_node,
        unioned.document_node,
        unioned.national_id_node,
        unioned.permit_node,
        unioned.has_national_id,
        unioned.has_permit_number,

        -- attributes compared by probabilistic linkage (restricted)
        unioned.surname_std,
        unioned.given_names_std,
        unioned.birth_date,
        unioned.birth_date_precision,
        unioned.sex,
        unioned.citizenship_iso3,
        unioned.previous_citizenship_iso3,
        unioned.attribute_priority,

        -- when and which way the record's document was used, and under
        -- which visa (crossings only)
        unioned.record_time,
        unioned.record_direction,
        unioned.record_visa_type,

        -- what the record was made from (doc: linkage_records_incremental)
        unioned.source_object_id,
        unioned.input_fingerprint
    from unioned
)

select * from final
