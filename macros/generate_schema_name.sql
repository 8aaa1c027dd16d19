{#- Layers are schemas named as the layer (staging, harmonized, linked,
    marts), not prefixed with the target schema: users and BI tools find
    `marts.migration_statistics` where publication.md says it is. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
