-- The linkage in figures (doc: linkage_quality): one row per metric.
with

records as (
    select * from {{ ref('int_linkage_records') }}
),

edges as (
    select * from {{ ref('int_record_links_deterministic') }}
),

clusters as (
    select * from {{ ref('int_record_clusters') }}
),

pairs as (
    select * from {{ ref('int_record_links_probabilistic') }}
),

duplicates as (
    select * from {{ ref('int_duplicate_crossings') }}
),

person_crossings as (
    select * from {{ ref('int_person_crossings') }}
),

metrics as (
    select
        'records_' || records.source_system as metric,
        count(*) as metric_value
    from records
    group by records.source_system
    union all
    select
        'deterministic_edges_' || edges.link_rule as metric,
        count(*) as metric_value
    from edges
    group by edges.link_rule
    union all
    select
        'national_ids_on_crossings_not_trusted' as metric,
        count(*) as metric_value
    from records
    where
        records.source_system = 'border_crossings'
        and records.has_national_id
        and records.national_id_node is null
    union all
    select
        'permit_numbers_on_work_crossings_unmatched' as metric,
        count(*) as metric_value
    from records
    where
        records.source_system = 'border_crossings'
        and records.has_permit_number
        and records.permit_node is null
    union all
    select
        'deterministic_clusters' as metric,
        count(*) as metric_value
    from clusters
    union all
    select
        'persons' as metric,
        count(distinct clusters.person_id) as metric_value
    from clusters
    union all
    select
        'probabilistic_pairs_scored' as metric,
        count(*) as metric_value
    from pairs
    union all
    select
        'probabilistic_links_used' as metric,
        count(*) filter (where pairs.is_link) as metric_value
    from pairs
    union all
    select
        'duplicate_crossings_dropped' as metric,
        count(*) as metric_value
    from duplicates
    union all
    select
        'person_crossings' as metric,
        count(*) as metric_value
    from person_crossings
),

final as (
    select
        metrics.metric,
        cast(metrics.metric_value as bigint) as metric_value
    from metrics
)

select * from final
