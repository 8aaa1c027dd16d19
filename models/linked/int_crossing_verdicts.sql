-- The outcome-based residence rule (12/16-month rule) on every crossing,
-- set-wise (doc: residence_rule). Classifies exactly as Stats NZ's migrbc
-- (src/rcpp_algorithm.cpp) with window / threshold from the project vars.
-- What moves with the cut-off alone (is_final, the days observed so far,
-- the vintage) is applied by crossing_classification, so that a verdict
-- here stays right for as long as the person's input fingerprint does.
--
-- Incremental per person (doc: residence_rule_incremental): a run
-- classifies again only the persons whose fingerprint changed (crossings
-- new, moved, repaired or voided, a death now known, a single crossing
-- still short of the threshold) and replaces all their rows; the
-- post-hook drops the persons no longer among the crossings. A full
-- build classifies everyone.
--
-- How it is vectorised: the test of a crossing in the migration direction
-- depends only on the spells after it, so `would_migrate` is computed for
-- every crossing from per-person running totals of days in and out, with
-- two ASOF joins (first spell where the migration side reaches the
-- threshold, first spell where the other side passes window - threshold).
-- The status after crossing i is then the status implied by the latest
-- crossing j <= i whose test succeeds (arrival: resident, departure: not),
-- or the status at the start of observation; the resolution date is a
-- running maximum. No recursion, no per-person loop. The heavy steps run
-- on a narrow integer projection; descriptive columns are joined back last.
{#- DuckDB turns an ASOF join into a nested loop when it under-estimates
    the left side (quadratic here): always use the sort-merge ASOF. #}
{#- Its windows and ASOF joins hold memory outside DuckDB's cap: three
    quarters of the cap keep it under the run's other peaks (alone at
    scale 1.0: 7,574,736 kB and 175 s with the full cap, 5,724,588 kB
    and 191 s with three quarters; docs/choices.md, "Peak memory"). #}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='person_key',
    on_schema_change='fail',
    pre_hook=["set asof_loop_join_threshold = 0", "{{ memory_limit_share(0.75) }}"],
    post_hook=[
        "{{ build_remaining_buckets() }}",
        "reset asof_loop_join_threshold",
        "{{ memory_limit_share(1) }}",
        "{% if is_incremental() %}"
        ~ "delete from {{ this }} where person_key not in ("
        ~ "select person_key from {{ ref('int_crossings_repaired') }}"
        ~ " where crossing_date <= {{ residence_vintage(ref('int_crossings_repaired')) }})"
        ~ "{% endif %}",
    ],
) }}
{%- set window_days = var('residence_window_days') | int %}
{%- set threshold_days = var('residence_threshold_days') | int %}
{%- set other_side_days = window_days - threshold_days %}
{%- set truncate_at_death = var('residence_truncate_at_death', true) %}
{#- ASOF keys: running days * seq_radix + position; a person has fewer
    than seq_radix crossings. #}
{%- set seq_radix = 1000000 %}
{#- a full build keeps one bucket of persons here (both imports), the
    post-hook adds the others (macros/build_buckets.sql) #}
{%- set bucket_filter = none if is_incremental()
    else build_bucket_filter('person_key', ref('int_crossings_repaired')) %}

with

parameters as (
    select
        {{ residence_vintage(ref('int_crossings_repaired')) }} as vintage,
        {{ observation_start_date() }} as observation_start_date
),

{% if is_incremental() %}
-- what every person's verdicts would be made from now, and what the
-- stored ones were made from
fingerprint_inputs as (
    select
        crossings.person_key,
        crossings.crossing_id,
        crossings.crossing_order,
        crossings.direction,
        crossings.crossing_date,
        crossings.crossing_time,
        crossings.is_citizen,
        crossings.visa_type,
        crossings.has_valid_work_permit,
        crossings.is_repaired,
        case when crossings.death_date <= parameters.vintage then crossings.death_date end as known_death_date,
        parameters.vintage,
        parameters.observation_start_date
    from {{ ref('int_crossings_repaired') }} as crossings
    cross join parameters
    where crossings.crossing_date <= parameters.vintage
),

current_fingerprints as (
    select
        person_key,
        {{ residence_person_input_fingerprint(
            'count(*)',
            'sum(' ~ residence_crossing_input_hash('fingerprint_inputs', 'fingerprint_inputs.known_death_date') ~ ')',
            residence_single_crossing_days('min(crossing_date)', 'max(known_death_date)', 'any_value(vintage)'),
            'any_value(observation_start_date)'
        ) }} as input_fingerprint
    from fingerprint_inputs
    group by person_key
),

affected_persons as (
    {{ persons_whose_fingerprint_changed('current_fingerprints') }}
),

{% endif %}
crossings as (
    select * from {{ ref('int_crossings_repaired') }}
    {%- if is_incremental() %}
    where person_key in (select affected_persons.person_key from affected_persons)
    {%- else %}
    where {{ bucket_filter }}
    {%- endif %}
),

-- the descriptive columns, joined back last (a second import keeps the
-- wide rows out of the heavy steps)
crossing_details as (
    select
        person_key,
        crossing_order,
        crossing_id,
        direction,
        crossing_date,
        crossing_time,
        is_citizen,
        visa_type,
        is_repaired
    from {{ ref('int_crossings_repaired') }}
    {%- if is_incremental() %}
    where person_key in (select affected_persons.person_key from affected_persons)
    {%- else %}
    where {{ bucket_filter }}
    {%- endif %}
),

observed as (
    select
        crossings.person_key,
        crossings.direction,
        crossings.crossing_date,
        crossings.crossing_order,
        crossings.is_citizen,
        crossings.visa_type,
        crossings.has_valid_work_permit,
        -- a death counts once it is known at the cut-off
        case
            when crossings.death_date <= parameters.vintage then crossings.death_date
        end as known_death_date,
        cast(crossings.crossing_date - date '1970-01-01' as bigint) as day_number,
        {{ residence_crossing_input_hash(
            'crossings',
            'case when crossings.death_date <= parameters.vintage then crossings.death_date end'
        ) }} as input_hash
    from crossings
    cross join parameters
    where crossings.crossing_date <= parameters.vintage
),

-- one row per person: first and last crossing, sums of crossing dates
person_crossings as (
    select
        observed.person_key,
        count(*) as crossing_count,
        arg_min(
            {
                'direction': observed.direction,
                'crossing_date': observed.crossing_date,
                'day_number': observed.day_number,
                'is_citizen': observed.is_citizen,
                'visa_type': observed.visa_type,
                'has_valid_work_permit': observed.has_valid_work_permit
            },
            observed.crossing_order
        ) as first_crossing,
        arg_max(
            {
                'direction': observed.direction,
                'crossing_date': observed.crossing_date,
                'day_number': observed.day_number
            },
            observed.crossing_order
        ) as last_crossing,
        max(observed.known_death_date) as known_death_date,
        sum(observed.input_hash) as input_hash_sum,
        sum(case when observed.direction = 'ARR' then observed.day_number else 0 end) as arrival_day_sum,
        sum(case when observed.direction = 'DEP' then observed.day_number else 0 end) as departure_day_sum
    from observed
    group by observed.person_key
),

persons as (
    select
        person_crossings.person_key,
        row_number() over (order by person_crossings.person_key) as person_id,
        person_crossings.crossing_count,
        person_crossings.first_crossing['direction'] as first_direction,
        person_crossings.first_crossing['day_number'] as first_day_number,
        person_crossings.known_death_date,
        {%- if truncate_at_death %}
        person_crossings.known_death_date as horizon_death_date,
        {%- else %}
        cast(null as date) as horizon_death_date,
        {%- endif %}
        -- status at the start of observation, from the first crossing
        case
            when person_crossings.first_crossing['direction'] = 'DEP'
                then
                    coalesce(person_crossings.first_crossing['is_citizen'], false)
                    or person_crossings.first_crossing['crossing_date'] - parameters.observation_start_date
                    >= {{ threshold_days }}
                    or coalesce(
                        person_crossings.first_crossing['visa_type'] in {{ residence_resident_visa_types() }},
                        false
                    )
                    or coalesce(person_crossings.first_crossing['has_valid_work_permit'], false)
            else
                coalesce(person_crossings.first_crossing['is_citizen'], false)
                and person_crossings.first_crossing['crossing_date'] - parameters.observation_start_date
                < {{ threshold_days }}
        end as is_resident_at_start,
        -- the spell after the last crossing as the rule assumes it ...
        cast(
            case
                -- migrbc: a person with one crossing is tested on the days
                -- elapsed since it (here: to the cut-off, or to death)
                when person_crossings.crossing_count = 1
                    then {{ residence_single_crossing_days(
                        "person_crossings.last_crossing['crossing_date']",
                        'person_crossings.known_death_date',
                        'parameters.vintage'
                    ) }}
                {%- if truncate_at_death %}
                -- a death ends the stay assumed after the last crossing
                when person_crossings.known_death_date is not null
                    then greatest(
                        0,
                        least(
                            {{ window_days }},
                            person_crossings.known_death_date
                            - person_crossings.last_crossing['crossing_date']
                        )
                    )
                {%- endif %}
                -- migrbc: after the last crossing the person stays `window` days
                else {{ window_days }}
            end as bigint
        ) as last_spell_days,
        -- the spell after the last crossing is observed up to the cut-off
        -- (crossing_classification counts its days so far)
        person_crossings.last_crossing['crossing_date'] as last_crossing_date,
        {{ residence_person_input_fingerprint(
            'person_crossings.crossing_count',
            'person_crossings.input_hash_sum',
            residence_single_crossing_days(
                "person_crossings.last_crossing['crossing_date']",
                'person_crossings.known_death_date',
                'parameters.vintage'
            ),
            'parameters.observation_start_date'
        ) }} as input_fingerprint,
        -- days in / abroad over all closed spells (directions alternate:
        -- in = departure dates after the first crossing - arrival dates
        -- before the last crossing, abroad symmetrically)
        {{ residence_closed_spell_days('person_crossings', 'ARR') }} as closed_in_days,
        {{ residence_closed_spell_days('person_crossings', 'DEP') }} as closed_out_days,
        person_crossings.last_crossing['direction'] as last_direction
    from person_crossings
    cross join parameters
),

keyed as (
    select
        persons.person_id,
        observed.crossing_order,
        observed.direction,
        observed.crossing_date,
        observed.day_number
    from observed
    inner join persons
        on observed.person_key = persons.person_key
),

-- the narrow projection the rule runs on
ordered as (
    select
        keyed.person_id,
        keyed.crossing_order,
        keyed.direction = 'ARR' as is_arrival,
        keyed.crossing_date,
        row_number() over person_order - 1 as crossing_seq,
        -- one integer key per crossing, so the steps below join back on
        -- one column instead of two
        keyed.person_id * {{ seq_radix }} + row_number() over person_order - 1 as crossing_row,
        lead(keyed.day_number) over person_order - keyed.day_number as days_to_next_crossing,
        -- days in the country before this crossing: departure dates 1..i
        -- minus arrival dates 0..i-1 (and abroad symmetrically)
        sum(case when keyed.direction = 'DEP' then keyed.day_number else 0 end) over person_order
        - sum(case when keyed.direction = 'ARR' then keyed.day_number else 0 end) over person_order
        + case when keyed.direction = 'ARR' then keyed.day_number else 0 end as in_days_raw,
        sum(case when keyed.direction = 'ARR' then keyed.day_number else 0 end) over person_order
        - sum(case when keyed.direction = 'DEP' then keyed.day_number else 0 end) over person_order
        + case when keyed.direction = 'DEP' then keyed.day_number else 0 end as out_days_raw
    from keyed
    window person_order as (
        partition by keyed.person_id
        order by keyed.crossing_order
        rows between unbounded preceding and current row
    )
),

tested as (
    select
        ordered.person_id,
        ordered.crossing_row,
        ordered.crossing_order,
        ordered.crossing_seq,
        ordered.is_arrival,
        ordered.crossing_date,
        persons.is_resident_at_start,
        persons.horizon_death_date,
        coalesce(ordered.days_to_next_crossing, persons.last_spell_days) as spell_days,
        -- days already spent on this crossing's migration side / other side
        -- (in the country after an arrival, abroad after a departure)
        ordered.in_days_raw
        - case when persons.first_direction = 'DEP' then persons.first_day_number else 0 end
            as in_days_before,
        ordered.out_days_raw
        - case when persons.first_direction = 'ARR' then persons.first_day_number else 0 end
            as out_days_before,
        persons.closed_in_days
        + case when persons.last_direction = 'ARR' then persons.last_spell_days else 0 end as in_days_total,
        persons.closed_out_days
        + case when persons.last_direction = 'DEP' then persons.last_spell_days else 0 end as out_days_total
    from ordered
    inner join persons
        on ordered.person_id = persons.person_id
),

sided as (
    select
        tested.*,
        case when tested.is_arrival then tested.in_days_before else tested.out_days_before end
            as migration_side_before,
        case when tested.is_arrival then tested.out_days_before else tested.in_days_before end
            as other_side_before,
        case when tested.is_arrival then tested.in_days_total else tested.out_days_total end
            as migration_side_total,
        case when tested.is_arrival then tested.out_days_total else tested.in_days_total end
            as other_side_total,
        tested.person_id * 2 + case when tested.is_arrival then 1 else 0 end as own_side_id,
        tested.person_id * 2 + case when tested.is_arrival then 0 else 1 end as other_side_id
    from tested
),

-- the spells as ASOF targets, per person and side: running days on the
-- spell's own side at its end, made strictly increasing by the position
spell_ends as (
    select
        sided.own_side_id as side_id,
        sided.crossing_seq,
        sided.in_days_before,
        sided.out_days_before,
        (sided.migration_side_before + sided.spell_days) * {{ seq_radix }} + sided.crossing_seq as side_key
    from sided
),

-- the tests' targets, narrow (the ASOF joins sort what they carry)
targets as (
    select
        sided.crossing_row,
        sided.own_side_id,
        sided.other_side_id,
        (sided.migration_side_before + {{ threshold_days }}) * {{ seq_radix }} as threshold_key,
        (sided.other_side_before + {{ other_side_days + 1 }}) * {{ seq_radix }} as other_limit_key
    from sided
),

hits as (
    select
        targets.crossing_row,
        threshold_hit.crossing_seq as threshold_hit_seq,
        threshold_hit.in_days_before as threshold_hit_in_days,
        threshold_hit.out_days_before as threshold_hit_out_days,
        other_hit.crossing_seq as other_hit_seq,
        other_hit.in_days_before as other_hit_in_days,
        other_hit.out_days_before as other_hit_out_days
    from targets
    -- first spell on the migration side where it reaches the threshold
    asof left join spell_ends as threshold_hit
        on
            targets.own_side_id = threshold_hit.side_id
            and targets.threshold_key <= threshold_hit.side_key
    -- first spell on the other side where it passes window - threshold
    asof left join spell_ends as other_hit
        on
            targets.other_side_id = other_hit.side_id
            and targets.other_limit_key <= other_hit.side_key
),

searched as (
    select
        sided.*,
        hits.threshold_hit_seq,
        case when sided.is_arrival then hits.threshold_hit_out_days else hits.threshold_hit_in_days end
        - sided.other_side_before as other_side_at_threshold,
        hits.other_hit_seq,
        case when sided.is_arrival then hits.other_hit_in_days else hits.other_hit_out_days end
        - sided.migration_side_before as migration_side_at_other_limit
    from sided
    inner join hits
        on sided.crossing_row = hits.crossing_row
),

outcomes as (
    select
        searched.*,
        case
            when
                searched.threshold_hit_seq is not null
                and (searched.other_hit_seq is null or searched.threshold_hit_seq < searched.other_hit_seq)
                then 'threshold_reached'
            when searched.other_hit_seq is not null then 'other_side_exceeded'
            when searched.horizon_death_date is not null then 'death'
            else 'single_crossing_elapsed'
        end as test_outcome
    from searched
),

test_results as (
    select
        outcomes.*,
        outcomes.test_outcome = 'threshold_reached' as would_migrate,
        case outcomes.test_outcome
            when 'threshold_reached' then {{ threshold_days }}
            when 'other_side_exceeded' then outcomes.migration_side_at_other_limit
            else outcomes.migration_side_total - outcomes.migration_side_before
        end as test_days_migration_side,
        case outcomes.test_outcome
            when 'threshold_reached' then outcomes.other_side_at_threshold
            when 'other_side_exceeded' then {{ other_side_days + 1 }}
            else outcomes.other_side_total - outcomes.other_side_before
        end as test_days_other_side,
        case outcomes.test_outcome
            when 'threshold_reached'
                then
                    outcomes.crossing_date
                    + cast({{ threshold_days }} + outcomes.other_side_at_threshold as integer)
            when 'other_side_exceeded'
                then
                    outcomes.crossing_date
                    + cast({{ other_side_days }} + outcomes.migration_side_at_other_limit as integer)
            when 'death' then greatest(outcomes.horizon_death_date, outcomes.crossing_date)
            else outcomes.crossing_date + {{ threshold_days }}
        end as test_resolved_date
    from outcomes
),

states as (
    -- the status after crossing i is the status implied by the latest
    -- crossing j <= i whose test succeeds, else the status at the start.
    -- The windows here and in `resolved` carry every column of the tests
    -- along rather than joining them back: a CTE read twice is
    -- materialised, and at national scale that copy and the join cost
    -- more than sorting wider rows (docs/choices.md)
    select
        test_results.*,
        coalesce(
            last_value(
                case when test_results.would_migrate then test_results.is_arrival end ignore nulls
            ) over person_running,
            test_results.is_resident_at_start
        ) as is_resident_after,
        coalesce(
            last_value(
                case when test_results.would_migrate then test_results.is_arrival end ignore nulls
            ) over person_before,
            test_results.is_resident_at_start
        ) as is_resident_before
    from test_results
    window
        person_running as (
            partition by test_results.person_id
            order by test_results.crossing_seq
            rows between unbounded preceding and current row
        ),
        person_before as (
            partition by test_results.person_id
            order by test_results.crossing_seq
            rows between unbounded preceding and 1 preceding
        )
),

directed as (
    select
        states.*,
        states.is_arrival <> states.is_resident_before as is_migration_direction
    from states
),

resolved as (
    select
        directed.*,
        directed.is_migration_direction and directed.would_migrate as is_migration,
        -- a crossing is certain no earlier than the status before it
        max(
            case
                when directed.is_migration_direction then directed.test_resolved_date else
                    directed.crossing_date
            end
        ) over person_running as resolved_date,
        max(
            case
                when directed.is_migration_direction then directed.test_resolved_date else
                    directed.crossing_date
            end
        ) over person_before as status_before_resolved_date
    from directed
    window
        person_running as (
            partition by directed.person_id
            order by directed.crossing_seq
            rows between unbounded preceding and current row
        ),
        person_before as (
            partition by directed.person_id
            order by directed.crossing_seq
            rows between unbounded preceding and 1 preceding
        )
),

final as (
    select
        crossing_details.crossing_id,
        crossing_details.person_key,
        crossing_details.direction,
        crossing_details.crossing_date,
        resolved.is_resident_before,
        resolved.is_resident_after,
        resolved.is_migration,
        resolved.resolved_date,
        crossing_details.is_repaired,
        -- audit
        crossing_details.crossing_time,
        cast(resolved.crossing_seq as integer) as crossing_seq,
        crossing_details.is_citizen,
        crossing_details.visa_type,
        resolved.is_resident_at_start,
        resolved.is_migration_direction,
        case
            when resolved.is_migration_direction then resolved.test_outcome
            else 'not_migration_direction'
        end as resolution_rule,
        case
            when resolved.is_migration_direction then cast(resolved.test_days_migration_side as integer)
        end as days_on_migration_side,
        case
            when resolved.is_migration_direction then cast(resolved.test_days_other_side as integer)
        end as days_on_other_side,
        greatest(
            coalesce(resolved.status_before_resolved_date, resolved.crossing_date), resolved.crossing_date
        ) as status_before_resolved_date,
        -- what crossing_classification needs for the days on the migration
        -- side observed by the cut-off: the test's days, the days in the
        -- closed spells after the crossing, and the open spell after the
        -- person's last crossing when it is on this crossing's side
        cast(resolved.test_days_migration_side as integer) as test_days_on_migration_side,
        cast(
            case when resolved.is_arrival then persons.closed_in_days else persons.closed_out_days end
            - resolved.migration_side_before as integer
        ) as days_on_migration_side_in_closed_spells,
        case
            when resolved.is_arrival = (persons.last_direction = 'ARR') then persons.last_crossing_date
        end as open_spell_start_date,
        persons.known_death_date,
        persons.input_fingerprint
    from resolved
    inner join persons
        on resolved.person_id = persons.person_id
    inner join crossing_details
        on
            persons.person_key = crossing_details.person_key
            and resolved.crossing_order = crossing_details.crossing_order
)

select * from final
