-- Expected migration for every provisional crossing (methodology.md
-- section 2; doc: provisional_expectation): the share of comparable final
-- crossings that turned out to be migrations.
{%- set bounds = residence_days_band_bounds() %}
{%- set min_comparables = var('provisional_min_comparables', 20) | int %}

with

classification as (
    select * from {{ ref('crossing_classification') }}
),

bands as (
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

crossings as (
    select
        classification.crossing_id,
        classification.person_key,
        classification.direction,
        classification.crossing_date,
        classification.is_migration,
        classification.is_final,
        classification.is_migration_direction,
        classification.days_on_migration_side,
        classification.days_on_migration_side_to_vintage,
        case when classification.is_citizen then 'CIT' else 'FOR' end as citizenship_group,
        coalesce(classification.visa_type, '_U') as visa_type
    from classification
),

-- final crossings in the migration direction by the band their migration
-- side reached before the test resolved
final_reached as (
    select
        crossings.citizenship_group,
        crossings.visa_type,
        crossings.direction,
        bands.band_index as reached_band_index,
        count(*) as final_count,
        count(*) filter (where crossings.is_migration) as migration_count
    from crossings
    inner join bands
        on
            crossings.days_on_migration_side >= bands.lower_days
            and (bands.upper_days is null or crossings.days_on_migration_side < bands.upper_days)
    where crossings.is_final and crossings.is_migration_direction
    group by all
),

-- a final crossing is comparable for every band up to the one it reached
reference_by_visa as (
    select
        final_reached.citizenship_group,
        final_reached.visa_type,
        final_reached.direction,
        bands.band_index,
        sum(final_reached.final_count) as final_count,
        sum(final_reached.migration_count) as migration_count
    from final_reached
    inner join bands
        on final_reached.reached_band_index >= bands.band_index
    group by all
),

reference_by_group as (
    select
        reference_by_visa.citizenship_group,
        reference_by_visa.direction,
        reference_by_visa.band_index,
        sum(reference_by_visa.final_count) as final_count,
        sum(reference_by_visa.migration_count) as migration_count
    from reference_by_visa
    group by all
),

reference_by_direction as (
    select
        reference_by_group.direction,
        reference_by_group.band_index,
        sum(reference_by_group.final_count) as final_count,
        sum(reference_by_group.migration_count) as migration_count
    from reference_by_group
    group by all
),

provisional as (
    select
        crossings.*,
        bands.band_index,
        bands.band_code
    from crossings
    inner join bands
        on
            coalesce(crossings.days_on_migration_side_to_vintage, 0) >= bands.lower_days
            and (
                bands.upper_days is null
                or coalesce(crossings.days_on_migration_side_to_vintage, 0) < bands.upper_days
            )
    where not crossings.is_final
),

matched as (
    select
        provisional.*,
        case
            when not provisional.is_migration_direction then 'not_migration_direction'
            when reference_by_visa.final_count >= {{ min_comparables }} then 'citizenship_visa_direction_band'
            when reference_by_group.final_count >= {{ min_comparables }} then 'citizenship_direction_band'
            when reference_by_direction.final_count >= {{ min_comparables }} then 'direction_band'
            else 'rule_assumption'
        end as expectation_level,
        reference_by_visa.final_count as visa_final_count,
        reference_by_visa.migration_count as visa_migration_count,
        reference_by_group.final_count as group_final_count,
        reference_by_group.migration_count as group_migration_count,
        reference_by_direction.final_count as direction_final_count,
        reference_by_direction.migration_count as direction_migration_count
    from provisional
    left join reference_by_visa
        on
            provisional.citizenship_group = reference_by_visa.citizenship_group
            and provisional.visa_type = reference_by_visa.visa_type
            and provisional.direction = reference_by_visa.direction
            and provisional.band_index = reference_by_visa.band_index
    left join reference_by_group
        on
            provisional.citizenship_group = reference_by_group.citizenship_group
            and provisional.direction = reference_by_group.direction
            and provisional.band_index = reference_by_group.band_index
    left join reference_by_direction
        on
            provisional.direction = reference_by_direction.direction
            and provisional.band_index = reference_by_direction.band_index
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
        matched.days_on_migration_side_to_vintage,
        matched.band_code as days_band,
        matched.is_migration as is_migration_assumed,
        matched.expectation_level,
        cast(
            case matched.expectation_level
                when 'citizenship_visa_direction_band' then matched.visa_final_count
                when 'citizenship_direction_band' then matched.group_final_count
                when 'direction_band' then matched.direction_final_count
                else 0
            end as bigint
        ) as comparable_final_count,
        cast(
            case matched.expectation_level
                when 'not_migration_direction' then 0
                when 'citizenship_visa_direction_band'
                    then matched.visa_migration_count / matched.visa_final_count
                when 'citizenship_direction_band'
                    then matched.group_migration_count / matched.group_final_count
                when 'direction_band'
                    then matched.direction_migration_count / matched.direction_final_count
                else case when matched.is_migration then 1 else 0 end
            end as double
        ) as expected_migration
    from matched
)

select * from final
