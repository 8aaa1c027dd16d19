"""Deterministic clusters: connected components of the identifier nodes.

Every node a record carries as its own (`primary_node` of
int_linkage_records) and every node an edge of
int_record_links_deterministic touches gets the number of its component
(`cluster_id`). Records of one cluster belong to one person by the
deterministic rules alone (doc: linkage_deterministic_rules).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import pandas as pd

    from migstat.linkage.graph import components

    records = dbt.ref("int_linkage_records")
    edges = dbt.ref("int_record_links_deterministic")
    nodes = records.query(
        "linkage_records", "select distinct primary_node from linkage_records"
    ).df()["primary_node"]
    pairs = edges.query(
        "deterministic_edges", "select distinct node_from, node_to from deterministic_edges"
    ).df()
    labelled = components(nodes, pairs["node_from"], pairs["node_to"])
    return pd.DataFrame({"node": labelled["node"].astype(str), "cluster_id": labelled["component"]})
