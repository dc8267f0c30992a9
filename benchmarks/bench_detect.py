"""Column detection on wide tables: ``detect_columns`` and ``custdata info`` at 1k-20k columns.

Issue 12 measured ``info`` at 9 s / 51 s / 300+ s for 1,000 / 5,000 / 20,000 columns (the schema
was looked up inside the per-column loop). Detection now reads all headers, then the values of
all remaining columns in one pass; this benchmark checks that time grows linearly. A table of
``--rows`` rows and N text columns (a mix of headers that say nothing and values of every kind)
is built in memory; ``detect_columns`` is timed in process, and ``custdata info`` on a CSV of the
widest table as a fresh process.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from custdata.schema import detect_columns

RESULTS = Path(__file__).resolve().parent / "results"

VALUES = [
    lambda i, r: f"+7 912 {i % 1000:03d}-{r % 100:02d}-{(i + r) % 100:02d}",
    lambda i, r: f"user{i}.{r}@example.com",
    lambda i, r: f"{1 + r % 28:02d}.{1 + i % 12:02d}.19{50 + r % 50}",
    lambda i, r: f"Иванов{r % 7} Иван",
    lambda i, r: f"ID-{i:05d}-{r:06d}",
    lambda i, r: f"note {r % 13} about {i % 17}",
]


def wide(columns: int, rows: int) -> pl.DataFrame:
    return pl.DataFrame(
        {f"col{i}": [VALUES[i % len(VALUES)](i, r) for r in range(rows)] for i in range(columns)}
    )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--columns", type=int, nargs="*", default=[1_000, 5_000, 10_000, 20_000])
    args, _ = parser.parse_known_args(argv)
    rows = []
    print("| columns | detect_columns (s) | per 1k columns (s) |")
    print("|---|---|---|")
    frame = None
    for n in args.columns:
        frame = wide(n, args.rows)
        start = time.perf_counter()
        found = detect_columns(frame)
        elapsed = time.perf_counter() - start
        assert sum(len(v) for v in found.values()) >= n // 2
        rows.append({"columns": n, "seconds": round(elapsed, 3)})
        print(f"| {n:,} | {elapsed:.2f} | {elapsed / n * 1000:.3f} |", flush=True)
    info_seconds = None
    if frame is not None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "wide.csv"
            frame.write_csv(path)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "custdata", "info", str(path), "--json"],
                check=True,
                capture_output=True,
            )
            info_seconds = round(time.perf_counter() - start, 2)
        print(f"\n`custdata info` on the {frame.width:,}-column CSV: {info_seconds} s")
    result = {
        "rows": args.rows,
        "detect": rows,
        "info_widest_seconds": info_seconds,
        "python": platform.python_version(),
        "polars": pl.__version__,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "detect.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
