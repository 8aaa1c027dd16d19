-- One row per citizen: the record in the latest snapshot that lists the
-- national ID (the register is a full snapshot; a record that disappears
-- keeps its last state).
with

snapshots as (
    select * from {{ ref('stg_registry__citizen_snapshots') }}
),

ranked as (
    select
        *,
        min(snapshot_date) over (partition by national_id) as first_seen_date,
        row_number() over (
            partition by national_id
            order by snapshot_date desc, last_updated_at desc nulls last, source_row_number desc
        ) as recency_rank
    from snapshots
    where national_id is not null
),

final as (
    select
        national_id,
        object_id,
        source_row_number,
        snapshot_date,
        first_seen_date,
        full_name,
        sex_code,
        birth_date,
        birth_country_iso2,
        birth_island,
        registered_atoll_prefix,
        registered_island,
        citizenship_basis,
        citizenship_date,
        death_date,
        last_updated_at
    from ranked
    where recency_rank = 1
)

select * from final
