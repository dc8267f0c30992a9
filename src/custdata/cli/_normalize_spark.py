"""``custdata normalize ... --engine spark``: Parquet in, the normalizer per partition, Parquet out.

Every decision the polars path takes from the data (which columns, the regions national phone
numbers may be from, the day that counts as today) is taken once on the driver by the command
and handed to :func:`run_on_spark` inside the step; the executors only run the step. The summary
lines are the polars path's, counted by a second, cheap pass over the written Parquet (only
the original, normalized and status columns are read).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import polars as pl

from custdata.cli._common import IOOptions, progress
from custdata.errors import InvalidOption, column_labels

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame as SparkDataFrame

#: What the command decides on the driver from the input: the frame step, the columns it
#: normalizes by kind (for the summary), and the column names the input must have.
SparkPlan = tuple[Callable[[pl.DataFrame], pl.DataFrame], dict[str, list[str]]]

_COUNTS = ("rows", "valid", "fixed", "invalid", "empty")


def check_spark_output(io: IOOptions, input: str) -> None:
    """``--engine spark`` writes a Parquet folder at a path, never over its input."""
    if io.output in (None, "-"):
        raise InvalidOption("--engine spark writes Parquet to a path: give -o PATH")
    if io.output == input:
        raise InvalidOption("--engine spark cannot write over its input; choose another -o")


def run_on_spark(
    input: str,
    io: IOOptions,
    label: str,
    plan: Callable[[SparkDataFrame], SparkPlan],
    *,
    counts: bool = True,
) -> tuple[SparkDataFrame, dict[str, list[str]]]:
    """Read Parquet, ``plan`` the step on the driver, run it per partition, write Parquet.

    Says the polars path's summary lines (valid, fixed, invalid, empty per column) unless
    ``counts`` is false; returns the input (a Spark DataFrame) and the planned kinds.
    """
    from custdata import spark as cs

    check_spark_output(io, input)
    session = cs.session()
    with progress(f"normalizing {label}s on Spark", quiet=io.quiet):
        sdf = cs.read_parquet(input, spark=session)
        step, kinds = plan(sdf)
        out = cs.apply(sdf, step)
        assert io.output is not None
        cs.write_parquet(out, io.output)
        found = (
            spark_summaries(session.read.parquet(io.output), kinds, in_place=io.in_place)
            if counts
            else {}
        )
    labels = column_labels(sdf.columns)
    for key, n in found.items():
        col = key.split(":", 1)[1]
        fixed = "" if io.in_place else f" ({n['fixed']:,} fixed)"
        io.say(
            f"{labels.get(col, col)}: {n['valid']:,} valid{fixed}, {n['invalid']:,} invalid, "
            f"{n['empty']:,} empty of {n['rows']:,} rows"
        )
    io.say(f"written to {io.output}")
    return sdf, kinds


def spark_summaries(
    written: SparkDataFrame, kinds: Mapping[str, list[str]], *, in_place: bool
) -> dict[str, dict[str, int]]:
    """:func:`custdata.normalize.auto.summaries` of a normalized Spark table, summed over batches.

    With ``in_place`` the originals are gone: ``fixed`` is not known (reported as 0).
    """
    from custdata import spark as cs
    from custdata.normalize.auto import NORMALIZED_SUFFIX, summaries

    have = set(written.columns)
    needed: list[str] = []
    for kind, suffix in NORMALIZED_SUFFIX.items():
        for col in kinds.get(kind, []):
            for name in (col, f"{col}{suffix}", f"{col}_status"):
                if name in have and name not in needed:
                    needed.append(name)
    if not needed:
        return {}
    order = [
        f"{kind}:{col}"
        for kind, suffix in NORMALIZED_SUFFIX.items()
        for col in kinds.get(kind, [])
        if f"{col}_status" in have and (in_place or f"{col}{suffix}" in have)
    ]
    if not order:
        return {}

    def count(frame: pl.DataFrame) -> pl.DataFrame:
        found = summaries(frame, frame, dict(kinds), in_place=in_place)
        return pl.DataFrame(
            {"key": list(found), **{k: [found[key][k] for key in found] for k in _COUNTS}},
            schema={"key": pl.String, **dict.fromkeys(_COUNTS, pl.Int64)},
        )

    parts = pl.from_arrow(cs.apply(written.select(*[f"`{c}`" for c in needed]), count).toArrow())
    assert isinstance(parts, pl.DataFrame)
    totals = {
        row["key"]: {k: int(row[k]) for k in _COUNTS}
        for row in parts.group_by("key").agg(pl.col(_COUNTS).sum()).iter_rows(named=True)
    }
    zero = dict.fromkeys(_COUNTS, 0)
    return {key: totals.get(key, dict(zero)) for key in order}


def spark_status_counts(written: SparkDataFrame, columns: list[str]) -> dict[str, dict[str, int]]:
    """Rows per value of each ``<column>_status`` of a written Spark table (for ``normalize ids``)."""
    out: dict[str, dict[str, int]] = {}
    for col in columns:
        rows = written.groupBy(f"`{col}_status`").count().collect()
        out[col] = {str(r[0]): int(r[1]) for r in rows}
    return out
