"""Shared CLI pieces: option types spelled the same everywhere, reading/writing, stderr messages.

Only this package imports typer and rich. stdout carries data only; every message goes to
stderr, and progress is shown only when stderr is a terminal and ``--quiet`` is off.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

from custdata import io as cio
from custdata.errors import InvalidOption, RowsRejected

#: The stderr console. ``highlight=False`` so numbers in messages are not coloured randomly.
console = Console(stderr=True, highlight=False, soft_wrap=True)

InputArg = Annotated[
    str,
    typer.Argument(
        help="Input file (CSV, TSV, Parquet, Excel, JSON Lines, Arrow), or - for stdin.",
        show_default=False,
    ),
]
InputsArg = Annotated[
    list[str], typer.Argument(help="Input files, or - for stdin.", show_default=False)
]
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "-o",
        "--output",
        help="Output file; format from its extension. Default: stdout (CSV, or --to).",
        show_default=False,
    ),
]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="Input format: csv, tsv, parquet, xlsx, jsonl, arrow (default: from the extension).",
        show_default=False,
    ),
]
ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to",
        help="Output format: csv, tsv, parquet, xlsx, jsonl, arrow (default: from the extension; csv on stdout).",
        show_default=False,
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Input text encoding, e.g. utf-8, cp1251 (default: detected).",
        show_default=False,
    ),
]
DelimiterOpt = Annotated[
    str | None,
    typer.Option(
        "--delimiter", help="CSV delimiter: , ; | or tab (default: detected).", show_default=False
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="Excel sheet name or 1-based number (default: the first).",
        show_default=False,
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("-q", "--quiet", help="No progress or summary on stderr (errors still shown)."),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")]
InPlaceOpt = Annotated[
    bool,
    typer.Option(
        "--in-place", help="Replace the original columns (and allow writing over the input file)."
    ),
]
ColumnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "-c",
        "--column",
        help="Column to process; repeat for several (default: detected).",
        show_default=False,
    ),
]
BomOpt = Annotated[
    bool,
    typer.Option("--bom", help="Write a UTF-8 byte-order mark in CSV output (what Excel wants)."),
]


class lazy_module:  # noqa: N801 - used like a module
    """A module imported on first attribute access, so ``custdata --help`` starts fast.

    >>> m = lazy_module("json")
    >>> m.dumps([1])
    '[1]'
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        import importlib

        return getattr(importlib.import_module(self._name), attr)


def read_input(
    path: str,
    *,
    from_: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    quiet: bool = False,
) -> pl.DataFrame:
    """Read one input for a command, with a spinner on an interactive stderr."""
    with progress(f"reading {Path(path).name if path != '-' else 'stdin'}", quiet=quiet):
        return cio.read(path, format=from_, encoding=encoding, delimiter=delimiter, sheet=sheet)


def output_format(output: str | None, to: str | None) -> str:
    """Format of the output: ``--to`` wins, else the extension, else CSV on stdout."""
    if to:
        return cio.normalize_format(to)
    if output in (None, "-"):
        return "csv"
    if cio.is_stream_target(output) and not Path(output).suffix:
        return "csv"  # /dev/null, /dev/stdout, a named pipe: CSV as on stdout
    return cio.format_from_path(output)


def write_output(
    frame: pl.DataFrame | pl.LazyFrame,
    output: str | None,
    *,
    to: str | None = None,
    input_path: str | list[str] | None = None,
    in_place: bool = False,
    quiet: bool = False,
    bom: bool = False,
) -> None:
    """Write a command's result to ``output`` (a file, or stdout when None or ``-``)."""
    target = output or "-"
    fmt = output_format(output, to)
    inputs = [input_path] if isinstance(input_path, str) else list(input_path or [])
    if target == "-" and fmt == "xlsx" and sys.stdout.isatty():
        raise InvalidOption("refusing to write an Excel file to the terminal; use -o FILE.xlsx")
    guard_env = os.environ.get("CUSTDATA_FORMULA_GUARD", "").strip().lower()
    guard = {"1": True, "on": True, "yes": True, "0": False, "off": False, "no": False}.get(
        guard_env
    )
    with progress(f"writing {Path(target).name if target != '-' else 'stdout'}", quiet=quiet):
        cio.write(
            frame,
            target,
            format=fmt,
            bom=bom,
            formula_guard=guard,
            inputs=[i for i in inputs if i != "-"],
            in_place=in_place,
        )


def message(text: str, *, quiet: bool = False) -> None:
    """One line for the user on stderr (suppressed by ``--quiet``)."""
    if not quiet:
        console.print(text, markup=False)


def warn(text: str) -> None:
    """A warning line on stderr, shown even with ``--quiet`` (cron logs want it)."""
    console.print(f"Warning: {text}", markup=False, style="yellow")


def show_progress(quiet: bool) -> bool:
    """Progress is drawn only for a person: stderr is a terminal and not ``--quiet``."""
    return not quiet and console.is_terminal and not os.environ.get("CI")


@contextlib.contextmanager
def progress(label: str, *, quiet: bool = False) -> Iterator[None]:
    """A transient spinner on stderr while a step runs (only when :func:`show_progress`)."""
    if not show_progress(quiet):
        yield
        return
    with console.status(label, spinner="dots"):
        yield


def reject_rows_exit(count: int, reject_file: str | None) -> None:
    """Signal cron that the command finished but rows were rejected (exit code 3)."""
    where = f" (written to {reject_file})" if reject_file else ""
    raise RowsRejected(f"finished, but {count} row(s) were rejected{where}")
