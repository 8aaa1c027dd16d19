-- Link rate per source (doc: linkage_quality): of each source's records,
-- how many belong to a person with more than one record, to a person
-- also found in another source, and to a person assembled with a
-- probabilistic link.
with

tallies as (
    select * from {{ ref('int_person_record_tallies') }}
),

persons as (
    select * from {{ ref('int_persons') }}
),

source_tallies as (
    -- each person's records per source, from the tallies (a few rows per
    -- person instead of one per record)
    select
        tallies.person_key,
        tallies.source_system,
        sum(tallies.record_count) as records
    from tallies
    group by tallies.person_key, tallies.source_system
),

final as (
    select
        source_tallies.source_system,
        cast(sum(source_tallies.records) as bigint) as record_count,
        count(distinct source_tallies.person_key) as person_count,
        cast(coalesce(sum(source_tallies.records) filter (
            where persons.record_count > 1
        ), 0) as bigint) as records_in_multi_record_persons,
        cast(coalesce(sum(source_tallies.records) filter (
            where persons.source_count > 1
        ), 0) as bigint) as records_linked_to_other_sources,
        cast(coalesce(sum(source_tallies.records) filter (
            where persons.cluster_count > 1
        ), 0) as bigint) as records_in_probabilistically_linked_persons,
        round(
            sum(source_tallies.records) filter (where persons.record_count > 1)
            / sum(source_tallies.records), 4
        ) as multi_record_rate,
        round(
            sum(source_tallies.records) filter (where persons.source_count > 1)
            / sum(source_tallies.records), 4
        ) as other_source_link_rate,
        round(
            sum(source_tallies.records) filter (where persons.cluster_count > 1)
            / sum(source_tallies.records), 4
        ) as probabilistic_link_rate
    from source_tallies
    inner join persons
        on source_tallies.person_key = persons.person_key
    group by source_tallies.source_system
)

select * from final
