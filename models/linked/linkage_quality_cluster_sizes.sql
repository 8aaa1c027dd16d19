-- Distribution of persons by size (doc: linkage_quality): records,
-- travel documents and deterministic clusters per person, in bands. A
-- long tail of very large persons is the sign of a bad link.
with

persons as (
    select * from {{ ref('int_persons') }}
),

per_person as (
    select
        persons.record_count as records,
        persons.document_count as documents,
        persons.cluster_count as clusters
    from persons
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
