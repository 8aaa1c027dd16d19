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
