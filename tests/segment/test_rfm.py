"""RFM scores and segments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.errors import InvalidOption
from custdata.segment import preset, quantile_score, rfm, rfm_grid, segment_summary
from custdata.segment.rfm_model import RFM_COLUMNS


def _tx() -> pl.DataFrame:
    return pl.DataFrame({
        "cust": ["a", "a", "a", "b", "c", "c", "d", "e"],
        "day": ["2024-06-01", "2024-05-01", "2024-04-01", "2024-01-01", "2024-06-10", "2024-06-12",
                "2024-03-01", None],
        "sum": ["100", "200", "-50", "30", "1000", "0", "70", "5"],
    })


def test_rfm_values_and_columns() -> None:
    out = rfm(_tx(), customer="cust", date="day", amount="sum", as_of="2024-06-30")
    assert out.columns == ["cust", *RFM_COLUMNS]
    rows = {r["cust"]: r for r in out.iter_rows(named=True)}
    assert rows["a"]["recency"] == 29 and rows["a"]["frequency"] == 2
    assert rows["a"]["monetary"] == 250.0  # 100 + 200 - 50 return
    assert rows["a"]["monetary_mean"] == 125.0 and rows["a"]["returns"] == 1
    assert rows["c"]["frequency"] == 1 and rows["c"]["last_order"] == dt.date(2024, 6, 10)  # zero amount is no order
    assert rows["e"]["frequency"] == 0 and rows["e"]["r_score"] is None  # only a dateless row
    assert rows["e"]["rfm_segment"] == "No purchases"
    assert rows["c"]["r_score"] == 4  # 3 of 4 scored customers are older: floor(5 * 3/4) + 1


def test_default_as_of_is_last_order() -> None:
    out = rfm(_tx(), customer="cust", date="day", amount="sum")
    assert out.filter(pl.col("cust") == "c")["recency"].item() == 0


def test_order_column_counts_distinct_orders() -> None:
    tx = pl.DataFrame({"c": ["a", "a", "a"], "o": ["1", "1", "2"], "d": ["2024-01-01"] * 3, "s": [1, 2, 3]})
    out = rfm(tx, customer="c", date="d", amount="s", order="o")
    assert out["frequency"].item() == 2 and out["monetary"].item() == 6.0


def test_quantile_score_ties_and_skew() -> None:
    # 60% bought once: all of them score 1, none is pushed into bin 2 at random
    df = pl.DataFrame({"f": [1] * 6 + [2, 2, 5, 9]})
    scores = df.select(quantile_score("f"))["f"].to_list()
    assert scores == [1] * 6 + [4, 4, 5, 5]
    assert df.select(quantile_score("f", bins=4))["f"].to_list() == [1] * 6 + [3, 3, 4, 4]
    with pytest.raises(InvalidOption):
        quantile_score("f", bins=1)


@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 400), st.integers(-50, 500)),
        min_size=1, max_size=60,
    ),
    st.sampled_from([3, 4, 5]),
)
@settings(max_examples=80, deadline=None)
def test_rfm_properties(rows: list[tuple[int, int, int]], bins: int) -> None:
    tx = pl.DataFrame(
        {
            "c": [f"c{c}" for c, _, _ in rows],
            "d": [dt.date(2024, 1, 1) + dt.timedelta(days=d) for _, d, _ in rows],
            "s": [float(s) for _, _, s in rows],
        }
    )
    out = rfm(tx, customer="c", date="d", amount="s", bins=bins)
    # every customer exactly one row
    assert sorted(out["c"].to_list()) == sorted(set(tx["c"].to_list()))
    scored = out.filter(pl.col("frequency") > 0)
    for col in ("r_score", "f_score", "m_score"):
        assert scored[col].null_count() == 0
        assert scored[col].is_between(1, bins).all()
    # equal values -> equal scores
    for value, score in (("recency", "r_score"), ("frequency", "f_score"), ("monetary", "m_score")):
        per_value = scored.group_by(value).agg(pl.col(score).n_unique().alias("n"))
        assert (per_value["n"] == 1).all()
    # better value -> score at least as high (monotone)
    ordered = scored.sort("frequency")
    assert ordered["f_score"].is_sorted()
    assert scored.sort("recency", descending=True)["r_score"].is_sorted()
    assert (out.filter(pl.col("frequency") == 0)["rfm_segment"] == "No purchases").all()


def test_lazy_in_lazy_out() -> None:
    lazy = rfm(_tx().lazy(), customer="cust", date="day", amount="sum", as_of="2024-06-30")
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect().equals(rfm(_tx(), customer="cust", date="day", amount="sum", as_of="2024-06-30"))


def test_segment_maps_and_language(tmp_path: Path) -> None:
    out = rfm(_tx(), customer="cust", date="day", amount="sum", segment_map="rfm", language="uk")
    assert set(out["rfm_segment"]) <= set(preset("rfm").labels()) | {"No purchases"}
    assert "rfm_segment_name" in out.columns
    path = tmp_path / "map.toml"
    path.write_text('default = "rest"\n[[segment]]\nname = "recent"\nr = [4, 5]\nru = "Недавние"\n',
                    encoding="utf-8")
    out = rfm(_tx(), customer="cust", date="day", amount="sum", segment_map=str(path), language="ru")
    assert set(out["rfm_segment"]) <= {"recent", "rest", "No purchases"}
    assert "Недавние" in out["rfm_segment_name"].to_list()


def test_bins_four_uses_whole_map() -> None:
    out = rfm(_tx(), customer="cust", date="day", amount="sum", bins=4)
    assert out["r_score"].drop_nulls().is_between(1, 4).all()
    assert out["rfm_segment"].null_count() == 0


def test_clusters_merge_people() -> None:
    tx = pl.DataFrame({"id": ["CRM-1", "SHOP-1", "CRM-2"], "d": ["2024-01-01", "2024-02-01", "2024-01-01"],
                       "s": [10, 20, 5]})
    clusters = pl.DataFrame({"id": ["CRM-1", "SHOP-1", "CRM-2"], "cluster_id": ["P1", "P1", "P2"]})
    out = rfm(tx, customer="id", date="d", amount="s", clusters=clusters)
    assert out.select("id", "frequency", "monetary").rows() == [("P1", 2, 30.0), ("P2", 1, 5.0)]


def test_grid_and_summary() -> None:
    out = rfm(_tx(), customer="cust", date="day", amount="sum")
    grid = rfm_grid(out)
    assert grid.height == 25 and grid["customers"].sum() == out["r_score"].drop_nulls().len()
    summary = segment_summary(out)
    assert summary["customers"].sum() == out.height
    assert summary["share"].sum() == pytest.approx(1.0, abs=1e-3)
    assert summary["revenue_share"].sum() == pytest.approx(1.0, abs=1e-3)


def test_examples_file_end_to_end(examples_dir: Path) -> None:
    from custdata import io

    frame = io.read(examples_dir / "orders.csv")
    out = rfm(frame, customer="customer_id", date="order_date", amount="amount",
              rates={"RUB": 1, "UAH": 2.3, "USD": 92})
    assert out.height == frame["customer_id"].n_unique()
    ids = set(out["customer_id"])
    assert any(i.startswith("CRM-") for i in ids) and any(i.startswith("SHOP-") for i in ids)


def test_rfm_with_report_is_rfm_plus_counts() -> None:
    from custdata.segment import prepare_transactions, rfm_with_report, transaction_report

    tx = _tx().with_columns(pl.lit("RUB").alias("currency"))
    table, report = rfm_with_report(tx, customer="cust", date="day", amount="sum", language="ru")
    plain = rfm(tx, customer="cust", date="day", amount="sum", language="ru")
    assert table.equals(plain)
    prepared = prepare_transactions(tx, customer="cust", date="day", amount="sum")
    assert report == transaction_report(prepared)
    assert report["currencies"] == {"RUB": 8} and report["zero_amount"] == 1


def test_orders_after_as_of_are_ignored() -> None:
    out = rfm(_tx(), customer="cust", date="day", amount="sum", as_of="2024-05-15")
    rows = {r["cust"]: r for r in out.iter_rows(named=True)}
    assert rows["a"]["frequency"] == 1 and rows["a"]["recency"] == 14  # June order not yet made
    assert rows["c"]["frequency"] == 0 and rows["c"]["rfm_segment"] == "No purchases"
    assert out["recency"].drop_nulls().min() >= 0


@given(st.lists(st.one_of(st.integers(0, 3), st.integers(0, 1000)), min_size=1, max_size=200),
       st.integers(2, 10))
@settings(max_examples=100, deadline=None)
def test_quantile_score_properties(values: list[int], bins: int) -> None:
    df = pl.DataFrame({"x": values}).with_columns(quantile_score("x", bins=bins).alias("s"))
    assert df["s"].is_between(1, bins).all()
    assert (df.group_by("x").agg(pl.col("s").n_unique())["s"] == 1).all()  # ties -> one score
    assert df.sort("x")["s"].is_sorted()  # monotone
    assert df.filter(pl.col("x") == min(values))["s"].unique().to_list() == [1]
