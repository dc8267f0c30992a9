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


# --- issue 11: trailing zero months are kept, the long shape has one row per cohort and month


def test_trailing_zero_months_and_long_zero_rows() -> None:
    tx = pl.DataFrame({
        "c": ["dec", "dec", "jan", "jan"],
        "d": ["2023-12-10", "2024-02-05", "2024-01-03", "2024-03-30"],
        "s": [10, 20, 5, 7],
    })
    long = cohorts(tx, customer="c", date="d", amount="s")
    assert long.filter(pl.col("cohort") == "2023-12").select("period", "active", "revenue").rows() == [
        (0, 1, 10.0), (1, 0, 0.0), (2, 1, 20.0), (3, 0, 0.0),  # March: no order, still a row
    ]
    n_rows = {"2023-12": 4, "2024-01": 3}
    assert long.group_by("cohort").len().sort("cohort").rows() == sorted(n_rows.items())
    wide = retention_matrix(long)
    assert wide.columns == ["cohort", "customers", "m0", "m1", "m2", "m3"]  # m3 was lost
    assert wide.row(0) == ("2023-12", 1, 1.0, 0.0, 1.0, 0.0)
    assert wide.row(1) == ("2024-01", 1, 1.0, 0.0, 1.0, None)


def test_cli_long_shape_emits_zero_rows(inproc, tmp_path) -> None:
    src = tmp_path / "orders.csv"
    pl.DataFrame({"customer_id": ["a", "a"], "order_date": ["2024-01-05", "2024-03-01"],
                  "amount": [1, 2]}).write_csv(src)
    out = tmp_path / "long.csv"
    r = inproc("segment", "cohorts", src, "--shape", "long", "-o", out)
    assert r.exit_code == 0, r.stderr
    assert pl.read_csv(out)["active"].to_list() == [1, 0, 1]
