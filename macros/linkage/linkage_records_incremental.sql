{#- What int_linkage_records writes again in an incremental run (doc:
    linkage_records_incremental). -#}

{#- A register's records depend on its rows and nothing else: one number
    for the whole register, stored on each of its records. -#}
{% macro linkage_register_fingerprint(relation) -%}
    (select hash(count(*), sum(hash(register_rows))) from {{ relation }} as register_rows)
{%- endmacro %}

{#- What a crossing record reads from the registers (a national ID or permit
    number is trusted only if the entry it points at is compatible): the
    citizens' and permits' keys, birth dates, sexes and the permits'
    nationalities, as one number stored on every crossing record. -#}
{% macro linkage_crossing_register_fingerprint() -%}
    (
        select
            hash(
                (select count(*) from {{ ref('int_citizens_harmonized') }}),
                (
                    select sum(hash(national_id, birth_date, sex))
                    from {{ ref('int_citizens_harmonized') }}
                ),
                (select count(*) from {{ ref('int_work_permits_harmonized') }}),
                (
                    select sum(hash(work_permit_number, birth_date, sex, citizenship_iso3))
                    from {{ ref('int_work_permits_harmonized') }}
                )
            )
    )
{%- endmacro %}

{#- The plan of a run, asked of the warehouse before the model's SQL is
    written (so that the crossings are read by a constant list of objects,
    a filter DuckDB applies to whole row groups):

    - incremental: false on a full build (everything is written);
    - all_crossings: the crossings' register fingerprint changed;
    - changed_objects: the delivery objects whose number of crossings in
      staging differs from the number of stored crossing records (new,
      superseded, or gaining or losing a crossing's winning version), and
      changed_objects_sql, the same as a SQL list (`null` when empty);
    - gone_objects, gone_objects_sql and records_in_gone_objects: the
      changed objects no longer in staging at all (superseded, or past the
      vintage), as a list, as SQL, and the number of stored records from
      them: those crossings are read again wherever their winning version
      now is (a crossing leaves an object that still counts only for a new
      object's version, read with that object);
    - changed_registers: the registers whose fingerprint changed, or
      whose number of stored records is not their number of rows. -#}
{% macro linkage_records_plan() -%}
    {%- set registers = {
        'work_permits': ref('int_work_permits_harmonized'),
        'citizens': ref('int_citizens_harmonized'),
        'passports': ref('stg_registry__passports'),
    } -%}
    {%- set plan = {
        'incremental': false,
        'all_crossings': true,
        'changed_objects': [],
        'changed_objects_sql': 'null',
        'gone_objects': [],
        'gone_objects_sql': 'null',
        'records_in_gone_objects': 0,
        'changed_registers': registers.keys() | list,
    } -%}
    {%- if execute and is_incremental() -%}
        {%- set fingerprints_sql -%}
            with stored as (
                select
                    source_system,
                    max(input_fingerprint) as input_fingerprint,
                    count(*) as records
                from {{ this }}
                group by source_system
            ),
            current_fingerprints as (
                select
                    'border_crossings' as source_system,
                    {{ linkage_crossing_register_fingerprint() }} as input_fingerprint,
                    null as records
                {%- for name, relation in registers.items() %}
                union all
                select
                    '{{ name }}',
                    {{ linkage_register_fingerprint(relation) }},
                    (select count(*) from {{ relation }})
                {%- endfor %}
            )
            -- a register whose stored records are not one per row is
            -- written again too
            select current_fingerprints.source_system
            from current_fingerprints
            left join stored on current_fingerprints.source_system = stored.source_system
            where
                current_fingerprints.input_fingerprint is distinct from stored.input_fingerprint
                or current_fingerprints.records <> coalesce(stored.records, 0)
        {%- endset -%}
        {%- set changed = run_query(fingerprints_sql).columns[0].values() | list -%}
        {%- set objects_sql -%}
            with current_objects as (
                select object_id, count(*) as crossings
                from {{ ref('stg_immigration__border_crossings') }}
                group by object_id
            ),
            stored_objects as (
                select source_object_id as object_id, count(*) as crossings
                from {{ this }}
                where source_system = 'border_crossings'
                group by source_object_id
            )
            select
                coalesce(current_objects.object_id, stored_objects.object_id) as object_id,
                current_objects.object_id is null as is_gone,
                coalesce(stored_objects.crossings, 0) as stored_crossings
            from current_objects
            full join stored_objects on current_objects.object_id = stored_objects.object_id
            where current_objects.crossings is distinct from stored_objects.crossings
            order by 1
        {%- endset -%}
        {%- set objects = run_query(objects_sql) -%}
        {%- set changed_objects = objects.columns[0].values() | list -%}
        {%- set gone_objects = [] -%}
        {%- set records_in_gone_objects = [] -%}
        {%- for row in objects.rows if row[1] -%}
            {%- do gone_objects.append(row[0]) -%}
            {%- do records_in_gone_objects.append(row[2]) -%}
        {%- endfor -%}
        {%- do plan.update({
            'incremental': true,
            'all_crossings': 'border_crossings' in changed,
            'changed_objects': changed_objects,
            'changed_objects_sql': linkage_sql_list(changed_objects),
            'gone_objects': gone_objects,
            'gone_objects_sql': linkage_sql_list(gone_objects),
            'records_in_gone_objects': records_in_gone_objects | sum,
            'changed_registers': registers.keys() | select('in', changed) | list,
        }) -%}
        {%- do log(
            'int_linkage_records: '
            ~ (('every crossing (the registers they are checked against changed)') if plan.all_crossings
               else (changed_objects | length) ~ ' object(s) of crossings to link again')
            ~ '; registers written again: ' ~ (plan.changed_registers | join(', ') or 'none'),
            info=true
        ) -%}
    {%- endif -%}
    {{ return(plan) }}
{%- endmacro %}

{#- Strings as a SQL list of literals (`null` when empty: `in (null)`
    matches nothing). -#}
{% macro linkage_sql_list(values) -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append("'" ~ (value | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ return((quoted | join(', ')) if quoted else 'null') }}
{%- endmacro %}

{#- Post-hook of int_linkage_records: drop the records whose source row is
    gone (a voided crossing, a register entry no longer in the snapshot).
    Only where a source's count of records differs from its count of rows:
    the anti join over 25 million crossings is not paid on every run. -#}
{% macro linkage_records_drop_gone() -%}
    {%- set sources = [
        ('border_crossings', ref('stg_immigration__border_crossings'), 'crossing_id'),
        ('work_permits', ref('int_work_permits_harmonized'), 'work_permit_number'),
        ('citizens', ref('int_citizens_harmonized'), 'national_id'),
        ('passports', ref('stg_registry__passports'), 'passport_number'),
    ] -%}
    {%- set stale = [] -%}
    {%- if execute and is_incremental() -%}
        {%- set counts_sql -%}
            with stored as (
                select source_system, count(*) as records from {{ this }} group by source_system
            ),
            current_rows as (
                {%- for name, relation, id_column in sources %}
                {% if not loop.first %}union all {% endif -%}
                select '{{ name }}' as source_system, count(*) as records from {{ relation }}
                {%- endfor %}
            )
            select current_rows.source_system
            from current_rows
            left join stored on current_rows.source_system = stored.source_system
            where current_rows.records <> coalesce(stored.records, 0)
        {%- endset -%}
        {%- set differing = run_query(counts_sql).columns[0].values() | list -%}
        {%- for name, relation, id_column in sources if name in differing -%}
            {%- do stale.append(
                "(source_system = '" ~ name ~ "' and source_record_id not in (select "
                ~ id_column ~ " from " ~ relation ~ " where " ~ id_column ~ " is not null))"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if stale -%}
        delete from {{ this }} where {{ stale | join(' or ') }}
    {%- else -%}
        select 'no record to drop' as linkage_records_drop_gone
    {%- endif -%}
{%- endmacro %}
