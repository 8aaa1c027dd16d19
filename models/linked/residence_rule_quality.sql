-- Quality report of the residence rule (doc: residence_rule_quality): one
-- row per measure, for the current vintage.
with

classification as (
    select * from {{ ref('crossing_classification') }}
),

repaired as (
    select * from {{ ref('int_crossings_repaired') }}
),

crossing_counts as (
    select
        count(*) as crossings_classified,
        count(distinct classification.person_key) as persons_classified,
        count(*) filter (where classification.is_final) as crossings_final,
        count(*) filter (where not classification.is_final) as crossings_provisional,
        count(*) filter (
            where classification.is_migration and classification.direction = 'ARR' and classification.is_final
        ) as immigrations_final,
        count(*) filter (
            where classification.is_migration
            and classification.direction = 'ARR'
            and not classification.is_final
        ) as immigrations_provisional,
        count(*) filter (
            where classification.is_migration and classification.direction = 'DEP' and classification.is_final
        ) as emigrations_final,
        count(*) filter (
            where classification.is_migration
            and classification.direction = 'DEP'
            and not classification.is_final
        ) as emigrations_provisional,
        count(*) filter (where classification.resolution_rule = 'death') as tests_ended_by_death,
        count(*) filter (
            where classification.resolution_rule = 'single_crossing_elapsed'
        ) as tests_single_crossing_short
    from classification
),

cut_off as (
    select max(classification.vintage) as vintage
    from classification
),

repair_counts as (
    select
        count(*) filter (where repaired.repair_kind = 'missing_departure') as repairs_missing_departure,
        count(*) filter (where repaired.repair_kind = 'missing_arrival') as repairs_missing_arrival,
        count(*) filter (
            where repaired.repair_kind = 'imputed_departure_visitor'
        ) as imputed_departures_visitor,
        count(*) filter (
            where repaired.repair_kind = 'imputed_departure_permit_ended'
        ) as imputed_departures_permit_ended,
        count(*) filter (where repaired.repair_kind = 'imputed_arrival_visitor') as imputed_arrivals_visitor,
        count(*) filter (
            where repaired.repair_kind = 'imputed_arrival_permit_start'
        ) as imputed_arrivals_permit_start,
        count(*) filter (
            where repaired.repair_kind = 'imputed_departure_permit_present'
        ) as imputed_departures_permit_present,
        count(*) filter (
            where repaired.is_repaired and repaired.repair_basis = 'declared_stay'
        ) as repairs_placed_by_declared_stay,
        count(*) filter (
            where repaired.is_repaired
            and (repaired.repair_basis like 'resident_trip:%' or repaired.repair_basis like 'visitor_stay:%')
        ) as repairs_placed_by_typical_duration,
        count(*) filter (
            where repaired.is_repaired and repaired.repair_basis = 'midpoint'
        ) as repairs_placed_at_midpoint,
        count(distinct repaired.person_key) filter (where repaired.is_repaired) as persons_with_repairs,
        count(*) filter (where not repaired.is_repaired) as crossings_input
    from repaired
),

repair_outcomes as (
    -- migrations that an inserted crossing is, or that are counted on a
    -- person whose sequence was repaired
    select
        count(*) filter (where classification.is_repaired and classification.is_migration)
            as repaired_crossings_migrations,
        count(*) filter (
            where classification.is_migration
            and classification.person_key in (
                select repaired.person_key from repaired
                where repaired.is_repaired
            )
        ) as migrations_of_persons_with_repairs
    from classification
),

late_first_arrival_counts as (
    -- citizens first seen arriving late, and the lost first departures and
    -- emigrations estimated among them (doc late_first_arrival_share)
    select
        count(*) filter (where late_first_arrivals.is_final_return) as late_first_arrivals_final,
        cast(round(coalesce(sum(1 - late_first_arrivals.abroad_at_start_share), 0)) as bigint)
            as late_first_arrivals_estimated_lost_departure,
        cast(round(coalesce(sum(late_first_arrivals.emigrated_in_period_share), 0)) as bigint)
            as late_first_arrivals_estimated_lost_emigration
    from {{ ref('int_late_first_arrivals') }} as late_first_arrivals
),

typical as (
    pivot (
        select
            typical_durations.duration_kind || '_median_days' as measure,
            typical_durations.median_days
        from {{ ref('int_typical_durations') }} as typical_durations
        where typical_durations.duration_group = '_T'
    )
    on measure in ('resident_trip_median_days', 'visitor_stay_median_days')
    using any_value(median_days)
),

measures as (
    unpivot (
        select
            crossing_counts.*,
            repair_counts.*,
            repair_outcomes.*,
            late_first_arrival_counts.*,
            cast(typical.resident_trip_median_days as bigint) as typical_resident_trip_days,
            cast(typical.visitor_stay_median_days as bigint) as typical_visitor_stay_days
        from crossing_counts
        cross join repair_counts
        cross join repair_outcomes
        cross join late_first_arrival_counts
        cross join typical
    )
    on columns(*)
    into name metric_code value metric_value
),

descriptions as (
    select
        labels.metric_code,
        labels.metric_group,
        labels.metric_description
    from (
        values
        ('crossings_input', 'volume', 'crossings in the linked input (voids and duplicates removed)'),
        ('crossings_classified', 'volume', 'crossings classified (input plus repairs, up to the vintage)'),
        ('persons_classified', 'volume', 'persons with at least one classified crossing'),
        ('crossings_final', 'finality', 'crossings whose classification is final at the vintage'),
        ('crossings_provisional', 'finality', 'crossings whose classification is provisional at the vintage'),
        ('immigrations_final', 'migrations', 'immigrations with a final classification'),
        ('immigrations_provisional', 'migrations', 'immigrations with a provisional classification'),
        ('emigrations_final', 'migrations', 'emigrations with a final classification'),
        ('emigrations_provisional', 'migrations', 'emigrations with a provisional classification'),
        (
            'tests_ended_by_death',
            'tests',
            'tests ended unresolved by the death of the person (not a migration)'
        ),
        (
            'tests_single_crossing_short',
            'tests',
            'single-crossing persons in the migration direction with fewer than threshold days to the vintage'
        ),
        ('repairs_missing_departure', 'repairs', 'departures inserted between two arrivals'),
        ('repairs_missing_arrival', 'repairs', 'arrivals inserted between two departures'),
        (
            'imputed_departures_visitor',
            'repairs',
            'departures imputed after a visitor''s last arrival (older than visitor_max_stay_days)'
        ),
        (
            'imputed_departures_permit_ended',
            'repairs',
            'departures imputed at the end of a foreign worker''s last work permit'
        ),
        (
            'imputed_arrivals_visitor',
            'repairs',
            'arrivals imputed before a visitor''s first departure (later than visitor_max_stay_days)'
        ),
        (
            'imputed_arrivals_permit_start',
            'repairs',
            'arrivals imputed at the start of the run of work permits covering a worker''s first departure'
        ),
        (
            'imputed_departures_permit_present',
            'repairs',
            'departures imputed before a worker''s first arrival (permits unbroken since the start)'
        ),
        (
            'repairs_placed_by_declared_stay',
            'repairs',
            'inserted crossings placed by the declared intended stay'
        ),
        (
            'repairs_placed_by_typical_duration',
            'repairs',
            'inserted crossings placed by a typical resident trip or visitor stay (int_typical_durations)'
        ),
        (
            'repairs_placed_at_midpoint',
            'repairs',
            'inserted crossings placed half-way (neighbours under two days apart, or no typical duration)'
        ),
        ('persons_with_repairs', 'repairs', 'persons with at least one inserted crossing'),
        (
            'repaired_crossings_migrations',
            'repairs',
            'inserted crossings that the rule classifies as migrations'
        ),
        (
            'migrations_of_persons_with_repairs',
            'repairs',
            'migrations (delivered or inserted) of persons with at least one inserted crossing'
        ),
        (
            'late_first_arrivals_final',
            'start',
            'citizens first seen arriving a year or more after the start, a final immigration by the rule'
        ),
        (
            'late_first_arrivals_estimated_lost_departure',
            'start',
            'of those, the expected number in the country all along, first departure unrecorded (rounded)'
        ),
        (
            'late_first_arrivals_estimated_lost_emigration',
            'start',
            'of all those first seen arriving late (visits too), the expected number who emigrated unrecorded'
        ),
        ('typical_resident_trip_days', 'typical', 'median observed trip abroad of residents, all groups'),
        ('typical_visitor_stay_days', 'typical', 'median observed stay of visitors, all groups')
    ) as labels (metric_code, metric_group, metric_description)
),

final as (
    select
        descriptions.metric_code,
        descriptions.metric_group,
        cast(measures.metric_value as bigint) as metric_value,
        descriptions.metric_description,
        cut_off.vintage
    from descriptions
    inner join measures
        on descriptions.metric_code = measures.metric_code
    cross join cut_off
)

select * from final
