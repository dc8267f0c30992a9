"""Dedupe on Spark vs local dedupe: parity and time at 1, 2 and 4 partitions.

    python benchmarks/run.py spark_dedupe                         # 100k rows (default)
    python benchmarks/run.py spark_dedupe -- --rows 20000 --partitions 1,4

Generated customers with households (``custdata.synth``, families on) are deduplicated once
by :func:`custdata.dedupe.deduplicate` (the stages, for the unrounded scores) and once per
partition count by :func:`custdata.spark.deduplicate` on ``local[N]`` (N = the partitions,
at most the cores), with the input and the shuffles in that many partitions. Each Spark run
is checked against the local one: the same candidate pairs, the largest difference of
``match_probability``, the same record partition and the same output frame
(``cluster_id``, ``match_score``, ``match_reason`` per row). Results go to
``benchmarks/results/spark_dedupe.json``. Wall times on a shared machine stretch with its
load: the load average is recorded next to them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

ROW = "record_id"


def _local(frame: pl.DataFrame) -> tuple[pl.DataFrame, np.ndarray, pl.DataFrame, float]:
    from custdata.dedupe import stages
    from custdata.dedupe.core import _config_of

    start = time.perf_counter()
    cfg = _config_of(None)
    prepared = stages.prepare_records(frame, cfg)
    blocked = stages.block(prepared, cfg)
    cset = stages.comparison_set(prepared, cfg)
    scored = stages.score(prepared, stages.compare(prepared, blocked.pairs, cset), cfg, cset=cset)
    clusters = stages.cluster_records(prepared, scored, cfg)
    result = stages.assign(frame, prepared, scored, clusters, cfg)
    return scored.frame, clusters.labels, result.frame, time.perf_counter() - start


def _session(cores: int):
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("custdata-bench")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--partitions", default="1,2,4")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "spark_dedupe.json")
    args = parser.parse_args(argv)

    import custdata.spark as cs
    from custdata.synth import generate_customers

    df = generate_customers(n_rows=args.rows, families=True, seed=args.seed)
    df = df.drop("true_id", "household_id", "corruption")
    l_scored, l_labels, l_out, l_seconds = _local(df.drop(ROW))
    l_scored = l_scored.sort("row_l", "row_r")
    print(f"local: {df.height} rows, {l_scored.height} pairs, {l_seconds:.1f} s", flush=True)
    runs = []
    cores = os.cpu_count() or 1
    for parts in [int(p) for p in args.partitions.split(",")]:
        spark = _session(min(parts, cores))
        spark.conf.set("spark.sql.shuffle.partitions", str(parts))
        arrow = df.to_arrow(compat_level=pl.CompatLevel.oldest())
        sdf = spark.createDataFrame(arrow).repartition(parts).cache()
        sdf.count()
        start = time.perf_counter()
        result = cs.deduplicate(sdf, row_id=ROW, partitions=parts)
        out = pl.from_arrow(result.frame.toArrow()).sort(ROW)
        seconds = time.perf_counter() - start
        scored = pl.from_arrow(result.scored.toArrow()).sort("row_l", "row_r")
        labels = pl.from_arrow(result.records.select("_id", "label").toArrow()).sort("_id")
        ids = ["row_l", "row_r"]
        same_pairs = scored.select(ids).cast(pl.Int64).equals(l_scored.select(ids).cast(pl.Int64))
        diff = (
            float(
                np.abs(
                    scored["match_probability"].to_numpy()
                    - l_scored["match_probability"].to_numpy()
                ).max()
            )
            if same_pairs and scored.height
            else None
        )
        run = {
            "partitions": parts,
            "cores": min(parts, cores),
            "seconds": round(seconds, 1),
            "same_pairs": same_pairs,
            "max_probability_difference": diff,
            "same_partition": labels["label"].to_numpy().tolist() == l_labels.tolist(),
            "same_frame": out.drop(ROW).equals(l_out),
            "load_average": os.getloadavg()[0],
        }
        print(json.dumps(run), flush=True)
        runs.append(run)
        spark.stop()
    report = {
        "rows": df.height,
        "pairs": l_scored.height,
        "local_seconds": round(l_seconds, 1),
        "spark": runs,
        "machine": {"cpus": cores, "python": platform.python_version()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if all(r["same_pairs"] and r["same_frame"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
