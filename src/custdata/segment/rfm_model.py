"""RFM: recency, frequency and monetary value per customer, scored 1..bins, and a segment.

Scores are quantile scores that respect ties: a customer's score is
``1 + floor(bins * share of customers with a strictly worse value)``. Equal values always get
equal scores, the worst value always scores 1, and when many customers share one value (most
customers bought once) they all get the score of the lowest quantile that value reaches, so no
bin is split at random between equal customers (``ntile``-style scoring does that).
Recency is scored so that the most recent customers get the highest score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, overload

import polars as pl

from custdata.errors import InvalidOption
from custdata.frames import as_expr
from custdata.segment._prep import (
    AMOUNT,
    CUSTOMER,
    DATE,
    STATUS,
    as_of_date,
    map_clusters,
    prepare_transactions,
    report_from_counts,
)
from custdata.segment.maps import SegmentMap, assign_segment, load_segment_map

#: Output columns of :func:`rfm` besides the customer column.
RFM_COLUMNS = (
    "first_order",
    "last_order",
    "recency",
    "frequency",
    "monetary",
    "monetary_mean",
    "returns",
    "r_score",
    "f_score",
    "m_score",
    "rfm_code",
    "rfm_segment",
)


def _check_bins(bins: int) -> None:
    if not isinstance(bins, int) or isinstance(bins, bool) or not 2 <= bins <= 10:
        raise InvalidOption("bins must be a whole number from 2 to 10 (usually 4 or 5)")


def quantile_score(
    column: str | pl.Expr, *, bins: int = 5, higher_is_better: bool = True
) -> pl.Expr:
    """Expression: tie-aware quantile score 1..bins of a numeric column (nulls stay null).

    >>> df = pl.DataFrame({"x": [1, 1, 1, 1, 1, 1, 2, 2, 3, 10]})
    >>> df.select(quantile_score("x"))["x"].to_list()
    [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    >>> df.select(quantile_score("x", bins=4, higher_is_better=False))["x"].to_list()
    [2, 2, 2, 2, 2, 2, 1, 1, 1, 1]
    """
    _check_bins(bins)
    expr = as_expr(column)
    value = expr if higher_is_better else -expr
    below = value.rank("min") - 1  # customers with a strictly worse value
    n = value.count()
    return ((below * bins / n).floor() + 1).clip(1, bins).cast(pl.Int8)


def rfm_from_prepared(
    prepared: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: str | dt.date | None = None,
    bins: int = 5,
    segment_map: SegmentMap | str = "rf",
    customer_name: str = CUSTOMER,
) -> pl.DataFrame | pl.LazyFrame:
    """RFM table from :func:`~custdata.segment.prepare_transactions` output (one row per customer).

    Rows dated after ``as_of`` are ignored (their customers still get a row). The same as
    :func:`rfm_score` of :func:`rfm_aggregate`.
    """
    _check_bins(bins)
    out = rfm_score(
        rfm_aggregate(prepared.lazy(), as_of=as_of),
        as_of=as_of,
        bins=bins,
        segment_map=segment_map,
        customer_name=customer_name,
    ).lazy()
    return out.collect() if isinstance(prepared, pl.DataFrame) else out


def rfm_aggregate(
    prepared: pl.DataFrame | pl.LazyFrame, *, as_of: str | dt.date | None = None
) -> pl.DataFrame | pl.LazyFrame:
    """Per-customer sums of prepared transactions, before any score (no global statistic).

    One row per customer: ``first_order``, ``last_order``, ``frequency``, ``monetary`` and
    ``returns``. Each customer's row depends only on that customer's transactions, so the
    transactions can be split by customer and aggregated part by part (custdata.spark does).

    >>> from custdata.segment import prepare_transactions
    >>> tx = prepare_transactions(pl.DataFrame({"c": ["a", "a", "b"], "d": ["2024-01-01",
    ...     "2024-02-01", "2024-01-05"], "s": [10, 5, 7]}), customer="c", date="d", amount="s")
    >>> rfm_aggregate(tx).sort("customer_id").select("customer_id", "frequency").rows()
    [('a', 2), ('b', 1)]
    """
    lazy = prepared.lazy()
    as_of_d = as_of_date(as_of)
    is_order = pl.col(STATUS) == "order"
    is_return = pl.col(STATUS) == "return"
    if as_of_d is not None:  # rows after the analysis date are not known yet at that date
        known = pl.col(DATE) <= pl.lit(as_of_d, dtype=pl.Date)
        is_order, is_return = is_order & known, is_return & known
    has_order_id = "order_id" in lazy.collect_schema().names()
    counted = is_order | is_return
    lazy = lazy.filter(pl.col(CUSTOMER).is_not_null()).with_columns(
        pl.when(is_order).then(pl.col(DATE)).alias("__order_date"),
        pl.when(counted).then(pl.col(AMOUNT)).alias("__amount"),
        is_order.cast(pl.UInt32).alias("__is_order"),
        is_return.cast(pl.UInt32).alias("__is_return"),
        *([pl.when(is_order).then(pl.col("order_id")).alias("__order_id")] if has_order_id else []),
    )
    freq = (
        pl.col("__order_id").drop_nulls().n_unique() if has_order_id else pl.col("__is_order").sum()
    )
    grouped = lazy.group_by(CUSTOMER).agg(
        pl.col("__order_date").min().alias("first_order"),
        pl.col("__order_date").max().alias("last_order"),
        freq.cast(pl.UInt32).alias("frequency"),
        # summed exactly (to 1e-9) in decimal: the same float whatever the row order (or the
        # engine, or how the rows were split into parts) was; a float sum is not
        pl.col("__amount").cast(pl.Decimal(38, 9)).sum().cast(pl.Float64).alias("monetary"),
        pl.col("__is_return").sum().cast(pl.UInt32).alias("returns"),
    )
    return grouped.collect() if isinstance(prepared, pl.DataFrame) else grouped


def rfm_score(
    aggregated: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: str | dt.date | None = None,
    bins: int = 5,
    segment_map: SegmentMap | str = "rf",
    customer_name: str = CUSTOMER,
) -> pl.DataFrame | pl.LazyFrame:
    """Recency, quantile scores, code and segment for :func:`rfm_aggregate`'s table.

    The scores compare every customer with all the others: give it the whole table.
    """
    _check_bins(bins)
    smap = load_segment_map(segment_map) if isinstance(segment_map, str) else segment_map
    as_of_d = as_of_date(as_of)
    grouped = aggregated.lazy()
    ref = pl.lit(as_of_d, dtype=pl.Date) if as_of_d is not None else pl.col("last_order").max()
    bought = pl.col("frequency") > 0
    out = grouped.with_columns(
        (ref - pl.col("last_order")).dt.total_days().cast(pl.Int32).alias("recency"),
        pl.when(bought).then(pl.col("monetary") / pl.col("frequency")).alias("monetary_mean"),
    )
    out = out.with_columns(
        quantile_score(pl.col("recency"), bins=bins, higher_is_better=False).alias("r_score"),
        quantile_score(pl.when(bought).then(pl.col("frequency")), bins=bins).alias("f_score"),
        quantile_score(pl.when(bought).then(pl.col("monetary")), bins=bins).alias("m_score"),
    )
    out = out.with_columns(
        pl.concat_str([pl.col("r_score"), pl.col("f_score"), pl.col("m_score")]).alias("rfm_code"),
        assign_segment("r_score", "f_score", "m_score", segment_map=smap, bins=bins).alias(
            "rfm_segment"
        ),
    )
    out = out.with_columns(
        pl.when(bought)
        .then(pl.col("rfm_segment"))
        .otherwise(pl.lit("No purchases"))
        .alias("rfm_segment")
    )
    out = out.select(CUSTOMER, *RFM_COLUMNS).sort(CUSTOMER)
    if customer_name != CUSTOMER:
        out = out.rename({CUSTOMER: customer_name})
    return out.collect() if isinstance(aggregated, pl.DataFrame) else out


def rfm(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    customer: str,
    date: str,
    amount: str,
    as_of: str | dt.date | None = None,
    bins: int = 5,
    segment_map: SegmentMap | str = "rf",
    order: str | None = None,
    currency: str | None = "auto",
    rates: Mapping[str, float] | None = None,
    clusters: pl.DataFrame | None = None,
    clusters_on: str | None = None,
    dayfirst: bool = True,
    language: str = "en",
) -> pl.DataFrame | pl.LazyFrame:
    """One row per customer: recency (days), frequency (orders), monetary (net sum and mean per
    order), R/F/M scores 1..bins, the RFM code and a named segment.

    ``as_of`` is the analysis date (default: the last order date in the data). Returns
    (negative amounts) lower the monetary value but are not orders; zero amounts, missing or
    unreadable dates and amounts are left out (see :func:`prepare_transactions` and
    :func:`~custdata.segment.transaction_report` for counts). Customers with no purchase left
    get a row with null scores and the segment ``No purchases``. With ``order`` the frequency
    counts distinct order ids instead of rows. ``clusters`` (a dedupe result with
    ``cluster_id``) maps source ids to one id per person first. ``segment_map`` is a preset
    (``rf``, ``rfm``), a TOML path or a :class:`SegmentMap`; ``language`` (``ru``, ``uk``) adds
    ``rfm_segment_name`` with the display name.

    >>> tx = pl.DataFrame({
    ...     "cust": ["a", "a", "b", "c", "c", "c"],
    ...     "day": ["2024-01-01", "2024-03-01", "2024-02-01", "2024-01-10", "2024-02-10", "2024-03-01"],
    ...     "sum": [100, 50, 20, 300, 200, -50]})
    >>> out = rfm(tx, customer="cust", date="day", amount="sum", bins=3)
    >>> out.select("cust", "recency", "frequency", "monetary", "rfm_code").rows()
    [('a', 0, 2, 150.0, '322'), ('b', 29, 1, 20.0, '111'), ('c', 20, 2, 450.0, '223')]
    """
    _, plan = _rfm_plan(frame, **_plan_kwargs(locals()))
    out = plan.collect() if isinstance(frame, pl.DataFrame) else plan
    return _with_language(out, segment_map, language)


_PLAN_KEYS = (
    "customer",
    "date",
    "amount",
    "as_of",
    "bins",
    "segment_map",
    "order",
    "currency",
    "rates",
    "clusters",
    "clusters_on",
    "dayfirst",
)


def _plan_kwargs(scope: dict) -> dict:
    return {k: scope[k] for k in _PLAN_KEYS}


def _rfm_plan(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    customer: str,
    date: str,
    amount: str,
    as_of: str | dt.date | None,
    bins: int,
    segment_map: SegmentMap | str,
    order: str | None,
    currency: str | None,
    rates: Mapping[str, float] | None,
    clusters: pl.DataFrame | None,
    clusters_on: str | None,
    dayfirst: bool,
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    lazy = frame.lazy()  # one plan from the raw rows to the scores: polars fuses the steps
    if clusters is not None:
        lazy = map_clusters(lazy, clusters, customer=customer, on=clusters_on).lazy()
    prepared = prepare_transactions(
        lazy,
        customer=customer,
        date=date,
        amount=amount,
        currency=currency,
        rates=rates,
        dayfirst=dayfirst,
        order=order,
    ).lazy()
    out = rfm_from_prepared(
        prepared, as_of=as_of, bins=bins, segment_map=segment_map, customer_name=customer
    )
    return prepared, out.lazy()


@overload
def _with_language(
    out: pl.DataFrame, segment_map: SegmentMap | str, language: str
) -> pl.DataFrame: ...
@overload
def _with_language(
    out: pl.DataFrame | pl.LazyFrame, segment_map: SegmentMap | str, language: str
) -> pl.DataFrame | pl.LazyFrame: ...
def _with_language(
    out: pl.DataFrame | pl.LazyFrame, segment_map: SegmentMap | str, language: str
) -> pl.DataFrame | pl.LazyFrame:
    if language == "en":
        return out
    smap = load_segment_map(segment_map) if isinstance(segment_map, str) else segment_map
    names = smap.display_names(language)
    names["No purchases"] = {"ru": "Без покупок", "uk": "Без покупок"}[language]
    return out.with_columns(
        pl.col("rfm_segment")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .alias("rfm_segment_name")
    )


def rfm_with_report(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    customer: str,
    date: str,
    amount: str,
    as_of: str | dt.date | None = None,
    bins: int = 5,
    segment_map: SegmentMap | str = "rf",
    order: str | None = None,
    currency: str | None = "auto",
    rates: Mapping[str, float] | None = None,
    clusters: pl.DataFrame | None = None,
    clusters_on: str | None = None,
    dayfirst: bool = True,
    language: str = "en",
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """:func:`rfm` plus :func:`~custdata.segment.transaction_report` of the input rows, computed
    in one pass over the data (the CLI uses it for its summary line).

    >>> tx = pl.DataFrame({"c": ["a", "a", "b"], "d": ["2024-01-01", None, "2024-01-05"], "s": [5, 6, -1]})
    >>> table, report = rfm_with_report(tx, customer="c", date="d", amount="s")
    >>> table.height, report["order"], report["missing_date"], report["return"]
    (2, 1, 1, 1)
    """
    prepared, out = _rfm_plan(frame, **_plan_kwargs(locals()))
    plans = [out, prepared.group_by(STATUS).len()]
    has_currency = "currency" in prepared.collect_schema().names()
    if has_currency:
        plans.append(prepared.group_by("currency").len().sort("currency", nulls_last=True))
    frames = pl.collect_all(plans)
    report = report_from_counts(frames[1], frames[2] if has_currency else None)
    return _with_language(frames[0], segment_map, language), report


def rfm_grid(table: pl.DataFrame, *, bins: int = 5) -> pl.DataFrame:
    """Customers and revenue per (R score, F score) cell, all bins x bins cells present.

    >>> t = pl.DataFrame({"r_score": [5, 5, 1], "f_score": [4, 4, 1], "monetary": [10.0, 5.0, 1.0]})
    >>> g = rfm_grid(t)
    >>> g.filter((pl.col("r_score") == 5) & (pl.col("f_score") == 4)).row(0)
    (5, 4, 2, 15.0)
    >>> g.height
    25
    """
    _check_bins(bins)
    cells = pl.DataFrame({"r_score": list(range(1, bins + 1))}, schema={"r_score": pl.Int8}).join(
        pl.DataFrame({"f_score": list(range(1, bins + 1))}, schema={"f_score": pl.Int8}),
        how="cross",
    )
    counts = (
        table.drop_nulls(["r_score", "f_score"])
        .group_by(pl.col("r_score").cast(pl.Int8), pl.col("f_score").cast(pl.Int8))
        .agg(pl.len().cast(pl.Int64).alias("customers"), pl.col("monetary").sum().alias("revenue"))
    )
    return (
        cells.join(counts, on=["r_score", "f_score"], how="left")
        .with_columns(pl.col("customers").fill_null(0), pl.col("revenue").fill_null(0.0))
        .sort("r_score", "f_score")
    )


def segment_summary(table: pl.DataFrame, *, segment: str = "rfm_segment") -> pl.DataFrame:
    """Customers, share, revenue and revenue share per segment, biggest revenue first.

    >>> t = pl.DataFrame({"rfm_segment": ["A", "A", "B"], "monetary": [30.0, 10.0, 60.0]})
    >>> segment_summary(t).rows()
    [('B', 1, 0.3333, 60.0, 0.6), ('A', 2, 0.6667, 40.0, 0.4)]
    """
    total_n = table.height or 1
    total_rev = float(table["monetary"].sum() or 0.0)
    return (
        table.group_by(segment)
        .agg(pl.len().cast(pl.Int64).alias("customers"), pl.col("monetary").sum().alias("revenue"))
        .with_columns(
            (pl.col("customers") / total_n).round(4).alias("share"),
            (pl.col("revenue") / total_rev if total_rev else pl.lit(0.0))
            .round(4)
            .alias("revenue_share"),
        )
        .select(segment, "customers", "share", "revenue", "revenue_share")
        .sort(["revenue", segment], descending=[True, False], nulls_last=True)
    )
