-- One row per permit: its details and status in the latest snapshot that
-- lists it (a permit missing from later snapshots keeps its last state).
with

snapshots as (
    select * from {{ ref('stg_labour__work_permit_snapshots') }}
),

-- the keys alone, imported apart: a CTE read twice is materialised, and
-- materialising every parsed column of every monthly row cost more than
-- reading the view twice
snapshot_keys as (
    select
        work_permit_number,
        snapshot_date,
        object_id,
        source_row_number
    from {{ ref('stg_labour__work_permit_snapshots') }}
),

latest_rows as (
    -- each permit's latest row and the dates it was seen, aggregated on
    -- the keys alone: the snapshots list every permit every month, and
    -- ranking them whole sorted every wide row
    select
        work_permit_number,
        min(snapshot_date) as first_seen_date,
        max(snapshot_date) as last_seen_date,
        max({
            'snapshot_date': snapshot_date,
            'object_id': object_id,
            'source_row_number': source_row_number
        }) as latest_row
    from snapshot_keys
    where work_permit_number is not null
    group by work_permit_number
),

final as (
    select
        snapshots.work_permit_number,
        snapshots.object_id,
        snapshots.source_row_number,
        snapshots.snapshot_date,
        latest_rows.first_seen_date,
        latest_rows.last_seen_date,
        snapshots.passport_number_as_typed,
        snapshots.passport_number,
        snapshots.worker_name,
        snapshots.nationality_text,
        snapshots.gender_text,
        snapshots.birth_date,
        snapshots.occupation,
        snapshots.isco08_code,
        snapshots.employer_name,
        snapshots.employer_sector,
        snapshots.work_location,
        snapshots.issue_date,
        snapshots.expiry_date,
        snapshots.permit_status,
        snapshots.cancellation_reason
    from snapshots
    inner join latest_rows
        on
            snapshots.object_id = latest_rows.latest_row['object_id']
            and snapshots.source_row_number = latest_rows.latest_row['source_row_number']
)

select * from final
