-- The person dimension: one row per person key (doc: int_persons).
-- Where sources disagree (doc: linkage_attribute_rule) the citizens
-- register wins, then the work permits, then the most frequent value on
-- the person's crossings (for a date of birth, the most precise first).
-- A naturalised citizen keeps the date of naturalisation and the
-- nationality held before it: before that date the person counts as a
-- foreigner of that nationality (macro citizenship_on).
-- The choices are made on the person's records tallied per source,
-- document and combination of attributes (int_person_record_tallies),
-- grouped by the integer person id of this build; the person key is
-- attached at the end. Most persons (10.4 of 11.1 million at national
-- scale) have a single tally row, which holds their attributes as they
-- stand; only the others go through the choices.
-- Restricted: the date of birth.
{%- set source_record_counts = [
    ('border_crossings', 'crossing_count'),
    ('work_permits', 'work_permit_count'),
    ('citizens', 'citizen_record_count'),
    ('passports', 'passport_count'),
] %}
with

deterministic_clusters as (
    select * from {{ ref('int_deterministic_clusters') }}
),

all_tallies as (
    select * from {{ ref('int_person_record_tallies') }}
),

clusters as (
    select * from {{ ref('int_record_clusters') }}
),

citizens as (
    select * from {{ ref('int_citizens_harmonized') }}
),

tally_rows as (
    select
        all_tallies.person_id,
        count(*) as tally_row_count
    from all_tallies
    group by all_tallies.person_id
),

single_tallies as (
    select all_tallies.*
    from all_tallies
    inner join tally_rows
        on all_tallies.person_id = tally_rows.person_id
    where tally_rows.tally_row_count = 1
),

tallies as (
    -- the tallies of the persons with more than one
    select all_tallies.*
    from all_tallies
    inner join tally_rows
        on all_tallies.person_id = tally_rows.person_id
    where tally_rows.tally_row_count > 1
),

counts as (
    select
        tallies.person_id,
        {% for source_system, column in source_record_counts -%}
        cast(coalesce(sum(tallies.record_count) filter (
            where tallies.source_system = '{{ source_system }}'
        ), 0) as bigint) as {{ column }},
        {% endfor -%}
        cast(sum(tallies.record_count) as bigint) as record_count
    from tallies
    group by tallies.person_id
),

person_documents as (
    -- distinct documents counted from distinct pairs (a count(distinct)
    -- beside other aggregates costs several times more)
    select
        person_document_nodes.person_id,
        count(person_document_nodes.document_node) as document_count
    from (
        select distinct
            tallies.person_id,
            tallies.document_node
        from tallies
    ) as person_document_nodes
    group by person_document_nodes.person_id
),

birth_dates as (
    select
        tallies.person_id,
        tallies.birth_date,
        tallies.birth_date_precision,
        row_number() over (
            partition by tallies.person_id
            order by
                min(tallies.attribute_priority) asc,
                case tallies.birth_date_precision when 'D' then 1 when 'M' then 2 else 3 end asc,
                sum(tallies.record_count) desc,
                tallies.birth_date asc
        ) as preference
    from tallies
    where tallies.birth_date is not null
    group by tallies.person_id, tallies.birth_date, tallies.birth_date_precision
),

sexes as (
    select
        tallies.person_id,
        tallies.sex,
        row_number() over (
            partition by tallies.person_id
            order by min(tallies.attribute_priority) asc, sum(tallies.record_count) desc, tallies.sex asc
        ) as preference
    from tallies
    where tallies.sex <> '_U'
    group by tallies.person_id, tallies.sex
),

citizenships as (
    select
        tallies.person_id,
        tallies.citizenship_iso3,
        row_number() over (
            partition by tallies.person_id
            order by
                min(tallies.attribute_priority) asc, sum(tallies.record_count) desc,
                tallies.citizenship_iso3 asc
        ) as preference
    from tallies
    where tallies.citizenship_iso3 <> '_U'
    group by tallies.person_id, tallies.citizenship_iso3
),

foreign_citizenships as (
    -- the most frequent foreign nationality on the person's records (ties:
    -- the first in code order)
    select
        tallies.person_id,
        tallies.citizenship_iso3,
        row_number() over (
            partition by tallies.person_id
            order by sum(tallies.record_count) desc, tallies.citizenship_iso3 asc
        ) as preference
    from tallies
    where tallies.citizenship_iso3 not in ('{{ var("reporting_country") }}', '_U')
    group by tallies.person_id, tallies.citizenship_iso3
),

previous_citizenships as (
    select
        tallies.person_id,
        coalesce(
            any_value(foreign_citizenships.citizenship_iso3),
            min(tallies.previous_citizenship_iso3)
        ) as previous_citizenship_iso3
    from tallies
    left join foreign_citizenships
        on tallies.person_id = foreign_citizenships.person_id and foreign_citizenships.preference = 1
    group by tallies.person_id
),

chosen_attributes as (
    -- citizenship_iso3 is null when no record carries a known one
    select
        counts.*,
        coalesce(person_documents.document_count, 0) as document_count,
        birth_dates.birth_date,
        birth_dates.birth_date_precision,
        coalesce(sexes.sex, '_U') as sex,
        citizenships.citizenship_iso3,
        previous_citizenships.previous_citizenship_iso3
    from counts
    left join person_documents
        on counts.person_id = person_documents.person_id
    left join birth_dates
        on counts.person_id = birth_dates.person_id and birth_dates.preference = 1
    left join sexes
        on counts.person_id = sexes.person_id and sexes.preference = 1
    left join citizenships
        on counts.person_id = citizenships.person_id and citizenships.preference = 1
    left join previous_citizenships
        on counts.person_id = previous_citizenships.person_id
),

single_attributes as (
    select
        single_tallies.person_id,
        {% for source_system, column in source_record_counts -%}
        case
            when single_tallies.source_system = '{{ source_system }}' then single_tallies.record_count else 0
        end as {{ column }},
        {% endfor -%}
        single_tallies.record_count,
        cast(single_tallies.document_node is not null as bigint) as document_count,
        single_tallies.birth_date,
        case when single_tallies.birth_date is not null then single_tallies.birth_date_precision end
            as birth_date_precision,
        coalesce(single_tallies.sex, '_U') as sex,
        nullif(single_tallies.citizenship_iso3, '_U') as citizenship_iso3,
        coalesce(
            case
                when single_tallies.citizenship_iso3 not in ('{{ var("reporting_country") }}', '_U')
                    then single_tallies.citizenship_iso3
            end,
            single_tallies.previous_citizenship_iso3
        ) as previous_citizenship_iso3
    from single_tallies
),

attributes as (
    select * from chosen_attributes
    union all
    select * from single_attributes
),

persons as (
    -- the person key and the deterministic clusters the person was
    -- assembled from (the same on each of them)
    select
        clusters.person_id,
        any_value(clusters.person_key) as person_key,
        any_value(clusters.cluster_count) as cluster_count
    from clusters
    group by clusters.person_id
),

register as (
    -- a register entry's own node is its national ID (int_linkage_records)
    select
        clusters.person_id,
        min(citizens.death_date) as death_date,
        min(citizens.birth_country_iso3) as birth_country_iso3,
        bool_or(citizens.is_born_abroad) as is_born_abroad,
        min(citizens.citizenship_date) filter (
            where citizens.citizenship_basis = 'NATURALISATION'
        ) as naturalisation_date
    from citizens
    inner join deterministic_clusters
        on 'N|' || citizens.national_id = deterministic_clusters.node
    inner join clusters
        on deterministic_clusters.cluster_id = clusters.cluster_id
    group by clusters.person_id
),

final as (
    select
        persons.person_key,
        (
            attributes.citizen_record_count > 0
            or attributes.passport_count > 0
            or coalesce(attributes.citizenship_iso3 = '{{ var("reporting_country") }}', false)
        ) as is_citizen,
        register.death_date,
        attributes.crossing_count > 0 as has_crossings,
        attributes.sex,
        attributes.birth_date,
        attributes.birth_date_precision,
        case
            when attributes.citizen_record_count > 0 or attributes.passport_count > 0
                then '{{ var("reporting_country") }}'
            else coalesce(attributes.citizenship_iso3, '_U')
        end as citizenship_iso3,
        coalesce(register.birth_country_iso3, '_U') as birth_country_iso3,
        register.naturalisation_date,
        case
            when register.naturalisation_date is not null
                then coalesce(attributes.previous_citizenship_iso3, '_U')
        end as previous_citizenship_iso3,
        case
            when register.person_id is not null then register.is_born_abroad
            -- no source records where a foreigner was born: taken as abroad
            when
                coalesce(attributes.citizenship_iso3, '_U')
                not in ('{{ var("reporting_country") }}', '_U')
                then true
        end as is_born_abroad,
        attributes.citizen_record_count > 0 as is_in_citizens_register,
        attributes.crossing_count,
        attributes.work_permit_count,
        attributes.passport_count,
        attributes.document_count,
        cast(
            cast(attributes.crossing_count > 0 as integer)
            + cast(attributes.work_permit_count > 0 as integer)
            + cast(attributes.citizen_record_count > 0 as integer)
            + cast(attributes.passport_count > 0 as integer)
            as bigint
        ) as source_count,
        attributes.record_count,
        persons.cluster_count,
        attributes.person_id
    from attributes
    inner join persons
        on attributes.person_id = persons.person_id
    left join register
        on attributes.person_id = register.person_id
)

select * from final
