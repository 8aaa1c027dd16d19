-- The linked records of each person tallied per source, document and
-- combination of the attributes the person dimension chooses from (a few
-- rows per person): what int_persons chooses from. Regrouped from the
-- deterministic clusters' tallies (a person is one or more whole
-- clusters), so the 27 million records are not joined to their persons
-- again; keyed by the integer person id of this build. Restricted: dates
-- of birth.
with

cluster_tallies as (
    select * from {{ ref('int_deterministic_cluster_tallies') }}
),

clusters as (
    select * from {{ ref('int_record_clusters') }}
),

final as (
    select
        clusters.person_id,
        cluster_tallies.source_system,
        cluster_tallies.document_node,
        cluster_tallies.birth_date,
        cluster_tallies.birth_date_precision,
        cluster_tallies.sex,
        cluster_tallies.citizenship_iso3,
        cluster_tallies.previous_citizenship_iso3,
        min(cluster_tallies.attribute_priority) as attribute_priority,
        cast(sum(cluster_tallies.record_count) as bigint) as record_count
    from cluster_tallies
    inner join clusters
        on cluster_tallies.cluster_id = clusters.cluster_id
    group by all
)

select * from final
