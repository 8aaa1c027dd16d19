-- Every version of every crossing record in the object versions that
-- count. Corrections and voids are resolved downstream, in
-- stg_immigration__border_crossings.
with

landed_objects as (
    {{ current_objects('border_crossings') }}
),

source as (
    select * from {{ source('immigration', 'border_crossings') }}
),

renamed as (
    select
        -- ids
        source.crossing_id,
        source._object_id as object_id,
        source._row_number as source_row_number,

        -- record versioning
        upper(trim(source.record_status)) as record_status,
        try_cast(nullif(trim(source.extracted_at), '') as timestamptz) as extracted_at,
        landed_objects.extract_date,

        -- the event
        try_strptime(nullif(trim(source.crossing_time), ''), '%Y-%m-%d %H:%M:%S')
            as crossing_time,
        upper(trim(source.direction)) as direction,
        upper(trim(source.port_code)) as port_code,
        upper(nullif(trim(source.flight_vessel), '')) as flight_vessel,

        -- the document and the person
        upper(trim(source.travel_doc_type)) as travel_doc_type,
        {{ normalise_document_number('source.travel_doc_number') }} as travel_doc_number,
        {{ normalise_icao_code('source.travel_doc_country') }} as travel_doc_country_icao,
        {{ normalise_icao_code('source.nationality') }} as nationality_icao,
        nullif(upper(trim(source.surname)), '') as surname,
        nullif(upper(trim(source.given_names)), '') as given_names,
        nullif(trim(source.date_of_birth), '') as birth_date_text,
        {{ parse_partial_date('trim(source.date_of_birth)') }} as birth_date,
        {{ partial_date_precision('trim(source.date_of_birth)') }} as birth_date_precision,
        upper(trim(source.sex)) as sex_code,
        {{ normalise_document_number('source.national_id') }} as national_id,

        -- visa and declarations
        upper(nullif(trim(source.visa_type), '')) as visa_type,
        {{ normalise_document_number('source.work_permit_number') }} as work_permit_number_raw,
        upper(nullif(trim(source.purpose_of_visit), '')) as purpose_of_visit,
        try_cast(nullif(trim(source.intended_stay_days), '') as integer) as intended_stay_days,
        {{ normalise_icao_code('source.declared_residence_country') }}
            as declared_residence_country_icao

    from source
    inner join landed_objects
        on source._object_id = landed_objects.object_id
),

final as (
    select
        *,
        -- `WP2019-000123` loses its dash in normalisation; put it back
        -- only where the rest is exactly a permit number.
        case
            when regexp_full_match(work_permit_number_raw, 'WP\d{10}')
                then substr(work_permit_number_raw, 1, 6) || '-' || substr(work_permit_number_raw, 7)
        end as work_permit_number
    from renamed
)

select * from final
