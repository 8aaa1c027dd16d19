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
        count(distinct repaired.person_key) filter (where repaired.is_repaired) as persons_with_repairs,
        count(*) filter (where not repaired.is_repaired) as crossings_input
    from repaired
),

measures as (
    unpivot (
        select
            crossing_counts.*,
            repair_counts.*
        from crossing_counts
        cross join repair_counts
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
        ('persons_with_repairs', 'repairs', 'persons with at least one inserted crossing')
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
