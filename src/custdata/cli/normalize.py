"""``custdata normalize phones|emails|names|dates|genders|ids|organizations|addresses|all``.

One command, one library call.
"""

from __future__ import annotations

from typing import Annotated

import polars as pl
import typer

from custdata.cli._common import (
    ColumnOpt,
    DayfirstOpt,
    FallbackRegionOpt,
    InputArg,
    IOOptions,
    RegionOpt,
    alias,
    io_options,
    lazy_module,
    stages,
)
from custdata.cli._normalize_common import (
    EngineOpt,
    _check_spark_columns,
    _columns,
    _names,
    _normalize_columns,
    _report,
    _run,
    _source,
    _spark_columns,
    _spark_engine,
    normalize_all,
)
from custdata.cli._normalize_spark import run_on_spark
from custdata.errors import InvalidOption
from custdata.schema import detect_columns, tax_id_columns

app = typer.Typer(
    help=(
        "Normalize phones, emails, names, birth dates, gender values, tax ids, organization "
        "names and postal addresses; adds <column>_status reason codes."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)

normalize = lazy_module("custdata.normalize")


@app.command("phones")
@io_options(in_place="columns", stream=True)
def phones_cmd(
    input: InputArg,
    io: IOOptions,
    column: ColumnOpt = None,
    region: RegionOpt = "RU",
    region_column: Annotated[
        str | None,
        typer.Option(
            "--region-column",
            help="Column with each row's country (ISO code); --region fills the gaps.",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    multiple: Annotated[
        str,
        typer.Option(
            "--multiple",
            help=(
                "Cells with several numbers: 'first' keeps the first and flags the rest, "
                "'explode' gives one row per number."
            ),
            metavar="first|explode",
        ),
    ] = "first",
    formats: Annotated[
        bool, typer.Option("--formats", help="Also add national and international formats.")
    ] = False,
    fallback_region: FallbackRegionOpt = None,
    engine: EngineOpt = "polars",
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Worker processes for the slow path (1 = none; default: automatic).",
            show_default=False,
            metavar="N",
        ),
    ] = None,
) -> None:
    """Phones to E.164 (phonenumbers), with type, region and a reason code for each invalid value.

    Examples:

    \b
      custdata normalize phones examples/crm_export.csv -c Телефон --region RU -o phones.csv
    """
    if multiple not in ("first", "explode"):
        raise InvalidOption("--multiple must be 'first' or 'explode'")
    evidence: dict[str, list[str]] = {}  # streamed: each column's regions, found over the file

    def step(frame: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
        options = dict(
            region=region,
            region_column=region_column,
            fallback_region=fallback_region,
            multiple=multiple,
            formats=formats,
            in_place=io.in_place,
            workers=workers,
        )
        if not evidence:
            return normalize.phones(frame, cols, **options)
        for col in cols:  # one column at a time, each with its own column's regions
            frame = normalize.phones(frame, col, regions=evidence[col], **options)
        return frame

    def find_regions(source, cols: list[str]) -> None:
        if isinstance(source, pl.LazyFrame):
            from custdata.streaming import phone_regions

            evidence.update({c: phone_regions(source, c, region=region) for c in cols})
        else:  # a Spark DataFrame: the evidence is gathered on the driver
            from custdata import spark as cs

            evidence.update({c: cs.phone_regions(source, [c], region=region) for c in cols})

    _normalize_columns(
        step,
        input,
        column,
        "phone",
        "phone",
        io,
        before_stream=find_regions if region_column is None else None,
        streamable=region_column is None,
        engine=engine,
    )


@app.command("emails")
@io_options(in_place="columns", stream=True)
def emails_cmd(
    input: InputArg,
    io: IOOptions,
    column: ColumnOpt = None,
    keep_local_case: Annotated[
        bool,
        typer.Option(
            "--keep-local-case",
            help="Keep the case of the part before @ (RFC 5321 allows case-sensitive mailboxes).",
        ),
    ] = False,
    check_deliverability: Annotated[
        bool,
        typer.Option(
            "--check-deliverability", help="Also look up the domain's DNS (slow, needs network)."
        ),
    ] = False,
    engine: EngineOpt = "polars",
) -> None:
    """Emails: validated (email-validator), normalized, a canonical matching key, typo/disposable/role flags.

    Examples:

    \b
      custdata normalize emails examples/shop_customers.xlsx -c email -o emails.csv
    """
    _normalize_columns(
        lambda frame, cols: normalize.emails(
            frame,
            cols,
            lowercase_local=not keep_local_case,
            check_deliverability=check_deliverability,
            in_place=io.in_place,
        ),
        input,
        column,
        "email",
        "email",
        io,
        engine=engine,
    )


@app.command("names")
@io_options(in_place="columns", stream=True)
def names_cmd(
    input: InputArg,
    io: IOOptions,
    column: ColumnOpt = None,
    word_order: Annotated[
        str,
        typer.Option(
            "--word-order",
            help=(
                "Word order of full names: auto, eastern (Фамилия Имя Отчество) "
                "or western (First Middle Last)."
            ),
            metavar="ORDER",
        ),
    ] = "auto",
    order: Annotated[str | None, typer.Option("--order", hidden=True)] = None,
    first: Annotated[
        str | None,
        typer.Option(
            "--first",
            help="Column with first names (for tables with separate name columns).",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    last: Annotated[
        str | None,
        typer.Option("--last", help="Column with surnames.", show_default=False, metavar="COLUMN"),
    ] = None,
    middle: Annotated[
        str | None,
        typer.Option(
            "--middle",
            help="Column with patronymics / middle names.",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    engine: EngineOpt = "polars",
) -> None:
    """Names: cleaned, split into last/first/middle, gender hint, transliterated matching key.

    Examples:

    \b
      custdata normalize names examples/crm_export.csv -c ФИО -o names.csv
      custdata normalize names examples/shop_customers.xlsx --first first_name --last last_name -o parts.csv
    """
    order = alias(word_order, order, old="--order", new="--word-order", default="auto")
    if order not in ("auto", "eastern", "western"):
        raise InvalidOption("--word-order must be auto, eastern or western")
    parts = {k: v for k, v in (("first", first), ("last", last), ("middle", middle)) if v}

    def step(frame: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
        out = frame
        if parts:
            out = normalize.name_parts(out, **parts, in_place=io.in_place)
        if cols:
            out = normalize.names(out, cols, order=order, in_place=io.in_place)
        return out

    if _spark_engine(engine):

        def plan(sdf):
            _check_spark_columns(sdf, list(parts.values()))
            cols = (
                _spark_columns(sdf, column, "full_name", "full-name") if column or not parts else []
            )
            return (lambda frame: step(frame, cols)), {"full_name": cols}

        run_on_spark(input, io, "name", plan)
    else:
        source = _source(io, input)
        cols: list[str] = []
        if parts:
            from custdata.frames import check_columns

            check_columns(source, list(parts.values()))
        if column or not parts:
            cols = _columns(source, column, "full_name", "full-name")
        _run(lambda frame: step(frame, cols), input, source, {"full_name": cols}, "name", io)
    if parts:
        io.say(f"name parts: {', '.join(parts.values())} cleaned and keyed")


@app.command("dates")
@io_options(in_place="columns", stream=True)
def dates_cmd(
    input: InputArg,
    io: IOOptions,
    column: ColumnOpt = None,
    dayfirst: DayfirstOpt = True,
    ambiguous_flag: Annotated[
        bool,
        typer.Option(
            "--ambiguous-flag",
            help="Flag dates like 03/04/1985 as 'ambiguous' instead of reading them by --dayfirst.",
        ),
    ] = False,
    min_year: Annotated[
        int, typer.Option("--min-year", help="Earliest plausible birth year.", metavar="YEAR")
    ] = 1900,
    engine: EngineOpt = "polars",
) -> None:
    """Birth dates in mixed formats (31.12.1985, 1985-12-31, Excel serials, ...) to ISO dates.

    Dates before --min-year or in the future get status out_of_range; with --ambiguous-flag,
    03/04/1985 is flagged 'ambiguous' instead of being read by --dayfirst.

    Examples:

    \b
      custdata normalize dates examples/crm_export.csv -c "Дата рождения" -o dates.csv
    """
    import datetime as dt

    today = dt.date.today()  # read once: every streamed batch judges "future" by the same day
    _normalize_columns(
        lambda frame, cols: normalize.birth_dates(
            frame,
            cols,
            dayfirst=None if ambiguous_flag else dayfirst,
            min_year=min_year,
            today=today,
            in_place=io.in_place,
        ),
        input,
        column,
        "birth_date",
        "birth-date",
        io,
        engine=engine,
    )


@app.command("genders")
@io_options(in_place="columns", stream=True)
def genders_cmd(
    input: InputArg,
    io: IOOptions,
    column: ColumnOpt = None,
    engine: EngineOpt = "polars",
) -> None:
    """Gender values (М/Ж, муж/жен, male/f, ...) to one code: male, female or empty.

    Examples:

    \b
      custdata normalize genders examples/crm_export.csv -c Пол -o genders.csv
    """
    _normalize_columns(
        lambda frame, cols: normalize.genders(frame, cols, in_place=io.in_place),
        input,
        column,
        "gender",
        "gender",
        io,
        engine=engine,
    )


@app.command("ids")
@io_options(in_place="columns", stream=True)
def ids_cmd(
    input: InputArg,
    io: IOOptions,
    column: ColumnOpt = None,
    id_type: Annotated[
        str,
        typer.Option(
            "--id-type",
            help=(
                "auto, ru_inn (ИНН), ru_ogrn (ОГРН), ua_edrpou (ЄДРПОУ), ua_rntrc (РНОКПП/ІПН) "
                "or by_unp (УНП)."
            ),
            metavar="TYPE",
        ),
    ] = "auto",
    kind: Annotated[str | None, typer.Option("--kind", hidden=True)] = None,
    engine: EngineOpt = "polars",
) -> None:
    """Russian, Ukrainian and Belarusian tax numbers (ИНН, ОГРН, ЄДРПОУ, РНОКПП, УНП), checked with python-stdnum.

    Examples:

    \b
      custdata normalize ids firms.csv -c ИНН --id-type ru_inn -o firms_checked.csv
    """
    kind = alias(id_type, kind, old="--kind", new="--id-type", default="auto")

    def find(names: list[str]) -> list[str]:
        found = column or tax_id_columns(names)
        if not found:
            raise InvalidOption(
                "no tax-number column found (ИНН, ОГРН, ЄДРПОУ, РНОКПП, УНП); name it with -c COLUMN"
            )
        return found

    def step(frame: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
        return normalize.tax_ids(frame, cols, kind=kind, in_place=io.in_place)

    if _spark_engine(engine):
        from custdata import spark as cs
        from custdata.cli._normalize_spark import spark_status_counts

        def plan(sdf):
            cols = find(sdf.columns)
            _check_spark_columns(sdf, cols)
            return (lambda frame: step(frame, cols)), {"tax_id": cols}

        _, planned = run_on_spark(input, io, "tax number", plan, counts=False)
        cols = planned["tax_id"]
        written = cs.session().read.parquet(str(io.output))
        statuses = spark_status_counts(written, cols)
    else:
        source = _source(io, input)
        cols = find(_names(source))
        statuses = {col: {} for col in cols}

        def observe(_before: pl.DataFrame, after: pl.DataFrame) -> None:
            for col in cols:
                for status, n in after[f"{col}_status"].value_counts().iter_rows():
                    statuses[col][status] = statuses[col].get(status, 0) + n

        if isinstance(source, pl.LazyFrame):
            from custdata.frames import check_columns

            check_columns(source, cols)
            io.stream(lambda frame: step(frame, cols), input, observe=observe)
        else:
            out = step(source, cols)
            io.write(out, inputs=input)
            observe(source, out)
    for col in cols:  # most frequent first, ties by name: the same in memory and streamed
        ranked = sorted(statuses[col].items(), key=lambda sn: (-sn[1], str(sn[0])))
        io.say(f"{col}: {', '.join(f'{s} {n:,}' for s, n in ranked)}")


@app.command("organizations")
@io_options(in_place="columns", stream=True)
def organizations_cmd(
    input: InputArg,
    io: IOOptions,
    column: ColumnOpt = None,
    engine: EngineOpt = "polars",
) -> None:
    """Organization names: legal form taken off (ООО, ТОВ, LLC, GmbH, ...), branch split off, a matching key.

    Examples:

    \b
      custdata normalize organizations examples/companies.csv -c Контрагент -o orgs.csv
    """
    _normalize_columns(
        lambda frame, cols: normalize.organizations(frame, cols, in_place=io.in_place),
        input,
        column,
        "org_name",
        "organization-name",
        io,
        engine=engine,
    )


@app.command("addresses")
@io_options(in_place="columns", stream=True)
def addresses_cmd(
    input: InputArg,
    io: IOOptions,
    column: ColumnOpt = None,
    style: Annotated[
        str,
        typer.Option(
            "--style",
            help="Standard form: short (ул., д., St, Apt) or long (улица, дом, Street, Apartment).",
            metavar="short|long",
        ),
    ] = "short",
    engine: EngineOpt = "polars",
) -> None:
    """Postal addresses (RU/UA/BY/KZ and Western): postcode, street, house, flat, a standard form and keys.

    Examples:

    \b
      custdata normalize addresses examples/crm_export.csv -c Адрес -o addresses.csv
    """
    if style not in ("short", "long"):
        raise InvalidOption("--style must be 'short' or 'long'")
    _normalize_columns(
        lambda frame, cols: normalize.addresses(frame, cols, style=style, in_place=io.in_place),
        input,
        column,
        "address",
        "address",
        io,
        engine=engine,
    )


@app.command("all")
@io_options(in_place="columns", stream=True)
def all_cmd(
    input: InputArg,
    io: IOOptions,
    region: RegionOpt = "RU",
    fallback_region: FallbackRegionOpt = None,
    dayfirst: DayfirstOpt = True,
    engine: EngineOpt = "polars",
) -> None:
    """Normalize every detected contact column (phones, emails, names, birth dates, gender).

    Examples:

    \b
      custdata normalize all examples/crm_export.csv -o normalized.parquet
    """
    import datetime as dt

    today = dt.date.today()  # read once: every streamed batch judges "future" by the same day

    def step(frame, kinds, regions=None, progress=None):
        return normalize_all(
            frame,
            columns=kinds,
            region=region,
            fallback_region=fallback_region,
            dayfirst=dayfirst,
            in_place=io.in_place,
            regions=regions,
            today=today,
            progress=progress,
        )

    if _spark_engine(engine):

        def plan(sdf):
            from custdata import spark as cs

            found = cs.detect_columns(sdf)
            phones = found.get("phone", [])
            by_column = {c: cs.phone_regions(sdf, [c], region=region) for c in phones}
            return (lambda frame: step(frame, found, by_column)), found

        run_on_spark(input, io, "column", plan)
        return
    source = _source(io, input)
    kinds = detect_columns(source)
    if isinstance(source, pl.LazyFrame):  # each phone column's regions, found over the file
        from custdata.streaming import phone_regions

        regions = {c: phone_regions(source, c, region=region) for c in kinds.get("phone", [])}
        _run(lambda frame: step(frame, kinds, regions), input, source, kinds, "column", io)
        return
    with stages(io.quiet) as on_progress:
        out = step(source, kinds, progress=on_progress)
    io.write(out, inputs=input)
    _report(source, out, kinds, io)
