-- Work permits shown `Active` in the latest snapshot whose holder shows no
-- sign of presence at the vintage: no arrival since the permit began, or a
-- last crossing that is a departure with no return. This is the known
-- over-count of permit-based figures (methodology.md section 4).
with

permits as (
    select * from {{ ref('int_work_permits_harmonized') }}
),

permit_holders as (
    select * from {{ ref('int_work_permit_validity') }}
),

crossings as (
    select * from {{ ref('int_person_crossings') }}
),

parameters as (
    select {{ residence_vintage(ref('int_person_crossings')) }} as vintage
),

holder_crossings as (
    select
        permit_holders.work_permit_number,
        count(*) filter (
            where crossings.direction = 'ARR' and crossings.crossing_date >= permits.issue_date
        ) as arrivals_since_issue,
        arg_max(crossings.direction, crossings.crossing_time) as last_direction,
        max(crossings.crossing_date) as last_crossing_date
    from permit_holders
    inner join permits
        on permit_holders.work_permit_number = permits.work_permit_number
    inner join crossings
        on permit_holders.person_key = crossings.person_key
    cross join parameters
    where crossings.crossing_date <= parameters.vintage
    group by permit_holders.work_permit_number
),

final as (
    select
        permits.work_permit_number,
        permits.citizenship_iso3 as citizenship,
        permits.sex,
        permits.employer_sector,
        permits.issue_date,
        permits.expiry_date,
        coalesce(holder_crossings.arrivals_since_issue, 0) as arrivals_since_issue,
        holder_crossings.last_direction,
        holder_crossings.last_crossing_date,
        case
            when
                coalesce(holder_crossings.arrivals_since_issue, 0) = 0
                then 'no arrival since the permit began'
            else 'departed and not returned'
        end as absence_sign,
        parameters.vintage
    from permits
    left join holder_crossings
        on permits.work_permit_number = holder_crossings.work_permit_number
    cross join parameters
    where
        permits.permit_status = 'Active'
        and (
            coalesce(holder_crossings.arrivals_since_issue, 0) = 0
            or holder_crossings.last_direction = 'DEP'
        )
)

select * from final
