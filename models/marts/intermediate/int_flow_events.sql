-- The crossings that count in a flow statistic, one row per crossing and
-- indicator, with the weight it counts with: 1 or 0 where the residence
-- rule's verdict is final, the expected count (the share of comparable
-- final crossings that were migrations) where it is provisional. A
-- citizen's late first arrival counts with the share of such arrivals
-- estimated to come from abroad (int_late_first_arrivals).
with

classification as (
    select * from {{ ref('crossing_classification') }}
),

expectations as (
    select * from {{ ref('int_provisional_expectations') }}
),

person_crossings as (
    select * from {{ ref('int_person_crossings') }}
),

persons as (
    select * from {{ ref('int_persons') }}
),

late_first_arrivals as (
    select * from {{ ref('int_late_first_arrivals') }}
),

parameters as (
    select
        {{ residence_vintage(ref('int_person_crossings')) }} as vintage,
        {{ observation_start_date() }} as observation_start_date
),

in_migration_direction as (
    select
        classification.crossing_id,
        classification.person_key,
        classification.direction,
        classification.crossing_date,
        classification.is_migration,
        classification.is_final,
        coalesce(expectations.expected_migration, classification.is_migration::double)
            as expected_migration,
        -- the chance the crossing happened as the rule reads it: below 1
        -- only where a lost first departure would make it a resident's return
        coalesce(late_first_arrivals.abroad_at_start_share, 1) as occurrence_share
    from classification
    left join expectations
        on classification.crossing_id = expectations.crossing_id
    left join late_first_arrivals
        on classification.crossing_id = late_first_arrivals.crossing_id
    where
        (classification.direction = 'ARR' and not classification.is_resident_before)
        or (classification.direction = 'DEP' and classification.is_resident_before)
),

weighted as (
    -- immigrations and emigrations
    select
        crossing_id,
        person_key,
        crossing_date,
        case direction when 'ARR' then 'IMM' else 'EMI' end as indicator_code,
        occurrence_share * case
            when is_final then is_migration::int::double
            else expected_migration
        end as weight,
        not is_final as is_provisional
    from in_migration_direction
    union all
    -- visitor arrivals: arrivals of non-residents that are not immigrations
    select
        crossing_id,
        person_key,
        crossing_date,
        'TMP_ARR' as indicator_code,
        occurrence_share * case
            when is_final then (not is_migration)::int::double
            else 1 - expected_migration
        end as weight,
        not is_final as is_provisional
    from in_migration_direction
    where direction = 'ARR'
),

described as (
    select
        weighted.crossing_id,
        weighted.indicator_code,
        weighted.crossing_date,
        weighted.weight,
        weighted.is_provisional,
        persons.sex,
        {{ age_group(age_in_years('persons.birth_date', 'weighted.crossing_date')) }} as age_group,
        -- citizenship on the crossing date (a naturalised citizen was a
        -- foreigner before)
        {{ citizenship_on('persons', 'weighted.crossing_date') }} as citizenship,
        case
            when {{ is_citizen_on('persons', 'weighted.crossing_date') }} then 'CIT' else 'FOR'
        end as citizenship_group,
        -- visa type first, the linked work permit second, the declared purpose third;
        -- tourism is a reason of visitors only
        case
            when weighted.indicator_code = 'TMP_ARR'
                then coalesce(
                    person_crossings.visa_reason,
                    case when person_crossings.has_valid_work_permit then 'WORK' end,
                    person_crossings.purpose_reason, '_U'
                )
            else coalesce(
                person_crossings.visa_reason_migration,
                case when person_crossings.has_valid_work_permit then 'WORK' end,
                person_crossings.purpose_reason_migration, '_U'
            )
        end as reason
    from weighted
    inner join persons
        on weighted.person_key = persons.person_key
    -- the reason inputs (a crossing imputed by the repair has none)
    left join person_crossings
        on weighted.crossing_id = person_crossings.crossing_id
    cross join parameters
    where
        weighted.crossing_date >= parameters.observation_start_date
        and weighted.crossing_date <= parameters.vintage
        and (weighted.weight > 0 or weighted.is_provisional)
),

final as (
    select
        described.*,
        parameters.vintage
    from described
    cross join parameters
)

select * from final
