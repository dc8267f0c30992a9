"""Small helpers on polars frames and expressions that every part of custdata uses.

A step accepts a column as a name or an expression (:func:`as_expr`), one column or several
(:func:`columns_arg`), and checks that the columns it needs exist before doing anything
(:func:`check_columns`), so a missing column is a clear :class:`~custdata.errors.ColumnNotFound`
rather than a polars error.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from custdata.errors import ColumnClash, InvalidOption, require_columns, show_column

__all__ = [
    "as_expr",
    "check_columns",
    "column_names",
    "columns_arg",
    "refuse_clashes",
    "require_flat_columns",
]


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
    schema = frame.collect_schema()
    require_columns(schema.names(), tuple(columns))
    require_flat_columns(schema, columns)


def require_flat_columns(
    schema: pl.Schema | Mapping[str, pl.DataType], columns: Sequence[str]
) -> None:
    """Raise :class:`~custdata.errors.InvalidOption` for a list/struct column (text steps need text).

    >>> require_flat_columns(pl.Schema({"a": pl.String, "t": pl.List(pl.String)}), ["a"])
    >>> require_flat_columns(pl.Schema({"t": pl.List(pl.String)}), ["t"])
    Traceback (most recent call last):
    ...
    custdata.errors.InvalidOption: column 't' holds nested values (List); flatten it to text first
    """
    for column in columns:
        dtype = schema.get(column)
        if dtype is not None and (dtype.is_nested() or dtype == pl.Object):
            raise InvalidOption(
                f"column {show_column(column, list(schema))} holds nested values "
                f"({type(dtype).__name__}); "
                "flatten it to text first"
            )


def refuse_clashes(step: Callable[..., Any]) -> Callable[..., Any]:
    """Make a frame step refuse to write over a column already in its input (adds ``overwrite``).

    The columns a step would add are found by running it on an empty copy of the frame that
    holds only the columns its arguments name; any of them already in the input raises
    :class:`~custdata.errors.ColumnClash` unless ``overwrite=True``. Writing over the step's
    own input column (``in_place=True``) is not a clash.

    >>> @refuse_clashes
    ... def upper(frame, columns):
    ...     return frame.with_columns(pl.col(columns).str.to_uppercase().alias(f"{columns}_up"))
    >>> df = pl.DataFrame({"a": ["x"], "a_up": ["kept?"]})
    >>> upper(df, "a")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    custdata.errors.ColumnClash: upper would write column 'a_up', which is already in the input; ...
    >>> upper(df, "a", overwrite=True)["a_up"].to_list()
    ['X']
    """
    signature = inspect.signature(step)
    params = list(signature.parameters.values())
    extra = inspect.Parameter("overwrite", inspect.Parameter.KEYWORD_ONLY, default=False)
    at = next((i for i, p in enumerate(params) if p.kind is p.VAR_KEYWORD), len(params))
    params.insert(at, extra.replace(annotation=bool))

    @functools.wraps(step)
    def wrapper(frame: Any, *args: Any, overwrite: bool = False, **kwargs: Any) -> Any:
        if not overwrite and isinstance(frame, (pl.DataFrame, pl.LazyFrame)):
            clash = _clashes(step, signature, frame, args, kwargs)
            if clash:
                raise ColumnClash(step.__name__, clash, frame.collect_schema().names())
        return step(frame, *args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**getattr(step, "__annotations__", {}), "overwrite": bool}
    return wrapper


def _named(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, Mapping):
        return set().union(*(_named(v) for v in value.values()), *(_named(k) for k in value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return set().union(*(_named(v) for v in value)) if value else set()
    return set()


def _clashes(
    step: Callable[..., Any],
    signature: inspect.Signature,
    frame: pl.DataFrame | pl.LazyFrame,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> list[str]:
    names = frame.collect_schema().names()
    try:
        bound = signature.bind(frame, *args, **kwargs)
    except TypeError:
        return []  # the real call reports the wrong arguments
    referenced = set().union(*(_named(v) for k, v in list(bound.arguments.items())[1:]))
    keep = [c for c in names if c in referenced]
    try:
        lazy_probe = frame.lazy().select(keep).head(0)
        probe = lazy_probe.collect() if isinstance(frame, pl.DataFrame) else lazy_probe
        out = step(probe, *args, **kwargs)
        produced = out.collect_schema().names()
    except Exception:  # noqa: BLE001 - the real call raises the real error
        return []
    return [c for c in produced if c not in keep and c in names]
