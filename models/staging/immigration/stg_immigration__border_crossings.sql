-- One row per crossing event: the latest version of each crossing_id
-- (by extracted_at, then the later extract, then the later row) wins;
-- an event whose latest version is VOID never happened and is dropped.
with

crossing_versions as (
    select * from {{ ref('base_immigration__crossing_versions') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by crossing_id
            order by extracted_at desc nulls last, extract_date desc, object_id desc, source_row_number desc
        ) as version_rank,
        count(*) over (partition by crossing_id) as version_count
    from crossing_versions
),

final as (
    select
        crossing_id,
        object_id,
        source_row_number,
        record_status,
        version_count,
        extracted_at,
        extract_date,
        crossing_time,
        crossing_time::date as crossing_date,
        direction,
        port_code,
        flight_vessel,
        travel_doc_type,
        travel_doc_number,
        travel_doc_country_icao,
        nationality_icao,
        surname,
        given_names,
        birth_date_text,
        birth_date,
        birth_date_precision,
        sex_code,
        national_id,
        visa_type,
        work_permit_number_raw,
        work_permit_number,
        purpose_of_visit,
        intended_stay_days,
        declared_residence_country_icao
    from ranked
    where
        version_rank = 1
        and record_status <> 'VOID'
)

select * from final
