-- Every linked record with its deterministic cluster and person key, the
-- record ids in clear (restricted; person_links publishes the registers'
-- identifiers hashed).
with

record_clusters as (
    select * from {{ ref('int_record_cluster_ids') }}
),

persons as (
    select * from {{ ref('int_record_clusters') }}
),

final as (
    select
        record_clusters.source_system,
        record_clusters.source_record_id,
        record_clusters.source_object_id,
        record_clusters.cluster_id,
        persons.person_id,
        persons.person_key
    from record_clusters
    inner join persons
        on record_clusters.cluster_id = persons.cluster_id
)

select * from final
