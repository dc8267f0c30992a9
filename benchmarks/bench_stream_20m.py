"""Phones on a big CSV through the CLI: streamed (``--batch-rows N``) vs in memory (``--batch-rows 0``).

    python benchmarks/bench_stream_20m.py                      # 20M rows (the issue-13 target)
    python benchmarks/bench_stream_20m.py --rows 1000000       # a quick run
    python benchmarks/bench_stream_20m.py --rows 20000000 --batch-rows 250000,500000,1000000
    python benchmarks/run.py stream_20m -- --rows 1000000      # the same through run.py
    python benchmarks/bench_stream_20m.py --rows 1000000 --profile   # `custdata profile` instead

The input is the benchmarks' synthetic customer table (8 text columns, a phone in six written
forms: +7, 8 (...), +380, 7..., +1, "нет"), generated once in 1M-row chunks into
``benchmarks/data/stream_<rows>.csv`` (about 160 MB per million rows) so that generating 20M
rows never holds them all. Each measured run is ``custdata normalize phones IN -o OUT.csv -c
phone --region RU`` in a fresh process whose wall time, CPU time (user + system, all threads)
and peak RSS (``ru_maxrss`` of that process alone) are read with ``getrusage``. Both outputs are
CSV and must be byte-identical: their SHA-256 hashes are compared (and the outputs deleted).
With ``--profile`` the command is ``custdata profile IN --json-file OUT.json`` (the profile
merged over batches must be byte-identical to the in-memory one; no time target).

Targets (issue 13): streamed peak RSS <= 1.5 GB and wall time <= 1.5x in memory. On a shared
machine compare CPU seconds too: wall time stretches with whatever else runs. The in-memory
run needs several GB at 20M rows (``--skip-memory`` leaves it out; the time ratio is then
missing). Results: printed as a Markdown table and saved to
``benchmarks/results/stream_20m.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from _data import DATA, customers  # noqa: E402

CHUNK = 1_000_000
TARGET_RSS_MB = 1536
TARGET_TIME = 1.5


def phones_csv(rows: int) -> Path:
    """Write (once) and return a UTF-8 CSV of ``rows`` synthetic customers, 1M rows at a time."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"stream_{rows}.csv"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        for i, start in enumerate(range(0, rows, CHUNK)):
            chunk = customers(min(CHUNK, rows - start), seed=42 + i)
            chunk.write_csv(fh, include_header=i == 0)
            print(f"  generated {start + chunk.height:,} rows", file=sys.stderr, flush=True)
    tmp.rename(path)
    return path


def measure(cmd: list[str]) -> dict:
    """Run ``cmd`` in a fresh process: wall and CPU seconds and peak RSS (MB) of that process."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stderr=subprocess.PIPE)\n"
        "dt = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.buffer.write(p.stderr[-2000:])\n"
        "print(f'{dt} {u.ru_maxrss / 1024} {p.returncode} {u.ru_utime + u.ru_stime}')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code, *cmd], capture_output=True, text=True, env=env, check=True
    )
    seconds, rss, rc, cpu = out.stdout.strip().splitlines()[-1].split()
    if rc != "0":
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {rc}): {out.stderr[-2000:]}")
    return {"seconds": round(float(seconds), 1), "cpu_seconds": round(float(cpu), 1),
            "peak_rss_mb": round(float(rss))}  # fmt: skip


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            digest.update(block)
    return digest.hexdigest()


def command(src: Path, dst: Path, batch_rows: int, *, profile: bool = False) -> list[str]:
    if profile:  # the JSON profile, written by the command itself
        return [sys.executable, "-m", "custdata", "profile", str(src), "--json-file", str(dst),
                "--quiet", "--batch-rows", str(batch_rows)]  # fmt: skip
    return [sys.executable, "-m", "custdata", "normalize", "phones", str(src), "-o", str(dst),
            "-c", "phone", "--region", "RU", "--quiet", "--batch-rows", str(batch_rows)]  # fmt: skip


def machine() -> dict:
    return {"python": platform.python_version(), "polars": pl.__version__,
            "cores": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "load_1min_before": round(os.getloadavg()[0], 1)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_stream_20m", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--batch-rows", default="500000", help="comma-separated batch sizes")
    parser.add_argument("--skip-memory", action="store_true", help="no in-memory run")
    parser.add_argument(
        "--profile", action="store_true", help="measure `custdata profile` instead of phones"
    )
    args = parser.parse_args(argv)
    src = phones_csv(args.rows)
    info = machine()
    results: list[dict] = []
    expected: str | None = None
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        runs = ([] if args.skip_memory else [0]) + [int(b) for b in args.batch_rows.split(",")]
        for batch in runs:
            out = Path(tmp) / f"out-{batch}.{'json' if args.profile else 'csv'}"
            row = {"command": "profile" if args.profile else "normalize phones",
                   "path": "in memory" if batch == 0 else f"streamed, --batch-rows {batch:,}",
                   "rows": args.rows, "csv_mb": round(src.stat().st_size / 1e6),
                   **measure(command(src, out, batch, profile=args.profile))}  # fmt: skip
            digest = sha256(out)
            out.unlink()
            if batch == 0:
                expected = digest
            row["sha256"] = digest[:16]
            row["identical"] = None if expected is None else digest == expected
            results.append(row)
            print(f"{row['path']}: {row['seconds']} s, {row['cpu_seconds']} s CPU, "
                  f"{row['peak_rss_mb']:,} MB, identical={row['identical']}", flush=True)  # fmt: skip
    info["load_1min_after"] = round(os.getloadavg()[0], 1)
    base = results[0] if not args.skip_memory else None
    for r in results:
        if base is not None:
            r["time_vs_memory"] = round(r["seconds"] / base["seconds"], 2)
            r["cpu_vs_memory"] = round(r["cpu_seconds"] / base["cpu_seconds"], 2)
        if r["path"] != "in memory" and not args.profile:
            r["meets_targets"] = r["peak_rss_mb"] <= TARGET_RSS_MB and (
                base is None or r["time_vs_memory"] <= TARGET_TIME
            )
    print("\n| path | rows | wall s | CPU s | wall × memory | CPU × memory | peak RSS MB "
          "| identical |\n|---|---|---|---|---|---|---|---|")  # fmt: skip
    for r in results:
        print(f"| {r['path']} | {r['rows']:,} | {r['seconds']} | {r['cpu_seconds']} | "
              f"{r.get('time_vs_memory', '')} | {r.get('cpu_vs_memory', '')} | "
              f"{r['peak_rss_mb']:,} | {r['identical'] if r['identical'] is not None else ''} |")  # fmt: skip
    print(json.dumps(info))
    (HERE / "results").mkdir(exist_ok=True)
    report = {"machine": info, "runs": results}
    name = "stream_20m_profile.json" if args.profile else "stream_20m.json"
    (HERE / "results" / name).write_text(json.dumps(report, indent=2))
    bad = [r for r in results if r["identical"] is False]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
