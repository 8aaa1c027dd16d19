-- The workshop's discrepancy table, kept up to date by the code: for each
-- concept, how each agency codes it, the rule that maps it to the common
-- coding, and what the data delivered so far show (distinct values seen,
-- records, share mapped).
with

crossings as (
    select * from {{ ref('int_crossings_harmonized') }}
),

permits as (
    select * from {{ ref('int_work_permits_harmonized') }}
),

citizens as (
    select * from {{ ref('int_citizens_harmonized') }}
),

census as (
    select * from {{ ref('int_census_persons_harmonized') }}
),

rules as (
    select * from {{ ref('harmonization_rules') }}
),

{%- set measurements = [
    ('sex', 'border_crossings', 'crossings', "sex <> '_U'", "string_agg(distinct sex, ', ' order by sex)"),
    ('sex', 'work_permits', 'permits', "sex <> '_U'", "string_agg(distinct sex, ', ' order by sex)"),
    ('sex', 'citizens', 'citizens', "sex <> '_U'", "string_agg(distinct sex, ', ' order by sex)"),
    ('sex', 'census_persons', 'census', "sex <> '_U'", "string_agg(distinct sex, ', ' order by sex)"),
    ('citizenship', 'border_crossings', 'crossings', 'not is_citizenship_unmapped',
        "count(distinct citizenship_iso3)::varchar || ' codes'"),
    ('citizenship', 'work_permits', 'permits', 'not is_citizenship_unmapped',
        "count(distinct citizenship_iso3)::varchar || ' codes'"),
    ('citizenship', 'census_persons', 'census', "citizenship_iso3 <> '_U'",
        "count(distinct citizenship_iso3)::varchar || ' codes'"),
    ('date of birth', 'border_crossings', 'crossings', 'birth_date is not null',
        "string_agg(distinct birth_date_precision, ', ' order by birth_date_precision)"),
    ('date of birth', 'work_permits', 'permits', 'birth_date is not null', 'null'),
    ('date of birth', 'citizens', 'citizens', 'birth_date is not null', 'null'),
    ('country of birth', 'citizens', 'citizens', "birth_country_iso3 <> '_U'",
        "count(distinct birth_country_iso3)::varchar || ' codes'"),
    ('country of birth', 'census_persons', 'census', "birth_country_iso3 <> '_U'",
        "count(distinct birth_country_iso3)::varchar || ' codes'"),
    ('reason', 'border_crossings', 'crossings', 'coalesce(visa_reason, purpose_reason) is not null',
        "string_agg(distinct coalesce(visa_reason, purpose_reason), ', ' order by coalesce(visa_reason, purpose_reason))"),
    ('reason', 'census_persons', 'census', "migration_reason <> '_U'",
        "string_agg(distinct migration_reason, ', ' order by migration_reason)"),
] %}

observed as (
    -- noqa: disable=LT02
    -- (sqlfluff cannot place the indent of a union built in a Jinja loop)
    {%- for concept, system, relation, mapped, seen in measurements %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        '{{ concept }}' as concept,
        '{{ system }}' as source_system,
        count(*) as records,
        count(*) filter (where {{ mapped }}) as records_mapped,
        {{ seen }} as harmonized_values_seen
    from {{ relation }}
    {%- endfor %}
    -- noqa: enable=LT02
),

final as (
    select
        rules.concept,
        rules.source_system,
        rules.source_field,
        rules.delivered_coding,
        rules.harmonized_coding,
        rules.mapping_rule,
        observed.records,
        observed.records_mapped,
        round(observed.records_mapped / nullif(observed.records, 0), 4) as share_mapped,
        observed.harmonized_values_seen
    from rules
    left join observed
        on
            rules.concept = observed.concept
            and rules.source_system = observed.source_system
)

select * from final
