-- The status history of each permit, rebuilt from the monthly snapshots:
-- one row per run of consecutive snapshots with the same status. A status
-- change happened between the last snapshot of one run and the first of
-- the next; `status_from` is the first snapshot that shows it.
with

snapshots as (
    select * from {{ ref('stg_labour__work_permit_snapshots') }}
),

one_per_snapshot as (
    -- a duplicate row inside a snapshot counts once: the last one typed
    select
        work_permit_number,
        snapshot_date,
        permit_status,
        cancellation_reason
    from snapshots
    where work_permit_number is not null
    qualify row_number() over (
        partition by work_permit_number, snapshot_date
        order by object_id desc, source_row_number desc
    ) = 1
),

with_previous as (
    select
        *,
        lag(permit_status) over (
            partition by work_permit_number order by snapshot_date
        ) as previous_status,
        row_number() over (
            partition by work_permit_number order by snapshot_date
        ) as snapshot_sequence
    from one_per_snapshot
),

changes as (
    select
        *,
        case
            when snapshot_sequence = 1 then 1
            when coalesce(permit_status, '') <> coalesce(previous_status, '') then 1
            else 0
        end as is_change
    from with_previous
),

runs as (
    select
        *,
        sum(is_change) over (
            partition by work_permit_number
            order by snapshot_date
            rows between unbounded preceding and current row
        ) as run_number
    from changes
),

final as (
    select
        work_permit_number,
        run_number as status_sequence,
        any_value(permit_status) as permit_status,
        max(cancellation_reason) as cancellation_reason,
        min(snapshot_date) as status_from,
        max(snapshot_date) as status_last_seen
    from runs
    group by work_permit_number, run_number
)

select * from final
