"""Turn a raw transaction table into clean rows: customer, date, amount, and a status per row.

Raw order exports are messy: dates in several formats, amounts with spaces or commas, returns as
negative amounts, a currency column, ids from several channels. :func:`prepare_transactions`
parses all of that once and keeps every row, with a status code saying how it is used:

``order``            a purchase (amount > 0, date known): counts everywhere
``return``           amount < 0: lowers the customer's net spend, is not an order
``zero_amount``      amount = 0: neither an order nor spend
``missing_date``     no date: left out (it cannot be placed in time)
``bad_date``         a date that no known format reads: left out
``implausible_date`` a date before 1900 or after 2100 (0001-01-01, 9999-12-31): left out
``bad_amount``       an amount that is not a (finite) number (``n/a``, ``inf``, ``NaN``): left out
``implausible_amount`` an amount of 10^15 or more (``1e308``): left out, sums stay finite
``missing_customer`` no customer id: left out
``no_rate``          a currency without a conversion rate: left out
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, overload

import polars as pl

from custdata.errors import InvalidOption, show_columns
from custdata.frames import as_expr, check_columns, column_names
from custdata.normalize.date import parse_date

#: Status codes of prepared transaction rows, in report order.
ROW_STATUSES = (
    "order",
    "return",
    "zero_amount",
    "missing_date",
    "bad_date",
    "bad_amount",
    "missing_customer",
    "no_rate",
    "implausible_date",
    "implausible_amount",
)

#: Dates outside this range are ``implausible_date`` rows (fixed, so results never depend on
#: the clock).
PLAUSIBLE_DATES = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))
#: Amounts whose absolute value reaches this are ``implausible_amount`` rows.
MAX_AMOUNT = 1e15

#: Names of a currency column picked up automatically (compared case-insensitively).
CURRENCY_NAMES = ("currency", "валюта", "curr", "currency_code")

#: dtype of the ``row_status`` column.
STATUS_DTYPE = pl.Enum(list(ROW_STATUSES))

# internal column names of a prepared frame
CUSTOMER = "customer_id"
DATE = "order_date"
AMOUNT = "amount"
STATUS = "row_status"


def parse_amount(column: str | pl.Expr) -> pl.Expr:
    """A Float64 expression from amounts written as numbers or text (``1 234,50``, ``-99.9 ₽``).

    Spaces (also non-breaking) and currency signs are dropped; a comma is the decimal separator
    unless the text also has a dot, then it separates thousands. Text that is no number -> null.

    >>> df = pl.DataFrame({"a": ["1 234,50", "-99.9", "1,234.5", "12 руб.", "n/a"]})
    >>> df.select(parse_amount("a"))["a"].to_list()
    [1234.5, -99.9, 1234.5, 12.0, None]
    """
    return as_expr(column).map_batches(_parse_amount_series, return_dtype=pl.Float64)


def _clean_amount(expr: pl.Expr) -> pl.Expr:
    text = expr.str.replace_all(r"[\s\u00a0\u202f'₽$€₴£]|руб\.?|грн\.?|RUB|UAH|USD|EUR", "")
    text = (
        pl.when(text.str.contains(",", literal=True) & text.str.contains(".", literal=True))
        .then(text.str.replace_all(",", "", literal=True))
        .otherwise(text.str.replace_all(",", ".", literal=True))
    )
    return text.cast(pl.Float64, strict=False)


def _parse_amount_series(series: pl.Series) -> pl.Series:
    if series.dtype.is_numeric():
        return series.cast(pl.Float64)
    if series.dtype != pl.String:
        series = series.cast(pl.String)
    # fast path: plain numbers; only the other texts are cleaned
    fast = series.cast(pl.Float64, strict=False)
    failed = fast.is_null() & series.is_not_null()
    if not failed.any():
        return fast.alias(series.name)
    fixed = pl.select(_clean_amount(pl.lit(series.filter(failed)))).to_series()
    return fast.scatter(failed.arg_true(), fixed).alias(series.name)


def _amount_expr(frame_schema: pl.Schema, column: str) -> pl.Expr:
    dtype = frame_schema[column]
    if dtype.is_numeric():
        return pl.col(column).cast(pl.Float64)
    return parse_amount(column)


def find_currency_column(columns: list[str]) -> str | None:
    """The column that looks like a currency column by its name, or None.

    >>> find_currency_column(["order_id", "Currency", "amount"])
    'Currency'
    """
    for column in columns:
        if column.strip().casefold() in CURRENCY_NAMES:
            return column
    return None


def resolve_currency(columns: list[str], currency: str | None) -> str | None:
    """Resolve the ``currency`` option: ``"auto"`` finds a currency column by name."""
    if currency == "auto":
        return find_currency_column(columns)
    if currency is not None and currency not in columns:
        check_columns(pl.DataFrame(schema=dict.fromkeys(columns, pl.String)), [currency])
    return currency


def map_clusters(
    frame: pl.DataFrame | pl.LazyFrame,
    clusters: pl.DataFrame,
    *,
    customer: str,
    on: str | None = None,
    cluster: str = "cluster_id",
) -> pl.DataFrame | pl.LazyFrame:
    """Replace source customer ids by the dedupe ``cluster_id`` so a person counts once.

    ``clusters`` is a dedupe result: one row per source record with its id column and
    ``cluster_id``. ``on`` names the id column in ``clusters``; by default the column with the
    same name as ``customer``, else the only other column, else the column whose values match
    the most transaction ids. Ids not in ``clusters`` stay as they are.

    >>> tx = pl.DataFrame({"cust": ["CRM-1", "SHOP-7", "X"], "amount": [1, 2, 3]})
    >>> cl = pl.DataFrame({"id": ["CRM-1", "SHOP-7"], "cluster_id": [5, 5]})
    >>> map_clusters(tx, cl, customer="cust")["cust"].to_list()
    ['5', '5', 'X']
    """
    check_columns(frame, [customer])
    names = clusters.columns
    if cluster not in names:
        raise InvalidOption(
            f"the clusters file has no {cluster!r} column; pass the output of `custdata dedupe`"
        )
    if on is None:
        others = [c for c in names if c != cluster]
        if customer in others:
            on = customer
        elif len(others) == 1:
            on = others[0]
        else:
            on = _best_overlap(frame, clusters, customer=customer, candidates=others)
    check_columns(clusters, [on, cluster])
    lookup = (
        clusters.select(
            pl.col(on).cast(pl.String).alias("__source"),
            pl.col(cluster).cast(pl.String).alias("__cluster"),
        )
        .drop_nulls("__source")
        .unique("__source", keep="first")
    )
    mapped = (
        frame.lazy()
        .with_columns(pl.col(customer).cast(pl.String))
        .join(
            lookup.lazy(), left_on=customer, right_on="__source", how="left", maintain_order="left"
        )
        .with_columns(pl.coalesce("__cluster", customer).alias(customer))
        .drop("__cluster")
    )
    return mapped if isinstance(frame, pl.LazyFrame) else mapped.collect()


def _best_overlap(
    frame: pl.DataFrame | pl.LazyFrame,
    clusters: pl.DataFrame,
    *,
    customer: str,
    candidates: list[str],
) -> str:
    ids = frame.lazy().select(pl.col(customer).cast(pl.String).unique()).collect().to_series()
    best, best_hits = None, 0
    for column in candidates:
        values = clusters.get_column(column).cast(pl.String, strict=False)
        hits = int(values.is_in(ids.implode()).sum())
        if hits > best_hits:
            best, best_hits = column, hits
    if best is None:
        raise InvalidOption(
            "no column of the clusters file matches the transaction customer ids; "
            "name it with --clusters-on"
        )
    return best


@overload
def prepare_transactions(
    frame: pl.DataFrame,
    *,
    customer: str,
    date: str,
    amount: str | None = None,
    currency: str | None = "auto",
    rates: Mapping[str, float] | None = None,
    dayfirst: bool = True,
    order: str | None = None,
) -> pl.DataFrame: ...


@overload
def prepare_transactions(
    frame: pl.LazyFrame,
    *,
    customer: str,
    date: str,
    amount: str | None = None,
    currency: str | None = "auto",
    rates: Mapping[str, float] | None = None,
    dayfirst: bool = True,
    order: str | None = None,
) -> pl.LazyFrame: ...


@overload
def prepare_transactions(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    customer: str,
    date: str,
    amount: str | None = None,
    currency: str | None = "auto",
    rates: Mapping[str, float] | None = None,
    dayfirst: bool = True,
    order: str | None = None,
) -> pl.DataFrame | pl.LazyFrame: ...


def prepare_transactions(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    customer: str,
    date: str,
    amount: str | None = None,
    currency: str | None = "auto",
    rates: Mapping[str, float] | None = None,
    dayfirst: bool = True,
    order: str | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Clean transaction rows: ``customer_id`` (text), ``order_date`` (date), ``amount`` (float,
    converted with ``rates`` when there is a currency column) and ``row_status`` (plus
    ``order_id`` with ``order``, ``currency`` when there is a currency column).

    Every input row is kept; ``row_status`` says whether it is an ``order``, a ``return``, or
    why it is left out (see the module docs). With several currencies and no ``rates`` the
    call raises :class:`~custdata.errors.InvalidOption` rather than add roubles to dollars:
    pass ``rates={"USD": 92.0, ...}`` (value of one unit in the base currency; the base
    currency itself and any currency not listed as a key but given rate 1 count as is).

    >>> tx = pl.DataFrame({"c": ["a", "a", "b", None], "d": ["2024-01-02", "03.01.2024", None, "2024-01-01"],
    ...                    "s": ["100", "-20", "5", "1"]})
    >>> prepare_transactions(tx, customer="c", date="d", amount="s")["row_status"].to_list()
    ['order', 'return', 'missing_date', 'missing_customer']
    """
    names = column_names(frame)
    check_columns(
        frame, [customer, date] + ([amount] if amount else []) + ([order] if order else [])
    )
    currency = resolve_currency(names, currency)
    schema = frame.collect_schema()
    amount_expr = _amount_expr(schema, amount) if amount else pl.lit(None, dtype=pl.Float64)
    raw_amount_missing = (
        pl.col(amount).is_null() | (pl.col(amount).cast(pl.String).str.strip_chars() == "")
        if amount
        else pl.lit(False)
    )
    cust = pl.col(customer).cast(pl.String).str.strip_chars()
    cust = pl.when(cust == "").then(None).otherwise(cust)
    raw_date = pl.col(date)
    date_missing = raw_date.is_null()
    if schema[date] == pl.String:
        date_missing = date_missing | (raw_date.str.strip_chars() == "")
    columns = [
        cust.alias(CUSTOMER),
        parse_date(date, dayfirst=dayfirst).alias(DATE),
        amount_expr.alias(AMOUNT),
        date_missing.alias("__date_missing"),
        raw_amount_missing.alias("__amount_missing"),
    ]
    if order:
        columns.append(pl.col(order).cast(pl.String).alias("order_id"))
    if currency:
        columns.append(
            pl.col(currency).cast(pl.String).str.strip_chars().str.to_uppercase().alias("currency")
        )
    out = frame.select(columns)
    rate_missing = pl.lit(False)
    if currency:
        if rates:
            table = {str(k).strip().upper(): float(v) for k, v in rates.items()}
            for code, value in table.items():
                if not value > 0:
                    raise InvalidOption(f"rate for {code} must be a positive number")
            out = out.with_columns(
                pl.col("currency")
                .replace_strict(table, default=None, return_dtype=pl.Float64)
                .alias("__rate")
            )
            rate_missing = pl.col("__rate").is_null()
            out = out.with_columns((pl.col(AMOUNT) * pl.col("__rate")).alias(AMOUNT))
        else:
            found = (
                out.lazy()
                .select(pl.col("currency").drop_nulls().unique().sort())
                .collect()
                .to_series()
            )
            if found.len() > 1:
                codes = ", ".join(c for c in found.to_list() if len(c) <= 5)
                raise InvalidOption(
                    f"amounts are in {found.len()} currencies ({codes}); amounts in different "
                    "currencies cannot be added: give rates (--rate USD=92.5) or keep one currency"
                )
    status = (
        pl.when(pl.col(CUSTOMER).is_null())
        .then(pl.lit("missing_customer", dtype=STATUS_DTYPE))
        .when(pl.col("__date_missing"))
        .then(pl.lit("missing_date", dtype=STATUS_DTYPE))
        .when(pl.col(DATE).is_null())
        .then(pl.lit("bad_date", dtype=STATUS_DTYPE))
        .when(~pl.col(DATE).is_between(*PLAUSIBLE_DATES))
        .then(pl.lit("implausible_date", dtype=STATUS_DTYPE))
        .when(pl.col(AMOUNT).is_null() & ~rate_missing & pl.lit(amount is not None))
        .then(pl.lit("bad_amount", dtype=STATUS_DTYPE))
        .when(pl.col(AMOUNT).is_not_null() & ~pl.col(AMOUNT).is_finite())
        .then(pl.lit("bad_amount", dtype=STATUS_DTYPE))
        .when(pl.col(AMOUNT).abs() >= MAX_AMOUNT)
        .then(pl.lit("implausible_amount", dtype=STATUS_DTYPE))
        .when(rate_missing)
        .then(pl.lit("no_rate", dtype=STATUS_DTYPE))
        .when(pl.lit(amount is None) | (pl.col(AMOUNT) > 0))
        .then(pl.lit("order", dtype=STATUS_DTYPE))
        .when(pl.col(AMOUNT) < 0)
        .then(pl.lit("return", dtype=STATUS_DTYPE))
        .otherwise(pl.lit("zero_amount", dtype=STATUS_DTYPE))
    )
    out = out.with_columns(status.alias(STATUS)).drop(
        [c for c in ("__date_missing", "__amount_missing", "__rate") if c in column_names(out)]
    )
    return out


#: Statuses of rows that take part in the computations; every other row is an exception.
USED_STATUSES = ("order", "return", "zero_amount")


def transaction_exceptions(
    frame: pl.DataFrame,
    *,
    customer: str,
    date: str,
    amount: str | None = None,
    currency: str | None = "auto",
    rates: Mapping[str, float] | None = None,
    dayfirst: bool = True,
    order: str | None = None,
) -> pl.DataFrame:
    """The input rows left out of RFM/CLV/cohorts, unchanged, with their ``row_status`` reason.

    >>> tx = pl.DataFrame({"c": ["a", "a", "b"], "d": ["2024-01-02", "9999-12-31", "2024-01-03"],
    ...                    "s": ["10", "5", "inf"]})
    >>> transaction_exceptions(tx, customer="c", date="d", amount="s")["row_status"].to_list()
    ['implausible_date', 'bad_amount']
    """
    prepared = prepare_transactions(
        frame,
        customer=customer,
        date=date,
        amount=amount,
        currency=currency,
        rates=rates,
        dayfirst=dayfirst,
        order=order,
    )
    status = prepared.lazy().select(STATUS).collect().to_series()
    out = frame.with_columns(status.cast(pl.String).alias(STATUS))
    return out.filter(~pl.col(STATUS).is_in(list(USED_STATUSES)))


def transaction_report(prepared: pl.DataFrame | pl.LazyFrame) -> dict[str, Any]:
    """Counts of prepared rows by status and by currency (for the CLI summary line).

    >>> tx = pl.DataFrame({"c": ["a", "a"], "d": ["2024-01-02", None], "s": [1, 2]})
    >>> transaction_report(prepare_transactions(tx, customer="c", date="d", amount="s"))["missing_date"]
    1
    """
    lf = prepared.lazy()
    plans = [lf.group_by(STATUS).len()]
    has_currency = "currency" in column_names(prepared)
    if has_currency:
        plans.append(lf.group_by("currency").len().sort("currency", nulls_last=True))
    frames = pl.collect_all(plans)
    return report_from_counts(frames[0], frames[1] if has_currency else None)


def report_from_counts(
    status_counts: pl.DataFrame, currency_counts: pl.DataFrame | None = None
) -> dict[str, Any]:
    """Build the :func:`transaction_report` dict from per-status (and per-currency) row counts."""
    counts = {str(k): int(v) for k, v in status_counts.iter_rows()}
    out: dict[str, Any] = {"rows": int(sum(counts.values()))}
    for status in ROW_STATUSES:
        out[status] = counts.get(status, 0)
    if currency_counts is not None:
        out["currencies"] = {k: int(v) for k, v in currency_counts.iter_rows()}
    return out


def describe_report(report: Mapping[str, Any]) -> str:
    """One readable line from :func:`transaction_report`.

    >>> describe_report({"rows": 3, "order": 2, "return": 1, "customers": 1})
    '3 rows: 2 orders, 1 returns'
    """
    parts = [f"{report.get('order', 0)} orders"]
    labels = {
        "return": "returns",
        "zero_amount": "zero amounts",
        "missing_date": "missing dates",
        "bad_date": "unreadable dates",
        "bad_amount": "unreadable amounts",
        "missing_customer": "rows without customer",
        "no_rate": "rows in a currency without a rate",
        "implausible_date": "implausible dates",
        "implausible_amount": "implausible amounts",
    }
    for key, label in labels.items():
        if report.get(key):
            parts.append(f"{report[key]} {label}")
    text = f"{report.get('rows', 0)} rows: " + ", ".join(parts)
    currencies = report.get("currencies")
    if currencies and len(currencies) > 1:
        text += "; currencies " + ", ".join(f"{k or 'none'} {v}" for k, v in currencies.items())
    return text


def as_of_date(value: str | dt.date | dt.datetime | None) -> dt.date | None:
    """Parse the ``as_of`` option (ISO text, a date or a datetime).

    >>> as_of_date("2024-12-31")
    datetime.date(2024, 12, 31)
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidOption("as-of date must be written as YYYY-MM-DD") from None


#: Column names tried, in order, when the customer/date/amount columns are not named.
GUESSES = {
    "customer": (
        "customer_id",
        "customer",
        "client_id",
        "client",
        "cust_id",
        "код клиента",
        "клиент",
        "id клиента",
        "код клієнта",
        "клієнт",
    ),
    "date": (
        "order_date",
        "date",
        "invoice_date",
        "purchase_date",
        "created_at",
        "дата заказа",
        "дата",
        "дата замовлення",
    ),
    "amount": ("amount", "total", "revenue", "sum", "price", "сумма", "сумма заказа", "сума"),
}


def guess_column(columns: list[str], kind: str, given: str | None = None) -> str:
    """``given`` when set, else the first column whose name is a usual name for ``kind``
    (``customer``, ``date``, ``amount``); raises :class:`InvalidOption` when none fits.

    >>> guess_column(["Код клиента", "Дата", "Сумма"], "amount")
    'Сумма'
    """
    if given:
        return given
    folded = {c.strip().casefold(): c for c in columns}
    for name in GUESSES[kind]:
        if name in folded:
            return folded[name]
    raise InvalidOption(
        f"cannot tell which column holds the {kind}; name it with --{kind} "
        f"(columns: {show_columns(list(columns))})"
    )
