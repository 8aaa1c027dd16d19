-- Which person every source record belongs to (publication.md): every
-- record of the border crossings, work permits, citizens and passports
-- that is not voided, exactly once. NID and PASSPORT_NO are published as
-- their keyed hash (doc: person_links).
with

record_keys as (
    select * from {{ ref('int_record_person_keys') }}
),

pseudonyms as (
    select * from {{ ref('int_identifier_pseudonyms') }}
),

final as (
    select
        record_keys.source_system,
        coalesce(pseudonyms.pseudonymised_record_id, record_keys.source_record_id) as source_record_id,
        record_keys.person_key
    from record_keys
    left join pseudonyms
        on
            record_keys.source_system = pseudonyms.source_system
            and record_keys.source_record_id = pseudonyms.source_record_id
)

select * from final
