-- Every person's crossings in time order with broken sequences repaired
-- (doc: residence_repair_rule): two arrivals in a row get a departure
-- inserted on the day after the first arrival, two departures in a row
-- an arrival inserted on the day before the second departure. Inserted
-- rows have ids `REPAIR-DEP-<id before>` / `REPAIR-ARR-<id before>`.
with

crossings as (
    select * from {{ ref('int_person_crossings') }}
),

sequenced as (
    select
        crossings.person_key,
        crossings.crossing_id,
        crossings.direction,
        crossings.crossing_time,
        crossings.crossing_date,
        crossings.is_citizen,
        crossings.visa_type,
        crossings.has_valid_work_permit,
        crossings.death_date,
        row_number() over (
            partition by crossings.person_key
            order by crossings.crossing_time, crossings.crossing_id
        ) as original_seq,
        lead(crossings.direction) over (
            partition by crossings.person_key
            order by crossings.crossing_time, crossings.crossing_id
        ) as next_direction,
        lead(crossings.crossing_time) over (
            partition by crossings.person_key
            order by crossings.crossing_time, crossings.crossing_id
        ) as next_crossing_time,
        lead(crossings.crossing_date) over (
            partition by crossings.person_key
            order by crossings.crossing_time, crossings.crossing_id
        ) as next_crossing_date,
        lead(crossings.visa_type) over (
            partition by crossings.person_key
            order by crossings.crossing_time, crossings.crossing_id
        ) as next_visa_type
    from crossings
),

originals as (
    select
        sequenced.person_key,
        sequenced.crossing_id,
        sequenced.direction,
        sequenced.crossing_time,
        sequenced.crossing_date,
        sequenced.is_citizen,
        sequenced.visa_type,
        sequenced.has_valid_work_permit,
        sequenced.death_date,
        sequenced.original_seq * 2 as crossing_order,
        false as is_repaired,
        cast(null as varchar) as repair_kind,
        cast(null as varchar) as repaired_after_crossing_id
    from sequenced
),

broken_pairs as (
    select
        sequenced.*,
        -- half-way between the two crossings: used only when the two fall
        -- on the same day (or the next day before the default time)
        make_timestamp(
            cast((epoch_us(sequenced.crossing_time) + epoch_us(sequenced.next_crossing_time)) / 2 as bigint)
        ) as midpoint_time
    from sequenced
    where sequenced.next_direction = sequenced.direction
),

repairs as (
    select
        broken_pairs.person_key,
        'REPAIR-'
        || case when broken_pairs.direction = 'ARR' then 'DEP' else 'ARR' end
        || '-' || broken_pairs.crossing_id as crossing_id,
        case when broken_pairs.direction = 'ARR' then 'DEP' else 'ARR' end as direction,
        case
            -- missing departure: the day after the last sign of presence
            -- (the first arrival), at 00:00, never after the next arrival
            when broken_pairs.direction = 'ARR'
                then least(
                    cast(broken_pairs.crossing_date + 1 as timestamp),
                    broken_pairs.midpoint_time
                )
            -- missing arrival: the day before the next sign of presence
            -- (the second departure), at 00:00, never before the first
            else greatest(
                cast(broken_pairs.next_crossing_date - 1 as timestamp),
                broken_pairs.midpoint_time
            )
        end as crossing_time,
        broken_pairs.is_citizen,
        -- the visa of the stay (or trip) the lost record ended or began
        case
            when broken_pairs.direction = 'ARR' then broken_pairs.visa_type
            else broken_pairs.next_visa_type
        end as visa_type,
        broken_pairs.death_date,
        broken_pairs.original_seq * 2 + 1 as crossing_order,
        true as is_repaired,
        case
            when broken_pairs.direction = 'ARR' then 'missing_departure'
            else 'missing_arrival'
        end as repair_kind,
        broken_pairs.crossing_id as repaired_after_crossing_id
    from broken_pairs
),

repairs_dated as (
    select
        repairs.person_key,
        repairs.crossing_id,
        repairs.direction,
        repairs.crossing_time,
        cast(repairs.crossing_time as date) as crossing_date,
        repairs.is_citizen,
        repairs.visa_type,
        cast(null as boolean) as has_valid_work_permit,
        repairs.death_date,
        repairs.crossing_order,
        repairs.is_repaired,
        repairs.repair_kind,
        repairs.repaired_after_crossing_id
    from repairs
),

final as (
    select * from originals
    union all
    select * from repairs_dated
)

select * from final
