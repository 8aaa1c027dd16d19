-- Citizens in the common codes.
with

citizens as (
    select * from {{ ref('stg_registry__citizens') }}
),

iso2_codes as (
    select
        source_code,
        iso3
    from {{ ref('country_code_crosswalk') }}
    where code_system = 'iso2'
),

sex_codes as (
    select
        source_code,
        sex
    from {{ ref('sex_codes') }}
    where source_system = 'citizens'
),

atolls as (
    select * from {{ ref('atolls') }}
),

final as (
    select
        -- ids
        citizens.national_id,
        citizens.object_id,
        citizens.source_row_number,

        -- identifiers (restricted)
        citizens.full_name,
        citizens.birth_date,

        -- harmonized attributes
        coalesce(sex_codes.sex, '_U') as sex,
        '{{ var("reporting_country") }}' as citizenship_iso3,
        coalesce(birth_country.iso3, '_U') as birth_country_iso3,
        coalesce(birth_country.iso3, '') <> '{{ var("reporting_country") }}' as is_born_abroad,
        citizens.registered_atoll_prefix,
        atolls.subdivision_code as registered_subdivision_code,
        citizens.registered_island,
        citizens.citizenship_basis,
        citizens.citizenship_date,
        citizens.death_date,
        citizens.snapshot_date,
        citizens.first_seen_date

    from citizens
    left join iso2_codes as birth_country
        on citizens.birth_country_iso2 = birth_country.source_code
    left join sex_codes
        on citizens.sex_code = sex_codes.source_code
    left join atolls
        on citizens.registered_atoll_prefix = atolls.atoll_prefix
)

select * from final
