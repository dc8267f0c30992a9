"""custdata.spark.deduplicate: the local dedupe stages on Spark give the local result.

One generated customer table with families (so the anti-chaining clustering splits
households), a placeholder phone shared by many rows (a block over ``max_block_size``) and a
pair budget below the candidate pairs (the largest blocks cut): the same pairs,
probabilities, diagnostics, partition, ``cluster_id`` and golden records as local dedupe.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from custdata.dedupe import golden_records, stages
from custdata.dedupe.core import _config_of
from custdata.dedupe.diagnostics import PairBudget
from custdata.graph import component_min_labels
from custdata.synth import generate_customers

# one worker runs every Spark test under pytest-xdist (one JVM, one session)
pytestmark = pytest.mark.xdist_group("spark")

ROW = "record_id"
MAX_BLOCK = 25


@pytest.fixture(scope="module")
def customers() -> pl.DataFrame:
    """7,190 rows of 5,000 people in households (the issue's 5k customers; 1,000 people take
    only ~5 s less on Spark, whose time here is mostly fixed per job). 30 rows share one
    placeholder phone (a block over ``max_block_size``), 20 rows another (the largest block,
    cut by the budget)."""
    df = generate_customers(5000, families=True, seed=3).drop("true_id", "household_id")
    row = pl.col(ROW)
    return df.with_columns(
        pl.when((row % 47 == 0) & (row < 47 * 30))
        .then(pl.lit("+7 900 000-00-01"))
        .when((row % 53 == 1) & (row < 53 * 20))
        .then(pl.lit("+7 900 000-00-02"))
        .otherwise(pl.col("phone"))
        .alias("phone")
    )


@pytest.fixture(scope="module")
def options(customers: pl.DataFrame) -> dict:
    """A pair budget under the candidate pairs: the largest block is cut."""
    cfg = _config_of(None, max_block_size=MAX_BLOCK, max_pairs=1)
    blocked = stages.block(stages.prepare_records(customers.drop(ROW), cfg), cfg)
    total = next(d.total for d in blocked.diagnostics if isinstance(d, PairBudget))
    return {"max_block_size": MAX_BLOCK, "max_pairs": total - 100}


def _local(frame: pl.DataFrame, options: dict):
    cfg = _config_of(None, **options)
    prepared = stages.prepare_records(frame, cfg)
    blocked = stages.block(prepared, cfg)
    cset = stages.comparison_set(prepared, cfg)
    scored = stages.score(prepared, stages.compare(prepared, blocked.pairs, cset), cfg, cset=cset)
    clusters = stages.cluster_records(prepared, scored, cfg)
    result = stages.assign(frame, prepared, scored, clusters, cfg)
    diagnostics = [*blocked.diagnostics, *blocked.rules, *result.diagnostics]
    return scored.frame, clusters.labels, result.frame, diagnostics


def _collect(sdf) -> pl.DataFrame:
    out = pl.from_arrow(sdf.toArrow())
    assert isinstance(out, pl.DataFrame)
    return out


def test_deduplicate_matches_local(spark, customers: pl.DataFrame, options: dict) -> None:
    from custdata import spark as cs

    local_frame = customers.drop(ROW)  # the rows in record_id order, without it
    l_scored, l_labels, l_out, l_diag = _local(local_frame, options)
    kinds = [d.kind.value for d in l_diag]
    assert "block_skipped" in kinds and "pair_budget" in kinds and "split_clusters" in kinds

    sdf = spark.createDataFrame(customers.to_arrow(compat_level=pl.CompatLevel.oldest()))
    result = cs.deduplicate(sdf.repartition(4), row_id=ROW, **options)

    scored = _collect(result.scored).sort("row_l", "row_r")
    l_scored = l_scored.sort("row_l", "row_r")
    ids = ["row_l", "row_r"]
    assert scored.select(ids).cast(pl.Int64).equals(l_scored.select(ids).cast(pl.Int64))
    levels = [c for c in l_scored.columns if c not in (*ids, "match_weight", "match_probability")]
    assert scored.select(levels).equals(l_scored.select(levels).cast(scored.select(levels).schema))
    diff = np.abs(scored["match_probability"].to_numpy() - l_scored["match_probability"].to_numpy())
    assert diff.max() < 1e-9
    model = [d for d in result.diagnostics if d.kind.value == "model"][0]
    l_model = [d for d in l_diag if d.kind.value == "model"][0]
    assert model.parameters["m"] == l_model.parameters["m"]
    assert model.parameters["u"] == l_model.parameters["u"]
    assert abs(model.parameters["prior"] - l_model.parameters["prior"]) < 1e-15
    assert [d for d in result.diagnostics if d.kind.value != "model"] == [
        d for d in l_diag if d.kind.value != "model"
    ]

    records = _collect(result.records).sort("_id")
    assert records["label"].to_numpy().tolist() == l_labels.tolist()  # the same partition
    out = _collect(result.frame).sort(ROW)
    assert out.drop(ROW).equals(l_out)  # cluster_id, match_score, match_reason per row

    golden = _collect(cs.golden_records(result.frame, row_id=ROW)).sort("cluster_id")
    expected = golden_records(l_out).sort("cluster_id")
    assert golden.equals(expected.select(golden.columns))
    assert golden.columns == expected.columns


def test_connected_components_match_numpy(spark) -> None:
    from custdata.spark.components import connected_components

    rng = np.random.default_rng(7)
    n = 400
    a = rng.integers(0, n, 150)
    b = rng.integers(0, n, 150)
    # a chain with ids in random order: several hooking rounds and pointer jumps
    chain = rng.permutation(np.arange(n, n + 12))
    a = np.concatenate([a, chain[:-1], [5, 5]])
    b = np.concatenate([b, chain[1:], [5, 9]])  # a self-loop and a repeated edge too
    edges = spark.createDataFrame(pl.DataFrame({"row_l": a, "row_r": b}).to_arrow())
    got = _collect(connected_components(edges.repartition(4))).sort("node")
    expected = component_min_labels(n + 12, a, b)
    nodes = got["node"].to_numpy()
    assert got["label"].to_numpy().tolist() == expected[nodes].tolist()
    in_edges = np.unique(np.concatenate([a[a != b], b[a != b]]))
    assert nodes.tolist() == in_edges.tolist()


def test_dedupe_engine_spark_cli(spark, inproc, tmp_path) -> None:
    df = generate_customers(150, families=True, seed=5).drop("true_id", "household_id")
    src = tmp_path / "customers.parquet"
    df.write_parquet(src)
    # named columns, record_id among them: an id unique per row names rows, it is no evidence
    kinds = [
        f"--kind={k}" for k in ("full_name=full_name", "phone=phone", "email=email", "id=record_id")
    ]
    local = inproc(
        "dedupe", src, *kinds, "-o", tmp_path / "local.parquet", "--golden", tmp_path / "g.parquet"
    )
    assert local.exit_code == 0, local.stderr
    out, gold = tmp_path / "out", tmp_path / "golden"
    result = inproc("dedupe", src, *kinds, "-o", out, "--golden", gold, "--engine", "spark")
    assert result.exit_code == 0, result.stderr
    assert "on Spark" in result.stderr
    got = pl.read_parquet(out / "*.parquet")
    assert got.equals(pl.read_parquet(tmp_path / "local.parquet"))  # same rows, same order
    g = pl.read_parquet(gold / "*.parquet").sort("cluster_id")
    assert g.equals(pl.read_parquet(tmp_path / "g.parquet").sort("cluster_id"))
    again = inproc("dedupe", src, "-o", out, "--engine", "spark")
    assert again.exit_code == 2 and "exists" in again.stderr
    unsupported = inproc("dedupe", src, "-o", tmp_path / "x", "--engine", "spark", "--households")
    assert unsupported.exit_code == 2 and "--households" in unsupported.stderr
