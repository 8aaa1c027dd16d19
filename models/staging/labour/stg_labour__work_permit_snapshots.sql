-- Every row of every monthly snapshot of the work-permit register that
-- counts. A duplicate permit number inside one snapshot is kept as
-- delivered (the dictionary checks flag it).
with

landed_objects as (
    {{ current_objects('work_permits') }}
),

source as (
    select * from {{ source('labour', 'work_permits') }}
),

renamed as (
    select
        -- ids
        upper(trim(source.work_permit_no)) as work_permit_number,
        source._object_id as object_id,
        source._row_number as source_row_number,

        -- the snapshot: the date in the title row, else the key's date
        coalesce(
            try_strptime(nullif(trim(source.report_date), ''), '%d/%m/%Y')::date,
            landed_objects.extract_date
        ) as snapshot_date,
        landed_objects.extract_date,

        -- the worker, as typed by the employer's agent
        trim(source.passport_no) as passport_number_as_typed,
        {{ normalise_document_number('source.passport_no') }} as passport_number,
        nullif(trim(source.worker_name), '') as worker_name,
        nullif(trim(source.nationality), '') as nationality_text,
        nullif(trim(source.gender), '') as gender_text,
        {{ parse_excel_or_dmy('source.date_of_birth') }} as birth_date,

        -- the job
        nullif(trim(source.occupation), '') as occupation,
        nullif(trim(source.isco_08), '') as isco08_code,
        nullif(trim(source.employer), '') as employer_name,
        nullif(trim(source.employer_sector), '') as employer_sector,
        nullif(trim(source.work_location), '') as work_location,

        -- the permit's life
        {{ parse_excel_or_dmy('source.issue_date') }} as issue_date,
        {{ parse_excel_or_dmy('source.expiry_date') }} as expiry_date,
        nullif(trim(source.status), '') as permit_status,
        nullif(trim(source.cancellation_reason), '') as cancellation_reason

    from source
    inner join landed_objects
        on source._object_id = landed_objects.object_id
),

final as (
    select * from renamed
)

select * from final
