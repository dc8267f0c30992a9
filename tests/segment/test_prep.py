"""Transaction preparation: dates, amounts, statuses, currencies, clusters."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.errors import ColumnNotFound, InvalidOption
from custdata.segment import (
    describe_report,
    guess_column,
    map_clusters,
    parse_amount,
    parse_date,
    prepare_transactions,
    transaction_report,
)


def test_parse_date_mixed_formats() -> None:
    df = pl.DataFrame({"d": ["2024-03-01", "01.03.2024", "01/03/2024", "2024/03/01",
                             "2024-03-01T10:00:00", "2024-03-01 23:59", "1.3.24", "31.02.2024", "", None]})
    got = df.select(parse_date("d"))["d"].to_list()
    assert got[:7] == [dt.date(2024, 3, 1)] * 7
    assert got[7:] == [None, None, None]


def test_parse_date_month_first_and_native_types() -> None:
    df = pl.DataFrame({"d": ["03/01/2024"]})
    assert df.select(parse_date("d", dayfirst=False)).item() == dt.date(2024, 3, 1)
    assert df.select(parse_date("d")).item() == dt.date(2024, 1, 3)
    native = pl.DataFrame({"d": [dt.datetime(2024, 5, 6, 7, 8)]})
    assert native.select(parse_date("d")).item() == dt.date(2024, 5, 6)


def test_parse_date_lazy_matches_eager() -> None:
    df = pl.DataFrame({"d": ["2024-01-02", "05.06.2023", None] * 5})
    eager = df.select(parse_date("d"))
    lazy = df.lazy().select(parse_date("d")).collect()
    assert eager.equals(lazy)


@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=30))
@settings(max_examples=60, deadline=None)
def test_parse_date_and_amount_never_crash(values: list[str | None]) -> None:
    df = pl.DataFrame({"v": values}, schema={"v": pl.String})
    out = df.select(parse_date("v").alias("d"), parse_amount("v").alias("a"))
    assert out.height == len(values)


def test_parse_amount_formats() -> None:
    df = pl.DataFrame({"a": ["1\u00a0234,50", "-99.9", "1,234.50", "₽ 12", "12 руб.", "x", None, "0"]})
    assert df.select(parse_amount("a"))["a"].to_list() == [1234.5, -99.9, 1234.5, 12.0, 12.0, None, None, 0.0]


def test_statuses_cover_every_row() -> None:
    tx = pl.DataFrame({
        "c": ["a", "a", "a", "a", "a", None, "b"],
        "d": ["2024-01-01", "2024-01-02", "2024-01-03", None, "someday", "2024-01-01", "2024-01-01"],
        "s": ["10", "-5", "0", "7", "8", "9", "abc"],
    })
    out = prepare_transactions(tx, customer="c", date="d", amount="s")
    assert out.height == tx.height
    assert out["row_status"].to_list() == [
        "order", "return", "zero_amount", "missing_date", "bad_date", "missing_customer", "bad_amount"
    ]
    rep = transaction_report(out)
    assert rep["rows"] == 7 and rep["order"] == 1 and rep["bad_amount"] == 1
    line = describe_report(rep)
    assert "1 returns" in line and "1 zero amounts" in line and "1 unreadable dates" in line


def test_several_currencies_need_rates() -> None:
    tx = pl.DataFrame({"c": ["a", "b"], "d": ["2024-01-01"] * 2, "s": [100, 2], "currency": ["RUB", "USD"]})
    with pytest.raises(InvalidOption, match="2 currencies"):
        prepare_transactions(tx, customer="c", date="d", amount="s")
    out = prepare_transactions(tx, customer="c", date="d", amount="s", rates={"RUB": 1, "USD": 90})
    assert out["amount"].to_list() == [100.0, 180.0]
    # a currency without a rate is left out and counted, never added as is
    out = prepare_transactions(tx, customer="c", date="d", amount="s", rates={"RUB": 1})
    assert out["row_status"].to_list() == ["order", "no_rate"]
    # explicitly no currency column: the caller takes responsibility
    out = prepare_transactions(tx, customer="c", date="d", amount="s", currency=None)
    assert out["row_status"].to_list() == ["order", "order"]


def test_single_currency_needs_no_rate() -> None:
    tx = pl.DataFrame({"c": ["a"], "d": ["2024-01-01"], "s": [5], "Валюта": ["uah"]})
    out = prepare_transactions(tx, customer="c", date="d", amount="s")
    assert out["currency"].to_list() == ["UAH"]


def test_bad_rate_and_missing_column() -> None:
    tx = pl.DataFrame({"c": ["a"], "d": ["2024-01-01"], "s": [5], "currency": ["RUB"]})
    with pytest.raises(InvalidOption, match="positive"):
        prepare_transactions(tx, customer="c", date="d", amount="s", rates={"RUB": 0})
    with pytest.raises(ColumnNotFound, match="'sum' not found"):
        prepare_transactions(tx, customer="c", date="d", amount="sum")


def test_map_clusters_counts_a_person_once() -> None:
    tx = pl.DataFrame({"cust": ["CRM-1", "SHOP-7", "X", None], "s": [1, 2, 3, 4]})
    clusters = pl.DataFrame({"record_id": ["CRM-1", "SHOP-7", "OTHER"], "name": ["a", "b", "c"],
                             "cluster_id": [5, 5, 6]})
    out = map_clusters(tx, clusters, customer="cust")  # the id column is found by overlap
    assert out["cust"].to_list() == ["5", "5", "X", None]
    lazy = map_clusters(tx.lazy(), clusters, customer="cust", on="record_id").collect()
    assert lazy.equals(out)
    with pytest.raises(InvalidOption, match="cluster_id"):
        map_clusters(tx, clusters.drop("cluster_id"), customer="cust")


def test_guess_column() -> None:
    assert guess_column(["Код клиента", "Дата", "Сумма"], "customer") == "Код клиента"
    assert guess_column(["x"], "date", "given") == "given"
    with pytest.raises(InvalidOption, match="--date"):
        guess_column(["x", "y"], "date")
