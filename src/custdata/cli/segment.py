"""``custdata segment``: RFM, rule-based segments, lifetime value, cohorts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from custdata.cli._common import (
    DayfirstOpt,
    InputArg,
    IOOptions,
    deprecated,
    io_options,
    lazy_module,
    message,
    progress,
)
from custdata.cli._segment_options import (
    AmountOpt,
    AsOfOpt,
    BaseOpt,
    ClusterColOpt,
    ClustersOnOpt,
    ClustersOpt,
    CurrencyOpt,
    CustomerOpt,
    DateOpt,
    MonthFirstOpt,
    RateOpt,
    _currency,
    _rates,
    _summary_table,
    _transactions,
)
from custdata.errors import InvalidOption, OutputError

seg = lazy_module("custdata.segment")

app = typer.Typer(
    name="segment",
    help="Segment customers: RFM scores and segments, rule files, lifetime value, cohorts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


@app.command("rfm")
@io_options()
def rfm_command(
    input: InputArg,
    io: IOOptions,
    customer: CustomerOpt = None,
    date: DateOpt = None,
    amount: AmountOpt = None,
    order: Annotated[
        str | None,
        typer.Option(
            "--order",
            help="Order id column: frequency counts distinct orders, not rows.",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    bins: Annotated[
        int, typer.Option("--bins", help="Number of score bins (2-10; 5 or 4 usual).", metavar="N")
    ] = 5,
    segment_map: Annotated[
        str,
        typer.Option(
            "--map",
            help="Segment map: 'rf' (R x F grid), 'rfm' (R package rfm table) or a .toml file.",
            metavar="rf|rfm|FILE",
        ),
    ] = "rf",
    language: Annotated[
        str,
        typer.Option(
            "--language",
            help="Also add rfm_segment_name in this language: en, ru, uk.",
            metavar="en|ru|uk",
        ),
    ] = "en",
    currency: CurrencyOpt = "auto",
    rate: RateOpt = None,
    base_currency: BaseOpt = "RUB",
    clusters: ClustersOpt = None,
    clusters_on: ClustersOnOpt = None,
    cluster_column: ClusterColOpt = "cluster_id",
    dayfirst: DayfirstOpt = True,
    month_first: MonthFirstOpt = False,
    report: Annotated[
        str | None,
        typer.Option(
            "--report",
            help="Also write a self-contained HTML report (RFM grid, segments, cohorts).",
            show_default=False,
            metavar="FILE.html",
        ),
    ] = None,
    exceptions: Annotated[
        str | None,
        typer.Option(
            "--exceptions",
            help="Also write the rows left out (unreadable or implausible dates and amounts, ...) "
            "with their row_status.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """RFM per customer: recency, frequency, monetary, R/F/M scores, RFM code and segment.

    Returns (negative amounts) lower the spend, zero amounts and rows without a readable date
    are left out and counted; several currencies need --rate. A table of segments is shown on
    stderr.

    Examples:

    \b
      custdata segment rfm examples/orders.csv --rate UAH=2.3 --rate USD=92 -o rfm.csv
    """
    if report and Path(report).suffix.lower() not in (".html", ".htm"):
        raise InvalidOption("--report must name an .html file")
    from custdata.io import check_outputs

    check_outputs(
        [("-o", io.output), ("--exceptions", exceptions), ("--report", report)],
        [input, *([clusters] if clusters else [])],
    )
    frame = io.read(input)
    frame, customer, date, amount = _transactions(
        frame,
        customer=customer,
        date=date,
        amount=amount,
        clusters=clusters,
        clusters_on=clusters_on,
        cluster_column=cluster_column,
        quiet=io.quiet,
    )
    if month_first:
        deprecated("--month-first", "--monthfirst")
        dayfirst = False
    rates = _rates(rate, base_currency)
    smap = seg.load_segment_map(segment_map)
    with progress("scoring", quiet=io.quiet):
        result, facts = seg.rfm_with_report(
            frame,
            customer=customer,
            date=date,
            amount=amount,
            as_of=as_of,
            bins=bins,
            segment_map=smap,
            order=order,
            currency=_currency(currency),
            rates=rates,
            dayfirst=dayfirst,
            language=language,
        )
    io.write(result, inputs=input)
    if exceptions:
        left_out = seg.transaction_exceptions(
            frame,
            customer=customer,
            date=date,
            amount=amount,
            order=order,
            currency=_currency(currency),
            rates=rates,
            dayfirst=dayfirst,
        )
        io.write_side(left_out, exceptions, inputs=input)
    if report:
        _write_report(
            report,
            result,
            frame,
            customer=customer,
            date=date,
            amount=amount,
            currency=_currency(currency),
            rates=rates,
            bins=bins,
            as_of=as_of,
            notes=[seg.describe_report(facts)],
            quiet=io.quiet,
        )
    _summary_table(seg.segment_summary(result), io.quiet)
    message(f"rfm: {result.height:,} customers from {seg.describe_report(facts)}", quiet=io.quiet)


def _write_report(
    path: str,
    result: pl.DataFrame,
    frame: pl.DataFrame,
    *,
    customer: str,
    date: str,
    amount: str,
    currency: str | None,
    rates: dict[str, float] | None,
    bins: int,
    as_of: str | None,
    notes: list[str],
    quiet: bool,
) -> None:
    from custdata.segment.report import html_report

    with progress("drawing the report", quiet=quiet):
        cohort_table = seg.cohorts(
            frame, customer=customer, date=date, amount=amount, currency=currency, rates=rates
        )
        page = html_report(result, cohort_table=cohort_table, bins=bins, as_of=as_of, notes=notes)
    target = Path(path)
    if not target.parent.exists():
        raise OutputError(
            f"folder {target.parent} does not exist; create it or choose another --report path"
        )
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise OutputError(f"cannot write the report to {target} ({exc.strerror})") from None
    message(f"report: {target}", quiet=quiet)


@app.command("rules")
@io_options()
def rules_command(
    input: InputArg,
    io: IOOptions,
    rules: Annotated[
        str,
        typer.Option(
            "--rules",
            help="TOML rule file: [[segment]] tables with name and where.",
            show_default=False,
            metavar="FILE",
        ),
    ],
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            help="'first' matching segment or 'all' matches as a list (default: from the file, else first).",
            show_default=False,
            metavar="first|all",
        ),
    ] = None,
    column: Annotated[
        str | None,
        typer.Option(
            "--column-name",
            help="Output column (default: from the file, else 'segment').",
            show_default=False,
            metavar="NAME",
        ),
    ] = None,
    default: Annotated[
        str | None,
        typer.Option(
            "--default",
            help="Label when no rule matches (first mode).",
            show_default=False,
            metavar="LABEL",
        ),
    ] = None,
    id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="Customer id column of INPUT (to join RFM fields from --transactions).",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    birth_date: Annotated[
        str | None,
        typer.Option(
            "--birth-date",
            help="Birth date column: adds age and age_band.",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    gender: Annotated[
        str | None,
        typer.Option(
            "--gender",
            help="Gender column: adds gender (male/female).",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="Full name column: gender from the name normalizer (when --gender is not given).",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    transactions: Annotated[
        str | None,
        typer.Option(
            "--transactions",
            help="Orders file: adds RFM fields (days_since_last_order, order_count, total_spend, rfm_segment...).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    customer: CustomerOpt = None,
    date: DateOpt = None,
    amount: AmountOpt = None,
    as_of: AsOfOpt = None,
    currency: CurrencyOpt = "auto",
    rate: RateOpt = None,
    base_currency: BaseOpt = "RUB",
    clusters: ClustersOpt = None,
    clusters_on: ClustersOnOpt = None,
    cluster_column: ClusterColOpt = "cluster_id",
) -> None:
    """Apply a TOML file of named segments (SQL conditions) to a customer table, in order.

    Examples:

    \b
      custdata segment rules examples/crm_export.csv --rules examples/segments.toml \\
        --id "Код клиента" --birth-date "Дата рождения" \\
        --transactions examples/orders.csv --rate UAH=2.3 --rate USD=92 -o segments.csv
    """
    from custdata.segment.job import OrderColumns, RulesOptions, segment_customers

    if transactions and not id:
        raise InvalidOption("--transactions needs --id: the customer id column of INPUT")
    options = RulesOptions(
        mode=mode,
        column=column,
        default=default,
        id=id,
        birth_date=birth_date,
        gender=gender,
        name=name,
        orders=OrderColumns(
            customer=customer,
            date=date,
            amount=amount,
            as_of=as_of,
            currency=_currency(currency),
            rates=_rates(rate, base_currency),
            clusters_on=clusters_on,
            cluster_column=cluster_column,
        ),
    )
    ruleset = seg.load_rules(rules)
    frame = io.read(input)
    orders = io.read_plain(transactions) if transactions else None
    table = io.read_plain(clusters) if clusters and transactions else None
    found = segment_customers(frame, ruleset, options, orders=orders, clusters=table)
    if found.ids_before is not None:
        io.say(f"clusters: {found.ids_before:,} customer ids -> {found.ids_after:,} people")
    result = found.frame
    io.write(result, inputs=input)
    out_col = found.column
    if result.schema[out_col] == pl.String:
        top = result.group_by(out_col).len().sort("len", descending=True).head(5)
        shown = ", ".join(f"{k if k is not None else 'none'} {v:,}" for k, v in top.iter_rows())
    else:
        shown = f"{int(result.select(pl.col(out_col).list.len().gt(0).sum()).item()):,} matched"
    message(
        f"rules: {result.height:,} customers, {len(ruleset.rules)} rules; {shown}", quiet=io.quiet
    )


@app.command("clv")
@io_options()
def clv_command(
    input: InputArg,
    io: IOOptions,
    customer: CustomerOpt = None,
    date: DateOpt = None,
    amount: AmountOpt = None,
    as_of: AsOfOpt = None,
    horizon: Annotated[
        int, typer.Option("--horizon", help="Months to predict.", metavar="MONTHS")
    ] = 12,
    discount_rate: Annotated[
        float, typer.Option("--discount-rate", help="Monthly discount rate.", metavar="RATE")
    ] = 0.01,
    penalizer: Annotated[
        float,
        typer.Option(
            "--penalizer",
            help="L2 penalty on the parameters, added to the mean log-likelihood per customer "
            "as in lifetimes (default 0 = plain maximum likelihood, as lifetimes).",
            metavar="L2",
        ),
    ] = 0.0,
    currency: CurrencyOpt = "auto",
    rate: RateOpt = None,
    base_currency: BaseOpt = "RUB",
    clusters: ClustersOpt = None,
    clusters_on: ClustersOnOpt = None,
    cluster_column: ClusterColOpt = "cluster_id",
) -> None:
    """Lifetime value per customer: history, BG/NBD expected purchases and probability alive,
    Gamma-Gamma expected order value, CLV over --horizon months.

    Examples:

    \b
      custdata segment clv examples/orders.csv --rate UAH=2.3 --rate USD=92 --horizon 12 -o clv.csv
    """
    frame = io.read(input)
    frame, customer, date, amount = _transactions(
        frame,
        customer=customer,
        date=date,
        amount=amount,
        clusters=clusters,
        clusters_on=clusters_on,
        cluster_column=cluster_column,
        quiet=io.quiet,
    )
    with progress("fitting BG/NBD and Gamma-Gamma", quiet=io.quiet):
        result = seg.clv(
            frame,
            customer=customer,
            date=date,
            amount=amount,
            as_of=as_of,
            horizon=horizon,
            discount_rate=discount_rate,
            penalizer=penalizer,
            currency=_currency(currency),
            rates=_rates(rate, base_currency),
        )
    io.write(result, inputs=input)
    later = seg.rows_after(frame, date=date, as_of=as_of) if as_of else 0
    if later:
        message(
            f"clv: {later:,} rows dated after --as-of {as_of} left out (after the calibration "
            "period)",
            quiet=io.quiet,
        )
    total = float(result["clv"].sum() or 0.0)
    alive = float(result["probability_alive"].mean() or 0.0)
    message(
        f"clv: {result.height:,} customers, {horizon}-month CLV total {total:,.0f}, "
        f"mean probability alive {alive:.0%}",
        quiet=io.quiet,
    )


@app.command("cohorts")
@io_options()
def cohorts_command(
    input: InputArg,
    io: IOOptions,
    customer: CustomerOpt = None,
    date: DateOpt = None,
    amount: AmountOpt = None,
    shape: Annotated[
        str,
        typer.Option(
            "--shape",
            metavar="wide|long",
            help=(
                "'wide' (one row per cohort, columns m0, m1, ...) or 'long' (one row per cohort "
                "and month, with revenue)."
            ),
        ),
    ] = "wide",
    value: Annotated[
        str,
        typer.Option(
            "--value",
            help="Wide cells: retention, active or revenue.",
            metavar="retention|active|revenue",
        ),
    ] = "retention",
    currency: CurrencyOpt = "auto",
    rate: RateOpt = None,
    base_currency: BaseOpt = "RUB",
    clusters: ClustersOpt = None,
    clusters_on: ClustersOnOpt = None,
    cluster_column: ClusterColOpt = "cluster_id",
) -> None:
    """Acquisition-month cohorts: share of each cohort ordering again k months later, and revenue.

    Examples:

    \b
      custdata segment cohorts examples/orders.csv --rate UAH=2.3 --rate USD=92 -o retention.csv
    """
    if shape not in ("wide", "long"):
        raise InvalidOption("--shape must be 'wide' or 'long'")
    if value not in ("retention", "active", "revenue"):
        raise InvalidOption("--value must be retention, active or revenue")
    frame = io.read(input)
    frame, customer, date, amount = _transactions(
        frame,
        customer=customer,
        date=date,
        amount=amount,
        clusters=clusters,
        clusters_on=clusters_on,
        cluster_column=cluster_column,
        quiet=io.quiet,
    )
    table = seg.cohorts(
        frame,
        customer=customer,
        date=date,
        amount=amount,
        currency=_currency(currency),
        rates=_rates(rate, base_currency),
    )
    result = table if shape == "long" else seg.retention_matrix(table, value=value)
    io.write(result, inputs=input)
    n = table.select(pl.col("cohort").n_unique()).item()
    m1 = table.filter(pl.col("period") == 1)
    mean_m1 = float(m1["retention"].mean() or 0.0) if m1.height else 0.0
    message(f"cohorts: {n} monthly cohorts; mean month-1 retention {mean_m1:.0%}", quiet=io.quiet)
