{#- Date parsers for the formats the agencies deliver (extracts.md).
    Each returns NULL where the text does not parse, so a bad value is
    kept, flagged by the dictionary checks, and never breaks a build. -#}

{#- `YYYYMMDD` (registry). -#}
{% macro parse_yyyymmdd(column) -%}
    try_strptime(nullif(trim({{ column }}), ''), '%Y%m%d')::date
{%- endmacro %}

{#- Work-permit cells: an Excel date cell lands as ISO `YYYY-MM-DD`,
    a text cell as `DD/MM/YYYY`. -#}
{% macro parse_excel_or_dmy(column) -%}
    coalesce(
        try_strptime(nullif(trim({{ column }}), ''), '%Y-%m-%d'),
        try_strptime(nullif(trim({{ column }}), ''), '%d/%m/%Y')
    )::date
{%- endmacro %}

{#- Border-control birth dates `YYYY-MM-DD` with `00` for an unknown
    month or day. The date is imputed to the middle of what is known
    (month unknown: 1 July; day unknown: the 15th) and the precision is
    kept beside it: `D` day, `M` month, `Y` year. -#}
{% macro parse_partial_date(column) -%}
    case
        when not regexp_full_match(coalesce({{ column }}, ''), '\d{4}-\d{2}-\d{2}') then null
        when substr({{ column }}, 6, 2) = '00'
            then try_strptime(substr({{ column }}, 1, 4) || '-07-01', '%Y-%m-%d')::date
        when substr({{ column }}, 9, 2) = '00'
            then try_strptime(substr({{ column }}, 1, 7) || '-15', '%Y-%m-%d')::date
        else try_strptime({{ column }}, '%Y-%m-%d')::date
    end
{%- endmacro %}

{% macro partial_date_precision(column) -%}
    case
        when not regexp_full_match(coalesce({{ column }}, ''), '\d{4}-\d{2}-\d{2}') then null
        when substr({{ column }}, 6, 2) = '00' then 'Y'
        when substr({{ column }}, 9, 2) = '00' then 'M'
        when try_strptime({{ column }}, '%Y-%m-%d') is null then null
        else 'D'
    end
{%- endmacro %}
