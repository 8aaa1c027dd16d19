"""Disclosure control: primary and secondary suppression (methodology.md section 5)."""

from __future__ import annotations

import pandas as pd

from migstat.publication.disclosure import suppress

T = "_T"


def cell(indicator="IMM", sex=T, age=T, cit=T, group=T, reason=T, value=0.0, period="2024"):
    return {
        "indicator_code": indicator,
        "freq": "A",
        "time_period": period,
        "sex": sex,
        "age_group": age,
        "citizenship": cit,
        "citizenship_group": group,
        "reason": reason,
        "obs_value": value,
    }


def status_of(result: pd.DataFrame, **where) -> str:
    mask = pd.Series(True, index=result.index)
    names = {"age": "age_group", "cit": "citizenship", "group": "citizenship_group"}
    for key, value in where.items():
        mask &= result[names.get(key, key)] == value
    (status,) = result.loc[mask, "conf_status"]
    return status


def test_small_counts_are_suppressed_and_zeros_published():
    table = pd.DataFrame(
        [cell(value=103), cell(sex="M", value=100), cell(sex="F", value=3), cell(sex="_U", value=0)]
    )
    result = suppress(table, min_cell_size=5)
    assert status_of(result, sex="F") == "C"
    assert status_of(result, sex="_U") == "F"
    assert pd.isna(result.loc[result["sex"] == "F", "obs_value"]).all()


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it():
    table = pd.DataFrame(
        [
            cell(value=130),
            cell(sex="M", value=100),
            cell(sex="F", value=27),
            cell(sex="_U", value=3),
        ]
    )
    result = suppress(table, min_cell_size=5)
    assert status_of(result, sex="_U") == "C"
    assert status_of(result, sex="F") == "D"
    assert status_of(result, sex="M") == "F"


def test_when_no_other_part_is_left_the_total_is_suppressed():
    table = pd.DataFrame([cell(value=3), cell(sex="M", value=3), cell(sex="F", value=0)])
    result = suppress(table, min_cell_size=5)
    assert status_of(result, sex="M") == "C"
    assert status_of(result, sex=T) == "C"  # the total itself is small


def test_citizenship_by_sex_is_protected_along_both_margins():
    rows = [cell(value=200)]
    rows += [cell(sex="M", value=150), cell(sex="F", value=50)]
    rows += [cell(cit="IND", value=120), cell(cit="BGD", value=80)]
    rows += [
        cell(cit="IND", sex="M", value=118),
        cell(cit="IND", sex="F", value=2),
        cell(cit="BGD", sex="M", value=32),
        cell(cit="BGD", sex="F", value=48),
    ]
    result = suppress(pd.DataFrame(rows), min_cell_size=5)
    assert status_of(result, cit="IND", sex="F") == "C"
    # along sex within India, and along citizenship within females
    assert status_of(result, cit="IND", sex="M") == "D"
    assert status_of(result, cit="BGD", sex="F") == "D"
    suppressed = result[result["conf_status"] != "F"]
    # no relation is left with exactly one suppressed member
    for cit in ("IND", "BGD"):
        members = result[(result["citizenship"] == cit)]
        assert (members["conf_status"] != "F").sum() != 1
    for sex in ("M", "F"):
        members = result[(result["sex"] == sex)]
        assert (members["conf_status"] != "F").sum() != 1
    assert len(suppressed) >= 3


def test_net_migration_is_hidden_where_immigration_or_emigration_is():
    rows = [
        cell("IMM", value=100),
        cell("IMM", sex="M", value=97),
        cell("IMM", sex="F", value=3),
        cell("EMI", value=50),
        cell("EMI", sex="M", value=25),
        cell("EMI", sex="F", value=25),
        cell("NET_MIG", value=50),
        cell("NET_MIG", sex="M", value=72),
        cell("NET_MIG", sex="F", value=-22),
    ]
    result = suppress(pd.DataFrame(rows), min_cell_size=5)
    assert status_of(result, indicator_code="NET_MIG", sex="F") == "D"
    assert status_of(result, indicator_code="NET_MIG", sex="M") == "D"
    assert status_of(result, indicator_code="NET_MIG", sex=T) == "F"
