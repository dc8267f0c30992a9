"""The whole ``custdata segment rules`` job in one call: customer fields, RFM from orders, rules.

:func:`segment_customers` takes the options of the command as one :class:`RulesOptions` (the
orders' columns as an :class:`OrderColumns`) and returns the segmented table with the counts the
command reports, so the CLI only reads, calls and writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from custdata.errors import InvalidOption
from custdata.segment._prep import guess_column, map_clusters
from custdata.segment.rfm_model import rfm
from custdata.segment.rules import (
    RuleSet,
    apply_rules,
    customer_fields,
    load_rules,
)


@dataclass(frozen=True)
class OrderColumns:
    """How to read an orders table: its columns (guessed when None), currencies, clusters.

    ``currency``: ``"auto"`` (a column named currency/валюта), a column name, or None;
    ``rates``: code -> value in the base currency. ``clusters_on`` / ``cluster_column``: the
    source id and person id columns of a dedupe result given as ``clusters``.
    """

    customer: str | None = None
    date: str | None = None
    amount: str | None = None
    as_of: str | dt.date | None = None
    currency: str | None = "auto"
    rates: Mapping[str, float] | None = None
    clusters_on: str | None = None
    cluster_column: str = "cluster_id"


@dataclass(frozen=True)
class RulesOptions:
    """The options of ``segment rules``: output (``mode``, ``column``, ``default``; None = from
    the rule file), the customer table's columns (``id``, ``birth_date``, ``gender``, ``name``)
    and how to read orders (``orders``)."""

    mode: str | None = None
    column: str | None = None
    default: str | None = None
    id: str | None = None
    birth_date: str | None = None
    gender: str | None = None
    name: str | None = None
    orders: OrderColumns = field(default_factory=OrderColumns)


@dataclass(frozen=True)
class RulesOutput:
    """The segmented customers and what the command reports about them.

    ``column``: the segment column; ``ids_before`` / ``ids_after``: distinct customer ids in the
    orders before and after mapping them to people (None without clusters).
    """

    frame: pl.DataFrame
    rules: RuleSet
    column: str
    ids_before: int | None = None
    ids_after: int | None = None


def _collected(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    return frame.collect() if isinstance(frame, pl.LazyFrame) else frame


def segment_customers(
    customers: pl.DataFrame,
    rules: RuleSet | str | Path,
    options: RulesOptions | None = None,
    *,
    orders: pl.DataFrame | None = None,
    clusters: pl.DataFrame | None = None,
) -> RulesOutput:
    """Add customer fields (age, gender, RFM from ``orders``) and apply the segment ``rules``.

    With ``orders``, RFM fields are computed per customer and joined on ``options.id``;
    ``clusters`` (a dedupe result) makes the orders of one person count once.

    >>> customers = pl.DataFrame({"id": ["1", "2"], "birth": ["1990-05-01", "1950-01-01"]})
    >>> from custdata.segment.rules import rules_from_dict
    >>> rules = rules_from_dict({"segment": [{"name": "senior", "where": "age >= 60"}]})
    >>> out = segment_customers(customers, rules, RulesOptions(birth_date="birth", id="id"))
    >>> out.frame["segment"].to_list()
    [None, 'senior']
    """
    opts = options or RulesOptions()
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    frame = customers
    rfm_table = None
    before = after = None
    if orders is not None:
        if not opts.id:
            raise InvalidOption("orders need the customer id column of the customer table (id)")
        o = opts.orders
        customer = guess_column(orders.columns, "customer", o.customer)
        date = guess_column(orders.columns, "date", o.date)
        amount = guess_column(orders.columns, "amount", o.amount)
        if clusters is not None:
            before = (
                orders.select(pl.col(customer).n_unique()).item()
                if customer in orders.columns
                else 0
            )
            orders = _collected(
                map_clusters(
                    orders, clusters, customer=customer, on=o.clusters_on, cluster=o.cluster_column
                )
            )
            after = orders.select(pl.col(customer).n_unique()).item()
            frame = _collected(
                map_clusters(
                    frame, clusters, customer=opts.id, on=o.clusters_on, cluster=o.cluster_column
                )
            )
        rfm_table = _collected(
            rfm(
                orders,
                customer=customer,
                date=date,
                amount=amount,
                as_of=o.as_of,
                currency=o.currency,
                rates=o.rates,
            )
        )
    as_of = opts.orders.as_of
    frame = customer_fields(
        frame,
        id=opts.id,
        birth_date=opts.birth_date,
        gender=opts.gender,
        name=opts.name,
        rfm=rfm_table,
        as_of=as_of,
    )
    result = _collected(
        apply_rules(frame, ruleset, mode=opts.mode, column=opts.column, default=opts.default)
    )
    return RulesOutput(
        frame=result,
        rules=ruleset,
        column=opts.column or ruleset.column,
        ids_before=before,
        ids_after=after,
    )
