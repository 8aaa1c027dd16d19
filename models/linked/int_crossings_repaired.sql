-- Every person's crossings in time order with broken sequences repaired
-- and lost last departures imputed (doc: residence_repair_rule).
--
-- Between two crossings in the same direction the lost crossing is placed
-- where it distorts least: for a traveller on a residence-type footing
-- (macro residence_footing) the trip abroad it stands for is the typical
-- resident trip (a lost departure shortly before the second arrival, a
-- lost arrival shortly after the first departure); for a visitor the stay
-- it stands for is the declared intended stay or the typical visitor stay
-- (a lost departure shortly after the first arrival, a lost arrival
-- shortly before the second departure). A citizen whose first arrival
-- ended a year or more abroad (or came a year or more after the start of
-- observation, with nothing before it) is no usual resident on it by the
-- rule itself, so a departure lost after it ends a visit, not a trip: a
-- visitor footing (macro residence_arrives_not_resident). Typical durations come from
-- int_typical_durations. A repair always falls strictly between its two
-- neighbours. Inserted rows: `REPAIR-DEP-<id before>` / `REPAIR-ARR-<id
-- before>`.
--
-- After the last crossing: a visitor whose last crossing is an arrival
-- more than `visitor_max_stay_days` before the vintage, and a foreign
-- worker whose last crossing is an arrival and whose every work permit
-- ended more than `permit_grace_days` before the vintage, get an imputed
-- departure `REPAIR-DEP-<id of the arrival>`.
--
-- Before the first crossing (the mirror): a visitor whose first crossing
-- is a departure more than `visitor_max_stay_days` after the start of
-- observation, and a foreign worker whose first crossing is a departure
-- and whose unbroken run of work permits covering it began after the
-- start of observation, get an imputed arrival `REPAIR-ARR-START-<id of
-- the departure>`. A foreign worker whose first crossing is an arrival
-- more than window - threshold days after the start of observation, and
-- whose unbroken run of work permits covers both the start and that
-- arrival, was present at the start: the departure before the arrival
-- was lost and is imputed a typical resident trip before it
-- (`REPAIR-DEP-START-<id of the arrival>`). Runs of permits: permits
-- overlapping, or issued within `permit_grace_days` of the end of the
-- previous one.
{#- Incremental per person (doc: repaired_crossings_incremental): a run
    writes again only the persons whose input fingerprint is new or
    differs; the post-hook drops the persons no longer with crossings. #}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='person_key',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}"
        ~ "delete from {{ this }} where person_key not in"
        ~ " (select person_key from {{ ref('int_person_crossings') }})"
        ~ "{% endif %}",
) }}
{%- set visitor_max_stay_days = var('visitor_max_stay_days', 90) | int %}
{%- set permit_grace_days = var('permit_grace_days', 60) | int %}
{%- set staying_reasons = var('permit_end_reasons_staying', []) %}
{%- set other_side_days = var('residence_window_days') | int - var('residence_threshold_days') | int %}

with

parameters as (
    select
        {{ residence_vintage(ref('int_person_crossings')) }} as vintage,
        {{ observation_start_date() }} as observation_start_date
),

-- what every person's rows are made from, as one number: the person's
-- crossings (their own fingerprint in int_person_crossings), the columns
-- read here from their work permits, the typical durations, and what the
-- cut-off decides, as yes / no (so that a person is written again on the
-- day one of them turns, not every day)
person_inputs as (
    select
        person_key,
        any_value(input_fingerprint) as crossings_fingerprint,
        min(crossing_date) as first_crossing_date,
        max(crossing_date) as last_crossing_date
    from {{ ref('int_person_crossings') }}
    group by person_key
),

permit_inputs as (
    select
        person_key,
        count(*) as permit_rows,
        sum(hash(work_permit_number, valid_from, valid_to, cancellation_reason)) as permit_rows_hash,
        max(valid_to) filter (where valid_from is not null) as last_permit_end
    from {{ ref('int_work_permit_validity') }}
    group by person_key
),

typical_durations_input as (
    select hash(count(*), sum(hash(duration_kind, duration_group, median_days))) as typical_durations_hash
    from {{ ref('int_typical_durations') }}
),

current_fingerprints as (
    select
        person_inputs.person_key,
        hash(
            person_inputs.crossings_fingerprint,
            coalesce(permit_inputs.permit_rows, 0),
            permit_inputs.permit_rows_hash,
            typical_durations_input.typical_durations_hash,
            parameters.observation_start_date,
            person_inputs.first_crossing_date <= parameters.vintage,
            person_inputs.last_crossing_date <= parameters.vintage,
            parameters.vintage - person_inputs.last_crossing_date > {{ visitor_max_stay_days }},
            parameters.vintage - permit_inputs.last_permit_end > {{ permit_grace_days }},
            '{{ visitor_max_stay_days }} {{ permit_grace_days }} {{ other_side_days }} '
            || '{{ staying_reasons | join(",") }}'
        ) as input_fingerprint
    from person_inputs
    cross join parameters
    cross join typical_durations_input
    left join permit_inputs
        on person_inputs.person_key = permit_inputs.person_key
),

{% if is_incremental() %}
affected_persons as (
    {{ persons_whose_fingerprint_changed('current_fingerprints') }}
),

{% endif %}
crossings as (
    select * from {{ ref('int_person_crossings') }}
    {%- if is_incremental() %}
        where person_key in (select affected_persons.person_key from affected_persons)
    {%- endif %}
),

typical_durations as (
    select * from {{ ref('int_typical_durations') }}
),

permits as (
    select * from {{ ref('int_work_permit_validity') }}
    {%- if is_incremental() %}
        where person_key in (select affected_persons.person_key from affected_persons)
    {%- endif %}
),

sequenced as (
    select
        crossings.person_key,
        crossings.crossing_id,
        crossings.direction,
        crossings.crossing_time,
        crossings.crossing_date,
        crossings.is_citizen,
        crossings.visa_type,
        crossings.has_valid_work_permit,
        crossings.intended_stay_days,
        crossings.death_date,
        row_number() over person_order as original_seq,
        -- an arrival the rule itself makes a non-resident's (a year abroad
        -- before it): a citizen is then on a visitor footing
        {{ residence_arrives_not_resident(
            'crossings.direction', 'crossings.crossing_date',
            'lag(crossings.direction) over person_order', 'lag(crossings.crossing_date) over person_order',
            'parameters.observation_start_date'
        ) }} as arrives_not_resident,
        lead(crossings.direction) over person_order as next_direction,
        lead(crossings.crossing_time) over person_order as next_crossing_time,
        lead(crossings.crossing_date) over person_order as next_crossing_date,
        lead(crossings.visa_type) over person_order as next_visa_type,
        lead(crossings.has_valid_work_permit) over person_order as next_has_valid_work_permit
    from crossings
    cross join parameters
    window person_order as (
        partition by crossings.person_key
        order by crossings.crossing_time, crossings.crossing_id
    )
),

originals as (
    select
        sequenced.person_key,
        sequenced.crossing_id,
        sequenced.direction,
        sequenced.crossing_time,
        sequenced.crossing_date,
        sequenced.is_citizen,
        sequenced.visa_type,
        sequenced.has_valid_work_permit,
        sequenced.death_date,
        sequenced.original_seq * 2 as crossing_order,
        false as is_repaired,
        cast(null as varchar) as repair_kind,
        cast(null as varchar) as repair_basis,
        cast(null as varchar) as repaired_after_crossing_id
    from sequenced
),

-- two crossings in a row in the same direction; the footing and the group
-- are those of the stay (or trip) the lost crossing ended (a lost
-- departure: the first arrival) or began (a lost arrival: the second
-- departure)
broken_pairs as (
    select
        sequenced.person_key,
        sequenced.crossing_id,
        sequenced.direction,
        sequenced.crossing_time,
        sequenced.crossing_date,
        sequenced.next_crossing_time,
        sequenced.next_crossing_date,
        sequenced.is_citizen,
        sequenced.death_date,
        sequenced.original_seq,
        case
            when sequenced.direction = 'ARR' then sequenced.visa_type
            else sequenced.next_visa_type
        end as stay_visa_type,
        case
            when sequenced.direction = 'ARR'
                then {{ residence_footing('sequenced.is_citizen', 'sequenced.visa_type',
                    'sequenced.has_valid_work_permit', 'sequenced.arrives_not_resident') }}
            else {{ residence_footing('sequenced.is_citizen', 'sequenced.next_visa_type',
                'sequenced.next_has_valid_work_permit') }}
        end as is_residence_footing,
        -- the declared stay of the arrival a lost departure ends
        case when sequenced.direction = 'ARR' then sequenced.intended_stay_days end as declared_stay_days,
        -- half-way between the two crossings
        make_timestamp(
            cast((epoch_us(sequenced.crossing_time) + epoch_us(sequenced.next_crossing_time)) / 2 as bigint)
        ) as midpoint_time
    from sequenced
    where sequenced.next_direction = sequenced.direction
),

broken_pairs_typed as (
    select
        broken_pairs.*,
        case
            when broken_pairs.is_residence_footing then 'resident_trip' else 'visitor_stay'
        end as duration_kind,
        {{ residence_duration_group('broken_pairs.is_citizen', 'broken_pairs.stay_visa_type') }}
            as duration_group
    from broken_pairs
),

broken_pairs_timed as (
    select
        broken_pairs_typed.*,
        case
            when
                not broken_pairs_typed.is_residence_footing
                and broken_pairs_typed.declared_stay_days is not null
                then broken_pairs_typed.declared_stay_days
            else coalesce(group_typical.median_days, overall_typical.median_days)
        end as typical_days,
        case
            when
                not broken_pairs_typed.is_residence_footing
                and broken_pairs_typed.declared_stay_days is not null
                then 'declared_stay'
            when group_typical.median_days is not null
                then broken_pairs_typed.duration_kind || ':' || broken_pairs_typed.duration_group
            when overall_typical.median_days is not null
                then broken_pairs_typed.duration_kind || ':_T'
            else 'midpoint'
        end as repair_basis
    from broken_pairs_typed
    left join typical_durations as group_typical
        on
            broken_pairs_typed.duration_kind = group_typical.duration_kind
            and broken_pairs_typed.duration_group = group_typical.duration_group
    left join typical_durations as overall_typical
        on
            broken_pairs_typed.duration_kind = overall_typical.duration_kind
            and overall_typical.duration_group = '_T'
),

broken_pairs_placed as (
    select
        broken_pairs_timed.*,
        -- the date the typical duration points to: the lost crossing ends
        -- (or begins) a spell of typical_days on the side it stands for
        case
            -- lost departure of a resident: a typical trip before the 2nd arrival
            when broken_pairs_timed.direction = 'ARR' and broken_pairs_timed.is_residence_footing
                then broken_pairs_timed.next_crossing_date - broken_pairs_timed.typical_days
            -- lost departure of a visitor: a typical stay after the 1st arrival
            when broken_pairs_timed.direction = 'ARR'
                then broken_pairs_timed.crossing_date + broken_pairs_timed.typical_days
            -- lost arrival of a resident: a typical trip after the 1st departure
            when broken_pairs_timed.is_residence_footing
                then broken_pairs_timed.crossing_date + broken_pairs_timed.typical_days
            -- lost arrival of a visitor: a typical stay before the 2nd departure
            else broken_pairs_timed.next_crossing_date - broken_pairs_timed.typical_days
        end as target_date
    from broken_pairs_timed
),

repairs as (
    select
        broken_pairs_placed.person_key,
        'REPAIR-'
        || case when broken_pairs_placed.direction = 'ARR' then 'DEP' else 'ARR' end
        || '-' || broken_pairs_placed.crossing_id as crossing_id,
        case when broken_pairs_placed.direction = 'ARR' then 'DEP' else 'ARR' end as direction,
        case
            -- at 00:00 of the target date, kept strictly inside the gap:
            -- no earlier than the day after the first crossing, no later
            -- than the day before the second
            when
                broken_pairs_placed.target_date is not null
                and broken_pairs_placed.next_crossing_date - broken_pairs_placed.crossing_date >= 2
                then cast(
                    greatest(
                        broken_pairs_placed.crossing_date + 1,
                        least(broken_pairs_placed.target_date, broken_pairs_placed.next_crossing_date - 1)
                    ) as timestamp
                )
            -- the two crossings are less than two days apart (or no
            -- typical duration is known): half-way between them
            else broken_pairs_placed.midpoint_time
        end as crossing_time,
        broken_pairs_placed.is_citizen,
        broken_pairs_placed.stay_visa_type as visa_type,
        broken_pairs_placed.death_date,
        broken_pairs_placed.original_seq * 2 + 1 as crossing_order,
        case
            when broken_pairs_placed.direction = 'ARR' then 'missing_departure'
            else 'missing_arrival'
        end as repair_kind,
        case
            when
                broken_pairs_placed.target_date is not null
                and broken_pairs_placed.next_crossing_date - broken_pairs_placed.crossing_date >= 2
                then broken_pairs_placed.repair_basis
            else 'midpoint'
        end as repair_basis,
        broken_pairs_placed.crossing_id as repaired_after_crossing_id,
        cast(null as boolean) as has_valid_work_permit
    from broken_pairs_placed
),

-- ---- after the last crossing ----

permit_summary as (
    select
        permits.person_key,
        max(permits.valid_to) as last_permit_end,
        min(permits.valid_from) as first_permit_start,
        bool_or(
            permits.valid_to is null
            {%- if staying_reasons | length > 0 %}
            or coalesce(permits.cancellation_reason in (
                {%- for reason in staying_reasons %}'{{ reason }}'{{ ", " if not loop.last }}{% endfor -%}
            ), false)
            {%- endif %}
        ) as has_open_or_staying_permit
    from permits
    where permits.valid_from is not null
    group by permits.person_key
),

-- unbroken runs of a person's work permits: overlapping, or the next
-- issued within permit_grace_days of the end of the previous
permits_dated as (
    select
        permits.person_key,
        permits.work_permit_number,
        permits.valid_from,
        coalesce(permits.valid_to, date '9999-12-31') as valid_to
    from permits
    where permits.valid_from is not null
),

permit_run_ids as (
    {{ numbered_permit_runs('permits_dated', 'valid_from', 'valid_to', permit_grace_days) }}
),

permit_runs as (
    select
        permit_run_ids.person_key,
        permit_run_ids.run_id,
        min(permit_run_ids.valid_from) as run_from,
        max(permit_run_ids.valid_to) as run_to
    from permit_run_ids
    group by permit_run_ids.person_key, permit_run_ids.run_id
),

last_arrivals as (
    select
        sequenced.*,
        {{ residence_footing(
            'sequenced.is_citizen', 'sequenced.visa_type', 'sequenced.has_valid_work_permit'
        ) }}
            as is_residence_footing,
        {{ residence_duration_group('sequenced.is_citizen', 'sequenced.visa_type') }} as duration_group,
        permit_summary.last_permit_end,
        coalesce(permit_summary.has_open_or_staying_permit, false) as has_open_or_staying_permit,
        -- a permit valid on or after the day of arrival
        coalesce(permit_summary.last_permit_end >= sequenced.crossing_date, false)
        or coalesce(permit_summary.has_open_or_staying_permit, false) as has_permit_after_arrival,
        parameters.vintage
    from sequenced
    cross join parameters
    left join permit_summary
        on sequenced.person_key = permit_summary.person_key
    where
        sequenced.next_direction is null
        and sequenced.direction = 'ARR'
        and sequenced.crossing_date <= parameters.vintage
        and not coalesce(sequenced.is_citizen, false)
        and coalesce(sequenced.visa_type, '') <> 'CITIZEN'
),

visitor_imputations as (
    select
        last_arrivals.*,
        least(
            greatest(
                1,
                coalesce(
                    last_arrivals.intended_stay_days,
                    group_typical.median_days,
                    overall_typical.median_days,
                    {{ visitor_max_stay_days }}
                )
            ),
            {{ visitor_max_stay_days }}
        ) as stay_days,
        case
            when last_arrivals.intended_stay_days is not null then 'declared_stay'
            when group_typical.median_days is not null then 'visitor_stay:' || last_arrivals.duration_group
            when overall_typical.median_days is not null then 'visitor_stay:_T'
            else 'visitor_max_stay'
        end as repair_basis
    from last_arrivals
    left join typical_durations as group_typical
        on
            group_typical.duration_kind = 'visitor_stay'
            and last_arrivals.duration_group = group_typical.duration_group
    left join typical_durations as overall_typical
        on
            overall_typical.duration_kind = 'visitor_stay'
            and overall_typical.duration_group = '_T'
    where
        not last_arrivals.is_residence_footing
        and not last_arrivals.has_permit_after_arrival
        and last_arrivals.vintage - last_arrivals.crossing_date > {{ visitor_max_stay_days }}
),

permit_imputations as (
    select last_arrivals.*
    from last_arrivals
    where
        last_arrivals.last_permit_end is not null
        and not last_arrivals.has_open_or_staying_permit
        -- the arrival is the last sign of presence and fell while a permit ran
        and last_arrivals.crossing_date <= last_arrivals.last_permit_end
        and last_arrivals.vintage - last_arrivals.last_permit_end > {{ permit_grace_days }}
),

imputations as (
    select
        visitor_imputations.person_key,
        visitor_imputations.crossing_id,
        cast(visitor_imputations.crossing_date + cast(visitor_imputations.stay_days as integer) as timestamp)
            as imputed_time,
        visitor_imputations.is_citizen,
        visitor_imputations.visa_type,
        visitor_imputations.death_date,
        visitor_imputations.original_seq,
        'imputed_departure_visitor' as repair_kind,
        visitor_imputations.repair_basis
    from visitor_imputations
    union all
    select
        permit_imputations.person_key,
        permit_imputations.crossing_id,
        -- the day after the last day of the last permit
        cast(permit_imputations.last_permit_end + 1 as timestamp) as imputed_time,
        permit_imputations.is_citizen,
        permit_imputations.visa_type,
        permit_imputations.death_date,
        permit_imputations.original_seq,
        'imputed_departure_permit_ended' as repair_kind,
        'work_permit_end' as repair_basis
    from permit_imputations
),

imputed as (
    select
        imputations.person_key,
        'REPAIR-DEP-' || imputations.crossing_id as crossing_id,
        'DEP' as direction,
        imputations.imputed_time as crossing_time,
        imputations.is_citizen,
        imputations.visa_type,
        imputations.death_date,
        imputations.original_seq * 2 + 1 as crossing_order,
        imputations.repair_kind,
        imputations.repair_basis,
        imputations.crossing_id as repaired_after_crossing_id,
        cast(null as boolean) as has_valid_work_permit
    from imputations
),

-- ---- before the first crossing ----

first_departures as (
    select
        sequenced.*,
        {{ residence_footing(
            'sequenced.is_citizen', 'sequenced.visa_type', 'sequenced.has_valid_work_permit'
        ) }}
            as is_residence_footing,
        {{ residence_duration_group('sequenced.is_citizen', 'sequenced.visa_type') }} as duration_group,
        -- the start of the run of work permits covering the departure
        covering_run.run_from as covering_permit_start,
        parameters.observation_start_date
    from sequenced
    cross join parameters
    left join permit_runs as covering_run
        on
            sequenced.person_key = covering_run.person_key
            and sequenced.crossing_date between covering_run.run_from
            and covering_run.run_to + {{ permit_grace_days }}
    where
        sequenced.original_seq = 1
        and sequenced.direction = 'DEP'
        and sequenced.crossing_date <= parameters.vintage
        and not coalesce(sequenced.is_citizen, false)
        and coalesce(sequenced.visa_type, '') <> 'CITIZEN'
),

start_imputations as (
    -- a visitor: arrived a typical stay before the departure
    select
        first_departures.person_key,
        first_departures.crossing_id,
        cast(
            first_departures.crossing_date
            - cast(
                least(
                    greatest(1, coalesce(group_typical.median_days, overall_typical.median_days, 1)),
                    {{ visitor_max_stay_days }}
                ) as integer
            ) as timestamp
        ) as imputed_time,
        first_departures.is_citizen,
        first_departures.visa_type,
        first_departures.death_date,
        'imputed_arrival_visitor' as repair_kind,
        case
            when group_typical.median_days is not null then 'visitor_stay:' || first_departures.duration_group
            when overall_typical.median_days is not null then 'visitor_stay:_T'
            else 'one_day'
        end as repair_basis
    from first_departures
    left join typical_durations as group_typical
        on
            group_typical.duration_kind = 'visitor_stay'
            and first_departures.duration_group = group_typical.duration_group
    left join typical_durations as overall_typical
        on
            overall_typical.duration_kind = 'visitor_stay'
            and overall_typical.duration_group = '_T'
    where
        not first_departures.is_residence_footing
        -- no run of work permits covers the departure
        and first_departures.covering_permit_start is null
        and first_departures.crossing_date - first_departures.observation_start_date
        > {{ visitor_max_stay_days }}
    union all
    -- a worker whose run of permits covering the departure began after
    -- the start of observation: arrived when that run began
    select
        first_departures.person_key,
        first_departures.crossing_id,
        cast(first_departures.covering_permit_start as timestamp) as imputed_time,
        first_departures.is_citizen,
        first_departures.visa_type,
        first_departures.death_date,
        'imputed_arrival_permit_start' as repair_kind,
        'work_permit_start' as repair_basis
    from first_departures
    where
        first_departures.covering_permit_start > first_departures.observation_start_date
        and first_departures.covering_permit_start < first_departures.crossing_date
),

imputed_start as (
    select
        start_imputations.person_key,
        'REPAIR-ARR-START-' || start_imputations.crossing_id as crossing_id,
        'ARR' as direction,
        start_imputations.imputed_time as crossing_time,
        start_imputations.is_citizen,
        start_imputations.visa_type,
        start_imputations.death_date,
        -- before the first delivered crossing (order 2)
        1 as crossing_order,
        start_imputations.repair_kind,
        start_imputations.repair_basis,
        cast(null as varchar) as repaired_after_crossing_id,
        cast(null as boolean) as has_valid_work_permit
    from start_imputations
),

-- a worker present at the start: permits unbroken from before the start
-- of observation to a first arrival that came too late to end a trip
-- abroad under way at the start
first_arrivals as (
    select
        sequenced.*,
        {{ residence_duration_group('sequenced.is_citizen', 'sequenced.visa_type') }} as duration_group,
        parameters.observation_start_date
    from sequenced
    cross join parameters
    inner join permit_runs as covering_run
        on
            sequenced.person_key = covering_run.person_key
            and parameters.observation_start_date >= covering_run.run_from
            and sequenced.crossing_date <= covering_run.run_to + {{ permit_grace_days }}
    where
        sequenced.original_seq = 1
        and sequenced.direction = 'ARR'
        and sequenced.crossing_date <= parameters.vintage
        and not coalesce(sequenced.is_citizen, false)
        and coalesce(sequenced.visa_type, '') <> 'CITIZEN'
        and sequenced.crossing_date - parameters.observation_start_date > {{ other_side_days }}
),

imputed_start_departures as (
    select
        first_arrivals.person_key,
        'REPAIR-DEP-START-' || first_arrivals.crossing_id as crossing_id,
        'DEP' as direction,
        -- a typical resident trip before the arrival, inside the period
        cast(
            greatest(
                first_arrivals.observation_start_date,
                least(
                    first_arrivals.crossing_date
                    - cast(
                        coalesce(group_typical.median_days, overall_typical.median_days, 1) as integer
                    ),
                    first_arrivals.crossing_date - 1
                )
            ) as timestamp
        ) as crossing_time,
        first_arrivals.is_citizen,
        first_arrivals.visa_type,
        first_arrivals.death_date,
        -- before the first delivered crossing (order 2)
        1 as crossing_order,
        'imputed_departure_permit_present' as repair_kind,
        case
            when group_typical.median_days is not null then 'resident_trip:' || first_arrivals.duration_group
            when overall_typical.median_days is not null then 'resident_trip:_T'
            else 'one_day'
        end as repair_basis,
        cast(null as varchar) as repaired_after_crossing_id,
        -- the run of permits covers it
        true as has_valid_work_permit
    from first_arrivals
    left join typical_durations as group_typical
        on
            group_typical.duration_kind = 'resident_trip'
            and first_arrivals.duration_group = group_typical.duration_group
    left join typical_durations as overall_typical
        on
            overall_typical.duration_kind = 'resident_trip'
            and overall_typical.duration_group = '_T'
),

inserted as (
    select * from repairs
    union all
    select * from imputed
    union all
    select * from imputed_start
    union all
    select * from imputed_start_departures
),

inserted_dated as (
    select
        inserted.person_key,
        inserted.crossing_id,
        inserted.direction,
        inserted.crossing_time,
        cast(inserted.crossing_time as date) as crossing_date,
        inserted.is_citizen,
        inserted.visa_type,
        inserted.has_valid_work_permit,
        inserted.death_date,
        inserted.crossing_order,
        true as is_repaired,
        inserted.repair_kind,
        inserted.repair_basis,
        inserted.repaired_after_crossing_id
    from inserted
),

repaired as (
    select * from originals
    union all
    select * from inserted_dated
),

final as (
    select
        repaired.*,
        current_fingerprints.input_fingerprint
    from repaired
    inner join current_fingerprints
        on repaired.person_key = current_fingerprints.person_key
)

select * from final
