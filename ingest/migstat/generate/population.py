"""Simulation of the true population and its true travel histories (clean, complete).

Everything here is vectorised with numpy and driven by one ``numpy.random.Generator``.
Days are integer day numbers since 1970-01-01 (local calendar days), times of day are
seconds after local midnight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from migstat.dictionary import VISA_TYPES

from . import reference as ref

EPOCH = np.datetime64("1970-01-01", "D")
BIG = 10**6  # "never" (a day number far in the future)


def day(s: str) -> int:
    return int((np.datetime64(s, "D") - EPOCH).astype(np.int64))


SIM_START = day("2015-01-01")
SIM_END = day("2026-12-31")
OBS_START = day("2019-01-01")
OBS_END = day("2025-06-30")
CENSUS_DAY = day("2022-09-17")
YEAR = 365.25

# groups
CIT, MAR, WRK, DEP_, TOU, BUS, CRW, TRN, RES, STU, DIP, OTH = range(12)
GROUP_NAMES = [
    "citizen",
    "marriage_migrant",
    "worker",
    "dependent",
    "tourist",
    "business",
    "crew",
    "transit",
    "resident_visa",
    "student",
    "diplomat",
    "other_visitor",
]
# the visa codes of the border-control dictionary, in its order
VISAS = list(VISA_TYPES)
V = {v: i for i, v in enumerate(VISAS)}
PURPOSES = [
    "HOLIDAY",
    "BUSINESS",
    "EMPLOYMENT",
    "FAMILY",
    "EDUCATION",
    "MEDICAL",
    "TRANSIT",
    "RETURNING_RESIDENT",
    "OTHER",
]
PU = {p: i for i, p in enumerate(PURPOSES)}

TOURIST_ARRIVALS = {
    2014: 1.20e6,
    2015: 1.234e6,
    2016: 1.286e6,
    2017: 1.39e6,
    2018: 1.484e6,
    2019: 1.703e6,
    2020: 0.555e6,
    2021: 1.322e6,
    2022: 1.675e6,
    2023: 1.878e6,
    2024: 2.047e6,
    2025: 2.2e6,
    2026: 2.3e6,
}
SEASON = np.array([1.15, 1.15, 1.15, 1.0, 0.7, 0.6, 0.8, 0.9, 0.8, 0.95, 1.0, 1.15])
COVID = {
    2020: np.array([1, 1, 0.55, 0, 0, 0, 0.01, 0.08, 0.12, 0.25, 0.35, 0.5]),
    2021: np.array([0.7, 0.7, 0.8, 0.8, 0.3, 0.4, 0.8, 0.9, 0.9, 1, 1, 1]),
}
WORKER_INFLOW = {
    2015: 47e3,
    2016: 48e3,
    2017: 50e3,
    2018: 52e3,
    2019: 54e3,
    2020: 20e3,
    2021: 44e3,
    2022: 62e3,
    2023: 58e3,
    2024: 54e3,
    2025: 54e3,
    2026: 54e3,
}


@dataclass
class World:
    """The simulated country: persons, true crossings, permits (all numpy arrays)."""

    scale: float
    persons: dict = field(default_factory=dict)
    crossings: dict = field(default_factory=dict)
    permits: dict = field(default_factory=dict)
    employers: dict = field(default_factory=dict)
    vocab: np.ndarray | None = None
    code_list: np.ndarray | None = None
    names: tuple | None = None


class _Acc:
    """Accumulates column chunks and concatenates them."""

    def __init__(self):
        self.chunks: list[dict] = []
        self.n = 0

    def add(self, **cols) -> np.ndarray:
        k = len(next(iter(cols.values())))
        self.chunks.append(cols)
        ids = np.arange(self.n, self.n + k, dtype=np.int64)
        self.n += k
        return ids

    def concat(self, defaults: dict) -> dict:
        """Concatenate column by column, releasing the chunks' columns as it goes."""
        sizes = [len(next(iter(c.values()))) for c in self.chunks]
        out = {}
        for name, (dtype, default) in defaults.items():
            parts = []
            for c, k in zip(self.chunks, sizes, strict=True):
                if name in c:
                    parts.append(np.asarray(c.pop(name)).astype(dtype, copy=False))
                else:
                    parts.append(np.full(k, default, dtype=dtype))
            out[name] = np.concatenate(parts) if parts else np.zeros(0, dtype)
            del parts
        self.chunks = []
        return out


PERSON_COLS = {
    "group": (np.int8, 0),
    "nat": (np.int16, 0),
    "sex": (np.int8, 1),
    "dob": (np.int32, 0),
    "death": (np.int32, BIG),
    "birth_c": (np.int16, 0),
    "init_res": (np.bool_, False),
    "cit_from": (np.int32, BIG),  # day from which a citizen (-BIG: from birth)
    "dob_q": (np.int8, 0),  # 0 full, 1 day unknown, 2 month and day unknown
    "abroad_c": (np.int16, -1),  # country lived in abroad (citizens), if any
    "ever_abroad": (np.bool_, False),
    "abroad_end": (np.int32, BIG),  # return date from a long stay abroad
    "doc_t0": (np.int32, 0),
    "doc_t1": (np.int32, BIG),
    "doc_t2": (np.int32, BIG),
    "doc_t3": (np.int32, BIG),
    "doc_v": (np.int32, 3652),
    "has_passport": (np.bool_, False),
    "first_arrival": (np.int32, BIG),
}
CROSS_COLS = {
    "pid": (np.int32, 0),
    "day": (np.int32, 0),
    "sec": (np.int32, 0),
    "arr": (np.bool_, True),
    "tie": (np.int8, 0),
    "visa": (np.int8, 0),
    "purpose": (np.int8, -1),
    "intended": (np.int16, -1),
    "decl": (np.int16, -1),
    "permit": (np.int32, -1),
}


def _times(rng, n, arrival: bool) -> np.ndarray:
    """Flight times of day, more by day than by night."""
    hours = np.array([2, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 7, 7, 7, 6, 6, 6, 6, 5, 5, 5, 4, 4, 3.0])
    if not arrival:
        hours = np.roll(hours, 2)
    h = rng.choice(24, size=n, p=hours / hours.sum())
    return (h * 3600 + rng.integers(0, 3600, n)).astype(np.int32)


def _lognormal_days(rng, n, median, sigma, lo, hi):
    return np.clip(np.round(rng.lognormal(np.log(median), sigma, n)), lo, hi).astype(np.int64)


def gen_trips(rng, pid, lo, hi, rate, dur_fn, min_gap=1):
    """Non-overlapping intervals [start, end] per person within [lo, hi] (day numbers).

    ``rate`` is per year; ``dur_fn(n)`` returns durations in days. Returns (pid, start, end).
    """
    lo = np.asarray(lo, np.int64)
    hi = np.asarray(hi, np.int64)
    span = np.maximum(hi - lo, 0)
    cnt = rng.poisson(np.asarray(rate) * span / YEAR)
    p = np.repeat(np.asarray(pid), cnt)
    plo = np.repeat(lo, cnt)
    pspan = np.repeat(span, cnt)
    start = plo + np.floor(rng.random(len(p)) * pspan).astype(np.int64)
    dur = dur_fn(len(p))
    end = start + dur
    keep = end <= np.repeat(hi, cnt)
    p, start, end = p[keep], start[keep], end[keep]
    o = np.lexsort((start, p))
    p, start, end = p[o], start[o], end[o]
    while len(p):
        same = np.r_[False, p[1:] == p[:-1]]
        pe = np.r_[-BIG, end[:-1]]
        bad = same & (start <= pe + min_gap)
        if not bad.any():
            break
        keep = ~bad
        p, start, end = p[keep], start[keep], end[keep]
    return p, start, end


def link_returners(rng, start, end, key, frac, min_gap, eligible_from):
    """Assign visits/stints to persons: a share ``frac`` reuses an earlier one's person.

    Returns root index (an index into the input) per element; elements sharing a root
    belong to one person and never overlap (gap > ``min_gap`` days).
    """
    n = len(start)
    if n == 0:
        return np.zeros(0, np.int64)
    order = np.lexsort((start, key))
    ks, ss = np.asarray(key)[order], np.asarray(start)[order]
    comp = ks.astype(np.int64) * (1 << 32) + (ss + (1 << 20))
    gstart = np.searchsorted(ks, ks, side="left")
    cnt = np.searchsorted(comp, comp - min_gap - 60, side="left") - gstart
    want = (rng.random(n) < frac) & (cnt > 0) & (ss >= eligible_from)
    pick_sorted = gstart + np.floor(rng.random(n) * np.maximum(cnt, 1)).astype(np.int64)
    parent = np.arange(n)
    parent[order[want]] = order[pick_sorted[want]]
    ok = np.asarray(end)[parent] < np.asarray(start) - min_gap
    parent = np.where(ok, parent, np.arange(n))
    for _ in range(64):
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            break
        parent = nxt
    s = np.asarray(start)
    e = np.asarray(end)
    for _ in range(64):
        o = np.lexsort((s, parent))
        po, so, eo = parent[o], s[o], e[o]
        same = np.r_[False, po[1:] == po[:-1]]
        # running max of end within root group
        grp = np.cumsum(~same).astype(np.int64)
        big = np.int64(1) << 32
        run = np.maximum.accumulate(eo + grp * big) - grp * big
        prev_end = np.r_[-BIG, run[:-1]]
        bad = same & (so <= prev_end + min_gap)
        if not bad.any():
            break
        parent[o[bad]] = o[bad]
    return parent


def _hash01(a: np.ndarray, salt: int) -> np.ndarray:
    """Deterministic uniform [0, 1) from integers (splitmix64)."""
    with np.errstate(over="ignore"):
        x = np.asarray(a).astype(np.uint64) + np.uint64(salt) * np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _gompertz_death(rng, dob, t_start, a=3e-5, b=0.095):
    x0 = np.maximum(t_start - dob, 0) / YEAR
    e = rng.exponential(1.0, len(dob))
    t = np.log1p(e * b / (a * np.exp(b * x0))) / b
    death = (t_start + t * YEAR).astype(np.int64)
    return np.where(death > SIM_END, BIG, death)


def _sample_names(rng, world_names, culture_arr, sex):
    vocab, gm, gf, sn, *_ = world_names
    n = len(culture_arr)
    given = np.zeros(n, np.int64)
    given2 = np.full(n, -1, np.int64)
    surname = np.full(n, -1, np.int64)
    for c in np.unique(culture_arr):
        m = culture_arr == c
        male = m & (sex == 1)
        fem = m & (sex == 2)
        given[male] = rng.choice(gm[c], male.sum())
        given[fem] = rng.choice(gf[c], fem.sum())
        surname[m] = rng.choice(sn[c], m.sum())
        if c in ("bd", "in", "mv", "ph", "ar", "pk"):
            two = m & (rng.random(n) < 0.35)
            pool = np.where(sex[two] == 1, 0, 1)
            g2 = np.where(pool == 0, rng.choice(gm[c], two.sum()), rng.choice(gf[c], two.sum()))
            given2[two] = np.where(g2 == given[two], -1, g2)
    single = rng.random(n) < np.where(np.isin(culture_arr, ["bd", "in", "mv", "ar"]), 0.03, 0.002)
    surname[single] = -1
    return given, given2, surname


def _ages_to_dob(rng, ref_day, age_years):
    return (ref_day - (age_years + rng.random(len(age_years))) * YEAR).astype(np.int64)


def _country_weights_for_year(year: int) -> np.ndarray:
    w = ref.TOURIST_W.copy()
    mult = {
        "CHN": {2020: 0.3, 2021: 0.04, 2022: 0.05, 2023: 0.5, 2024: 0.6, 2025: 0.65, 2026: 0.7},
        "RUS": {2021: 2.5, 2022: 1.8, 2023: 2.2, 2024: 2.2, 2025: 2.2, 2026: 2.2},
        "IND": {2021: 2.6, 2022: 1.6, 2023: 1.3, 2024: 1.2, 2025: 1.2, 2026: 1.2},
        "UKR": {2022: 0.3, 2023: 0.4, 2024: 0.4, 2025: 0.4, 2026: 0.4},
    }
    for iso, by_year in mult.items():
        w[ref.C_INDEX[iso]] *= by_year.get(year, 1.0)
    return w / w.sum()


def simulate(scale: float, rng: np.random.Generator) -> World:
    """Simulate the country at ``scale`` (1.0 = the Maldives)."""
    world = World(scale=scale)
    names = ref.build_name_vocab()
    world.vocab, world.names = names[0], names
    P = _Acc()
    X = _Acc()
    PM = _Acc()

    def n_of(x: float, minimum: int = 1) -> int:
        return max(int(round(x * scale)), minimum)

    _citizens(rng, n_of, P, X, names)
    _marriage_migrants(rng, n_of, P, X, names)
    emp = _employers(rng, n_of)
    world.employers = emp
    _workers(rng, n_of, P, X, PM, names, emp)
    _long_stayers(rng, n_of, P, X, names)
    _visitors(rng, n_of, P, X, names, scale)
    _crew(rng, n_of, P, X, names)

    world.persons = P.concat(
        {**PERSON_COLS, "given": (np.int32, 0), "given2": (np.int32, -1), "surname": (np.int32, -1)}
    )
    world.crossings = _finish_crossings(rng, X.concat(CROSS_COLS))
    world.permits = PM.concat(
        {
            "pid": (np.int64, 0),
            "issue": (np.int32, 0),
            "valid_days": (np.int32, 365),
            "spell_end": (np.int32, BIG),
            "transferred": (np.bool_, False),
            "cancel_day": (np.int32, BIG),
            "cancel_reason": (np.int8, -1),
            "employer": (np.int32, 0),
            "occupation": (np.int16, 0),
        }
    )
    _assign_docs(rng, world)
    return world


# --------------------------------------------------------------------------- citizens
def _citizens(rng, n_of, P, X, names):
    n0 = n_of(350_000, 50)
    ages = np.arange(101)
    w = np.select(
        [ages < 15, ages < 35, ages < 50, ages < 65, ages < 80], [1.9, 2.0, 1.4, 0.9, 0.4], 0.08
    )
    age0 = rng.choice(ages, n0, p=w / w.sum())
    dob0 = _ages_to_dob(rng, SIM_START, age0)
    nb = rng.poisson(6500 * (SIM_END - SIM_START) / YEAR * (n0 / 350_000))
    dobb = rng.integers(SIM_START, SIM_END, nb)
    dob = np.r_[dob0, dobb]
    n = len(dob)
    death = _gompertz_death(rng, dob, np.maximum(dob, SIM_START))
    sex = np.where(rng.random(n) < 0.51, 1, 2).astype(np.int8)
    born_abroad = rng.random(n) < 0.03
    abroad_pool = np.array([ref.C_INDEX[c] for c in ["IND", "LKA", "MYS", "GBR", "THA", "AUS"]])
    birth_c = np.where(born_abroad, rng.choice(abroad_pool, n), ref.MDV)
    cult = np.full(n, "mv", dtype=object)
    given, given2, surname = _sample_names(rng, names, cult, sex)
    age_at_start = (SIM_START - dob) / YEAR

    # long stays abroad: diaspora at start, students, emigrants
    ea = np.full(n, BIG, np.int64)
    eb = np.full(n, BIG, np.int64)
    dia = (age_at_start >= 20) & (rng.random(n) < 0.02)
    ea[dia] = -BIG
    eb[dia] = SIM_START + (rng.exponential(12.5, dia.sum()) * YEAR).astype(np.int64)
    turn18 = dob + (18 * YEAR)
    stu = (~dia) & (turn18 > SIM_START - 3 * YEAR) & (turn18 < SIM_END) & (rng.random(n) < 0.07)
    ea[stu] = (turn18[stu] + rng.random(stu.sum()) * 2 * YEAR).astype(np.int64)
    eb[stu] = ea[stu] + (rng.uniform(1.5, 5, stu.sum()) * YEAR).astype(np.int64)
    em_start = rng.integers(SIM_START, SIM_END, n)
    emi = (
        (~dia)
        & (~stu)
        & (rng.random(n) < 0.024)
        & (em_start > dob + 20 * YEAR)
        & (em_start < death)
    )
    ea[emi] = em_start[emi]
    ret = rng.random(n) < 0.4
    eb[emi] = np.where(
        ret[emi], ea[emi] + (rng.uniform(1.5, 8, emi.sum()) * YEAR).astype(np.int64), BIG
    )
    has_ep = (ea < BIG) & (eb > SIM_START) & (ea < death)
    ea[~has_ep] = BIG
    eb[~has_ep] = BIG
    abroad_at_start = has_ep & (ea < SIM_START) & (eb >= SIM_START)
    abroad_c = np.where(
        has_ep,
        rng.choice([ref.C_INDEX[c] for c in ["IND", "LKA", "MYS", "GBR", "AUS", "EGY"]], n),
        -1,
    )
    init_res = ~abroad_at_start
    pid = P.add(
        group=np.full(n, CIT),
        nat=np.full(n, ref.MDV),
        sex=sex,
        dob=dob,
        death=death,
        birth_c=birth_c,
        init_res=init_res,
        cit_from=np.full(n, -BIG),
        abroad_c=abroad_c,
        ever_abroad=born_abroad | (has_ep & (eb <= CENSUS_DAY)),
        abroad_end=np.where(has_ep, eb, BIG),
        given=given,
        given2=given2,
        surname=surname,
    )
    # episode crossings
    dep = has_ep & (ea >= SIM_START) & (ea <= SIM_END)
    arv = has_ep & (eb >= SIM_START) & (eb <= SIM_END) & (eb < death)
    arv = arv & ((ea < SIM_START) | dep)
    _add(
        X,
        rng,
        pid[dep],
        ea[dep],
        False,
        V["CITIZEN"],
        purpose=None,
        decl=None,
    )
    k = arv.sum()
    _add(
        X,
        rng,
        pid[arv],
        eb[arv],
        True,
        V["CITIZEN"],
        purpose=np.where(rng.random(k) < 0.5, PU["RETURNING_RESIDENT"], -1),
        decl=np.where(rng.random(k) < 0.3, abroad_c[arv], -1),
    )
    # home visits while abroad
    lo = np.maximum(ea, SIM_START) + 30
    hi = np.minimum(np.minimum(eb, death), SIM_END) - 30
    m = has_ep & (hi > lo)
    vp, vs, ve = gen_trips(
        rng, pid[m], lo[m], hi[m], 0.8, lambda k: _lognormal_days(rng, k, 25, 0.4, 5, 90)
    )
    k = len(vp)
    pidx = vp - pid[0]
    _add(
        X,
        rng,
        vp,
        vs,
        True,
        V["CITIZEN"],
        purpose=rng.choice([PU["FAMILY"], PU["HOLIDAY"], -1], k, p=[0.4, 0.2, 0.4]),
        decl=np.where(rng.random(k) < 0.4, abroad_c[pidx], -1),
        tie=0,
    )
    _add(X, rng, vp, ve, False, V["CITIZEN"], tie=1)
    # short trips of travellers while resident
    trav = rng.random(n) < 0.4
    rate = rng.gamma(2.0, 1.0, n)
    lo = np.maximum(SIM_START, dob + 365)
    hi = np.minimum(death, SIM_END) - 1

    def dur(k):
        u = rng.random(k)
        d = _lognormal_days(rng, k, 8, 0.7, 1, 60)
        d = np.where(u > 0.92, rng.integers(30, 120, k), d)
        return np.where(u > 0.98, rng.integers(120, 330, k), d)

    for wlo, whi in ((lo, np.minimum(hi, ea - 10)), (np.maximum(lo, eb + 10), hi)):
        m = trav & (whi > wlo)
        tp, ts, te = gen_trips(rng, pid[m], wlo[m], whi[m], rate[m], dur)
        k = len(tp)
        _add(X, rng, tp, ts, False, V["CITIZEN"], tie=0)
        pur = rng.choice(
            [PU["RETURNING_RESIDENT"], -1, PU["HOLIDAY"], PU["MEDICAL"], PU["FAMILY"]],
            k,
            p=[0.4, 0.45, 0.05, 0.05, 0.05],
        )
        decl = np.where(rng.random(k) < 0.25, ref.MDV, -1)
        _add(X, rng, tp, te, True, V["CITIZEN"], purpose=pur, decl=decl, tie=1)


def _add(
    X,
    rng,
    pid,
    d,
    arrival,
    visa,
    purpose=None,
    intended=None,
    decl=None,
    permit=None,
    tie=0,
    sec=None,
):
    k = len(pid)
    if k == 0:
        return
    X.add(
        pid=pid,
        day=d,
        sec=_times(rng, k, arrival) if sec is None else sec,
        arr=np.full(k, arrival),
        tie=np.broadcast_to(np.asarray(tie, np.int8), (k,)),
        visa=np.broadcast_to(np.asarray(visa, np.int8), (k,)),
        purpose=np.full(k, -1, np.int8) if purpose is None else purpose,
        intended=np.full(k, -1, np.int16) if intended is None else intended,
        decl=np.full(k, -1, np.int16) if decl is None else decl,
        permit=np.full(k, -1, np.int32) if permit is None else permit,
    )


# --------------------------------------------------------------------------- marriage
def _marriage_migrants(rng, n_of, P, X, names):
    n0 = n_of(2500, 3)
    years = (SIM_END - SIM_START) / YEAR
    n1 = rng.poisson(250 * years * (n0 / 2500))
    n = n0 + n1
    arrive = np.r_[
        SIM_START - (rng.random(n0) * 10 * YEAR).astype(np.int64),
        rng.integers(SIM_START, SIM_END, n1),
    ]
    pool = ["IND", "LKA", "BGD", "PHL", "THA", "IDN", "PAK", "CHN", "RUS", "GBR"]
    wts = np.array([30, 20, 15, 8, 5, 5, 5, 4, 4, 4], float)
    nat = rng.choice([ref.C_INDEX[c] for c in pool], n, p=wts / wts.sum())
    sex = np.where(rng.random(n) < 0.8, 2, 1).astype(np.int8)
    dob = arrive - ((20 + rng.random(n) * 20) * YEAR).astype(np.int64)
    death = _gompertz_death(rng, dob, np.maximum(arrive, SIM_START))
    leave = np.where(
        rng.random(n) < 0.12, arrive + (rng.uniform(1, 8, n) * YEAR).astype(np.int64), BIG
    )
    leave = np.where(leave >= death, BIG, leave)
    nat_day = np.where(
        rng.random(n) < 0.35, arrive + (rng.uniform(5, 12, n) * YEAR).astype(np.int64), BIG
    )
    nat_day = np.where((nat_day < leave) & (nat_day < death) & (nat_day <= SIM_END), nat_day, BIG)
    keep = (np.minimum(leave, death) > SIM_START) & (arrive <= SIM_END)
    arrive, nat, sex, dob, death, leave, nat_day = (
        a[keep] for a in (arrive, nat, sex, dob, death, leave, nat_day)
    )
    n = len(arrive)
    given, given2, surname = _sample_names(rng, names, ref.CULTURE[nat], sex)
    pid = P.add(
        group=np.full(n, MAR),
        nat=nat,
        sex=sex,
        dob=dob,
        death=death,
        birth_c=nat,
        init_res=arrive < SIM_START,
        cit_from=nat_day,
        ever_abroad=np.ones(n, bool),
        given=given,
        given2=given2,
        surname=surname,
        first_arrival=arrive,
    )
    a = arrive >= SIM_START
    k = a.sum()
    _add(
        X,
        rng,
        pid[a],
        arrive[a],
        True,
        V["MARRIAGE"],
        purpose=np.where(rng.random(k) < 0.7, PU["FAMILY"], -1),
        decl=np.where(rng.random(k) < 0.8, nat[a], -1),
    )
    lv = (leave <= SIM_END) & (leave >= SIM_START)
    _add(X, rng, pid[lv], leave[lv], False, V["MARRIAGE"])
    lo = np.maximum(arrive, SIM_START) + 60
    hi = np.minimum(np.minimum(leave, death), SIM_END) - 20
    m = hi > lo
    tp, ts, te = gen_trips(
        rng, pid[m], lo[m], hi[m], 0.8, lambda k: _lognormal_days(rng, k, 20, 0.5, 3, 100)
    )
    idx = tp - pid[0]
    citizen_then = ts >= nat_day[idx]
    visa = np.where(citizen_then, V["CITIZEN"], V["MARRIAGE"])
    _add(X, rng, tp, ts, False, visa, tie=0)
    visa = np.where(te >= nat_day[idx], V["CITIZEN"], V["MARRIAGE"])
    k = len(tp)
    _add(
        X,
        rng,
        tp,
        te,
        True,
        visa,
        purpose=rng.choice([PU["FAMILY"], PU["RETURNING_RESIDENT"], -1], k, p=[0.3, 0.3, 0.4]),
        tie=1,
    )


# --------------------------------------------------------------------------- workers
def _employers(rng, n_of):
    n = n_of(2000, 30)
    sectors = [s for s, _ in ref.SECTORS]
    w = np.array([x for _, x in ref.SECTORS], float)
    sec = rng.choice(len(sectors), n, p=w / w.sum())
    names = []
    seen = set()
    atoll = rng.choice(len(ref.ATOLL_CODES), n, p=ref.ATOLL_W / ref.ATOLL_W.sum())
    loc = []
    for i in range(n):
        s = sectors[sec[i]]
        a = ref.ATOLL_CODES[atoll[i]]
        isl = ref.ATOLLS[a][int(rng.integers(len(ref.ATOLLS[a])))]
        loc.append(f"{a}. {isl}")
        for _ in range(50):
            w1 = ref.EMPLOYER_WORDS[int(rng.integers(len(ref.EMPLOYER_WORDS)))]
            w2 = ref.EMPLOYER_WORDS[int(rng.integers(len(ref.EMPLOYER_WORDS)))]
            suf = ref.EMPLOYER_SUFFIX[s][int(rng.integers(len(ref.EMPLOYER_SUFFIX[s])))]
            nm = f"{w1} {w2} {suf}" if w1 != w2 else f"{w1} {suf}"
            if nm not in seen:
                break
            nm = f"{nm} {i}"
        seen.add(nm)
        names.append(nm)
    occ_flat = []
    occ_start = {}
    for s in sectors:
        occ_start[s] = len(occ_flat)
        occ_flat.extend(ref.OCCUPATIONS[s])
    size = rng.pareto(1.2, n) + 1
    return {
        "name": np.array(names, dtype=object),
        "sector": sec,
        "sector_names": np.array(sectors, dtype=object),
        "location": np.array(loc, dtype=object),
        "atoll": atoll,
        "weight": size / size.sum(),
        "occ_flat": occ_flat,
        "occ_start": np.array([occ_start[s] for s in sectors]),
        "occ_count": np.array([len(ref.OCCUPATIONS[s]) for s in sectors]),
    }


def _stint_arrivals(rng, inflow_by_year, scale_n, first_year=2006):
    days = []
    for y in range(first_year, 2027):
        rate = inflow_by_year.get(y, inflow_by_year.get(min(inflow_by_year), 0))
        lo, hi = day(f"{y}-01-01"), day(f"{y + 1}-01-01")
        k = rng.poisson(rate * scale_n)
        d = rng.integers(lo, hi, k)
        if y == 2020:
            blocked = (d >= day("2020-03-25")) & (d < day("2020-09-01"))
            d = d[~blocked]
        days.append(d)
    return np.sort(np.concatenate(days))


def _workers(rng, n_of, P, X, PM, names, emp):
    scale_n = n_of(1_000_000, 1) / 1_000_000
    inflow = {y: WORKER_INFLOW.get(y, 46e3) for y in range(2006, 2027)}
    a = _stint_arrivals(rng, inflow, scale_n)
    n = len(a)
    u = rng.random(n)
    dur = np.where(
        u < 0.08,
        rng.integers(60, 330, n),
        (365 * (1 + rng.gamma(2.0, 0.9, n))).astype(np.int64),
    )
    dur = np.minimum(dur, 3650)
    end = a + dur
    # COVID repatriation
    cov = (a < day("2020-04-01")) & (end > day("2020-04-01")) & (rng.random(n) < 0.12)
    end = np.where(cov, day("2020-04-01") + rng.integers(0, 90, n), end)
    keep = end > SIM_START
    a, end = a[keep], end[keep]
    n = len(a)
    natw = ref.WORKER_W / ref.WORKER_W.sum()
    nat = rng.choice(len(natw), n, p=natw)
    # special endings
    u = rng.random(n)
    died = u < 0.001
    marry = (u > 0.001) & (u < 0.006) & (end - a > 550)
    marry_day = np.where(marry, a + ((end - a) * rng.uniform(0.3, 0.9, n)).astype(np.int64), BIG)
    end = np.where(marry & (rng.random(n) < 0.7), BIG, end)  # stays on a marriage visa
    # persons (returning workers reuse a person)
    root = link_returners(rng, a, np.where(died, BIG, end), nat, 0.2, 90, SIM_START - 2 * 365)
    roots, person_of = np.unique(root, return_inverse=True)
    npers = len(roots)
    fem_p = np.where(np.isin(ref.ISO3[nat], ["PHL", "LKA", "THA", "IDN", "MMR"]), 0.45, 0.06)
    sex_s = np.where(rng.random(n) < fem_p, 2, 1).astype(np.int8)
    age_s = np.clip(20 + rng.gamma(3, 3, n), 19, 58)
    dob_s = (a - age_s * YEAR).astype(np.int64)
    r_sex, r_dob, r_nat = sex_s[roots], dob_s[roots], nat[roots]
    first_a = np.full(npers, BIG, np.int64)
    np.minimum.at(first_a, person_of, a)
    death_p = np.full(npers, BIG, np.int64)
    death_p[person_of[died]] = end[died]
    given, given2, surname = _sample_names(rng, names, ref.CULTURE[r_nat], r_sex)
    base = P.add(
        group=np.full(npers, WRK),
        nat=r_nat,
        sex=r_sex,
        dob=r_dob,
        death=death_p,
        birth_c=r_nat,
        init_res=first_a < SIM_START,
        ever_abroad=np.ones(npers, bool),
        given=given,
        given2=given2,
        surname=surname,
        first_arrival=first_a,
    )
    pid = base[person_of]
    init_present = a < SIM_START
    # later stints of a person present at start cannot exist (they start later) -> fine
    del init_present
    # permits: first permit, optional transfer
    change = (end - a > 550) & (rng.random(n) < 0.15) & ~marry
    cday = np.where(change, a + ((np.minimum(end, SIM_END) - a) * rng.uniform(0.3, 0.8, n)), BIG)
    cday = cday.astype(np.int64)
    iss1 = a - rng.integers(14, 75, n)
    iss1 = np.where(a < day("2012-01-01"), day("2012-01-01") + rng.integers(0, 60, n), iss1)
    valid = np.where(rng.random(n) < 0.5, 365, 730)
    e1 = rng.choice(len(emp["name"]), n, p=emp["weight"])
    e2 = rng.choice(len(emp["name"]), n, p=emp["weight"])
    spell1_end = np.minimum(np.minimum(end, cday), marry_day)
    stint_end_eff = np.minimum(end, marry_day)

    def occ(e):
        sct = emp["sector"][e]
        return emp["occ_start"][sct] + np.floor(rng.random(len(e)) * emp["occ_count"][sct])

    # cancellation of the last permit of a stint
    ureason = rng.choice(3, n, p=[0.45, 0.2, 0.35])
    cancelled = rng.random(n) < 0.55
    reason = np.where(cancelled, ureason, -1)
    reason = np.where(marry, 3, reason)
    reason = np.where(died & (rng.random(n) < 0.9), 4, np.where(died, -1, reason))
    cancel = np.where(reason >= 0, stint_end_eff + rng.integers(0, 90, n), BIG)
    cancel = np.where(stint_end_eff > SIM_END, BIG, cancel)
    # permit 1
    last1 = ~change
    p1 = PM.add(
        pid=pid,
        issue=iss1,
        valid_days=valid,
        spell_end=spell1_end,
        transferred=change,
        cancel_day=np.where(last1, cancel, BIG),
        cancel_reason=np.where(last1 & (cancel < BIG), reason, -1),
        employer=e1,
        occupation=occ(e1),
    )
    ch = np.flatnonzero(change)
    p2 = np.full(n, -1, np.int64)
    if len(ch):
        p2[ch] = PM.add(
            pid=pid[ch],
            issue=cday[ch],
            valid_days=valid[ch],
            spell_end=stint_end_eff[ch],
            cancel_day=cancel[ch],
            cancel_reason=np.where(cancel[ch] < BIG, reason[ch], -1),
            employer=e2[ch],
            occupation=occ(e2[ch]),
        )
    # permits of workers who never arrived
    nd = rng.poisson(0.02 * n)
    nd_iss = rng.integers(day("2012-01-01"), SIM_END, nd)
    nd_nat = rng.choice(len(natw), nd, p=natw)
    nd_sex = np.where(rng.random(nd) < 0.1, 2, 1).astype(np.int8)
    g, g2, sn = _sample_names(rng, names, ref.CULTURE[nd_nat], nd_sex)
    nd_pid = P.add(
        group=np.full(nd, WRK),
        nat=nd_nat,
        sex=nd_sex,
        dob=(nd_iss - (22 + rng.random(nd) * 20) * YEAR).astype(np.int64),
        birth_c=nd_nat,
        given=g,
        given2=g2,
        surname=sn,
        doc_t0=nd_iss - rng.integers(100, 2000, nd),
    )
    nd_emp = rng.choice(len(emp["name"]), nd, p=emp["weight"])
    cz = rng.random(nd) < 0.7
    PM.add(
        pid=nd_pid,
        issue=nd_iss,
        valid_days=np.where(rng.random(nd) < 0.5, 365, 730),
        spell_end=nd_iss,
        cancel_day=np.where(cz, nd_iss + rng.integers(60, 200, nd), BIG),
        cancel_reason=np.where(cz, 5, -1),
        employer=nd_emp,
        occupation=occ(nd_emp),
    )
    # crossings of stints
    arr_in = a >= SIM_START
    k = arr_in.sum()
    _add(
        X,
        rng,
        pid[arr_in],
        a[arr_in],
        True,
        V["WORK"],
        purpose=np.where(rng.random(k) < 0.85, PU["EMPLOYMENT"], -1),
        intended=np.where(rng.random(k) < 0.6, valid[arr_in], -1),
        decl=np.where(rng.random(k) < 0.9, nat[arr_in], -1),
        permit=p1[arr_in],
    )
    fin = (end <= SIM_END) & ~died
    visa_fin = np.where(end[fin] > marry_day[fin], V["MARRIAGE"], V["WORK"])
    perm_fin = np.where(
        end[fin] > marry_day[fin], -1, np.where(end[fin] >= cday[fin], p2[fin], p1[fin])
    )
    _add(X, rng, pid[fin], end[fin], False, visa_fin, permit=perm_fin)
    lo = np.maximum(a, SIM_START) + 120
    hi = np.minimum(end, SIM_END) - 30
    m = hi > lo
    stint_idx = np.flatnonzero(m)
    tp, ts, te = gen_trips(
        rng, stint_idx, lo[m], hi[m], 0.6, lambda k: _lognormal_days(rng, k, 30, 0.35, 10, 80)
    )
    st = tp
    for dday, is_arr, tie in ((ts, False, 0), (te, True, 1)):
        married = dday >= marry_day[st]
        visa = np.where(married, V["MARRIAGE"], V["WORK"])
        perm = np.where(married, -1, np.where(dday >= cday[st], p2[st], p1[st]))
        k = len(st)
        pur = None
        decl = None
        if is_arr:
            pur = rng.choice([PU["RETURNING_RESIDENT"], PU["EMPLOYMENT"], -1], k, p=[0.5, 0.3, 0.2])
            decl = rng.choice([ref.MDV, -1, -2], k, p=[0.6, 0.3, 0.1])
            decl = np.where(decl == -2, nat[st], decl)
        _add(X, rng, pid[st], dday, is_arr, visa, purpose=pur, decl=decl, permit=perm, tie=tie)
    # dependents
    dm = (end - a > 400) & (rng.random(n) < 0.04) & (end > SIM_START)
    di = np.flatnonzero(dm)
    two = rng.random(len(di)) < 0.4
    di = np.r_[di, di[two]]
    is_child = np.r_[np.zeros(len(di) - two.sum(), bool), np.ones(two.sum(), bool)]
    k = len(di)
    da = a[di] + rng.integers(20, 200, k)
    ok = da < np.minimum(end[di], BIG - 1) - 30
    di, is_child, da = di[ok], is_child[ok], da[ok]
    k = len(di)
    dsex = np.where(is_child, rng.integers(1, 3, k), np.where(sex_s[di] == 1, 2, 1)).astype(np.int8)
    ddob = np.where(
        is_child,
        (da - rng.random(k) * 14 * YEAR).astype(np.int64),
        dob_s[di] + rng.integers(0, 8 * 365, k),
    )
    g, g2, sn = _sample_names(rng, names, ref.CULTURE[nat[di]], dsex)
    dpid = P.add(
        group=np.full(k, DEP_),
        nat=nat[di],
        sex=dsex,
        dob=ddob,
        birth_c=nat[di],
        init_res=da < SIM_START,
        ever_abroad=np.ones(k, bool),
        given=g,
        given2=g2,
        surname=np.where(rng.random(k) < 0.7, surname[person_of[di]], sn),
        first_arrival=da,
    )
    arr_in = da >= SIM_START
    kk = arr_in.sum()
    _add(
        X,
        rng,
        dpid[arr_in],
        da[arr_in],
        True,
        V["DEPENDENT"],
        purpose=np.where(rng.random(kk) < 0.8, PU["FAMILY"], -1),
        decl=np.where(rng.random(kk) < 0.8, nat[di][arr_in], -1),
    )
    dend = end[di]
    fin = (dend <= SIM_END) & ~died[di] & (dend >= SIM_START)
    _add(X, rng, dpid[fin], dend[fin], False, V["DEPENDENT"])


# --------------------------------------------------------------------------- other long stays
def _long_stayers(rng, n_of, P, X, names):
    specs = [
        # group, visa, inflow/yr, duration years (lo, hi), trips/yr, nationality pool
        (RES, "RESIDENT", 250, (2, 10), 2.0, None),
        (STU, "STUDENT", 150, (1, 4), 0.8, ["IND", "BGD", "LKA", "PAK", "NPL"]),
        (DIP, "DIPLOMATIC", 30, (2, 4), 2.0, ["IND", "CHN", "GBR", "USA", "JPN", "SAU", "LKA"]),
    ]
    for grp, visa, inflow, (dlo, dhi), trips, pool in specs:
        sn = n_of(1_000_000, 1) / 1_000_000
        a = _stint_arrivals(rng, {y: inflow for y in range(2006, 2027)}, sn)
        n = len(a)
        end = a + (rng.uniform(dlo, dhi, n) * YEAR).astype(np.int64)
        keep = end > SIM_START
        a, end = a[keep], end[keep]
        n = len(a)
        if n == 0:
            continue
        if pool is None:
            w = ref.TOURIST_W / ref.TOURIST_W.sum()
            nat = rng.choice(len(w), n, p=w)
        else:
            nat = rng.choice([ref.C_INDEX[c] for c in pool], n)
        sex = np.where(rng.random(n) < 0.5, 1, 2).astype(np.int8)
        age = 19 + rng.random(n) * 5 if grp == STU else 28 + rng.random(n) * 40
        dob = (a - age * YEAR).astype(np.int64)
        g, g2, s = _sample_names(rng, names, ref.CULTURE[nat], sex)
        pid = P.add(
            group=np.full(n, grp),
            nat=nat,
            sex=sex,
            dob=dob,
            birth_c=nat,
            init_res=a < SIM_START,
            ever_abroad=np.ones(n, bool),
            given=g,
            given2=g2,
            surname=s,
            first_arrival=a,
        )
        ai = a >= SIM_START
        k = ai.sum()
        purpose = {"RESIDENT": "OTHER", "STUDENT": "EDUCATION", "DIPLOMATIC": "OTHER"}[visa]
        _add(
            X,
            rng,
            pid[ai],
            a[ai],
            True,
            V[visa],
            purpose=np.where(rng.random(k) < 0.8, PU[purpose], -1),
            decl=np.where(rng.random(k) < 0.8, nat[ai], -1),
        )
        fi = end <= SIM_END
        _add(X, rng, pid[fi], end[fi], False, V[visa])
        lo = np.maximum(a, SIM_START) + 30
        hi = np.minimum(end, SIM_END) - 10
        m = hi > lo
        tp, ts, te = gen_trips(
            rng, pid[m], lo[m], hi[m], trips, lambda k: _lognormal_days(rng, k, 14, 0.6, 2, 90)
        )
        _add(X, rng, tp, ts, False, V[visa], tie=0)
        k = len(tp)
        _add(
            X,
            rng,
            tp,
            te,
            True,
            V[visa],
            purpose=np.where(rng.random(k) < 0.4, PU["RETURNING_RESIDENT"], -1),
            tie=1,
        )


# --------------------------------------------------------------------------- visitors
def _daily_intensity() -> tuple[np.ndarray, np.ndarray]:
    days = np.arange(SIM_START - 60, SIM_END + 1)
    dt = days.astype("datetime64[D]")
    years = dt.astype("datetime64[Y]").astype(int) + 1970
    lam = np.zeros(len(days))
    for y in np.unique(years):
        full = np.arange(day(f"{y}-01-01"), day(f"{y + 1}-01-01"))
        fm = full.astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12
        w = SEASON[fm] * COVID.get(int(y), np.ones(12))[fm]
        lam_y = TOURIST_ARRIVALS.get(int(y), 1.2e6) * w / w.sum()
        m = years == y
        lam[m] = lam_y[days[m] - full[0]]
    return days, lam


def _visitors(rng, n_of, P, X, names, scale):
    days, lam = _daily_intensity()
    cnt = rng.poisson(lam * scale)
    a = np.repeat(days, cnt).astype(np.int64)
    n = len(a)
    years = a.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    nat = np.zeros(n, np.int64)
    for y in np.unique(years):
        m = years == y
        w = _country_weights_for_year(int(y))
        nat[m] = rng.choice(len(w), m.sum(), p=w)
    u = rng.random(n)
    kind = np.select([u < 0.03, u < 0.04, u < 0.041, u < 0.044], [BUS, TRN, DIP, OTH], TOU)
    stay = _lognormal_days(rng, n, 6.5, 0.45, 1, 60)
    stay = np.where(kind == BUS, rng.integers(1, 10, n), stay)
    stay = np.where(kind == TRN, rng.integers(0, 2, n), stay)
    over = (kind == TOU) & (rng.random(n) < 0.0005)
    stay = np.where(over, rng.integers(200, 900, n), stay)
    dep = a + stay
    root = link_returners(rng, a, dep, nat, 0.08, 30, SIM_START + 365)
    roots, person_of = np.unique(root, return_inverse=True)
    npers = len(roots)
    r_nat = nat[roots]
    sex = np.where(rng.random(npers) < 0.5, 1, 2).astype(np.int8)
    child = rng.random(npers) < 0.12
    age = np.where(child, rng.random(npers) * 17, 18 + rng.gamma(4, 5, npers))
    age = np.minimum(age, 85)
    dob = (a[roots] - age * YEAR).astype(np.int64)
    g, g2, s = _sample_names(rng, names, ref.CULTURE[r_nat], sex)
    gkind = kind[roots]
    base = P.add(
        group=gkind,
        nat=r_nat,
        sex=sex,
        dob=dob,
        birth_c=r_nat,
        given=g,
        given2=g2,
        surname=s,
    )
    pid = base[person_of]
    visa = np.select(
        [kind == BUS, kind == TRN, kind == DIP, kind == OTH],
        [V["BUSINESS"], V["TRANSIT"], V["DIPLOMATIC"], V["OTHER"]],
        V["TOURIST"],
    )
    pur = np.select(
        [kind == BUS, kind == TRN, kind == OTH],
        [PU["BUSINESS"], PU["TRANSIT"], PU["OTHER"]],
        PU["HOLIDAY"],
    )
    pur = np.where((kind == OTH) & (rng.random(n) < 0.5), PU["MEDICAL"], pur)
    pur = np.where(rng.random(n) < 0.1, -1, pur)
    declared = rng.random(n) < 0.7
    intended = np.where(declared, np.maximum(stay + np.round(rng.normal(0, 1.5, n)), 0), -1).astype(
        np.int64
    )
    intended = np.where(over & declared, rng.integers(7, 30, n), intended)
    res_c = np.where(rng.random(n) < 0.05, ref.C_INDEX["ARE"], nat)
    decl = np.where(rng.random(n) < 0.85, res_c, -1)
    del u, over, declared, res_c, root, roots, person_of, child, age, g, g2, s
    pid = pid.astype(np.int32)
    a = a.astype(np.int32)
    dep = dep.astype(np.int32)
    a_sec = _times(rng, n, True)
    d_sec = _times(rng, n, False)
    same = stay == 0
    lo_s, hi_s = np.minimum(a_sec, d_sec), np.maximum(a_sec, d_sec)
    a_sec = np.where(same, lo_s, a_sec)
    d_sec = np.where(same, np.maximum(hi_s, lo_s + 1), d_sec)
    X.add(
        pid=pid,
        day=a,
        sec=a_sec,
        arr=np.ones(n, bool),
        tie=np.zeros(n, np.int8),
        visa=visa.astype(np.int8),
        purpose=pur.astype(np.int8),
        intended=intended.astype(np.int16),
        decl=decl.astype(np.int16),
        permit=np.full(n, -1, np.int32),
    )
    X.add(
        pid=pid,
        day=dep,
        sec=d_sec,
        arr=np.zeros(n, bool),
        tie=np.ones(n, np.int8),
        visa=visa.astype(np.int8),
        purpose=np.full(n, -1, np.int8),
        intended=np.full(n, -1, np.int16),
        decl=np.full(n, -1, np.int16),
        permit=np.full(n, -1, np.int32),
    )


def _crew(rng, n_of, P, X, names):
    n = n_of(3000, 2)
    pool = ["IND", "LKA", "GBR", "DEU", "TUR", "RUS", "CHN", "SGP", "MYS", "ARE", "PHL"]
    nat = rng.choice([ref.C_INDEX[c] for c in pool], n)
    sex = np.where(rng.random(n) < 0.6, 1, 2).astype(np.int8)
    a = rng.integers(SIM_START - 2 * 365, SIM_END, n)
    b = np.minimum(a + (rng.uniform(0.5, 6, n) * YEAR).astype(np.int64), SIM_END)
    a = np.maximum(a, SIM_START)
    keep = b > a + 30
    nat, sex, a, b = nat[keep], sex[keep], a[keep], b[keep]
    n = len(a)
    g, g2, s = _sample_names(rng, names, ref.CULTURE[nat], sex)
    pid = P.add(
        group=np.full(n, CRW),
        nat=nat,
        sex=sex,
        dob=(a - (22 + rng.random(n) * 30) * YEAR).astype(np.int64),
        birth_c=nat,
        given=g,
        given2=g2,
        surname=s,
    )
    tp, ts, te = gen_trips(
        rng, pid, a, b, 14.0, lambda k: np.where(rng.random(k) < 0.8, 1, 2).astype(np.int64)
    )
    _add(X, rng, tp, ts, True, V["CREW"], tie=0)
    _add(X, rng, tp, te, False, V["CREW"], tie=1)


# --------------------------------------------------------------------------- finishing
def _finish_crossings(rng, x: dict) -> dict:
    """Sort by person and time; make same-day pairs ordered; keep the window."""
    keep = (x["day"] >= SIM_START) & (x["day"] <= SIM_END)
    x = {k: v[keep] for k, v in x.items()}
    o = np.lexsort((x["tie"], x["day"], x["pid"]))
    x = {k: v[o] for k, v in x.items()}
    same = np.r_[False, (x["pid"][1:] == x["pid"][:-1]) & (x["day"][1:] == x["day"][:-1])]
    i = np.flatnonzero(same)
    s0, s1 = x["sec"][i - 1], x["sec"][i]
    x["sec"][i - 1] = np.minimum(s0, s1)
    x["sec"][i] = np.maximum(np.maximum(s0, s1), np.minimum(s0, s1) + 1)
    x["sec"] = np.minimum(x["sec"], 86399)
    # drop crossings of dead persons is handled by construction; check alternation
    samep = np.r_[False, x["pid"][1:] == x["pid"][:-1]]
    bad = samep & np.r_[False, x["arr"][1:] == x["arr"][:-1]]
    if bad.any():
        # conflicting generators (rare): drop the offending crossing and its partner pattern
        # by removing persons' later duplicates until the sequence alternates
        while bad.any():
            k = ~bad
            x = {kk: v[k] for kk, v in x.items()}
            samep = np.r_[False, x["pid"][1:] == x["pid"][:-1]]
            bad = samep & np.r_[False, x["arr"][1:] == x["arr"][:-1]]
    return x


def _assign_docs(rng, world: World) -> None:
    """Travel document chains: issue of the first document and early replacements."""
    p, x = world.persons, world.crossings
    n = len(p["dob"])
    first_cross = np.full(n, BIG, np.int64)
    np.minimum.at(first_cross, x["pid"], x["day"])
    has_cross = first_cross < BIG
    cit = p["group"] == CIT
    nat_mar = (p["group"] == MAR) & (p["cit_from"] < BIG)
    # citizens: passport when they travel, and some others
    p["has_passport"] = (cit & (has_cross | (rng.random(n) < 0.1))) | nat_mar
    t_ref = np.where(has_cross, first_cross, rng.integers(SIM_START, SIM_END, n))
    t0 = t_ref - rng.integers(30, 1800, n)
    t0 = np.where(nat_mar, p["cit_from"] + rng.integers(10, 100, n), t0)
    t0 = np.where(p["doc_t0"] != 0, p["doc_t0"], t0)
    t0 = np.maximum(t0, p["dob"] + 1)
    v = np.where(cit | nat_mar, 1826, np.where(rng.random(n) < 0.7, 3652, 1826)).astype(np.int64)
    # adult foreigners' passports are 10 years in most countries, children's 5
    t = [t0]
    for _ in range(3):
        early = rng.random(n) < 0.03
        d = np.where(early, (v * rng.uniform(0.2, 0.95, n)).astype(np.int64), v)
        t.append(t[-1] + d)
    p["doc_t0"] = t[0].astype(np.int32)
    p["doc_t1"] = np.minimum(t[1], BIG).astype(np.int32)
    p["doc_t2"] = np.minimum(t[2], BIG).astype(np.int32)
    p["doc_t3"] = np.where(nat_mar, BIG, np.minimum(t[3], BIG)).astype(np.int32)
    p["doc_v"] = v.astype(np.int32)
    # partial dates of birth on documents
    q_rate = np.where(np.isin(ref.ISO3[p["nat"]], ["BGD", "NPL", "PAK"]), 0.04, 0.004)
    u = rng.random(n)
    p["dob_q"] = np.where(u < q_rate * 0.6, 2, np.where(u < q_rate, 1, 0)).astype(np.int8)
    p["dob_q"][cit] = 0
    _assign_codes(rng, world)


EXTRA_CODES = ["D<<", "GBD", "GBN", "GBO", "GBP", "GBS", "UNK", "XXA", "XXB", "XXC", "XXX"]
EXTRA_CODES += ["UNO", "UNA", "EUE"]
EU = ["DEU", "ITA", "FRA", "ESP", "NLD", "AUT", "CZE", "SWE", "BEL", "POL"]


def _assign_codes(rng, world: World) -> None:
    """Recorded nationality and document codes, with the ICAO exceptions."""
    p = world.persons
    n = len(p["dob"])
    codes = list(ref.ICAO) + EXTRA_CODES
    world.code_list = np.array(codes, dtype=object)
    ci = {c: i for i, c in enumerate(codes)}
    nat_code = p["nat"].astype(np.int16).copy()  # ICAO index equals country index
    iso = ref.ISO3[p["nat"]]
    u = rng.random(n)
    deu = iso == "DEU"
    nat_code[deu & (u < 0.03)] = ci["D<<"]
    gbr = iso == "GBR"
    for code, lo, hi in (
        ("GBD", 0.0, 0.02),
        ("GBN", 0.02, 0.03),
        ("GBO", 0.03, 0.035),
        ("GBP", 0.035, 0.038),
        ("GBS", 0.038, 0.041),
    ):
        nat_code[gbr & (u >= lo) & (u < hi)] = ci[code]
    nat_code[(iso == "XKX") & (u < 0.3)] = ci["UNK"]
    foreign = p["group"] != CIT
    u2 = rng.random(n)
    special = np.zeros(n, bool)
    for code, lo, hi in (
        ("XXA", 0.0, 0.0002),
        ("XXB", 0.0002, 0.0004),
        ("XXC", 0.0004, 0.00045),
        ("XXX", 0.00045, 0.00055),
    ):
        m = foreign & (u2 >= lo) & (u2 < hi)
        nat_code[m] = ci[code]
        special |= m
    doc_country = nat_code.copy()
    issuers = np.array([ci["D"], ci["SWE"], ci["NLD"], ci["GBR"]])
    doc_country[special] = rng.choice(issuers, special.sum())
    doc_type = special.astype(np.int8)
    u3 = rng.random(n)
    un = np.isin(p["group"], [DIP, BUS]) & (u3 < 0.03)
    doc_country[un] = np.where(rng.random(un.sum()) < 0.7, ci["UNO"], ci["UNA"])
    eue = (p["group"] == BUS) & np.isin(iso, EU) & (u3 >= 0.03) & (u3 < 0.05)
    doc_country[eue] = ci["EUE"]
    doc_type[un | eue] = 1
    p["nat_code"] = nat_code
    p["doc_country"] = doc_country.astype(np.int16)
    p["doc_type"] = doc_type


def doc_index(world: World, pid: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Index (0..3) of the document a person travels on at day ``d``."""
    p = world.persons
    k = (d >= p["doc_t1"][pid]).astype(np.int64) + (d >= p["doc_t2"][pid]) + (d >= p["doc_t3"][pid])
    nat_mar = (p["group"][pid] == MAR) & (p["cit_from"][pid] < BIG)
    return np.where(nat_mar & (d < p["cit_from"][pid]), 3, k)


def is_citizen(world: World, pid: np.ndarray, d: np.ndarray) -> np.ndarray:
    return world.persons["cit_from"][pid] <= d
