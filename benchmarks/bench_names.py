"""Benchmark: parse + key 1M full names (ФИО, Western, initials, junk) - naive vs custdata.

naive = ``nameparser.HumanName`` per row (the usual approach); it is timed on a sample and
extrapolated, because a full run takes minutes. custdata = ``custdata.normalize.names``.

    python benchmarks/run.py names --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from importlib.metadata import version
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent


def make_names(rows: int, *, seed: int = 42) -> list[str | None]:
    """Synthetic full names: 0.9*rows values drawn with replacement (~55 % distinct)."""
    from faker.providers.person.en_US import Provider as En
    from faker.providers.person.ru_RU import Provider as Ru

    rnd = random.Random(seed)
    ru_m_first, ru_f_first = list(Ru.first_names_male), list(Ru.first_names_female)
    ru_m_last, ru_f_last = list(Ru.last_names_male), list(Ru.last_names_female)
    ru_m_mid, ru_f_mid = list(Ru.middle_names_male), list(Ru.middle_names_female)
    en_first = list(En.first_names_male) + list(En.first_names_female)
    en_last = list(En.last_names)
    junk = ["нет", "-", "test", "клиент", "", None, "ivan@mail.ru", "89161234567", "N/A"]

    def one() -> str | None:
        k = rnd.random()
        female = rnd.random() < 0.5
        first = rnd.choice(ru_f_first if female else ru_m_first)
        last = rnd.choice(ru_f_last if female else ru_m_last)
        mid = rnd.choice(ru_f_mid if female else ru_m_mid)
        if k < 0.40:
            s = f"{last} {first} {mid}"
        elif k < 0.47:
            s = f"{first} {mid} {last}"
        elif k < 0.57:
            s = f"{first} {last}"
        elif k < 0.67:
            s = f"{last} {first[0]}.{mid[0]}."
        elif k < 0.88:
            s = f"{rnd.choice(en_first)} {rnd.choice(en_last)}"
        elif k < 0.93:
            s = (f"{rnd.choice(['Mr.', 'Dr.', 'Ms.'])} {rnd.choice(en_first)} "
                 f"{rnd.choice('ABCDEJKLMPRST')}. {rnd.choice(en_last)}")
        else:
            return rnd.choice(junk)
        r = rnd.random()
        if r < 0.1:
            s = s.upper()
        elif r < 0.2:
            s = s.lower()
        elif r < 0.25:
            s = "  " + s.replace(" ", "   ") + " "
        return s

    pool = [one() for _ in range(max(1, int(rows * 0.9)))]
    return [rnd.choice(pool) for _ in range(rows)]


def naive(values: list[str | None]) -> list[tuple[str, str, str]]:
    from nameparser import HumanName

    out = []
    for v in values:
        hn = HumanName(v or "")
        out.append((hn.last, hn.first, hn.middle))
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--naive-sample", type=int, default=20_000)
    args = parser.parse_args(argv)

    from custdata.normalize import names

    t0 = time.perf_counter()
    values = make_names(args.rows)
    gen_s = time.perf_counter() - t0
    frame = pl.DataFrame({"name": values}, schema={"name": pl.String})
    distinct = frame["name"].n_unique()

    sample = values[: min(args.naive_sample, len(values))]
    t0 = time.perf_counter()
    naive_parts = naive(sample)
    naive_sample_s = time.perf_counter() - t0
    naive_s = naive_sample_s * len(values) / max(1, len(sample))

    t0 = time.perf_counter()
    out = names(frame, "name")
    custdata_s = time.perf_counter() - t0
    statuses = dict(out["name_status"].value_counts().iter_rows())
    # how often per-row nameparser disagrees with custdata on the surname of a Cyrillic name
    ours = out["name_last"].to_list()[: len(sample)]
    cyr = [i for i, v in enumerate(sample) if v and any("а" <= ch.lower() <= "я" for ch in v)
           and out["name_status"][i] == "ok"]
    differ = sum(1 for i in cyr if (naive_parts[i][0] or None) != ours[i])

    result = {
        "rows": args.rows,
        "distinct": distinct,
        "generate_s": round(gen_s, 2),
        "naive_nameparser_per_row_s": round(naive_s, 1),
        "naive_extrapolated_from_rows": len(sample),
        "custdata_names_s": round(custdata_s, 2),
        "speedup": round(naive_s / custdata_s, 1) if custdata_s else None,
        "custdata_rows_per_s": round(args.rows / custdata_s) if custdata_s else None,
        "statuses": statuses,
        "cyrillic_sample_rows": len(cyr),
        "nameparser_surname_differs_share": round(differ / len(cyr), 3) if cyr else None,
        "machine": f"{platform.machine()}, 2 cores, shared with other jobs while measured",
        "versions": {p: version(p) for p in ("polars", "nameparser", "pytrovich")},
    }
    print(f"| approach | {args.rows:,} names ({distinct:,} distinct) | rows/s |")
    print("|---|---|---|")
    print(f"| nameparser per row (extrapolated from {len(sample):,}) | {naive_s:.1f} s | "
          f"{args.rows / naive_s:,.0f} |")
    print(f"| custdata `names()` (split + gender + key) | {custdata_s:.2f} s | "
          f"{args.rows / custdata_s:,.0f} |")
    if cyr:
        print(f"\nOn {len(cyr):,} Cyrillic names of the sample, per-row nameparser's surname "
              f"differs from custdata's in {differ / len(cyr):.0%} of rows.")
    out_dir = HERE / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "names.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
