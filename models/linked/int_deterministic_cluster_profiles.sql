-- One row per deterministic cluster (int_deterministic_clusters) with the
-- attributes probabilistic linkage compares, chosen by the rule of
-- int_persons (doc: linkage_attribute_rule): the citizens register first,
-- then the work permits, then the most frequent value on the crossings
-- (a date of birth: the most precise first), the period in which the
-- cluster's documents were used at the border (first and last crossing,
-- and which way each went), the visa type of its last crossing, its
-- national id node if it holds one, and, for a naturalised citizen, the
-- nationality held before naturalisation (the register's birth country).
-- Restricted: names, dates of birth and national ids.
--
-- The records are first tallied per cluster, source, document and
-- combination of attributes (int_deterministic_cluster_tallies), and every
-- choice is made on the tallies. Most clusters (10.5 of 11.1 million at
-- national scale: one document, one person) have a single tally row,
-- which is their profile as it stands; only the others go through the
-- choices.
with

all_tallies as (
    select * from {{ ref('int_deterministic_cluster_tallies') }}
),

clusters as (
    select * from {{ ref('int_deterministic_clusters') }}
),

-- records that share a national id are one cluster: at most one per
-- cluster, unless a record links two (the smallest is kept)
national_ids as (
    select
        clusters.cluster_id,
        min(clusters.node) as national_id_node
    from clusters
    where starts_with(clusters.node, 'N|')
    group by clusters.cluster_id
),

tally_rows as (
    select
        all_tallies.cluster_id,
        count(*) as tally_row_count
    from all_tallies
    group by all_tallies.cluster_id
),

single_tallies as (
    select all_tallies.*
    from all_tallies
    inner join tally_rows
        on all_tallies.cluster_id = tally_rows.cluster_id
    where tally_rows.tally_row_count = 1
),

tallies as (
    -- the tallies of the clusters with more than one
    select all_tallies.*
    from all_tallies
    inner join tally_rows
        on all_tallies.cluster_id = tally_rows.cluster_id
    where tally_rows.tally_row_count > 1
),

sizes as (
    select
        tallies.cluster_id,
        min(tallies.smallest_record_id) as smallest_record_id,
        cast(sum(tallies.record_count) as bigint) as record_count,
        cast(coalesce(
            sum(tallies.record_count) filter (where tallies.source_system = 'border_crossings'), 0
        ) as bigint) as crossing_count,
        min(tallies.first_crossing_time) as first_crossing_time,
        max(tallies.last_crossing_time) as last_crossing_time,
        arg_min(tallies.first_crossing_direction, tallies.first_crossing_time)
            as first_crossing_direction,
        arg_max(tallies.last_crossing_direction, tallies.last_crossing_time)
            as last_crossing_direction,
        min(tallies.previous_citizenship_iso3) as previous_citizenship_iso3,
        arg_max(tallies.last_visa_type, tallies.last_crossing_time) as visa_type
    from tallies
    group by tallies.cluster_id
),

cluster_documents as (
    -- distinct documents counted from distinct pairs: a count(distinct)
    -- beside the other aggregates of 11 million clusters costs several
    -- times more
    select
        cluster_document_nodes.cluster_id,
        count(cluster_document_nodes.document_node) as document_count
    from (
        select distinct
            tallies.cluster_id,
            tallies.document_node
        from tallies
    ) as cluster_document_nodes
    group by cluster_document_nodes.cluster_id
),

names as (
    select
        tallies.cluster_id,
        tallies.surname_std,
        tallies.given_names_std,
        row_number() over (
            partition by tallies.cluster_id
            order by
                min(tallies.attribute_priority) asc, sum(tallies.record_count) desc,
                {{ linkage_full_name('tallies.given_names_std', 'tallies.surname_std') }} asc,
                tallies.surname_std asc
        ) as preference
    from tallies
    where tallies.surname_std is not null or tallies.given_names_std is not null
    group by tallies.cluster_id, tallies.surname_std, tallies.given_names_std
),

birth_dates as (
    select
        tallies.cluster_id,
        tallies.birth_date,
        tallies.birth_date_precision,
        row_number() over (
            partition by tallies.cluster_id
            order by
                min(tallies.attribute_priority) asc,
                case tallies.birth_date_precision when 'D' then 1 when 'M' then 2 else 3 end asc,
                sum(tallies.record_count) desc,
                tallies.birth_date asc
        ) as preference
    from tallies
    where tallies.birth_date is not null
    group by tallies.cluster_id, tallies.birth_date, tallies.birth_date_precision
),

sexes as (
    select
        tallies.cluster_id,
        tallies.sex,
        row_number() over (
            partition by tallies.cluster_id
            order by min(tallies.attribute_priority) asc, sum(tallies.record_count) desc, tallies.sex asc
        ) as preference
    from tallies
    where tallies.sex <> '_U'
    group by tallies.cluster_id, tallies.sex
),

citizenships as (
    select
        tallies.cluster_id,
        tallies.citizenship_iso3,
        row_number() over (
            partition by tallies.cluster_id
            order by
                min(tallies.attribute_priority) asc, sum(tallies.record_count) desc,
                tallies.citizenship_iso3 asc
        ) as preference
    from tallies
    where tallies.citizenship_iso3 <> '_U'
    group by tallies.cluster_id, tallies.citizenship_iso3
),

chosen_profiles as (
    select
        sizes.cluster_id,
        sizes.smallest_record_id,
        sizes.record_count,
        sizes.crossing_count,
        coalesce(cluster_documents.document_count, 0) as document_count,
        names.surname_std,
        names.given_names_std,
        {{ linkage_full_name('names.given_names_std', 'names.surname_std') }} as full_name_std,
        birth_dates.birth_date,
        birth_dates.birth_date_precision,
        coalesce(sexes.sex, '_U') as sex,
        coalesce(citizenships.citizenship_iso3, '_U') as citizenship_iso3,
        cast(sizes.first_crossing_time as date) as first_crossing_date,
        cast(sizes.last_crossing_time as date) as last_crossing_date,
        sizes.first_crossing_direction,
        sizes.last_crossing_direction,
        sizes.previous_citizenship_iso3,
        sizes.visa_type
    from sizes
    left join cluster_documents
        on sizes.cluster_id = cluster_documents.cluster_id
    left join names
        on sizes.cluster_id = names.cluster_id and names.preference = 1
    left join birth_dates
        on sizes.cluster_id = birth_dates.cluster_id and birth_dates.preference = 1
    left join sexes
        on sizes.cluster_id = sexes.cluster_id and sexes.preference = 1
    left join citizenships
        on sizes.cluster_id = citizenships.cluster_id and citizenships.preference = 1
),

single_profiles as (
    select
        single_tallies.cluster_id,
        single_tallies.smallest_record_id,
        single_tallies.record_count,
        case
            when single_tallies.source_system = 'border_crossings' then single_tallies.record_count else 0
        end as crossing_count,
        cast(single_tallies.document_node is not null as bigint) as document_count,
        single_tallies.surname_std,
        single_tallies.given_names_std,
        {{ linkage_full_name('single_tallies.given_names_std', 'single_tallies.surname_std') }}
            as full_name_std,
        single_tallies.birth_date,
        case when single_tallies.birth_date is not null then single_tallies.birth_date_precision end
            as birth_date_precision,
        coalesce(single_tallies.sex, '_U') as sex,
        coalesce(single_tallies.citizenship_iso3, '_U') as citizenship_iso3,
        cast(single_tallies.first_crossing_time as date) as first_crossing_date,
        cast(single_tallies.last_crossing_time as date) as last_crossing_date,
        single_tallies.first_crossing_direction,
        single_tallies.last_crossing_direction,
        single_tallies.previous_citizenship_iso3,
        single_tallies.last_visa_type as visa_type
    from single_tallies
),

profiles as (
    select * from chosen_profiles
    union all
    select * from single_profiles
),

final as (
    select
        profiles.*,
        national_ids.national_id_node
    from profiles
    left join national_ids
        on profiles.cluster_id = national_ids.cluster_id
)

select * from final
