
"""The driver-side arithmetic of Spark dedupe against the local stages (no Spark needed)."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.dedupe.blocking import block_on, block_pairs
from custdata.dedupe.diagnostics import PairBudget
from custdata.dedupe.model import FellegiSunter
from custdata.dedupe.records import record_hashes
from custdata.spark._dedupe_blocks import _budget_cut
from custdata.spark._dedupe_steps import signed_hashes, unsigned_hashes


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(2, 9), min_size=1, max_size=12),
    cut=st.integers(1, 60),
)
def test_budget_cut_is_the_local_pair_budget(sizes: list[int], cut: int) -> None:
    # one rule, blocks of the given sizes: the local guard cuts the same blocks
    keys = pl.DataFrame(
        {
            "_row": np.arange(sum(sizes), dtype=np.uint32),
            "k": [f"b{i:02d}" for i, n in enumerate(sizes) for _ in range(n)],
        }
    )
    total = sum(n * (n - 1) // 2 for n in sizes)
    budget = max(total - cut, 0)
    local = block_pairs(keys, [block_on("k")], max_pairs=budget)
    hist = pl.DataFrame({"n": sizes}).group_by("n").agg(pl.len().alias("blocks"))
    if total <= budget:
        assert not [d for d in local.diagnostics if isinstance(d, PairBudget)]
        return
    chosen, rest = _budget_cut(hist, total, budget)
    diag = next(d for d in local.diagnostics if isinstance(d, PairBudget))
    assert diag.blocks == sum(c for _, c in chosen)
    assert diag.pairs_avoided == total - rest
    assert diag.largest_block == chosen[0][0]
    assert local.pairs.height == rest


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=8), min_size=1, max_size=30))
def test_signed_hashes_sort_as_the_hashes(contents: list[str]) -> None:
    series = pl.Series(contents, dtype=pl.String)
    unsigned, signed = record_hashes(series), signed_hashes(series)
    assert np.array_equal(np.argsort(unsigned, kind="stable"), np.argsort(signed, kind="stable"))
    assert np.array_equal(unsigned_hashes(signed), unsigned)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 2), st.integers(-1, 1)), min_size=1, max_size=60))
def test_fit_counts_is_fit(rows: list[tuple[int, int]]) -> None:
    levels = pl.DataFrame(rows, schema={"a": pl.Int8, "b": pl.Int8}, orient="row")
    u = {"a": [0.98, 0.01, 0.01], "b": [0.99, 0.01]}
    k = {"a": 3, "b": 2}
    patterns = levels.group_by("a", "b").agg(pl.len().alias("_count").cast(pl.Int64))
    one, other = (
        FellegiSunter.fit(levels, u=u, n_levels=k),
        FellegiSunter.fit_counts(
            patterns.sample(fraction=1.0, shuffle=True, seed=1), u=u, n_levels=k
        ),
    )
    assert one.lam == other.lam and one.iterations == other.iterations
    assert all(np.array_equal(one.m[n], other.m[n]) for n in k)
    bf = one.bayes_factors(levels)
    distinct, counts = np.unique(bf, return_counts=True)
    a, b = FellegiSunter.fit(levels, u=u, n_levels=k), FellegiSunter.fit(levels, u=u, n_levels=k)
    assert abs(a.set_prior(bf, 10_000) - b.set_prior(distinct, 10_000, counts=counts)) < 1e-12
