"""Top-level commands: ``convert``, ``info`` and the main job ``clean``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from custdata import io as cio
from custdata.cli._common import (
    DayfirstOpt,
    FallbackRegionOpt,
    InputArg,
    IOOptions,
    JsonOpt,
    RegionOpt,
    io_options,
    progress,
    reject_rows_exit,
    stages,
)
from custdata.cli._memory import MemoryLimitOpt, check_dedupe_memory
from custdata.errors import InvalidOption, column_labels
from custdata.schema import detect

if TYPE_CHECKING:
    import polars as pl

    from custdata.cleaning import QualityChange

BadRowsOpt = Annotated[
    str,
    typer.Option(
        "--bad-rows",
        metavar="error|reject",
        help=(
            "CSV rows with a wrong number of fields: 'error' (stop, default) or 'reject' (keep "
            "going, write them to --reject-file, exit code 3)."
        ),
    ),
]
RejectFileOpt = Annotated[
    str | None,
    typer.Option(
        "--reject-file",
        help="Where --bad-rows reject writes the rejected rows (CSV). Default: OUTPUT.rejects.csv",
        show_default=False,
        metavar="FILE",
    ),
]


@io_options(output=False, in_place="file", stream=True)
def convert(
    input: InputArg,
    output: Annotated[
        str,
        typer.Argument(help="Output file, or - for stdout.", show_default=False, metavar="OUTPUT"),
    ],
    io: IOOptions,
    bad_rows: BadRowsOpt = "error",
    reject_file: RejectFileOpt = None,
) -> None:
    """Convert a table between CSV, TSV, Parquet, Excel, JSON Lines and Arrow.

    CSV is read as text (no type guessing); the encoding and delimiter are detected.

    Examples:

    \b
      custdata convert examples/crm_export.csv crm.parquet
      custdata convert examples/shop_customers.xlsx shop.csv --sheet customers --bom
    """
    if bad_rows not in ("error", "reject"):
        raise InvalidOption("--bad-rows must be 'error' or 'reject'")
    from dataclasses import replace

    io = replace(io, output=output)
    cio.check_outputs(
        [("output", output), ("--reject-file", reject_file if bad_rows == "reject" else None)],
        [input],
        in_place=io.in_place,
    )
    fmt_in = (
        cio.normalize_format(io.from_)
        if io.from_
        else (None if input == "-" else cio.format_from_path(input))
    )
    rejects = None
    if bad_rows == "reject" and (fmt_in in ("csv", "tsv") or (fmt_in is None and input == "-")):
        with progress(f"reading {Path(input).name}", quiet=io.quiet):
            result = cio.read_csv_with_rejects(
                input,
                encoding=io.encoding,
                delimiter=io.delimiter or ("\t" if fmt_in == "tsv" else None),
                bad_rows="reject",
            )
        frame, rejects = result.frame, result
    elif io.can_stream(input):  # file to file: batch by batch, in bounded memory
        seen = {"rows": 0, "columns": 0}

        def observe(batch: pl.DataFrame, _: pl.DataFrame) -> None:
            seen["rows"] += batch.height
            seen["columns"] = batch.width

        io.stream(lambda batch: batch, input, observe=observe)
        columns = seen["columns"] or io.scan(input).collect_schema().len()
        io.say(f"convert: {seen['rows']:,} rows, {columns} columns")
        return
    else:
        frame = io.read(input)
    io.write(frame, inputs=input)
    io.say(f"convert: {frame.height:,} rows, {frame.width} columns")
    if rejects is not None and rejects.rejects:
        target = reject_file or (f"{output}.rejects.csv" if output != "-" else "rejects.csv")
        cio.write(rejects.rejects_frame(), target, format="csv")
        reject_rows_exit(len(rejects.rejects), target)


@io_options(write=False)
def info(input: InputArg, io: IOOptions, as_json: JsonOpt = False) -> None:
    """Show rows, columns, detected encoding, delimiter, sheets and the kind of each column.

    Examples:

    \b
      custdata info examples/crm_export.csv
      custdata info examples/shop_customers.xlsx --json
    """
    with progress(f"reading {Path(input).name}", quiet=io.quiet):
        frame, src = cio.read_with_info(
            input, format=io.from_, encoding=io.encoding, delimiter=io.delimiter, sheet=io.sheet
        )
    import polars as pl

    detection = detect(frame)
    kinds = detection.kinds()
    by_column = {d.column: d for d in detection.columns}
    schema = frame.schema  # once: a lookup per column is quadratic on wide tables
    filled = frame.select(pl.all().is_not_null().sum()).row(0) if frame.width else ()
    facts: dict[str, Any] = {
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
                "dtype": str(schema[c]),
                "kind": by_column[c].kind if c in by_column else None,
                "from": by_column[c].source if c in by_column else None,
                "used": by_column[c].used if c in by_column else None,
                "filled": int(n),
            }
            for c, n in zip(frame.columns, filled, strict=True)
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
    table = Table("column", "kind", "from", "filled", "type")
    columns: list[dict[str, Any]] = facts["columns"]
    for col in columns:
        kind = col["kind"] or ""
        if col["kind"] == "id_candidate":
            kind = "id? (candidate: -k id=COLUMN)"
        elif col["used"] is False:
            kind += " (not used)"
        table.add_row(col["name"], kind, col["from"] or "", f"{col['filled']:,}", col["dtype"])
    console.print(table)


@io_options()
def clean(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="One or more exports (CSV, Excel, Parquet, ...), or - for stdin.",
            show_default=False,
            metavar="FILE...",
        ),
    ],
    io: IOOptions,
    golden: Annotated[
        str | None,
        typer.Option(
            "--golden",
            help="Also write one golden record per person to this file.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    no_dedupe: Annotated[
        bool, typer.Option("--no-dedupe", help="Only normalize; do not look for duplicates.")
    ] = False,
    region: RegionOpt = "RU",
    fallback_region: FallbackRegionOpt = None,
    dayfirst: DayfirstOpt = True,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            help="Match probability above which two records are the same person (default: dedupe's).",
            show_default=False,
            metavar="PROBABILITY",
        ),
    ] = None,
    memory_limit: MemoryLimitOpt = None,
) -> None:
    """The main job: normalize every contact column, find the same person across and within files, golden records.

    Several inputs are stacked (a 'source' column says where each row came from) and their
    columns get one vocabulary (phone, email, full_name, ...). Every input row is kept.

    Examples:

    \b
      custdata clean examples/crm_export.csv -o customers.csv
      custdata clean examples/crm_export.csv examples/shop_customers.xlsx -o customers.csv --golden golden.csv
    """
    from custdata.cleaning import clean as run_clean
    from custdata.cleaning import quality_before_after

    if no_dedupe and golden is not None:
        raise InvalidOption(
            "--golden needs dedupe (golden records are one row per person): drop --no-dedupe, "
            "or drop --golden to only normalize"
        )
    if threshold is not None and not 0.0 < threshold < 1.0:
        raise InvalidOption("--threshold must be between 0 and 1")
    cio.check_outputs([("-o", io.output), ("--golden", golden)], inputs)
    frames = {}
    for path in inputs:
        name = "stdin" if path == "-" else Path(path).name
        if name in frames:
            name = path
        frames[name] = io.read(path)
    if not no_dedupe:
        check_dedupe_memory(sum(f.height for f in frames.values()), memory_limit)
    with stages(io.quiet) as on_progress:
        result = run_clean(
            frames,
            region=region,
            fallback_region=fallback_region,
            dayfirst=dayfirst,
            dedupe=not no_dedupe,
            golden=golden is not None,
            threshold=threshold,
            progress=on_progress,
        )
    io.write(result.frame, inputs=inputs)
    if golden is not None and result.golden is not None:
        io.write_side(result.golden, golden, inputs=inputs)
    labels = column_labels([c for f in frames.values() for c in f.columns])
    for key, counts in result.validity.items():
        col = key.split(":", 1)[1]
        io.say(
            f"{labels.get(col, col)}: {counts['valid']:,} valid ({counts['fixed']:,} fixed), "
            f"{counts['invalid']:,} invalid, {counts['empty']:,} empty"
        )
    if not io.quiet:
        quality = quality_before_after(
            frames, result, region=region, fallback_region=fallback_region
        )
        _before_after(quality)
    if result.dedupe:
        d = result.dedupe
        nid = d.get("no_identity", 0)
        io.say(
            f"dedupe: {d['rows'] - nid:,} rows are {d['clusters']:,} people; "
            f"{d['duplicate_rows']:,} rows have a duplicate ({d['pairs']:,} candidate pairs scored)"
            + (
                f"; {nid:,} rows have no name, phone or email (record_status no_identity)"
                if nid
                else ""
            )
        )


def _before_after(rows: list[QualityChange]) -> None:
    """The before/after quality table on stderr: fill, validity and junk of each contact column."""
    from rich.table import Table

    from custdata.cli._common import console

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v:.0%}"

    table = Table(title="quality before → after cleaning", title_justify="left")
    for name in ("column", "kind", "filled", "valid", "junk"):
        table.add_column(name, justify="left" if name in ("column", "kind") else "right")
    labels = column_labels([r.column for r in rows])
    for r in rows:
        table.add_row(
            labels.get(r.column, r.column),
            r.kind or "",
            f"{pct(r.fill_before)} → {pct(r.fill_after)}",
            f"{pct(r.valid_before)} → {pct(r.valid_after)}",
            f"{r.junk_before:,} → {r.junk_after:,}",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the top-level commands to the root app."""
    app.command("clean")(clean)
    app.command("convert")(convert)
    app.command("info")(info)
