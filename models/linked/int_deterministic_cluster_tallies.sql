-- The records of each deterministic cluster tallied per document and
-- combination of attributes (a few rows per cluster): what
-- int_deterministic_cluster_profiles chooses from. A table of its own so
-- that, at national scale (27 million records), the choices read these
-- tallies from the file instead of holding them in memory four times over.
-- Restricted: names and dates of birth.
with

records as (
    select * from {{ ref('int_linkage_records') }}
),

clusters as (
    select * from {{ ref('int_deterministic_clusters') }}
),

final as (
    select
        clusters.cluster_id,
        records.document_node,
        records.surname_std,
        records.given_names_std,
        records.full_name_std,
        records.birth_date,
        records.birth_date_precision,
        records.sex,
        records.citizenship_iso3,
        min(records.attribute_priority) as attribute_priority,
        count(*) as record_count,
        count(*) filter (where records.source_system = 'border_crossings') as crossing_count,
        min(records.record_id) as smallest_record_id,
        min(records.record_date) as first_crossing_date,
        max(records.record_date) as last_crossing_date,
        -- the direction of the first and last crossing (by time, then id)
        arg_min(
            records.record_direction, (records.record_time, records.record_id)
        ) filter (where records.record_time is not null) as first_crossing_direction,
        arg_max(
            records.record_direction, (records.record_time, records.record_id)
        ) filter (where records.record_time is not null) as last_crossing_direction,
        min(records.record_time) as first_crossing_time,
        max(records.record_time) as last_crossing_time,
        min(records.previous_citizenship_iso3) as previous_citizenship_iso3
    from records
    inner join clusters
        on records.primary_node = clusters.node
    group by all
)

select * from final
