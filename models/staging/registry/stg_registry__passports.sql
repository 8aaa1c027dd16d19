-- One row per Maldivian passport: its state in the latest snapshot.
with

snapshots as (
    select * from {{ ref('stg_registry__passport_snapshots') }}
),

ranked as (
    select
        *,
        min(snapshot_date) over (partition by passport_number) as first_seen_date,
        row_number() over (
            partition by passport_number
            order by snapshot_date desc, source_row_number desc
        ) as recency_rank
    from snapshots
    where passport_number is not null
),

final as (
    select
        passport_number,
        national_id,
        object_id,
        source_row_number,
        snapshot_date,
        first_seen_date,
        issue_date,
        expiry_date,
        passport_status
    from ranked
    where recency_rank = 1
)

select * from final
