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

{#- The days a person with a single crossing is tested on (migrbc: the
    days elapsed since it, to the cut-off, or to a known death when the
    rule truncates at death). -#}
{% macro residence_single_crossing_days(crossing_date, known_death_date, vintage) -%}
    greatest(
        0,
        least(
            {{ vintage }},
            {%- if var('residence_truncate_at_death', true) %}
            coalesce({{ known_death_date }}, {{ vintage }})
            {%- else %}
            {{ vintage }}
            {%- endif %}
        ) - {{ crossing_date }}
    )
{%- endmacro %}

{#- What the residence rule reads from one crossing, as one number:
    int_crossing_verdicts keeps a person's verdicts for as long as the sum
    of these over their crossings is unchanged (doc: residence_rule_incremental). -#}
{% macro residence_crossing_input_hash(crossing, known_death_date) -%}
    hash(
        {{ crossing }}.crossing_id,
        {{ crossing }}.crossing_order,
        {{ crossing }}.direction,
        {{ crossing }}.crossing_date,
        {{ crossing }}.crossing_time,
        {{ crossing }}.is_citizen,
        {{ crossing }}.visa_type,
        {{ crossing }}.has_valid_work_permit,
        {{ crossing }}.is_repaired,
        {{ known_death_date }}
    )
{%- endmacro %}

{#- Everything a person's verdicts depend on, as one number: their
    crossings (the sum of residence_crossing_input_hash), the start of
    observation, the rule's parameters and, for a person with a single
    crossing, the days it is tested on up to the threshold (past it, the
    verdict no longer moves with the cut-off). The cut-off itself is not
    in it: what moves with it is applied by crossing_classification. -#}
{% macro residence_person_input_fingerprint(
    crossing_count, input_hash_sum, single_crossing_days, observation_start_date
) -%}
    hash(
        {{ input_hash_sum }},
        {{ crossing_count }},
        case
            when {{ crossing_count }} = 1
                then least({{ single_crossing_days }}, {{ var('residence_threshold_days') | int }})
        end,
        {{ observation_start_date }},
        '{{ var("residence_window_days") }} {{ var("residence_threshold_days") }} '
        || '{{ var("residence_truncate_at_death", true) }} {{ residence_resident_visa_types() | replace("\'", "") }}'
    )
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

{#- The days a person spent over all their closed spells on the side that
    a crossing in `entering_direction` enters (ARR: in the country, DEP:
    abroad), from the per-person sums of arrival and departure day numbers
    and the first and last crossings (structs with direction and
    day_number) of `persons`. Directions alternate, so the days on that
    side are the day numbers of the crossings leaving it after the first
    crossing, minus those entering it before the last crossing. -#}
{% macro residence_closed_spell_days(persons, entering_direction) -%}
    {%- set leaving_direction = 'DEP' if entering_direction == 'ARR' else 'ARR' -%}
    {%- set day_sums = {'ARR': 'arrival_day_sum', 'DEP': 'departure_day_sum'} -%}
    {{ persons }}.{{ day_sums[leaving_direction] }}
    - case
        when {{ persons }}.first_crossing['direction'] = '{{ leaving_direction }}'
            then {{ persons }}.first_crossing['day_number']
        else 0
    end
    - {{ persons }}.{{ day_sums[entering_direction] }}
    + case
        when {{ persons }}.last_crossing['direction'] = '{{ entering_direction }}'
            then {{ persons }}.last_crossing['day_number']
        else 0
    end
{%- endmacro %}
