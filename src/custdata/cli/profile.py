"""Command ``profile``: a one-screen data quality summary, plus JSON and HTML reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from custdata.cli._common import (
    FallbackRegionOpt,
    InputArg,
    IOOptions,
    RegionOpt,
    console,
    deprecated,
    io_options,
    progress,
)
from custdata.errors import InvalidOption, OutputError, column_labels

if TYPE_CHECKING:  # custdata.profiling imports every normalizer: loaded when profile runs
    from rich.console import JustifyMethod

    from custdata.profiling import Profile


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def render(result: Profile, *, title: str = "Quality profile", width: int = 80) -> Table:
    """The rich table the terminal shows (one row per column); top values when wide enough."""
    d = result.duplicates
    labels = column_labels([c.name for c in result.columns])
    keys = ", ".join(labels.get(k, k) for k in d.keys)
    caption = (
        f"{result.rows:,} rows; about {d.duplicate_rows:,} duplicate rows "
        f"(~{d.estimated_people:,} people) by {keys or 'no phone/email column'}"
    )
    wide = width >= 120
    table = Table(title=title, caption=caption, show_lines=False)
    heads: list[tuple[str, JustifyMethod]] = [
        ("column", "left"),
        ("kind", "left"),
        ("fill", "right"),
        ("distinct", "right"),
        ("valid", "right"),
        ("junk", "right"),
        ("top invalid reason", "left"),
    ]
    if wide:
        heads.append(("top values", "left"))
    for name, justify in heads:
        table.add_column(name, justify=justify, overflow="fold")
    for c in result.columns:
        reason = (
            f"{c.invalid_reasons[0][0]} ({c.invalid_reasons[0][1]:,})" if c.invalid_reasons else "-"
        )
        valid = "-"
        if c.validity_rate is not None:
            style = (
                "green"
                if c.validity_rate >= 0.95
                else "yellow"
                if c.validity_rate >= 0.8
                else "red"
            )
            valid = f"[{style}]{_pct(c.validity_rate)}[/]"
        row = [
            labels[c.name],
            c.kind,
            _pct(c.fill_rate),
            f"{c.distinct:,}",
            valid,
            _pct(c.junk_share) if c.junk else "-",
            reason,
        ]
        if wide:
            row.append(", ".join(f"{v} ({n:,})" for v, n in c.top_values[:3]) or "-")
        table.add_row(*row)
    return table


def _write_text(path: str, text: str) -> None:
    target = Path(path)
    if not target.parent.is_dir():
        raise OutputError(f"output folder does not exist: {target.parent}")
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


@io_options(write=False, stream=True)
def profile(
    input: InputArg,
    io: IOOptions,
    legacy_json: Annotated[str | None, typer.Argument(hidden=True, show_default=False)] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the profile as JSON on stdout.")
    ] = False,
    json_file: Annotated[
        str | None,
        typer.Option(
            "--json-file",
            help="Write the profile as JSON to this file.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    html: Annotated[
        str | None,
        typer.Option(
            "--html",
            help="Write a self-contained HTML report (charts, no network) to this file.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    show_values: Annotated[
        bool,
        typer.Option(
            "--show-values",
            help="Show top values of personal-data columns in full (masked by default).",
        ),
    ] = False,
    top: Annotated[
        int, typer.Option("--top", help="How many top values per column.", metavar="N")
    ] = 5,
    region: RegionOpt = "RU",
    fallback_region: FallbackRegionOpt = None,
) -> None:
    """Profile data quality: fill rate, distinct values, validity, junk, duplicates per column.

    The summary goes to stderr; --json and --html write reports for machines and people.

    Examples:

    \b
      custdata profile examples/crm_export.csv
      custdata profile examples/shop_customers.xlsx --json-file profile.json --html profile.html
    """
    if legacy_json is not None:  # the old `--json FILE`: --json was an option taking a path
        if not as_json:
            raise InvalidOption("profile takes one input file")
        deprecated("--json FILE", "--json-file FILE (or --json for stdout)")
        if Path(input).suffix.lower() == ".json" and Path(legacy_json).suffix.lower() != ".json":
            input, legacy_json = legacy_json, input  # `profile --json out.json data.csv`
        json_file, as_json = (None, True) if legacy_json == "-" else (legacy_json, False)
    if io.can_scan(input):  # batch by batch, merged exactly: the same profile as in memory
        from custdata.streaming import DEFAULT_BATCH_ROWS, profile_file

        with progress(f"profiling {Path(input).name}", quiet=io.quiet):
            result = profile_file(
                input,
                batch_rows=io.batch_rows or DEFAULT_BATCH_ROWS,
                top=top,
                show_values=show_values,
                region=region,
                fallback_region=fallback_region,
                format=io.from_,
                encoding=io.encoding,
                delimiter=io.delimiter,
            )
    else:
        frame = io.read(input)
        from custdata.profiling import profile as build_profile

        result = build_profile(
            frame,
            top=top,
            show_values=show_values,
            region=region,
            fallback_region=fallback_region,
        )
    if as_json:
        typer.echo(result.to_json())
    if json_file:
        _write_text(json_file, result.to_json() + "\n")
    if html:
        from custdata.profiling import profile_html

        _write_text(html, profile_html(result, title=f"Quality profile: {Path(input).name}"))
    if not io.quiet:
        console.print(
            render(result, title=f"Quality profile: {Path(input).name}", width=console.width)
        )


def register(app: typer.Typer) -> None:
    """Add ``profile`` to the root app."""
    app.command("profile")(profile)
