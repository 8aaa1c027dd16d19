-- Border crossings in the common codes: ISO alpha-3 countries, sex
-- M/F/_U, reasons from the visa type and the declared purpose.
-- A view: lookups in small code lists cost less than writing 25 million
-- wide rows again after stg_immigration__border_crossings.
{{ config(materialized='view') }}

with

crossings as (
    select * from {{ ref('stg_immigration__border_crossings') }}
),

-- not materialized: DuckDB materialises a CTE read more than once, and
-- then computes every column of the view for every crossing, even for a
-- reader of three columns (int_duplicate_crossings, the grain test): at
-- scale 1.0, 3.6 s instead of 10 s for those three
icao_codes as not materialized (
    select
        source_code,
        iso3
    from {{ ref('country_code_crosswalk') }}
    where code_system = 'icao'
),

sex_codes as (
    select
        source_code,
        sex
    from {{ ref('sex_codes') }}
    where source_system = 'border_crossings'
),

visa_reasons as (
    select * from {{ ref('visa_type_reasons') }}
),

purpose_reasons as (
    select * from {{ ref('purpose_reasons') }}
),

ports as (
    select * from {{ ref('port_codes') }}
),

final as (
    select
        -- ids
        crossings.crossing_id,
        crossings.object_id,
        crossings.source_row_number,

        -- the event
        crossings.crossing_time,
        crossings.crossing_date,
        crossings.direction,
        crossings.port_code,
        ports.kind as port_kind,
        crossings.flight_vessel,

        -- identifiers (restricted)
        crossings.travel_doc_type,
        crossings.travel_doc_number,
        crossings.travel_doc_country_icao,
        crossings.national_id,
        crossings.work_permit_number,
        crossings.surname,
        crossings.given_names,
        crossings.birth_date,
        crossings.birth_date_precision,

        -- harmonized attributes
        coalesce(sex_codes.sex, '_U') as sex,
        crossings.nationality_icao,
        coalesce(nationality.iso3, '_U') as citizenship_iso3,
        nationality.iso3 is null and crossings.nationality_icao is not null
            as is_citizenship_unmapped,
        coalesce(nationality.iso3, '') = '{{ var("reporting_country") }}' as is_citizen,
        coalesce(document_country.iso3, '_U') as travel_doc_country_iso3,
        coalesce(residence.iso3, '_U') as declared_residence_iso3,

        -- visa, purpose and the reasons they imply
        crossings.visa_type,
        crossings.purpose_of_visit,
        crossings.intended_stay_days,
        visa_reasons.reason as visa_reason,
        visa_reasons.reason_migration as visa_reason_migration,
        purpose_reasons.reason as purpose_reason,
        purpose_reasons.reason_migration as purpose_reason_migration

    from crossings
    left join icao_codes as nationality
        on crossings.nationality_icao = nationality.source_code
    left join icao_codes as document_country
        on crossings.travel_doc_country_icao = document_country.source_code
    left join icao_codes as residence
        on crossings.declared_residence_country_icao = residence.source_code
    left join sex_codes
        on crossings.sex_code = sex_codes.source_code
    left join visa_reasons
        on crossings.visa_type = visa_reasons.visa_type
    left join purpose_reasons
        on crossings.purpose_of_visit = purpose_reasons.purpose_of_visit
    left join ports
        on crossings.port_code = ports.port_code
)

select * from final
