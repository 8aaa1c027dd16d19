"""Reference implementation of the outcome-based residence rule (methodology.md, section 1).

This is the "12 out of 16 months" rule of Stats NZ's production package ``migrbc``
(``Tw`` = ``window`` = 487 days, ``Tm`` = ``threshold`` = 365 days), written in numpy so that
it runs over tens of millions of crossings at once. Where the package's vignette
pseudo-code and its C++ (``src/rcpp_algorithm.cpp``, function ``rcpp_resolve``) differ,
this module follows the C++. :func:`classify_loop` is a line-by-line port of that C++
(one person at a time, pure Python) and :func:`classify` is the vectorised
implementation; the test suite checks that both agree on random histories.

The rule, for one person's crossings in time order (dates are local calendar days):

* ``days_to_next[i]`` is the number of days from crossing ``i`` to crossing ``i + 1``;
  after the last crossing the person is taken to stay where that crossing left them,
  which the C++ encodes as a last spell of ``window`` days.
* A crossing is *in the migration direction* when it is an arrival of a non-resident or a
  departure of a resident. For such a crossing the spells after it are walked, adding the
  days on the migration side (in the country after an arrival, abroad after a departure)
  and on the other side. It is **not a migration** as soon as the other side exceeds
  ``window - threshold`` (122) days, and a **migration** as soon as the migration side
  reaches ``threshold`` (365) days. This depends only on the crossings after it, so it is
  computed for every crossing as ``would_migrate`` (with cumulative sums and
  ``searchsorted``), whatever the state.
* State: the resident state after crossing ``i`` is the state implied by the direction
  (arrival: resident, departure: not resident) of the latest crossing ``j <= i`` with
  ``would_migrate``, or the initial state when there is none. (A crossing in the
  migration direction that migrates flips the state to the implied one; a crossing in the
  other direction already has the implied state before it, so it changes nothing.)
* Resolution dates follow the C++: ``resolved_after`` (``date_finalised_res_after``) is
  the running maximum over the person's crossings of: the crossing date for a crossing in
  the non-migration direction, or for one in the migration direction
  ``date + threshold + other-side days`` (migration) / ``date + (window - threshold) +
  migration-side days`` (non-migration). ``resolved_before`` is the previous crossing's
  ``resolved_after`` (never before the crossing date; the first crossing's is its own
  date). ``resolved_date`` (``date_finalised_LTM``), the date the classification of the
  crossing became certain, is ``resolved_after`` for a migration-direction crossing, and
  ``resolved_before`` otherwise, except that the C++ "8 month" shortcut gives a crossing
  ``m`` that returns from the migration side of an earlier migration-direction crossing
  ``i`` (while ``i`` is still unresolved, and ``date_m < resolved_before_i + 2 * 122``)
  the earlier date ``max(date_m, resolved_before_i)`` unless ``m`` itself migrates.

Initial state: one boolean per person (the state before the first crossing). When it is
not given the C++ default applies: a person whose first crossing is an arrival was not
resident before it, one whose first crossing is a departure was. The initial state is
taken as final on the first crossing date (``initial_date_finalised`` = first crossing
date in ``migrbc`` terms), so the C++'s override of the initial state for an initial
status finalised after the first crossing never applies.

Single-crossing persons: the C++ classifies a lone crossing in the migration direction
against the wall-clock date (a migration when ``today - date >= threshold``). Here
``current_date=None`` (the default) treats the person as staying where the crossing left
them, exactly as for the last crossing of a longer history (a migration, resolved on
``date + threshold``); passing ``current_date`` reproduces the C++ behaviour.

The C++ refuses a history in which two consecutive crossings go the same way or dates go
backwards (the whole person is then left at the initial state); this implementation
raises ``ValueError`` instead: repair broken sequences before classifying.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

WINDOW_DAYS = 487
THRESHOLD_DAYS = 365

_EPOCH = np.datetime64("1970-01-01", "D")


def _to_days(values) -> np.ndarray:
    arr = np.asarray(values)
    if np.issubdtype(arr.dtype, np.integer):
        return arr.astype(np.int64)
    return (arr.astype("datetime64[D]") - _EPOCH).astype(np.int64)


def _is_arrival(values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype == bool or np.issubdtype(arr.dtype, np.integer):
        return arr.astype(bool)
    txt = np.asarray(pd.Series(arr).astype(str).str.upper(), dtype=object)
    if not np.isin(txt, ["ARR", "DEP"]).all():
        raise ValueError("direction must be ARR or DEP")
    return txt == "ARR"


def classify_arrays(
    person: np.ndarray,
    day: np.ndarray,
    is_arrival: np.ndarray,
    initial_resident: np.ndarray | None = None,
    window: int = WINDOW_DAYS,
    threshold: int = THRESHOLD_DAYS,
    current_day: int | None = None,
    last_spell: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Classify crossings already sorted by person then time.

    ``person`` holds integer person codes (equal codes contiguous), ``day`` integer day
    numbers, ``is_arrival`` booleans. ``initial_resident`` has one value per crossing
    (only the value on each person's first crossing is used) or is None for the C++
    default. ``last_spell`` (one value per crossing, only the value on each person's
    last crossing is used) replaces the ``window`` days the person is assumed to stay
    after the last crossing, e.g. the days to a known death. Returns arrays aligned with
    the input: ``would_migrate``,
    ``is_resident_before``, ``is_resident_after``, ``is_migration``, ``resolved_before``,
    ``resolved_after``, ``resolved_date`` (day numbers) and ``days_to_next``.
    """
    person = np.asarray(person)
    day = np.asarray(day, dtype=np.int64)
    arr = np.asarray(is_arrival, dtype=bool)
    n = len(day)
    keys = ("would_migrate", "is_resident_before", "is_resident_after", "is_migration")
    if n == 0:
        out = {k: np.zeros(0, bool) for k in keys}
        for k in ("resolved_before", "resolved_after", "resolved_date", "days_to_next"):
            out[k] = np.zeros(0, np.int64)
        return out
    tn = window - threshold
    idx = np.arange(n)
    first = np.ones(n, bool)
    first[1:] = person[1:] != person[:-1]
    last = np.ones(n, bool)
    last[:-1] = first[1:]
    same_next = ~last
    if np.any(day[1:][same_next[:-1]] < day[:-1][same_next[:-1]]):
        raise ValueError("crossing dates go backwards within a person")
    if np.any(arr[1:][same_next[:-1]] == arr[:-1][same_next[:-1]]):
        raise ValueError("two consecutive crossings of a person go the same way")
    start = np.maximum.accumulate(np.where(first, idx, 0))
    end = np.minimum.accumulate(np.where(last, idx, n)[::-1])[::-1]  # last crossing

    spell = np.full(n, window, np.int64)
    spell[:-1] = np.where(same_next[:-1], day[1:] - day[:-1], window)
    if last_spell is not None:
        spell = np.where(last, np.asarray(last_spell, np.int64), spell)
    in_c = np.zeros(n + 1, np.int64)
    out_c = np.zeros(n + 1, np.int64)
    np.cumsum(np.where(arr, spell, 0), out=in_c[1:])
    np.cumsum(np.where(arr, 0, spell), out=out_c[1:])
    # migration side of crossing i: "in" for an arrival, "out" for a departure
    mig_c = np.where(arr, in_c[:-1], out_c[:-1])
    oth_c = np.where(arr, out_c[:-1], in_c[:-1])
    m_mig = np.where(
        arr,
        np.searchsorted(in_c, in_c[:-1] + threshold, side="left"),
        np.searchsorted(out_c, out_c[:-1] + threshold, side="left"),
    )
    m_non = np.where(
        arr,
        np.searchsorted(out_c, out_c[:-1] + tn, side="right"),
        np.searchsorted(in_c, in_c[:-1] + tn, side="right"),
    )
    if last_spell is not None:
        # a short last spell can end a person's walk before either side is reached
        # (not a migration, certain when the last spell ends); keep the searches
        # from running on into the next person's spells
        m_mig = np.where(m_mig <= end + 1, m_mig, n + 1)
        m_non = np.where(m_non <= end + 1, m_non, n + 1)
    would = m_mig < m_non
    r_step = np.minimum(m_mig, m_non)
    oth_at = np.where(arr, out_c[np.minimum(m_mig, n)], in_c[np.minimum(m_mig, n)])
    mig_at = np.where(arr, in_c[np.minimum(m_non, n)], out_c[np.minimum(m_non, n)])
    res_mig = day + threshold + (oth_at - oth_c)
    res_non = day + tn + (mig_at - mig_c)
    res_walk = np.where(would, res_mig, res_non)
    if last_spell is not None:
        walked = in_c[end + 1] - in_c[:-1] + out_c[end + 1] - out_c[:-1]
        res_walk = np.where(r_step > n, day + walked, res_walk)

    # state
    if initial_resident is None:
        init = ~arr[start]
    else:
        init = np.asarray(initial_resident, dtype=bool)[start]
    last_wm = np.maximum.accumulate(np.where(would, idx, -1))
    has = last_wm >= start
    after = np.where(has, arr[np.maximum(last_wm, 0)], init)
    before = np.where(first, init, np.roll(after, 1))
    mig_dir = arr != before
    is_mig = mig_dir & would

    # single-crossing persons against a current date (C++ behaviour)
    single = first & last
    if current_day is not None and single.any():
        sm = single & mig_dir
        migr = (current_day - day) >= threshold
        is_mig = np.where(sm, migr, is_mig)
        after = np.where(sm, np.where(migr, ~before, before), after)
        res_walk = np.where(sm, day + threshold, res_walk)

    # resolution dates
    c = np.where(mig_dir, res_walk, day)
    big = np.int64(1) << 32
    grp = np.cumsum(first).astype(np.int64)
    ra = np.maximum.accumulate(c + grp * big) - grp * big
    rb = day.copy()
    rb[1:] = np.where(first[1:], day[1:], np.maximum(ra[:-1], day[1:]))
    ltm = np.where(mig_dir, np.maximum(res_walk, rb), rb)

    # "8 month" shortcut: preset resolution date of return crossings
    cand = np.flatnonzero(mig_dir & (r_step > idx + 1))
    if len(cand):
        key = grp * big + day
        lim = key[cand] - day[cand] + rb[cand] + 2 * tn
        hi = np.searchsorted(key, lim, side="left") - 1
        upper = np.minimum(np.minimum(hi, r_step[cand] - 1), end[cand])
        cnt = np.maximum((upper - cand + 1) // 2, 0)
        ok = cnt > 0
        cand, cnt = cand[ok], cnt[ok]
        if len(cand):
            src = np.repeat(cand, cnt)
            offs = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            m = src + 1 + 2 * offs
            preset_date = np.maximum(day[m], rb[src])
            # first writer (smallest i) wins: src is increasing, keep first per m
            order = np.lexsort((src, m))
            m_s, d_s = m[order], preset_date[order]
            keep = np.ones(len(m_s), bool)
            keep[1:] = m_s[1:] != m_s[:-1]
            m_s, d_s = m_s[keep], d_s[keep]
            overwrite = ~(mig_dir[m_s] & would[m_s])
            ltm[m_s[overwrite]] = d_s[overwrite]

    return {
        "would_migrate": would,
        "is_resident_before": before.astype(bool),
        "is_resident_after": after.astype(bool),
        "is_migration": is_mig.astype(bool),
        "resolved_before": rb,
        "resolved_after": ra,
        "resolved_date": ltm,
        "days_to_next": spell,
    }


def classify(
    crossings: pd.DataFrame,
    initial_resident: pd.Series | dict | None = None,
    window: int = WINDOW_DAYS,
    threshold: int = THRESHOLD_DAYS,
    current_date: dt.date | None = None,
    person_col: str = "person",
    date_col: str = "date",
    direction_col: str = "direction",
) -> pd.DataFrame:
    """Classify every crossing of ``crossings`` (columns person, date, direction).

    ``direction`` is ``ARR``/``DEP`` (or a boolean "is arrival"); ``date`` a date or
    datetime (only the calendar day counts). Crossings of a person are ordered by date and
    then by their order in the frame (so put same-day crossings in time order).
    ``initial_resident`` maps a person to the resident state before their first crossing
    (the state at the start); persons not in it get the C++ default. Returns a copy of
    the frame, in its original row order, with the columns ``is_resident_before``,
    ``is_resident_after``, ``is_migration``, ``would_migrate`` and the resolution dates
    ``resolved_date`` (classification certain), ``resolved_before`` and
    ``resolved_after`` (status before / after certain), plus ``days_to_next``.
    """
    df = crossings.reset_index(drop=True)
    codes, _uniques = pd.factorize(df[person_col], sort=False)
    day = _to_days(pd.to_datetime(df[date_col]).to_numpy())
    arr = _is_arrival(df[direction_col].to_numpy())
    order = np.lexsort((np.arange(len(df)), day, codes))
    p, d, a = codes[order], day[order], arr[order]
    if initial_resident is not None:
        init_map = pd.Series(initial_resident)
        init = df[person_col].map(init_map).to_numpy()[order]
        default = ~a
        # the first crossing's value is what counts; fill unknown persons with default
        known = pd.notna(init)
        init = np.where(known, init, default).astype(bool)
    else:
        init = None
    cur = None
    if current_date is not None:
        cur = int(_to_days(np.array([np.datetime64(current_date, "D")]))[0])
    res = classify_arrays(p, d, a, init, window, threshold, cur)
    inv = np.empty(len(order), np.int64)
    inv[order] = np.arange(len(order))
    out = df.copy()
    for k in (
        "is_resident_before",
        "is_resident_after",
        "is_migration",
        "would_migrate",
    ):
        out[k] = res[k][inv]
    for k in ("resolved_date", "resolved_before", "resolved_after"):
        out[k] = (res[k][inv] + _EPOCH.astype(np.int64)).astype("datetime64[D]")
        out[k] = out[k].astype("datetime64[s]")
    out["days_to_next"] = res["days_to_next"][inv]
    return out


def classify_loop(
    days: list[int],
    is_arrival: list[bool],
    initial_resident: bool | None = None,
    window: int = WINDOW_DAYS,
    threshold: int = THRESHOLD_DAYS,
    current_day: int | None = None,
) -> dict[str, list]:
    """Line-by-line port of ``rcpp_resolve`` for one person (day numbers, in order).

    Used to check :func:`classify_arrays`; ``initial_date_finalised`` is the first
    crossing date. ``current_day`` None means "stays where the crossing left them".
    """
    n = len(days)
    if n == 0:
        raise ValueError("no crossings")
    tw, tm = window, threshold
    tn = tw - tm
    ts = 2 * tn
    dtn = [tw] * n
    for i in range(1, n):
        if days[i - 1] > days[i]:
            raise ValueError("crossing dates go backwards")
        if is_arrival[i] == is_arrival[i - 1]:
            raise ValueError("identical direction")
        dtn[i - 1] = days[i] - days[i - 1]
    irs = (not is_arrival[0]) if initial_resident is None else bool(initial_resident)
    rb = [False] * n
    ra = [False] * n
    ltm = [False] * n
    d_rb: list[int | None] = [None] * n
    d_ra: list[int | None] = [None] * n
    d_ltm: list[int | None] = [None] * n
    if n == 1:
        rb[0] = irs
        d_rb[0] = days[0]
        mig_dir = (is_arrival[0] and not irs) or (not is_arrival[0] and irs)
        if not mig_dir:
            ra[0] = irs
            d_ra[0] = d_ltm[0] = days[0]
        else:
            cur = current_day if current_day is not None else days[0] + tm
            if cur - days[0] >= tm:
                ra[0] = not irs
                ltm[0] = True
            else:
                ra[0] = irs
            d_ra[0] = d_ltm[0] = days[0] + tm
        return _loop_result(rb, ra, ltm, d_rb, d_ra, d_ltm, dtn)
    for i in range(n):
        date_i = days[i]
        if i == 0:
            rb[i] = irs
            d_rb[i] = date_i
        else:
            rb[i] = ra[i - 1]
            if d_ra[i - 1] is None:
                d_rb[i] = date_i
            else:
                d_rb[i] = max(d_ra[i - 1], date_i)
        date_rb_i = d_rb[i]
        if (is_arrival[i] and rb[i]) or (not is_arrival[i] and not rb[i]):
            ra[i] = rb[i]
            d_ra[i] = max(date_i, date_rb_i)
            ltm[i] = False
            if d_ltm[i] is None:
                d_ltm[i] = max(date_i, date_rb_i)
            continue
        date_obs_end = date_i + tw
        date_i_8 = date_rb_i + ts
        acc_mig = 0
        acc_non = 0
        ind = 0
        for m in range(i + 1, n + 1):
            if days[m - 1] > date_obs_end:
                break
            elapsed = dtn[m - 1]
            if ind % 2 == 0:
                acc_mig += elapsed
            else:
                acc_non += elapsed
            res_mig = tm + acc_non
            res_non = tn + acc_mig
            if acc_non > tn:
                ra[i] = rb[i]
                d_ra[i] = max(date_i + res_non, date_rb_i)
                ltm[i] = False
                if d_ltm[i] is None:
                    d_ltm[i] = max(date_i + res_non, date_rb_i)
                break
            if acc_mig >= tm:
                ra[i] = not rb[i]
                d_ra[i] = max(date_i + res_mig, date_rb_i)
                ltm[i] = True
                d_ltm[i] = max(date_i + res_mig, date_rb_i)
                break
            if ind % 2 == 0 and i + 1 < n:
                date_s = days[m]
                if date_s < date_i_8:
                    ltm[m] = False
                    if d_ltm[m] is None:
                        d_ltm[m] = max(date_s, date_rb_i)
            ind += 1  # noqa: SIM113 (kept as in the C++)
    return _loop_result(rb, ra, ltm, d_rb, d_ra, d_ltm, dtn)


def _loop_result(rb, ra, ltm, d_rb, d_ra, d_ltm, dtn) -> dict[str, list]:
    return {
        "is_resident_before": rb,
        "is_resident_after": ra,
        "is_migration": ltm,
        "resolved_before": d_rb,
        "resolved_after": d_ra,
        "resolved_date": d_ltm,
        "days_to_next": dtn,
    }
