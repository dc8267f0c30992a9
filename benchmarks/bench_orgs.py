# ruff: noqa: E501  (the docs section holds Markdown table rows, one per line)
"""Dedupe of organizations: custdata (CLI, defaults and columns named) vs Splink 5 vs recordlinkage.

    python benchmarks/run.py orgs
    python benchmarks/bench_orgs.py --datasets companies --companies 500 --tools custdata,splink

Data sets (``benchmarks/_orgdata.py``): ``fodors_zagats`` (restaurants, py-entitymatching),
``stoxx50`` (European companies, DedupliPy) and ``companies`` (generated RU/UA/EN companies with
branches, ``custdata.synth.companies``; a branch is its own entity). Tools:

``custdata``
    ``python -m custdata dedupe IN -o OUT``: what a new user runs, defaults only.
``custdata_named``
    the same with every column named, ``-k org_name=... -k address=...`` (``-c`` on an older
    custdata); kinds not in ``custdata.schema.KINDS`` are still passed (custdata takes an unknown
    kind as a generic text field) and recorded under ``unknown_kinds``; named kinds that do not
    show up as a field of the ``--pairs`` file are recorded under ``named_kinds_dropped``.
``splink``
    Splink 5 (DuckDB) with a tutorial-style model: light cleaning (lower case, digits of phones
    and tax ids), Jaro-Winkler on name and address, exact city / tax id, phone within one edit,
    trained by EM; clusters at 0.95 (as ``bench_dedupe.py``).
``recordlinkage``
    blocking on the name / phone / tax id, the same comparisons, "more than half agree".

Each tool runs in its own process (``bench_dedupe.run_measured``: wall time file to file,
interpreter start included; peak RSS of the child). Pairwise P/R/F1 come from
``bench_dedupe.score``. For custdata, an untimed second run with ``--pairs`` classifies every
missed pair (never compared / vetoed by a distinct rule / scored below the threshold / scored
above it but split by clustering) and every wrong pair (branches of one company glued, same
phone, ...). Results: ``benchmarks/results/orgs.json`` (repo-relative paths) and
``benchmarks/results/orgs_diagnosis.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
# this checkout's custdata (its generator, its CLI in the subprocesses) and the sibling modules
for _p in (str(HERE.parent / "src"), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from _orgdata import DATA, DATASETS, KINDS, SOURCES, prepare  # noqa: E402
from bench_dedupe import _relative, run_measured, score, versions  # noqa: E402

ROOT = HERE.parent
RESULTS = HERE / "results"
OUT = DATA / "out"
TOOLS = ("custdata", "custdata_named", "splink", "recordlinkage")
THRESHOLD = 0.9  # custdata's default match probability (dedupe find --threshold)


# ------------------------------------------------------------------------------------------------
# custdata through its CLI
# ------------------------------------------------------------------------------------------------
def _env() -> dict[str, str]:
    """This checkout's custdata first on the path (as the PREAMBLE runs it)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + (os.pathsep + env["PYTHONPATH"]
                                            if env.get("PYTHONPATH") else "")
    return env


def known_kinds() -> tuple[list[str], str]:
    """The column kinds this custdata knows and its flag for naming one (``-k``, formerly ``-c``).

    Kinds: ``custdata.schema.KINDS`` (what detection can name) or, on an older custdata, the list
    in ``dedupe find --help``. Whether ``dedupe`` really compares a named kind is checked per run
    from the fields of its ``--pairs`` file (``named_kinds_compared`` / ``named_kinds_dropped``).
    """
    proc = subprocess.run([sys.executable, "-m", "custdata", "dedupe", "find", "--help"],
                          capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=120)
    text = " ".join(proc.stdout.split())
    flag = "-k" if "--kind" in text else "-c"
    code = "import custdata.schema as s; print(','.join(getattr(s, 'KINDS', ())))"
    kinds = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=_env(), cwd=ROOT, timeout=120).stdout.strip().split(",")
    if not any(kinds):
        m = re.search(r"kinds?:\s*(.+?)(?:, or any| or any|\))", text)
        kinds = [k.strip() for k in m.group(1).split(",")] if m else []
    return [k for k in kinds if re.fullmatch(r"[a-z_]+", k)], flag


def detected_kinds(inp: Path) -> dict[str, str]:
    """Column -> kind as ``custdata info`` shows it (what a new user's defaults will use)."""
    proc = subprocess.run([sys.executable, "-m", "custdata", "info", str(inp)], capture_output=True,
                          text=True, env={**_env(), "COLUMNS": "200"}, cwd=ROOT, timeout=120)
    found = {}
    for line in proc.stdout.splitlines():
        cells = [c.strip() for c in re.split(r"[│|┃]", line)]
        if len(cells) >= 4 and cells[1] and cells[1] not in ("column",):
            found[cells[1]] = cells[2]
    return found


def named_kinds(dataset: str, kinds_known: list[str]) -> dict[str, str]:
    """The data set's kinds as -k takes them; ``tax_id`` is ``id`` on a custdata without it."""
    kinds = dict(KINDS[dataset])
    if "tax_id" in kinds and "tax_id" not in kinds_known:
        kinds = {("id" if k == "tax_id" else k): v for k, v in kinds.items()}
    elif "id" in kinds_known:
        # the record id, as detection finds it in the default run (--pairs then names rows by it)
        kinds["id"] = "record_id"
    return kinds


KIND_FLAG = "-k"  # set by main() from the custdata being measured


def custdata_cmd(inp: Path, out: Path, named: dict[str, str] | None,
                 extra: list[str] | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "custdata", "dedupe", str(inp), "-o", str(out)]
    for kind, column in (named or {}).items():
        cmd += [KIND_FLAG, f"{kind}={column}"]
    return cmd + list(extra or [])


# ------------------------------------------------------------------------------------------------
# Splink and recordlinkage workers (run in a subprocess: bench_orgs.py --worker TOOL IN OUT SET INFO)
# ------------------------------------------------------------------------------------------------
def _clean_frame(raw: pl.DataFrame, dataset: str) -> pl.DataFrame:
    """The light cleaning a Splink user does: lower case, punctuation to spaces, phone digits."""
    kinds = KINDS[dataset]

    def text(c: str) -> pl.Expr:
        e = pl.col(c).str.to_lowercase().str.replace_all(r"[^\w\s]", " ")
        e = e.str.replace_all(r"\s+", " ").str.strip_chars()
        return pl.when(e != "").then(e)

    cols = [pl.col("record_id").cast(pl.Int64).alias("unique_id")]
    if "org_name" in kinds:
        cols.append(text(kinds["org_name"]).alias("name"))
        cols.append(text(kinds["org_name"]).str.split(" ").list.first().alias("name_first"))
    if list(kinds) == ["org_name"]:  # one text column (name + address): its numbers too
        digits = pl.col(kinds["org_name"]).str.extract_all(r"\d+").list.join(" ")
        cols.append(pl.when(digits != "").then(digits).alias("name_digits"))
    if "address" in kinds:
        cols.append(text(kinds["address"]).alias("address"))
    if "city" in kinds:
        cols.append(text(kinds["city"]).alias("city"))
    if "phone" in kinds:
        digits = pl.col(kinds["phone"]).str.replace_all(r"\D", "").str.slice(-9)
        cols.append(pl.when(digits.str.len_chars() >= 7).then(digits).alias("phone"))
    if "tax_id" in kinds:
        digits = pl.col(kinds["tax_id"]).str.replace_all(r"\D", "")
        cols.append(pl.when(digits.str.len_chars() >= 6).then(digits).alias("tax_id"))
    if "email" in kinds:
        cols.append(pl.col(kinds["email"]).str.to_lowercase().str.strip_chars().alias("email"))
    return raw.select(cols)


def _splink_settings(columns: list[str]) -> tuple[Any, list[Any], list[Any]]:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    blocking = [block_on("name")]
    comparisons = [cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.75])
                   .configure(term_frequency_adjustments=True)]
    deterministic = [block_on("name")]
    em_rules = []
    if "address" in columns:
        blocking.append(block_on("substr(address, 1, 6)"))
        comparisons.append(cl.JaroWinklerAtThresholds("address", [0.92, 0.8]))
    if "city" in columns:
        blocking.append(block_on("name_first", "city"))
        comparisons.append(cl.ExactMatch("city").configure(term_frequency_adjustments=True))
        em_rules.append(block_on("city"))
    if "phone" in columns:
        blocking.append(block_on("phone"))
        comparisons.append(cl.DamerauLevenshteinAtThresholds("phone", [1]))
        deterministic.append(block_on("phone"))
        em_rules.append(block_on("phone"))
    if "tax_id" in columns:
        blocking.append(block_on("tax_id"))
        comparisons.append(cl.ExactMatch("tax_id"))
        deterministic.append(block_on("tax_id", "name_first"))
        em_rules.append(block_on("tax_id"))
    if "email" in columns:
        blocking.append(block_on("email"))
        comparisons.append(cl.EmailComparison("email"))
    if "name_digits" in columns:  # one text column (stoxx50): first word and numbers as fields
        blocking += [block_on("name_first"), block_on("name_digits")]
        comparisons += [cl.ExactMatch("name_first"), cl.ExactMatch("name_digits")]
        deterministic = [block_on("name_first")]
        em_rules = [block_on("name_first"), block_on("name_digits")]
    else:
        em_rules.insert(0, block_on("name"))
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
    )
    return settings, deterministic, em_rules


def worker_splink(inp: Path, out: Path, dataset: str) -> dict[str, Any]:
    import logging

    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    raw = pl.read_csv(inp, infer_schema=False)
    df = _clean_frame(raw, dataset)
    db_api = DuckDBAPI()
    sdf = db_api.register(df.to_arrow(), table_name="input_data")
    settings, deterministic, em_rules = _splink_settings(df.columns)
    linker = Linker(sdf, settings, log_level=logging.ERROR)
    t1 = time.perf_counter()
    notes = []
    try:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    except Exception as exc:  # noqa: BLE001 - tiny sets: keep Splink's prior, say so
        notes.append(f"prior not estimated: {type(exc).__name__}")
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in em_rules:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # noqa: BLE001
            notes.append(f"EM skipped on one rule: {type(exc).__name__}")
    t2 = time.perf_counter()
    # every compared pair (no threshold: the sets are small), so that the count is comparable
    predictions = linker.inference.predict()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95)
    t3 = time.perf_counter()
    con = db_api.duckdb_con
    n_pairs = con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchone()[0]
    ids = pl.from_arrow(con.execute(
        f"SELECT unique_id AS record_id, cluster_id FROM {clusters.physical_name}").to_arrow_table())
    result = raw.with_columns(pl.col("record_id").cast(pl.Int64)).join(
        ids.with_columns(pl.col("record_id").cast(pl.Int64), pl.col("cluster_id").cast(pl.String)),
        on="record_id", how="left", maintain_order="left")
    result.write_csv(out)
    return {"read_prepare_s": round(t1 - t0, 2), "train_s": round(t2 - t1, 2),
            "predict_cluster_s": round(t3 - t2, 2), "scored_pairs": int(n_pairs),
            "notes": notes}


def worker_recordlinkage(inp: Path, out: Path, dataset: str) -> dict[str, Any]:
    import numpy as np
    import recordlinkage as rl
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    raw = pl.read_csv(inp, infer_schema=False)
    df = _clean_frame(raw, dataset).to_pandas().set_index("unique_id")
    indexer = rl.Index()
    indexer.block("name")
    indexer.block("name_first")
    for c in ("phone", "tax_id", "email"):
        if c in df.columns:
            indexer.block(c)
    pairs = indexer.index(df)
    comp = rl.Compare()
    comp.string("name", "name", method="jarowinkler", threshold=0.85, label="name")
    if "address" in df.columns:
        comp.string("address", "address", method="jarowinkler", threshold=0.85, label="address")
    for c in ("city", "phone", "tax_id", "email"):
        if c in df.columns:
            comp.exact(c, c, label=c)
    if "name_digits" in df.columns:
        comp.exact("name_first", "name_first", label="name_first")
        comp.exact("name_digits", "name_digits", label="name_digits")
    features = comp.compute(pairs, df)
    matches = features.index[features.sum(axis=1) > features.shape[1] / 2]
    index = {uid: i for i, uid in enumerate(df.index)}
    left = np.array([index[a] for a, _ in matches], dtype=np.int64)
    right = np.array([index[b] for _, b in matches], dtype=np.int64)
    n = len(df)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    ids = pl.DataFrame({"record_id": np.asarray(df.index, dtype=np.int64),
                        "cluster_id": labels.astype(str)})
    raw.with_columns(pl.col("record_id").cast(pl.Int64)).join(
        ids, on="record_id", how="left", maintain_order="left").write_csv(out)
    return {"candidate_pairs": int(len(pairs)), "matched_pairs": int(len(matches))}


WORKERS = {"splink": worker_splink, "recordlinkage": worker_recordlinkage}


# ------------------------------------------------------------------------------------------------
# where custdata loses: classify missed and wrong pairs from its --pairs file
# ------------------------------------------------------------------------------------------------
def _pair_ids(pairs: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """The pairs file's two record columns as record ids (positions or ids, whichever it has)."""
    left, right = pairs.columns[0], pairs.columns[1]
    if "record_id_l" in pairs.columns and "record_id_r" in pairs.columns:
        left, right = "record_id_l", "record_id_r"
    # "id_l"/"id_r": the values of the id column (record_id here); "row_l"/"row_r": positions
    pairs = pairs.with_columns(pl.col(left).cast(pl.Int64).alias("_a"),
                               pl.col(right).cast(pl.Int64).alias("_b"))
    if left.startswith("row"):  # 0-based positions in the input
        pos = raw.select(pl.col("record_id").cast(pl.Int64)).with_row_index("_p").with_columns(
            pl.col("_p").cast(pl.Int64))
        for c in ("_a", "_b"):
            pairs = pairs.join(pos.rename({"_p": c, "record_id": c + "_id"}), on=c, how="left")
            pairs = pairs.drop(c).rename({c + "_id": c})
    return pairs.with_columns(pl.min_horizontal("_a", "_b").alias("a"),
                              pl.max_horizontal("_a", "_b").alias("b")).drop("_a", "_b")


def _true_pairs(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """All (a, b) record pairs, a < b, sharing ``key``."""
    g = frame.select("record_id", key).filter(pl.col(key).is_not_null())
    return (g.join(g, on=key, suffix="_b").filter(pl.col("record_id") < pl.col("record_id_b"))
            .select(pl.col("record_id").alias("a"), pl.col("record_id_b").alias("b")))


def _custdata_keys(raw: pl.DataFrame, dataset: str) -> pl.DataFrame | None:
    """record_id, org_key, house_key from custdata's normalizers, or None on a custdata without."""
    kinds = KINDS[dataset]
    try:
        from custdata.normalize.address import address_details
        from custdata.normalize.organization import organization_key
    except ImportError:
        return None
    cols = [pl.col("record_id")]
    if "org_name" in kinds:
        cols.append(organization_key(kinds["org_name"]).alias("org_key"))
    if "address" in kinds:
        cols.append(address_details(kinds["address"]).struct.field("house_key").alias("house_key"))
    return raw.select(cols) if len(cols) > 1 else None


def diagnose(dataset: str, run: dict[str, Any], inp: Path, truth_path: Path,
             pairs_path: Path) -> tuple[dict[str, Any], str]:
    """Count and show custdata's missed and wrong pairs by cause."""
    raw = pl.read_csv(inp, infer_schema=False).with_columns(pl.col("record_id").cast(pl.Int64))
    truth = pl.read_csv(truth_path, infer_schema_length=0).with_columns(
        pl.col("record_id").cast(pl.Int64))
    pred = pl.read_csv(run["output_abs"], columns=["record_id", "cluster_id"],
                       schema_overrides={"cluster_id": pl.String}).with_columns(
        pl.col("record_id").cast(pl.Int64))
    t = truth.join(pred, on="record_id", how="left")
    true_pairs = _true_pairs(t, "true_id")
    pred_pairs = _true_pairs(t, "cluster_id")
    missed = true_pairs.join(pred_pairs, on=["a", "b"], how="anti")
    wrong = pred_pairs.join(true_pairs, on=["a", "b"], how="anti")
    scored = _pair_ids(pl.read_csv(pairs_path, infer_schema_length=10000), raw)
    keep = ["a", "b", "match_probability"] + [c for c in ("distinct", "rule") if c in scored.columns]
    levels = [c for c in scored.columns if c.endswith("_label")]
    scored = scored.select(*keep, *levels).unique(["a", "b"])
    m = missed.join(scored, on=["a", "b"], how="left")
    is_distinct = (pl.col("distinct").cast(pl.String).str.to_lowercase() == "true"
                   if "distinct" in m.columns else pl.lit(False))
    m = m.with_columns(
        pl.when(pl.col("match_probability").is_null()).then(pl.lit("never compared"))
        .when(is_distinct).then(pl.lit("vetoed by a distinct rule"))
        .when(pl.col("match_probability") < THRESHOLD).then(pl.lit("scored below the threshold"))
        .otherwise(pl.lit("scored above the threshold, split by clustering")).alias("cause"))
    w = wrong.join(scored, on=["a", "b"], how="left")
    extra_truth = [c for c in ("company_id",) if c in truth.columns]
    if extra_truth:
        ct = truth.select("record_id", *extra_truth)
        w = w.join(ct.rename({"record_id": "a", "company_id": "ca"}), on="a").join(
            ct.rename({"record_id": "b", "company_id": "cb"}), on="b")
        same = pl.col("ca") == pl.col("cb")
    else:
        same = pl.lit(False)
    w = w.with_columns(
        pl.when(same).then(pl.lit("branches of one company"))
        .otherwise(pl.lit("different organizations")).alias("what"),
        pl.when(pl.col("match_probability").is_null()).then(pl.lit("chained (not a scored pair)"))
        .otherwise(pl.lit("scored pair")).alias("how"))
    counts = {
        "missed_pairs": missed.height, "wrong_pairs": wrong.height,
        "missed_by_cause": {r["cause"]: r["len"] for r in m.group_by("cause").len()
                            .sort("len", descending=True).iter_rows(named=True)},
        "wrong_by_kind": {f"{r['what']}, {r['how']}": r["len"] for r in
                          w.group_by("what", "how").len().sort("len", descending=True)
                          .iter_rows(named=True)},
    }
    # which field levels the low-scored and the wrong scored pairs show
    def level_summary(frame: pl.DataFrame) -> dict[str, dict[str, int]]:
        out = {}
        for c in levels:
            if c in frame.columns and frame.height:
                vc = frame.group_by(c).len().sort("len", descending=True).head(4)
                out[c.removesuffix("_label")] = {str(r[c]): r["len"] for r in vc.iter_rows(named=True)}
        return out

    low = m.filter(pl.col("cause") == "scored below the threshold")
    counts["levels_of_low_scored_missed"] = level_summary(low)
    counts["levels_of_wrong_scored"] = level_summary(w.filter(pl.col("how") == "scored pair"))
    if "rule" in m.columns:
        vet = m.filter(pl.col("cause") == "vetoed by a distinct rule")
        counts["veto_rules"] = {str(r["rule"]): r["len"] for r in vet.group_by("rule").len()
                                .iter_rows(named=True)}

    # what the never-compared pairs have in common (light cleaning as for Splink): which
    # blocking key would have found them
    clean = _clean_frame(raw, dataset).rename({"unique_id": "record_id"})
    never = m.filter(pl.col("cause") == "never compared").select("a", "b")
    if never.height:
        keys = [c for c in clean.columns if c != "record_id"]
        pa = never.join(clean.rename({"record_id": "a"}), on="a").join(
            clean.rename({"record_id": "b"}), on="b", suffix="_r")
        shared = {}
        for c in keys:
            shared[f"same {c}"] = int(pa.filter(pl.col(c) == pl.col(c + "_r")).height)
            shared[f"{c} missing on a side"] = int(
                pa.filter(pl.col(c).is_null() | pl.col(c + "_r").is_null()).height)
        counts["never_compared_share"] = {k: v for k, v in shared.items() if v}

    # custdata's own organization and address keys (normalize.organization / .address, where this
    # custdata has them) on the missed and wrong pairs: what a blocking rule or a veto on them
    # would change
    keyed = _custdata_keys(raw, dataset)
    if keyed is not None:
        clean_ids = clean.select("record_id", *[c for c in ("phone", "tax_id") if c in clean.columns])
        keyed = keyed.join(clean_ids, on="record_id", how="left")

        def paired(frame: pl.DataFrame) -> pl.DataFrame:
            return frame.select("a", "b").join(keyed.rename({"record_id": "a"}), on="a").join(
                keyed.rename({"record_id": "b"}), on="b", suffix="_r")

        def same(c: str) -> pl.Expr:
            return (pl.col(c) == pl.col(c + "_r")) if c in keyed.columns else pl.lit(False)

        def differ(c: str) -> pl.Expr:
            return (pl.col(c) != pl.col(c + "_r")) if c in keyed.columns else pl.lit(False)

        k: dict[str, Any] = {}
        nv = paired(m.filter(pl.col("cause") == "never compared"))
        if nv.height:
            k["never_compared"] = nv.height
            k["never_compared_same_org_key"] = nv.filter(same("org_key")).height
            k["never_compared_same_house_key"] = nv.filter(same("house_key")).height
            k["never_compared_found_by_org_key_or_house_key_or_tax_id"] = nv.filter(
                same("org_key") | same("house_key") | same("tax_id")).height
        lo = paired(m.filter(pl.col("cause") == "scored below the threshold"))
        if lo.height:
            k["low_scored"] = lo.height
            k["low_scored_same_org_key_and_house_key"] = lo.filter(
                same("org_key") & same("house_key")).height
            k["low_scored_same_org_key"] = lo.filter(same("org_key")).height
        wp = paired(w)
        if wp.height:
            k["wrong"] = wp.height
            k["wrong_with_different_house_keys"] = wp.filter(differ("house_key")).height
            k["wrong_with_different_org_keys_same_house_key"] = wp.filter(
                differ("org_key") & same("house_key")).height
            k["wrong_with_same_tax_id"] = wp.filter(same("tax_id")).height
        counts["custdata_keys"] = k

    def show(frame: pl.DataFrame, n: int) -> list[str]:
        cols = [c for c in raw.columns if c != "record_id"]
        lines = []
        for r in frame.head(n).iter_rows(named=True):
            ra = raw.filter(pl.col("record_id") == r["a"]).select(cols).row(0)
            rb = raw.filter(pl.col("record_id") == r["b"]).select(cols).row(0)
            p = r.get("match_probability")
            lines.append(f"p={'-' if p is None else f'{p:.3f}'}  "
                         + " | ".join("" if v is None else str(v) for v in ra))
            lines.append("         " + " | ".join("" if v is None else str(v) for v in rb))
        return lines

    md = [f"### {dataset}: {run['tool']} (F1 {run.get('f1')}, P {run.get('precision')}, "
          f"R {run.get('recall')})", "",
          f"- missed pairs: {missed.height:,}: "
          + "; ".join(f"{k} {v:,}" for k, v in counts["missed_by_cause"].items()),
          f"- wrong pairs: {wrong.height:,}: "
          + "; ".join(f"{k} {v:,}" for k, v in counts["wrong_by_kind"].items())]
    if counts["levels_of_low_scored_missed"]:
        md.append("- field levels of the missed pairs scored below the threshold: " + "; ".join(
            f"{k}: " + ", ".join(f"{lv} {n}" for lv, n in v.items())
            for k, v in counts["levels_of_low_scored_missed"].items()))
    if counts["levels_of_wrong_scored"]:
        md.append("- field levels of the wrong scored pairs: " + "; ".join(
            f"{k}: " + ", ".join(f"{lv} {n}" for lv, n in v.items())
            for k, v in counts["levels_of_wrong_scored"].items()))
    if counts.get("never_compared_share"):
        md.append(f"- the {counts['missed_by_cause'].get('never compared', 0):,} never-compared "
                  "missed pairs (after lower case, punctuation out, last 9 phone digits): "
                  + "; ".join(f"{k} {v:,}" for k, v in counts["never_compared_share"].items()))
    if counts.get("custdata_keys"):
        md.append("- with custdata's own keys (`organization_key`, the address `house_key`): "
                  + "; ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in counts["custdata_keys"].items()))
    for cause in counts["missed_by_cause"]:
        md += ["", f"Missed, {cause} (examples):", "", "```",
               *show(m.filter(pl.col("cause") == cause).sort("a"), 5), "```"]
    for kind in counts["wrong_by_kind"]:
        what, how = kind.split(", ", 1)
        md += ["", f"Wrong, {kind} (examples):", "", "```",
               *show(w.filter((pl.col("what") == what) & (pl.col("how") == how))
                     .sort("match_probability", descending=True, nulls_last=True), 5), "```"]
    return counts, "\n".join(md) + "\n"


# ------------------------------------------------------------------------------------------------
# driver
# ------------------------------------------------------------------------------------------------
def _stderr_head(path: Path, n: int = 40) -> list[str]:
    if not path.exists():
        return []
    return [ln.rstrip() for ln in path.read_text(errors="replace").splitlines()[:n]]


def run_one(tool: str, dataset: str, inp: Path, timeout: float,
            kinds_known: list[str]) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    out, info = OUT / f"{inp.stem}_{tool}.csv", OUT / f"{inp.stem}_{tool}.json"
    err = OUT / f"{inp.stem}_{tool}.stderr"
    row: dict[str, Any] = {"dataset": dataset, "tool": tool}
    if tool in ("custdata", "custdata_named"):
        named = named_kinds(dataset, kinds_known) if tool == "custdata_named" else None
        cmd = custdata_cmd(inp, out, named)
        row["command"] = " ".join(["python -m custdata dedupe", _relative(str(inp)), "-o OUT",
                                   *(f"{KIND_FLAG} {k}={v}" for k, v in (named or {}).items())])
        if named:
            row["unknown_kinds"] = [k for k in named if k not in kinds_known]
        row.update(run_measured(cmd, out, None, err, timeout, env=_env()))
        row["stderr"] = _stderr_head(err)
    else:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", tool, str(inp), str(out),
               dataset, str(info)]
        row.update(run_measured(cmd, out, info, err, timeout, env=_env()))
    return row


def markdown(runs: list[dict[str, Any]]) -> str:
    lines = ["| data set | rows | tool | F1 | precision | recall | pairs compared | time s | "
             "peak RSS MB | status |", "|---|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        def f(k: str, r: dict[str, Any] = r) -> str:
            v = r.get(k)
            return "" if v is None else (f"{v:.4f}" if isinstance(v, float) else str(v))
        lines.append(f"| {r['dataset']} | {r.get('rows', 0):,} | {r['tool']} | {f('f1')} | "
                     f"{f('precision')} | {f('recall')} | {r.get('pairs_compared', '')} | "
                     f"{r.get('seconds', '')} | {r.get('peak_rss_mb', '')} | {r.get('status', '')} |")
    return "\n".join(lines)


def _pairs_compared(row: dict[str, Any], pairs_path: Path | None) -> int | None:
    phases = row.get("phases") or {}
    for k in ("scored_pairs", "candidate_pairs"):
        if k in phases:
            return int(phases[k])
    if pairs_path is not None and pairs_path.exists():
        return pl.scan_csv(pairs_path, infer_schema=False).select(pl.len()).collect().item()
    return None


DOCS = ROOT / "docs" / "dedupe-benchmarks.md"
SECTION = "## Organizations and businesses"

SECTION_INTRO = """\
`python benchmarks/run.py orgs` (`benchmarks/bench_orgs.py`) deduplicates organization tables with
custdata **through its CLI as a new user would** (`python -m custdata dedupe IN -o OUT`, defaults),
again with every column named (`-k org_name=... -k address=...`), and with Splink 5 and
recordlinkage, side by side in one run, each tool in its own process.

```bash norun
python benchmarks/run.py orgs
python benchmarks/bench_orgs.py --datasets companies --companies 500 --tools custdata,splink
python benchmarks/bench_orgs.py --docs     # rewrite this section from benchmarks/results/orgs.json
```

**Data** (`benchmarks/_orgdata.py`; the public sets are read from the files the PyPI packages ship,
installed by the `bench` extra, or `pip install --no-deps py-entitymatching deduplipy`):

| set | what | rows / entities | columns | source, licence |
|---|---|---:|---|---|
| `fodors_zagats` | restaurants of the Fodor's and Zagat guides, the two tables deduplicated as one (like Febrl 4) | 864 / 752 | name, addr, city, phone, type | py-entitymatching 0.4.2 `datasets/end-to-end/restaurants` (BSD-3-Clause) |
| `stoxx50` | the 50 STOXX Europe 50 companies, name + legal form + part of the address in ONE text column (`adidas ag adi dassler strasse 1 91074 herzogenaurach`) | 134 / 50 | name | DedupliPy 0.8 `data/stoxx50_extended_with_id.xlsx` (MIT) |
| `companies` | generated RU/UA/EN/DE companies with branches (below) | 7,162 / 3,590 sites | company, tax_id, address, city, phone, email | `custdata.synth.generate_companies`, seed 42, 2,000 companies |

**The generated companies** (`custdata.synth.generate_companies(n_companies, seed=)`,
deterministic by seed, no Faker): 45 % Russian (ООО, АО, ПАО, ИП), 25 % Ukrainian (ТОВ, ФОП), 30 % US/UK/German (LLC, Inc,
Ltd, GmbH). The entity is the **site**: 45 % of the companies (not ИП/ФОП) have 1-4 branches; two
branches of one company, which share the name, the tax id and often the head office's phone
(half of a branch's records carry the central number) and e-mail domain, are DIFFERENT entities,
while one site spelled differently is the same. Half of the sites get 1-3 more records. Every
record is spelled afresh: the legal form in front, behind or written out, quoted three ways or
transliterated (`ООО "Ромашка"`, `Ромашка, ООО`, `OOO Romashka`, `Общество с ограниченной
ответственностью «Ромашка»`; `ИП Иванов И.И.`); tax ids with valid check digits (ИНН 10/12
digits, ЄДРПОУ 8, РНОКПП 10, US EIN, UK company number) on 60 % of the records, some as
`ИНН 7707083893` or in groups of four; addresses as `ул. Ленина, д. 5`, `улица Ленина 5`,
`Ленина ул., 5`, `ул.Ленина,5` (+ корпус, офис, city, postcode), `вул. Шевченка, буд. 12`,
`12 W. Main St.` / `12 West Main Street` / `Suite 200`, `Hauptstraße` / `Hauptstr.`; city as
`Москва` / `г. Москва` / `Moscow`, `СПб`, `Киев` / `Київ`; phones in the national formats; typos in
30 % of duplicate names and 10 % of their addresses; 8 % of the records have no address and 10 %
no phone. Hard negatives on purpose: branches, 5 % of the sites moved into another company's
building (same street address, another office), and unrelated companies sharing a name
(`Вектор`, `Альфа` in several cities and forms). The truth file has `true_id` (site),
`company_id`, `site` (0 = head office) and `corruption`.

```python
from custdata.synth import generate_companies

df = generate_companies(200, seed=1)
print(df.height, "records of", df["true_id"].n_unique(), "sites of 200 companies")
print(df.filter(df["company_id"] == df.group_by("company_id").len().sort("len")["company_id"][-1])
        .select("company", "tax_id", "address", "city", "phone", "true_id").sort("true_id"))
```

**Tools**: custdata's run is the CLI itself (`python -m custdata dedupe IN -o OUT`; the named run
adds `-k KIND=COLUMN` for the kinds in `_orgdata.KINDS` plus `-k id=record_id`, which default
detection also finds and which makes `--pairs` name rows by it; kinds not in `custdata.schema.KINDS`
are reported as unknown, named kinds that are not among the fields of the `--pairs` file as "named
but not compared"). Splink 5 (DuckDB) gets the light cleaning a user does (lower case,
punctuation to spaces, the last 9 digits of a phone, tax id digits) and a tutorial-style model:
blocking on the exact name, the first 6 characters of the address, first name word + city,
phone, tax id, e-mail; Jaro-Winkler on name (0.95/0.88/0.75, term-frequency adjusted) and address
(0.92/0.8), exact city (TF) and tax id, phone within one edit, `EmailComparison`; prior from
deterministic rules (name; phone; tax id + first word) at recall 0.7, u from 1e6 random pairs, EM
on name, city, phone, tax id; clusters at 0.95. On `stoxx50`'s one column Splink
also compares the first word and the numbers of the string. recordlinkage: blocks on name, first
word, phone, tax id, e-mail; Jaro-Winkler ≥ 0.85 or exact; "more than half agree".

**Score**: pairwise precision / recall / F1 from the true ids (`bench_dedupe.score`); pairs compared
is what the tool scored (custdata: rows of its `--pairs` file, from a second, untimed run; Splink:
every pair its blocking rules produced, all scored; recordlinkage: its candidate pairs). Time is wall time file to file (interpreter start included), memory
the child process's peak RSS. `benchmarks/results/orgs_diagnosis.md` sorts custdata's missed pairs
into never compared / vetoed by a distinct rule / scored below the threshold / split by
clustering, and its wrong pairs into branches of one company or different organizations, with
examples.
"""


def docs_section(data: dict[str, Any] | None = None) -> str:
    """The organizations section of docs/dedupe-benchmarks.md, from benchmarks/results/orgs.json."""
    if data is None:
        path = RESULTS / "orgs.json"
        data = json.loads(path.read_text()) if path.exists() else {"runs": []}
    v = data.get("versions", {})
    kinds = data.get("custdata_kinds", [])
    lines = [SECTION, "", SECTION_INTRO, "### Figures", "",
             f"Machine: {data.get('machine', '?')} (about 8 agents' jobs on the 2 cores: times "
             "are noisy, the ratios matter). Versions: "
             + ", ".join(f"{k} {v[k]}" for k in ("custdata", "custdata_commit", "python", "polars",
                                                 "splink", "duckdb", "recordlinkage",
                                                 "py-entitymatching", "deduplipy") if k in v)
             + f". Updated {data.get('updated', '?')}. Column kinds this custdata "
             f"knows (`custdata.schema.KINDS`): {', '.join(kinds) or '?'}.", "",
             "| data set | rows | tool | F1 | precision | recall | pairs compared | time s | "
             "peak RSS MiB |", "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    order = {t: i for i, t in enumerate(TOOLS)}
    dsorder = {d: i for i, d in enumerate(DATASETS)}
    for r in sorted(data.get("runs", []), key=lambda r: (dsorder.get(r["dataset"], 9),
                                                          order.get(r["tool"], 9))):
        notes = []
        if r.get("unknown_kinds"):
            notes.append("kinds custdata does not know: " + ", ".join(r["unknown_kinds"]))
        if r.get("named_kinds_dropped"):
            notes.append("named but not compared: " + ", ".join(r["named_kinds_dropped"]))
        tool = r["tool"] + (f" ({'; '.join(notes)})" if notes else "")
        if r.get("status") != "ok":
            lines.append(f"| {r['dataset']} | {r.get('rows', 0):,} | {tool} | {r.get('status')} "
                         "| | | | | |")
            continue
        pc = r.get("pairs_compared")
        lines.append(f"| {r['dataset']} | {r['rows']:,} | {tool} | **{r['f1']:.3f}** | "
                     f"{r['precision']:.3f} | {r['recall']:.3f} | "
                     f"{'' if pc is None else f'{pc:,}'} | {r['seconds']:.1f} | "
                     f"{r['peak_rss_mb']:.0f} |")
    lines.append("")
    for r in data.get("runs", []):
        if r.get("detected_by_info"):
            kinds = ", ".join(f"`{c}` → {k or '—'}" for c, k in r["detected_by_info"].items()
                              if c != "record_id")
            lines.append(f"- {r['dataset']}: `custdata info` detects {kinds}; with defaults "
                         f"dedupe compares {', '.join(r.get('fields_compared', [])) or '?'}.")
    for r in data.get("runs", []):
        d = r.get("diagnosis")
        if not d:
            continue
        miss = "; ".join(f"{k} {n:,}" for k, n in d["missed_by_cause"].items()) or "none"
        wrong = "; ".join(f"{k} {n:,}" for k, n in d["wrong_by_kind"].items()) or "none"
        lines.append(f"- {r['dataset']}, {r['tool']}: {d['missed_pairs']:,} missed pairs "
                     f"({miss}); {d['wrong_pairs']:,} wrong pairs ({wrong}).")
    return "\n".join(lines) + "\n"


def write_docs_section(path: Path = DOCS) -> None:
    """Replace (or append) only the organizations section of docs/dedupe-benchmarks.md."""
    notes = RESULTS / "orgs_notes.md"
    section = docs_section() + ("\n" + notes.read_text().strip() + "\n" if notes.exists() else "")
    text = path.read_text(encoding="utf-8")
    start = text.find("\n" + SECTION + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION) + 2)
        text = text[: start + 1] + section + ("\n" + text[end + 1:] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--worker":
        tool, inp, out, dataset, info = argv[1:6]
        stats = WORKERS[tool](Path(inp), Path(out), dataset)
        Path(info).write_text(json.dumps(stats))
        sys.exit(0)
    ap = argparse.ArgumentParser(prog="bench_orgs", description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=",".join(DATASETS))
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--companies", type=int, default=2000,
                    help="companies in the generated set (about 3.6 records each)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--timeout", type=float, default=1800.0)
    ap.add_argument("--no-diagnose", action="store_true", help="skip the untimed --pairs runs")
    ap.add_argument("--docs", action="store_true",
                    help="only rewrite the organizations section of docs/dedupe-benchmarks.md")
    args = ap.parse_args(argv)
    if args.docs:
        write_docs_section()
        return []
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    global KIND_FLAG
    kinds_known, KIND_FLAG = known_kinds()
    runs: list[dict[str, Any]] = []
    diagnosis: dict[str, str] = {}
    for dataset in [d.strip() for d in args.datasets.split(",") if d.strip()]:
        inp, truth_path, rows = prepare(dataset, args.companies, args.seed)
        truth = pl.read_csv(truth_path, columns=["record_id", "true_id"])
        detected = detected_kinds(inp)
        for tool in tools:
            row = run_one(tool, dataset, inp, args.timeout, kinds_known)
            row["rows"] = rows
            row["source"] = SOURCES[dataset]
            if tool == "custdata":
                row["detected_by_info"] = detected
            pairs_path = None
            if row["status"] == "ok":
                pred = pl.read_csv(row["output"], columns=["record_id", "cluster_id"],
                                   schema_overrides={"cluster_id": pl.String})
                row.update(score(pred, truth))
                if tool.startswith("custdata") and not args.no_diagnose:
                    pairs_path = OUT / f"{inp.stem}_{tool}_pairs.csv"
                    out2 = OUT / f"{inp.stem}_{tool}_diag.csv"
                    named = named_kinds(dataset, kinds_known) if tool == "custdata_named" else None
                    subprocess.run(custdata_cmd(inp, out2, named, ["--pairs", str(pairs_path)]),
                                   env=_env(), cwd=ROOT, capture_output=True, timeout=args.timeout)
                    if pairs_path.exists():
                        fields = {c.removesuffix("_label") for c in
                                  pl.read_csv(pairs_path, n_rows=0).columns if c.endswith("_label")}
                        row["fields_compared"] = sorted(fields)
                        if named:
                            row["named_kinds_dropped"] = [k for k in named if k not in fields]
                        row["output_abs"] = str(out2)
                        counts, md = diagnose(dataset, row, inp, truth_path, pairs_path)
                        row["diagnosis"] = counts
                        diagnosis[f"{dataset}_{tool}"] = md
                        row.pop("output_abs")
            row["pairs_compared"] = _pairs_compared(row, pairs_path)
            runs.append(row)
            print(markdown([row]).splitlines()[-1], flush=True)
    print()
    print(markdown(runs))
    save(runs, kinds_known, diagnosis)
    return runs


def save(runs: list[dict[str, Any]], kinds_known: list[str], diagnosis: dict[str, str]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "orgs.json"
    data: dict[str, Any] = {"runs": []}
    if path.exists():
        with contextlib.suppress(json.JSONDecodeError):
            data = json.loads(path.read_text())
    new = {(r["dataset"], r["tool"]) for r in runs}
    data["runs"] = sorted([r for r in data.get("runs", []) if (r["dataset"], r["tool"]) not in new]
                          + [_relative(r) for r in runs], key=lambda r: (r["dataset"], r["tool"]))
    data["custdata_kinds"] = kinds_known
    data["machine"] = (f"{os.cpu_count()} cores, {os.uname().machine}, shared with other work "
                       "running at the time")
    data["versions"] = versions() | _more_versions()
    data["updated"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    data["sources"] = SOURCES
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    diag_dir = RESULTS / "orgs"
    diag_dir.mkdir(exist_ok=True)
    for key, text in diagnosis.items():
        (diag_dir / f"diag_{key}.md").write_text(text)
    (RESULTS / "orgs_diagnosis.md").write_text(
        "# custdata dedupe on organizations: where it loses\n\n"
        "Generated by `python benchmarks/run.py orgs` (one section per data set and custdata run,\n"
        "each from its latest run); pairs show the two records and custdata's match probability.\n\n"
        + "\n".join(f.read_text() for f in sorted(diag_dir.glob("diag_*.md"))))


def _more_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("py-entitymatching", "deduplipy", "python-stdnum"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out["custdata_commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT,
            timeout=30).stdout.strip()
    return out


if __name__ == "__main__":
    main()
