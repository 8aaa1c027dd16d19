"""Persons: connected components of the deterministic clusters joined by
the probabilistic links at or above the threshold (clusters are
transitive), each with its person key and person id.

The person key is the keyed hash (HMAC-SHA256, key from
MIGSTAT_HMAC_KEY) of the smallest record id (`source_system:source_record_id`)
of the person's records: stable while that record exists, and no
identifier in clear (doc: person_key).

The person id is the number of the person's component (0, 1, ... in
order of the person's smallest cluster id): an integer for the joins and
groupings inside one build of the linked layer (27 million records at
national scale), never published and not stable from one build to the
next. The person key is what other models and the marts carry.

Cluster ids are integers; only the linked pairs and the number of clusters
reach Python (scipy), the component of each cluster goes back to DuckDB,
which computes the smallest record id and its keyed hash
(`migstat.linkage.keys.person_key_sql`, equal to `person_key`).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import numpy as np
    import pyarrow as pa

    from migstat.linkage.graph import component_labels
    from migstat.linkage.keys import person_key_sql

    profiles = dbt.ref("int_deterministic_cluster_profiles").sql_query()
    links = dbt.ref("int_record_links_probabilistic").sql_query()
    n = session.sql(f"select coalesce(max(cluster_id) + 1, 0) from ({profiles}) as p").fetchone()[0]
    pairs = session.sql(
        f"select cluster_id_l, cluster_id_r from ({links}) as links where is_link"
    ).fetchnumpy()
    labels = component_labels(n, pairs["cluster_id_l"], pairs["cluster_id_r"])
    session.register(
        "linkage_cluster_components",
        pa.table({"cluster_id": np.arange(n, dtype=np.int64), "person_component": labels}),
    )
    return session.sql(
        f"""
        with clusters as (
            select profiles.cluster_id, profiles.smallest_record_id, components.person_component
            from ({profiles}) as profiles
            inner join linkage_cluster_components as components
                on profiles.cluster_id = components.cluster_id
        ),
        persons as (
            select
                person_component,
                min(smallest_record_id) as smallest_record_id,
                count(*) as cluster_count
            from clusters
            group by person_component
        ),
        keyed as (
            select
                person_component,
                {person_key_sql("smallest_record_id")} as person_key,
                cluster_count
            from persons
        )
        select
            clusters.cluster_id,
            clusters.person_component as person_id,
            keyed.person_key,
            keyed.cluster_count
        from clusters
        inner join keyed on clusters.person_component = keyed.person_component
        """
    )
