"""Options and helpers shared by the ``custdata segment`` commands (:mod:`custdata.cli.segment`):
the transaction column options, currency rates, mapping ids to dedupe clusters, the RFM table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import polars as pl
import typer
from rich.table import Table

from custdata.cli._common import console, lazy_module, message, read_input
from custdata.errors import InvalidOption

if TYPE_CHECKING:
    from rich.console import JustifyMethod

seg = lazy_module("custdata.segment")

CustomerOpt = Annotated[
    str | None,
    typer.Option(
        "--customer",
        help="Customer id column (default: customer_id, client_id, Код клиента, ...).",
        show_default=False,
        metavar="COLUMN",
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="Order date column (default: order_date, date, Дата, ...).",
        show_default=False,
        metavar="COLUMN",
    ),
]
AmountOpt = Annotated[
    str | None,
    typer.Option(
        "--amount",
        help="Order amount column; negative = return (default: amount, total, Сумма, ...).",
        show_default=False,
        metavar="COLUMN",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Analysis date YYYY-MM-DD (default: the last order date).",
        show_default=False,
        metavar="YYYY-MM-DD",
    ),
]
CurrencyOpt = Annotated[
    str,
    typer.Option(
        "--currency",
        help="Currency column: 'auto' (a column named currency/валюта), a column name, or 'none'.",
        metavar="auto|COLUMN|none",
    ),
]
RateOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--rate",
        help="Conversion rate CODE=VALUE (one unit in the base currency), repeat per currency, e.g. --rate USD=92.5.",
        show_default=False,
        metavar="CODE=VALUE",
    ),
]
BaseOpt = Annotated[
    str,
    typer.Option(
        "--base-currency", help="Currency the --rate values convert to (rate 1).", metavar="CODE"
    ),
]
ClustersOpt = Annotated[
    str | None,
    typer.Option(
        "--clusters",
        help="Dedupe result: a file with the source id column and cluster_id; orders of one person count once.",
        show_default=False,
        metavar="FILE",
    ),
]
ClustersOnOpt = Annotated[
    str | None,
    typer.Option(
        "--clusters-on",
        help="Source id column in --clusters (default: same name as --customer, or detected).",
        show_default=False,
        metavar="COLUMN",
    ),
]
ClusterColOpt = Annotated[
    str, typer.Option("--cluster-column", help="Person id column in --clusters.", metavar="COLUMN")
]
MonthFirstOpt = Annotated[bool, typer.Option("--month-first", hidden=True)]


def _rates(rate: list[str] | None, base: str) -> dict[str, float] | None:
    if not rate:
        return None
    out: dict[str, float] = {base.strip().upper(): 1.0}
    for item in rate:
        code, sep, value = item.partition("=")
        try:
            out[code.strip().upper()] = float(value.replace(",", "."))
        except ValueError:
            sep = ""
        if not sep or not code.strip():
            raise InvalidOption("--rate must look like CODE=VALUE, e.g. --rate USD=92.5")
    return out


def _currency(value: str) -> str | None:
    return None if value.strip().lower() == "none" else value


def _transactions(
    frame: pl.DataFrame,
    *,
    customer: str | None,
    date: str | None,
    amount: str | None,
    clusters: str | None,
    clusters_on: str | None,
    cluster_column: str,
    quiet: bool,
) -> tuple[pl.DataFrame, str, str, str]:
    customer = seg.guess_column(frame.columns, "customer", customer)
    date = seg.guess_column(frame.columns, "date", date)
    amount = seg.guess_column(frame.columns, "amount", amount)
    if clusters:
        table = read_input(clusters, quiet=quiet)
        before = (
            frame.select(pl.col(customer).n_unique()).item() if customer in frame.columns else 0
        )
        frame = seg.map_clusters(
            frame, table, customer=customer, on=clusters_on, cluster=cluster_column
        )
        after = frame.select(pl.col(customer).n_unique()).item()
        message(f"clusters: {before:,} customer ids -> {after:,} people", quiet=quiet)
    return frame, customer, date, amount


def _summary_table(summary: pl.DataFrame, quiet: bool) -> None:
    if quiet:
        return
    table = Table(title="RFM segments", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("segment", "left"),
        ("customers", "right"),
        ("share", "right"),
        ("revenue", "right"),
        ("revenue share", "right"),
    )
    for name, justify in columns:
        table.add_column(name, justify=justify)
    for label, n, share, revenue, rshare in summary.iter_rows():
        table.add_row(
            str(label), f"{n:,}", f"{share:.1%}", f"{revenue or 0:,.0f}", f"{rshare or 0:.1%}"
        )
    console.print(table)
