"""Customer lifetime value: historical value, BG/NBD and Gamma-Gamma models, CLV over a horizon.

The models are the standard ones of Fader, Hardie & Lee: BG/NBD ("Counting your customers the
easy way", Marketing Science 2005) for the number of future purchases and the probability a
customer is still "alive", and Gamma-Gamma ("RFM and CLV: using iso-value curves", 2005) for
the value of an order. Both log-likelihoods are closed form, so they are fitted here with
``scipy.optimize`` instead of pulling in ``lifetimes`` (unmaintained, breaks on numpy 2/pandas 3)
or PyMC-Marketing (hundreds of MB of dependencies for a four-parameter maximum likelihood fit).
The fits reproduce the published CDNOW estimates (see ``tests/segment/test_clv.py``).

Time is measured in ``unit`` days (7 = weeks, as in the papers) from each customer's first
purchase: ``frequency`` = repeat purchase days, ``recency`` = age at the last purchase,
``T`` = age at the analysis date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from custdata.errors import InvalidOption, require_package
from custdata.frames import check_columns
from custdata.segment._prep import AMOUNT, CUSTOMER, DATE, STATUS, as_of_date, prepare_transactions


@dataclass(frozen=True)
class BGNBDParams:
    """Fitted BG/NBD parameters (purchase rate ~ Gamma(r, alpha), dropout ~ Beta(a, b))."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma parameters of the order value model."""

    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int


def summary_data(
    frame: pl.DataFrame,
    *,
    customer: str,
    date: str,
    amount: str | None = None,
    as_of: str | dt.date | None = None,
    unit: float = 1.0,
    currency: str | None = "auto",
    rates: dict[str, float] | None = None,
) -> pl.DataFrame:
    """Per customer ``frequency``, ``recency``, ``T`` (in ``unit`` days) and ``monetary_value``
    (mean net spend per repeat purchase day; 0 without repeats), from raw transactions.

    Purchases on one day count as one purchase; returns lower that day's value. Zero-amount
    purchases are purchases (they count for ``frequency``) but not spend: ``monetary_value`` is
    the mean over repeat purchase days with a positive value, as lifetimes feeds Gamma-Gamma.
    Rows dated after ``as_of`` are outside the calibration period and left out (see
    :func:`rows_after`); customers whose first purchase is after it get no row.

    >>> tx = pl.DataFrame({"c": ["a", "a", "a", "b"],
    ...     "d": ["2024-01-01", "2024-01-11", "2024-01-31", "2024-01-21"], "s": [5, 10, 20, 7]})
    >>> summary_data(tx, customer="c", date="d", amount="s").rows()
    [('a', 2, 30.0, 30.0, 15.0), ('b', 0, 0.0, 10.0, 0.0)]
    """
    if unit <= 0:
        raise InvalidOption("unit must be a positive number of days (7 for weeks)")
    prepared = prepare_transactions(
        frame, customer=customer, date=date, amount=amount, currency=currency, rates=rates
    )
    as_of_d = as_of_date(as_of)
    rows = prepared.filter(pl.col(STATUS).is_in(["order", "return", "zero_amount"]))
    if as_of_d is not None:
        rows = rows.filter(pl.col(DATE) <= pl.lit(as_of_d, dtype=pl.Date))
    days = (
        rows.group_by(CUSTOMER, DATE)
        .agg(
            pl.col(STATUS).is_in(["order", "zero_amount"]).any().alias("bought"),
            pl.col(AMOUNT).sum().alias("value"),
        )
        .filter("bought")
        .sort(CUSTOMER, DATE)
    )
    end = pl.lit(as_of_d, dtype=pl.Date) if as_of_d else pl.col(DATE).max()
    out = (
        days.with_columns(end.alias("__end"))
        .group_by(CUSTOMER)
        .agg(
            (pl.len() - 1).cast(pl.Int64).alias("frequency"),
            ((pl.col(DATE).max() - pl.col(DATE).min()).dt.total_days() / unit).alias("recency"),
            ((pl.col("__end").first() - pl.col(DATE).min()).dt.total_days() / unit).alias("T"),
            pl.col("value")
            .slice(1)
            .filter(pl.col("value").slice(1) > 0)
            .mean()
            .fill_null(0.0)
            .alias("monetary_value"),
        )
        .with_columns(pl.col("recency").cast(pl.Float64), pl.col("T").cast(pl.Float64))
        .sort(CUSTOMER)
        .rename({CUSTOMER: customer})
    )
    if (out["T"] < 0).any():
        raise InvalidOption("as-of date is before some customers' first purchase; use a later date")
    return out


def rows_after(frame: pl.DataFrame, *, date: str, as_of: str | dt.date | None) -> int:
    """How many rows are dated after ``as_of`` (left out of the calibration period).

    >>> rows_after(pl.DataFrame({"d": ["2024-01-01", "2024-03-01", None]}), date="d",
    ...            as_of="2024-02-01")
    1
    """
    as_of_d = as_of_date(as_of)
    if as_of_d is None:
        return 0
    from custdata.normalize.date import parse_date

    dates = frame.select(
        parse_date(pl.col(date)) if frame.schema[date] == pl.String else pl.col(date)
    )
    return int((dates.to_series().cast(pl.Date) > as_of_d).sum())


def _need_scipy() -> None:
    require_package("scipy", feature="lifetime value (BG/NBD and Gamma-Gamma fits)", extra="clv")


def _arrays(summary: pl.DataFrame, cols: tuple[str, ...]) -> list[np.ndarray]:
    check_columns(summary, list(cols))
    return [summary.get_column(c).cast(pl.Float64).to_numpy() for c in cols]


def _bgnbd_ll(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    _need_scipy()
    from scipy import special

    r, alpha, a, b = params
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x)
    return a1 + a2 + np.where(x > 0, np.logaddexp(a3, a4), a3)


def _fit(neg_ll, start: np.ndarray) -> tuple[np.ndarray, float]:
    _need_scipy()
    from scipy import optimize

    res = optimize.minimize(
        lambda p: neg_ll(np.exp(p)),
        np.log(start),
        method="Nelder-Mead",
        options={"maxiter": 20000, "maxfev": 20000, "xatol": 1e-8, "fatol": 1e-10},
    )
    res = optimize.minimize(lambda p: neg_ll(np.exp(p)), res.x, method="BFGS")
    if not np.isfinite(res.fun):
        raise InvalidOption("the model could not be fitted to this data (too few repeat buyers?)")
    return np.exp(res.x), float(-res.fun)


def fit_bgnbd(
    summary: pl.DataFrame,
    *,
    frequency: str = "frequency",
    recency: str = "recency",
    T: str = "T",
    penalizer: float = 0.0,
) -> BGNBDParams:
    """Maximum likelihood BG/NBD parameters from a :func:`summary_data` frame.

    ``penalizer`` adds ``penalizer * sum(params**2)`` to the *mean* negative log-likelihood per
    customer, as ``lifetimes`` defines it (so a penalizer means the same on 1,000 or 100,000
    customers); recency and T are in days, as lifetimes' default daily summaries.

    >>> s = pl.DataFrame({"frequency": [0, 1, 2, 0, 5, 3, 0, 1], "recency": [0.0, 5, 20, 0, 30, 25, 0, 3],
    ...                   "T": [40.0, 30, 35, 10, 38, 39, 20, 25]})
    >>> p = fit_bgnbd(s, penalizer=0.01)
    >>> p.customers, p.r > 0
    (8, True)
    """
    x, t_x, big_t = _arrays(summary, (frequency, recency, T))
    if len(x) == 0 or not (x > 0).any():
        raise InvalidOption("BG/NBD needs customers with repeat purchases; none found")
    if ((t_x > big_t + 1e-9) | (x < 0) | ((x > 0) & (t_x <= 0))).any():
        raise InvalidOption(
            "summary data is inconsistent: need 0 <= recency <= T, recency > 0 when frequency > 0"
        )
    scale = float(max(big_t.max(), 1.0))

    def neg_ll(p: np.ndarray) -> float:
        pr = np.array([p[0], p[1] * scale, p[2], p[3]])
        value = -float(_bgnbd_ll(pr, x, t_x, big_t).mean())
        return value + penalizer * float((pr**2).sum()) if np.isfinite(value) else 1e300

    est, ll = _fit(neg_ll, np.array([1.0, 0.1, 1.0, 1.0]))
    r, alpha, a, b = est[0], est[1] * scale, est[2], est[3]
    ll = float(_bgnbd_ll(np.array([r, alpha, a, b]), x, t_x, big_t).sum())
    return BGNBDParams(float(r), float(alpha), float(a), float(b), ll, len(x))


def _gg_ll(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    _need_scipy()
    from scipy import special

    p, q, v = params
    return (
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + (p * x) * np.log(x)
        - (p * x + q) * np.log(x * m + v)
    )


def fit_gamma_gamma(
    summary: pl.DataFrame,
    *,
    frequency: str = "frequency",
    monetary_value: str = "monetary_value",
    penalizer: float = 0.0,
) -> GammaGammaParams:
    """Maximum likelihood Gamma-Gamma parameters over customers with repeat purchases and a
    positive ``monetary_value`` (the mean value of their repeat purchases). ``penalizer`` as in
    :func:`fit_bgnbd` (lifetimes' definition: on the mean log-likelihood).

    >>> s = pl.DataFrame({"frequency": [1, 2, 3, 1, 4, 2], "monetary_value": [10.0, 20, 15, 12, 30, 25]})
    >>> fit_gamma_gamma(s, penalizer=0.01).customers
    6
    """
    x, m = _arrays(summary, (frequency, monetary_value))
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if len(x) < 2:
        raise InvalidOption("Gamma-Gamma needs customers with repeat purchases and positive spend")
    scale = float(np.mean(m))

    def neg_ll(prm: np.ndarray) -> float:
        pr = np.array([prm[0], prm[1], prm[2] * scale])
        value = -float(_gg_ll(pr, x, m).mean())
        return value + penalizer * float((pr**2).sum()) if np.isfinite(value) else 1e300

    est, _ = _fit(neg_ll, np.array([1.0, 1.0, 1.0]))
    p, q, v = est[0], est[1], est[2] * scale
    ll = float(_gg_ll(np.array([p, q, v]), x, m).sum())
    return GammaGammaParams(float(p), float(q), float(v), ll, len(x))


def expected_purchases(
    params: BGNBDParams, t: float, frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """BG/NBD expected number of purchases in the next ``t`` time units, per customer.

    >>> p = BGNBDParams(0.243, 4.414, 0.793, 2.426, 0.0, 1)
    >>> round(float(expected_purchases(p, 39, np.array([2.0]), np.array([30.43]), np.array([38.86]))[0]), 3)
    1.226
    """
    _need_scipy()
    from scipy import special

    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    big_t = np.asarray(T, dtype=float)
    if t <= 0:
        return np.zeros_like(x)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
    first = (a + b + x - 1) / (a - 1)
    second = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp
    return first * second / _alive_denominator(params, x, t_x, big_t)


def _alive_denominator(
    params: BGNBDParams, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    ratio = np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x)))
    return 1 + np.where(x > 0, a / (b + np.maximum(x, 1) - 1) * ratio, 0.0)


def probability_alive(
    params: BGNBDParams, frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """BG/NBD probability that each customer is still active at the end of the observation.

    >>> p = BGNBDParams(0.243, 4.414, 0.793, 2.426, 0.0, 1)
    >>> probability_alive(p, np.array([0.0, 2.0]), np.array([0.0, 1.0]), np.array([38.86, 38.86])).round(3).tolist()
    [1.0, 0.039]
    """
    x = np.asarray(frequency, dtype=float)
    return 1.0 / _alive_denominator(
        params, x, np.asarray(recency, dtype=float), np.asarray(T, dtype=float)
    )


def expected_order_value(
    params: GammaGammaParams, frequency: np.ndarray, monetary_value: np.ndarray
) -> np.ndarray:
    """Gamma-Gamma expected value of a customer's future order (population mean without repeats).

    >>> g = GammaGammaParams(6.25, 3.74, 15.44, 0.0, 1)
    >>> expected_order_value(g, np.array([0.0, 2.0]), np.array([0.0, 30.0])).round(2).tolist()
    [35.22, 30.94]
    """
    p, q, v = params.p, params.q, params.v
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    return (p * (v + x * m)) / (p * x + q - 1)


def historical_value(
    frame: pl.DataFrame,
    *,
    customer: str,
    date: str,
    amount: str,
    as_of: str | dt.date | None = None,
    currency: str | None = "auto",
    rates: dict[str, float] | None = None,
) -> pl.DataFrame:
    """Per customer: ``orders``, ``total`` (net of returns), ``average_order_value``,
    ``tenure_days`` (first order to the analysis date) and ``purchase_frequency``
    (orders per 30 days of tenure, counting at least one day).

    >>> tx = pl.DataFrame({"c": ["a", "a", "b"], "d": ["2024-01-01", "2024-01-31", "2024-01-31"],
    ...                    "s": [10, 30, 5]})
    >>> historical_value(tx, customer="c", date="d", amount="s").rows()
    [('a', 2, 40.0, 20.0, 30, 2.0), ('b', 1, 5.0, 5.0, 0, 30.0)]
    """
    prepared = prepare_transactions(
        frame, customer=customer, date=date, amount=amount, currency=currency, rates=rates
    )
    as_of_d = as_of_date(as_of)
    rows = prepared.filter(pl.col(STATUS).is_in(["order", "return"]))
    if as_of_d is not None:  # not known yet at the analysis date
        rows = rows.filter(pl.col(DATE) <= pl.lit(as_of_d, dtype=pl.Date))
    end = pl.lit(as_of_d, dtype=pl.Date) if as_of_d else pl.col(DATE).max()
    is_order = pl.col(STATUS) == "order"
    return (
        rows.with_columns(end.alias("__end"))
        .group_by(CUSTOMER)
        .agg(
            is_order.sum().cast(pl.Int64).alias("orders"),
            pl.col(AMOUNT).sum().alias("total"),
            pl.col(DATE).filter(is_order).min().alias("__first"),
            pl.col("__end").first(),
        )
        .filter(pl.col("orders") > 0)
        .with_columns(
            (pl.col("total") / pl.col("orders")).alias("average_order_value"),
            (pl.col("__end") - pl.col("__first"))
            .dt.total_days()
            .cast(pl.Int64)
            .alias("tenure_days"),
        )
        .with_columns(
            (pl.col("orders") * 30 / pl.col("tenure_days").clip(lower_bound=1)).alias(
                "purchase_frequency"
            )
        )
        .select(
            CUSTOMER, "orders", "total", "average_order_value", "tenure_days", "purchase_frequency"
        )
        .sort(CUSTOMER)
        .rename({CUSTOMER: customer})
    )


def clv(
    frame: pl.DataFrame,
    *,
    customer: str,
    date: str,
    amount: str,
    as_of: str | dt.date | None = None,
    horizon: int = 12,
    discount_rate: float = 0.01,
    penalizer: float = 0.0,
    currency: str | None = "auto",
    rates: dict[str, float] | None = None,
) -> pl.DataFrame:
    """Historical value plus BG/NBD + Gamma-Gamma predictions per customer.

    Adds ``expected_purchases`` (next ``horizon`` months), ``probability_alive``,
    ``expected_order_value`` and ``clv``: the discounted sum over months 1..horizon of
    expected purchases in that month times the expected order value, discounted by
    ``discount_rate`` per month. Months are 30 days. ``penalizer`` (lifetimes' definition, see
    :func:`fit_bgnbd`; default 0 as in lifetimes) stabilises fits on small data; alpha is in days
    and v in currency units, so even 0.001 pulls them hard.

    >>> import random
    >>> rnd = random.Random(1)
    >>> rows = [(f"c{c}", f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}", rnd.randint(5, 90))
    ...         for c in range(60) for _ in range(rnd.randint(1, 5))]
    >>> tx = pl.DataFrame(rows, schema=["c", "d", "s"], orient="row")
    >>> out = clv(tx, customer="c", date="d", amount="s", as_of="2024-12-31")
    >>> out.height, bool((out["probability_alive"] <= 1).all()), bool((out["clv"] >= 0).all())
    (60, True, True)
    """
    if horizon < 1:
        raise InvalidOption("horizon must be at least 1 month")
    if not 0 <= discount_rate < 1:
        raise InvalidOption("discount rate is a monthly rate between 0 and 1, e.g. 0.01")
    hist = historical_value(
        frame,
        customer=customer,
        date=date,
        amount=amount,
        as_of=as_of,
        currency=currency,
        rates=rates,
    )
    summ = summary_data(
        frame,
        customer=customer,
        date=date,
        amount=amount,
        as_of=as_of,
        currency=currency,
        rates=rates,
    )
    bg = fit_bgnbd(summ, penalizer=penalizer)
    gg = fit_gamma_gamma(summ, penalizer=penalizer)
    x, t_x, big_t, mv = _arrays(summ, ("frequency", "recency", "T", "monetary_value"))
    eov = expected_order_value(gg, x, np.where(x > 0, np.maximum(mv, 0.0), 0.0))
    value = np.zeros_like(x)
    previous = np.zeros_like(x)
    for month in range(1, horizon + 1):
        cumulative = expected_purchases(bg, 30.0 * month, x, t_x, big_t)
        value += (cumulative - previous) * eov / (1 + discount_rate) ** month
        previous = cumulative
    pred = summ.select(customer).with_columns(
        pl.Series("expected_purchases", previous),
        pl.Series("probability_alive", probability_alive(bg, x, t_x, big_t)),
        pl.Series("expected_order_value", eov),
        pl.Series("clv", value),
    )
    return hist.join(pred, on=customer, how="left", maintain_order="left")
