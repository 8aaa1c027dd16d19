-- Every row of every quarterly snapshot of the citizens register that counts.
with

landed_objects as (
    {{ current_objects('citizens') }}
),

source as (
    select * from {{ source('registry', 'citizens') }}
),

renamed as (
    select
        -- ids
        {{ normalise_document_number('source.nid') }} as national_id,
        source._object_id as object_id,
        source._row_number as source_row_number,
        landed_objects.extract_date as snapshot_date,

        -- the person
        nullif(trim(source.full_name), '') as full_name,
        trim(source.sex) as sex_code,
        {{ parse_yyyymmdd('source.dob') }} as birth_date,
        upper(nullif(trim(source.birth_country), '')) as birth_country_iso2,
        nullif(trim(source.birth_island), '') as birth_island,

        -- registered (permanent) address
        upper(nullif(trim(source.reg_atoll), '')) as registered_atoll_prefix,
        nullif(trim(source.reg_island), '') as registered_island,

        -- citizenship and life events
        upper(nullif(trim(source.citizenship_basis), '')) as citizenship_basis,
        {{ parse_yyyymmdd('source.citizenship_date') }} as citizenship_date,
        {{ parse_yyyymmdd('source.death_date') }} as death_date,
        try_strptime(nullif(trim(source.last_updated), ''), '%Y%m%d%H%M%S') as last_updated_at

    from source
    inner join landed_objects
        on source._object_id = landed_objects.object_id
),

final as (
    select * from renamed
)

select * from final
