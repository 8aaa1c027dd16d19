-- The person dimension: one row per person key (doc: int_persons).
-- Where sources disagree (doc: linkage_attribute_rule) the citizens
-- register wins, then the work permits, then the most frequent value on
-- the person's crossings (for a date of birth, the most precise first).
-- A naturalised citizen keeps the date of naturalisation and the
-- nationality held before it: before that date the person counts as a
-- foreigner of that nationality (macro citizenship_on).
-- The choices are made on the person's records tallied per source,
-- document and combination of attributes (int_person_record_tallies).
-- Restricted: the date of birth.
with

record_keys as (
    select * from {{ ref('int_record_person_keys') }}
),

tallies as (
    select * from {{ ref('int_person_record_tallies') }}
),

clusters as (
    select * from {{ ref('int_record_clusters') }}
),

citizens as (
    select * from {{ ref('int_citizens_harmonized') }}
),

counts as (
    select
        tallies.person_key,
        cast(coalesce(sum(tallies.record_count) filter (
            where tallies.source_system = 'border_crossings'
        ), 0) as bigint) as crossing_count,
        cast(coalesce(sum(tallies.record_count) filter (
            where tallies.source_system = 'work_permits'
        ), 0) as bigint) as work_permit_count,
        cast(coalesce(sum(tallies.record_count) filter (
            where tallies.source_system = 'citizens'
        ), 0) as bigint) as citizen_record_count,
        cast(coalesce(sum(tallies.record_count) filter (
            where tallies.source_system = 'passports'
        ), 0) as bigint) as passport_count,
        cast(sum(tallies.record_count) as bigint) as record_count,
        count(distinct tallies.document_node) as document_count,
        count(distinct tallies.source_system) as source_count
    from tallies
    group by tallies.person_key
),

person_clusters as (
    -- the deterministic clusters the person was assembled from (the same
    -- count on each of them)
    select
        clusters.person_key,
        any_value(clusters.cluster_count) as cluster_count
    from clusters
    group by clusters.person_key
),

register as (
    select
        record_keys.person_key,
        min(citizens.death_date) as death_date,
        min(citizens.birth_country_iso3) as birth_country_iso3,
        bool_or(citizens.is_born_abroad) as is_born_abroad,
        min(citizens.citizenship_date) filter (
            where citizens.citizenship_basis = 'NATURALISATION'
        ) as naturalisation_date
    from citizens
    inner join record_keys
        on
            record_keys.source_system = 'citizens'
            and citizens.national_id = record_keys.source_record_id
    group by record_keys.person_key
),

birth_dates as (
    select
        tallies.person_key,
        tallies.birth_date,
        tallies.birth_date_precision,
        row_number() over (
            partition by tallies.person_key
            order by
                min(tallies.attribute_priority) asc,
                case tallies.birth_date_precision when 'D' then 1 when 'M' then 2 else 3 end asc,
                sum(tallies.record_count) desc,
                tallies.birth_date asc
        ) as preference
    from tallies
    where tallies.birth_date is not null
    group by tallies.person_key, tallies.birth_date, tallies.birth_date_precision
),

sexes as (
    select
        tallies.person_key,
        tallies.sex,
        row_number() over (
            partition by tallies.person_key
            order by min(tallies.attribute_priority) asc, sum(tallies.record_count) desc, tallies.sex asc
        ) as preference
    from tallies
    where tallies.sex <> '_U'
    group by tallies.person_key, tallies.sex
),

citizenships as (
    select
        tallies.person_key,
        tallies.citizenship_iso3,
        row_number() over (
            partition by tallies.person_key
            order by
                min(tallies.attribute_priority) asc, sum(tallies.record_count) desc,
                tallies.citizenship_iso3 asc
        ) as preference
    from tallies
    where tallies.citizenship_iso3 <> '_U'
    group by tallies.person_key, tallies.citizenship_iso3
),

foreign_citizenships as (
    -- the most frequent foreign nationality on the person's records (ties:
    -- the first in code order)
    select
        tallies.person_key,
        tallies.citizenship_iso3,
        row_number() over (
            partition by tallies.person_key
            order by sum(tallies.record_count) desc, tallies.citizenship_iso3 asc
        ) as preference
    from tallies
    where tallies.citizenship_iso3 not in ('{{ var("reporting_country") }}', '_U')
    group by tallies.person_key, tallies.citizenship_iso3
),

previous_citizenships as (
    select
        tallies.person_key,
        coalesce(
            any_value(foreign_citizenships.citizenship_iso3),
            min(tallies.previous_citizenship_iso3)
        ) as previous_citizenship_iso3
    from tallies
    left join foreign_citizenships
        on tallies.person_key = foreign_citizenships.person_key and foreign_citizenships.preference = 1
    group by tallies.person_key
),

final as (
    select
        counts.person_key,
        (
            counts.citizen_record_count > 0
            or counts.passport_count > 0
            or coalesce(citizenships.citizenship_iso3 = '{{ var("reporting_country") }}', false)
        ) as is_citizen,
        register.death_date,
        counts.crossing_count > 0 as has_crossings,
        coalesce(sexes.sex, '_U') as sex,
        birth_dates.birth_date,
        birth_dates.birth_date_precision,
        case
            when counts.citizen_record_count > 0 or counts.passport_count > 0
                then '{{ var("reporting_country") }}'
            else coalesce(citizenships.citizenship_iso3, '_U')
        end as citizenship_iso3,
        coalesce(register.birth_country_iso3, '_U') as birth_country_iso3,
        register.naturalisation_date,
        case
            when register.naturalisation_date is not null
                then coalesce(previous_citizenships.previous_citizenship_iso3, '_U')
        end as previous_citizenship_iso3,
        case
            when register.person_key is not null then register.is_born_abroad
            -- no source records where a foreigner was born: taken as abroad
            when
                coalesce(citizenships.citizenship_iso3, '_U')
                not in ('{{ var("reporting_country") }}', '_U')
                then true
        end as is_born_abroad,
        counts.citizen_record_count > 0 as is_in_citizens_register,
        counts.crossing_count,
        counts.work_permit_count,
        counts.passport_count,
        counts.document_count,
        counts.source_count,
        counts.record_count,
        person_clusters.cluster_count
    from counts
    left join person_clusters
        on counts.person_key = person_clusters.person_key
    left join register
        on counts.person_key = register.person_key
    left join birth_dates
        on counts.person_key = birth_dates.person_key and birth_dates.preference = 1
    left join sexes
        on counts.person_key = sexes.person_key and sexes.preference = 1
    left join citizenships
        on counts.person_key = citizenships.person_key and citizenships.preference = 1
    left join previous_citizenships
        on counts.person_key = previous_citizenships.person_key
)

select * from final
