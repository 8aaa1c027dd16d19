"""Pairwise precision and recall of a clustering against a truth.

Pairs are never enumerated: with ``n_ct`` records in both predicted
cluster c and true person t, the true-positive pairs are sum C(n_ct, 2),
the predicted pairs sum over clusters C(n_c, 2), the true pairs sum over
persons C(n_t, 2).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass
class PairwiseScore:
    records: int
    predicted_pairs: int
    true_pairs: int
    true_positive_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positive_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive_pairs / self.true_pairs if self.true_pairs else 1.0


PAIRWISE_SQL = """
with joined as (
    select links.person_key, truth.true_person_id
    from {links} as links
    inner join {truth} as truth
        on links.source_system = truth.source_system
        and links.source_record_id = truth.source_record_id
    where links.source_system in ({systems})
),
cells as (select person_key, true_person_id, count(*) as n from joined group by all),
clusters as (select person_key, count(*) as n from joined group by all),
persons as (select true_person_id, count(*) as n from joined group by all)
select
    (select count(*) from joined),
    (select coalesce(sum(n * (n - 1) // 2), 0) from clusters),
    (select coalesce(sum(n * (n - 1) // 2), 0) from persons),
    (select coalesce(sum(n * (n - 1) // 2), 0) from cells)
"""


def pairwise_score(
    con: duckdb.DuckDBPyConnection,
    links: str,
    truth: str,
    systems: tuple[str, ...] = ("border_crossings",),
) -> PairwiseScore:
    """Score relation ``links`` (source_system, source_record_id, person_key,
    record ids in clear) against ``truth`` (source_system, source_record_id,
    true_person_id)."""
    in_list = ", ".join(f"'{s}'" for s in systems)
    row = con.sql(PAIRWISE_SQL.format(links=links, truth=truth, systems=in_list)).fetchone()
    return PairwiseScore(*(int(v) for v in row))
