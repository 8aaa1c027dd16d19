-- Distribution of persons by size (doc: linkage_quality): records,
-- travel documents and deterministic clusters per person, in bands. A
-- long tail of very large persons is the sign of a bad link.
with

record_keys as (
    select * from {{ ref('int_record_person_keys') }}
),

records as (
    select * from {{ ref('int_linkage_records') }}
),

per_person as (
    select
        record_keys.person_key,
        count(*) as records,
        count(distinct records.document_node) as documents,
        count(distinct record_keys.cluster_id) as clusters
    from record_keys
    inner join records
        on record_keys.record_id = records.record_id
    group by record_keys.person_key
),

measured as (
    select
        'records_per_person' as measure,
        per_person.records as size
    from per_person
    union all
    select
        'documents_per_person' as measure,
        per_person.documents as size
    from per_person
    union all
    select
        'clusters_per_person' as measure,
        per_person.clusters as size
    from per_person
),

final as (
    select
        measured.measure,
        case
            when measured.size <= 5 then cast(measured.size as varchar)
            when measured.size <= 10 then '6-10'
            when measured.size <= 20 then '11-20'
            when measured.size <= 50 then '21-50'
            else '>50'
        end as size_band,
        min(measured.size) as size_from,
        count(*) as person_count,
        max(measured.size) as largest
    from measured
    group by measured.measure, size_band
    order by measured.measure, size_from
)

select * from final
