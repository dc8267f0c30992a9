"""Shared CLI pieces: option types spelled the same everywhere, reading/writing, stderr messages.

Only this package imports typer and rich. stdout carries data only; every message goes to
stderr, and progress is shown only when stderr is a terminal and ``--quiet`` is off.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import polars as pl
import typer
from rich.console import Console

from custdata import io as cio
from custdata.errors import InvalidOption, RowsRejected
from custdata.progress import ProgressCallback, ProgressEvent

if TYPE_CHECKING:
    from rich.progress import TaskID

T = TypeVar("T")

#: The stderr console. ``highlight=False`` so numbers in messages are not coloured randomly.
console = Console(stderr=True, highlight=False, soft_wrap=True)

InputArg = Annotated[
    str,
    typer.Argument(
        help="Input file (CSV, TSV, Parquet, Excel, JSON Lines, Arrow), or - for stdin.",
        show_default=False,
        metavar="FILE",
    ),
]
InputsArg = Annotated[
    list[str],
    typer.Argument(help="Input files, or - for stdin.", show_default=False, metavar="FILE..."),
]
FORMATS = "csv, tsv, parquet, xlsx, jsonl, arrow"
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "-o",
        "--output",
        help="Output file; format from its extension. Default: stdout (CSV, or --to).",
        show_default=False,
        metavar="FILE",
    ),
]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        help=f"Input format: {FORMATS} (default: from the extension).",
        show_default=False,
        metavar="FORMAT",
    ),
]
ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to",
        help=f"Output format: {FORMATS} (default: from the extension; csv on stdout).",
        show_default=False,
        metavar="FORMAT",
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Input text encoding, e.g. utf-8, cp1251 (default: detected).",
        show_default=False,
        metavar="ENCODING",
    ),
]
DelimiterOpt = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        help="CSV delimiter: , ; | or tab (default: detected).",
        show_default=False,
        metavar="CHAR",
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="Excel sheet name or 1-based number (default: the first).",
        show_default=False,
        metavar="SHEET",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("-q", "--quiet", help="No progress or summary on stderr (errors still shown)."),
]
IN_PLACE_HELP = {
    "columns": "Replace the original columns instead of adding new ones (and allow -o to be the input file).",
    "file": "Allow the output to be the input file (it is replaced atomically).",
}
BomOpt = Annotated[
    bool,
    typer.Option("--bom", help="Write a UTF-8 byte-order mark in CSV output (what Excel wants)."),
]
ColumnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "-c",
        "--column",
        help="Column to process; repeat for several (default: detected).",
        show_default=False,
        metavar="COLUMN",
    ),
]
KINDS_HELP = (
    "full_name, first_name, last_name, middle_name, phone, email, birth_date, gender, address, city"
)
KindColumnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "-k",
        "--kind",
        help=(
            "Say which kind of data a column holds, as KIND=COLUMN (e.g. -k phone=Телефон); "
            "repeat. Default: detected."
        ),
        show_default=False,
        metavar="KIND=COLUMN",
    ),
]
DeprecatedKindColumnOpt = Annotated[
    list[str] | None,
    typer.Option("-c", "--column", hidden=True, show_default=False, metavar="KIND=COLUMN"),
]
REGION_HELP = "Default region (ISO code) for phones without a country code."
RegionOpt = Annotated[str, typer.Option("--region", help=REGION_HELP, metavar="REGION")]
#: Every command that reads phones takes it, with this one meaning (tests/cli/test_cli_help.py).
FallbackRegionOpt = Annotated[
    str | None,
    typer.Option(
        "--fallback-region",
        help="Second region tried when --region rejects a phone without + (e.g. UA in a mostly Russian table).",
        show_default=False,
        metavar="REGION",
    ),
]
DayfirstOpt = Annotated[
    bool,
    typer.Option(
        "--dayfirst/--monthfirst", help="Read 01/02/1985 as 1 February (default) or January 2."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]


@dataclass
class CliState:
    """What the root callback learns for the whole invocation (only ``--debug`` today)."""

    debug: bool = False


def _state(ctx: typer.Context) -> CliState:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def set_debug(ctx: typer.Context, value: bool) -> bool:
    """Option callback: ``--debug`` anywhere on the command line turns tracebacks on."""
    if value:
        _state(ctx).debug = True
    return value


#: ``--debug`` after a subcommand (``custdata convert a.csv b.csv --debug``): a hidden alias of
#: the root option, kept so older invocations keep working.
DebugAliasOpt = Annotated[
    bool,
    typer.Option("--debug", hidden=True, callback=set_debug, expose_value=False),
]


def deprecated(old: str, new: str) -> None:
    """One line on stderr: an old option spelling still works but has a new name."""
    console.print(
        f"Warning: {old} is deprecated; use {new} (the old spelling goes in a later release)",
        markup=False,
        style="yellow",
    )


def alias(new_value: T, old_value: T | None, *, old: str, new: str, default: object = None) -> T:
    """The value of an option given by its new or its deprecated old spelling (with a warning).

    ``old_value`` counts as given when it is not None/empty; giving both (the new one away from
    its ``default``) is an error.
    """
    if old_value is None or old_value == []:
        return new_value
    deprecated(old, new)
    if new_value not in (None, [], default) and new_value != old_value:
        raise InvalidOption(f"give {new} only (not also the deprecated {old})")
    return old_value


def kind_columns(specs: list[str] | None, option: str = "--kind") -> dict[str, list[str]]:
    """Parse repeated ``KIND=COLUMN`` values into kind -> columns (in the order given).

    >>> kind_columns(["phone=Телефон", "phone=Моб", "email=mail"])
    {'phone': ['Телефон', 'Моб'], 'email': ['mail']}
    """
    out: dict[str, list[str]] = {}
    for spec in specs or []:
        kind, sep, col = spec.partition("=")
        if not sep or not kind.strip() or not col.strip():
            raise InvalidOption(f"{option} takes KIND=COLUMN, e.g. {option} phone=Телефон")
        out.setdefault(kind.strip(), []).append(col.strip())
    return out


BatchRowsOpt = Annotated[
    int | None,
    typer.Option(
        "--batch-rows",
        help=(
            "File to file, stream the input in batches of N rows (bounded memory; default "
            "250,000); 0 reads the whole input in memory. Stdin, stdout and Excel are never "
            "streamed (profile streams any file input but Excel)."
        ),
        show_default=False,
        metavar="N",
        min=0,
    ),
]


@dataclass(frozen=True)
class IOOptions:
    """The input/output options every command shares, declared once (see :func:`io_options`).

    A command reads with :meth:`read`, writes with :meth:`write` and prints with :meth:`say`.
    """

    from_: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    output: str | None = None
    to: str | None = None
    bom: bool = False
    in_place: bool = False
    quiet: bool = False
    batch_rows: int | None = None

    def can_scan(self, path: str) -> bool:
        """True when the input ``path`` can be read in batches (a CSV/TSV, Parquet, Arrow or
        JSON Lines file, and ``--batch-rows`` is not 0)."""
        if self.batch_rows == 0 or path == "-" or self.sheet:
            return False
        try:
            source_fmt = (
                cio.normalize_format(self.from_) if self.from_ else cio.format_from_path(path)
            )
        except Exception:
            return False
        return source_fmt in ("csv", "tsv", "parquet", "arrow", "jsonl") and Path(path).is_file()

    def can_stream(self, path: str) -> bool:
        """True when ``path`` → ``-o`` can be streamed in batches (see :meth:`stream`)."""
        from custdata.streaming import STREAM_FORMATS

        if self.output is None or self.output == "-" or not self.can_scan(path):
            return False
        target = Path(self.output)
        if target.exists() and not target.is_file():
            return (
                False  # a device (/dev/null), FIFO or folder: cio.write streams into it or refuses
            )
        return output_format(self.output, self.to) in STREAM_FORMATS

    def scan(self, path: str) -> pl.LazyFrame:
        """The input as a LazyFrame (for finding columns before :meth:`stream`)."""
        return cio.scan(path, format=self.from_, encoding=self.encoding, delimiter=self.delimiter)

    def stream(
        self,
        step: Callable[[pl.DataFrame], pl.DataFrame],
        path: str,
        *,
        observe: Callable[[pl.DataFrame, pl.DataFrame], None] | None = None,
    ) -> None:
        """Run ``step`` from ``path`` to ``-o`` batch by batch (:func:`custdata.streaming.stream`)."""
        from custdata.streaming import DEFAULT_BATCH_ROWS, stream

        with progress(f"streaming {Path(path).name}", quiet=self.quiet):
            stream(
                step,
                path,
                self.output or "-",
                batch_rows=self.batch_rows or DEFAULT_BATCH_ROWS,
                format=self.from_,
                encoding=self.encoding,
                delimiter=self.delimiter,
                to=self.to,
                bom=self.bom,
                in_place=self.in_place,
                observe=observe,
            )

    def read(self, path: str) -> pl.DataFrame:
        """Read one input with this command's format, encoding, delimiter and sheet."""
        return read_input(
            path,
            from_=self.from_,
            encoding=self.encoding,
            delimiter=self.delimiter,
            sheet=self.sheet,
            quiet=self.quiet,
        )

    def read_plain(self, path: str) -> pl.DataFrame:
        """Read a side file (labels, opt-out list, ...): format and encoding from the file."""
        return read_input(path, quiet=self.quiet)

    def write(self, frame: pl.DataFrame | pl.LazyFrame, *, inputs: str | list[str]) -> None:
        """Write the command's result to -o (stdout by default) in the --to format."""
        write_output(
            frame,
            self.output,
            to=self.to,
            input_path=inputs,
            in_place=self.in_place,
            quiet=self.quiet,
            bom=self.bom,
        )

    def write_side(
        self, frame: pl.DataFrame | pl.LazyFrame, path: str, *, inputs: str | list[str]
    ) -> None:
        """Write a second output (golden records, pairs, ...): its format from its extension."""
        write_output(frame, path, input_path=inputs, quiet=self.quiet, bom=self.bom)

    def say(self, text: str) -> None:
        """One summary line on stderr unless -q."""
        message(text, quiet=self.quiet)


def _opt(name: str, annotation: object, default: object) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def io_options(
    *,
    read: bool = True,
    write: bool = True,
    output: bool = True,
    in_place: str | None = None,
    stream: bool = False,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command the shared input/output options, declared here once.

    The command takes one parameter ``io: IOOptions``; this decorator replaces it by the
    options (``--from --encoding --delimiter --sheet`` when ``read``, ``-o --to --bom`` when
    ``write``, ``--in-place`` when ``in_place`` is "columns" or "file", always ``-q`` and the
    hidden ``--debug`` alias) and packs their values back into an :class:`IOOptions`.
    """
    extra: list[inspect.Parameter] = []
    if read:
        extra += [
            _opt("from_", FromOpt, None),
            _opt("encoding", EncodingOpt, None),
            _opt("delimiter", DelimiterOpt, None),
            _opt("sheet", SheetOpt, None),
        ]
    if write:
        if output:
            extra.append(_opt("output", OutputOpt, None))
        extra += [_opt("to", ToOpt, None), _opt("bom", BomOpt, False)]
    if in_place:
        help_ = IN_PLACE_HELP[in_place]
        extra.append(
            _opt("in_place", Annotated[bool, typer.Option("--in-place", help=help_)], False)
        )
    if stream:
        extra.append(_opt("batch_rows", BatchRowsOpt, None))
    extra += [_opt("quiet", QuietOpt, False), _opt("debug", DebugAliasOpt, False)]
    names = [p.name for p in extra if p.name != "debug"]

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        sig = inspect.signature(func, eval_str=True)
        if "io" not in sig.parameters:
            raise TypeError(f"{func.__name__} needs an `io: IOOptions` parameter")
        own = [p for p in sig.parameters.values() if p.name != "io"]

        @functools.wraps(func)
        def command(*args: object, **kwargs: object) -> None:
            values = {n: kwargs.pop(n) for n in names if n in kwargs}
            kwargs.pop("debug", None)
            return func(*args, io=IOOptions(**values), **kwargs)  # type: ignore[arg-type]

        params = own + extra
        command.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        del command.__wrapped__  # typer must see the new signature, not the original
        return command

    return decorate


class lazy_module:  # noqa: N801 - used like a module
    """A module imported on first attribute access, so ``custdata --help`` starts fast.

    >>> m = lazy_module("json")
    >>> m.dumps([1])
    '[1]'
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        if attr == "_name":  # unpickling: not set yet (never recurse into __getattr__)
            raise AttributeError(attr)
        import importlib

        return getattr(importlib.import_module(self._name), attr)

    def __reduce__(self):
        """Pickled by name (Spark ships a command's step, closures included, to executors).

        >>> import pickle
        >>> pickle.loads(pickle.dumps(lazy_module("json"))).dumps(1)
        '1'
        """
        return (lazy_module, (self._name,))


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


@contextlib.contextmanager
def stages(quiet: bool = False, *, to: Console | None = None) -> Iterator[ProgressCallback | None]:
    """A progress callback for a library call, drawn as rich progress bars on stderr.

    Yields None (the library then reports nothing) unless :func:`show_progress`. Each stage
    (``normalizing``, ``blocking``, ``scoring``, ...) gets one line with its count and elapsed
    time; the line of a finished stage stays, so the terminal shows where the time went.
    """
    out = to or console
    if to is None and not show_progress(quiet):
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    bars = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TimeElapsedColumn(),
        console=out,
    )
    tasks: dict[str, TaskID] = {}

    def on_event(event: ProgressEvent) -> None:
        label = event.stage + (f" {event.detail}" if event.detail else "")
        task = tasks.get(event.stage)
        if task is None:
            for previous in tasks.values():  # a new stage: the earlier ones are done
                done = bars.tasks[previous].total
                bars.update(previous, completed=done)
                bars.stop_task(previous)
            task = tasks[event.stage] = bars.add_task(label, total=event.total, unit=event.unit)
        bars.update(task, description=label, completed=event.done or 0, total=event.total)

    with bars:
        yield on_event
        for task in tasks.values():
            bars.update(task, completed=bars.tasks[task].total)
            bars.stop_task(task)


def reject_rows_exit(count: int, reject_file: str | None) -> None:
    """Signal cron that the command finished but rows were rejected (exit code 3)."""
    where = f" (written to {reject_file})" if reject_file else ""
    raise RowsRejected(f"finished, but {count} row(s) were rejected{where}")
