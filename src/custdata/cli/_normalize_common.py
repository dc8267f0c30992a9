"""What every ``custdata normalize`` command shares: find columns, run in memory or stream, report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import polars as pl
import typer

from custdata.cli._common import IOOptions, progress
from custdata.errors import InvalidOption, column_labels
from custdata.schema import detect_columns


def normalize_all(*args, **kwargs):
    from custdata.normalize.auto import normalize_all as run

    return run(*args, **kwargs)


def summaries(*args, **kwargs):
    from custdata.normalize.auto import summaries as run

    return run(*args, **kwargs)


def _columns(
    frame: pl.DataFrame | pl.LazyFrame, given: list[str] | None, kind: str, label: str
) -> list[str]:
    if given:
        return given
    found = detect_columns(frame).get(kind, [])
    if not found:
        raise InvalidOption(f"no {label} column found; name it with -c COLUMN")
    return found


def _report(
    before: pl.DataFrame, after: pl.DataFrame, kinds: dict[str, list[str]], io: IOOptions
) -> None:
    _say_counts(summaries(before, after, kinds, in_place=io.in_place), io, before.columns)


def _say_counts(
    found: dict[str, dict[str, int]], io: IOOptions, names: list[str] | None = None
) -> None:
    """One line per column; names are masked when the header looks like data."""
    labels = column_labels(names if names is not None else [k.split(":", 1)[1] for k in found])
    for key, counts in found.items():
        kind, col = key.split(":", 1)
        io.say(
            f"{labels.get(col, col)}: {counts['valid']:,} valid ({counts['fixed']:,} fixed), "
            f"{counts['invalid']:,} invalid, {counts['empty']:,} empty of {counts['rows']:,} rows"
        )


def _source(io: IOOptions, input: str, *, streamable: bool = True) -> pl.DataFrame | pl.LazyFrame:
    """The input: scanned lazily when it streams file to file (``--batch-rows``), else read whole."""
    return io.scan(input) if streamable and io.can_stream(input) else io.read(input)


def _names(source: pl.DataFrame | pl.LazyFrame) -> list[str]:
    return source.collect_schema().names()


def _run(
    step: Callable[[pl.DataFrame], pl.DataFrame],
    input: str,
    source: pl.DataFrame | pl.LazyFrame,
    kinds: dict[str, list[str]],
    label: str,
    io: IOOptions,
) -> None:
    """Run ``step`` on the whole input (a DataFrame) or batch by batch (a LazyFrame), write, report.

    Streamed, the report adds up each batch's counts: the same lines as in memory.
    """
    if isinstance(source, pl.LazyFrame):
        totals: dict[str, dict[str, int]] = {}

        def observe(before: pl.DataFrame, after: pl.DataFrame) -> None:
            for key, counts in summaries(before, after, kinds, in_place=io.in_place).items():
                into = totals.setdefault(key, dict.fromkeys(counts, 0))
                for name, value in counts.items():
                    into[name] = into.get(name, 0) + value

        io.stream(step, input, observe=observe)
        _say_counts(totals, io, _names(source))
        return
    with progress(f"normalizing {label}s", quiet=io.quiet):
        out = step(source)
    io.write(out, inputs=input)
    _report(source, out, kinds, io)


def _normalize_columns(
    step,
    input: str,
    column: list[str] | None,
    kind: str,
    label: str,
    io: IOOptions,
    *,
    before_stream=None,
    streamable: bool = True,
    engine: str = "polars",
) -> None:
    """The body every single-kind command shares: read, find columns, ``step(frame, cols)``, write, report.

    File to file it streams in batches (``--batch-rows``): columns are found on the input's
    first rows, as they are in memory, and the report adds up the batches' counts.
    """
    if _spark_engine(engine):
        _on_spark(step, input, column, kind, label, io, before=before_stream)
        return
    source = _source(io, input, streamable=streamable)
    cols = _columns(source, column, kind, label)
    if isinstance(source, pl.LazyFrame):
        from custdata.frames import check_columns

        check_columns(source, cols)  # a wrong -c is a usage error, before any pass
        if before_stream is not None:  # what the step would learn from the whole column
            before_stream(source, cols)
    _run(lambda frame: step(frame, cols), input, source, {kind: cols}, label, io)


EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help=(
            "polars (this machine) or spark: Parquet in and out (-o a folder) on any filesystem "
            "Spark reaches; master from the Spark configuration, else local[*]. "
            "Needs custdata[spark] and Java."
        ),
        metavar="polars|spark",
    ),
]


def _on_spark(step, input: str, column, kind: str, label: str, io: IOOptions, *, before) -> None:
    """Run ``step`` on Spark: columns (and evidence such as phone regions) decided once."""
    from custdata.cli._normalize_spark import run_on_spark

    def plan(sdf):
        cols = _spark_columns(sdf, column, kind, label)
        if before is not None:
            before(sdf, cols)
        return (lambda frame: step(frame, cols)), {kind: cols}

    run_on_spark(input, io, label, plan)


def _check_spark_columns(sdf, cols: list[str]) -> None:
    """A wrong ``-c`` on Spark: the polars path's error (the name is masked), before any job."""
    from custdata.errors import require_columns

    require_columns(sdf.columns, tuple(cols))


def _spark_engine(engine: str) -> bool:
    """True for ``--engine spark``, False for polars; anything else is a usage error."""
    if engine not in ("polars", "spark"):
        raise InvalidOption("--engine must be 'polars' or 'spark'")
    return engine == "spark"


def _spark_columns(sdf, given: list[str] | None, kind: str, label: str) -> list[str]:
    """``-c`` checked against the Parquet schema, or the columns found on a sample (driver)."""
    from custdata import spark as cs

    cols = list(given) if given else cs.detect_columns(sdf).get(kind, [])
    if not cols:
        raise InvalidOption(f"no {label} column found; name it with -c COLUMN")
    _check_spark_columns(sdf, cols)
    return cols
