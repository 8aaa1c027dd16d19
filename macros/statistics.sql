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
