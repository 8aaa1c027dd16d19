-- Every row of every quarterly snapshot of the passport register that counts.
with

landed_objects as (
    {{ current_objects('passports') }}
),

source as (
    select * from {{ source('registry', 'passports') }}
),

renamed as (
    select
        -- ids
        {{ normalise_document_number('source.passport_no') }} as passport_number,
        {{ normalise_document_number('source.nid') }} as national_id,
        source._object_id as object_id,
        source._row_number as source_row_number,
        landed_objects.extract_date as snapshot_date,

        -- the document
        {{ parse_yyyymmdd('source.issue_date') }} as issue_date,
        {{ parse_yyyymmdd('source.expiry_date') }} as expiry_date,
        upper(nullif(trim(source.status), '')) as passport_status

    from source
    inner join landed_objects
        on source._object_id = landed_objects.object_id
),

final as (
    select * from renamed
)

select * from final
