-- Typical durations that stand in for a lost crossing (doc:
-- residence_typical_durations), measured on the delivered data: the median
-- observed trip abroad of travellers on a residence-type footing (a
-- departure followed by an arrival) and the median observed stay of
-- travellers on a visitor footing (an arrival followed by a departure), per
-- group (`CITIZEN`, else the visa type of the crossing that opens the spell)
-- and over all groups (`_T`). Only complete spells count: two delivered
-- crossings of the same person in opposite directions, in a row.
{%- set min_spells = var('repair_typical_min_spells', 20) | int %}

with

crossings as (
    select * from {{ ref('int_person_crossings') }}
),

parameters as (
    select {{ observation_start_date() }} as observation_start_date
),

spells as (
    select
        crossings.direction,
        -- footing as in int_crossings_repaired: a citizen's visit after a
        -- year abroad is a visitor stay (group CITIZEN)
        {{ residence_footing(
            'crossings.is_citizen', 'crossings.visa_type', 'crossings.has_valid_work_permit',
            residence_arrives_not_resident(
                'crossings.direction', 'crossings.crossing_date',
                'lag(crossings.direction) over person_order', 'lag(crossings.crossing_date) over person_order',
                'parameters.observation_start_date'
            )
        ) }}
            as is_residence_footing,
        {{ residence_duration_group('crossings.is_citizen', 'crossings.visa_type') }} as duration_group,
        lead(crossings.direction) over person_order as next_direction,
        lead(crossings.crossing_date) over person_order - crossings.crossing_date as spell_days
    from crossings
    cross join parameters
    window person_order as (
        partition by crossings.person_key
        order by crossings.crossing_time, crossings.crossing_id
    )
),

complete_spells as (
    select
        case
            when spells.direction = 'DEP' then 'resident_trip' else 'visitor_stay'
        end as duration_kind,
        spells.duration_group,
        spells.spell_days
    from spells
    where
        spells.next_direction is not null
        and spells.next_direction <> spells.direction
        and (
            (spells.direction = 'DEP' and spells.is_residence_footing)
            or (spells.direction = 'ARR' and not spells.is_residence_footing)
        )
),

by_group as (
    select
        complete_spells.duration_kind,
        complete_spells.duration_group,
        count(*) as spell_count,
        quantile_disc(complete_spells.spell_days, 0.5) as median_days
    from complete_spells
    group by complete_spells.duration_kind, complete_spells.duration_group
),

overall as (
    select
        complete_spells.duration_kind,
        '_T' as duration_group,
        count(*) as spell_count,
        quantile_disc(complete_spells.spell_days, 0.5) as median_days
    from complete_spells
    group by complete_spells.duration_kind
),

final as (
    select
        by_group.duration_kind,
        by_group.duration_group,
        cast(by_group.spell_count as bigint) as spell_count,
        cast(by_group.median_days as integer) as median_days
    from by_group
    where by_group.spell_count >= {{ min_spells }}
    union all
    select
        overall.duration_kind,
        overall.duration_group,
        cast(overall.spell_count as bigint) as spell_count,
        cast(overall.median_days as integer) as median_days
    from overall
)

select * from final
