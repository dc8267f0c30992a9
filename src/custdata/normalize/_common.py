"""Summary counts of a normalized column (:func:`summarize`).

The helpers that used to live here moved to neutral modules: :mod:`custdata.frames`
(``as_expr``, ``check_columns``, ``columns_arg``), :mod:`custdata.junk` (``JUNK_VALUES``,
``is_junk``, ``junk_expr``) and :mod:`custdata.status` (``OK``, ``EMPTY``, ``JUNK``). They are
re-exported here only so that branches written against the old place keep importing; new code
imports them from their modules.
"""

from __future__ import annotations

import polars as pl

from custdata.frames import as_expr, check_columns, columns_arg
from custdata.junk import JUNK_VALUES, is_junk, junk_expr
from custdata.status import EMPTY, JUNK, OK

__all__ = [
    "EMPTY",
    "JUNK",
    "JUNK_VALUES",
    "OK",
    "as_expr",
    "check_columns",
    "columns_arg",
    "is_junk",
    "junk_expr",
    "summarize",
]


def summarize(frame: pl.DataFrame, column: str, *, normalized: str, status: str) -> dict[str, int]:
    """Count valid, fixed, invalid and empty values of one normalized column.

    ``valid`` counts rows with a normalized value (status ``ok``, or a flag such as
    ``multiple_numbers`` that still yields a value); ``fixed`` is the part of them whose
    normalized form differs from the original text; ``empty`` counts ``empty`` statuses and
    ``invalid`` everything else (junk included).

    >>> df = pl.DataFrame({"p": ["+79123456789", "8 912 345 67 89", None, "x"],
    ...                    "p_e164": ["+79123456789", "+79123456789", None, None],
    ...                    "p_status": ["ok", "ok", "empty", "not_a_number"]})
    >>> summarize(df, "p", normalized="p_e164", status="p_status")
    {'rows': 4, 'valid': 2, 'fixed': 1, 'invalid': 1, 'empty': 1}
    """
    has_value = pl.col(normalized).is_not_null() & ~pl.col(status).is_in([EMPTY, JUNK])
    counts = frame.select(
        valid=has_value.sum(),
        fixed=(
            has_value & (pl.col(column).cast(pl.String) != pl.col(normalized).cast(pl.String))
        ).sum(),
        empty=(pl.col(status) == EMPTY).sum(),
    ).row(0, named=True)
    valid, empty = int(counts["valid"] or 0), int(counts["empty"] or 0)
    return {
        "rows": frame.height,
        "valid": valid,
        "fixed": int(counts["fixed"] or 0),
        "invalid": frame.height - valid - empty,
        "empty": empty,
    }


def one_chunk(
    frame: pl.DataFrame | pl.LazyFrame, columns: list[str]
) -> pl.DataFrame | pl.LazyFrame:
    """``frame`` with ``columns`` each in one chunk (a LazyFrame is returned as it is).

    The normalizers' UDFs are elementwise, so the streaming engine can hand them a batch at a
    time; on a DataFrame polars then calls them once per chunk, and a CSV read in parallel
    has dozens of chunks. Each call has a fixed cost (1M phones: 71 calls 37 s, one call 11 s),
    so the columns are made one chunk first.

    >>> df = pl.concat([pl.DataFrame({"a": ["x"]})] * 3, rechunk=False)
    >>> one_chunk(df, ["a"])["a"].n_chunks()
    1
    """
    if not isinstance(frame, pl.DataFrame):
        return frame
    todo = [frame[c].rechunk() for c in columns if c in frame.columns and frame[c].n_chunks() > 1]
    return frame.with_columns(todo) if todo else frame
