"""Numbers and dates that make no sense are rows with a reason code, never NaN or inf in results."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata import segment as seg

BAD = {
    "inf": "bad_amount",
    "-inf": "bad_amount",
    "NaN": "bad_amount",
    "1e400": "bad_amount",
    "1e308": "implausible_amount",
    "-2e15": "implausible_amount",
}


def _tx(amounts: list[str], dates: list[str] | None = None) -> pl.DataFrame:
    n = len(amounts)
    return pl.DataFrame(
        {
            "customer": [f"c{i % 3}" for i in range(n)],
            "date": dates or ["2024-01-0" + str(1 + i % 9) for i in range(n)],
            "amount": amounts,
        }
    )


@pytest.mark.parametrize("amount, status", BAD.items())
def test_non_finite_and_huge_amounts_get_a_reason(amount, status):
    tx = _tx(["100", amount, "50"])
    prepared = seg.prepare_transactions(tx, customer="customer", date="date", amount="amount")
    assert prepared["row_status"].cast(pl.String).to_list() == ["order", status, "order"]
    out = seg.rfm(tx, customer="customer", date="date", amount="amount", as_of="2024-06-01")
    numeric = out.select(pl.selectors.float()).to_numpy().ravel()
    assert all(math.isfinite(v) for v in numeric if v is not None and v == v)
    assert not out.select(pl.selectors.float().is_nan().any()).row(0).count(True)


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_implausible_dates_get_a_reason(date):
    tx = _tx(["10", "20"], ["2024-01-01", date])
    prepared = seg.prepare_transactions(tx, customer="customer", date="date", amount="amount")
    assert prepared["row_status"].cast(pl.String).to_list() == ["order", "implausible_date"]
    out = seg.rfm(tx, customer="customer", date="date", amount="amount", as_of="2024-06-01")
    assert out["recency"].max() < 1000


def test_two_huge_amounts_do_not_sum_to_inf():
    out = seg.rfm(_tx(["1e308", "1e308", "5"]), customer="customer", date="date", amount="amount",
                  as_of="2024-06-01")
    monetary = [v for v in out["monetary"].to_list() if v is not None]
    assert all(math.isfinite(v) for v in monetary)


def test_exceptions_keep_every_left_out_row():
    tx = _tx(["100", "inf", "x", "1e308", "0"], ["2024-01-01", "2024-01-02", "2024-01-03",
                                                 "2024-01-04", "9999-12-31"])
    ex = seg.transaction_exceptions(tx, customer="customer", date="date", amount="amount")
    assert ex["row_status"].to_list() == ["bad_amount", "bad_amount", "implausible_amount",
                                          "implausible_date"]
    assert ex.drop("row_status").equals(tx[1:])


def test_cli_reports_counts_and_writes_exceptions(inproc, tmp_path):
    path = tmp_path / "tx.csv"
    _tx(["100", "inf", "NaN", "50"], ["2024-01-01", "2024-01-02", "2024-01-03", "0001-01-01"]) \
        .write_csv(path)
    res = inproc("segment", "rfm", path, "--as-of", "2024-06-01", "-o", tmp_path / "r.csv",
                 "--exceptions", tmp_path / "ex.csv")
    assert res.exit_code == 0, res.stderr
    assert "2 unreadable amounts" in res.stderr and "1 implausible dates" in res.stderr
    text = (tmp_path / "r.csv").read_text()
    assert "nan" not in text.lower() and "inf" not in text.lower()
    assert pl.read_csv(tmp_path / "ex.csv").height == 3


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=12))
def test_property_results_are_always_finite(amounts):
    tx = _tx([repr(a) for a in amounts])
    out = seg.rfm(tx, customer="customer", date="date", amount="amount", as_of="2024-06-01")
    assert out.height == tx["customer"].n_unique()
    for col, dtype in out.schema.items():
        if dtype.is_float():
            values = [v for v in out[col].to_list() if v is not None]
            assert all(math.isfinite(v) for v in values), col
