"""Where Spark dedupe spends its time: seconds between the pipeline's eager checkpoints.

    python benchmarks/bench_spark_dedupe_stages.py --rows 100000

``custdata.spark.deduplicate`` materializes its intermediate tables with
``localCheckpoint(eager=True)`` at the end of each stage; this script wraps that call and
prints the wall time that ends at each checkpoint (the source line names the stage), for
generated customers with households on ``local[2]`` with 2 partitions.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

STAGES = {  # the line before each checkpoint in spark/dedupe.py, as a stage name
    "run_polars(sdf, lambda f: steps.prepare_rows": "prepare: keys per row",
    "ranged = _checkpoint(": "prepare: records numbered by content",
    "numbered.join(rows.drop": "prepare: keys joined to records",
    "run_polars(joined, lambda f: steps.compare_pairs": "block + compare",
    "run_polars(compared, score_of)": "score",
    "assign(sdf, row_id, rows, records, scored)": "assign",
    "run_polars(both, cluster, whole=True)": "cluster components (anti-chaining)",
    "run_polars(named, ids)": "cluster ids",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--partitions", type=int, default=2)
    parser.add_argument("--driver-memory", default="6g")
    args = parser.parse_args(argv)

    from bench_spark_dedupe import _session

    import custdata.spark as cs
    import custdata.spark.components as components
    import custdata.spark.dedupe as dedupe
    from custdata.synth import generate_customers

    marks: list[tuple[str, float]] = []

    def timed(checkpoint, module: str):
        def wrapper(sdf):
            out = checkpoint(sdf)
            caller = inspect.stack()[1]
            name = _stage(caller)
            marks.append((name or f"{module}:{caller.lineno}", time.perf_counter()))
            return out

        return wrapper

    dedupe._checkpoint = timed(dedupe._checkpoint, "dedupe")  # type: ignore[method-assign]
    components._checkpoint = timed(components._checkpoint, "connected components")  # type: ignore[method-assign]
    df = generate_customers(n_rows=args.rows, families=True, seed=1)
    df = df.drop("true_id", "household_id", "corruption")
    spark = _session(min(args.partitions, os.cpu_count() or 1), args.driver_memory)
    spark.conf.set("spark.sql.shuffle.partitions", str(args.partitions))
    arrow = df.to_arrow(compat_level=pl.CompatLevel.oldest())
    sdf = spark.createDataFrame(arrow).repartition(args.partitions).cache()
    sdf.count()
    marks.append(("start", time.perf_counter()))
    result = cs.deduplicate(sdf, row_id="record_id", partitions=args.partitions)
    pl.from_arrow(result.frame.toArrow())
    marks.append(("collect the result", time.perf_counter()))
    seconds: dict[str, float] = {}
    for (_, before), (name, after) in zip(marks, marks[1:], strict=False):
        key = name if not name.startswith("connected components") else "connected components"
        seconds[key] = seconds.get(key, 0.0) + after - before
    print(f"{df.height:,} rows, {args.partitions} partitions")
    for name, s in sorted(seconds.items(), key=lambda kv: -kv[1]):
        print(f"{s:7.1f} s  {name}")
    print(f"{marks[-1][1] - marks[0][1]:7.1f} s  total")
    spark.stop()
    return 0


def _stage(frame: inspect.FrameInfo) -> str | None:
    """The stage a checkpoint call ends: its own line and the next, else the two before."""
    try:
        lines = Path(frame.filename).read_text().splitlines()
    except OSError:
        return None
    i = frame.lineno - 1
    for text in ("\n".join(lines[i : i + 2]), "\n".join(lines[max(i - 2, 0) : i])):
        for key, name in STAGES.items():
            if key in text:
                return name
    return None


if __name__ == "__main__":
    sys.exit(main())
