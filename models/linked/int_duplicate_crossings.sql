-- Border-crossing events recorded twice (extracts.md): a crossing of the
-- same person in the same direction within `linkage_duplicate_minutes`
-- (default 10) minutes of that person's previous crossing, under another
-- crossing_id. The first record is kept; each row here is a dropped one,
-- with the record it duplicates (doc: int_person_crossings).
{%- set window_minutes = var('linkage_duplicate_minutes', 10) | int %}
with

crossings as (
    select * from {{ ref('int_crossings_harmonized') }}
),

record_keys as (
    select * from {{ ref('int_record_person_keys') }}
    where source_system = 'border_crossings'
),

sequenced as (
    select
        record_keys.person_key,
        crossings.crossing_id,
        crossings.direction,
        crossings.crossing_time,
        lag(crossings.crossing_id) over person_order as previous_crossing_id,
        lag(crossings.direction) over person_order as previous_direction,
        lag(crossings.crossing_time) over person_order as previous_crossing_time
    from crossings
    inner join record_keys
        on crossings.crossing_id = record_keys.source_record_id
    window person_order as (
        partition by record_keys.person_key
        order by crossings.crossing_time, crossings.crossing_id
    )
),

final as (
    select
        sequenced.person_key,
        sequenced.crossing_id,
        sequenced.previous_crossing_id as duplicate_of_crossing_id,
        sequenced.direction,
        sequenced.crossing_time,
        date_diff('second', sequenced.previous_crossing_time, sequenced.crossing_time) as seconds_after
    from sequenced
    where
        sequenced.direction = sequenced.previous_direction
        and sequenced.crossing_time
        <= sequenced.previous_crossing_time + interval '{{ window_minutes }} minutes'
)

select * from final
