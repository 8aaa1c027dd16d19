"""Truth: the residence rule on the clean histories and the statistics it implies."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import population as pop
from . import reference as ref
from .residence import classify_arrays

AGE_BREAKS = [15, 25, 35, 45, 55, 65]
AGE_CODES = np.array(
    ["Y0T14", "Y15T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y_GE65"], dtype=object
)
# citizenship code of a person's recorded nationality (methodology.md section 4)
ICAO_TO_ISO = {"D": "DEU", "D<<": "DEU", "RKS": "XKX", "UNK": "XKX", "XXA": "XXA"}
for _c in ("GBD", "GBN", "GBO", "GBP", "GBS"):
    ICAO_TO_ISO[_c] = "GBR"
for _c in ("XXB", "XXC", "XXX", "UNO", "UNA", "EUE"):
    ICAO_TO_ISO[_c] = "_U"

REASONS = np.array(["WORK", "FAMILY", "STUDY", "TOURISM", "OTHER", "_U"], dtype=object)
# reason from the visa type: code, -1 not informative, -2 tourist visa
_VISA_REASON = {
    "WORK": 0,
    "DEPENDENT": 1,
    "MARRIAGE": 1,
    "STUDENT": 2,
    "BUSINESS": 4,
    "CREW": 4,
    "TRANSIT": 4,
    "DIPLOMATIC": 4,
    "TOURIST": -2,
}
# reason from the declared purpose: code, -1 not informative, -2 holiday
_PURPOSE_REASON = {
    "EMPLOYMENT": 0,
    "FAMILY": 1,
    "EDUCATION": 2,
    "HOLIDAY": -2,
    "BUSINESS": 4,
    "MEDICAL": 4,
    "TRANSIT": 4,
    "OTHER": 4,
}
SEXES = np.array(["M", "F"], dtype=object)
CGROUPS = np.array(["CIT", "FOR"], dtype=object)


def classify_world(world, chunk: int = 2_000_000) -> dict:
    """The residence rule on every true crossing, in chunks of whole persons."""
    x, p = world.crossings, world.persons
    n = len(x["pid"])
    cuts = [0]
    while cuts[-1] < n:
        c = min(cuts[-1] + chunk, n)
        if c < n:  # move the cut to a person boundary
            c = int(np.searchsorted(x["pid"], x["pid"][c], side="left"))
            if c <= cuts[-1]:
                c = int(np.searchsorted(x["pid"], x["pid"][cuts[-1]], side="right"))
        cuts.append(c)
    parts: dict[str, list] = {}
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        pid = x["pid"][a:b]
        r = classify_arrays(pid, x["day"][a:b], x["arr"][a:b], p["init_res"][pid])
        for k, v in r.items():
            parts.setdefault(k, []).append(v.astype(np.int32) if v.dtype == np.int64 else v)
    return {k: np.concatenate(v) for k, v in parts.items()}


def age_index(dob: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Index into AGE_CODES of the completed age at ``at`` (day numbers)."""
    return np.searchsorted(AGE_BREAKS, age_years(dob, at), side="right").astype(np.int8)


def age_years(dob, at) -> np.ndarray:
    """Completed years of age at ``at`` of persons born on ``dob`` (day numbers)."""
    d = np.asarray(dob).astype("datetime64[D]")
    t = np.asarray(at).astype("datetime64[D]")
    yd = d.astype("datetime64[Y]").astype(int)
    yt = t.astype("datetime64[Y]").astype(int)
    dm = d.astype("datetime64[M]").astype(int) % 12
    tm = t.astype("datetime64[M]").astype(int) % 12
    dd = (d - d.astype("datetime64[M]")).astype(int)
    td = (t - t.astype("datetime64[M]")).astype(int)
    before = (tm < dm) | ((tm == dm) & (td < dd))
    return yt - yd - before.astype(int)


def citizenship_labels(world) -> tuple[np.ndarray, np.ndarray]:
    """(labels, code -> label index) for recorded nationality codes; label 0 is MDV."""
    iso = [ICAO_TO_ISO.get(c, c) for c in world.code_list]
    labels = ["MDV"] + sorted(set(iso) - {"MDV"})
    pos = {c: i for i, c in enumerate(labels)}
    return np.array(labels, dtype=object), np.array([pos[c] for c in iso])


def citizenship_code(world, pid, d) -> np.ndarray:
    """Citizenship (index into citizenship_labels) of persons ``pid`` at days ``d``."""
    _labels, lut = citizenship_labels(world)
    code = lut[world.persons["nat_code"][pid]]
    return np.where(pop.is_citizen(world, pid, d), 0, code).astype(np.int16)


def reason_of(visa, purpose, has_permit, visitor: np.ndarray) -> np.ndarray:
    """Reason code (index into REASONS): visa type first, permit second, purpose third.

    A tourist visa or a holiday purpose gives TOURISM for visitors (temporary mobility)
    and OTHER for migrations; a returning-resident purpose and the CITIZEN, RESIDENT and
    OTHER visas say nothing, so such a crossing with nothing else is ``_U``.
    """
    vr = np.array([_VISA_REASON.get(v, -1) for v in pop.VISAS] + [-1])[visa]
    pr = np.array([_PURPOSE_REASON.get(v, -1) for v in pop.PURPOSES] + [-1])[purpose]
    tourist_visa = vr == -2
    out = np.where(tourist_visa, np.where(visitor, 3, -1), vr)
    out = np.where((out == -1) & has_permit, 0, out)
    pr = np.where(pr == -2, np.where(visitor, 3, 4), pr)
    out = np.where(out == -1, pr, out)
    out = np.where((out == -1) & tourist_visa, 4, out)
    return np.where(out == -1, 5, out).astype(np.int8)


def _periods(days: np.ndarray) -> dict[str, np.ndarray]:
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(int) + 1970
    m = d.astype("datetime64[M]").astype(int) % 12 + 1
    ys = y.astype(str).astype(object)
    ms = np.char.zfill(m.astype(str), 2).astype(object)
    q = ((m - 1) // 3 + 1).astype(str).astype(object)
    return {"A": ys, "Q": ys + "-Q" + q, "M": ys + "-" + ms}


def _all_periods() -> dict[str, list[str]]:
    days = np.arange(pop.OBS_START, pop.OBS_END + 1)
    per = _periods(days)
    return {k: sorted(set(v)) for k, v in per.items()}


BREAKDOWNS = [
    (),
    ("sex",),
    ("age_group",),
    ("citizenship",),
    ("citizenship", "sex"),
    ("citizenship_group",),
]
DIMS = ["sex", "age_group", "citizenship", "citizenship_group", "reason"]
COLS = [
    "indicator_code",
    "ref_area",
    "freq",
    "time_period",
    "sex",
    "age_group",
    "citizenship",
    "citizenship_group",
    "reason",
    "obs_value",
]


def _aggregate(world, period, sex, age, cit, reason) -> pd.DataFrame:
    """Count events by the full cross of (period, breakdowns), with labels."""
    labels, _lut = citizenship_labels(world)
    df = pd.DataFrame({"period": period, "sex": sex, "age": age, "cit": cit, "reason": reason})
    agg = df.groupby(list(df.columns), observed=True).size().rename("n").reset_index()
    return pd.DataFrame(
        {
            "period": agg["period"].to_numpy(),
            "sex": SEXES[agg["sex"].to_numpy() - 1],
            "age_group": AGE_CODES[agg["age"].to_numpy()],
            "citizenship": labels[agg["cit"].to_numpy()],
            "citizenship_group": CGROUPS[(agg["cit"].to_numpy() != 0).astype(int)],
            "reason": REASONS[agg["reason"].to_numpy()],
            "n": agg["n"].to_numpy(),
        }
    )


def _cube(agg: pd.DataFrame, indicator: str, freq: str, periods: list[str], breakdowns):
    """Every breakdown of the aggregate ``agg``, zero-filled over ``periods``."""
    out = []
    for bd in breakdowns:
        cols = list(bd)
        cnt = agg.groupby(["period", *cols], observed=True)["n"].sum()
        combos = agg[cols].drop_duplicates() if cols else pd.DataFrame(index=[0])
        grid = pd.DataFrame({"period": periods}).merge(combos, how="cross")
        keys = ["period", *cols]
        grid = grid.merge(cnt.rename("obs_value").reset_index(), on=keys, how="left")
        grid["obs_value"] = grid["obs_value"].fillna(0).astype(float)
        for dname in DIMS:
            if dname not in cols:
                grid[dname] = "_T"
        grid["indicator_code"] = indicator
        grid["freq"] = freq
        grid["time_period"] = grid["period"]
        out.append(grid)
    df = pd.concat(out, ignore_index=True)
    df["ref_area"] = "MDV"
    return df[COLS]


def compute_statistics(world, cls: dict) -> pd.DataFrame:
    """The statistics of methodology.md section 4 on the clean histories (long format)."""
    x, p = world.crossings, world.persons
    obs = (x["day"] >= pop.OBS_START) & (x["day"] <= pop.OBS_END)
    idx = np.flatnonzero(obs)
    pid = x["pid"][idx]
    d = x["day"][idx]
    arr = x["arr"][idx]
    before = cls["is_resident_before"][idx]
    mig = cls["is_migration"][idx]
    visitor = arr & ~before & ~mig
    sex = p["sex"][pid]
    age = age_index(p["dob"][pid], d)
    cit = citizenship_code(world, pid, d)
    reason = reason_of(x["visa"][idx], x["purpose"][idx], x["permit"][idx] >= 0, visitor)
    month = d.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    allp = _all_periods()
    frames = []
    kinds = {"IMM": arr & mig, "EMI": ~arr & mig, "TMP_ARR": visitor}
    for ind, m in kinds.items():
        agg = _aggregate(world, month[m], sex[m], age[m], cit[m], reason[m])
        months = agg["period"].to_numpy().astype("datetime64[M]")
        per = _periods(months.astype("datetime64[D]"))
        for freq in ("M", "Q", "A"):
            a2 = agg.assign(period=per[freq])
            frames.append(_cube(a2, ind, freq, allp[freq], BREAKDOWNS + [("reason",)]))
    flows = pd.concat(frames, ignore_index=True)
    key = [c for c in COLS if c not in ("indicator_code", "obs_value")]
    imm = flows[(flows.indicator_code == "IMM") & (flows.reason == "_T")]
    emi = flows[(flows.indicator_code == "EMI") & (flows.reason == "_T")]
    net = imm.merge(emi, on=key, how="outer", suffixes=("_i", "_e"))
    net["obs_value"] = net["obs_value_i"].fillna(0) - net["obs_value_e"].fillna(0)
    net["indicator_code"] = "NET_MIG"
    net = net[COLS]
    stocks = _stocks(world, cls)
    out = pd.concat([flows, net, stocks], ignore_index=True)
    return out.sort_values(
        ["indicator_code", "freq", "time_period", *DIMS], kind="stable"
    ).reset_index(drop=True)


def stock_dates() -> list[int]:
    qe = pd.date_range("2019-03-31", "2025-06-30", freq="QE")
    return sorted({pop.day(str(d.date())) for d in qe} | {pop.CENSUS_DAY})


def resident_on(world, cls: dict, pids: np.ndarray, d: int) -> np.ndarray:
    """Usual residence at the end of day ``d`` of persons ``pids`` (alive and born)."""
    x, p = world.crossings, world.persons
    key = x["pid"].astype(np.int64) * (1 << 32) + x["day"]
    q = pids.astype(np.int64) * (1 << 32) + d
    j = np.searchsorted(key, q, side="right") - 1
    jj = np.maximum(j, 0)
    has = (j >= 0) & (x["pid"][jj] == pids)
    state = np.where(has, cls["is_resident_after"][jj], p["init_res"][pids])
    alive = (p["death"][pids] > d) & (p["dob"][pids] <= d)
    return state & alive


def _stocks(world, cls) -> pd.DataFrame:
    x, p = world.crossings, world.persons
    n = len(p["dob"])
    ever_res = p["init_res"].copy()
    np.logical_or.at(ever_res, x["pid"], cls["is_resident_after"])
    cand = np.flatnonzero(ever_res | (p["cit_from"] < pop.BIG))
    in_obs = (x["day"] >= pop.OBS_START) & (x["day"] <= pop.OBS_END)
    imm = in_obs & x["arr"] & cls["is_migration"]
    emi = in_obs & ~x["arr"] & cls["is_migration"]
    first_imm = np.full(n, pop.BIG, np.int64)
    np.minimum.at(first_imm, x["pid"][imm], x["day"][imm])
    first_emi = np.full(n, pop.BIG, np.int64)
    np.minimum.at(first_emi, x["pid"][emi], x["day"][emi])
    born_abroad = p["birth_c"][cand] != ref.MDV
    sex = p["sex"][cand]
    parts: dict[str, list[pd.DataFrame]] = {}
    for d in stock_dates():
        res = resident_on(world, cls, cand, d)
        dd = np.full(len(cand), d)
        citz = pop.is_citizen(world, cand, dd)
        alive = (p["death"][cand] > d) & (p["dob"][cand] <= d)
        sets = {
            "RES_POP": res,
            "MIG_STOCK": res & (~citz | born_abroad),
            "RET_STOCK": res & citz & ~born_abroad & (first_imm[cand] <= d),
            "CIT_ABROAD": citz & alive & ~res & (first_emi[cand] <= d),
        }
        age = age_index(p["dob"][cand], dd)
        cit = citizenship_code(world, cand, dd)
        ts = str(np.datetime64(int(d), "D"))
        for ind, m in sets.items():
            k = int(m.sum())
            agg = _aggregate(world, np.full(k, ts), sex[m], age[m], cit[m], np.full(k, 5))
            parts.setdefault(ind, []).append(agg)
    frames = []
    periods = [str(np.datetime64(int(d), "D")) for d in stock_dates()]
    for ind, aggs in parts.items():
        agg = pd.concat(aggs, ignore_index=True)
        agg["reason"] = "_T"
        frames.append(_cube(agg, ind, "D", periods, BREAKDOWNS))
    return pd.concat(frames, ignore_index=True)
