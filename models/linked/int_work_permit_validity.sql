-- Every work permit with its holder and the period it was in force: from
-- the issue date to the expiry date, or to the first snapshot showing it
-- Cancelled or Transferred if earlier (int_work_permits_harmonized).
with

permits as (
    select * from {{ ref('int_work_permits_harmonized') }}
),

record_keys as (
    select * from {{ ref('int_record_person_keys') }}
    where source_system = 'work_permits'
),

final as (
    select
        record_keys.person_key,
        permits.work_permit_number,
        permits.valid_from,
        permits.valid_to,
        permits.permit_status,
        permits.cancellation_reason,
        permits.issue_date,
        permits.expiry_date,
        permits.ended_on,
        permits.isco08_major_group,
        permits.employer_sector_code
    from permits
    inner join record_keys
        on permits.work_permit_number = record_keys.source_record_id
)

select * from final
