-- A few unmapped spellings warn (they count as `_U` until the crosswalk
-- learns them); many mean a new coding and stop the build.
{{ config(warn_if='>0', error_if='>20') }}
-- Every citizenship code or name delivered maps through the crosswalk.
-- One row per unmapped value, with where it comes from and how often.
with

crossings as (
    select * from {{ ref('int_crossings_harmonized') }}
),

permits as (
    select * from {{ ref('int_work_permits_harmonized') }}
),

unmapped as (
    select
        'border_crossings' as source_system,
        nationality_icao as delivered_value,
        count(*) as records
    from crossings
    where is_citizenship_unmapped
    group by nationality_icao
    union all
    select
        'work_permits' as source_system,
        nationality_text as delivered_value,
        count(*) as records
    from permits
    where is_citizenship_unmapped
    group by nationality_text
),

final as (
    select
        'unmapped_citizenship' as failure_type,
        source_system,
        delivered_value,
        records,
        source_system || ': citizenship ' || delivered_value || ' on ' || records::varchar
        || ' records has no entry in seeds/country_code_crosswalk.csv' as failure_description
    from unmapped
)

select * from final
