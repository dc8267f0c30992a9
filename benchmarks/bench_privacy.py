"""Benchmark: keyed hashing, tokenizing and opt-out suppression, naive loops vs custdata.

Compared in one run on the same synthetic customer table (``--rows N``, default 200,000, about
60% distinct people; see ``_data.customers``):

1. ``hash, per-row loop``: ``hmac.new(key, value, sha256)`` for every row of the raw email
   column (the obvious loop; no normalization, so ``Ivan@Mail.ru`` and ``ivan@mail.ru`` differ);
2. ``custdata hash (text)``: ``privacy.mask(..., method="hash", kinds={"email": "text"})``:
   cleaned text, one HMAC per distinct value;
3. ``custdata hash (email key)``: the same with the email matching key (what makes two files
   join), and ``(phone E.164)`` on the phone column;
4. ``custdata tokenize``: AES-SIV per distinct value;
5. ``suppress, raw set lookup``: drop rows whose raw phone or email text is in a set built from
   the raw opt-out list (misses reformatted numbers), vs ``custdata suppress`` on normalized keys.
   The opt-out list holds 1% of the people, reformatted (``+7 ...`` vs ``8 (...)``, upper case).

Prints a markdown table and writes ``benchmarks/results/privacy.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import platform
import time
from pathlib import Path

import polars as pl

import custdata
from custdata import privacy

RESULTS = Path(__file__).resolve().parent / "results" / "privacy.json"
SECRET = "benchmark key, not a secret, 0123456789"


def _time(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _optouts(frame: pl.DataFrame) -> pl.DataFrame:
    people = frame.unique("customer_id", keep="first", maintain_order=True)
    sample = people.gather_every(100)
    phones = sample["phone"].str.replace(r"^8 \((\d+)\) ", "+7 $1 ").drop_nulls()
    emails = sample["email"].str.to_uppercase().drop_nulls()
    return pl.DataFrame({"contact": pl.concat([phones, emails])})


def main(argv: list[str] | None = None) -> int:
    from _data import customers

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    frame = customers(args.rows)
    key = privacy.load_key(SECRET)
    rows = []

    def add(name: str, seconds: float, note: str) -> None:
        rows.append({"method": name, "seconds": round(seconds, 3),
                     "rows_per_s": int(frame.height / seconds) if seconds else None, "note": note})

    raw = frame["email"].to_list()
    t, loop = _time(lambda: [hmac.new(key.hash_key, v.encode(), hashlib.sha256).hexdigest()
                             if v else None for v in raw])
    add("hash, per-row loop", t, "raw text, no normalization")
    t, out = _time(lambda: privacy.mask(frame, "email", method="hash", key=key,
                                        kinds={"email": "text"}))
    add("custdata hash (text)", t, f"{frame['email'].n_unique():,} distinct values hashed")
    t, out = _time(lambda: privacy.mask(frame, "email", method="hash", key=key,
                                        kinds={"email": "email"}))
    add("custdata hash (email key)", t, "normalized: joins across files")
    t, out = _time(lambda: privacy.mask(frame, "phone", method="hash", key=key,
                                        kinds={"phone": "phone"}))
    add("custdata hash (phone E.164)", t, "normalized with the phone normalizer")
    t, out = _time(lambda: privacy.mask(frame, "email", method="tokenize", key=key))
    add("custdata tokenize", t, "AES-SIV, reversible")

    optouts = _optouts(frame)
    listed = set(optouts["contact"].to_list())
    t, naive = _time(lambda: frame.filter(~(pl.col("phone").is_in(list(listed))
                                            | pl.col("email").is_in(list(listed)))))
    add("suppress, raw set lookup", t, f"removed {frame.height - naive.height:,} rows")
    t, kept = _time(lambda: privacy.suppress(frame, optouts, columns={"phone": ["phone"],
                                                                     "email": ["email"]}))
    add("custdata suppress", t, f"removed {frame.height - kept.height:,} rows (normalized keys)")

    print(f"\n{frame.height:,} rows, {len(optouts):,} opt-out values\n")
    print("| method | seconds | rows/s | note |\n|---|---:|---:|---|")
    for r in rows:
        print(f"| {r['method']} | {r['seconds']} | {r['rows_per_s']:,} | {r['note']} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "rows": frame.height, "optouts": len(optouts), "results": rows,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "polars": pl.__version__, "custdata": custdata.__version__,
                    "note": "shared 2-core machine, loaded by other work during the run"},
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
