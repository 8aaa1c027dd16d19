-- Who counts in the stocks on each reference date, one row per person and
-- date with the weight of "usual resident on that date": 1 or 0 where
-- the residence rule's verdicts up to that date are final; the expected
-- value where the person's status rests on provisional crossings (those in
-- the migration direction up to that date, each with p the expected share
-- of migrations). The stocks that also need an emigration or a return
-- (CIT_ABROAD, RET_STOCK) get their own expected weights from the same p,
-- not the rule's assumed 0/1 verdicts. A citizen whose first observed
-- crossing is a late arrival (int_late_first_arrivals) may have been in the
-- country all along, first departure unrecorded: before that arrival they
-- count as resident with that chance, after it as returned with the other.
-- Or they emigrated in the period, that departure unrecorded: from the
-- assumed emigration date they count as abroad having emigrated with that
-- chance (and as resident before it).
-- A citizen abroad by a recorded emigration also stands for the citizens
-- whose emigration went unrecorded and whom the rule keeps resident
-- (unrecorded_emigrant_weight), and once back, for those of them who
-- returned (unrecorded_returned_weight; doc unrecorded_emigrations).
--
-- Built after int_flow_events, never beside it: at national scale each
-- fills the memory cap, and side by side they spilled and took 2.7 times
-- as long (scale 1.0: 21 s and 23 s one after the other, 58 s and 61 s
-- together).
-- depends_on: {{ ref('int_flow_events') }}
with

reference_dates as (
    select * from {{ ref('int_statistics_reference_dates') }}
),

residence_periods as (
    select * from {{ ref('int_residence_periods') }}
),

classification as (
    select * from {{ ref('crossing_classification') }}
),

expectations as (
    select * from {{ ref('int_provisional_expectations') }}
),

persons as (
    select * from {{ ref('int_persons') }}
),

late_first_arrivals as (
    select * from {{ ref('int_late_first_arrivals') }}
),

unrecorded_departure_rates as (
    select * from {{ ref('int_unrecorded_departure_rate') }}
),

parameters as (
    select
        {{ observation_start_date() }} as observation_start_date,
        coalesce(
            (
                select any_value(lost_per_recorded_departure)
                from unrecorded_departure_rates
                where is_citizen
            ),
            0
        ) as lost_per_recorded_departure
),

resident_by_periods as (
    select distinct
        reference_dates.reference_date,
        residence_periods.person_key
    from residence_periods
    inner join reference_dates
        on
            residence_periods.resident_from <= reference_dates.reference_date
            and (
                residence_periods.resident_to is null
                or residence_periods.resident_to > reference_dates.reference_date
            )
),

provisional_crossings as (
    -- the crossings in the migration direction whose verdict is provisional,
    -- with the expected share of migrations. After a person's first
    -- provisional crossing every later one is provisional too (resolution
    -- dates are a running maximum), and its status before is final.
    select
        classification.person_key,
        classification.crossing_seq,
        classification.direction,
        classification.crossing_date,
        classification.is_resident_before,
        coalesce(expectations.expected_migration, classification.is_migration::double)
            as expected_migration
    from classification
    left join expectations
        on classification.crossing_id = expectations.crossing_id
    where
        not classification.is_final
        and (
            (classification.direction = 'ARR' and not classification.is_resident_before)
            or (classification.direction = 'DEP' and classification.is_resident_before)
        )
),

provisional_chains as (
    -- the provisional crossings up to each date, in order. The status on
    -- the date is set by the latest of them that is a migration (an
    -- arrival makes a resident, a departure a non-resident), so each counts
    -- with its expected share times the chance that none after it is one.
    -- Weighting only the latest (the rule's assumed path) made a citizen
    -- whose uncertain emigration was followed by a return count as abroad
    -- with the return's small weight: the stock chained two verdicts.
    select
        reference_dates.reference_date,
        provisional_crossings.person_key,
        provisional_crossings.direction,
        provisional_crossings.expected_migration,
        first_value(provisional_crossings.is_resident_before) over chain as is_resident_at_start,
        coalesce(product(1 - provisional_crossings.expected_migration) over later_in_chain, 1)
            as later_none_share
    from provisional_crossings
    inner join reference_dates
        on provisional_crossings.crossing_date <= reference_dates.reference_date
    window
        chain as (
            partition by reference_dates.reference_date, provisional_crossings.person_key
            order by provisional_crossings.crossing_seq
            rows between unbounded preceding and unbounded following
        ),
        later_in_chain as (
            partition by reference_dates.reference_date, provisional_crossings.person_key
            order by provisional_crossings.crossing_seq
            rows between 1 following and unbounded following
        )
),

provisional_states as (
    -- per person and date: the status before the chain (final), the
    -- expected share resident, and the shares with no immigration or no
    -- emigration in the chain (for the stocks that need one)
    select
        reference_date,
        person_key,
        any_value(is_resident_at_start) as is_resident_at_start,
        any_value(is_resident_at_start)::int * product(1 - expected_migration)
        + sum(
            case when direction = 'ARR' then expected_migration * later_none_share else 0 end
        ) as resident_weight,
        product(case when direction = 'ARR' then 1 - expected_migration else 1 end)
            as no_immigration_share,
        product(case when direction = 'DEP' then 1 - expected_migration else 1 end)
            as no_emigration_share,
        bool_or(direction = 'DEP' and expected_migration > 0) as may_have_emigrated,
        bool_or(direction = 'ARR' and expected_migration > 0) as may_have_returned
    from provisional_chains
    group by reference_date, person_key
),

final_citizen_migrations as (
    -- citizens who emigrated, or became usual residents again by an
    -- immigration, during the observation period, up to each date, by a
    -- final verdict (a provisional one is in provisional_states)
    select
        reference_dates.reference_date,
        classification.person_key,
        bool_or(classification.direction = 'DEP') as has_emigrated,
        bool_or(classification.direction = 'ARR') as has_returned,
        count(*) filter (where classification.direction = 'ARR') as final_return_count
    from classification
    inner join persons
        on classification.person_key = persons.person_key
    inner join reference_dates
        on classification.crossing_date <= reference_dates.reference_date
    cross join parameters
    where
        classification.crossing_date >= parameters.observation_start_date
        and classification.is_migration
        and classification.is_final
        and persons.is_citizen
    group by reference_dates.reference_date, classification.person_key
),

first_emigrations_before_a_return as (
    -- citizens whose first observed crossing is an emigration followed by
    -- an arrival: they stand for the unrecorded emigrations before a late
    -- first arrival (int_late_first_arrivals), not for those below
    -- (crossing_seq starts at 0 or 1, so the first two rows are in it)
    select person_key
    from classification
    where crossing_seq <= 2 and is_citizen
    group by person_key
    having
        arg_min(direction, crossing_seq) = 'DEP'
        and arg_min(is_migration, crossing_seq)
        and count(*) >= 2
),

before_late_first_arrival as (
    select
        reference_dates.reference_date,
        late_first_arrivals.person_key,
        1 - late_first_arrivals.abroad_at_start_share
        + case
            when reference_dates.reference_date < late_first_arrivals.assumed_emigration_date
                then coalesce(late_first_arrivals.emigrated_in_period_share, 0)
            else 0
        end as resident_weight,
        case
            when reference_dates.reference_date >= late_first_arrivals.assumed_emigration_date
                then coalesce(late_first_arrivals.emigrated_in_period_share, 0)
            else 0
        end as emigrated_abroad_weight
    from late_first_arrivals
    inner join persons
        on late_first_arrivals.person_key = persons.person_key
    -- reference dates are never before the start of observation
    inner join reference_dates
        on late_first_arrivals.crossing_date > reference_dates.reference_date
    where
        (late_first_arrivals.abroad_at_start_share < 1 or late_first_arrivals.emigrated_in_period_share > 0)
        -- no one is a usual resident before birth
        and (persons.birth_date is null or persons.birth_date <= reference_dates.reference_date)
),

candidates as (
    select
        reference_date,
        person_key
    from resident_by_periods
    union
    select
        reference_date,
        person_key
    from provisional_states
    union
    select
        reference_date,
        person_key
    from final_citizen_migrations
    where has_emigrated
    union
    select
        reference_date,
        person_key
    from before_late_first_arrival
    union
    -- after the arrival, abroad again having (perhaps) emigrated
    select
        reference_dates.reference_date,
        late_first_arrivals.person_key
    from late_first_arrivals
    inner join reference_dates
        on late_first_arrivals.crossing_date <= reference_dates.reference_date
    where late_first_arrivals.emigrated_in_period_share > 0
),

joined as (
    select
        candidates.reference_date,
        candidates.person_key,
        provisional_states.person_key is not null as is_provisional,
        -- the status before any provisional crossing: final
        coalesce(
            provisional_states.is_resident_at_start,
            resident_by_periods.person_key is not null
        ) as is_resident_at_start,
        coalesce(
            provisional_states.resident_weight,
            case when resident_by_periods.person_key is not null then 1.0 end,
            before_late_first_arrival.resident_weight,
            0.0
        ) as resident_weight,
        coalesce(provisional_states.no_immigration_share, 1.0) as no_immigration_share,
        coalesce(provisional_states.no_emigration_share, 1.0) as no_emigration_share,
        coalesce(final_citizen_migrations.has_emigrated, false) as has_emigrated_final,
        coalesce(final_citizen_migrations.has_returned, false) as has_returned_final,
        coalesce(provisional_states.may_have_emigrated, false) as may_have_emigrated,
        coalesce(provisional_states.may_have_returned, false) as may_have_returned,
        -- emigrated in the period, the departure unrecorded (see the header)
        case
            when before_late_first_arrival.person_key is not null
                then before_late_first_arrival.emigrated_abroad_weight
            when late_first_arrivals.person_key is not null
                then coalesce(late_first_arrivals.emigrated_in_period_share, 0)
            else 0
        end as unrecorded_emigration_share,
        before_late_first_arrival.person_key is not null as is_before_late_first_arrival,
        first_emigrations_before_a_return.person_key is not null as is_first_emigration_before_a_return,
        -- the late first arrival is the only return so far: it counts with
        -- the chance it was one (before it, no return yet)
        case
            when before_late_first_arrival.person_key is not null then 0
            when
                final_citizen_migrations.final_return_count = 1
                and not coalesce(provisional_states.may_have_returned, false)
                then coalesce(late_first_arrivals.abroad_at_start_share, 1)
            else 1
        end as return_share
    from candidates
    left join resident_by_periods
        on
            candidates.reference_date = resident_by_periods.reference_date
            and candidates.person_key = resident_by_periods.person_key
    left join provisional_states
        on
            candidates.reference_date = provisional_states.reference_date
            and candidates.person_key = provisional_states.person_key
    left join final_citizen_migrations
        on
            candidates.reference_date = final_citizen_migrations.reference_date
            and candidates.person_key = final_citizen_migrations.person_key
    left join before_late_first_arrival
        on
            candidates.reference_date = before_late_first_arrival.reference_date
            and candidates.person_key = before_late_first_arrival.person_key
    left join late_first_arrivals
        on
            candidates.person_key = late_first_arrivals.person_key
            and candidates.reference_date >= late_first_arrivals.crossing_date
    left join first_emigrations_before_a_return
        on candidates.person_key = first_emigrations_before_a_return.person_key
),

weighted as (
    -- abroad having emigrated = not resident, minus the share not resident
    -- without an emigration (not resident before the chain, no final
    -- emigration, no immigration in the chain either: a departure can only
    -- follow an immigration); resident having returned = resident, minus
    -- the share resident without a return (resident before the chain, no
    -- final return, no emigration in the chain). Where nothing is
    -- provisional these are the 1/0 flags times the 1/0 status. An
    -- unrecorded emigration before a late first arrival adds its share:
    -- whole before the arrival, times the share not resident after it.
    select
        reference_date,
        person_key,
        is_provisional,
        resident_weight,
        has_emigrated_final or may_have_emigrated or unrecorded_emigration_share > 0 as has_emigrated,
        has_returned_final or may_have_returned as has_returned,
        (has_emigrated_final or may_have_emigrated) and not is_first_emigration_before_a_return
            as stands_for_unrecorded_emigrations,
        greatest(
            1
            - resident_weight
            - case
                when not is_resident_at_start and not has_emigrated_final then no_immigration_share
                else 0
            end,
            0
        ) as recorded_emigration_abroad_weight,
        case
            when has_emigrated_final or may_have_emigrated then 0
            when is_before_late_first_arrival then unrecorded_emigration_share
            else unrecorded_emigration_share * (1 - resident_weight)
        end as unrecorded_first_emigration_abroad_weight,
        return_share * greatest(
            resident_weight
            - case
                when is_resident_at_start and not has_returned_final then no_emigration_share
                else 0
            end,
            0
        ) as returned_resident_weight
    from joined
),

final as (
    select
        weighted.reference_date,
        weighted.person_key,
        weighted.resident_weight,
        weighted.is_provisional,
        -- citizenship on the reference date (a naturalised citizen was a
        -- foreigner before)
        {{ is_citizen_on('persons', 'weighted.reference_date') }} as is_citizen,
        coalesce(persons.is_born_abroad, false) as is_born_abroad,
        weighted.has_emigrated,
        weighted.has_returned,
        weighted.recorded_emigration_abroad_weight + weighted.unrecorded_first_emigration_abroad_weight
            as emigrated_abroad_weight,
        -- a citizen abroad by a recorded emigration stands for the
        -- lost_per_recorded_departure citizens whose emigration went
        -- unrecorded, with no crossing after it or only an arrival: the
        -- rule keeps them resident (doc: unrecorded_emigrations) ...
        case
            when
                weighted.stands_for_unrecorded_emigrations
                and {{ is_citizen_on('persons', 'weighted.reference_date') }}
                then parameters.lost_per_recorded_departure
            else 0
        end as unrecorded_emigrants_stood_for,
        unrecorded_emigrants_stood_for * weighted.recorded_emigration_abroad_weight
            as unrecorded_emigrant_weight,
        weighted.returned_resident_weight,
        -- ... and once back, for those of them who came back too: the rule
        -- keeps them resident all along, never returned
        unrecorded_emigrants_stood_for * weighted.returned_resident_weight as unrecorded_returned_weight,
        persons.death_date is not null and persons.death_date <= weighted.reference_date as is_dead,
        persons.sex,
        {{ age_group(age_in_years('persons.birth_date', 'weighted.reference_date')) }} as age_group,
        {{ citizenship_on('persons', 'weighted.reference_date') }} as citizenship,
        case
            when {{ is_citizen_on('persons', 'weighted.reference_date') }} then 'CIT' else 'FOR'
        end as citizenship_group
    from weighted
    inner join persons
        on weighted.person_key = persons.person_key
    cross join parameters
)

select * from final
