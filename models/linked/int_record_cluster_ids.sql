-- Every linked record with its deterministic cluster (int_record_person_keys
-- adds the person). A model of its own, built as soon as the deterministic
-- clusters are: the join of 27 million records on their identifier node
-- (a string) then runs beside the cluster profiles and Splink instead of
-- after them, and the person is joined on the integer cluster id.
with

records as (
    select * from {{ ref('int_linkage_records') }}
),

clusters as (
    select * from {{ ref('int_deterministic_clusters') }}
),

final as (
    select
        records.source_system,
        records.source_record_id,
        records.source_object_id,
        clusters.cluster_id
    from records
    inner join clusters
        on records.primary_node = clusters.node
)

select * from final
