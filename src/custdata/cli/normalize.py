"""``custdata normalize phones|emails|names|dates|genders|all``: one command, one library call."""

from __future__ import annotations

from typing import Annotated

import polars as pl
import typer

from custdata.cli._common import (
    BomOpt,
    ColumnOpt,
    DebugOpt,
    DelimiterOpt,
    EncodingOpt,
    FromOpt,
    InPlaceOpt,
    InputArg,
    OutputOpt,
    QuietOpt,
    SheetOpt,
    ToOpt,
    lazy_module,
    message,
    progress,
    read_input,
    write_output,
)
from custdata.errors import InvalidOption, column_labels
from custdata.schema import detect_columns

app = typer.Typer(
    help="Normalize phones, emails, names, birth dates and gender values; adds <column>_status reason codes.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

RegionOpt = Annotated[
    str,
    typer.Option("--region", help="Default region (ISO code) for numbers without a country code."),
]
FallbackRegionOpt = Annotated[
    str | None,
    typer.Option(
        "--fallback-region",
        help="Second region tried when --region rejects a number without + (e.g. UA in a mostly Russian table).",
        show_default=False,
    ),
]
DayfirstOpt = Annotated[
    bool,
    typer.Option(
        "--dayfirst/--monthfirst", help="Read 01/02/1985 as 1 February (default) or January 2."
    ),
]


normalize = lazy_module("custdata.normalize")


def normalize_all(*args, **kwargs):
    from custdata.normalize.auto import normalize_all as run

    return run(*args, **kwargs)


def summaries(*args, **kwargs):
    from custdata.normalize.auto import summaries as run

    return run(*args, **kwargs)


def _columns(frame: pl.DataFrame, given: list[str] | None, kind: str, label: str) -> list[str]:
    if given:
        return given
    found = detect_columns(frame).get(kind, [])
    if not found:
        raise InvalidOption(f"no {label} column found; name it with -c COLUMN")
    return found


def _report(
    before: pl.DataFrame,
    after: pl.DataFrame,
    kinds: dict[str, list[str]],
    in_place: bool,
    quiet: bool,
) -> None:
    labels = column_labels(before.columns)
    for key, counts in summaries(before, after, kinds, in_place=in_place).items():
        kind, col = key.split(":", 1)
        message(
            f"{labels.get(col, col)}: {counts['valid']:,} valid ({counts['fixed']:,} fixed), "
            f"{counts['invalid']:,} invalid, {counts['empty']:,} empty of {counts['rows']:,} rows",
            quiet=quiet,
        )


def _normalize_columns(
    step,
    input: str,
    column: list[str] | None,
    kind: str,
    label: str,
    *,
    output: str | None,
    from_: str | None,
    to: str | None,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    bom: bool,
    in_place: bool,
    quiet: bool,
) -> None:
    """The body every single-kind command shares: read, find columns, ``step(frame, cols)``, write, report."""
    frame = read_input(
        input, from_=from_, encoding=encoding, delimiter=delimiter, sheet=sheet, quiet=quiet
    )
    cols = _columns(frame, column, kind, label)
    with progress(f"normalizing {label}s", quiet=quiet):
        out = step(frame, cols)
    write_output(out, output, to=to, input_path=input, in_place=in_place, quiet=quiet, bom=bom)
    _report(frame, out, {kind: cols}, in_place, quiet)


@app.command("phones")
def phones_cmd(
    input: InputArg,
    column: ColumnOpt = None,
    region: RegionOpt = "RU",
    region_column: Annotated[
        str | None,
        typer.Option(
            "--region-column",
            help="Column with each row's country (ISO code); --region fills the gaps.",
            show_default=False,
        ),
    ] = None,
    multiple: Annotated[
        str,
        typer.Option(
            "--multiple",
            help="Cells with several numbers: 'first' keeps the first and flags the rest, 'explode' gives one row per number.",
        ),
    ] = "first",
    formats: Annotated[
        bool, typer.Option("--formats", help="Also add national and international formats.")
    ] = False,
    fallback_region: FallbackRegionOpt = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Worker processes for the slow path (1 = none; default: automatic).",
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Phones to E.164 (phonenumbers), with type, region and a reason code for each invalid value."""
    if multiple not in ("first", "explode"):
        raise InvalidOption("--multiple must be 'first' or 'explode'")
    _normalize_columns(
        lambda frame, cols: normalize.phones(
            frame,
            cols,
            region=region,
            region_column=region_column,
            fallback_region=fallback_region,
            multiple=multiple,
            formats=formats,
            in_place=in_place,
            workers=workers,
        ),
        input,
        column,
        "phone",
        "phone",
        output=output,
        from_=from_,
        to=to,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        bom=bom,
        in_place=in_place,
        quiet=quiet,
    )


@app.command("emails")
def emails_cmd(
    input: InputArg,
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
    output: OutputOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Emails: validated (email-validator), normalized, a canonical matching key, typo/disposable/role flags."""
    _normalize_columns(
        lambda frame, cols: normalize.emails(
            frame,
            cols,
            lowercase_local=not keep_local_case,
            check_deliverability=check_deliverability,
            in_place=in_place,
        ),
        input,
        column,
        "email",
        "email",
        output=output,
        from_=from_,
        to=to,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        bom=bom,
        in_place=in_place,
        quiet=quiet,
    )


@app.command("names")
def names_cmd(
    input: InputArg,
    column: ColumnOpt = None,
    order: Annotated[
        str,
        typer.Option(
            "--order",
            help="Word order of full names: auto, eastern (Фамилия Имя Отчество) or western (First Middle Last).",
        ),
    ] = "auto",
    first: Annotated[
        str | None,
        typer.Option(
            "--first",
            help="Column with first names (for tables with separate name columns).",
            show_default=False,
        ),
    ] = None,
    last: Annotated[
        str | None, typer.Option("--last", help="Column with surnames.", show_default=False)
    ] = None,
    middle: Annotated[
        str | None,
        typer.Option(
            "--middle", help="Column with patronymics / middle names.", show_default=False
        ),
    ] = None,
    output: OutputOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Names: cleaned, split into last/first/middle, gender hint, transliterated matching key."""
    if order not in ("auto", "eastern", "western"):
        raise InvalidOption("--order must be auto, eastern or western")
    frame = read_input(
        input, from_=from_, encoding=encoding, delimiter=delimiter, sheet=sheet, quiet=quiet
    )
    parts = {k: v for k, v in (("first", first), ("last", last), ("middle", middle)) if v}
    out = frame
    cols: list[str] = []
    with progress("normalizing names", quiet=quiet):
        if parts:
            from custdata.normalize._common import check_columns

            check_columns(frame, list(parts.values()))
            out = normalize.name_parts(out, **parts, in_place=in_place)
        if column or not parts:
            cols = _columns(frame, column, "full_name", "full-name")
            out = normalize.names(out, cols, order=order, in_place=in_place)
    write_output(out, output, to=to, input_path=input, in_place=in_place, quiet=quiet, bom=bom)
    _report(frame, out, {"full_name": cols}, in_place, quiet)
    if parts:
        message(f"name parts: {', '.join(parts.values())} cleaned and keyed", quiet=quiet)


@app.command("dates")
def dates_cmd(
    input: InputArg,
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
        int, typer.Option("--min-year", help="Earliest plausible birth year.")
    ] = 1900,
    output: OutputOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Birth dates in mixed formats (31.12.1985, 1985-12-31, Excel serials, ...) to ISO dates.

    Dates before --min-year or in the future get status out_of_range; with --ambiguous-flag,
    03/04/1985 is flagged 'ambiguous' instead of being read by --dayfirst.
    """
    _normalize_columns(
        lambda frame, cols: normalize.birth_dates(
            frame,
            cols,
            dayfirst=None if ambiguous_flag else dayfirst,
            min_year=min_year,
            in_place=in_place,
        ),
        input,
        column,
        "birth_date",
        "birth-date",
        output=output,
        from_=from_,
        to=to,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        bom=bom,
        in_place=in_place,
        quiet=quiet,
    )


@app.command("genders")
def genders_cmd(
    input: InputArg,
    column: ColumnOpt = None,
    output: OutputOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Gender values (М/Ж, муж/жен, male/f, ...) to one code: male, female or empty."""
    _normalize_columns(
        lambda frame, cols: normalize.genders(frame, cols, in_place=in_place),
        input,
        column,
        "gender",
        "gender",
        output=output,
        from_=from_,
        to=to,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        bom=bom,
        in_place=in_place,
        quiet=quiet,
    )


@app.command("ids")
def ids_cmd(
    input: InputArg,
    column: ColumnOpt = None,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="auto, ru_inn (ИНН), ru_ogrn (ОГРН), ua_edrpou (ЄДРПОУ), ua_rntrc (РНОКПП/ІПН) or by_unp (УНП).",
        ),
    ] = "auto",
    output: OutputOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Russian, Ukrainian and Belarusian tax numbers (ИНН, ОГРН, ЄДРПОУ, РНОКПП, УНП), checked with python-stdnum."""
    import re

    frame = read_input(
        input, from_=from_, encoding=encoding, delimiter=delimiter, sheet=sheet, quiet=quiet
    )
    cols = column or [
        c
        for c in frame.columns
        if re.search(r"(?i)инн|іпн|огрн|єдрпоу|едрпоу|рнокпп|унп|\binn\b|edrpou|ogrn", c)
    ]
    if not cols:
        raise InvalidOption(
            "no tax-number column found (ИНН, ОГРН, ЄДРПОУ, РНОКПП, УНП); name it with -c COLUMN"
        )
    out = normalize.tax_ids(frame, cols, kind=kind, in_place=in_place)
    write_output(out, output, to=to, input_path=input, in_place=in_place, quiet=quiet, bom=bom)
    for col in cols:
        counts = out[f"{col}_status"].value_counts(sort=True)
        shown = ", ".join(f"{s} {n:,}" for s, n in counts.iter_rows())
        message(f"{col}: {shown}", quiet=quiet)


@app.command("all")
def all_cmd(
    input: InputArg,
    region: RegionOpt = "RU",
    fallback_region: FallbackRegionOpt = None,
    dayfirst: DayfirstOpt = True,
    output: OutputOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Normalize every detected contact column (phones, emails, names, birth dates, gender)."""
    frame = read_input(
        input, from_=from_, encoding=encoding, delimiter=delimiter, sheet=sheet, quiet=quiet
    )
    kinds = detect_columns(frame)
    with progress("normalizing", quiet=quiet):
        out = normalize_all(
            frame,
            columns=kinds,
            region=region,
            fallback_region=fallback_region,
            dayfirst=dayfirst,
            in_place=in_place,
        )
    write_output(out, output, to=to, input_path=input, in_place=in_place, quiet=quiet, bom=bom)
    _report(frame, out, kinds, in_place, quiet)
