"""Small helpers on polars frames and expressions that every part of custdata uses.

A step accepts a column as a name or an expression (:func:`as_expr`), one column or several
(:func:`columns_arg`), and checks that the columns it needs exist before doing anything
(:func:`check_columns`), so a missing column is a clear :class:`~custdata.errors.ColumnNotFound`
rather than a polars error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from custdata.errors import InvalidOption, require_columns

__all__ = ["as_expr", "check_columns", "column_names", "columns_arg"]


def as_expr(column: str | pl.Expr) -> pl.Expr:
    """Return ``column`` as an expression (a name becomes ``pl.col(name)``).

    >>> as_expr("tel").meta.output_name()
    'tel'
    """
    return pl.col(column) if isinstance(column, str) else column


def columns_arg(columns: str | Iterable[str]) -> list[str]:
    """Accept one column name or several; always return a list.

    >>> columns_arg("tel"), columns_arg(["a", "b"])
    (['tel'], ['a', 'b'])
    """
    if isinstance(columns, str):
        return [columns]
    out = list(columns)
    if not out:
        raise InvalidOption("no column given: name at least one column")
    return out


def column_names(frame: pl.DataFrame | pl.LazyFrame) -> list[str]:
    """The column names of a frame, without collecting a lazy one.

    >>> column_names(pl.LazyFrame({"a": [1], "b": [2]}))
    ['a', 'b']
    """
    return frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns


def check_columns(frame: pl.DataFrame | pl.LazyFrame, columns: Sequence[str]) -> None:
    """Raise :class:`~custdata.errors.ColumnNotFound` if a column is missing from ``frame``.

    >>> check_columns(pl.DataFrame({"tel": ["1"]}), ["tel"])
    >>> check_columns(pl.DataFrame({"tel": ["1"]}), ["email"])
    Traceback (most recent call last):
    ...
    custdata.errors.ColumnNotFound: column 'email' not found; available columns: tel
    """
    require_columns(column_names(frame), columns)
