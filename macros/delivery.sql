{#- The object versions that count: loaded (not superseded, quarantined or
    ignored) and, when a vintage is set, extracted on or before it, so
    that any past vintage can be rebuilt from the same warehouse. -#}
{% macro current_objects(dataset) -%}
    select
        object_id,
        extract_date
    from {{ source('landing', 'objects') }}
    where
        status = 'loaded'
        and dataset = '{{ dataset }}'
        and {{ vintage_cutoff('extract_date') }}
{%- endmacro %}

{% macro vintage_cutoff(date_expression) -%}
    {%- if var('vintage', '') | string | trim -%}
        {{ date_expression }} <= date '{{ var("vintage") }}'
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
