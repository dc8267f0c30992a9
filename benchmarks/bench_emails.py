"""Benchmark: email validation of a customer table, per-row email-validator vs custdata.

Compared in one run on the same generated column (``--rows N``, default 1,000,000, ~60% distinct,
a realistic mix: 80% valid addresses (70% at popular providers, 30% at company domains drawn from
a pool of one company per 50 addresses, a tenth of them ``.рф``), 3% provider typos, 3% junk
placeholders, 9% syntax errors, 2% Unicode local parts, 3% nulls; 8% upper-cased and 6% with
surrounding spaces):

1. ``per-row``: ``email_validator.validate_email(x.strip(), check_deliverability=False)`` for
   every row (the obvious loop; ``strip`` because email-validator rejects surrounding spaces);
2. ``distinct-only``: the same call once per distinct value, mapped back with a dict;
3. ``custdata``: ``custdata.normalize.emails(frame, "email")`` (normalized, key, status,
   suggestion, disposable, role), and the same with ``lowercase_local=False`` to compare the
   normalized form with email-validator's byte for byte.

Verdict agreement: valid (custdata status ``ok``) vs email-validator accepting the stripped
text. Prints a markdown table and writes ``benchmarks/results/emails.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

import email_validator
import polars as pl
from email_validator import EmailNotValidError, validate_email

import custdata
from custdata.normalize import emails

RESULTS = Path(__file__).resolve().parent / "results" / "emails.json"

_FIRST = ["ivan", "olga", "sergey", "anna", "dmitry", "elena", "alex", "maria", "oleksandr",
          "natalia", "andrii", "yulia", "john", "mary", "peter", "kate", "mykola", "tetiana"]
_LAST = ["petrov", "ivanova", "smirnov", "kuznetsova", "shevchenko", "bondarenko", "kovalenko",
         "sidorov", "popova", "melnyk", "smith", "brown", "moroz", "tkachenko", "volkov"]
_PROVIDERS = ["mail.ru", "gmail.com", "yandex.ru", "bk.ru", "list.ru", "inbox.ru", "rambler.ru",
              "ukr.net", "i.ua", "meta.ua", "outlook.com", "hotmail.com", "yahoo.com",
              "icloud.com", "ya.ru", "googlemail.com", "yandex.ua", "tut.by"]
_TYPOS = ["gmial.com", "gmail.ru", "mail.ry", "yandex.ry", "ukr.nte", "hotmial.com", "gmai.com",
          "mail.ri", "inbox.ry", "gmail.con", "yandex.ri", "list.ry"]
_JUNK = ["", "нет", "-", "n/a", "none", "нет почты", "0", "no email", "?", "x"]
_TLDS = ["ru", "com", "ua", "by", "kz", "net", "org", "io", "de", "рф"]


def _company(rng: random.Random) -> str:
    word = "".join(rng.choice("abcdefghiklmnoprstuvwxyz") for _ in range(rng.randint(3, 9)))
    tld = rng.choice(_TLDS)
    if tld == "рф":
        return rng.choice(["пример", "магазин", "компания", "завод"]) + word[:3] + ".рф"
    return word + rng.choice(["", "-group", "soft", "trade"]) + "." + tld


def _local(rng: random.Random, n: int) -> str:
    f, la = rng.choice(_FIRST), rng.choice(_LAST)
    shape = n % 6
    if shape == 0:
        return f"{f}.{la}{n}"
    if shape == 1:
        return f"{f[0]}{la}{n % 10000}"
    if shape == 2:
        return f"{la}_{f}{n}"
    if shape == 3:
        return f"{f}{n}+shop"
    if shape == 4:
        return f"{f}-{la}.{n % 1000}"
    return rng.choice(["info", "sales", "office", "zakaz", "support"]) + str(n)


def _invalid(rng: random.Random, n: int) -> str:
    local, dom = _local(rng, n), rng.choice(_PROVIDERS)
    return rng.choice([
        f"{local}{dom}", f"{local}@@{dom}", f"{local}..x@{dom}", f"{local} x@{dom}",
        f"{local}@{dom.split('.')[0]}", f"{local}@{dom}..ru", f".{local}@{dom}", f"{local}@-{dom}",
        f"{local}@{dom},ru", f"{local}@", f"@{dom}", f"{local}@{dom}_", f"{local}(at){dom}",
        f'"{local}"@{dom}', f"{local}@localhost", f"{local}@{dom.split('.')[0]}.local",
    ])


def make_values(rows: int, seed: int = 7) -> list[str | None]:
    """``rows`` values, ~60% distinct, in a realistic mix (deterministic for a seed)."""
    rng = random.Random(seed)
    distinct = max(1, int(rows * 0.6))
    # company domains repeat (several people per company): one per ~50 distinct addresses
    companies = [_company(rng) for _ in range(max(20, distinct // 50))]
    pool: list[str | None] = []
    for n in range(distinct):
        r = rng.random()
        if r < 0.80:
            dom = rng.choice(_PROVIDERS) if rng.random() < 0.7 else rng.choice(companies)
            value = f"{_local(rng, n)}@{dom}"
        elif r < 0.83:
            value = f"{_local(rng, n)}@{rng.choice(_TYPOS)}"
        elif r < 0.86:
            value = rng.choice(_JUNK) + ("" if n % 2 else " " * (n % 3))
        elif r < 0.95:
            value = _invalid(rng, n)
        elif r < 0.97:
            value = rng.choice(["иван", "ольга", "почта", "пётр"]) + f"{n}@" + rng.choice(companies)
        else:
            value = None
        if value and rng.random() < 0.08:
            value = value.upper()
        if value and rng.random() < 0.06:
            value = " " * rng.randint(1, 2) + value + " " * rng.randint(0, 2)
        pool.append(value)
    return [pool[i] if i < distinct else rng.choice(pool) for i in range(rows)]


def _ev(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    values = make_values(args.rows, args.seed)
    frame = pl.DataFrame({"email": values}, schema={"email": pl.String})
    n_distinct = frame["email"].n_unique()

    t = time.perf_counter()
    per_row = [_ev(v) for v in values]
    t_per_row = time.perf_counter() - t

    t = time.perf_counter()
    cache = {v: _ev(v) for v in set(values)}
    distinct_only = [cache[v] for v in values]
    t_distinct = time.perf_counter() - t
    assert distinct_only == per_row

    t = time.perf_counter()
    out = emails(frame, "email")
    t_custdata = time.perf_counter() - t

    t = time.perf_counter()
    exact = emails(frame, "email", lowercase_local=False)
    t_custdata_exact = time.perf_counter() - t

    ev_valid = pl.Series([p is not None for p in per_row])
    cd_valid = out["email_status"] == "ok"
    verdict_agree = int((ev_valid == cd_valid).sum())
    norm_agree = int(
        (exact["email_normalized"].eq_missing(pl.Series(per_row, dtype=pl.String))).sum()
    )
    statuses = out["email_status"].value_counts(sort=True)
    result = {
        "rows": args.rows,
        "distinct": n_distinct,
        "seconds": {
            "per_row_email_validator": round(t_per_row, 3),
            "distinct_only_email_validator": round(t_distinct, 3),
            "custdata": round(t_custdata, 3),
            "custdata_lowercase_local_false": round(t_custdata_exact, 3),
        },
        "rows_per_second": {
            "per_row_email_validator": round(args.rows / t_per_row),
            "distinct_only_email_validator": round(args.rows / t_distinct),
            "custdata": round(args.rows / t_custdata),
        },
        "speedup_vs_per_row": round(t_per_row / t_custdata, 1),
        "speedup_vs_distinct_only": round(t_distinct / t_custdata, 1),
        "verdict_agreement": verdict_agree / args.rows,
        "verdict_disagreements": args.rows - verdict_agree,
        "normalized_agreement_lowercase_local_false": norm_agree / args.rows,
        "statuses": dict(zip(statuses["email_status"], statuses["count"], strict=True)),
        "suggestions": int(out["email_suggestion"].is_not_null().sum()),
        "versions": {
            "python": platform.python_version(),
            "polars": pl.__version__,
            "email_validator": email_validator.__version__,
            "custdata": custdata.__version__,
        },
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, shared with other jobs",
    }
    print("| method | seconds | rows/s | vs per-row |")
    print("|---|---:|---:|---:|")
    for name, key in (("per-row email-validator", "per_row_email_validator"),
                      ("distinct-only email-validator", "distinct_only_email_validator"),
                      ("custdata `emails()`", "custdata")):
        sec = result["seconds"][key]
        print(f"| {name} | {sec:.2f} | {args.rows / sec:,.0f} | {t_per_row / sec:.1f}x |")
    print(f"\nrows {args.rows:,}, distinct {n_distinct:,}; verdict agreement "
          f"{verdict_agree:,}/{args.rows:,}; normalized (lowercase_local=False) agreement "
          f"{norm_agree:,}/{args.rows:,}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
