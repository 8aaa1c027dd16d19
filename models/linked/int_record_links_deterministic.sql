-- The deterministic links (doc: linkage_deterministic_rules), as edges
-- between identifier nodes: a record that carries two nodes ties them
-- together (a passport-register row ties a Maldivian passport to its
-- national ID; a WORK crossing ties its travel document to its permit; a
-- permit ties its permit number to the passport typed on it). One row per
-- distinct edge and rule, with the number of records that support it.
-- Records sharing a node need no edge: they map to the same node.
with

records as (
    select * from {{ ref('int_linkage_records') }}
),

edges as (
    select
        records.primary_node as node_from,
        records.national_id_node as node_to,
        case records.source_system
            when 'passports' then 'passport_register_national_id'
            else 'national_id_on_crossing'
        end as link_rule,
        records.source_system
    from records
    where
        records.national_id_node is not null
        and records.national_id_node <> records.primary_node
    union all
    select
        records.primary_node as node_from,
        records.permit_node as node_to,
        case records.source_system
            when 'work_permits' then 'permit_passport_number'
            else 'permit_number_on_work_crossing'
        end as link_rule,
        records.source_system
    from records
    where
        records.permit_node is not null
        and records.permit_node <> records.primary_node
),

final as (
    select
        edges.node_from,
        edges.node_to,
        edges.link_rule,
        count(*) as record_count
    from edges
    group by edges.node_from, edges.node_to, edges.link_rule
)

select * from final
