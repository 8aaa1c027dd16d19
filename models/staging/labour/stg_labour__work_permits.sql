-- One row per permit: its details and status in the latest snapshot that
-- lists it (a permit missing from later snapshots keeps its last state).
with

snapshots as (
    select * from {{ ref('stg_labour__work_permit_snapshots') }}
),

ranked as (
    select
        *,
        min(snapshot_date) over (partition by work_permit_number) as first_seen_date,
        max(snapshot_date) over (partition by work_permit_number) as last_seen_date,
        row_number() over (
            partition by work_permit_number
            order by snapshot_date desc, object_id desc, source_row_number desc
        ) as recency_rank
    from snapshots
    where work_permit_number is not null
),

final as (
    select
        work_permit_number,
        object_id,
        source_row_number,
        snapshot_date,
        first_seen_date,
        last_seen_date,
        passport_number_as_typed,
        passport_number,
        worker_name,
        nationality_text,
        gender_text,
        birth_date,
        occupation,
        isco08_code,
        employer_name,
        employer_sector,
        work_location,
        issue_date,
        expiry_date,
        permit_status,
        cancellation_reason
    from ranked
    where recency_rank = 1
)

select * from final
