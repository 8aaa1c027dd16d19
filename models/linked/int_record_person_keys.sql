-- Every linked record with its deterministic cluster and person key, the
-- record ids in clear (restricted; person_links publishes the registers'
-- identifiers hashed).
with

records as (
    select * from {{ ref('int_linkage_records') }}
),

clusters as (
    select * from {{ ref('int_deterministic_clusters') }}
),

persons as (
    select * from {{ ref('int_record_clusters') }}
),

final as (
    select
        records.source_system,
        records.source_record_id,
        clusters.cluster_id,
        persons.person_id,
        persons.person_key
    from records
    inner join clusters
        on records.primary_node = clusters.node
    inner join persons
        on clusters.cluster_id = persons.cluster_id
)

select * from final
