-- Link rate per source (doc: linkage_quality): of each source's records,
-- how many belong to a person with more than one record, to a person
-- also found in another source, and to a person assembled with a
-- probabilistic link.
with

record_keys as (
    select * from {{ ref('int_record_person_keys') }}
),

clusters as (
    select * from {{ ref('int_record_clusters') }}
),

persons as (
    select
        record_keys.person_key,
        count(*) as record_count,
        count(distinct record_keys.source_system) as source_count
    from record_keys
    group by record_keys.person_key
),

final as (
    select
        record_keys.source_system,
        count(*) as record_count,
        count(distinct record_keys.person_key) as person_count,
        count(*) filter (where persons.record_count > 1) as records_in_multi_record_persons,
        count(*) filter (where persons.source_count > 1) as records_linked_to_other_sources,
        count(*) filter (where clusters.cluster_count > 1) as records_in_probabilistically_linked_persons,
        round(count(*) filter (where persons.record_count > 1) / count(*), 4) as multi_record_rate,
        round(count(*) filter (where persons.source_count > 1) / count(*), 4) as other_source_link_rate,
        round(count(*) filter (where clusters.cluster_count > 1) / count(*), 4) as probabilistic_link_rate
    from record_keys
    inner join persons
        on record_keys.person_key = persons.person_key
    inner join clusters
        on record_keys.cluster_id = clusters.cluster_id
    group by record_keys.source_system
)

select * from final
