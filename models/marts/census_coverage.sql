-- Coverage of the admin-based figures against the 2022 census on its
-- reference date, by citizenship and sex (and their totals): the census
-- count, the admin-based count, their difference and ratio, for the usual
-- resident population (RES_POP) and the migrant stock (MIG_STOCK).
with

census as (
    select * from {{ ref('int_census_persons_harmonized') }}
),

statistics as (
    select * from {{ ref('migration_statistics') }}
),

census_facts as (
    select
        indicators.indicator_code,
        census.citizenship_iso3 as citizenship,
        census.sex
    from census
    inner join (values ('RES_POP'), ('MIG_STOCK')) as indicators (indicator_code)
        on
            indicators.indicator_code = 'RES_POP'
            or not census.is_citizen
            or census.birth_country_iso3 not in ('{{ var("reporting_country") }}', '_U')
),

census_counts as (
    select
        indicator_code,
        coalesce(citizenship, '_T') as citizenship,
        coalesce(sex, '_T') as sex,
        count(*) as census_count
    from census_facts
    group by grouping sets (  -- noqa: PRS
        (indicator_code),
        (indicator_code, sex),
        (indicator_code, citizenship),
        (indicator_code, citizenship, sex)
    )
),

admin_counts as (
    select
        indicator_code,
        citizenship,
        sex,
        obs_value as admin_count,
        obs_status
    from statistics
    where
        indicator_code in ('RES_POP', 'MIG_STOCK')
        and freq = 'D'
        and time_period = '{{ var("census_reference_date") }}'
        and age_group = '_T'
        and citizenship_group = '_T'
        and reason = '_T'
),

final as (
    select
        coalesce(census_counts.indicator_code, admin_counts.indicator_code) as indicator_code,
        cast('{{ var("census_reference_date") }}' as date) as reference_date,
        coalesce(census_counts.citizenship, admin_counts.citizenship) as citizenship,
        coalesce(census_counts.sex, admin_counts.sex) as sex,
        coalesce(census_counts.census_count, 0) as census_count,
        coalesce(admin_counts.admin_count, 0) as admin_count,
        coalesce(admin_counts.admin_count, 0) - coalesce(census_counts.census_count, 0) as difference,
        round(admin_counts.admin_count / nullif(census_counts.census_count, 0), 4) as ratio,
        round(
            least(coalesce(admin_counts.admin_count, 0), census_counts.census_count)
            / nullif(census_counts.census_count, 0),
            4
        ) as share_explained,
        coalesce(admin_counts.obs_status, 'A') as obs_status
    from census_counts
    full outer join admin_counts
        on
            census_counts.indicator_code = admin_counts.indicator_code
            and census_counts.citizenship = admin_counts.citizenship
            and census_counts.sex = admin_counts.sex
)

select * from final
