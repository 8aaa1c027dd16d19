"""Truth: the residence rule on the clean histories and the statistics it implies.

Two truths are computed from the same simulated world:

* the **history truth** (:func:`classify_world`, :func:`compute_statistics` on the world):
  the rule on every person's complete clean history since the simulation start
  (2015), with the true state before it; what really happened;
* the **methodology truth** (:func:`methodology_world`, :func:`classify_methodology`):
  methodology.md applied to the clean, correctly linked, complete crossings of the
  observation period only, as the warehouse sees a flawless delivery: the state at the
  start of observation from each person's first observed crossing (section 1, "Start
  of observation"), persons without an observed crossing resident as citizens or on
  the days of a valid work permit, residence ended by death, and the stay assumed
  after a person's last crossing ended by a death known at the data cut-off. The gap
  between the two is the method's own bias; the gap between a warehouse built from
  the flawed delivery and the methodology truth is its processing error.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import deliver
from . import population as pop
from . import reference as ref
from .residence import THRESHOLD_DAYS, WINDOW_DAYS, classify_arrays

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


def classify_world(world, chunk: int = 2_000_000, last_spell: np.ndarray | None = None) -> dict:
    """The residence rule on every crossing of ``world``, in chunks of whole persons.

    ``last_spell`` (aligned with the crossings) replaces the window days a person is
    assumed to stay after the last crossing (see :func:`classify_arrays`).
    """
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
        spell = None if last_spell is None else last_spell[a:b]
        r = classify_arrays(pid, x["day"][a:b], x["arr"][a:b], p["init_res"][pid], last_spell=spell)
        for k, v in r.items():
            parts.setdefault(k, []).append(v.astype(np.int32) if v.dtype == np.int64 else v)
    return {k: np.concatenate(v) for k, v in parts.items()}


# visa types whose holder, departing on a first observed crossing, was a usual resident
# at the start of observation (methodology.md section 1)
RESIDENCE_VISAS = ("WORK", "RESIDENT", "DEPENDENT", "STUDENT", "MARRIAGE")


def permit_spans(world, at: int = pop.OBS_END) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person, first valid day, last valid day) of every work permit issued by ``at``.

    A permit is valid from its issue date to its expiry date (as renewed by ``at``), or
    to the day it was cancelled or transferred to a new employer if earlier.
    """
    pm = world.permits
    o = np.flatnonzero(pm["issue"] <= at)
    expiry, _status, _reason = deliver.permit_status(world, at, o)
    last = np.minimum(expiry, pm["cancel_day"][o].astype(np.int64))
    last = np.where(pm["transferred"][o], np.minimum(last, pm["spell_end"][o]), last)
    return pm["pid"][o].astype(np.int64), pm["issue"][o].astype(np.int64), last


def _spans_frame(world, at: int) -> pd.DataFrame:
    pid, first, last = permit_spans(world, at)
    return pd.DataFrame({"pid": pid, "first": first, "last": last})


def permit_valid_on(world, pids: np.ndarray, days: np.ndarray, at: int = pop.OBS_END):
    """Whether each person ``pids[i]`` held a valid work permit on ``days[i]``."""
    pids = np.asarray(pids, np.int64)
    days = np.broadcast_to(np.asarray(days, np.int64), pids.shape)
    if len(pids) == 0:
        return np.zeros(0, bool)
    spans = getattr(world, "_permit_spans", None)
    if spans is None:
        spans = _spans_frame(world, at)
    q = pd.DataFrame({"pid": pids, "day": days, "i": np.arange(len(pids))})
    m = q.merge(spans, on="pid")
    hit = m["i"].to_numpy()[((m["day"] >= m["first"]) & (m["day"] <= m["last"])).to_numpy()]
    out = np.zeros(len(pids), bool)
    out[hit] = True
    return out


@dataclasses.dataclass
class _MethodWorld(pop.World):
    """A world seen as methodology.md sees it (crossings of the observation period)."""

    _permit_spans: pd.DataFrame | None = None


def methodology_world(world, start: int = pop.OBS_START, end: int = pop.OBS_END):
    """The world restricted to the crossings of ``start`` .. ``end`` (the data cut-off).

    ``persons["init_res"]`` becomes the state at the start of observation that
    methodology.md section 1 derives from each person's first observed crossing: a
    first departure of a citizen, of someone present ``THRESHOLD_DAYS`` days since the
    start, under a residence-type visa (``RESIDENCE_VISAS``) or with a valid work
    permit that day makes a usual resident; a first arrival only a citizen absent
    fewer than ``THRESHOLD_DAYS`` days. ``persons["no_crossings"]`` marks persons with
    no crossing in the period: :func:`resident_on` makes them usual residents while
    citizens, or on the days a work permit of theirs is valid.
    """
    x, p = world.crossings, world.persons
    keep = (x["day"] >= start) & (x["day"] <= end)
    xm = {k: v[keep] for k, v in x.items()}
    spans = _spans_frame(world, end)
    n = len(p["dob"])
    pid = xm["pid"]
    first = np.ones(len(pid), bool)
    first[1:] = pid[1:] != pid[:-1]
    fp = pid[first].astype(np.int64)
    fd = xm["day"][first].astype(np.int64)
    citizen = pop.is_citizen(world, fp, fd)
    visa = np.isin(xm["visa"][first], [pop.V[v] for v in RESIDENCE_VISAS])
    mworld = _MethodWorld(
        **{f.name: getattr(world, f.name) for f in dataclasses.fields(pop.World)},
        _permit_spans=spans,
    )
    permit = permit_valid_on(mworld, fp, fd)
    present_long = fd - start >= THRESHOLD_DAYS
    init_first = np.where(
        xm["arr"][first], citizen & ~present_long, citizen | present_long | visa | permit
    )
    init = np.zeros(n, bool)
    init[fp] = init_first
    no_crossings = np.ones(n, bool)
    no_crossings[fp] = False
    mworld.crossings = xm
    mworld.persons = {**p, "init_res": init, "no_crossings": no_crossings}
    return mworld


def classify_methodology(mworld, end: int = pop.OBS_END, chunk: int = 2_000_000) -> dict:
    """The residence rule on the crossings of :func:`methodology_world`.

    After a person's last crossing the person stays where it left them
    (``WINDOW_DAYS``), unless a death known by ``end`` ends that stay first.
    """
    x, p = mworld.crossings, mworld.persons
    death = p["death"][x["pid"]].astype(np.int64)
    spell = np.where(death <= end, np.clip(death - x["day"], 0, WINDOW_DAYS), WINDOW_DAYS).astype(
        np.int64
    )
    return classify_world(mworld, chunk, last_spell=spell)


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
    if "no_crossings" in p:  # methodology truth: no crossing at all
        nc = np.flatnonzero(p["no_crossings"][pids])
        q = pids[nc]
        at = np.full(len(q), d)
        state[nc] = pop.is_citizen(world, q, at) | permit_valid_on(world, q, at)
    alive = (p["death"][pids] > d) & (p["dob"][pids] <= d)
    return state & alive


def _stocks(world, cls) -> pd.DataFrame:
    x, p = world.crossings, world.persons
    n = len(p["dob"])
    ever_res = p["init_res"].copy()
    np.logical_or.at(ever_res, x["pid"], cls["is_resident_after"])
    if "no_crossings" in p:  # methodology truth: permit holders without crossings
        ever_res[world.permits["pid"][p["no_crossings"][world.permits["pid"]]]] = True
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
