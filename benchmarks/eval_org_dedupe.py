"""In-process dedupe F1 on organization data: generated companies with branches + public sets.

    PYTHONPATH=src python benchmarks/eval_org_dedupe.py [N_COMPANIES]

``find_duplicates`` with defaults (columns detected) and with the columns named, on
``custdata.synth.generate_companies(N, seed=42)`` (a site is the entity: branches of one company
are different entities) and on ``fodors_zagats`` / ``stoxx50`` from ``_orgdata`` (bench extra).
Pairwise precision / recall / F1, and the blocking recall (share of true pairs that were
candidates at all; not timed). ``bench_orgs.py`` runs the same sets through the CLI beside
Splink and recordlinkage.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from custdata.dedupe import blocking_recall, find_duplicates  # noqa: E402
from custdata.synth import generate_companies  # noqa: E402


def pairs(labels: list) -> set[tuple[int, int]]:
    df = pl.DataFrame({"l": labels}).with_row_index("i")
    p = df.join(df, on="l").filter(pl.col("i") < pl.col("i_right")).select("i", "i_right")
    return set(map(tuple, p.rows()))


def f1(found: list, truth: list) -> tuple[float, float, float]:
    got, want = pairs(found), pairs(truth)
    tp = len(got & want)
    p, r = tp / max(1, len(got)), tp / max(1, len(want))
    return p, r, 2 * p * r / max(1e-9, p + r)


def run(name: str, frame: pl.DataFrame, truth: list, named: dict[str, str]) -> None:
    for label, cols in (("defaults", None), ("named", named)):
        start = time.perf_counter()
        out = find_duplicates(frame, columns=cols)
        p, r, f = f1(out["cluster_id"].to_list(), truth)
        took = time.perf_counter() - start
        blocked = blocking_recall(frame, pl.Series(truth), columns=cols)["blocking_recall"]
        print(f"| {name} | {frame.height:,} | {label} | {f:.3f} | {p:.3f} | {r:.3f} | {blocked:.3f} "
              f"| {took:.1f} |")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print("| data set | rows | columns | F1 | precision | recall | blocking recall | time s |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    df = generate_companies(n, seed=42)
    named = {
        "org_name": "company",
        "tax_id": "tax_id",
        "address": "address",
        "city": "city",
        "phone": "phone",
        "email": "email",
    }
    run(
        "companies",
        df.drop("true_id", "company_id", "site", "corruption"),
        df["true_id"].to_list(),
        named,
    )
    try:
        import _orgdata as od
    except ImportError:
        return
    for name in ("fodors_zagats", "stoxx50"):
        try:
            frame, truth = getattr(od, name)()
        except Exception:  # noqa: BLE001 - the bench extra is not installed
            continue
        t = truth.join(frame.select("record_id").with_row_index("pos"), on="record_id").sort("pos")
        run(name, frame, t["true_id"].to_list(), od.KINDS[name])


if __name__ == "__main__":
    main()
