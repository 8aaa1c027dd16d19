"""Keyed hashes of the register identifiers that person_links publishes:
the national ID (citizens) and the passport number (passports), HMAC-SHA256
with the key from MIGSTAT_HMAC_KEY (doc: person_links)."""


def model(dbt, session):
    dbt.config(materialized="table")
    import pandas as pd

    from migstat.linkage.keys import hmac_key, keyed_hashes

    records = (
        dbt.ref("int_linkage_records")
        .query(
            "linkage_records",
            """
        select source_system, source_record_id
        from linkage_records
        where source_system in ('citizens', 'passports')
        """,
        )
        .df()
    )
    key = hmac_key()
    hashed = []
    for system, purpose in (("citizens", "national_id"), ("passports", "passport_number")):
        part = records[records["source_system"] == system].copy()
        part["pseudonymised_record_id"] = keyed_hashes(part["source_record_id"], purpose, key)
        hashed.append(part)
    return pd.concat(hashed, ignore_index=True)
