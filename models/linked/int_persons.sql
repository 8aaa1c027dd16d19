-- The person dimension: one row per person key (doc: int_persons).
-- Where sources disagree (doc: linkage_attribute_rule) the citizens
-- register wins, then the work permits, then the most frequent value on
-- the person's crossings (for a date of birth, the most precise first).
-- A naturalised citizen keeps the date of naturalisation and the
-- nationality held before it: before that date the person counts as a
-- foreigner of that nationality (macro citizenship_on).
-- Restricted: the date of birth.
with

record_keys as (
    select * from {{ ref('int_record_person_keys') }}
),

records as (
    select * from {{ ref('int_linkage_records') }}
),

citizens as (
    select * from {{ ref('int_citizens_harmonized') }}
),

person_records as (
    select
        record_keys.person_key,
        records.*
    from records
    inner join record_keys
        on records.record_id = record_keys.record_id
),

counts as (
    select
        person_records.person_key,
        count(*) filter (where person_records.source_system = 'border_crossings') as crossing_count,
        count(*) filter (where person_records.source_system = 'work_permits') as work_permit_count,
        count(*) filter (where person_records.source_system = 'citizens') as citizen_record_count,
        count(*) filter (where person_records.source_system = 'passports') as passport_count,
        count(distinct person_records.document_node) as document_count,
        count(distinct person_records.source_system) as source_count
    from person_records
    group by person_records.person_key
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
        person_records.person_key,
        person_records.birth_date,
        person_records.birth_date_precision,
        row_number() over (
            partition by person_records.person_key
            order by
                min(person_records.attribute_priority) asc,
                case person_records.birth_date_precision when 'D' then 1 when 'M' then 2 else 3 end asc,
                count(*) desc,
                person_records.birth_date asc
        ) as preference
    from person_records
    where person_records.birth_date is not null
    group by person_records.person_key, person_records.birth_date, person_records.birth_date_precision
),

sexes as (
    select
        person_records.person_key,
        person_records.sex,
        row_number() over (
            partition by person_records.person_key
            order by min(person_records.attribute_priority) asc, count(*) desc, person_records.sex asc
        ) as preference
    from person_records
    where person_records.sex <> '_U'
    group by person_records.person_key, person_records.sex
),

citizenships as (
    select
        person_records.person_key,
        person_records.citizenship_iso3,
        row_number() over (
            partition by person_records.person_key
            order by
                min(person_records.attribute_priority) asc, count(*) desc,
                person_records.citizenship_iso3 asc
        ) as preference
    from person_records
    where person_records.citizenship_iso3 <> '_U'
    group by person_records.person_key, person_records.citizenship_iso3
),

-- a naturalised citizen's nationality before naturalisation: the one on
-- their foreign documents (most frequent), else the register's birth country
previous_citizenships as (
    select
        person_records.person_key,
        coalesce(
            mode(person_records.citizenship_iso3) filter (
                where person_records.citizenship_iso3 not in ('{{ var("reporting_country") }}', '_U')
            ),
            min(person_records.previous_citizenship_iso3)
        ) as previous_citizenship_iso3
    from person_records
    group by person_records.person_key
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
        counts.source_count
    from counts
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
