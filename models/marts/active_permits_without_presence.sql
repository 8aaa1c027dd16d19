-- The known over-count of permit-based figures, in aggregate: Active
-- permits whose holder shows no sign of presence at the vintage, by
-- citizenship, sex, employer sector and the sign of absence.
with

permits as (
    select * from {{ ref('int_active_permits_without_presence') }}
),

final as (
    select
        vintage,
        citizenship,
        sex,
        coalesce(employer_sector, '_U') as employer_sector,
        absence_sign,
        count(*) as permits
    from permits
    group by vintage, citizenship, sex, coalesce(employer_sector, '_U'), absence_sign
)

select * from final
