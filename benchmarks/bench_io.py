"""custdata convert vs bare polars: CSV -> Parquet and Parquet -> CSV on a customer table.

Both sides run as fresh processes (interpreter start and imports included on both sides), best
of ``--repeat`` runs. The bar (issue 2): custdata within 1.5x of bare polars.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from _data import DATA, customers_csv

RESULTS = Path(__file__).resolve().parent / "results"

BARE_CSV_TO_PARQUET = (
    "import polars as pl, sys; pl.read_csv(sys.argv[1], infer_schema=False).write_parquet(sys.argv[2])"
)
BARE_PARQUET_TO_CSV = "import polars as pl, sys; pl.read_parquet(sys.argv[1]).write_csv(sys.argv[2])"


def _time(cmd: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    src = customers_csv(args.rows)
    work = DATA / "io"
    work.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    cases = {
        "CSV -> Parquet": (
            [py, "-c", BARE_CSV_TO_PARQUET, str(src), str(work / "bare.parquet")],
            [py, "-m", "custdata", "convert", str(src), str(work / "cd.parquet"), "-q"],
        ),
        "Parquet -> CSV": (
            [py, "-c", BARE_PARQUET_TO_CSV, str(work / "bare.parquet"), str(work / "bare.csv")],
            [py, "-m", "custdata", "convert", str(work / "bare.parquet"), str(work / "cd.csv"), "-q"],
        ),
    }
    rows = []
    for name, (bare, ours) in cases.items():
        t_bare = _time(bare, args.repeat)
        t_ours = _time(ours, args.repeat)
        rows.append({"case": name, "bare_polars_s": round(t_bare, 3), "custdata_s": round(t_ours, 3),
                     "ratio": round(t_ours / t_bare, 2)})
    assert pl.read_parquet(work / "cd.parquet").equals(pl.read_parquet(work / "bare.parquet"))
    size_mb = src.stat().st_size / 1e6
    print(f"{args.rows:,} rows x 8 columns, CSV {size_mb:.0f} MB; best of {args.repeat}, fresh processes\n")
    print("| case | bare polars (s) | custdata convert (s) | ratio |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['bare_polars_s']:.2f} | {r['custdata_s']:.2f} | {r['ratio']:.2f}x |")
    result = {"rows": args.rows, "cases": rows, "polars": pl.__version__, "python": platform.python_version(),
              "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores"}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "io.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
