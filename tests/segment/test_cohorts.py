"""Acquisition-month cohorts."""

from __future__ import annotations

import polars as pl
import pytest

from custdata.segment import cohorts, retention_matrix


def _tx() -> pl.DataFrame:
    return pl.DataFrame({
        "c": ["a", "a", "a", "b", "b", "c", "d"],
        "d": ["2024-01-05", "2024-02-10", "2024-04-01", "2024-01-20", "2024-03-03", "2024-02-01", None],
        "s": [10, 20, 30, 5, -5, 7, 100],
    })


def test_long_table() -> None:
    out = cohorts(_tx(), customer="c", date="d", amount="s")
    rows = {(r["cohort"], r["period"]): r for r in out.iter_rows(named=True)}
    assert rows[("2024-01", 0)]["customers"] == 2 and rows[("2024-01", 0)]["retention"] == 1.0
    assert rows[("2024-01", 1)]["active"] == 1 and rows[("2024-01", 1)]["retention"] == 0.5
    # b's March row is a return: revenue, but b is not active
    assert rows[("2024-01", 2)]["active"] == 0 and rows[("2024-01", 2)]["revenue"] == -5.0
    assert rows[("2024-01", 3)]["cumulative_revenue"] == 60.0
    assert rows[("2024-02", 0)]["customers"] == 1
    assert out["retention"].is_between(0, 1).all()


def test_wide_matrix_fills_gaps_and_future() -> None:
    wide = retention_matrix(cohorts(_tx(), customer="c", date="d", amount="s"))
    assert wide.columns == ["cohort", "customers", "m0", "m1", "m2", "m3"]
    jan = wide.row(0, named=True)
    assert jan["m2"] == 0.0 and jan["m3"] == 0.5
    feb = wide.row(1, named=True)
    assert feb["m0"] == 1.0 and feb["m2"] == 0.0  # April: no order, but inside the data
    assert feb["m3"] is None  # May: after the data ends


def test_lazy_and_revenue_matrix() -> None:
    lazy = cohorts(_tx().lazy(), customer="c", date="d", amount="s")
    assert isinstance(lazy, pl.LazyFrame)
    wide = retention_matrix(lazy.collect(), value="revenue")
    assert wide.row(0, named=True)["m0"] == pytest.approx(15.0)
