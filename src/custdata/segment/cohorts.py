"""Acquisition-month cohorts: retention by month since the first order, and revenue per cohort."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from custdata.segment._prep import AMOUNT, CUSTOMER, DATE, STATUS, prepare_transactions


def cohorts(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    customer: str,
    date: str,
    amount: str | None = None,
    currency: str | None = "auto",
    rates: Mapping[str, float] | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Long cohort table: one row per (``cohort`` month, ``period`` k months later), for every
    month from the cohort's first up to the last month of the data (months without orders have
    ``active`` 0 and ``revenue`` 0).

    ``cohort`` is the month of a customer's first order (``YYYY-MM``); ``customers`` the cohort
    size; ``active`` how many of them ordered in month k; ``retention`` = active / customers
    (1.0 at k = 0); ``revenue`` their net spend in that month (returns subtract) and
    ``cumulative_revenue`` the running total per cohort.

    >>> tx = pl.DataFrame({"c": ["a", "a", "b", "c"], "d": ["2024-01-05", "2024-02-01", "2024-01-20", "2024-02-03"],
    ...                    "s": [10, 20, 5, 7]})
    >>> out = cohorts(tx, customer="c", date="d", amount="s")
    >>> out.select("cohort", "period", "active", "retention", "revenue").rows()
    [('2024-01', 0, 2, 1.0, 15.0), ('2024-01', 1, 1, 0.5, 20.0), ('2024-02', 0, 1, 1.0, 7.0)]
    >>> gap = pl.DataFrame({"c": ["a", "a", "b"], "d": ["2024-01-05", "2024-03-01", "2024-03-02"]})
    >>> cohorts(gap, customer="c", date="d").select("cohort", "period", "active").rows()
    [('2024-01', 0, 1), ('2024-01', 1, 0), ('2024-01', 2, 1), ('2024-03', 0, 1)]
    """
    prepared = prepare_transactions(
        frame, customer=customer, date=date, amount=amount, currency=currency, rates=rates
    ).lazy()
    rows = prepared.filter(pl.col(STATUS).is_in(["order", "return"]))
    month = pl.col(DATE).dt.truncate("1mo")
    first = (
        rows.filter(pl.col(STATUS) == "order").group_by(CUSTOMER).agg(month.min().alias("__cohort"))
    )
    tagged = (
        rows.join(first, on=CUSTOMER, how="inner")
        .with_columns(
            (
                (pl.col(DATE).dt.year() - pl.col("__cohort").dt.year()) * 12
                + pl.col(DATE).dt.month().cast(pl.Int32)
                - pl.col("__cohort").dt.month().cast(pl.Int32)
            ).alias("period")
        )
        .filter(pl.col("period") >= 0)
    )
    sizes = first.group_by("__cohort").agg(pl.len().cast(pl.Int64).alias("customers"))
    value = pl.col(AMOUNT).sum() if amount else pl.lit(None, dtype=pl.Float64)
    counts = tagged.group_by("__cohort", "period").agg(
        pl.col(CUSTOMER)
        .filter(pl.col(STATUS) == "order")
        .n_unique()
        .cast(pl.Int64)
        .alias("active"),
        value.alias("revenue"),
    )
    # every month a cohort has lived through up to the end of the data, active or not
    end = rows.select(month.max().alias("__end"))
    age = (pl.col("__end").dt.year() - pl.col("__cohort").dt.year()) * 12 + (
        pl.col("__end").dt.month().cast(pl.Int32) - pl.col("__cohort").dt.month().cast(pl.Int32)
    )
    grid = (
        sizes.join(end, how="cross")
        .with_columns(pl.int_ranges(0, age + 1, dtype=pl.Int32).alias("period"))
        .explode("period")
        .drop("__end")
    )
    table = (
        grid.join(
            counts.with_columns(pl.col("period").cast(pl.Int32)),
            on=["__cohort", "period"],
            how="left",
        )
        .with_columns(
            pl.col("active").fill_null(0),
            pl.col("revenue").fill_null(0.0) if amount else pl.col("revenue"),
        )
        .with_columns((pl.col("active") / pl.col("customers")).alias("retention"))
        .sort("__cohort", "period")
        .with_columns(pl.col("revenue").cum_sum().over("__cohort").alias("cumulative_revenue"))
        .select(
            pl.col("__cohort").dt.strftime("%Y-%m").alias("cohort"),
            pl.col("period").cast(pl.Int32),
            "customers",
            "active",
            "retention",
            "revenue",
            "cumulative_revenue",
        )
    )
    return table.collect() if isinstance(frame, pl.DataFrame) else table


def retention_matrix(table: pl.DataFrame, *, value: str = "retention") -> pl.DataFrame:
    """Wide matrix from :func:`cohorts`: one row per cohort, columns ``m0``, ``m1``, ...

    Cells with no orders are 0 for periods the cohort has lived through, null after the data ends.

    >>> t = pl.DataFrame({"cohort": ["2024-01", "2024-01", "2024-02"], "period": [0, 1, 0],
    ...     "customers": [2, 2, 1], "retention": [1.0, 0.5, 1.0]})
    >>> retention_matrix(t).rows()
    [('2024-01', 2, 1.0, 0.5), ('2024-02', 1, 1.0, None)]
    """
    if table.height == 0:
        return pl.DataFrame(schema={"cohort": pl.String, "customers": pl.Int64})
    periods = list(range(int(table.select(pl.col("period").max()).item()) + 1))
    wide = table.pivot(on="period", index=["cohort", "customers"], values=value, sort_columns=True)
    rename = {str(p): f"m{p}" for p in periods if str(p) in wide.columns}
    wide = wide.rename(rename)
    month_index = pl.col("cohort").str.slice(0, 4).cast(pl.Int32) * 12 + pl.col("cohort").str.slice(
        5, 2
    ).cast(pl.Int32)
    last = table.select((month_index + pl.col("period")).max()).item()  # last month with data
    age = pl.lit(last) - month_index
    cols = []
    for p in periods:
        name = f"m{p}"
        current = pl.col(name) if name in wide.columns else pl.lit(None, dtype=pl.Float64)
        cols.append(
            pl.when(pl.lit(p) <= age).then(current.fill_null(0)).otherwise(None).alias(name)
        )
    return wide.select("cohort", "customers", *cols).sort("cohort")
