{#- Document numbers as typed by an agent (`ab 12-345`), or read from the
    machine-readable zone with `<` filler, compare as upper-case letters
    and digits only. -#}
{% macro normalise_document_number(column) -%}
    nullif(regexp_replace(upper(coalesce({{ column }}, '')), '[^A-Z0-9]', '', 'g'), '')
{%- endmacro %}

{#- ICAO Doc 9303 codes: Germany may come as `D<<`; strip filler and blanks. -#}
{% macro normalise_icao_code(column) -%}
    nullif(regexp_replace(upper(coalesce({{ column }}, '')), '[^A-Z]', '', 'g'), '')
{%- endmacro %}

{#- An empty or blank field is missing. -#}
{% macro blank_to_null(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}
