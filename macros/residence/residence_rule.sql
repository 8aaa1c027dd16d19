{#- Parameters of the outcome-based residence rule (methodology.md,
    section 1), in one place so that models, tests and docs agree. -#}

{#- The data cut-off as a SQL date expression: var('vintage') when set,
    else the latest crossing date of the given relation. -#}
{% macro residence_vintage(crossings_relation) -%}
    {%- if var('vintage', '') | string | trim != '' -%}
        cast('{{ var("vintage") }}' as date)
    {%- else -%}
        (select max(vintage_source.crossing_date) from {{ crossings_relation }} as vintage_source)
    {%- endif -%}
{%- endmacro %}

{#- The start of observation (methodology.md section 1): the variable
    observation_start_date when set, else the extract date of the earliest
    border-crossings file ever loaded (doc residence_start_of_observation). -#}
{% macro observation_start_date() -%}
    {%- if var('observation_start_date', '') | string | trim != '' -%}
        cast('{{ var("observation_start_date") }}' as date)
    {%- else -%}
        (
            select min(start_source.extract_date)
            from {{ ref('stg_landing__objects') }} as start_source
            where
                start_source.dataset = 'border_crossings'
                and start_source.landing_status in ('loaded', 'superseded')
        )
    {%- endif -%}
{%- endmacro %}

{#- Days on the "other" side that end a test as a non-migration: the test
    fails as soon as they exceed window - threshold (122 by default). -#}
{% macro residence_other_side_days() -%}
    {{ var('residence_window_days') | int - var('residence_threshold_days') | int }}
{%- endmacro %}

{#- Visa types whose holder, departing on a first observed crossing, was
    a usual resident at the start of observation. -#}
{% macro residence_resident_visa_types() -%}
    ('WORK', 'RESIDENT', 'DEPENDENT', 'STUDENT', 'MARRIAGE')
{%- endmacro %}

{#- Lower bounds (days) of the bands of "days on the migration side so
    far" used for provisional expectations. The last band is open. -#}
{% macro residence_days_band_bounds() -%}
    {{ return([0, 30, 90, 180, 270, 365]) }}
{%- endmacro %}

{#- A crossing on a residence-type footing (doc: residence_repair_rule):
    the traveller is a citizen (or crosses as one), holds a residence-type
    visa (`residence_resident_visa_types`), or holds a work permit valid
    that day. Everyone else is on a visitor footing. Citizenship stands for
    residence only while nothing says otherwise: a citizen arriving who, by
    the residence rule itself, is not a usual resident on that arrival
    (`residence_arrives_not_resident`, passed as `arrives_not_resident`) is
    a visitor like anyone else; a visa or permit still decides. -#}
{% macro residence_footing(is_citizen, visa_type, has_valid_work_permit, arrives_not_resident=none) -%}
    (
        (
            (
                coalesce({{ is_citizen }}, false)
                or coalesce({{ visa_type }} = 'CITIZEN', false)
            )
            {%- if arrives_not_resident is not none %}
            and not coalesce({{ arrives_not_resident }}, false)
            {%- endif %}
        )
        or coalesce(
            {{ visa_type }} in {{ residence_resident_visa_types() }},
            false
        )
        or coalesce({{ has_valid_work_permit }}, false)
    )
{%- endmacro %}

{#- An arrival whose traveller cannot be a usual resident when arriving,
    by the residence rule alone: it ends a spell abroad of at least
    `residence_threshold_days` since the previous (delivered) departure,
    which made that departure an emigration if the traveller was a
    resident; or it is the first observed crossing, at least
    `residence_threshold_days` after the start of observation (absent
    since the start, methodology section 1). After another arrival the
    status is not known here: false. -#}
{% macro residence_arrives_not_resident(
    direction, crossing_date, previous_direction, previous_crossing_date, observation_start_date
) -%}
    (
        {{ direction }} = 'ARR'
        and coalesce(
            case
                when {{ previous_direction }} = 'DEP'
                    then {{ crossing_date }} - {{ previous_crossing_date }}
                when {{ previous_direction }} is null
                    then {{ crossing_date }} - {{ observation_start_date }}
            end >= {{ var('residence_threshold_days') | int }},
            false
        )
    )
{%- endmacro %}

{#- The group whose typical durations stand in for a lost crossing:
    `CITIZEN` for citizens, else the visa type (`_U` when missing). -#}
{% macro residence_duration_group(is_citizen, visa_type) -%}
    case
        when coalesce({{ is_citizen }}, false) or {{ visa_type }} = 'CITIZEN' then 'CITIZEN'
        else coalesce({{ visa_type }}, '_U')
    end
{%- endmacro %}
