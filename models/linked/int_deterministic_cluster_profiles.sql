-- One row per deterministic cluster (int_deterministic_clusters) with the
-- attributes probabilistic linkage compares, chosen by the rule of
-- int_persons (doc: linkage_attribute_rule): the citizens register first,
-- then the work permits, then the most frequent value on the crossings
-- (a date of birth: the most precise first), the period in which the
-- cluster's documents were used at the border (first and last crossing,
-- and which way each went), and, for a naturalised citizen, the
-- nationality held before naturalisation (the register's birth country).
-- Restricted: names and dates of birth.
--
-- The records are first tallied per cluster, document and combination of
-- attributes (int_deterministic_cluster_tallies), and every choice is made
-- on the tallies.
with

tallies as (
    select * from {{ ref('int_deterministic_cluster_tallies') }}
),

sizes as (
    select
        tallies.cluster_id,
        min(tallies.smallest_record_id) as smallest_record_id,
        sum(tallies.record_count) as record_count,
        sum(tallies.crossing_count) as crossing_count,
        count(distinct tallies.document_node) as document_count,
        min(tallies.first_crossing_date) as first_crossing_date,
        max(tallies.last_crossing_date) as last_crossing_date,
        arg_min(tallies.first_crossing_direction, tallies.first_crossing_time)
            as first_crossing_direction,
        arg_max(tallies.last_crossing_direction, tallies.last_crossing_time)
            as last_crossing_direction,
        min(tallies.previous_citizenship_iso3) as previous_citizenship_iso3
    from tallies
    group by tallies.cluster_id
),

names as (
    select
        tallies.cluster_id,
        tallies.surname_std,
        tallies.given_names_std,
        tallies.full_name_std,
        row_number() over (
            partition by tallies.cluster_id
            order by
                min(tallies.attribute_priority) asc, sum(tallies.record_count) desc,
                tallies.full_name_std asc, tallies.surname_std asc
        ) as preference
    from tallies
    where tallies.full_name_std is not null
    group by tallies.cluster_id, tallies.surname_std, tallies.given_names_std, tallies.full_name_std
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
        coalesce(citizenships.citizenship_iso3, '_U') as citizenship_iso3,
        sizes.first_crossing_date,
        sizes.last_crossing_date,
        sizes.first_crossing_direction,
        sizes.last_crossing_direction,
        sizes.previous_citizenship_iso3
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
