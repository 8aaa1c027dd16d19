"""The probabilistic linkage model (Splink, DuckDB backend).

It compares *deterministic clusters* (one row per group of records that
the deterministic rules already tied together, with the cluster's
representative name, date of birth, sex and nationality), not records:
at national scale that is a few million rows instead of 25 million. A
passport renewal of a foreigner is the typical pair it finds: a new
document number with the same person details.

``prepare`` derives the comparison columns, ``settings`` declares the
comparisons and blocking rules, ``train`` estimates the parameters and
``predict`` scores the blocked pairs with the committed model
(``linkage_model/person_model_v4.json``).

The prior is stored with the number of cluster profiles it was estimated
on (``migstat.training_profiles`` in the JSON) and rescaled to the size of
the delivery that is scored (``scaled_prior``): the expected number of
other clusters of the same person is what carries over from one delivery
to another, not the probability that two random clusters match.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

MODEL_VERSION = "v4"
MODEL_FILE = f"person_model_{MODEL_VERSION}.json"
# the documented threshold (match weight, log2 of the Bayes factor); see
# models/linked/_linked__docs.md, doc block linkage_probabilistic_model
DEFAULT_THRESHOLD = 6.0
# pairs kept in the warehouse for the histogram and clerical review
REVIEW_FLOOR = 0.0

PROFILE_COLUMNS = (
    "cluster_id",
    "surname_std",
    "given_names_std",
    "full_name_std",
    "birth_date",
    "birth_date_precision",
    "sex",
    "citizenship_iso3",
    "first_crossing_date",
    "last_crossing_date",
    "first_crossing_direction",
    "last_crossing_direction",
    "visa_type",
    "national_id_node",
)
# optional profile column: the nationality a naturalised citizen held before
# (see ``with_previous_nationalities``)
PREVIOUS_CITIZENSHIP = "previous_citizenship_iso3"

# name skeleton: first letter, then consonants without H, W, Y, each run
# of one letter collapsed (MOHAMED, MUHAMMAD -> MD; HUSSAIN, HOSSAIN -> HSN)
_MACROS = """
create or replace macro _collapse(s) as
    array_to_string(
        list_filter(string_split(s, ''), lambda c, i: i = 1 or c <> string_split(s, '')[i - 1]),
        ''
    );
create or replace macro _skeleton(w) as
    _collapse(left(w, 1) || regexp_replace(substr(w, 2), '[AEIOUYHW]', '', 'g'));
"""

# The name columns are derived once per distinct name, not per profile:
# names repeat (in the national-scale sample, 11 million cluster profiles
# carry 17,660 distinct full names), and splitting, sorting and
# skeletonising them per profile cost most of the preparation.
# The skeleton is computed once per distinct word, surname and first given
# name. ``profiles`` is the delivery as a view on the Arrow table; only
# ``prepared`` is written, as a temporary table: held in memory under the
# connection's cap (spilled to the temp directory past it), not compressed
# into the scratch file, which took twice as long (11 million profiles at
# national scale: 12 s instead of 27 s, Splink's whole prediction 44 s
# instead of 53 s, the same peak).
PREPARE_STEPS = (
    """
    create or replace table full_names as
    select full_name_std, string_split(full_name_std, ' ') as name_words
    from (select distinct full_name_std from profiles where full_name_std is not null)
    """,
    """
    create or replace table skeletons as
    with strings as (
        select distinct unnest(name_words) as string from full_names
        union
        select surname_std from profiles
        union
        select split_part(given_names_std, ' ', 1) from profiles
    )
    select string, _skeleton(string) as skeleton from strings where string is not null
    """,
    """
    create or replace table name_keys as
    with words as (
        select full_name_std, unnest(name_words) as word from full_names
    ),
    name_skeletons as (
        select
            words.full_name_std,
            array_to_string(list_sort(list(skeletons.skeleton)), ' ') as name_skeleton
        from words
        inner join skeletons on words.word = skeletons.string
        group by words.full_name_std
    )
    select
        full_names.full_name_std,
        array_to_string(list_sort(full_names.name_words), ' ') as name_sorted,
        name_skeletons.name_skeleton
    from full_names
    left join name_skeletons on full_names.full_name_std = name_skeletons.full_name_std
    """,
    """
    create or replace temp table prepared as
    select
        cast(p.cluster_id as bigint) as unique_id,
        p.full_name_std,
        name_keys.name_sorted,
        name_keys.name_skeleton,
        surnames.skeleton as surname_skeleton,
        givens.skeleton as given_skeleton,
        p.birth_date,
        p.birth_date_precision,
        p.first_crossing_date as first_used,
        p.last_crossing_date as last_used,
        p.first_crossing_direction as first_direction,
        p.last_crossing_direction as last_direction,
        year(p.birth_date) as birth_year,
        strftime(p.birth_date, '%Y-%m') as birth_month,
        nullif(p.sex, '_U') as sex,
        nullif(p.citizenship_iso3, '_U') as citizenship,
        p.visa_type,
        p.national_id_node as national_id
    from profiles as p
    left join name_keys on p.full_name_std = name_keys.full_name_std
    left join skeletons as surnames on p.surname_std = surnames.string
    left join skeletons as givens on split_part(p.given_names_std, ' ', 1) = givens.string
    """,
    "drop table full_names",
    "drop table name_keys",
    "drop table skeletons",
)


def model_dir() -> Path:
    configured = os.environ.get("MIGSTAT_LINKAGE_MODEL_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "linkage_model"


def model_path() -> Path:
    return model_dir() / MODEL_FILE


def _levels_name() -> list[dict]:
    return [
        {
            "sql_condition": '"full_name_std_l" is null or "full_name_std_r" is null',
            "label_for_charts": "name missing",
            "is_null_level": True,
        },
        {
            "sql_condition": '"name_sorted_l" = "name_sorted_r"',
            "label_for_charts": "same name words",
            "tf_adjustment_column": "name_sorted",
            "tf_adjustment_weight": 1.0,
        },
        {
            "sql_condition": '"name_skeleton_l" = "name_skeleton_r"',
            "label_for_charts": "same consonant skeleton (transliteration)",
        },
        {
            "sql_condition": 'jaro_winkler_similarity("name_sorted_l", "name_sorted_r") >= 0.92',
            "label_for_charts": "Jaro-Winkler >= 0.92",
        },
        {
            "sql_condition": '"surname_skeleton_l" = "surname_skeleton_r" '
            'and "given_skeleton_l" = "given_skeleton_r"',
            "label_for_charts": "same surname and first given name skeleton",
        },
        {
            "sql_condition": 'jaro_winkler_similarity("name_sorted_l", "name_sorted_r") >= 0.80',
            "label_for_charts": "Jaro-Winkler >= 0.80",
        },
        {"sql_condition": "else", "label_for_charts": "different names"},
    ]


def _levels_birth_date() -> list[dict]:
    both_day = "\"birth_date_precision_l\" = 'D' and \"birth_date_precision_r\" = 'D'"
    return [
        {
            "sql_condition": '"birth_date_l" is null or "birth_date_r" is null',
            "label_for_charts": "date of birth missing",
            "is_null_level": True,
        },
        {
            "sql_condition": f'{both_day} and "birth_date_l" = "birth_date_r"',
            "label_for_charts": "same full date",
        },
        {
            "sql_condition": "\"birth_date_precision_l\" in ('D', 'M') "
            "and \"birth_date_precision_r\" in ('D', 'M') "
            "and (\"birth_date_precision_l\" = 'M' or \"birth_date_precision_r\" = 'M') "
            'and "birth_month_l" = "birth_month_r"',
            "label_for_charts": "same year and month, day unknown on one side",
        },
        {
            "sql_condition": "(\"birth_date_precision_l\" = 'Y' "
            "or \"birth_date_precision_r\" = 'Y') "
            'and "birth_year_l" = "birth_year_r"',
            "label_for_charts": "same year, month unknown on one side",
        },
        {
            "sql_condition": f"{both_day} and ("
            'damerau_levenshtein(cast("birth_date_l" as varchar), '
            'cast("birth_date_r" as varchar)) <= 1'
            ' or (month("birth_date_l") = day("birth_date_r")'
            ' and day("birth_date_l") = month("birth_date_r")'
            ' and "birth_year_l" = "birth_year_r"))',
            "label_for_charts": "one typo, or day and month swapped",
        },
        {
            "sql_condition": '"birth_year_l" = "birth_year_r"',
            "label_for_charts": "same year only",
        },
        {"sql_condition": "else", "label_for_charts": "different dates"},
    ]


def _levels_exact(column: str, what: str) -> list[dict]:
    return [
        {
            "sql_condition": f'"{column}_l" is null or "{column}_r" is null',
            "label_for_charts": f"{what} unknown",
            "is_null_level": True,
        },
        {"sql_condition": f'"{column}_l" = "{column}_r"', "label_for_charts": f"same {what}"},
        {"sql_condition": "else", "label_for_charts": f"different {what}"},
    ]


INTERLEAVED_LABEL = "documents used in interleaved periods"
CONTINUED_LABEL = "one used after the other, changed inside the country"


def _levels_period() -> list[dict]:
    # a renewal while living in the country: the old document's last
    # crossing is an arrival, the new one's first a departure
    continued = (
        '("last_used_l" <= "first_used_r" and "last_direction_l" = \'ARR\' '
        "and \"first_direction_r\" = 'DEP') "
        'or ("last_used_r" <= "first_used_l" and "last_direction_r" = \'ARR\' '
        "and \"first_direction_l\" = 'DEP')"
    )
    return [
        {
            "sql_condition": '"first_used_l" is null or "first_used_r" is null',
            "label_for_charts": "a cluster never used at the border",
            "is_null_level": True,
        },
        {
            "sql_condition": '"first_used_l" < "last_used_r" and "first_used_r" < "last_used_l"',
            "label_for_charts": INTERLEAVED_LABEL,
        },
        {"sql_condition": continued, "label_for_charts": CONTINUED_LABEL},
        {"sql_condition": "else", "label_for_charts": "one used after the other"},
    ]


def _levels_visa_type() -> list[dict]:
    # the same visa type is strong evidence where the visa is rare (crew,
    # residents, students), hardly any where nearly everyone shares it
    # (tourists): a term-frequency adjustment, as for names
    levels = _levels_exact("visa_type", "visa type")
    levels[1].update({"tf_adjustment_column": "visa_type", "tf_adjustment_weight": 1.0})
    return levels


# records sharing a national id are one deterministic cluster, so two
# clusters that both hold one hold different ones: two persons, unless a
# number was mistyped
DIFFERENT_NATIONAL_ID_LABEL = "different national id"


# Only pairs that can reach the threshold are scored. With the committed
# weights a pair needs the same full date of birth (or the same year and
# month where one side lacks the day), nationality and sex, and the same
# name words or consonant skeleton: every other combination of levels
# stays below 0 (see the weights in _linked__docs.md). Blocking on the
# skeleton with the date keeps the count of pairs close to linear in the
# size of the delivery; blocking on the date of birth or the skeleton alone
# grows with its square (about 2.5 billion pairs at national scale).
BLOCKING_RULES = [
    # a renewal: a new document number, the same person details
    "l.name_skeleton = r.name_skeleton and l.birth_date = r.birth_date "
    "and l.citizenship = r.citizenship",
    # a partial date of birth on one side: the same skeleton and birth year
    "l.name_skeleton = r.name_skeleton and l.birth_year = r.birth_year "
    "and l.citizenship = r.citizenship and l.birth_date_precision <> 'D'",
    "l.name_skeleton = r.name_skeleton and l.birth_year = r.birth_year "
    "and l.citizenship = r.citizenship and r.birth_date_precision <> 'D'",
]


def settings() -> dict:
    """The model's structure, without trained parameters."""
    import splink.comparison_library as cl

    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 1e-5,
        "blocking_rules_to_generate_predictions": BLOCKING_RULES,
        "comparisons": [
            cl.CustomComparison(_levels_name(), "name", "name words, transliteration, spelling"),
            cl.CustomComparison(_levels_birth_date(), "birth_date", "date of birth by precision"),
            cl.CustomComparison(_levels_exact("sex", "sex"), "sex", "sex"),
            cl.CustomComparison(
                _levels_exact("citizenship", "nationality"), "citizenship", "nationality"
            ),
            cl.CustomComparison(
                _levels_period(), "document_period", "when the documents were used"
            ),
            cl.CustomComparison(_levels_visa_type(), "visa_type", "visa type at the border"),
            cl.CustomComparison(
                _levels_exact("national_id", "national id"), "national_id", "national id"
            ),
        ],
        "retain_intermediate_calculation_columns": False,
        "retain_matching_columns": False,
        "additional_columns_to_retain": [],
    }


def _connection(
    memory_limit: str = "4GB", on_disk: bool | None = None
) -> duckdb.DuckDBPyConnection:
    """Splink's own DuckDB: a scratch database file in the spill folder,
    removed on close, so its tables are paged like any file's and the memory
    cap bounds the whole connection (in memory with ``on_disk=False`` or
    ``MIGSTAT_LINKAGE_ON_DISK=0``)."""
    temp_dir = os.environ.get(
        "MIGSTAT_LINKAGE_TEMP_DIR", os.path.join(tempfile.gettempdir(), "migstat-linkage")
    )
    if on_disk is None:
        on_disk = os.environ.get("MIGSTAT_LINKAGE_ON_DISK", "1") != "0"
    database = ":memory:"
    if on_disk:
        os.makedirs(temp_dir, exist_ok=True)
        handle, database = tempfile.mkstemp(suffix=".duckdb", dir=temp_dir)
        os.close(handle)
        os.unlink(database)  # DuckDB creates it; an empty file is not a database
    con = duckdb.connect(
        database,
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "threads": int(os.environ.get("MIGSTAT_LINKAGE_THREADS", "2")),
            "memory_limit": os.environ.get("MIGSTAT_LINKAGE_MEMORY_LIMIT", memory_limit),
            "preserve_insertion_order": False,
            # an in-memory database spills only where it is told to: without
            # this, national-scale profiles (20 million) end in Out of Memory
            "temp_directory": temp_dir,
        },
    )
    con.execute(_MACROS)
    return con


def _close(con: duckdb.DuckDBPyConnection) -> None:
    """Close Splink's connection and remove its scratch file, if any."""
    files = [
        row[0]
        for row in con.sql(
            "select path from duckdb_databases() where path is not null and not internal"
        ).fetchall()
    ]
    con.close()
    for name in files:
        for path in (name, f"{name}.wal"):
            if path and os.path.exists(path):
                os.unlink(path)


def _prepared(con: duckdb.DuckDBPyConnection, profiles: pa.Table) -> None:
    con.register("profiles_arrow", profiles)
    try:
        con.execute("create or replace temp view profiles as select * from profiles_arrow")
        for step in PREPARE_STEPS:
            con.execute(step)
    finally:
        con.execute("drop view if exists profiles")
        con.unregister("profiles_arrow")


def _linker(con: duckdb.DuckDBPyConnection, settings_or_path, table: str = "prepared"):
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(connection=con)
    frame = db_api.register(table)
    return Linker(frame, settings_or_path, log_level=logging.WARNING)


@dataclass
class TrainReport:
    rows: int
    path: Path
    comparisons_to_score: list[int]


def count_comparisons(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Splink's count of pairs each prediction blocking rule adds."""
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    db_api = DuckDBAPI(connection=con)
    records = count_comparisons_from_blocking_rules(
        db_api.register("prepared"),
        blocking_rules=BLOCKING_RULES,
        link_type="dedupe_only",
        record_sample_proportion=1.0,
    )
    return [int(r["marginal_comparison_count"]) for r in records]


def train(
    profiles: pa.Table, documents: pa.Table, out: Path | None = None, seed: int = 42
) -> TrainReport:
    """Estimate the model and save it as JSON.

    ``documents`` has one row per identifier node (a travel document, a
    permit, a register entry) with its own attributes and, as
    ``cluster_id``, the deterministic cluster it belongs to: pairs of nodes
    the deterministic rules put in one cluster (a citizen's two passports,
    a worker's old passport on the permit and new one on the crossings,
    the register's spelling against the crossing's) are known matches, and
    give the m probabilities. The u probabilities come from random pairs of
    ``profiles`` (one row per deterministic cluster, what ``predict``
    scores), the prior from a strict deterministic rule on them.
    """
    out = out or model_path()
    con = _connection()
    _prepared(con, documents)
    con.execute("alter table prepared rename to prepared_documents")
    con.execute(
        "create table prepared_labelled as select row_number() over () as unique_id, "
        "* exclude (unique_id), unique_id as cluster_label from prepared_documents"
    )
    _prepared(con, profiles)
    rows = con.sql("select count(*) from prepared").fetchone()[0]
    linker = _linker(con, settings())
    # prior: pairs agreeing on the name words, the full date of birth and
    # sex are nearly all matches; such a rule finds about 60% of matches
    # (renewals under a new spelling escape it)
    linker.training.estimate_probability_two_random_records_match(
        [
            "l.name_sorted = r.name_sorted and l.birth_date = r.birth_date "
            "and l.birth_date_precision = 'D' and l.sex = r.sex"
        ],
        recall=0.6,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    u_model = linker.misc.save_model_to_json()

    labelled = _linker(con, u_model, table="prepared_labelled")
    labelled.training.estimate_m_from_label_column("cluster_label")
    model = labelled.misc.save_model_to_json()
    # known matches whose both documents were used at the border: none of
    # them used interleaved periods in the training sample; nor did any two
    # of their documents hold different national ids
    dated_pairs, national_id_pairs = con.sql(
        """
        select
            count(*) filter (where l.first_used is not null and r.first_used is not null),
            count(*) filter (where l.national_id is not null and r.national_id is not null)
        from prepared_labelled as l
        inner join prepared_labelled as r
            on l.cluster_label = r.cluster_label and l.unique_id < r.unique_id
        """
    ).fetchone()
    _fill_unobserved_m(
        model, {INTERLEAVED_LABEL: dated_pairs, DIFFERENT_NATIONAL_ID_LABEL: national_id_pairs}
    )
    _neutral_sequential_use(model)
    _neutral_visa_disagreement(model)
    model[METADATA_KEY] = {"training_profiles": int(rows)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return TrainReport(rows=rows, path=out, comparisons_to_score=count_comparisons(con))


SEQUENTIAL_LABEL = "one used after the other"


def _neutral_sequential_use(model: dict) -> None:
    """Calibrate the m of the two sequential-use levels of ``document_period``.

    The known matches the m probabilities come from are mostly residents (a
    citizen's passports, a worker's), who renew inside the country: among
    them nearly every sequential pair is *changed inside the country*. The
    matches probabilistic linkage has to find are mostly visitors coming
    back under a new passport, whose documents follow each other with a
    departure and an arrival in between. Their share is not known without a
    truth, so plain sequential use is kept neutral (m = u, as in model v2)
    and the rest of the sequential mass goes to the level changed inside the
    country: that level only adds evidence, and a visitor's renewal loses
    nothing.
    """
    for comparison in model["comparisons"]:
        levels = {lv.get("label_for_charts"): lv for lv in comparison["comparison_levels"]}
        if CONTINUED_LABEL not in levels or SEQUENTIAL_LABEL not in levels:
            continue
        interleaved = levels[INTERLEAVED_LABEL]["m_probability"]
        sequential = levels[SEQUENTIAL_LABEL]
        sequential["m_probability"] = sequential["u_probability"]
        levels[CONTINUED_LABEL]["m_probability"] = max(
            1.0 - interleaved - sequential["m_probability"], UNOBSERVED_M
        )


VISA_SAME_LABEL = "same visa type"
VISA_DIFFERENT_LABEL = "different visa type"


def _neutral_visa_disagreement(model: dict) -> None:
    """Calibrate the m of the ``visa_type`` comparison.

    The known matches are residents (a citizen's passports, a worker's),
    who keep their visa type: among them a different visa type is never
    seen, which would make it a near-certain non-match. The matches
    probabilistic linkage has to find are mostly visitors, who may come
    back under another visa (a tourist on business). A different visa type
    is therefore kept neutral (m = u) and the same visa type gets the rest
    of the mass; its term-frequency adjustment then turns it into strong
    evidence for a rare visa (crew, student) and hardly any for the common
    one (tourist).
    """
    for comparison in model["comparisons"]:
        levels = {lv.get("label_for_charts"): lv for lv in comparison["comparison_levels"]}
        if VISA_SAME_LABEL not in levels or VISA_DIFFERENT_LABEL not in levels:
            continue
        different = levels[VISA_DIFFERENT_LABEL]
        different["m_probability"] = different["u_probability"]
        levels[VISA_SAME_LABEL]["m_probability"] = 1.0 - different["m_probability"]


# Levels no labelled or random pair reached (documented in
# _linked__docs.md, linkage_probabilistic_model). A disagreement level gets
# m = 0.001. The partial-date levels get a Bayes factor from what they
# assert: agreeing on the birth year alone is 50 times likelier for a match
# than for two random persons, on year and month 600 times.
UNOBSERVED_M = 0.01
UNOBSERVED_ELSE_M = 0.001
PARTIAL_DATE_FACTORS = {
    "same year and month, day unknown on one side": 600.0,
    "same year, month unknown on one side": 50.0,
}


def _fill_unobserved_m(model: dict, rule_of_three: dict[str, int] | None = None) -> None:
    """Fill the m (and u) of levels no pair reached. A level listed in
    ``rule_of_three`` (label -> n known matches it could have been seen in)
    gets the 95% upper bound of a zero count, m = 3 / n."""
    rule_of_three = rule_of_three or {}
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            label = level.get("label_for_charts", "")
            is_else = level.get("sql_condition", "").strip().lower() == "else"
            if not level.get("m_probability") and rule_of_three.get(label):
                level["m_probability"] = min(3.0 / rule_of_three[label], UNOBSERVED_M)
            if level.get("m_probability") is None:
                level["m_probability"] = UNOBSERVED_ELSE_M if is_else else UNOBSERVED_M
            if label in PARTIAL_DATE_FACTORS and (
                level.get("u_probability") is None or level["u_probability"] < 1e-5
            ):
                level["u_probability"] = level["m_probability"] / PARTIAL_DATE_FACTORS[label]
            if level.get("u_probability") is None:
                level["u_probability"] = UNOBSERVED_ELSE_M if is_else else 1e-4


METADATA_KEY = "migstat"


def scaled_prior(model: dict, rows: int) -> float:
    """The prior for a delivery of ``rows`` cluster profiles.

    Splink's prior is the probability that two random clusters are one
    person: with a fixed share of persons seen under several clusters, it
    falls as 1/(rows - 1). The model keeps the rows it was estimated on,
    and the prior is rescaled so that the expected number of other
    clusters of the same person per cluster stays the estimated one
    (lambda * (N_train - 1) / (N - 1), capped at 0.5 for tiny inputs).
    """
    prior = float(model["probability_two_random_records_match"])
    trained_on = model.get(METADATA_KEY, {}).get("training_profiles")
    if not trained_on or rows < 2:
        return prior
    return min(prior * (trained_on - 1) / (rows - 1), 0.5)


PAIR_COLUMNS = (
    "cluster_id_l",
    "cluster_id_r",
    "match_weight",
    "match_probability",
    "weight_name",
    "weight_birth_date",
    "weight_sex",
    "weight_citizenship",
    "weight_document_period",
    "weight_visa_type",
    "weight_national_id",
    "match_weight_prior",
)


def predict(
    profiles: pa.Table,
    path: Path | None = None,
    floor: float = REVIEW_FLOOR,
    memory_limit: str = "4GB",
) -> pa.Table:
    """Score every blocked pair of clusters; keep those with a match weight
    of at least ``floor`` (the threshold is applied downstream)."""
    path = path or model_path()
    if not path.exists():
        raise FileNotFoundError(
            f"no trained linkage model at {path}: run `python -m migstat.linkage train`"
        )
    con = _connection(memory_limit)
    rows = profiles.num_rows
    _prepared(con, with_previous_nationalities(profiles))
    model = json.loads(path.read_text(encoding="utf-8"))
    model["probability_two_random_records_match"] = scaled_prior(model, rows)
    model.pop(METADATA_KEY, None)
    prior_weight = math.log2(
        model["probability_two_random_records_match"]
        / (1 - model["probability_two_random_records_match"])
    )
    model["retain_intermediate_calculation_columns"] = True  # the gamma columns
    model["retain_matching_columns"] = False
    linker = _linker(con, model)
    predictions = linker.inference.predict(threshold_match_weight=floor)
    # a second profile of a naturalised citizen (negative id) stands for the
    # same cluster: back to the cluster id, one pair per two clusters
    table = con.sql(
        f"""
        with scored as (
            select
                least(abs(unique_id_l), abs(unique_id_r)) as cluster_id_l,
                greatest(abs(unique_id_l), abs(unique_id_r)) as cluster_id_r,
                match_weight,
                match_probability,
                coalesce(mw_name, 0) + coalesce(mw_tf_adj_name, 0) as weight_name,
                mw_birth_date as weight_birth_date,
                mw_sex as weight_sex,
                mw_citizenship as weight_citizenship,
                mw_document_period as weight_document_period,
                coalesce(mw_visa_type, 0) + coalesce(mw_tf_adj_visa_type, 0) as weight_visa_type,
                mw_national_id as weight_national_id,
                cast({prior_weight} as double) as match_weight_prior
            from {predictions.physical_name}
            where unique_id_l > 0 or unique_id_r > 0
        )
        select * from scored
        where cluster_id_l <> cluster_id_r
        qualify row_number() over (
            partition by cluster_id_l, cluster_id_r order by match_weight desc
        ) = 1
        """
    ).arrow()
    if not isinstance(table, pa.Table):  # duckdb >= 1.4 may return a reader
        table = table.read_all()
    _close(con)
    return table


def with_previous_nationalities(profiles: pa.Table) -> pa.Table:
    """The profiles plus a second profile for every naturalised citizen.

    Naturalisation changes the nationality on a person's documents: the
    crossings made before it, under the foreign passport, carry the old
    nationality, and blocking and the nationality comparison would keep
    them apart from the citizen. A cluster whose profile has
    ``previous_citizenship_iso3`` (the register's birth country of a
    naturalised citizen) is scored a second time under that nationality,
    with the negated cluster id; ``predict`` maps such pairs back.
    """
    if PREVIOUS_CITIZENSHIP not in profiles.column_names:
        return profiles
    import pyarrow.compute as pc

    previous = profiles[PREVIOUS_CITIZENSHIP]
    keep = pc.and_(pc.is_valid(previous), pc.not_equal(previous, profiles["citizenship_iso3"]))
    extra = profiles.filter(pc.fill_null(keep, False))
    if extra.num_rows == 0:
        return profiles
    extra = extra.set_column(
        extra.column_names.index("cluster_id"),
        "cluster_id",
        pc.negate(extra["cluster_id"].cast(pa.int64())),
    )
    extra = extra.set_column(
        extra.column_names.index("citizenship_iso3"),
        "citizenship_iso3",
        extra[PREVIOUS_CITIZENSHIP],
    )
    base = profiles.set_column(
        profiles.column_names.index("cluster_id"),
        "cluster_id",
        profiles["cluster_id"].cast(pa.int64()),
    )
    return pa.concat_tables([base, extra.cast(base.schema)])


def empty_pairs() -> pa.Table:
    return pa.table(
        {
            "cluster_id_l": pa.array([], pa.int64()),
            "cluster_id_r": pa.array([], pa.int64()),
            "match_weight": pa.array([], pa.float64()),
            "match_probability": pa.array([], pa.float64()),
            "weight_name": pa.array([], pa.float64()),
            "weight_birth_date": pa.array([], pa.float64()),
            "weight_sex": pa.array([], pa.float64()),
            "weight_citizenship": pa.array([], pa.float64()),
            "weight_document_period": pa.array([], pa.float64()),
            "weight_visa_type": pa.array([], pa.float64()),
            "weight_national_id": pa.array([], pa.float64()),
            "match_weight_prior": pa.array([], pa.float64()),
        }
    )
