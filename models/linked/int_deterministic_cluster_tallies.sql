-- The records of each deterministic cluster tallied per source, document
-- and combination of attributes (a few rows per cluster): what
-- int_deterministic_cluster_profiles chooses from, and, regrouped per
-- person, what int_person_record_tallies holds. A table of its own so
-- that, at national scale (27 million records), the choices read these
-- tallies from the file instead of holding them in memory four times over.
-- Restricted: names and dates of birth.
{#- its aggregate states live partly outside DuckDB's cap: a lower cap
    keeps the whole under the run's peak, at no cost in time (alone at
    scale 1.0: 7,117,560 kB and 35.7 s with the full cap, 5,343,044 kB
    and 35.9 s with two thirds) #}
{{ config(
    pre_hook="{{ memory_limit_share(0.67) }}",
    post_hook="{{ memory_limit_share(1) }}",
) }}
with

records as (
    select * from {{ ref('int_linkage_records') }}
),

clusters as (
    select * from {{ ref('int_deterministic_clusters') }}
),

tallied as (
    select
        clusters.cluster_id,
        records.source_system,
        records.document_node,
        records.surname_std,
        records.given_names_std,
        records.birth_date,
        records.birth_date_precision,
        records.sex,
        records.citizenship_iso3,
        records.previous_citizenship_iso3,
        min(records.attribute_priority) as attribute_priority,
        count(*) as record_count,
        min(records.record_id) as smallest_record_id,
        -- the first and last crossing as one number each, the time in
        -- microseconds with the direction in the two lowest bits: a plain
        -- min and max of integers instead of an arg_min over 27 million
        -- records (ties at the same microsecond go ARR before DEP)
        min({{ linkage_crossing_moment('records.record_time', 'records.record_direction') }})
            as first_crossing_moment,
        max({{ linkage_crossing_moment('records.record_time', 'records.record_direction') }})
            as last_crossing_moment,
        -- the visa type of the last crossing, the same way
        max({{ linkage_visa_moment('records.record_time', 'records.record_visa_type') }})
            as last_visa_moment
    from records
    inner join clusters
        on records.primary_node = clusters.node
    group by all
),

final as (
    select
        tallied.cluster_id,
        tallied.source_system,
        tallied.document_node,
        tallied.surname_std,
        tallied.given_names_std,
        tallied.birth_date,
        tallied.birth_date_precision,
        tallied.sex,
        tallied.citizenship_iso3,
        tallied.previous_citizenship_iso3,
        tallied.attribute_priority,
        tallied.record_count,
        tallied.smallest_record_id,
        {{ linkage_moment_time('tallied.first_crossing_moment') }} as first_crossing_time,
        {{ linkage_moment_direction('tallied.first_crossing_moment') }} as first_crossing_direction,
        {{ linkage_moment_time('tallied.last_crossing_moment') }} as last_crossing_time,
        {{ linkage_moment_direction('tallied.last_crossing_moment') }} as last_crossing_direction,
        {{ linkage_moment_visa_type('tallied.last_visa_moment') }} as last_visa_type
    from tallied
)

select * from final
