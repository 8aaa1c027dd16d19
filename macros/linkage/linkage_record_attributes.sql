{#- A personal name as one comparable string: upper case, accents
    stripped, apostrophes dropped, every other non-letter a space, runs of
    spaces collapsed. Null when nothing is left. -#}
{% macro linkage_name(column) -%}
    nullif(
        trim(
            regexp_replace(
                regexp_replace(
                    replace(upper(strip_accents(coalesce({{ column }}, ''))), '''', ''),
                    '[^A-Z]', ' ', 'g'
                ),
                '\s+', ' ', 'g'
            )
        ),
        ''
    )
{%- endmacro %}

{#- "Given names first" (work permits, citizens register): the last word
    is the surname, the words before it the given names. -#}
{% macro linkage_surname_of_full_name(normalised) -%}
    nullif(regexp_extract({{ normalised }}, '(\S+)$', 1), '')
{%- endmacro %}

{% macro linkage_given_of_full_name(normalised) -%}
    nullif(trim(regexp_extract({{ normalised }}, '^(.*)\s\S+$', 1)), '')
{%- endmacro %}

{#- A crossing's moment as one orderable integer: microseconds since 1970
    times 4, plus the direction (0 ARR, 1 DEP, 2 anything else). min() and
    max() of it give the first and last crossing with their direction in
    one cheap aggregate; null for a record without a crossing time.
    Crossing times are after 1970, so the number is never negative. -#}
{% macro linkage_crossing_moment(time_column, direction_column) -%}
    epoch_us({{ time_column }}) * 4
    + case {{ direction_column }} when 'ARR' then 0 when 'DEP' then 1 else 2 end
{%- endmacro %}

{% macro linkage_moment_time(moment) -%}
    make_timestamp({{ moment }} // 4)
{%- endmacro %}

{% macro linkage_moment_direction(moment) -%}
    case {{ moment }} % 4 when 0 then 'ARR' when 1 then 'DEP' end
{%- endmacro %}

{#- The full name compared by probabilistic linkage: given names, then
    surname; null when both are. -#}
{% macro linkage_full_name(given_names, surname) -%}
    nullif(concat_ws(' ', {{ given_names }}, {{ surname }}), '')
{%- endmacro %}

{#- A crossing's visa type with its moment, as one orderable integer:
    microseconds since 1970 times 16, plus the visa type's position in the
    closed list of extracts.md (0 for anything else). max() of it gives the
    visa type of the last crossing in one cheap aggregate, as
    linkage_crossing_moment does for the direction. -#}
{% macro linkage_visa_types() -%}
    {{ return([
        'TOURIST', 'WORK', 'BUSINESS', 'DEPENDENT', 'STUDENT', 'RESIDENT',
        'MARRIAGE', 'DIPLOMATIC', 'CREW', 'TRANSIT', 'CITIZEN', 'OTHER'
    ]) }}
{%- endmacro %}

{% macro linkage_visa_moment(time_column, visa_column) -%}
    epoch_us({{ time_column }}) * 16
    + case {{ visa_column }}
        {%- for visa_type in linkage_visa_types() %} when '{{ visa_type }}' then {{ loop.index }}{% endfor %}
        else 0
    end
{%- endmacro %}

{% macro linkage_moment_visa_type(moment) -%}
    case {{ moment }} % 16
        {%- for visa_type in linkage_visa_types() %} when {{ loop.index }} then '{{ visa_type }}'{% endfor %}
    end
{%- endmacro %}
