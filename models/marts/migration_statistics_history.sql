{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='vintage',
        on_schema_change='append_new_columns',
        full_refresh=false,
    )
}}
-- Every vintage of the statistics ever computed, kept: a rebuild at a new
-- cut-off adds its rows; a rebuild at the same cut-off replaces that
-- vintage only. Provisional figures of a past vintage are compared with
-- the final ones of a later vintage from here. Never rebuilt from
-- scratch, even by `--full-refresh`: the past vintages exist nowhere else.
with

statistics as (
    select * from {{ ref('migration_statistics') }}
),

final as (
    select
        statistics.*,
        current_timestamp as computed_at
    from statistics
)

select * from final
