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


class PeakMemory:
    """Peak resident memory of this process and all its descendants (the Spark JVM and its
    Python workers), sampled from /proc every ``interval`` seconds in a thread (Linux only)."""

    def __init__(self, interval: float = 0.5) -> None:
        import threading

        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _tree_rss(self) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        page = os.sysconf("SC_PAGE_SIZE")
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * page
        root = os.getpid()
        total, todo = 0, [root]
        children: dict[int, list[int]] = {}
        for pid, ppid in parents.items():
            children.setdefault(ppid, []).append(pid)
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo.extend(children.get(pid, []))
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self._stop.wait(self.interval)


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


def _session(cores: int, driver_memory: str):
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
        .config("spark.driver.memory", driver_memory)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--partitions", default="1,2,4")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--driver-memory", default="4g", help="the local JVM's heap (4g; 8g at 1M)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "spark_dedupe.json")
    args = parser.parse_args(argv)

    import custdata.spark as cs
    from custdata.synth import generate_customers

    df = generate_customers(n_rows=args.rows, families=True, seed=args.seed)
    df = df.drop("true_id", "household_id", "corruption")
    with PeakMemory() as local_memory:
        l_scored, l_labels, l_out, l_seconds = _local(df.drop(ROW))
    l_scored = l_scored.sort("row_l", "row_r")
    print(
        f"local: {df.height} rows, {l_scored.height} pairs, {l_seconds:.1f} s, "
        f"peak {local_memory.peak / 2**30:.2f} GiB",
        flush=True,
    )
    runs = []
    cores = os.cpu_count() or 1
    for parts in [int(p) for p in args.partitions.split(",")]:
        spark = _session(min(parts, cores), args.driver_memory)
        spark.conf.set("spark.sql.shuffle.partitions", str(parts))
        arrow = df.to_arrow(compat_level=pl.CompatLevel.oldest())
        sdf = spark.createDataFrame(arrow).repartition(parts).cache()
        sdf.count()
        with PeakMemory() as memory:
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
            "peak_rss_gib": round(memory.peak / 2**30, 2),
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
        "local_peak_rss_gib": round(local_memory.peak / 2**30, 2),
        "spark": runs,
        "machine": {"cpus": cores, "python": platform.python_version()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if all(r["same_pairs"] and r["same_frame"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
