"""Probabilistic links between deterministic clusters (Splink, DuckDB).

Scores every pair of deterministic clusters that the blocking rules
bring together, with the committed model
(linkage_model/person_model_v4.json; doc: linkage_probabilistic_model),
with its prior rescaled to the number of profiles scored,
and keeps every pair with a match weight of at least 0 for the quality
report. `is_link` marks the pairs at or above the threshold (dbt config
`match_weight_threshold`, from the var `linkage_match_weight_threshold`):
only those join clusters into persons.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import pyarrow as pa
    import pyarrow.compute as pc

    from migstat.linkage import model as linkage_model

    configured = dbt.config.get("match_weight_threshold")
    threshold = float(configured) if configured else linkage_model.DEFAULT_THRESHOLD
    profiles = dbt.ref("int_deterministic_cluster_profiles").query(
        "profiles",
        """
        select cluster_id, surname_std, given_names_std, full_name_std, birth_date,
            birth_date_precision, sex, citizenship_iso3, first_crossing_date,
            last_crossing_date, first_crossing_direction, last_crossing_direction,
            visa_type, national_id_node, previous_citizenship_iso3
        from profiles
        where full_name_std is not null and birth_date is not null
        """,
    )
    table = profiles.arrow()
    if not isinstance(table, pa.Table):
        table = table.read_all()
    # Splink runs in a DuckDB of its own, with a memory cap of its own: the
    # warehouse's buffer pool gives back what it caches meanwhile, so the two
    # caps do not add up (peak memory at national scale, issue 5)
    (warehouse_limit,) = session.execute("select current_setting('memory_limit')").fetchone()
    session.execute("set memory_limit = '1GB'")
    try:
        pairs = linkage_model.predict(table) if table.num_rows > 1 else linkage_model.empty_pairs()
    finally:
        session.execute(f"set memory_limit = '{warehouse_limit}'")
    is_link = pc.greater_equal(pairs["match_weight"], pa.scalar(threshold))
    return pairs.append_column("is_link", is_link).append_column(
        "match_weight_threshold", pa.array([threshold] * pairs.num_rows, pa.float64())
    )
