"""Generate the nightly-run samples from the bundled ones (run: python examples/make_nightly.py).

* ``nightly_master.csv``: part of the README job's result (``custdata dedupe crm_export.csv
  shop_customers.xlsx``), 20 people, in which one customer's records were left under two ids (as
  an older, stricter run might have left them);
* ``nightly_tonight.csv``: tonight's rows: that customer's third record, which matches both of
  its ids, and two people the master does not know;
* ``nightly_reviewed.csv``: the merge proposals of tonight's run with the ``decision`` column
  filled in by a reviewer (accept).

Deterministic: the same bundled samples give the same files.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from custdata import io as cio
from custdata.dedupe import find_duplicates, master_match
from custdata.dedupe.records import stable_id
from custdata.schema import unify_sources

HERE = Path(__file__).resolve().parent
OWN = ["cluster_id", "match_score", "match_reason"]


def main() -> None:
    sources = {
        "crm_export.csv": cio.read(HERE / "crm_export.csv"),
        "shop_customers.xlsx": cio.read(HERE / "shop_customers.xlsx"),
    }
    people = find_duplicates(unify_sources(sources)).with_row_index("_i")
    sizes = people.group_by("cluster_id").len()
    # the split customer: the first (by id) with three records; 19 others with two records
    split = sizes.filter(pl.col("len") == 3)["cluster_id"].sort()[0]
    others = sizes.filter(pl.col("len") == 2)["cluster_id"].sort()
    rows = people.filter(pl.col("cluster_id") == split).sort("_i")
    tonight_row = rows[2:]
    old_ids = rows[:2].with_columns(
        pl.Series("cluster_id", [split, stable_id(str(rows.row(1)))], dtype=pl.String)
    )
    master = (
        pl.concat([people.filter(pl.col("cluster_id").is_in(others[:19].implode())), old_ids])
        .sort("_i")
        .drop("_i", "match_score", "match_reason")
    )
    singles = sizes.filter(pl.col("len") == 1)["cluster_id"].sort()[:2]
    newcomers = people.filter(pl.col("cluster_id").is_in(singles.implode()))
    tonight = pl.concat([tonight_row, newcomers]).sort("_i").drop("_i", *OWN)
    master.write_csv(HERE / "nightly_master.csv")
    tonight.write_csv(HERE / "nightly_tonight.csv")
    found = master_match(tonight, master)
    reviewed = found.proposals.with_columns(pl.lit("accept").alias("decision"))
    reviewed.write_csv(HERE / "nightly_reviewed.csv")
    print(f"master {master.height} rows, tonight {tonight.height}, proposals {reviewed.height}")


if __name__ == "__main__":
    main()
