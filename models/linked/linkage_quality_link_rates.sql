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

counted as (
    -- person attributes are the same on every tally row of a person, so the
    -- records of each source are summed over the tallies directly
    select
        tallies.source_system,
        cast(sum(tallies.record_count) as bigint) as record_count,
        count(distinct tallies.person_id) as person_count,
        cast(coalesce(sum(tallies.record_count) filter (
            where persons.record_count > 1
        ), 0) as bigint) as records_in_multi_record_persons,
        cast(coalesce(sum(tallies.record_count) filter (
            where persons.source_count > 1
        ), 0) as bigint) as records_linked_to_other_sources,
        cast(coalesce(sum(tallies.record_count) filter (
            where persons.cluster_count > 1
        ), 0) as bigint) as records_in_probabilistically_linked_persons
    from tallies
    inner join persons
        on tallies.person_id = persons.person_id
    group by tallies.source_system
),

final as (
    select
        *,
        round(records_in_multi_record_persons / record_count, 4) as multi_record_rate,
        round(records_linked_to_other_sources / record_count, 4) as other_source_link_rate,
        round(
            records_in_probabilistically_linked_persons / record_count, 4
        ) as probabilistic_link_rate
    from counted
)

select * from final
