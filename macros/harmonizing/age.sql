{#- Age in completed years on a reference date. -#}
{% macro age_in_years(birth_date, reference_date) -%}
    (
        extract(year from {{ reference_date }}) - extract(year from {{ birth_date }})
        - case
            when strftime({{ reference_date }}, '%m%d') < strftime({{ birth_date }}, '%m%d') then 1
            else 0
        end
    )
{%- endmacro %}

{#- The age groups of methodology.md section 4 (`_U` when age is unknown). -#}
{% macro age_group(age) -%}
    case
        when {{ age }} is null or {{ age }} < 0 then '_U'
        when {{ age }} <= 14 then 'Y0T14'
        when {{ age }} <= 24 then 'Y15T24'
        when {{ age }} <= 34 then 'Y25T34'
        when {{ age }} <= 44 then 'Y35T44'
        when {{ age }} <= 54 then 'Y45T54'
        when {{ age }} <= 64 then 'Y55T64'
        else 'Y_GE65'
    end
{%- endmacro %}
