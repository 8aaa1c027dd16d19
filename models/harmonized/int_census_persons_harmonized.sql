-- Census persons in the common codes: citizenship and country of birth
-- from UN M49 to ISO alpha-3, sex, age groups on the census reference
-- date, reason for migration in the methodology's reason codes.
with

persons as (
    select * from {{ ref('stg_census__persons') }}
),

m49_codes as (
    select
        source_code,
        iso3
    from {{ ref('country_code_crosswalk') }}
    where code_system = 'm49'
),

sex_codes as (
    select
        source_code,
        sex
    from {{ ref('sex_codes') }}
    where source_system = 'census_persons'
),

census_reasons as (
    select * from {{ ref('census_reasons') }}
),

atolls as (
    select * from {{ ref('atolls') }}
),

final as (
    select
        -- ids
        persons.census_person_id,
        persons.household_id,
        persons.object_id,
        persons.source_row_number,

        -- place
        persons.atoll_prefix,
        atolls.subdivision_code,
        persons.locality_type_code,

        -- the person
        coalesce(sex_codes.sex, '_U') as sex,
        persons.age_years,
        {{ age_group('persons.age_years') }} as age_group,
        coalesce(citizenship.iso3, '_U') as citizenship_iso3,
        coalesce(citizenship.iso3, '') = '{{ var("reporting_country") }}' as is_citizen,
        coalesce(birth_country.iso3, '_U') as birth_country_iso3,
        coalesce(previous_residence.iso3, '_U') as previous_residence_iso3,
        persons.arrival_year,
        persons.migration_reason_code,
        coalesce(census_reasons.reason, '_U') as migration_reason

    from persons
    left join m49_codes as citizenship
        on persons.citizenship_m49 = citizenship.source_code
    left join m49_codes as birth_country
        on persons.birth_country_m49 = birth_country.source_code
    left join m49_codes as previous_residence
        on persons.previous_residence_m49 = previous_residence.source_code
    left join sex_codes
        on persons.sex_code = sex_codes.source_code
    left join census_reasons
        on persons.migration_reason_code = census_reasons.source_code
    left join atolls
        on persons.atoll_prefix = atolls.atoll_prefix
)

select * from final
