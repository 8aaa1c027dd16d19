{#- The label of the period a date falls in, for a frequency column or
    literal: `YYYY-MM` (M), `YYYY-Qn` (Q), `YYYY` (A). -#}
{% macro period_label(freq, date_expression) -%}
    case {{ freq }}
        when 'M' then strftime({{ date_expression }}, '%Y-%m')
        when 'Q' then strftime({{ date_expression }}, '%Y') || '-Q'
            || extract(quarter from {{ date_expression }})::varchar
        else strftime({{ date_expression }}, '%Y')
    end
{%- endmacro %}

{#- A person's citizenship on a date (methodology.md section 4): a
    naturalised citizen (int_persons.naturalisation_date) is a foreigner of
    the nationality held before (previous_citizenship_iso3) until the day
    of naturalisation. `persons` is the alias of an int_persons relation. -#}
{% macro is_naturalised_later(persons, date_expression) -%}
    coalesce({{ date_expression }} < {{ persons }}.naturalisation_date, false)
{%- endmacro %}

{% macro is_citizen_on(persons, date_expression) -%}
    (
        {{ persons }}.is_citizen
        and not {{ is_naturalised_later(persons, date_expression) }}
    )
{%- endmacro %}

{% macro citizenship_on(persons, date_expression) -%}
    case
        when {{ is_naturalised_later(persons, date_expression) }}
            then {{ persons }}.previous_citizenship_iso3
        else {{ persons }}.citizenship_iso3
    end
{%- endmacro %}
