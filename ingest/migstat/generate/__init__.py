"""``migstat generate``: a simulated country, its sample deliveries, and the truth.

``generate(out, scale, seed, truth=None)`` simulates a small-island country shaped like
the Maldives (scale 1.0: about 385,000 citizens, 130,000-150,000 resident foreign
workers, up to ~2.2 million visitor arrivals a year), with complete true travel
histories from 2015-01-01 to 2026-12-31, and writes

* ``<out>/<bucket>/<key>``: the deliveries of ``shared/specs/extracts.md`` for the
  observation period 2019-01-01 .. 2025-06-30 (daily border-crossing files, monthly
  work-permit workbooks, quarterly citizens and passports registers from 2018-12-31,
  the 2022 census), with the known flaws of each source;
* ``<truth>`` (default ``<out>_truth``, a sibling of ``out``): what really happened.

Everything is deterministic for a given ``seed`` and ``scale`` (one
``numpy.random.Generator``; same seed, same bytes). ``out`` must be empty or missing.

Truth files (Parquet unless said otherwise; ``true_person_id`` is an integer)
-----------------------------------------------------------------------------
``record_person.parquet``
    ``source_system`` (``border_crossings``, ``work_permits``, ``citizens``,
    ``passports``), ``source_record_id`` (``crossing_id``, ``Work Permit No``, ``NID``,
    ``PASSPORT_NO`` as delivered), ``true_person_id``, ``record_kind`` (``event``: a
    real crossing; ``duplicate``: the same event recorded again under another
    ``crossing_id`` a few minutes later, not voided; ``void``: an event that never
    happened, delivered as ``NEW`` and later ``VOID``; ``record`` for registers),
    ``duplicate_of`` (the ``crossing_id`` a duplicate repeats), ``is_void``,
    ``has_correction`` (a ``CORRECTED`` version was delivered). One row per distinct
    delivered identifier; every delivered record has a true person.
``crossings_true.parquet``
    Every true (clean) crossing dated 2018-12-01 .. 2025-06-30: ``true_crossing_key``,
    ``true_person_id``, ``crossing_date``, ``crossing_time`` (local), ``direction``,
    ``visa_type``, ``is_resident_before``, ``is_resident_after``, ``is_migration``,
    ``resolved_date`` (residence rule of methodology.md section 1 on the complete clean
    history, see :mod:`migstat.generate.residence`), ``crossing_id`` (the delivered id
    of the event, null when it was never recorded or fell outside the delivery),
    ``recorded`` (bool).
``persons.parquet``
    ``true_person_id``, ``group`` (citizen, worker, dependent, marriage_migrant,
    tourist, business, crew, transit, resident_visa, student, diplomat,
    other_visitor), ``sex``, ``date_of_birth``, ``nationality`` (ISO alpha-3 at
    birth), ``citizenship_code`` (the recorded nationality as methodology.md maps it),
    ``citizen_from`` (naturalisation date; null for foreigners; 0001-01-01 for citizens
    by birth or descent), ``birth_country``, ``death_date``, ``nid``.
``statistics.parquet`` and ``statistics.csv``
    The statistics of methodology.md section 4 on the clean histories, long format of
    publication.md ``marts.migration_statistics`` (``indicator_code``, ``ref_area``,
    ``freq``, ``time_period``, ``sex``, ``age_group``, ``citizenship``,
    ``citizenship_group``, ``reason``, ``obs_value``): IMM, EMI, NET_MIG, TMP_ARR for
    every month, quarter and year of the observation period; RES_POP, MIG_STOCK,
    RET_STOCK, CIT_ABROAD at every quarter end and 2022-09-17; breakdowns total, sex,
    age group, citizenship, citizenship x sex, citizenship group, and reason for IMM,
    EMI and TMP_ARR. Zero cells are present for every period of a category that occurs
    in any period. Citizenship is the recorded nationality mapped as methodology.md
    says (``D`` -> ``DEU``, ``GB?`` -> ``GBR``, ``RKS``/``UNK`` -> ``XKX``, ``XXA``
    kept, ``XXB``/``XXC``/``XXX`` -> ``_U``), ``MDV`` from the day a person is a
    citizen. Reason: visa type first (WORK; DEPENDENT/MARRIAGE -> FAMILY; STUDENT ->
    STUDY; BUSINESS/CREW/TRANSIT/DIPLOMATIC -> OTHER; TOURIST -> TOURISM for visitor
    arrivals), the true work permit second (WORK), the declared purpose third
    (EMPLOYMENT, FAMILY, EDUCATION; HOLIDAY -> TOURISM for visitors, OTHER for
    migrants; BUSINESS/MEDICAL/TRANSIT/OTHER -> OTHER); a tourist visa with nothing
    else is OTHER, anything else ``_U``. Stocks use the state at the end of the day;
    deaths end residence; age is completed years.
``statistics_method.parquet``
    The same statistics, same layout, by the **methodology truth**
    (:func:`migstat.generate.truth.methodology_world`): methodology.md applied to the
    clean, correctly linked, complete crossings of the observation period only (state
    at the start of observation from the first observed crossing, persons without
    crossings resident as citizens or on their work permits' valid days, deaths), so
    without the years before 2019 that the history truth knows. History truth minus
    methodology truth is the method's own bias; a warehouse minus the methodology
    truth its processing error. ``crossings_true`` carries its verdicts as
    ``method_is_resident_before``, ``method_is_resident_after``,
    ``method_is_migration`` (null before the observation period).
``summary.json``
    Parameters, counts and measured flaw rates.

Flaws of the deliveries (rates are of the records concerned; see ``deliver.RATES``)
-----------------------------------------------------------------------------------
Border crossings: unrecorded departures 1% (arrivals 0.1%); the same event recorded
twice under a new ``crossing_id`` 1-10 minutes later 0.1%; spurious events (NEW, then
VOID 0-7 days later) 0.05%; a NEW version with an error (date of birth, document
number, surname, time, direction or nationality) followed by a CORRECTED version 1-30
days later 0.5%; late records (extracted 1-10 days after the crossing) 1.5%, plus
crossings near midnight that fall into the next day's file; passport renewals every 5
(citizens) or 5/10 years with 3% early replacements (a new ``travel_doc_number``);
name transliteration variants on 25% of variant-prone names per document; partial
dates of birth (``YYYY-00-00``, ``YYYY-MM-00``) for 4% of Bangladeshi, Nepali and
Pakistani persons and 0.4% of other foreigners; ``national_id`` missing on 12% of
citizen crossings; ``WORK`` crossings with an empty (3%) or mistyped (1%) permit
number; sex ``X`` 0.02%; empty ``flight_vessel`` 2%; ICAO codes ``D`` (all
Germans, 3% ``D<<``), ``GBD``/``GBN``/``GBO``/``GBP``/``GBS`` (4% of British), ``RKS``
and ``UNK`` (Kosovo), ``XXA``/``XXB``/``XXC``/``XXX`` (0.055% of foreigners, on ``TD``
documents), ``UNO``/``UNA`` (3% of diplomats and business visitors) and ``EUE`` (2% of
EU business visitors) as issuing states; 12% of daily files gzipped.
Work permits: passport numbers typed in lower case (8%), with a space (4%) or dash (3%)
and never updated after renewal; names in title case with their own transliteration
and 5% in capitals; 2% nationality misspellings or casing; 6% of permits with all dates
as ``DD/MM/YYYY`` text (3% more with the date of birth as text); permits of departed
workers stay ``Active`` until their expiry unless the employer cancels (55%, with a
reason); ``Transferred`` on an employer change (15% of stints over 18 months);
``Did not arrive`` permits (2%); ``Deceased``, ``Changed to marriage visa``.
Registry: naturalisations (marriage migrants, 35%), deaths, citizens born abroad
(3%, ``DESCENT``), passports ``LOST``/``CANCELLED`` on early replacement.
Census: usual residents on 2022-09-17 with under-coverage (1.5% of citizens, 10% of
foreigners), ``999`` age (0.4%) and birth country (0.5%), ``9999`` year of arrival (2%),
reason ``9`` (3%).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import deliver, population, truth
from .residence import classify, classify_arrays, classify_loop

__all__ = ["generate", "classify", "classify_arrays", "classify_loop"]


def generate(out: Path, scale: float, seed: int, truth: Path | None = None) -> dict:
    """Write a simulated delivery to ``out`` and its truth to ``truth``; return counts."""
    t0 = time.perf_counter()
    out = Path(out)
    truth_dir = Path(truth) if truth is not None else out.parent / f"{out.name}_truth"
    if scale <= 0:
        raise ValueError("scale must be positive")
    for d in (out, truth_dir):
        if d.exists() and any(d.iterdir()):
            raise FileExistsError(f"{d} is not empty; generate writes into an empty folder")
    rng = np.random.default_rng(seed)
    world = population.simulate(scale, rng)
    cls = truth_mod.classify_world(world)
    deliver.assign_identities(rng, world)
    rows, events = deliver.plan_crossing_records(rng, world, cls)
    out.mkdir(parents=True, exist_ok=True)
    summary: dict = {"scale": scale, "seed": seed}
    summary.update(deliver.write_crossings(world, rows, events, out))
    summary.update(deliver.write_permits(world, out))
    summary.update(deliver.write_registry(world, out))
    summary.update(deliver.write_census(rng, world, cls, out, truth_mod.resident_on))
    stats = truth_mod.compute_statistics(world, cls)
    mworld = truth_mod.methodology_world(world)
    mcls = truth_mod.classify_methodology(mworld)
    stats_method = truth_mod.compute_statistics(mworld, mcls)
    method = _method_verdicts(world, mcls)
    del mworld, mcls
    summary.update(_write_truth(world, cls, rows, events, stats, truth_dir, method, stats_method))
    summary["persons"] = int(len(world.persons["dob"]))
    summary["true_crossings"] = int(len(world.crossings["pid"]))
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    (truth_dir / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True))
    return summary


truth_mod = truth


def _bc(cid: np.ndarray) -> pa.Array:
    return deliver._join("BC", deliver._int_str(cid, 14))


def _nid_arrow(nid: np.ndarray) -> pa.Array:
    return deliver._join("A", deliver._int_str(np.maximum(nid, 0), 6))


def _days(a) -> np.ndarray:
    return np.asarray(a, np.int64).astype("datetime64[D]")


SYSTEMS = ["border_crossings", "work_permits", "citizens", "passports"]
KINDS = ["event", "duplicate", "void", "record"]


def _cat(labels, codes) -> pa.DictionaryArray:
    """Dictionary-encoded strings (compact in memory and in Parquet)."""
    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, np.int32)), pa.array(list(labels), pa.string())
    )


def _rp_table(
    system: str, ids: pa.Array, pid, kind: str | np.ndarray, dup=None, void=None, corr=None
) -> pa.Table:
    n = len(ids)
    kinds = _cat(KINDS, np.full(n, KINDS.index(kind)) if isinstance(kind, str) else kind)
    return pa.table(
        {
            "source_system": _cat(SYSTEMS, np.full(n, SYSTEMS.index(system))),
            "source_record_id": ids.cast(pa.string()),
            "true_person_id": pa.array(np.asarray(pid, np.int64)),
            "record_kind": kinds,
            "duplicate_of": dup if dup is not None else pa.nulls(n, pa.string()),
            "is_void": pa.array(np.zeros(n, bool) if void is None else void),
            "has_correction": pa.array(np.zeros(n, bool) if corr is None else corr),
        }
    )


def _method_verdicts(world, mcls: dict) -> dict:
    """The methodology truth's verdicts aligned with the world's crossings (-1: none)."""
    x = world.crossings
    keep = (x["day"] >= population.OBS_START) & (x["day"] <= population.OBS_END)
    out = {}
    for k in ("is_resident_before", "is_resident_after", "is_migration"):
        v = np.full(len(keep), -1, np.int8)
        v[keep] = mcls[k]
        out[k] = v
    return out


def _write_truth(
    world, cls, rows, events, stats: pd.DataFrame, tdir: Path, method: dict, stats_method
) -> dict:
    tdir.mkdir(parents=True, exist_ok=True)
    x, p, pm = world.crossings, world.persons, world.permits
    # record_person: crossings (written in slices to bound memory), then registers
    dv = np.flatnonzero(events["delivered"])
    cid = events["cid"]
    corrected = np.zeros(len(cid), bool)
    corrected[rows["r"][rows["status"] == 1]] = True
    step = 4_000_000
    n_records = 0
    writer = None
    for a in range(0, max(len(dv), 1), step):
        d = dv[a : a + step]
        dup_of = events["dup_of"][d]
        dup_s = pc.if_else(pa.array(dup_of >= 0), _bc(cid[np.maximum(dup_of, 0)]), None)
        tbl = _rp_table(
            "border_crossings",
            _bc(cid[d]),
            x["pid"][events["src"][d]],
            events["kind"][d],
            dup_s,
            events["kind"][d] == 2,
            corrected[d],
        )
        if writer is None:
            writer = pq.ParquetWriter(tdir / "record_person.parquet", tbl.schema)
        writer.write_table(tbl)
        n_records += tbl.num_rows
    cit = np.flatnonzero(p["cit_from"] < population.BIG)
    cit = cit[np.maximum(p["cit_from"][cit], p["dob"][cit]) <= population.OBS_END]
    pp_pid, pno = world.passport_rows
    for tbl in (
        _rp_table("work_permits", pa.array(pm["number"], pa.string()), pm["pid"], "record"),
        _rp_table("citizens", _nid_arrow(p["nid"][cit]), cit, "record"),
        _rp_table("passports", pno, pp_pid, "record"),
    ):
        writer.write_table(tbl.cast(writer.schema))
        n_records += tbl.num_rows
    writer.close()
    # crossings_true (in slices)
    sel_all = np.flatnonzero(
        (x["day"] >= population.day("2018-12-01")) & (x["day"] <= population.OBS_END)
    )
    ev0 = np.flatnonzero((events["kind"] == 0) & events["delivered"])
    cid_of = np.full(len(x["day"]), -1, np.int64)
    cid_of[events["src"][ev0]] = cid[ev0]
    writer = None
    for a in range(0, max(len(sel_all), 1), step):
        sel = sel_all[a : a + step]
        c = cid_of[sel]
        ct = pa.table(
            {
                "true_crossing_key": pa.array(sel.astype(np.int64)),
                "true_person_id": pa.array(x["pid"][sel].astype(np.int64)),
                "crossing_date": pa.array(_days(x["day"][sel])),
                "crossing_time": pa.array(
                    _days(x["day"][sel]).astype("datetime64[s]")
                    + x["sec"][sel].astype("timedelta64[s]")
                ),
                "direction": _cat(["DEP", "ARR"], x["arr"][sel]),
                "visa_type": _cat(population.VISAS, x["visa"][sel]),
                "is_resident_before": pa.array(cls["is_resident_before"][sel]),
                "is_resident_after": pa.array(cls["is_resident_after"][sel]),
                "is_migration": pa.array(cls["is_migration"][sel]),
                "resolved_date": pa.array(_days(cls["resolved_date"][sel])),
                **{
                    f"method_{k}": pa.array(method[k][sel] == 1, mask=method[k][sel] < 0)
                    for k in ("is_resident_before", "is_resident_after", "is_migration")
                },
                "crossing_id": pc.if_else(pa.array(c >= 0), _bc(np.maximum(c, 0)), None),
                "recorded": pa.array(c >= 0),
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(tdir / "crossings_true.parquet", ct.schema)
        writer.write_table(ct)
    writer.close()
    n_ct = len(sel_all)
    del cid_of
    # persons
    labels, lut = truth.citizenship_labels(world)
    cf = p["cit_from"].astype(np.int64)
    cf = np.where(cf <= -population.BIG, population.day("0001-01-01"), cf)
    persons = pa.table(
        {
            "true_person_id": pa.array(np.arange(len(p["dob"]), dtype=np.int64)),
            "group": _cat(population.GROUP_NAMES, p["group"]),
            "sex": _cat(["M", "F"], p["sex"] - 1),
            "date_of_birth": pa.array(_days(p["dob"])),
            "nationality": _cat(population.ref.ISO3, p["nat"]),
            "citizenship_code": _cat(labels, lut[p["nat_code"]]),
            "citizen_from": pa.array(_days(cf), mask=cf >= population.BIG),
            "birth_country": _cat(population.ref.ISO3, p["birth_c"]),
            "death_date": pa.array(_days(p["death"]), mask=p["death"] >= population.BIG),
            "nid": pc.if_else(pa.array(p["nid"] >= 0), _nid_arrow(p["nid"]), None),
        }
    )
    pq.write_table(persons, tdir / "persons.parquet")
    pq.write_table(pa.Table.from_pandas(stats, preserve_index=False), tdir / "statistics.parquet")
    stats.to_csv(tdir / "statistics.csv", index=False)
    pq.write_table(
        pa.Table.from_pandas(stats_method, preserve_index=False),
        tdir / "statistics_method.parquet",
    )
    return {
        "truth_records": int(n_records),
        "truth_crossings": int(n_ct),
        "statistics_rows": int(len(stats)),
        "statistics_method_rows": int(len(stats_method)),
        "flaws": _flaw_rates(events, rows, x),
    }


def _flaw_rates(events, rows, x) -> dict:
    kind = events["kind"]
    dv = events["delivered"]
    n_ev = int(((kind == 0) & dv).sum())
    lost = events["lost"]
    in_obs = (x["day"] >= population.OBS_START) & (x["day"] <= population.OBS_END)
    n_dep = int((in_obs & ~x["arr"]).sum())
    lost_dep = int((~x["arr"][lost]).sum())
    late = (rows["ext"] // 86400) > events["day"][rows["r"]]
    return {
        "events_delivered": n_ev,
        "unrecorded_departures": lost_dep,
        "unrecorded_departure_rate": round(lost_dep / max(n_dep, 1), 5),
        "duplicates": int(((kind == 1) & dv).sum()),
        "voided": int(((kind == 2) & dv).sum()),
        "corrected_rows": int((rows["status"] == 1).sum()),
        "rows_in_later_daily_file": int(late.sum()),
    }
