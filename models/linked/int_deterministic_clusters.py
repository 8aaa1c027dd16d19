"""Deterministic clusters: connected components of the identifier nodes.

Every node a record carries as its own (`primary_node` of
int_linkage_records) and every node an edge of
int_record_links_deterministic touches gets the number of its component
(`cluster_id`). Records of one cluster belong to one person by the
deterministic rules alone (doc: linkage_deterministic_rules).

DuckDB numbers the nodes in sorted order and turns the edges into integer
pairs; only those two integer arrays reach Python (scipy), and only the
component of each node id comes back: the node strings never leave DuckDB.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import numpy as np
    import pyarrow as pa

    from migstat.linkage.graph import component_labels

    records = dbt.ref("int_linkage_records").sql_query()
    edges = dbt.ref("int_record_links_deterministic").sql_query()
    # sorted numbering: the cluster ids must not depend on the order rows arrive in
    session.execute(
        f"""
        create or replace temp table linkage_node_ids as
        select node, row_number() over (order by node) - 1 as node_id
        from (
            select primary_node as node from ({records}) as records
            union
            select node_from from ({edges}) as edges
            union
            select node_to from ({edges}) as edges
        ) as nodes
        """
    )
    n = session.sql("select count(*) from linkage_node_ids").fetchone()[0]
    pairs = session.sql(
        f"""
        select node_from.node_id as node_id_from, node_to.node_id as node_id_to
        from (select distinct node_from, node_to from ({edges}) as edges) as edges
        inner join linkage_node_ids as node_from on edges.node_from = node_from.node
        inner join linkage_node_ids as node_to on edges.node_to = node_to.node
        """
    ).fetchnumpy()
    labels = component_labels(n, pairs["node_id_from"], pairs["node_id_to"])
    session.register(
        "linkage_node_components",
        pa.table({"node_id": np.arange(n, dtype=np.int64), "cluster_id": labels}),
    )
    return session.sql(
        """
        select linkage_node_ids.node, linkage_node_components.cluster_id
        from linkage_node_ids
        inner join linkage_node_components
            on linkage_node_ids.node_id = linkage_node_components.node_id
        """
    )
