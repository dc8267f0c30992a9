"""Top-level commands: ``convert``, ``info`` and the main job ``clean``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from custdata import io as cio
from custdata.cli._common import (
    BomOpt,
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
    message,
    progress,
    reject_rows_exit,
    write_output,
)
from custdata.errors import InvalidOption, column_labels
from custdata.schema import detect_columns

BadRowsOpt = Annotated[
    str,
    typer.Option(
        "--bad-rows",
        help="CSV rows with a wrong number of fields: 'error' (stop, default) or 'reject' (keep going, write them to --reject-file, exit code 3).",
    ),
]
RejectFileOpt = Annotated[
    str | None,
    typer.Option(
        "--reject-file",
        help="Where --bad-rows reject writes the rejected rows (CSV). Default: OUTPUT.rejects.csv",
        show_default=False,
    ),
]


def convert(
    input: InputArg,
    output: Annotated[
        str, typer.Argument(help="Output file, or - for stdout.", show_default=False)
    ],
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    bad_rows: BadRowsOpt = "error",
    reject_file: RejectFileOpt = None,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Convert a table between CSV, TSV, Parquet, Excel, JSON Lines and Arrow.

    CSV is read as text (no type guessing); the encoding and delimiter are detected.
    """
    if bad_rows not in ("error", "reject"):
        raise InvalidOption("--bad-rows must be 'error' or 'reject'")
    cio.check_outputs(
        [("output", output), ("--reject-file", reject_file if bad_rows == "reject" else None)],
        [input],
        in_place=in_place,
    )
    fmt_in = (
        cio.normalize_format(from_)
        if from_
        else (None if input == "-" else cio.format_from_path(input))
    )
    rejects = None
    with progress(f"reading {Path(input).name}", quiet=quiet):
        if bad_rows == "reject" and (fmt_in in ("csv", "tsv") or (fmt_in is None and input == "-")):
            result = cio.read_csv_with_rejects(
                input,
                encoding=encoding,
                delimiter=delimiter or ("\t" if fmt_in == "tsv" else None),
                bad_rows="reject",
            )
            frame, rejects = result.frame, result
        else:
            frame = cio.read(
                input, format=from_, encoding=encoding, delimiter=delimiter, sheet=sheet
            )
    write_output(frame, output, to=to, input_path=input, in_place=in_place, quiet=quiet, bom=bom)
    message(f"convert: {frame.height:,} rows, {frame.width} columns", quiet=quiet)
    if rejects is not None and rejects.rejects:
        target = reject_file or (f"{output}.rejects.csv" if output != "-" else "rejects.csv")
        cio.write(rejects.rejects_frame(), target, format="csv")
        reject_rows_exit(len(rejects.rejects), target)


def info(
    input: InputArg,
    from_: FromOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the facts as JSON on stdout.")
    ] = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Show rows, columns, detected encoding, delimiter, sheets and the kind of each column."""
    with progress(f"reading {Path(input).name}", quiet=quiet):
        frame, src = cio.read_with_info(
            input, format=from_, encoding=encoding, delimiter=delimiter, sheet=sheet
        )
    kinds = detect_columns(frame)
    by_column = {col: kind for kind, cols in kinds.items() for col in cols}
    facts = {
        "file": input,
        "format": src.format,
        "encoding": src.encoding,
        "delimiter": src.delimiter,
        "sheets": list(src.sheets),
        "sheet": src.sheet,
        "rows": frame.height,
        "columns": [
            {
                "name": c,
                "dtype": str(frame.schema[c]),
                "kind": by_column.get(c),
                "filled": int(frame[c].is_not_null().sum()),
            }
            for c in frame.columns
        ],
        "detected": kinds,
    }
    if as_json:
        typer.echo(json.dumps(facts, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)  # info's report is its output: stdout

    delim = {"\t": "tab"}.get(src.delimiter or "", src.delimiter)
    head = f"{input}: {src.format}, {frame.height:,} rows, {frame.width} columns"
    if src.encoding:
        head += f", encoding {src.encoding}, delimiter {delim!r}"
    if src.sheets:
        head += f", sheet {src.sheet!r} of {', '.join(src.sheets)}"
    console.print(head, markup=False)
    table = Table("column", "kind", "filled", "type")
    for col in facts["columns"]:
        table.add_row(col["name"], col["kind"] or "", f"{col['filled']:,}", col["dtype"])
    console.print(table)


def clean(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="One or more exports (CSV, Excel, Parquet, ...), or - for stdin.",
            show_default=False,
        ),
    ],
    output: OutputOpt = None,
    golden: Annotated[
        str | None,
        typer.Option(
            "--golden",
            help="Also write one golden record per person to this file.",
            show_default=False,
        ),
    ] = None,
    no_dedupe: Annotated[
        bool, typer.Option("--no-dedupe", help="Only normalize; do not look for duplicates.")
    ] = False,
    region: Annotated[
        str,
        typer.Option(
            "--region", help="Default region (ISO code) for phones without a country code."
        ),
    ] = "RU",
    fallback_region: Annotated[
        str | None,
        typer.Option(
            "--fallback-region",
            help="Second region tried when --region rejects a phone without + (e.g. UA).",
            show_default=False,
        ),
    ] = None,
    dayfirst: Annotated[
        bool,
        typer.Option(
            "--dayfirst/--monthfirst", help="Read 01/02/1985 as 1 February (default) or January 2."
        ),
    ] = True,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            help="Match probability above which two records are the same person (default: dedupe's).",
            show_default=False,
        ),
    ] = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """The main job: normalize every contact column, find the same person across and within files, golden records.

    Several inputs are stacked (a 'source' column says where each row came from) and their
    columns get one vocabulary (phone, email, full_name, ...). Every input row is kept.
    """
    from custdata.cleaning import clean as run_clean
    from custdata.cli._common import read_input

    if threshold is not None and not 0.0 < threshold < 1.0:
        raise InvalidOption("--threshold must be between 0 and 1")
    cio.check_outputs([("-o", output), ("--golden", golden)], inputs)
    frames = {}
    for path in inputs:
        name = "stdin" if path == "-" else Path(path).name
        if name in frames:
            name = path
        frames[name] = read_input(
            path, from_=from_, encoding=encoding, delimiter=delimiter, sheet=sheet, quiet=quiet
        )
    with progress("cleaning", quiet=quiet):
        result = run_clean(
            frames,
            region=region,
            fallback_region=fallback_region,
            dayfirst=dayfirst,
            dedupe=not no_dedupe,
            golden=golden is not None,
            threshold=threshold,
        )
    write_output(result.frame, output, to=to, input_path=inputs, quiet=quiet, bom=bom)
    if golden is not None and result.golden is not None:
        write_output(result.golden, golden, input_path=inputs, quiet=quiet, bom=bom)
    labels = column_labels([c for f in frames.values() for c in f.columns])
    for key, counts in result.validity.items():
        col = key.split(":", 1)[1]
        message(
            f"{labels.get(col, col)}: {counts['valid']:,} valid ({counts['fixed']:,} fixed), "
            f"{counts['invalid']:,} invalid, {counts['empty']:,} empty",
            quiet=quiet,
        )
    if not quiet:
        _before_after(frames, result)
    if result.dedupe:
        d = result.dedupe
        message(
            f"dedupe: {d['rows']:,} rows are {d['clusters']:,} people; "
            f"{d['duplicate_rows']:,} rows have a duplicate ({d['pairs']:,} candidate pairs scored)",
            quiet=quiet,
        )


def _before_after(frames: dict, result) -> None:
    """A before/after quality table on stderr: fill, validity and junk of each contact column."""
    from rich.table import Table

    from custdata.cleaning import normalized_view
    from custdata.cli._common import console
    from custdata.profiling import compare_profiles, profile
    from custdata.schema import unify_sources

    raw = next(iter(frames.values())) if len(frames) == 1 else unify_sources(frames)
    originals = [c for cols in result.columns.values() for c in cols if c in raw.columns]
    rows = compare_profiles(
        profile(raw.select(list(dict.fromkeys(originals)))), profile(normalized_view(result))
    )

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v:.0%}"

    table = Table(title="quality before → after cleaning", title_justify="left")
    for name in ("column", "kind", "filled", "valid", "junk"):
        table.add_column(name, justify="left" if name in ("column", "kind") else "right")
    labels = column_labels(list(raw.columns))
    for r in rows:
        if r["valid_before"] is None and not r["junk_before"]:
            continue
        table.add_row(
            labels.get(r["column"], r["column"]),
            r["kind"] or "",
            f"{pct(r['fill_before'])} → {pct(r['fill_after'])}",
            f"{pct(r['valid_before'])} → {pct(r['valid_after'])}",
            f"{r['junk_before'] or 0:,} → {r['junk_after'] or 0:,}",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the top-level commands to the root app."""
    app.command("clean")(clean)
    app.command("convert")(convert)
    app.command("info")(info)
