"""Blocking: union of rules, estimated and capped before any pair exists."""

import polars as pl

from custdata.dedupe.blocking import block_on, block_pairs, default_blocking_rules
from custdata.dedupe.diagnostics import DiagnosticKind


def test_union_and_dedup_across_rules():
    keys = pl.DataFrame({"_row": [0, 1, 2], "phone": ["1", "1", "1"], "email": ["a", "a", None]})
    result = block_pairs(keys, [block_on("phone"), block_on("email")])
    assert result.pairs.rows() == [(0, 1), (0, 2), (1, 2)]
    # each rule counts only the pairs no earlier rule found
    assert result.rule_pairs == {"phone": 3, "email": 0}


def test_explosion_guard_placeholder_phone():
    n = 50_000
    keys = pl.DataFrame({
        "_row": pl.int_range(n, dtype=pl.UInt32, eager=True),
        "phone": ["0"] * n,  # a placeholder that slipped through as a real key
        "email": [f"u{i}@x.ru" for i in range(n)],
    })
    result = block_pairs(keys, [block_on("phone"), block_on("email")], max_block_size=1000)
    assert result.pairs.height == 0
    skipped = [d for d in result.diagnostics if d.kind == DiagnosticKind.BLOCK_SKIPPED]
    assert skipped and skipped[0].largest_block == n
    assert skipped[0].pairs_avoided == n * (n - 1) // 2
    assert skipped[0].warning
    assert "0" not in skipped[0].message.split()  # no customer value in the message


def test_pair_budget_skips_largest_blocks():
    keys = pl.DataFrame({"_row": pl.int_range(300, dtype=pl.UInt32, eager=True), "k": ["a"] * 200 + ["b"] * 100})
    result = block_pairs(keys, [block_on("k")], max_pairs=10_000)
    assert result.pairs.height == 100 * 99 // 2
    assert any(d.kind == DiagnosticKind.PAIR_BUDGET for d in result.diagnostics)


def test_link_split_only_cross_pairs():
    keys = pl.DataFrame({"_row": [0, 1, 2, 3], "k": ["a", "a", "a", "a"]})
    pairs = block_pairs(keys, [block_on("k")], link_split=2).pairs
    assert pairs.rows() == [(0, 2), (0, 3), (1, 2), (1, 3)]


def test_swapped_names_block_together():
    keys = pl.DataFrame({"_row": [0, 1], "first_name_key": ["ivan", "petrov"], "surname_key": ["petrov", "ivan"]})
    pairs = block_pairs(keys, default_blocking_rules(keys.columns)).pairs
    assert pairs.rows() == [(0, 1)]
