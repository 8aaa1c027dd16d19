-- The 2022 census, one row per person enumerated (usual residents on the
-- census reference date). `999`/`9999` "not stated" codes become NULL
-- here, with the delivered code kept beside them.
with

landed_objects as (
    {{ current_objects('census_persons') }}
),

source as (
    select * from {{ source('census', 'census_persons') }}
),

renamed as (
    select
        -- ids
        trim(source.person_id) as census_person_id,
        trim(source.hh_id) as household_id,
        source._object_id as object_id,
        source._row_number as source_row_number,

        -- place
        upper(nullif(trim(source.atoll), '')) as atoll_prefix,
        try_cast(nullif(trim(source.locality_type), '') as integer) as locality_type_code,

        -- the person
        trim(source.sex) as sex_code,
        case
            when trim(source.age) <> '999' then try_cast(nullif(trim(source.age), '') as integer)
        end as age_years,
        lpad(nullif(trim(source.citizenship), ''), 3, '0') as citizenship_m49,
        case
            when trim(source.country_of_birth) <> '999'
                then lpad(nullif(trim(source.country_of_birth), ''), 3, '0')
        end as birth_country_m49,

        -- migration history
        case
            when trim(source.year_of_arrival) <> '9999'
                then try_cast(nullif(trim(source.year_of_arrival), '') as integer)
        end as arrival_year,
        trim(source.year_of_arrival) = '9999' as is_arrival_year_not_stated,
        lpad(nullif(trim(source.prev_res_country), ''), 3, '0') as previous_residence_m49,
        nullif(trim(source.reason_for_migration), '') as migration_reason_code

    from source
    inner join landed_objects
        on source._object_id = landed_objects.object_id
),

final as (
    select * from renamed
)

select * from final
