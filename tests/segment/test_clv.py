"""Lifetime value: BG/NBD and Gamma-Gamma reproduce the published CDNOW estimates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from custdata.errors import InvalidOption
from custdata.segment import (
    BGNBDParams,
    clv,
    expected_order_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    historical_value,
    probability_alive,
    summary_data,
)

DATA = Path(__file__).parent / "data"  # see data/SOURCE.md


@pytest.fixture(scope="module")
def cdnow() -> pl.DataFrame:
    return pl.read_csv(DATA / "cdnow_customers_summary.csv")


def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow: pl.DataFrame) -> None:
    assert cdnow.height == 2357
    p = fit_bgnbd(cdnow)
    # Fader, Hardie & Lee (2005), table 1 / section 5: r 0.243, alpha 4.414, a 0.793, b 2.426
    assert p.r == pytest.approx(0.243, abs=0.001)
    assert p.alpha == pytest.approx(4.414, abs=0.005)
    assert p.a == pytest.approx(0.793, abs=0.002)
    assert p.b == pytest.approx(2.426, abs=0.005)
    assert p.log_likelihood == pytest.approx(-9582.4, abs=0.2)


def test_gamma_gamma_reproduces_published_estimates() -> None:
    data = pl.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv").rename(
        {"x": "frequency", "zbar": "monetary_value"}
    )
    g = fit_gamma_gamma(data)
    # Fader, Hardie & Lee (2005) "RFM and CLV": p 6.25, q 3.74, v 15.44 (946 repeat buyers)
    assert g.customers == 946
    assert g.p == pytest.approx(6.25, abs=0.01)
    assert g.q == pytest.approx(3.74, abs=0.01)
    assert g.v == pytest.approx(15.44, abs=0.02)


def test_predictions_behave(cdnow: pl.DataFrame) -> None:
    p = BGNBDParams(0.243, 4.414, 0.793, 2.426, 0.0, 1)
    x, t_x, big_t = (cdnow[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))
    alive = probability_alive(p, x, t_x, big_t)
    assert np.all((alive > 0) & (alive <= 1))
    assert np.all(alive[x == 0] == 1.0)
    e39 = expected_purchases(p, 39, x, t_x, big_t)
    e78 = expected_purchases(p, 78, x, t_x, big_t)
    assert np.all(e39 >= 0) and np.all(e78 >= e39)
    # a customer with no repeat purchase keeps the population rate: E = (a+b-1)/(a-1) * (...)
    assert expected_purchases(p, 39, np.array([0.0]), np.array([0.0]), np.array([38.86]))[0] > 0
    # a recent frequent buyer is more likely alive than one who stopped long ago
    recent, lapsed = probability_alive(p, np.array([5.0, 5.0]), np.array([38.0, 5.0]), np.array([39.0, 39.0]))
    assert recent > lapsed


def test_expected_order_value_shrinks_to_population_mean() -> None:
    from custdata.segment import GammaGammaParams

    g = GammaGammaParams(6.25, 3.74, 15.44, 0.0, 1)
    mean = g.p * g.v / (g.q - 1)
    few, many = expected_order_value(g, np.array([1.0, 50.0]), np.array([100.0, 100.0]))
    assert mean < few < many < 100.0


def _transactions() -> pl.DataFrame:
    return pl.DataFrame({
        "c": ["a", "a", "a", "a", "b", "c", "c"],
        "d": ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-31", "2024-01-21", "2024-01-05", "2024-01-20"],
        "s": [5, 5, 10, 20, 7, 30, -30],
    })


def test_summary_data_counts_days() -> None:
    out = summary_data(_transactions(), customer="c", date="d", amount="s", as_of="2024-02-10")
    rows = {r["c"]: r for r in out.iter_rows(named=True)}
    assert rows["a"] == {"c": "a", "frequency": 2, "recency": 30.0, "T": 40.0, "monetary_value": 15.0}
    assert rows["b"]["frequency"] == 0 and rows["b"]["monetary_value"] == 0.0
    assert rows["c"]["frequency"] == 0  # the return day is no purchase
    weeks = summary_data(_transactions(), customer="c", date="d", amount="s", as_of="2024-02-10", unit=7)
    assert weeks.filter(pl.col("c") == "a")["T"].item() == pytest.approx(40 / 7)
    # issue 11: purchases after the as-of date are outside the calibration period (they used to
    # make the summary inconsistent, or raise "before"): a customer with none before it has no row
    assert summary_data(_transactions(), customer="c", date="d", amount="s", as_of="2023-01-01").height == 0


def test_historical_value() -> None:
    out = historical_value(_transactions(), customer="c", date="d", amount="s", as_of="2024-01-31")
    rows = {r["c"]: r for r in out.iter_rows(named=True)}
    assert rows["a"]["orders"] == 4 and rows["a"]["total"] == 40.0
    assert rows["a"]["average_order_value"] == 10.0 and rows["a"]["tenure_days"] == 30
    assert rows["c"]["total"] == 0.0  # bought and returned


def test_clv_on_examples(examples_dir: Path) -> None:
    from custdata import io

    frame = io.read(examples_dir / "orders.csv")
    out = clv(frame, customer="customer_id", date="order_date", amount="amount",
              rates={"RUB": 1, "UAH": 2.3, "USD": 92}, horizon=6)
    assert out.height > 250
    assert out["clv"].min() >= 0 and out["probability_alive"].max() <= 1
    # more expected purchases -> at least as much CLV for the same order value is not guaranteed,
    # but the customers with the top CLV must be likely alive
    top = out.sort("clv", descending=True).head(10)
    assert top["probability_alive"].mean() > out["probability_alive"].mean()


def test_clv_bad_options() -> None:
    with pytest.raises(InvalidOption, match="horizon"):
        clv(_transactions(), customer="c", date="d", amount="s", horizon=0)
    with pytest.raises(InvalidOption, match="discount"):
        clv(_transactions(), customer="c", date="d", amount="s", discount_rate=2)
    no_repeat = pl.DataFrame({"c": ["a", "b"], "d": ["2024-01-01", "2024-01-02"], "s": [1, 2]})
    with pytest.raises(InvalidOption, match="repeat"):
        clv(no_repeat, customer="c", date="d", amount="s")


# --- issue 11: --as-of with later orders, zero amounts, lifetimes' penalizer


def _tx(seed: int = 3, customers: int = 80) -> pl.DataFrame:
    import random

    rnd = random.Random(seed)
    rows = [
        (f"c{c}", f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}", rnd.randint(5, 90))
        for c in range(customers)
        for _ in range(rnd.randint(1, 6))
    ]
    return pl.DataFrame(rows, schema=["c", "d", "s"], orient="row")


def test_as_of_with_orders_after_it_leaves_them_out():
    from custdata.segment import clv, rows_after

    tx = _tx()
    later = tx.filter(pl.col("d") > "2024-09-30")
    assert later.height > 0
    out = clv(tx, customer="c", date="d", amount="s", as_of="2024-09-30")  # failed before
    early = clv(tx.filter(pl.col("d") <= "2024-09-30"), customer="c", date="d", amount="s",
                as_of="2024-09-30")
    assert out.equals(early)
    assert rows_after(tx, date="d", as_of="2024-09-30") == later.height


def test_zero_amount_purchases_count_for_frequency_not_monetary_value():
    tx = pl.DataFrame({"c": ["a", "a", "a", "b", "b"],
                       "d": ["2024-01-01", "2024-01-11", "2024-01-21", "2024-01-01", "2024-01-05"],
                       "s": [10, 0, 30, 5, 0]})
    s = summary_data(tx, customer="c", date="d", amount="s").rows()
    assert s == [("a", 2, 20.0, 20.0, 30.0), ("b", 1, 4.0, 20.0, 0.0)]


def test_penalizer_is_on_the_mean_log_likelihood_as_in_lifetimes():
    s = summary_data(_tx(), customer="c", date="d", amount="s", as_of="2024-12-31")
    twice = pl.concat([s, s])  # the same customers twice: the same data, per customer
    one, two = fit_bgnbd(s, penalizer=0.1), fit_bgnbd(twice, penalizer=0.1)
    assert np.allclose([one.r, one.alpha, one.a, one.b], [two.r, two.alpha, two.a, two.b], rtol=2e-3)
    plain = fit_bgnbd(s, penalizer=0.0)
    assert abs(plain.a - one.a) > 1e-3  # the penalty does something
    g1, g2 = fit_gamma_gamma(s, penalizer=0.1), fit_gamma_gamma(twice, penalizer=0.1)
    assert np.allclose([g1.p, g1.q, g1.v], [g2.p, g2.q, g2.v], rtol=2e-3)
