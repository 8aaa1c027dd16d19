"""Persons: connected components of the deterministic clusters joined by
the probabilistic links at or above the threshold (clusters are
transitive), each with its person key.

The person key is the keyed hash (HMAC-SHA256, key from
MIGSTAT_HMAC_KEY) of the smallest record id (`source_system:source_record_id`)
of the person's records: stable while that record exists, and no
identifier in clear (doc: person_key).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import pandas as pd

    from migstat.linkage.graph import components
    from migstat.linkage.keys import hmac_key, person_key

    profiles = (
        dbt.ref("int_deterministic_cluster_profiles")
        .query("profiles", "select cluster_id, smallest_record_id from profiles")
        .df()
    )
    links = (
        dbt.ref("int_record_links_probabilistic")
        .query("links", "select cluster_id_l, cluster_id_r from links where is_link")
        .df()
    )
    labelled = components(
        profiles["cluster_id"], links["cluster_id_l"], links["cluster_id_r"]
    ).rename(columns={"node": "cluster_id", "component": "person_component"})
    clusters = profiles.merge(labelled, on="cluster_id", how="left")
    smallest = clusters.groupby("person_component")["smallest_record_id"].transform("min")
    key = hmac_key()
    unique_smallest = pd.unique(smallest)
    keys = dict(zip(unique_smallest, (person_key(s, key) for s in unique_smallest), strict=True))
    return pd.DataFrame(
        {
            "cluster_id": clusters["cluster_id"].astype("int64"),
            "person_key": smallest.map(keys),
            "cluster_count": clusters.groupby("person_component")["cluster_id"].transform("size"),
        }
    )
