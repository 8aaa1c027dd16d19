"""From the simulated world to the delivered extracts (with their flaws) and record truth."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from migstat.dictionary import DATASETS

from . import population as pop
from . import reference as ref
from . import xlsx
from .population import BIG, World, _hash01

LETTERS = pa.array([chr(65 + i) for i in range(26)])
# the delivered headers, exactly as the data dictionary has them
CROSSING_COLUMNS = DATASETS["border_crossings"].headers
PERMIT_HEADERS = DATASETS["work_permits"].headers
CITIZEN_COLUMNS = [
    "NID",
    "FULL_NAME",
    "SEX",
    "DOB",
    "BIRTH_COUNTRY",
    "BIRTH_ISLAND",
    "REG_ATOLL",
    "REG_ISLAND",
    "CITIZENSHIP_BASIS",
    "CITIZENSHIP_DATE",
    "DEATH_DATE",
    "LAST_UPDATED",
]
PASSPORT_COLUMNS = ["PASSPORT_NO", "NID", "ISSUE_DATE", "EXPIRY_DATE", "STATUS"]
CENSUS_COLUMNS = [
    "PERSON_ID",
    "HH_ID",
    "ATOLL",
    "LOCALITY_TYPE",
    "SEX",
    "AGE",
    "CITIZENSHIP",
    "COUNTRY_OF_BIRTH",
    "YEAR_OF_ARRIVAL",
    "PREV_RES_COUNTRY",
    "REASON_FOR_MIGRATION",
]
CANCEL_REASONS = [
    "Contract ended",
    "Resigned",
    "Left the country",
    "Changed to marriage visa",
    "Deceased",
    "Did not arrive",
]
# flaw rates (documented in the package docstring)
RATES = {
    "unrecorded_departure": 0.01,
    "unrecorded_arrival": 0.001,
    "duplicate": 0.001,
    "void": 0.0005,
    "corrected": 0.005,
    "late": 0.015,
    "national_id_missing": 0.12,
    "permit_number_empty": 0.03,
    "permit_number_mistyped": 0.01,
    "name_variant": 0.25,
    "sex_x": 0.0002,
    "flight_empty": 0.02,
    "gz_file": 0.12,
}
_SECONDS_PER_DAY = 86400


# --------------------------------------------------------------------------- helpers
def _s(arr) -> pa.Array:
    return pa.array(arr, type=pa.string()) if not isinstance(arr, pa.Array) else arr


def _lut(values, idx: np.ndarray, null_below_zero: bool = True) -> pa.Array:
    """Strings ``values[idx]`` (empty where idx < 0) as an arrow string array."""
    values = list(values) + [""]
    idx = np.asarray(idx, np.int64)
    idx = np.where(idx < 0, len(values) - 1, idx) if null_below_zero else idx
    return pa.DictionaryArray.from_arrays(
        pa.array(idx.astype(np.int32)), pa.array(values, pa.string())
    ).dictionary_decode()


def _int_str(a: np.ndarray, width: int = 0) -> pa.Array:
    s = pc.cast(pa.array(np.asarray(a, np.int64)), pa.string())
    return pc.utf8_lpad(s, width, "0") if width else s


def _days_fmt(days: np.ndarray, fmt: str) -> pa.Array:
    """Format day numbers: ``%Y-%m-%d``, ``%Y%m%d`` or ``%d/%m/%Y`` (fast casts)."""
    iso = pc.cast(pa.array(np.asarray(days, np.int64).astype("datetime64[D]")), pa.string())
    if fmt == "%Y-%m-%d":
        return iso
    if fmt == "%Y%m%d":
        return pc.replace_substring(iso, "-", "")
    if fmt == "%d/%m/%Y":
        return _join(
            pc.utf8_slice_codeunits(iso, 8, 10),
            "/",
            pc.utf8_slice_codeunits(iso, 5, 7),
            "/",
            pc.utf8_slice_codeunits(iso, 0, 4),
        )
    raise ValueError(fmt)


def _secs_fmt(secs: np.ndarray, fmt: str) -> pa.Array:
    """Format epoch seconds (local): ``%Y-%m-%d %H:%M:%S``, ``...T...`` or compact."""
    ts = pa.array(np.asarray(secs, np.int64).astype("datetime64[s]"))
    iso = pc.cast(ts, pa.string())  # YYYY-MM-DD HH:MM:SS
    if fmt == "%Y-%m-%d %H:%M:%S":
        return iso
    if fmt == "%Y-%m-%dT%H:%M:%S":
        return pc.replace_substring(iso, " ", "T")
    if fmt == "%Y%m%d%H%M%S":
        return pc.replace_substring_regex(iso, "[- :]", "")
    raise ValueError(fmt)


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _where(mask: np.ndarray, a, b) -> pa.Array:
    return pc.if_else(pa.array(np.asarray(mask, bool)), a, b)


def _write_csv(table: pa.Table, path: Path, delimiter=",", bom=False, gz=False) -> None:
    header = (delimiter.join(table.column_names) + "\n").encode()
    buf = io.BytesIO()
    try:
        opts = pacsv.WriteOptions(include_header=False, delimiter=delimiter, quoting_style="none")
        pacsv.write_csv(table, buf, opts)
    except pa.ArrowInvalid:  # a value needs quoting: quote where needed
        buf = io.BytesIO()
        opts = pacsv.WriteOptions(include_header=False, delimiter=delimiter)
        pacsv.write_csv(table, buf, opts)
    data = header + buf.getvalue()
    if bom:
        data = b"\xef\xbb\xbf" + data
    if gz:
        data = gzip.compress(data, compresslevel=6, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# --------------------------------------------------------------------------- documents
_STYLE_SPACE = {"A": 26 * 10**7, "B": 676 * 10**7, "C": 10**9, "E": 2 * 10**8}
_MULT = 2_654_435_761  # odd, prime to 5 and 13: a bijection modulo every space


def doc_numbers(doc_id: np.ndarray, style: np.ndarray) -> pa.Array:
    """Document numbers from document ids: a bijection per style, so never shared."""
    doc_id = np.asarray(doc_id, np.int64)
    out = pa.nulls(len(doc_id), pa.string())
    for st, space in _STYLE_SPACE.items():
        m = style == st
        if not m.any():
            continue
        v = (doc_id % space * _MULT + 7919) % space
        if st == "A":
            s = _join(_lut([chr(65 + i) for i in range(26)], v // 10**7), _int_str(v % 10**7, 7))
        elif st == "B":
            letters = v // 10**7
            s = _join(
                _lut([chr(65 + i) for i in range(26)], letters // 26),
                _lut([chr(65 + i) for i in range(26)], letters % 26),
                _int_str(v % 10**7, 7),
            )
        elif st == "C":
            s = _int_str(v, 9)
        else:
            s = _join(_lut(["E", "G"], v // 10**8), _int_str(v % 10**8, 8))
        out = _where(m, s, out)
    return out


def person_doc(world: World, pid: np.ndarray, d: np.ndarray):
    """(doc_id, style array, citizen-at-date mask) of persons ``pid`` on days ``d``."""
    p = world.persons
    k = pop.doc_index(world, pid, d)
    doc_id = pid.astype(np.int64) * 4 + k
    citz = pop.is_citizen(world, pid, d)
    style = np.where(citz, "A", ref.DOCSTYLE[p["nat"][pid]])
    return doc_id, style, citz


def name_tokens(world: World, tok: np.ndarray, key: np.ndarray, salt: int, rate: float):
    """Spelling of name tokens (vocab indices) on a document ``key``: base or a variant."""
    _vocab, _gm, _gf, _sn, var_start, var_count, var_flat = world.names
    tok = np.asarray(tok, np.int64)
    t = np.maximum(tok, 0)
    u = _hash01(key * 7 + salt, salt)
    cnt = var_count[t]
    use = (cnt > 0) & (u < rate) & (tok >= 0)
    j = np.floor(u / rate * np.maximum(cnt, 1)).astype(np.int64)
    alt = var_flat[var_start[t] + np.minimum(j, np.maximum(cnt - 1, 0))]
    return np.where(use, alt, tok)


def name_strings(world: World, pid, key, salt: int, rate: float):
    p = world.persons
    vocab = list(world.vocab)
    g = name_tokens(world, p["given"][pid], key, salt, rate)
    g2 = name_tokens(world, p["given2"][pid], key, salt + 1, rate)
    sn = name_tokens(world, p["surname"][pid], key, salt + 2, rate)
    given = pc.binary_join_element_wise(
        _lut(vocab, g),
        pc.if_else(pa.array(g2 >= 0), _lut(vocab, g2), None),
        " ",
        null_handling="skip",
    )
    return given, _lut(vocab, sn)


# --------------------------------------------------------------------------- identities
def assign_identities(rng, world: World) -> None:
    """National ID numbers, registered addresses and permit numbers."""
    p = world.persons
    n = len(p["dob"])
    cit = p["cit_from"] < BIG
    nid = np.full(n, -1, np.int32)
    k = int(cit.sum())
    nid[cit] = rng.choice(900_000, k, replace=False) + 100_000
    p["nid"] = nid
    atoll = rng.choice(len(ref.ATOLL_CODES), n, p=ref.ATOLL_W / ref.ATOLL_W.sum())
    isl = np.floor(
        rng.random(n) * np.array([len(ref.ATOLLS[a]) for a in ref.ATOLL_CODES])[atoll]
    ).astype(np.int64)
    p["reg_atoll"] = atoll.astype(np.int16)
    p["reg_island"] = isl.astype(np.int16)
    bisl_a = np.where(rng.random(n) < 0.7, atoll, rng.choice(len(ref.ATOLL_CODES), n))
    p["birth_atoll"] = bisl_a.astype(np.int16)
    pm = world.permits
    order = np.lexsort((pm["pid"], pm["issue"]))
    year = pm["issue"].astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    seq = np.zeros(len(order), np.int64)
    ys = year[order]
    first = np.r_[True, ys[1:] != ys[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(ys)), 0))
    seq[order] = np.arange(len(ys)) - start + 1
    pm["seq"] = seq
    pm["year"] = year
    pm["row_order"] = np.argsort(order)  # position in the workbook
    pm["number"] = np.array(
        _join("WP", _int_str(year, 4), "-", _int_str(seq, 6)).to_pylist(), dtype=object
    )
    pm["sort"] = order


# --------------------------------------------------------------------------- crossings
def plan_crossing_records(rng, world: World, cls: dict) -> tuple[dict, dict]:
    """Which delivered rows exist: true events, duplicates, spurious (voided) events.

    Returns (rows, truth) where rows holds one entry per delivered row version.
    """
    x = world.crossings
    lo = pop.OBS_START - 31
    cand = np.flatnonzero((x["day"] >= lo) & (x["day"] <= pop.OBS_END))
    n = len(cand)
    u = rng.random(n)
    lost = np.where(
        x["arr"][cand], u < RATES["unrecorded_arrival"], u < RATES["unrecorded_departure"]
    )
    rec = cand[~lost]
    m = len(rec)
    sec = x["sec"][rec].astype(np.int64)
    kind = np.zeros(m, np.int8)  # 0 event, 1 duplicate, 2 spurious (voided)
    src = rec
    # duplicates a few minutes later and spurious events the same day
    nd = rng.binomial(m, RATES["duplicate"])
    di = rng.choice(m, nd, replace=False)
    dsec = np.minimum(sec[di] + rng.integers(60, 600, nd), 86399)
    nv = rng.binomial(m, RATES["void"])
    vi = rng.choice(m, nv, replace=False)
    vsec = np.clip(sec[vi] + rng.choice([-1, 1], nv) * rng.integers(3600, 6 * 3600, nv), 0, 86399)
    src = np.r_[rec, rec[di], rec[vi]]
    sec = np.r_[sec, dsec, vsec]
    kind = np.r_[kind, np.ones(nd, np.int8), np.full(nv, 2, np.int8)]
    dup_of = np.r_[np.full(m, -1), np.arange(m)[di], np.full(nv, -1)]
    day = x["day"][src].astype(np.int64)
    k = len(src)
    # crossing ids: BC + crossing date + sequence within the day
    o = np.lexsort((rng.random(k), day))
    first = np.r_[True, day[o][1:] != day[o][:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(k), 0))
    seq = np.empty(k, np.int64)
    seq[o] = np.arange(k) - start + 1
    ymd = _ymd(day)
    cid = ymd * 1_000_000 + seq
    # extraction times
    lag = np.minimum(rng.exponential(2400, k), 6 * 3600).astype(np.int64) + 30
    late = rng.random(k) < RATES["late"]
    lag = lag + np.where(late, rng.integers(1, 11, k) * _SECONDS_PER_DAY, 0)
    ext = day * _SECONDS_PER_DAY + sec + lag
    # versions: NEW for all; CORRECTED for some events; VOID for spurious ones
    err = np.zeros(k, np.int8)
    corr = (kind == 0) & (rng.random(k) < RATES["corrected"])
    err[corr] = rng.choice([1, 2, 3, 4, 5, 6], corr.sum(), p=[0.3, 0.2, 0.2, 0.15, 0.1, 0.05])
    ci = np.flatnonzero(corr)
    c_ext = (
        ext[ci] + rng.integers(1, 31, len(ci)) * _SECONDS_PER_DAY + rng.integers(0, 36000, len(ci))
    )
    vj = np.flatnonzero(kind == 2)
    v_ext = (
        ext[vj] + rng.integers(0, 8, len(vj)) * _SECONDS_PER_DAY + rng.integers(600, 36000, len(vj))
    )
    rows = {
        "r": np.r_[np.arange(k), ci, vj],  # index into the planned events
        "status": np.r_[
            np.zeros(k, np.int8), np.ones(len(ci), np.int8), np.full(len(vj), 2, np.int8)
        ],
        "ext": np.r_[ext, c_ext, v_ext],
    }
    rows["err"] = np.where(rows["status"] == 0, err[rows["r"]], 0).astype(np.int8)
    keep = (rows["ext"] // _SECONDS_PER_DAY >= pop.OBS_START) & (
        rows["ext"] // _SECONDS_PER_DAY <= pop.OBS_END
    )
    rows = {kk: v[keep] for kk, v in rows.items()}
    # a CORRECTED or VOID version only follows a NEW version that was delivered
    has_new = np.zeros(k, bool)
    has_new[rows["r"][rows["status"] == 0]] = True
    keep = has_new[rows["r"]]
    rows = {kk: v[keep] for kk, v in rows.items()}
    o = np.lexsort((cid[rows["r"]], rows["ext"]))
    rows = {kk: v[o] for kk, v in rows.items()}
    events = {
        "src": src.astype(np.int32),
        "sec": sec.astype(np.int32),
        "kind": kind,
        "cid": cid,
        "day": day.astype(np.int32),
        "dup_of": dup_of.astype(np.int32),
    }
    delivered = np.zeros(k, bool)
    delivered[rows["r"]] = True
    events["delivered"] = delivered
    events["lost"] = cand[lost]
    return rows, events


def _ymd(day: np.ndarray) -> np.ndarray:
    d = np.asarray(day, np.int64).astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    mo = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dd = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return y * 10000 + mo * 100 + dd


def crossing_table(world: World, rows: dict, events: dict, sl: slice) -> pa.Table:
    """Arrow table of the delivered crossing rows ``sl`` (all text columns)."""
    x, p = world.crossings, world.persons
    r = rows["r"][sl]
    status = rows["status"][sl]
    err = rows["err"][sl]
    ext = rows["ext"][sl]
    src = events["src"][r]
    pid = x["pid"][src]
    day = events["day"][r]
    sec = events["sec"][r]
    arr = x["arr"][src].copy()
    n = len(r)
    key = src.astype(np.int64)  # stable per true crossing (shared by duplicates)
    # errors of the first version, corrected later
    e_time = err == 4
    sec = np.where(e_time, np.clip(sec + np.where(sec < 43200, 1, -1) * 7200, 0, 86399), sec)
    arr = np.where(err == 5, ~arr, arr)
    doc_id, style, citz = person_doc(world, pid, day)
    docno = doc_numbers(doc_id, style)
    bad_doc = doc_numbers(doc_id + 1_000_000_007, style)
    docno = _where(err == 2, bad_doc, docno)
    codes = list(world.code_list)
    nat_code = np.where(citz, ref.MDV, p["nat_code"][pid])
    doc_c = np.where(citz, ref.MDV, p["doc_country"][pid])
    doc_t = np.where(citz, 0, p["doc_type"][pid])
    nat_s = _lut(codes, nat_code)
    wrong_nat = _lut(
        codes, np.where(nat_code == ref.C_INDEX["IND"], ref.C_INDEX["IDN"], ref.C_INDEX["IND"])
    )
    nat_s = _where(err == 6, wrong_nat, nat_s)
    given, surname = name_strings(world, pid, doc_id, 11, RATES["name_variant"])
    short = pc.utf8_slice_codeunits(surname, 0, 2)
    rest = pc.utf8_slice_codeunits(surname, 3, 100)
    surname = _where(err == 3, _join(short, rest), surname)
    dob = p["dob"][pid].astype(np.int64)
    dob_s = _days_fmt(dob, "%Y-%m-%d")
    q = p["dob_q"][pid]
    dob_s = _where(q == 1, _join(pc.utf8_slice_codeunits(dob_s, 0, 8), "00"), dob_s)
    dob_s = _where(q == 2, _join(pc.utf8_slice_codeunits(dob_s, 0, 5), "00-00"), dob_s)
    wrong_dob = _days_fmt(dob + np.where(dob % 2 == 0, 365, -366), "%Y-%m-%d")
    dob_s = _where(err == 1, wrong_dob, dob_s)
    sex = np.where(p["sex"][pid] == 1, 0, 1)
    sex = np.where(_hash01(doc_id, 3) < RATES["sex_x"], 2, sex)
    nid = p["nid"][pid]
    has_nid = citz & (nid >= 0) & (_hash01(key, 5) >= RATES["national_id_missing"])
    nid_s = _where(has_nid, _join("A", _int_str(np.maximum(nid, 0), 6)), "")
    visa = x["visa"][src]
    permit = x["permit"][src]
    pnum = _lut(world.permits["number"], permit)
    is_work = (visa == pop.V["WORK"]) & (permit >= 0)
    u = _hash01(key, 9)
    empty_wp = u < RATES["permit_number_empty"]
    typo = (u >= RATES["permit_number_empty"]) & (
        u < RATES["permit_number_empty"] + RATES["permit_number_mistyped"]
    )
    t_kind = np.floor(_hash01(key, 10) * 5).astype(np.int64)
    typos = [
        pc.utf8_slice_codeunits(pnum, 0, 13),  # a digit lost
        pc.utf8_lower(pnum),
        pc.replace_substring(pnum, "-", "/"),
        pc.utf8_slice_codeunits(pnum, 2, 20),  # WP missing
        pc.replace_substring(pnum, "WP", "WP "),
    ]
    typed = pnum
    for i, t in enumerate(typos):
        typed = _where(typo & (t_kind == i), t, typed)
    typed = _where(empty_wp, "", typed)
    wp = _where(is_work, typed, "")
    # port and flight: stable per true crossing
    up = _hash01(key, 12)
    port = np.searchsorted(np.cumsum(ref.PORT_W / ref.PORT_W.sum()), up, side="right")
    port = np.minimum(port, len(ref.PORTS) - 1)
    crew_or_air = port <= 3
    airline = np.floor(_hash01(key, 13) * len(ref.AIRLINES)).astype(np.int64)
    fno = 1 + np.floor(_hash01(key, 14) * 999).astype(np.int64)
    flight = _join(_lut(ref.AIRLINES, airline), _int_str(fno))
    vessel = _lut(ref.VESSELS, np.floor(_hash01(key, 15) * len(ref.VESSELS)).astype(np.int64))
    fl = _where(crew_or_air, flight, vessel)
    fl = _where(_hash01(key, 16) < RATES["flight_empty"], "", fl)
    purpose = np.where(arr, x["purpose"][src], -1)
    intended = np.where(arr, x["intended"][src], -1)
    decl = np.where(arr, x["decl"][src], -1)
    icao = list(ref.ICAO)
    cross_ts = day * _SECONDS_PER_DAY + sec
    cols = {
        "crossing_id": _join("BC", _int_str(events["cid"][r], 14)),
        "record_status": _lut(["NEW", "CORRECTED", "VOID"], status),
        "extracted_at": _join(_secs_fmt(ext, "%Y-%m-%dT%H:%M:%S"), "+05:00"),
        "crossing_time": _secs_fmt(cross_ts, "%Y-%m-%d %H:%M:%S"),
        "direction": _lut(["DEP", "ARR"], arr.astype(np.int64)),
        "port_code": _lut(ref.PORTS, port),
        "travel_doc_type": _lut(["P", "TD"], doc_t),
        "travel_doc_number": docno,
        "travel_doc_country": _lut(codes, doc_c),
        "nationality": nat_s,
        "surname": surname,
        "given_names": given,
        "date_of_birth": dob_s,
        "sex": _lut(["M", "F", "X"], sex),
        "national_id": nid_s,
        "visa_type": _lut(pop.VISAS, visa),
        "work_permit_number": wp,
        "flight_vessel": fl,
        "purpose_of_visit": _lut(pop.PURPOSES, purpose),
        "intended_stay_days": pc.if_else(
            pa.array(intended >= 0), _int_str(np.maximum(intended, 0)), ""
        ),
        "declared_residence_country": _lut(icao, decl),
    }
    del n
    return pa.table({c: pc.cast(cols[c], pa.string()) for c in CROSSING_COLUMNS})


def write_crossings(world: World, rows: dict, events: dict, out: Path) -> dict:
    ext_day = rows["ext"] // _SECONDS_PER_DAY
    days = np.arange(pop.OBS_START, pop.OBS_END + 1)
    bounds = np.searchsorted(ext_day, np.r_[days, days[-1] + 1], side="left")
    gz = _hash01(days, 21) < RATES["gz_file"]
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    n_files = 0
    for mo in np.unique(months):
        idx = np.flatnonzero(months == mo)
        lo, hi = bounds[idx[0]], bounds[idx[-1] + 1]
        table = crossing_table(world, rows, events, slice(lo, hi))
        for i in idx:
            a, b = bounds[i] - lo, bounds[i + 1] - lo
            ymd = int(_ymd(np.array([days[i]]))[0])
            name = f"border_crossings_{ymd}.csv" + (".gz" if gz[i] else "")
            path = out / "immigration" / "border_crossings" / str(ymd // 10000) / name
            _write_csv(table.slice(a, b - a), path, gz=bool(gz[i]))
            n_files += 1
    return {"crossing_files": n_files, "crossing_rows": int(len(rows["r"]))}


# --------------------------------------------------------------------------- permits
def _title(vocab: np.ndarray) -> list[str]:
    return [str(v).title() for v in vocab]


class _Sst:
    """Shared strings of the work-permit workbooks (one table for every snapshot)."""

    def __init__(self):
        self.items: list[str] = []
        self.pos: dict[str, int] = {}

    def index(self, values) -> np.ndarray:
        out = np.empty(len(values), np.int64)
        for i, v in enumerate(values):
            if v is None or v == "":
                out[i] = -1
                continue
            if v not in self.pos:
                self.pos[v] = len(self.items)
                self.items.append(v)
            out[i] = self.pos[v]
        return out

    def lut(self, labels: list[str], codes: np.ndarray) -> np.ndarray:
        idx = self.index(labels)
        return np.where(np.asarray(codes) < 0, -1, idx[np.maximum(codes, 0)])


STATUSES = ["Active", "Expired", "Cancelled", "Transferred"]


def permit_static(world: World) -> dict:
    """Per-permit cells that do not change between snapshots (workbook order)."""
    pm, p = world.permits, world.persons
    sst = _Sst()
    o = pm["sort"]
    pid = pm["pid"][o]
    issue = pm["issue"][o].astype(np.int64)
    key = o.astype(np.int64) + 10_000_000
    rows = _int_str(np.arange(len(o)) + 4)
    doc_id, style, _c = person_doc(world, pid, issue)
    pno = doc_numbers(doc_id, style)
    u = _hash01(key, 31)
    pno = _where(u < 0.08, pc.utf8_lower(pno), pno)
    sp = (u >= 0.08) & (u < 0.12)
    head2, tail2 = pc.utf8_slice_codeunits(pno, 0, 2), pc.utf8_slice_codeunits(pno, 2, 20)
    pno = _where(sp, _join(head2, " ", tail2), pno)
    da = (u >= 0.12) & (u < 0.15)
    head1, tail1 = pc.utf8_slice_codeunits(pno, 0, 1), pc.utf8_slice_codeunits(pno, 1, 20)
    pno = _where(da, _join(head1, "-", tail1), pno)
    vocab_t = _title(world.vocab)
    g = name_tokens(world, p["given"][pid], key, 41, 0.3)
    g2 = name_tokens(world, p["given2"][pid], key, 42, 0.3)
    sn = name_tokens(world, p["surname"][pid], key, 43, 0.3)
    name = pc.binary_join_element_wise(
        _lut(vocab_t, g),
        pc.if_else(pa.array(g2 >= 0), _lut(vocab_t, g2), None),
        pc.if_else(pa.array(sn >= 0), _lut(vocab_t, sn), None),
        " ",
        null_handling="skip",
    )
    name = _where(_hash01(key, 44) < 0.05, pc.utf8_upper(name), name)
    nat = p["nat"][pid]
    nat_lab = list(ref.CNAME)
    nat_idx = sst.lut(nat_lab, nat)
    typo = np.flatnonzero(_hash01(key, 45) < 0.02)
    pick = _hash01(key[typo], 46)
    for i, u_ in zip(typo, pick, strict=True):
        nm = nat_lab[nat[i]]
        opts = ref.NATIONALITY_TYPOS.get(nm, [nm.upper()])
        nat_idx[i] = sst.index([opts[int(u_ * len(opts))]])[0]
    gender = sst.lut(["Male", "Female"], p["sex"][pid] - 1)
    dob = p["dob"][pid].astype(np.int64)
    q = p["dob_q"][pid]
    dd = dob.astype("datetime64[D]")
    jan1 = (dd.astype("datetime64[Y]").astype("datetime64[D]") - pop.EPOCH).astype(np.int64)
    first_m = (dd.astype("datetime64[M]").astype("datetime64[D]") - pop.EPOCH).astype(np.int64)
    dob_shown = np.where(q == 2, jan1, np.where(q == 1, first_m, dob))
    text_dates = _hash01(key, 47) < 0.06
    dob_text = text_dates | (_hash01(key, 48) < 0.03)
    emp = world.employers
    e = pm["employer"][o]
    occ = pm["occupation"][o]
    occ_names = [x[0] for x in emp["occ_flat"]]
    occ_isco = [x[1] for x in emp["occ_flat"]]
    isco = np.where(_hash01(key, 49) < 0.1, -1, sst.lut(occ_isco, occ))
    cells = [
        xlsx.text_cells(_lut(world.permits["number"][o], np.arange(len(o)))),
        xlsx.text_cells(pno),
        xlsx.text_cells(name),
        xlsx.sst_cells(nat_idx),
        xlsx.sst_cells(gender),
        _date_or_text(dob_shown, dob_text),
        xlsx.sst_cells(sst.lut(occ_names, occ)),
        xlsx.sst_cells(isco),
        xlsx.sst_cells(sst.lut(list(emp["name"]), e)),
        xlsx.sst_cells(sst.lut(list(emp["sector_names"]), emp["sector"][e])),
        xlsx.sst_cells(sst.lut(list(emp["location"]), e)),
        _date_or_text(issue, text_dates),
    ]
    prefix = pc.binary_join_element_wise(*cells, "")
    status_idx = sst.index(STATUSES)
    reason_idx = sst.index(CANCEL_REASONS)
    return {
        "rows": rows,
        "prefix": prefix,
        "text_dates": text_dates,
        "issue": issue,
        "o": o,
        "sst": sst,
        "status_idx": status_idx,
        "reason_idx": reason_idx,
    }


def _date_or_text(days, text_mask) -> pa.Array:
    text_mask = np.asarray(text_mask, bool)
    serial = np.asarray(days, np.int64) + 25569
    dc = xlsx.date_cells(serial)
    if not text_mask.any():
        return dc
    tc = xlsx.text_cells(_days_fmt(days, "%d/%m/%Y"))
    return _where(text_mask, tc, dc)


def permit_status(world: World, snap: int, o: np.ndarray):
    pm = world.permits
    issue = pm["issue"][o].astype(np.int64)
    v = pm["valid_days"][o].astype(np.int64)
    spell_end = pm["spell_end"][o].astype(np.int64)
    upto = np.minimum(snap, spell_end)
    k = 1 + np.maximum(0, (upto - issue + 30) // v)
    expiry = issue + k * v - 1
    status = np.full(len(o), 0, np.int64)  # Active
    status = np.where(snap > expiry, 1, status)  # Expired
    cancel = pm["cancel_day"][o]
    status = np.where(cancel <= snap, 2, status)  # Cancelled
    status = np.where(pm["transferred"][o] & (spell_end <= snap), 3, status)
    reason = np.where(status == 2, pm["cancel_reason"][o], -1)
    return expiry, status, reason


def write_permits(world: World, out: Path) -> dict:
    st = permit_static(world)
    o = st["o"]
    issue = st["issue"]
    sst_xml = xlsx.shared_strings_xml(st["sst"].items)
    snaps = pd.date_range("2019-01-31", "2025-06-30", freq="ME")
    headers = "".join(f'<c t="inlineStr" s="2"><is><t>{h}</t></is></c>' for h in PERMIT_HEADERS)
    for ts in snaps:
        snap = pop.day(str(ts.date()))
        n = int(np.searchsorted(issue, snap, side="right"))
        sl = slice(0, n)
        expiry, status, reason = permit_status(world, snap, o[sl])
        rows = st["rows"][:n]
        reason_i = np.where(reason >= 0, st["reason_idx"][np.maximum(reason, 0)], -1)
        cells = [
            st["prefix"][:n],
            _date_or_text(expiry, st["text_dates"][sl]),
            xlsx.sst_cells(st["status_idx"][status]),
            xlsx.sst_cells(reason_i),
        ]
        data = xlsx.join_rows(rows, cells)
        title = f"Work Permit Report as at {ts.strftime('%d/%m/%Y')}"
        head = (
            f'<row r="1"><c t="inlineStr" s="2"><is><t>{title}</t></is></c></row>'
            f'<row r="3">{headers}</row>'
        )
        path = out / "labour" / "work_permits" / f"work_permits_{ts.strftime('%Y%m%d')}.xlsx"
        xlsx.write_workbook(path, "Permits", head, data, shared_strings=sst_xml)
    return {"permit_files": len(snaps), "permits": int(len(o))}


# --------------------------------------------------------------------------- registry
def registry_snapshots() -> list[pd.Timestamp]:
    return list(pd.date_range("2018-12-31", "2025-06-30", freq="QE"))


def write_registry(world: World, out: Path) -> dict:
    p = world.persons
    cit = np.flatnonzero(p["cit_from"] < BIG)
    vocab_t = _title(world.vocab)
    g, g2, sn = p["given"][cit], p["given2"][cit], p["surname"][cit]
    full = pc.binary_join_element_wise(
        _lut(vocab_t, g),
        pc.if_else(pa.array(g2 >= 0), _lut(vocab_t, g2), None),
        pc.if_else(pa.array(sn >= 0), _lut(vocab_t, sn), None),
        " ",
        null_handling="skip",
    )
    born_mv = p["birth_c"][cit] == ref.MDV
    nat = p["cit_from"][cit] > -BIG
    atolls = ref.ATOLL_CODES
    isl_names = [ref.ATOLLS[a] for a in atolls]
    reg_isl = [
        isl_names[a][i] for a, i in zip(p["reg_atoll"][cit], p["reg_island"][cit], strict=True)
    ]
    b_a = p["birth_atoll"][cit]
    b_isl = [f"{atolls[a]}.{isl_names[a][0]}" for a in b_a]
    birth_island = np.where(born_mv, np.array(b_isl, dtype=object), "")
    basis = np.where(nat, "NATURALISATION", np.where(born_mv, "BIRTH", "DESCENT"))
    reg_day = np.where(nat, p["cit_from"][cit], p["dob"][cit]).astype(np.int64)
    death = p["death"][cit].astype(np.int64)
    key = cit.astype(np.int64)
    upd_sec = (_hash01(key, 61) * 30000 + 28800).astype(np.int64)
    base = {
        "NID": _join("A", _int_str(p["nid"][cit], 6)),
        "FULL_NAME": full,
        "SEX": _lut(["", "1", "2"], p["sex"][cit]),
        "DOB": _days_fmt(p["dob"][cit], "%Y%m%d"),
        "BIRTH_COUNTRY": _lut(ref.ISO2, p["birth_c"][cit]),
        "BIRTH_ISLAND": pa.array(birth_island, pa.string()),
        "REG_ATOLL": _lut(atolls, p["reg_atoll"][cit]),
        "REG_ISLAND": pa.array(reg_isl, pa.string()),
        "CITIZENSHIP_BASIS": pa.array(basis, pa.string()),
        "CITIZENSHIP_DATE": _where(nat, _days_fmt(np.where(nat, reg_day, 0), "%Y%m%d"), ""),
    }
    death_s = _days_fmt(np.minimum(death, pop.SIM_END + 1), "%Y%m%d")
    # passports
    has = p["has_passport"][cit]
    hp = cit[has]
    pp_pid = np.repeat(hp, 3)
    pp_k = np.tile(np.arange(3), len(hp))
    t = np.stack([p["doc_t0"][hp], p["doc_t1"][hp], p["doc_t2"][hp], p["doc_t3"][hp]], 1)
    t = t.astype(np.int64)
    issue = t[:, :3].reshape(-1)
    nxt = t[:, 1:].reshape(-1)
    vdays = np.repeat(p["doc_v"][hp].astype(np.int64), 3)
    ok = (issue <= pop.SIM_END) & (issue < p["death"][pp_pid])
    pp_pid, pp_k, issue, nxt, vdays = pp_pid[ok], pp_k[ok], issue[ok], nxt[ok], vdays[ok]
    expiry = issue + vdays - 1
    early = nxt <= expiry
    lost = _hash01(pp_pid * 4 + pp_k, 62) < 0.67
    pno = doc_numbers(pp_pid * 4 + pp_k, np.full(len(pp_pid), "A"))
    pp_cols = {
        "PASSPORT_NO": pno,
        "NID": _join("A", _int_str(p["nid"][pp_pid], 6)),
        "ISSUE_DATE": _days_fmt(issue, "%Y%m%d"),
        "EXPIRY_DATE": _days_fmt(expiry, "%Y%m%d"),
    }
    n_c = n_p = 0
    for ts in registry_snapshots():
        s = pop.day(str(ts.date()))
        m = (reg_day <= s) & (p["dob"][cit] <= s)
        dead = death <= s
        last_day = np.where(dead, death + 3, np.maximum(reg_day, s - 400 + (key % 400)))
        last_day = np.minimum(np.maximum(last_day, reg_day), s)
        upd = _secs_fmt(last_day * _SECONDS_PER_DAY + upd_sec, "%Y%m%d%H%M%S")
        cols = dict(base)
        cols["DEATH_DATE"] = _where(dead, death_s, "")
        cols["LAST_UPDATED"] = upd
        tbl = pa.table({c: cols[c] for c in CITIZEN_COLUMNS}).filter(pa.array(m))
        ymd = ts.strftime("%Y%m%d")
        _write_csv(tbl, out / "registry" / "citizens" / f"citizens_{ymd}.csv", ";", bom=True)
        n_c += tbl.num_rows
        pm_ = issue <= s
        status = np.where(expiry < s, 1, 0)  # EXPIRED / VALID
        status = np.where(early & (nxt <= s), np.where(lost, 2, 3), status)
        status = np.where((p["death"][pp_pid] <= s) & (status == 0), 3, status)
        pc_ = dict(pp_cols)
        pc_["STATUS"] = _lut(["VALID", "EXPIRED", "LOST", "CANCELLED"], status)
        tbl = pa.table({c: pc_[c] for c in PASSPORT_COLUMNS}).filter(pa.array(pm_))
        _write_csv(tbl, out / "registry" / "passports" / f"passports_{ymd}.csv", ";", bom=True)
        n_p += tbl.num_rows
    world.passport_rows = (pp_pid, pno)
    return {"registry_files": 2 * len(registry_snapshots()), "passports": int(len(pp_pid))}


# --------------------------------------------------------------------------- census
def write_census(rng, world: World, cls: dict, out: Path, resident_on) -> dict:
    p = world.persons
    d = pop.CENSUS_DAY
    cand = np.flatnonzero(np.ones(len(p["dob"]), bool))
    res = resident_on(world, cls, cand, d)
    who = cand[res]
    citz = pop.is_citizen(world, who, np.full(len(who), d))
    cover = np.where(citz, 0.985, 0.90)
    who = who[rng.random(len(who)) < cover]
    n = len(who)
    citz = pop.is_citizen(world, who, np.full(n, d))
    grp = p["group"][who]
    from .truth import age_years

    age = age_years(p["dob"][who], np.full(n, d))
    age = np.where(rng.random(n) < 0.004, 999, age)
    cit_m49 = np.where(citz, "462", ref.M49[p["nat"][who]])
    special = np.isin(world.code_list[p["nat_code"][who]], ["XXA", "XXB", "XXC", "XXX"])
    cit_m49 = np.where(special & ~citz, "999", cit_m49)
    cob = ref.M49[p["birth_c"][who]]
    cob = np.where(rng.random(n) < 0.005, "999", cob)
    # year of arrival, previous residence, reason
    fa = p["first_arrival"][who].astype(np.int64)
    abroad_end = p["abroad_end"][who].astype(np.int64)
    x = world.crossings
    key = x["pid"].astype(np.int64) * (1 << 32) + x["day"]
    # latest immigration on or before the census day
    imm = x["arr"] & cls["is_migration"] & (x["day"] <= d)
    ikey = key[imm]
    j = np.searchsorted(ikey, who.astype(np.int64) * (1 << 32) + d, side="right") - 1
    jj = np.maximum(j, 0)
    has_imm = (j >= 0) & (x["pid"][imm][jj] == who)
    imm_day = np.where(has_imm, x["day"][imm][jj], BIG)
    arrival = np.where(has_imm, imm_day, np.where(fa < BIG, fa, abroad_end))
    lived_abroad = ~citz | (p["birth_c"][who] != ref.MDV) | p["ever_abroad"][who] | has_imm
    year = arrival.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    year_s = np.where(arrival < BIG, year.astype(str), "9999")
    year_s = np.where(rng.random(n) < 0.02, "9999", year_s)
    year_s = np.where(lived_abroad, year_s, "")
    recent = (arrival > d - 365) & (arrival <= d)
    origin = np.where(citz & (p["abroad_c"][who] >= 0), p["abroad_c"][who], p["nat"][who])
    prev = np.where(recent, ref.M49[origin], "462")
    prev = np.where(age < 1, "", prev)
    reason = np.select(
        [grp == pop.WRK, grp == pop.DEP_, grp == pop.MAR, grp == pop.STU, grp == pop.CIT],
        ["1", "2", "4", "3", "5"],
        "5",
    )
    reason = np.where((grp == pop.CIT) & (p["birth_c"][who] != ref.MDV), "2", reason)
    reason = np.where(rng.random(n) < 0.03, "9", reason)
    reason = np.where(lived_abroad, reason, "")
    # place and household
    wrk = np.isin(grp, [pop.WRK])
    atoll_code = np.array(ref.ATOLL_CODES, dtype=object)[p["reg_atoll"][who]]
    isl = p["reg_island"][who]
    male_area = (atoll_code == "K") & (isl <= 2)
    loc = np.where(male_area, "1", "2")
    loc = np.where(wrk & (rng.random(n) < 0.35), "3", loc)
    loc = np.where(wrk & (loc != "3") & (rng.random(n) < 0.1), "4", loc)
    atoll = np.where(male_area, "MLE", atoll_code)
    atoll = np.where(loc == "3", np.where(atoll == "MLE", "K", atoll), atoll)
    # households: citizens ~5 per household within an island, foreigners in quarters
    o = np.lexsort((rng.random(n), isl, p["reg_atoll"][who], ~citz))
    hh = np.empty(n, np.int64)
    size = np.where(citz[o], 5, 12)
    hh[o] = np.cumsum(np.r_[0, (np.arange(1, n) % size[1:] == 0).astype(np.int64)])
    perm = rng.permutation(n)
    tbl = pa.table(
        {
            "PERSON_ID": _join("P", _int_str(perm + 1, 7)),
            "HH_ID": _join(pa.array(np.where(citz, "H", "Q").tolist()), _int_str(hh + 1, 6)),
            "ATOLL": pa.array(atoll.tolist(), pa.string()),
            "LOCALITY_TYPE": pa.array(loc.tolist(), pa.string()),
            "SEX": _lut(["", "1", "2"], p["sex"][who]),
            "AGE": _int_str(age),
            "CITIZENSHIP": pa.array(cit_m49.tolist(), pa.string()),
            "COUNTRY_OF_BIRTH": pa.array(cob.tolist(), pa.string()),
            "YEAR_OF_ARRIVAL": pa.array(year_s.tolist(), pa.string()),
            "PREV_RES_COUNTRY": pa.array(prev.tolist(), pa.string()),
            "REASON_FOR_MIGRATION": pa.array(reason.tolist(), pa.string()),
        }
    )
    tbl = tbl.take(pa.array(np.argsort(perm)))
    _write_csv(tbl, out / "census" / "population_census_2022" / "persons.csv.gz", gz=True)
    return {"census_persons": n}
