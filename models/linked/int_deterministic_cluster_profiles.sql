-- One row per deterministic cluster (int_deterministic_clusters) with the
-- attributes probabilistic linkage compares, chosen by the rule of
-- int_persons (doc: linkage_attribute_rule): the citizens register first,
-- then the work permits, then the most frequent value on the crossings
-- (a date of birth: the most precise first). Restricted: names and dates
-- of birth.
with

records as (
    select * from {{ ref('int_linkage_records') }}
),

clusters as (
    select * from {{ ref('int_deterministic_clusters') }}
),

clustered as (
    select
        clusters.cluster_id,
        records.*
    from records
    inner join clusters
        on records.primary_node = clusters.node
),

sizes as (
    select
        clustered.cluster_id,
        min(clustered.record_id) as smallest_record_id,
        count(*) as record_count,
        count(*) filter (where clustered.source_system = 'border_crossings') as crossing_count,
        count(distinct clustered.document_node) as document_count
    from clustered
    group by clustered.cluster_id
),

names as (
    select
        clustered.cluster_id,
        clustered.surname_std,
        clustered.given_names_std,
        clustered.full_name_std,
        row_number() over (
            partition by clustered.cluster_id
            order by
                min(clustered.attribute_priority) asc, count(*) desc, clustered.full_name_std asc,
                clustered.surname_std asc
        ) as preference
    from clustered
    where clustered.full_name_std is not null
    group by clustered.cluster_id, clustered.surname_std, clustered.given_names_std, clustered.full_name_std
),

birth_dates as (
    select
        clustered.cluster_id,
        clustered.birth_date,
        clustered.birth_date_precision,
        row_number() over (
            partition by clustered.cluster_id
            order by
                min(clustered.attribute_priority) asc,
                case clustered.birth_date_precision when 'D' then 1 when 'M' then 2 else 3 end asc,
                count(*) desc,
                clustered.birth_date asc
        ) as preference
    from clustered
    where clustered.birth_date is not null
    group by clustered.cluster_id, clustered.birth_date, clustered.birth_date_precision
),

sexes as (
    select
        clustered.cluster_id,
        clustered.sex,
        row_number() over (
            partition by clustered.cluster_id
            order by min(clustered.attribute_priority) asc, count(*) desc, clustered.sex asc
        ) as preference
    from clustered
    where clustered.sex <> '_U'
    group by clustered.cluster_id, clustered.sex
),

citizenships as (
    select
        clustered.cluster_id,
        clustered.citizenship_iso3,
        row_number() over (
            partition by clustered.cluster_id
            order by min(clustered.attribute_priority) asc, count(*) desc, clustered.citizenship_iso3 asc
        ) as preference
    from clustered
    where clustered.citizenship_iso3 <> '_U'
    group by clustered.cluster_id, clustered.citizenship_iso3
),

final as (
    select
        sizes.cluster_id,
        sizes.smallest_record_id,
        sizes.record_count,
        sizes.crossing_count,
        sizes.document_count,
        names.surname_std,
        names.given_names_std,
        names.full_name_std,
        birth_dates.birth_date,
        birth_dates.birth_date_precision,
        coalesce(sexes.sex, '_U') as sex,
        coalesce(citizenships.citizenship_iso3, '_U') as citizenship_iso3
    from sizes
    left join names
        on sizes.cluster_id = names.cluster_id and names.preference = 1
    left join birth_dates
        on sizes.cluster_id = birth_dates.cluster_id and birth_dates.preference = 1
    left join sexes
        on sizes.cluster_id = sexes.cluster_id and sexes.preference = 1
    left join citizenships
        on sizes.cluster_id = citizenships.cluster_id and citizenships.preference = 1
)

select * from final
