"""Disclosure control status of every cell of migration_statistics.

The rule lives in ``migstat.publication.disclosure`` (methodology.md
section 5), where it is unit-tested; this model applies it with the
project's ``min_cell_size``.
"""

from migstat.publication.disclosure import KEY, suppress


def model(dbt, session):
    dbt.config(materialized="table")
    min_cell_size = int(dbt.config.get("min_cell_size") or 5)
    statistics = dbt.ref("migration_statistics").df()
    controlled = suppress(statistics, min_cell_size=min_cell_size)
    return controlled[[*KEY, "vintage", "conf_status"]]
