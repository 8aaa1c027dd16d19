"""Disclosure control of the long statistics table (methodology.md section 5).

Primary suppression: a cell counting more than 0 and fewer than
``min_cell_size`` persons is not published (status ``C``). Zeros are
published.

Secondary suppression: the published table holds, for each indicator and
period, additive relations between cells: the total equals the sum of the
cells of each one-way breakdown (sex, age group, citizenship, citizenship
group, reason), and the cells of each two-way table (citizenship by sex,
age group by sex) add up to the one-way cells along either dimension. A
relation with exactly one suppressed member would give that member away by
subtraction, so the smallest other non-zero part of that relation is
suppressed too (status ``D``); if no such part is left, its total is. This
repeats until no relation has exactly one suppressed member. Net migration
is the difference of immigration and emigration, so a net-migration cell is
suppressed (``D``) wherever the matching immigration or emigration cell is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY = [
    "indicator_code",
    "freq",
    "time_period",
    "sex",
    "age_group",
    "citizenship",
    "citizenship_group",
    "reason",
]
ONE_WAY = ["sex", "age_group", "citizenship", "citizenship_group", "reason"]
# the two-way tables published: citizenship by sex, age group by sex
TWO_WAY = [("citizenship", "sex"), ("age_group", "sex")]
TOTAL = "_T"


def _relations(cells: pd.DataFrame) -> pd.DataFrame:
    """Membership of cells in additive relations: relation id, cell id, is_total."""
    dims = cells[ONE_WAY]
    is_total = dims.eq(TOTAL)
    n_total = is_total.sum(axis=1)
    period = cells["indicator_code"] + "|" + cells["freq"] + "|" + cells["time_period"]
    parts: list[pd.DataFrame] = []

    grand = n_total == len(ONE_WAY)
    for dim in ONE_WAY:
        one_way = (n_total == len(ONE_WAY) - 1) & ~is_total[dim]
        parts.append(
            pd.DataFrame(
                {
                    "relation": period[one_way] + "|" + dim,
                    "cell": cells.index[one_way],
                    "is_total": False,
                }
            )
        )
        parts.append(
            pd.DataFrame(
                {
                    "relation": period[grand] + "|" + dim,
                    "cell": cells.index[grand],
                    "is_total": True,
                }
            )
        )

    for row_dim, column_dim in TWO_WAY:
        two_way = (n_total == len(ONE_WAY) - 2) & ~is_total[row_dim] & ~is_total[column_dim]
        for fixed, summed in ((row_dim, column_dim), (column_dim, row_dim)):
            # for each value of `fixed`: the cells over `summed` add up to the
            # one-way cell of that value of `fixed`
            margin = (n_total == len(ONE_WAY) - 1) & ~is_total[fixed]
            name = f"|{fixed}x{summed}="
            parts.append(
                pd.DataFrame(
                    {
                        "relation": period[two_way] + name + cells[fixed][two_way],
                        "cell": cells.index[two_way],
                        "is_total": False,
                    }
                )
            )
            parts.append(
                pd.DataFrame(
                    {
                        "relation": period[margin] + name + cells[fixed][margin],
                        "cell": cells.index[margin],
                        "is_total": True,
                    }
                )
            )
    relations = pd.concat(parts, ignore_index=True)
    # a relation needs parts to say anything
    has_parts = relations.groupby("relation")["is_total"].transform(lambda s: (~s).any())
    return relations[has_parts].reset_index(drop=True)


def suppress(statistics: pd.DataFrame, min_cell_size: int = 5) -> pd.DataFrame:
    """Return ``statistics`` with ``conf_status`` (F, C, D) and a suppressed ``obs_value``."""
    # a fixed order: ties between equal cells are broken by position
    cells = (
        statistics.reset_index(drop=True)
        .rename_axis("input_position")
        .reset_index()
        .sort_values(KEY, kind="stable")
        .reset_index(drop=True)
    )
    value = cells["obs_value"].to_numpy(dtype=float)
    status = np.full(len(cells), "F", dtype=object)
    is_net = (cells["indicator_code"] == "NET_MIG").to_numpy()
    primary = (value > 0) & (value < min_cell_size) & ~is_net
    status[primary] = "C"

    relations = _relations(cells[~is_net])
    relations["value"] = value[relations["cell"].to_numpy()]
    for _ in range(1000):
        suppressed = status[relations["cell"].to_numpy()] != "F"
        per_relation = pd.Series(suppressed).groupby(relations["relation"]).transform("sum")
        exposed = relations[(per_relation == 1).to_numpy()]
        if exposed.empty:
            break
        exposed_suppressed = status[exposed["cell"].to_numpy()] != "F"
        candidates = exposed[~exposed_suppressed]
        parts = candidates[(~candidates["is_total"]) & (candidates["value"] > 0)]
        chosen = parts.sort_values(["relation", "value", "cell"]).drop_duplicates("relation")
        # relations with no non-zero part left: suppress their total
        missing = set(exposed["relation"]) - set(chosen["relation"])
        totals = candidates[candidates["is_total"] & candidates["relation"].isin(missing)]
        to_suppress = np.concatenate([chosen["cell"].to_numpy(), totals["cell"].to_numpy()])
        if len(to_suppress) == 0:
            break
        status[to_suppress] = "D"

    # net migration follows immigration and emigration
    flows = cells.assign(status=status)
    key_no_indicator = [k for k in KEY if k != "indicator_code"]
    hidden = (
        flows[flows["indicator_code"].isin(["IMM", "EMI"]) & (flows["status"] != "F")][
            key_no_indicator
        ]
        .drop_duplicates()
        .assign(hide=True)
    )
    net = flows[is_net][key_no_indicator].merge(hidden, how="left", on=key_no_indicator)
    net_hidden = net["hide"].fillna(False).to_numpy(dtype=bool)
    net_index = np.flatnonzero(is_net)
    status[net_index[net_hidden]] = "D"

    cells["conf_status"] = status
    cells.loc[cells["conf_status"] != "F", "obs_value"] = np.nan
    # hand the rows back in the order they came in
    return cells.sort_values("input_position").drop(columns="input_position").reset_index(drop=True)
