-- person_links holds every non-voided record of the four sources exactly
-- once: its count per source equals the staging count. One row per
-- failure.
with

staged as (
    select
        'border_crossings' as source_system,
        count(*) as staged_count
    from {{ ref('stg_immigration__border_crossings') }}
    union all
    select
        'work_permits' as source_system,
        count(*) as staged_count
    from {{ ref('stg_labour__work_permits') }}
    union all
    select
        'citizens' as source_system,
        count(*) as staged_count
    from {{ ref('stg_registry__citizens') }}
    union all
    select
        'passports' as source_system,
        count(*) as staged_count
    from {{ ref('stg_registry__passports') }}
),

linked as (
    select
        person_links.source_system,
        count(*) as linked_count
    from {{ ref('person_links') }} as person_links
    group by person_links.source_system
),

final as (
    select
        'person_links_count_differs_from_staging' as failure_type,
        staged.source_system,
        staged.staged_count,
        coalesce(linked.linked_count, 0) as linked_count,
        staged.source_system || ': ' || staged.staged_count || ' staged, '
        || coalesce(linked.linked_count, 0) || ' in person_links' as description
    from staged
    left join linked
        on staged.source_system = linked.source_system
    where staged.staged_count <> coalesce(linked.linked_count, 0)
)

select * from final
