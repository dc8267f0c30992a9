"""A named id unique per row names rows only; an id that repeats across rows stays evidence."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from custdata.dedupe import deduplicate, plan
from custdata.synth import generate_companies

NAMED = {"org_name": "company", "tax_id": "tax_id", "address": "address", "phone": "phone"}


@pytest.fixture(scope="module")
def companies() -> pl.DataFrame:
    df = generate_companies(60, seed=5)
    assert df["record_id"].n_unique() == df.height  # a row number: unique per row
    return df.drop("company_id", "site", "corruption")


def _groups(labels: list[str]) -> set[frozenset[int]]:
    by: dict[str, set[int]] = {}
    for i, c in enumerate(labels):
        by.setdefault(c, set()).add(i)
    return {frozenset(g) for g in by.values()}


def test_unique_row_id_is_not_compared_nor_blocked(companies: pl.DataFrame) -> None:
    data = companies.drop("true_id")
    p = plan(data, columns={**NAMED, "id": "record_id"})
    assert "id" not in p.comparisons
    assert not any(rule.startswith("id") for rule in p.blocking)
    use = next(c for c in p.columns if c.column == "record_id")
    assert use.kind == "id" and use.key == "" and "names rows" in use.note
    # the result is what the same run gives without the id: it added nothing, took nothing
    with_id = deduplicate(data, columns={**NAMED, "id": "record_id"})
    without = deduplicate(data, columns=NAMED)
    assert _groups(with_id.frame["cluster_id"].to_list()) == _groups(
        without.frame["cluster_id"].to_list()
    )
    assert with_id.prepared.row_ids == ["record_id"]


def test_an_id_shared_between_rows_stays_evidence(companies: pl.DataFrame) -> None:
    # a customer number both systems carry: it repeats across rows, so agreeing on it is evidence
    data = companies.with_columns(pl.format("C-{}", pl.col("true_id")).alias("customer_no")).drop(
        "true_id", "record_id"
    )
    p = plan(data, columns={**NAMED, "id": "customer_no"})
    assert "id" in p.comparisons and "id" in p.blocking
    assert next(c for c in p.columns if c.column == "customer_no").note == ""


def test_a_rule_naming_a_unique_id_keeps_it(companies: pl.DataFrame) -> None:
    data = companies.drop("true_id")
    p = plan(data, columns={**NAMED, "id": "record_id"}, rules=["record_id"])
    assert "id" in p.comparisons


def test_cli_says_the_row_id_only_names_rows(cli, tmp_path: Path, companies: pl.DataFrame) -> None:
    src = tmp_path / "companies.csv"
    companies.drop("true_id").write_csv(src, separator=";")
    args = [a for k, v in NAMED.items() for a in ("-k", f"{k}={v}")]
    result = cli("dedupe", src, *args, "-k", "id=record_id", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert (
        "column record_id: id (from named; unique per row: names rows, not compared)"
        in result.stderr
    )
    comparisons = next(line for line in result.stderr.splitlines() if "comparisons:" in line)
    assert "id" not in [name.strip() for name in comparisons.split(":", 1)[1].split(",")]
