{#- Full builds in buckets of persons (docs/choices.md, "Full builds in
    buckets of persons").

    The residence rule's windows and ASOF joins over every crossing at
    once spill most of their state to disk at national scale; the same
    work split into buckets of persons that each fit in memory is done
    about twice as fast (alone at scale 1.0: 175 s in one piece, 98 s in
    4 buckets, 94 s in 8). A person's rows depend on that person's rows
    alone, so the union of the buckets is the table built in one piece.

    How: on a full build the model's SQL carries `build_bucket_filter`,
    which keeps bucket 0 (`hash(key) % n = 0`); dbt creates the table
    from it, and the post-hook `build_remaining_buckets` inserts buckets
    1 to n - 1 with the same compiled SQL, the bucket number replaced. An
    incremental run works on the persons that changed and is not split. -#}

{#- Buckets for a full build: one per `var('build_bucket_rows')` rows of
    the relation the model reads (at least one; one for a unit test's
    fixture or a relation not built yet). -#}
{% macro build_bucket_count(relation) -%}
    {%- set rows_per_bucket = var('build_bucket_rows', 4000000) | int -%}
    {%- if not execute or rows_per_bucket <= 0 or (relation | string).startswith('__dbt__cte__') -%}
        {{- return(1) -}}
    {%- endif -%}
    {%- if load_relation(relation) is none -%}
        {{- return(1) -}}
    {%- endif -%}
    {%- set rows = run_query('select count(*) from ' ~ relation).columns[0].values()[0] -%}
    {{- return([1, ((rows + rows_per_bucket - 1) // rows_per_bucket) | int] | max) -}}
{%- endmacro %}

{#- The filter of bucket 0, for a model's full build. -#}
{% macro build_bucket_filter(key, relation) -%}
    hash({{ key }}) % {{ build_bucket_count(relation) }} = 0 /* build bucket */
{%- endmacro %}

{#- Post-hook: the buckets after the first, each one statement, so that
    DuckDB frees one bucket's memory before the next. -#}
{% macro build_remaining_buckets() -%}
    {%- if execute -%}
        {%- set code = model.compiled_code -%}
        {%- set marker = modules.re.search('% (\\d+) = 0 /\\* build bucket \\*/', code) -%}
        {%- if marker -%}
            {%- set buckets = marker.group(1) | int -%}
            {%- for bucket in range(1, buckets) -%}
                {%- do log(this.identifier ~ ': bucket ' ~ (bucket + 1) ~ ' of ' ~ buckets ~ ' of persons', info=true) -%}
                {%- set bucket_code = code | replace(marker.group(0), '% ' ~ buckets ~ ' = ' ~ bucket ~ ' /* build bucket */') -%}
                {%- do run_query('insert into ' ~ this ~ ' by name select * from (\n' ~ bucket_code ~ '\n)') -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
