"""RFM speed: custdata vs the usual pandas recipe vs a plain polars version, in one run.

    python benchmarks/bench_rfm.py                 # 10,000,000 transactions, 1,000,000 customers
    python benchmarks/bench_rfm.py --rows 200000   # smoke run

Measures (1) ``custdata segment rfm FILE.csv -o OUT.parquet`` end to end in a subprocess
(interpreter start, CSV read, parsing, scoring, segment, write), and (2) the computation alone on
the same in-memory data (customer id, order date, amount; returns included) for: custdata's
``rfm()``, the usual pandas recipe (groupby + rank(method="first") + qcut + regex segment map),
and a plain polars version of that recipe. Prints a markdown table and writes
``benchmarks/results/rfm.json``. Data goes to ``benchmarks/data/`` (git-ignored).
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

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"

SEGMENTS = {  # the R x F regex map of the usual pandas tutorials
    r"[1-2][1-2]": "Hibernating",
    r"[1-2][3-4]": "At Risk",
    r"[1-2]5": "Can't Lose Them",
    r"3[1-2]": "About to Sleep",
    r"33": "Need Attention",
    r"[3-4][4-5]": "Loyal",
    r"41": "Promising",
    r"51": "New",
    r"[4-5][2-3]": "Potential Loyalists",
    r"5[4-5]": "Champions",
}


def make_data(rows: int, customers: int, seed: int = 7) -> pl.DataFrame:
    """Transactions over two years; skewed customer activity; ~3% returns."""
    rng = np.random.default_rng(seed)
    weights = rng.gamma(0.8, 1.0, customers)
    cust = rng.choice(customers, size=rows, p=weights / weights.sum())
    days = rng.integers(0, 730, rows)
    amount = np.round(rng.lognormal(7.5, 0.8, rows), 2)
    amount[rng.random(rows) < 0.03] *= -1
    return pl.DataFrame(
        {
            "customer_id": pl.Series(cust).cast(pl.String).str.zfill(7).str.replace(r"^", "C"),
            "order_date": pl.Series(np.datetime64("2024-01-01") + days.astype("timedelta64[D]")).cast(pl.Date),
            "amount": amount,
        }
    )


def csv_path(rows: int, customers: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"rfm_{rows}_{customers}.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        make_data(rows, customers).write_csv(tmp)
        tmp.replace(path)
    return path


def pandas_rfm(df):  # type: ignore[no-untyped-def]
    import pandas as pd

    snapshot = df["order_date"].max()
    orders = df[df["amount"] > 0]
    g = df.groupby("customer_id").agg(monetary=("amount", "sum"))
    o = orders.groupby("customer_id").agg(last=("order_date", "max"), frequency=("amount", "count"))
    g = g.join(o, how="inner")
    g["recency"] = (snapshot - g["last"]).dt.days
    g["R"] = pd.qcut(g["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
    g["F"] = pd.qcut(g["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    g["M"] = pd.qcut(g["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    g["segment"] = (g["R"].astype(str) + g["F"].astype(str)).replace(SEGMENTS, regex=True)
    return g


def polars_rfm(df: pl.DataFrame) -> pl.DataFrame:
    """The same recipe written plainly in polars (ordinal ranks, no tie or data handling)."""
    snapshot = df["order_date"].max()
    g = df.group_by("customer_id").agg(
        pl.col("order_date").filter(pl.col("amount") > 0).max().alias("last"),
        (pl.col("amount") > 0).sum().alias("frequency"),
        pl.col("amount").sum().alias("monetary"),
    ).filter(pl.col("frequency") > 0)
    n = g.height

    def score(expr: pl.Expr) -> pl.Expr:
        return ((expr.rank("ordinal") - 1) * 5 // n + 1).cast(pl.Int8)

    g = g.with_columns((pl.lit(snapshot) - pl.col("last")).dt.total_days().alias("recency"))
    g = g.with_columns(
        score(-pl.col("recency")).alias("R"), score(pl.col("frequency")).alias("F"),
        score(pl.col("monetary")).alias("M"),
    )
    code = pl.concat_str(pl.col("R"), pl.col("F"))
    expr = None
    for pattern, name in SEGMENTS.items():
        cond = code.str.contains(f"^{pattern}$")
        expr = pl.when(cond).then(pl.lit(name)) if expr is None else expr.when(cond).then(pl.lit(name))
    return g.with_columns(expr.otherwise(None).alias("segment"))


def timed(fn, repeat: int = 1) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Best wall-clock seconds and the CPU seconds of that run (all threads of this process)."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        cpu, start = time.process_time(), time.perf_counter()
        fn()
        run = (time.perf_counter() - start, time.process_time() - cpu)
        best = min(best, run)
    return best


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--customers", type=int, default=None, help="default: rows / 10")
    parser.add_argument("--repeat", type=int, default=2, help="runs per in-memory measurement (best kept)")
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args(argv)
    customers = args.customers or max(1, args.rows // 10)

    from custdata.segment import rfm

    path = csv_path(args.rows, customers)
    out = DATA / f"rfm_{args.rows}.parquet"
    cmd = [sys.executable, "-m", "custdata", "segment", "rfm", str(path), "--customer", "customer_id",
           "--date", "order_date", "--amount", "amount", "-o", str(out), "-q"]
    import resource

    child_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True)
    end_to_end = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    end_to_end_cpu = (after.ru_utime + after.ru_stime) - (child_cpu.ru_utime + child_cpu.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"custdata failed: {proc.stderr.decode(errors='replace')[-500:]}")
    result_rows = pl.read_parquet(out).height

    data = pl.read_csv(path, schema={"customer_id": pl.String, "order_date": pl.Date, "amount": pl.Float64})
    times: dict[str, tuple[float, float] | None] = {}
    times["custdata rfm()"] = timed(
        lambda: rfm(data, customer="customer_id", date="order_date", amount="amount", currency=None),
        args.repeat,
    )
    times["plain polars recipe"] = timed(lambda: polars_rfm(data), args.repeat)
    times["pandas recipe"] = None
    if not args.skip_pandas:
        import pandas as pd

        frame = data.to_pandas()
        frame["order_date"] = pd.to_datetime(frame["order_date"])
        times["pandas recipe"] = timed(lambda: pandas_rfm(frame), args.repeat)
    pandas_t, ours = times["pandas recipe"], times["custdata rfm()"]
    assert ours is not None
    speedup = pandas_t[0] / ours[0] if pandas_t else None
    speedup_cpu = pandas_t[1] / ours[1] if pandas_t else None

    result = {
        "rows": args.rows,
        "customers": customers,
        "output_rows": result_rows,
        "csv_mb": round(path.stat().st_size / 1e6, 1),
        "end_to_end_s": round(end_to_end, 2),
        "end_to_end_cpu_s": round(end_to_end_cpu, 2),
        "in_memory_s": {k: (round(v[0], 3) if v else None) for k, v in times.items()},
        "in_memory_cpu_s": {k: (round(v[1], 3) if v else None) for k, v in times.items()},
        "speedup_vs_pandas": round(speedup, 1) if speedup else None,
        "speedup_vs_pandas_cpu": round(speedup_cpu, 1) if speedup_cpu else None,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 1),
            "python": platform.python_version(),
            "polars": pl.__version__,
            "numpy": np.__version__,
            "pandas": None if args.skip_pandas else __import__("pandas").__version__,
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "rfm.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"RFM, {args.rows:,} transactions, {customers:,} customers ({result['csv_mb']} MB CSV)\n")
    print("| step | wall s | CPU s |")
    print("| --- | ---: | ---: |")
    print(f"| `custdata segment rfm` CSV -> Parquet, end to end | {end_to_end:.2f} | {end_to_end_cpu:.2f} |")
    for name, value in times.items():
        cells = "- | -" if value is None else f"{value[0]:.2f} | {value[1]:.2f}"
        print(f"| {name}, in memory | {cells} |")
    if speedup and speedup_cpu:
        print(f"\ncustdata vs pandas recipe: {speedup:.1f}x faster (wall), {speedup_cpu:.1f}x less CPU")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return result


if __name__ == "__main__":
    main()
