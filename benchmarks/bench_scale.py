"""Scale: phones on a large CSV streamed file → file vs in memory; phones on Spark vs polars.

    python benchmarks/run.py scale -- --rows 5000000            # streaming vs in memory
    python benchmarks/run.py scale -- --rows 5000000 --batch-rows 100000,250000,500000,1000000
    python benchmarks/run.py scale -- --spark-rows 1000000      # also Spark local[2] vs polars

Each measured run is a fresh process (``custdata normalize phones``, in memory with
``--batch-rows 0``, streamed otherwise), so its peak RSS is its own (``ru_maxrss`` of the
child). The outputs of the two paths are compared cell by cell.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _data import customers_csv  # noqa: E402

ROOT = HERE.parent


def _run(cmd: list[str]) -> tuple[float, float, float]:
    """Run ``cmd`` in a fresh process: (seconds, peak RSS in MB, CPU seconds) of that process.

    CPU seconds (user + system, all threads) are reported next to wall time because a shared
    machine stretches wall time by however much other work runs at the same moment.
    """
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:])\n"
        "dt = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(f'{dt} {u.ru_maxrss / 1024} {p.returncode} {u.ru_utime + u.ru_stime}')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code, *cmd], capture_output=True, text=True, env=env, check=True
    )
    seconds, rss, rc, cpu = out.stdout.strip().splitlines()[-1].split()
    if rc != "0":
        raise RuntimeError(f"{' '.join(cmd)} failed: {out.stderr[-2000:]}")
    return float(seconds), float(rss), float(cpu)


def _cli(src: Path, dst: Path, batch_rows: int) -> list[str]:
    return [
        sys.executable, "-m", "custdata", "normalize", "phones", str(src), "-o", str(dst),
        "-c", "phone", "--region", "RU", "--quiet", "--batch-rows", str(batch_rows),
    ]  # fmt: skip


def streaming(rows: int, batch_sizes: list[int]) -> list[dict]:
    src = customers_csv(rows)
    size_mb = src.stat().st_size / 1e6
    results = []
    with tempfile.TemporaryDirectory(dir=HERE) as tmp:
        mem_out = Path(tmp) / "memory.parquet"
        seconds, rss, cpu = _run(_cli(src, mem_out, 0))
        results.append({"path": "in memory", "rows": rows, "csv_mb": round(size_mb),
                        "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
                        "peak_rss_mb": round(rss)})  # fmt: skip
        print(f"in memory: {seconds:.1f} s, {cpu:.1f} s CPU, {rss:.0f} MB", flush=True)
        expected = pl.scan_parquet(mem_out)
        for batch in batch_sizes:
            out = Path(tmp) / f"stream-{batch}.parquet"
            seconds, rss, cpu = _run(_cli(src, out, batch))
            same = pl.scan_parquet(out).collect().equals(expected.collect())
            results.append({"path": f"streamed, --batch-rows {batch:,}", "rows": rows,
                            "csv_mb": round(size_mb), "seconds": round(seconds, 1),
                            "cpu_seconds": round(cpu, 1), "peak_rss_mb": round(rss),
                            "identical": same})  # fmt: skip
            print(f"streamed {batch:,}: {seconds:.1f} s, {cpu:.1f} s CPU, {rss:.0f} MB, "
                  f"identical={same}", flush=True)  # fmt: skip
            out.unlink()
    base, base_cpu = results[0]["seconds"], results[0]["cpu_seconds"]
    for r in results:
        r["time_vs_memory"] = round(r["seconds"] / base, 2)
        r["cpu_vs_memory"] = round(r["cpu_seconds"] / base_cpu, 2)
    return results


def spark(rows: int) -> list[dict]:
    """1M phones: polars in this process vs Spark local[2] (session start excluded)."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from custdata import spark as cs
    from custdata.normalize import phones

    frame = pl.read_csv(customers_csv(rows), infer_schema=False).select("customer_id", "phone")
    t = time.perf_counter()
    expected = phones(frame, "phone", region="RU")
    local = time.perf_counter() - t
    t = time.perf_counter()
    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter() - t
    results = [{"engine": "polars, 1 process", "rows": rows, "seconds": round(local, 1)}]
    sdf = session.createDataFrame(frame.to_arrow(compat_level=pl.CompatLevel.oldest()))
    sdf = sdf.repartition(2).cache()
    sdf.count()
    regions = cs.phone_regions(sdf, ["phone"], region="RU")  # once, on the driver
    for batch in (10_000, cs.DEFAULT_BATCH_ROWS):
        out = cs.apply(sdf, phones, columns="phone", region="RU", regions=regions, batch_rows=batch)
        t = time.perf_counter()
        got = pl.from_arrow(out.toArrow())
        seconds = time.perf_counter() - t
        same = got.sort("customer_id", "phone").equals(expected.sort("customer_id", "phone"))
        results.append({"engine": f"Spark local[2], batch_rows {batch:,}", "rows": rows,
                        "seconds": round(seconds, 1), "identical": same,
                        "session_start_s": round(start, 1)})  # fmt: skip
        print(f"spark batch {batch:,}: {seconds:.1f} s identical={same}", flush=True)
    session.stop()
    for r in results:
        r["time_vs_polars"] = round(r["seconds"] / local, 2)
    return results


def machine() -> dict:
    import pyarrow

    info = {"python": platform.python_version(), "polars": pl.__version__,
            "pyarrow": pyarrow.__version__, "cores": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "load_1min": round(os.getloadavg()[0], 1)}  # fmt: skip
    try:
        import pyspark

        info["pyspark"] = pyspark.__version__
    except ImportError:
        pass
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_scale")
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--batch-rows", default="500000")
    parser.add_argument("--spark-rows", type=int, default=0, help="also run Spark (0: skip)")
    parser.add_argument("--skip-streaming", action="store_true")
    args = parser.parse_args(argv)
    out: dict = {"machine": machine()}
    if not args.skip_streaming:
        sizes = [int(b) for b in args.batch_rows.split(",")]
        out["streaming"] = streaming(args.rows, sizes)
        print("\n| path | rows | wall s | CPU s | CPU × in memory | peak RSS MB | identical |\n"
              "|---|---|---|---|---|---|---|")  # fmt: skip
        for r in out["streaming"]:
            print(f"| {r['path']} | {r['rows']:,} | {r['seconds']} | {r['cpu_seconds']} | "
                  f"{r['cpu_vs_memory']} | {r['peak_rss_mb']:,} | {r.get('identical', '')} |")  # fmt: skip
    if args.spark_rows:
        out["spark"] = spark(args.spark_rows)
        print("\n| engine | rows | seconds | × polars | identical |\n|---|---|---|---|---|")
        for r in out["spark"]:
            print(f"| {r['engine']} | {r['rows']:,} | {r['seconds']} | {r['time_vs_polars']} | "
                  f"{r.get('identical', '')} |")  # fmt: skip
    (HERE / "results").mkdir(exist_ok=True)
    name = "scale.json" if not args.skip_streaming else "scale_spark.json"
    (HERE / "results" / name).write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(json.dumps(out["machine"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
