{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='crossing_id',
        post_hook=[
            "{% if is_incremental() %}"
            ~ "delete from {{ this }} where record_status = 'VOID'"
            ~ " or object_id not in (select object_id from {{ ref('base_immigration__crossing_versions') }})"
            ~ "{% endif %}"
        ],
    )
}}
-- One row per crossing event: the latest version of each crossing_id
-- (by extracted_at, then the later extract, then the later row) wins;
-- an event whose latest version is VOID never happened and is dropped.
--
-- Incremental, because a daily delivery touches a few thousand crossings
-- of tens of millions: a run ranks again only the crossings with a
-- version in an object not yet seen here, or whose winning version's
-- object no longer counts (superseded by a re-delivery), or with a version
-- in an upload that a re-delivery not seen here replaced. Their new winner
-- replaces the old row; the post-hook then drops those whose new winner
-- is VOID, and those left with no version at all. A full build
-- (`migstat run` after a change of code or vintage) ranks everything.
with

crossing_versions as (
    select * from {{ ref('base_immigration__crossing_versions') }}
),

{% if is_incremental() %}
-- apart from crossing_versions, which is read once: a CTE read twice is
-- materialised whole, every column parsed for every row
version_objects as (
    select
        crossing_id,
        object_id
    from {{ ref('base_immigration__crossing_versions') }}
),

built_objects as (
    select distinct object_id from {{ this }}
),

affected_crossings as (
    select crossing_id from version_objects
    where object_id not in (select built_objects.object_id from built_objects)
    union
    select crossing_id from {{ this }}
    where object_id not in (select version_objects.object_id from version_objects)
    union
    -- the crossings of an upload that a re-delivery not seen here replaced:
    -- one that the earlier upload voided has no row here to be found by,
    -- and its older versions win again if the re-delivery drops the VOID
    select replaced_rows.crossing_id
    from {{ source('immigration', 'border_crossings') }} as replaced_rows
    where
        replaced_rows._object_id in (
            select replaced_objects.object_id
            from {{ source('landing', 'objects') }} as replaced_objects
            where
                replaced_objects.dataset = 'border_crossings'
                and replaced_objects.status = 'superseded'
                and replaced_objects.superseded_by not in (select built_objects.object_id from built_objects)
        )
),

{% endif %}
ranked as (
    select
        *,
        row_number() over (
            partition by crossing_id
            order by extracted_at desc nulls last, extract_date desc, object_id desc, source_row_number desc
        ) as version_rank,
        count(*) over (partition by crossing_id) as version_count
    from crossing_versions
    {% if is_incremental() %}
        where crossing_id in (select affected_crossings.crossing_id from affected_crossings)
    {% endif %}
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
        -- a VOID winner must reach the table to replace the row it voids
        {% if not is_incremental() %}and record_status <> 'VOID'{% endif %}
)

select * from final
