"""Benchmark: phone normalization, naive phonenumbers loop vs custdata.normalize.phones.

Runs, on the same generated column (default 1,000,000 rows, about 60% distinct values, mixed
Russian/Ukrainian/Kazakh/US/UK/German formats, extensions, multi-number cells and junk):

1. naive per-row loop: ``phonenumbers.parse`` + ``is_valid_number`` + ``format_number(E164)``;
2. the same loop over distinct values only, mapped back with a dict;
3. ``custdata.normalize.phones`` (distinct values + vectorized fast path + scalar residual).

It checks that custdata's E.164 equals the naive loop's on every row, except rows where custdata
deliberately does more (documented in docs/normalize/phones.md): it recovers a number the naive
loop rejects (first of several numbers, ``00``/missing ``+``, unknown extension label) or marks
an all-same-digit number as junk. Any other difference fails the benchmark. Prints a markdown
table and writes ``benchmarks/results/phones.json``.

    python benchmarks/bench_phones.py --rows 100000
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import sys
import time
from pathlib import Path

import phonenumbers as pn
import polars as pl

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
REGION = "RU"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _ru_format(rng: random.Random, code: str, rest: str) -> str:
    """A Russian number (3-digit code + 7 digits) in one of the usual spellings."""
    a, b, c = rest[:3], rest[3:5], rest[5:7]
    return rng.choice([
        f"8 ({code}) {a}-{b}-{c}", f"+7 {code} {a} {b} {c}", f"8{code}{rest}", f"7{code}{rest}",
        f"+7({code}){a}-{b}-{c}", f"8-{code}-{a}-{b}-{c}", f"{code}{rest}", f"+7{code}{rest}",
        f"8 {code} {a}{b}{c}", f"7 ({code}) {a} {b} {c}",
    ])


def _fresh(rng: random.Random) -> str | None:
    """One realistic phone cell."""
    x = rng.random()
    if x < 0.50:  # Russian mobile
        return _ru_format(rng, "9" + _digits(rng, 2), _digits(rng, 7))
    if x < 0.62:  # Russian landline
        code = rng.choice(["495", "499", "812", "343", "383", "846", "861", "3852", "4212"])
        rest = _digits(rng, 10 - len(code))
        if len(code) == 4:
            return rng.choice([f"8 ({code}) {rest[:2]}-{rest[2:4]}-{rest[4:]}",
                               f"+7 {code} {rest}"])
        return _ru_format(rng, code, rest)
    if x < 0.69:  # Ukraine
        op = rng.choice(["50", "66", "67", "68", "73", "93", "95", "97", "44"])
        r = _digits(rng, 7)
        return rng.choice([f"+380 {op} {r[:3]} {r[3:5]} {r[5:]}", f"380{op}{r}",
                           f"+38 (0{op}) {r[:3]}-{r[3:5]}-{r[5:]}", f"0{op} {r}"])
    if x < 0.73:  # Kazakhstan
        op = rng.choice(["701", "702", "705", "707", "747", "771", "775", "777", "727"])
        r = _digits(rng, 7)
        return rng.choice([f"+7 {op} {r[:3]} {r[3:]}", f"8 ({op}) {r[:3]}-{r[3:5]}-{r[5:]}",
                           f"7{op}{r}"])
    if x < 0.76:  # US
        area = rng.choice(["212", "415", "312", "646", "718", "305", "202"])
        r = str(rng.randint(2, 9)) + _digits(rng, 6)
        return rng.choice([f"+1 ({area}) {r[:3]}-{r[3:]}", f"+1 {area}-{r[:3]}-{r[3:]}",
                           f"+1{area}{r}", f"1 {area} {r[:3]} {r[3:]}"])
    if x < 0.78:  # UK
        return rng.choice([f"+44 20 7{_digits(rng, 3)} {_digits(rng, 4)}",
                           f"+44 7{rng.choice('4579')}{_digits(rng, 2)} {_digits(rng, 6)}",
                           f"0044 20 7{_digits(rng, 3)} {_digits(rng, 4)}"])
    if x < 0.80:  # Germany
        return rng.choice([f"+49 30 {_digits(rng, 8)}", f"0049 151 {_digits(rng, 8)}",
                           f"+49 (89) {_digits(rng, 7)}",
                           f"+49 1{rng.choice('567')}{_digits(rng, 9)}"])
    if x < 0.82:  # extensions
        base = _ru_format(rng, rng.choice(["495", "812"]), _digits(rng, 7))
        ext = _digits(rng, rng.randint(2, 4))
        return rng.choice([f"{base} доб. {ext}", f"{base} ext {ext}", f"{base} x{ext}",
                           f"{base}, доб {ext}", f"{base} вн. {ext}"])
    if x < 0.84:  # several numbers in one cell
        one = _ru_format(rng, "9" + _digits(rng, 2), _digits(rng, 7))
        two = _ru_format(rng, "9" + _digits(rng, 2), _digits(rng, 7))
        return rng.choice([f"{one}, {two}", f"тел: {one}; моб: {two}", f"{one} / {two}",
                           f"{one}\n{two}"])
    if x < 0.92:  # junk and empties
        return rng.choice([None, "", " ", "нет", "n/a", "-", "0", "+7 (___) ___-__-__",
                           "0000000", "89999999999", "8 (999) 999-99-99", "не указан", "---",
                           "+7 (9__) ___-__-__", "1111111111", "NULL"])
    # other bad values: too short / too long / text / service numbers / wrong digits
    return rng.choice([
        _digits(rng, rng.randint(3, 6)), _digits(rng, rng.randint(12, 16)), "112", "911", "03",
        "звонить вечером", "8 (800) " + _digits(rng, 7), "+7 " + _digits(rng, 10),
        "8" + _digits(rng, 10), "+" + _digits(rng, rng.randint(8, 13)),
    ])


def generate(rows: int, *, seed: int = 20261123, distinct_share: float = 0.68) -> pl.DataFrame:
    """Deterministic phone column: about ``distinct_share`` of the rows are new values."""
    path = DATA / f"phones_{rows}_{seed}.parquet"
    if path.exists():
        return pl.read_parquet(path)
    rng = random.Random(seed)
    values: list[str | None] = []
    for _ in range(rows):
        if values and rng.random() > distinct_share:
            values.append(values[rng.randrange(len(values))])
        else:
            values.append(_fresh(rng))
    frame = pl.DataFrame({"id": range(rows), "phone": values}, schema={"id": pl.Int64,
                                                                        "phone": pl.String})
    DATA.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)
    return frame


def naive_one(value: str | None) -> str | None:
    """The naive reference: phonenumbers parse + is_valid_number + format E.164."""
    if value is None:
        return None
    try:
        num = pn.parse(value, REGION)
    except pn.NumberParseException:
        return None
    return pn.format_number(num, pn.PhoneNumberFormat.E164) if pn.is_valid_number(num) else None


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def compare(values: list, naive: list, frame: pl.DataFrame) -> dict[str, int]:
    """Classify every row: same E.164, or one of custdata's documented deliberate differences."""
    counts = {"identical": 0, "recovered_first_of_several": 0,
              "recovered_00_missing_plus_or_ext_label": 0, "junk_by_custdata": 0, "mismatch": 0}
    e164 = frame["phone_e164"].to_list()
    status = frame["phone_status"].to_list()
    for want, got, st in zip(naive, e164, status, strict=True):
        if want == got:
            counts["identical"] += 1
        elif want is None and st == "multiple_numbers":
            counts["recovered_first_of_several"] += 1
        elif want is None and st == "ok":
            counts["recovered_00_missing_plus_or_ext_label"] += 1
        elif got is None and st == "junk":
            counts["junk_by_custdata"] += 1
        else:
            counts["mismatch"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--skip-naive", action="store_true",
                        help="skip the slow naive loop (then no identity check)")
    args = parser.parse_args(argv)

    from custdata.normalize import phones

    t0 = time.perf_counter()
    frame = generate(args.rows, seed=args.seed)
    gen_s = time.perf_counter() - t0
    values = frame["phone"].to_list()
    distinct = frame["phone"].n_unique()

    rss_before = _rss_mb()
    t0 = time.perf_counter()
    out = phones(frame, "phone", region=REGION)
    custdata_s = time.perf_counter() - t0
    rss_custdata = _rss_mb()

    timings: dict[str, float] = {"custdata phones()": custdata_s}
    counts = None
    if not args.skip_naive:
        t0 = time.perf_counter()
        cache: dict[str | None, str | None] = {}
        for v in frame["phone"].unique().to_list():
            cache[v] = naive_one(v)
        distinct_result = [cache[v] for v in values]
        timings["distinct-only per-row loop"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        naive = [naive_one(v) for v in values]
        timings["naive per-row loop"] = time.perf_counter() - t0
        assert naive == distinct_result
        counts = compare(values, naive, out)

    base = timings.get("naive per-row loop")
    lines = [
        f"rows: {args.rows:,}; distinct values: {distinct:,} ({distinct / args.rows:.0%}); "
        f"region {REGION}",
        "",
        "| approach | seconds | rows/s | speed-up vs naive |",
        "|---|---:|---:|---:|",
    ]
    order = ["naive per-row loop", "distinct-only per-row loop", "custdata phones()"]
    for name in order:
        if name not in timings:
            continue
        sec = timings[name]
        ratio = f"{base / sec:.1f}x" if base else "n/a"
        lines.append(f"| {name} | {sec:.2f} | {args.rows / sec:,.0f} | {ratio} |")
    lines.append("")
    lines.append(f"peak RSS after custdata run: {rss_custdata:,.0f} MB (before: {rss_before:,.0f} "
                 f"MB; worker processes: {_children_rss_mb():,.0f} MB)")
    status_counts = dict(out.group_by("phone_status").len().sort("len", descending=True).rows())
    lines.append(f"statuses: {status_counts}")
    if counts:
        lines.append(f"E.164 vs naive: {counts}")
    print("\n".join(lines))

    result = {
        "area": "phones",
        "rows": args.rows,
        "distinct": distinct,
        "seed": args.seed,
        "generate_seconds": round(gen_s, 2),
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "rows_per_second": {k: round(args.rows / v) for k, v in timings.items()},
        "speedup_vs_naive": ({k: round(base / v, 2) for k, v in timings.items()} if base else None),
        "peak_rss_mb_after_custdata": round(rss_custdata, 1),
        "peak_rss_mb_workers": round(_children_rss_mb(), 1),
        "statuses": status_counts,
        "e164_vs_naive": counts,
        "versions": {"python": platform.python_version(), "polars": pl.__version__,
                     "phonenumbers": pn.__version__},
        "machine": "2 cores, shared with other engineers' jobs during the run",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "phones.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    if counts and counts["mismatch"]:
        print(f"FAILED: {counts['mismatch']} rows differ from the naive loop", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
