-- Expected migration for every provisional crossing (methodology.md
-- section 2; doc: residence_provisional_expectation): the share of
-- migrations among comparable crossings whose window is complete and which,
-- at the same elapsed time, were in the same situation (on the migration
-- side or already back on the other side, days on the migration side so
-- far).
--
-- How it stays set-wise and fast: elapsed time is banded
-- (`provisional_elapsed_band_days`, 30 by default) and a comparable is
-- situated at the middle day of every band its own test was still open at.
-- Up to its second next crossing the situation follows from the next
-- crossing's date (a window function); beyond that (frequent travellers)
-- an ASOF join finds the person's latest crossing by the middle day, and
-- running day sums give the days on the migration side so far, counted as
-- the residence rule counts them. A provisional crossing is situated at
-- its exact elapsed days to the vintage.
{#- DuckDB turns an ASOF join into a nested loop when it under-estimates
    the left side: always use the sort-merge ASOF. #}
{{ config(
    pre_hook="set asof_loop_join_threshold = 0",
    post_hook="reset asof_loop_join_threshold",
) }}
{%- set bounds = residence_days_band_bounds() %}
{%- set min_comparables = var('provisional_min_comparables', 20) | int %}
{%- set elapsed_band_days = var('provisional_elapsed_band_days', 30) | int %}
{%- set window_days = var('residence_window_days') | int %}
{%- set threshold_days = var('residence_threshold_days') | int %}
{%- set other_side_days = window_days - threshold_days %}
{#- ASOF keys: day number * seq_radix + position; a person has fewer than
    seq_radix crossings (as in crossing_classification). #}
{%- set seq_radix = 1000000 %}
{#- a band is situated at its middle day; band_middle_offset turns
    "elapsed days" into "bands whose middle day is before them" #}
{%- set band_middle_day = elapsed_band_days // 2 %}
{%- set band_middle_offset = elapsed_band_days - 1 - band_middle_day %}

with

classification as (
    select * from {{ ref('crossing_classification') }}
),

days_bands as (
    select
        band_list.band_index,
        band_list.band_code,
        band_list.lower_days,
        band_list.upper_days
    from (
        values
        {%- for lower in bounds %}
        (
            {{ loop.index0 }},
            {%- if not loop.last %}
            'D{{ "%03d" | format(lower) }}T{{ "%03d" | format(bounds[loop.index] - 1) }}',
            {{ lower }},
            {{ bounds[loop.index] }}
            {%- else %}
            'D_GE{{ "%03d" | format(lower) }}',
            {{ lower }},
            null
            {%- endif %}
        ){{ "," if not loop.last }}
        {%- endfor %}
    ) as band_list (band_index, band_code, lower_days, upper_days)
),

-- every crossing with what its situation at a later date needs: running
-- day sums (days in the country up to a crossing minus days abroad, as
-- the residence rule counts them: directions alternate), the dates of the
-- next two crossings and the direction of the person's last crossing
sequenced as materialized (
    select
        classification.person_key,
        classification.crossing_seq,
        classification.crossing_id,
        classification.direction,
        classification.crossing_date,
        classification.vintage - classification.crossing_date as days_to_vintage,
        classification.is_migration,
        classification.is_final,
        classification.is_migration_direction,
        -- comparable: in the migration direction, window complete (the
        -- verdict is final whatever the traveller did)
        classification.is_migration_direction
        and classification.is_final
        and classification.crossing_date + {{ window_days }} <= classification.vintage as is_comparable,
        -- elapsed days at which the crossing's own test resolved (or will,
        -- as the rule assumes it)
        case
            when classification.resolution_rule in ('threshold_reached', 'other_side_exceeded', 'death')
                then
                    classification.days_on_migration_side
                    + least(classification.days_on_other_side, {{ other_side_days }})
        end as resolved_after_days,
        classification.days_on_migration_side_to_vintage,
        case when classification.is_citizen then 'CIT' else 'FOR' end as citizenship_group,
        coalesce(classification.visa_type, '_U') as visa_type,
        sum(
            case when classification.direction = 'DEP' then 1 else -1 end
            * cast(classification.crossing_date - date '1970-01-01' as bigint)
        ) over person_running as departure_minus_arrival_days,
        lead(classification.crossing_date, 1) over person_running as next_crossing_date,
        lead(classification.crossing_date, 2) over person_running as second_next_crossing_date,
        last_value(classification.direction) over person_all as last_direction
    from classification
    window
        person_running as (
            partition by classification.person_key
            order by classification.crossing_seq
            rows between unbounded preceding and current row
        ),
        person_all as (
            partition by classification.person_key
            order by classification.crossing_seq
            rows between unbounded preceding and unbounded following
        )
),

comparables as (
    select
        sequenced.*,
        -- elapsed bands whose middle day the test was still open at
        cast(
            (sequenced.resolved_after_days + {{ band_middle_offset }}) // {{ elapsed_band_days }} as bigint
        ) as open_band_count,
        -- first elapsed band whose middle day is on or after the second
        -- crossing after this one
        cast(
            (
                sequenced.second_next_crossing_date - sequenced.crossing_date + {{ band_middle_offset }}
            ) // {{ elapsed_band_days }} as bigint
        ) as first_far_band_index
    from sequenced
    where sequenced.is_comparable
),

-- the situation of a comparable at the middle day of each elapsed band
-- its test was still open at. Up to its second next crossing it follows
-- from the next crossing's date alone (still on the migration side: days
-- so far = elapsed days; back on the other side: days until it crossed
-- back) ...
near_points as (
    select
        comparables.citizenship_group,
        comparables.visa_type,
        comparables.direction,
        comparables.crossing_date,
        comparables.next_crossing_date,
        comparables.second_next_crossing_date,
        comparables.is_migration,
        unnest(range(0, comparables.open_band_count)) as elapsed_band_index
    from comparables
),

near_elapsed as (
    select
        near_points.*,
        near_points.elapsed_band_index * {{ elapsed_band_days }} + {{ band_middle_day }} as elapsed_days
    from near_points
),

near_situations as (
    select
        near_sided.citizenship_group,
        near_sided.visa_type,
        near_sided.direction,
        near_sided.elapsed_band_index,
        near_sided.is_migration,
        near_sided.is_on_migration_side,
        case
            when near_sided.is_on_migration_side then near_sided.elapsed_days
            else near_sided.next_crossing_date - near_sided.crossing_date
        end as days_on_migration_side_so_far
    from (
        select
            near_elapsed.*,
            coalesce(
                near_elapsed.crossing_date + cast(near_elapsed.elapsed_days as integer)
                < near_elapsed.next_crossing_date,
                true
            ) as is_on_migration_side
        from near_elapsed
        where
            near_elapsed.second_next_crossing_date is null
            or near_elapsed.crossing_date + cast(near_elapsed.elapsed_days as integer)
            < near_elapsed.second_next_crossing_date
    ) as near_sided
),

-- ... from the second next crossing on, the person's latest crossing by
-- the middle day (ASOF join) gives the side, and the running day sums the
-- days on the migration side so far
far_points as (
    select
        comparables.person_key,
        comparables.citizenship_group,
        comparables.visa_type,
        comparables.direction,
        comparables.is_migration,
        comparables.departure_minus_arrival_days,
        cast(comparables.crossing_date - date '1970-01-01' as bigint) as day_number,
        unnest(range(comparables.first_far_band_index, comparables.open_band_count)) as elapsed_band_index
    from comparables
    where comparables.second_next_crossing_date - comparables.crossing_date < comparables.resolved_after_days
),

far_persons as (
    select distinct far_points.person_key
    from far_points
),

crossing_keys as (
    select
        sequenced.person_key,
        sequenced.direction,
        sequenced.departure_minus_arrival_days,
        cast(sequenced.crossing_date - date '1970-01-01' as bigint) as day_number,
        cast(sequenced.crossing_date - date '1970-01-01' as bigint) * {{ seq_radix }}
        + sequenced.crossing_seq as crossing_key
    from sequenced
    semi join far_persons
        on sequenced.person_key = far_persons.person_key
),

far_situations as (
    select
        far_points.citizenship_group,
        far_points.visa_type,
        far_points.direction,
        far_points.elapsed_band_index,
        far_points.is_migration,
        latest.direction = far_points.direction as is_on_migration_side,
        -- days on this crossing's migration side between it and the latest
        -- crossing, then on to the middle day if still on that side
        case
            when far_points.direction = 'ARR'
                then
                    latest.departure_minus_arrival_days
                    + case when latest.direction = 'ARR' then latest.day_number else 0 end
                    - far_points.departure_minus_arrival_days
                    - far_points.day_number
            else
                far_points.departure_minus_arrival_days
                - latest.departure_minus_arrival_days
                + case when latest.direction = 'DEP' then latest.day_number else 0 end
                - far_points.day_number
        end
        + case
            when latest.direction = far_points.direction
                then
                    far_points.day_number
                    + far_points.elapsed_band_index * {{ elapsed_band_days }} + {{ band_middle_day }}
                    - latest.day_number
            else 0
        end as days_on_migration_side_so_far
    from far_points
    asof inner join crossing_keys as latest
        on
            far_points.person_key = latest.person_key
            and (
                far_points.day_number
                + far_points.elapsed_band_index * {{ elapsed_band_days }} + {{ band_middle_day }}
            ) * {{ seq_radix }} + {{ seq_radix - 1 }} >= latest.crossing_key
),

comparable_situations as (
    select * from near_situations
    union all
    select * from far_situations
),

comparable_counts as (
    select
        comparable_situations.citizenship_group,
        comparable_situations.visa_type,
        comparable_situations.direction,
        comparable_situations.elapsed_band_index,
        comparable_situations.is_on_migration_side,
        comparable_situations.days_on_migration_side_so_far,
        count(*) as comparable_count,
        count(*) filter (where comparable_situations.is_migration) as migration_count
    from comparable_situations
    group by all
),

-- comparables by cell: citizenship group, visa type, direction, elapsed
-- band, side and band of days on the migration side so far
reference_by_visa as (
    select
        comparable_counts.citizenship_group,
        comparable_counts.visa_type,
        comparable_counts.direction,
        comparable_counts.elapsed_band_index,
        comparable_counts.is_on_migration_side,
        days_bands.band_index as days_band_index,
        sum(comparable_counts.comparable_count) as comparable_count,
        sum(comparable_counts.migration_count) as migration_count
    from comparable_counts
    inner join days_bands
        on
            comparable_counts.days_on_migration_side_so_far >= days_bands.lower_days
            and (
                days_bands.upper_days is null
                or comparable_counts.days_on_migration_side_so_far < days_bands.upper_days
            )
    group by all
),

reference_by_group as (
    select
        reference_by_visa.citizenship_group,
        reference_by_visa.direction,
        reference_by_visa.elapsed_band_index,
        reference_by_visa.is_on_migration_side,
        reference_by_visa.days_band_index,
        sum(reference_by_visa.comparable_count) as comparable_count,
        sum(reference_by_visa.migration_count) as migration_count
    from reference_by_visa
    group by all
),

reference_by_direction as (
    select
        reference_by_group.direction,
        reference_by_group.elapsed_band_index,
        reference_by_group.is_on_migration_side,
        reference_by_group.days_band_index,
        sum(reference_by_group.comparable_count) as comparable_count,
        sum(reference_by_group.migration_count) as migration_count
    from reference_by_group
    group by all
),

reference_by_side as (
    select
        reference_by_direction.direction,
        reference_by_direction.elapsed_band_index,
        reference_by_direction.is_on_migration_side,
        sum(reference_by_direction.comparable_count) as comparable_count,
        sum(reference_by_direction.migration_count) as migration_count
    from reference_by_direction
    group by all
),

-- the provisional crossings in their situation at the vintage
provisional as (
    select
        sequenced.*,
        sequenced.days_to_vintage // {{ elapsed_band_days }} as elapsed_band_index,
        sequenced.days_to_vintage // {{ elapsed_band_days }} * {{ elapsed_band_days }}
            as elapsed_band_lower_days,
        sequenced.last_direction = sequenced.direction as is_on_migration_side,
        coalesce(sequenced.days_on_migration_side_to_vintage, 0) as days_on_migration_side_so_far,
        -- the crossing's own test is resolved by the vintage: the verdict
        -- is provisional only through the status before it
        coalesce(sequenced.resolved_after_days <= sequenced.days_to_vintage, false) as is_own_test_resolved
    from sequenced
    where not sequenced.is_final
),

provisional_situated as (
    select
        provisional.*,
        days_bands.band_index as days_band_index,
        days_bands.band_code as days_band
    from provisional
    inner join days_bands
        on
            provisional.days_on_migration_side_so_far >= days_bands.lower_days
            and (
                days_bands.upper_days is null
                or provisional.days_on_migration_side_so_far < days_bands.upper_days
            )
),

matched as (
    select
        provisional_situated.*,
        case
            when not provisional_situated.is_migration_direction then 'not_migration_direction'
            when provisional_situated.is_own_test_resolved then 'own_test_resolved'
            when reference_by_visa.comparable_count >= {{ min_comparables }}
                then 'citizenship_visa_direction_situation'
            when reference_by_group.comparable_count >= {{ min_comparables }}
                then 'citizenship_direction_situation'
            when reference_by_direction.comparable_count >= {{ min_comparables }} then 'direction_situation'
            when reference_by_side.comparable_count >= 1 then 'direction_elapsed_side'
            else 'rule_assumption'
        end as expectation_level,
        reference_by_visa.comparable_count as visa_comparable_count,
        reference_by_visa.migration_count as visa_migration_count,
        reference_by_group.comparable_count as group_comparable_count,
        reference_by_group.migration_count as group_migration_count,
        reference_by_direction.comparable_count as direction_comparable_count,
        reference_by_direction.migration_count as direction_migration_count,
        reference_by_side.comparable_count as side_comparable_count,
        reference_by_side.migration_count as side_migration_count
    from provisional_situated
    left join reference_by_visa
        on
            provisional_situated.citizenship_group = reference_by_visa.citizenship_group
            and provisional_situated.visa_type = reference_by_visa.visa_type
            and provisional_situated.direction = reference_by_visa.direction
            and provisional_situated.elapsed_band_index = reference_by_visa.elapsed_band_index
            and provisional_situated.is_on_migration_side = reference_by_visa.is_on_migration_side
            and provisional_situated.days_band_index = reference_by_visa.days_band_index
    left join reference_by_group
        on
            provisional_situated.citizenship_group = reference_by_group.citizenship_group
            and provisional_situated.direction = reference_by_group.direction
            and provisional_situated.elapsed_band_index = reference_by_group.elapsed_band_index
            and provisional_situated.is_on_migration_side = reference_by_group.is_on_migration_side
            and provisional_situated.days_band_index = reference_by_group.days_band_index
    left join reference_by_direction
        on
            provisional_situated.direction = reference_by_direction.direction
            and provisional_situated.elapsed_band_index = reference_by_direction.elapsed_band_index
            and provisional_situated.is_on_migration_side = reference_by_direction.is_on_migration_side
            and provisional_situated.days_band_index = reference_by_direction.days_band_index
    left join reference_by_side
        on
            provisional_situated.direction = reference_by_side.direction
            and provisional_situated.elapsed_band_index = reference_by_side.elapsed_band_index
            and provisional_situated.is_on_migration_side = reference_by_side.is_on_migration_side
),

final as (
    select
        matched.crossing_id,
        matched.person_key,
        matched.direction,
        matched.crossing_date,
        matched.citizenship_group,
        matched.visa_type,
        matched.is_migration_direction,
        cast(matched.days_to_vintage as integer) as elapsed_days,
        'E'
        || lpad(cast(matched.elapsed_band_lower_days as varchar), 3, '0')
        || 'T'
        || lpad(cast(matched.elapsed_band_lower_days + {{ elapsed_band_days - 1 }} as varchar), 3, '0')
            as elapsed_band,
        matched.is_on_migration_side,
        matched.days_on_migration_side_to_vintage,
        matched.days_band,
        matched.is_migration as is_migration_assumed,
        matched.expectation_level,
        cast(
            case matched.expectation_level
                when 'citizenship_visa_direction_situation' then matched.visa_comparable_count
                when 'citizenship_direction_situation' then matched.group_comparable_count
                when 'direction_situation' then matched.direction_comparable_count
                when 'direction_elapsed_side' then matched.side_comparable_count
                else 0
            end as bigint
        ) as comparable_final_count,
        cast(
            case matched.expectation_level
                when 'not_migration_direction' then 0
                when 'own_test_resolved' then case when matched.is_migration then 1 else 0 end
                when 'citizenship_visa_direction_situation'
                    then matched.visa_migration_count / matched.visa_comparable_count
                when 'citizenship_direction_situation'
                    then matched.group_migration_count / matched.group_comparable_count
                when 'direction_situation'
                    then matched.direction_migration_count / matched.direction_comparable_count
                when 'direction_elapsed_side'
                    then matched.side_migration_count / matched.side_comparable_count
                else case when matched.is_migration then 1 else 0 end
            end as double
        ) as expected_migration
    from matched
)

select * from final
