-- The object manifest: every object version seen in the store, with its
-- landing status. The lineage of every raw row starts here.
with

source as (
    select * from {{ source('landing', 'objects') }}
),

final as (
    select
        object_id,
        bucket,
        object_key,
        dataset,
        extract_date,
        etag,
        content_sha256,
        size_bytes,
        status as landing_status,
        reason as landing_reason,
        row_count,
        loaded_at,
        superseded_by,
        source_uri
    from source
)

select * from final
