-- The linked records of each person tallied per source, document and
-- combination of the attributes the person dimension chooses from (a few
-- rows per person): what int_persons chooses from. A table of its own so
-- that, at national scale (27 million records), the choices read these
-- tallies from the file instead of holding the joined records in memory
-- five times over. Restricted: dates of birth.
with

record_keys as (
    select * from {{ ref('int_record_person_keys') }}
),

records as (
    select * from {{ ref('int_linkage_records') }}
),

final as (
    select
        record_keys.person_key,
        records.source_system,
        records.document_node,
        records.birth_date,
        records.birth_date_precision,
        records.sex,
        records.citizenship_iso3,
        records.previous_citizenship_iso3,
        min(records.attribute_priority) as attribute_priority,
        count(*) as record_count
    from records
    inner join record_keys
        on records.record_id = record_keys.record_id
    group by all
)

select * from final
