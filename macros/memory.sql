{#- DuckDB's memory cap set to a share of the profile's `memory_limit`
    (a pre-hook), and back to the profile's (a post-hook, share 1). For
    the models whose operators hold memory outside the cap: at national
    scale int_deterministic_cluster_tallies and the residence rule
    (int_crossing_verdicts) peaked 1.6 to 1.8 GB above the 6 GB cap, each
    in turn the whole run's peak (docs/choices.md, "Peak memory"). Without
    a configured cap both hooks leave DuckDB's default. -#}
{% macro memory_limit_share(share) -%}
    {%- set configured = (target.settings or {}).get('memory_limit') -%}
    {%- set parsed = modules.re.match('^\\s*([0-9.]+)\\s*([A-Za-z]+)\\s*$', configured or '') -%}
    {%- if parsed -%}
        set memory_limit = '{{ ((parsed.group(1) | float) * share) | round(3) }}{{ parsed.group(2) }}'
    {%- else -%}
        reset memory_limit
    {%- endif -%}
{%- endmacro %}
