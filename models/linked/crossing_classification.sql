-- The residence rule's verdict on every crossing at the vintage (doc:
-- residence_rule): the verdicts of int_crossing_verdicts, with what moves
-- with the cut-off alone applied here: whether each verdict is final yet,
-- the days on the migration side observed so far, and the vintage.
--
-- A view, so that a daily run re-stamps 25 million crossings with the new
-- cut-off at no cost; its readers compute three expressions per row
-- (doc: residence_rule_incremental).
{{ config(materialized='view') }}

with

verdicts as (
    select * from {{ ref('int_crossing_verdicts') }}
),

parameters as (
    select {{ residence_vintage(ref('int_crossings_repaired')) }} as vintage
),

final as (
    select
        verdicts.crossing_id,
        verdicts.person_key,
        verdicts.direction,
        verdicts.crossing_date,
        verdicts.is_resident_before,
        verdicts.is_resident_after,
        verdicts.is_migration,
        verdicts.resolved_date,
        verdicts.resolved_date <= parameters.vintage as is_final,
        verdicts.is_repaired,
        -- audit
        verdicts.crossing_time,
        verdicts.crossing_seq,
        verdicts.is_citizen,
        verdicts.visa_type,
        verdicts.is_resident_at_start,
        verdicts.is_migration_direction,
        verdicts.resolution_rule,
        verdicts.days_on_migration_side,
        verdicts.days_on_other_side,
        cast(
            least(
                verdicts.days_on_migration_side_in_closed_spells
                + case
                    when verdicts.open_spell_start_date is not null
                        then greatest(
                            0,
                            least(parameters.vintage, coalesce(verdicts.known_death_date, parameters.vintage))
                            - verdicts.open_spell_start_date
                        )
                    else 0
                end,
                verdicts.test_days_on_migration_side
            ) as integer
        ) as days_on_migration_side_to_vintage,
        verdicts.status_before_resolved_date,
        parameters.vintage
    from verdicts
    cross join parameters
)

select * from final
