"""Helpers shared by every normalizer: junk placeholders, status codes, output column names.

Every normalizer adds ``<column>_<suffix>`` columns and one ``<column>_status`` column holding a
reason code. The codes ``ok`` (valid, unchanged apart from formatting), ``fixed`` is *not* a
code: whether a value was fixed is computed by :func:`summarize` by comparing the normalized
value with the original.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from custdata.errors import ColumnClash, InvalidOption, require_columns, show_column

#: Status code of a valid value.
OK = "ok"
#: Status code of a null, empty or whitespace-only cell.
EMPTY = "empty"
#: Status code of a placeholder that means "no value" ("нет", "n/a", "-", "0", ...).
JUNK = "junk"

#: Placeholders people type when there is no value. Compared after strip + casefold.
JUNK_VALUES: frozenset[str] = frozenset(
    {
        "-",
        "--",
        "---",
        "—",
        "–",
        ".",
        "..",
        "...",
        "?",
        "??",
        "0",
        "00",
        "000",
        "x",
        "xx",
        "xxx",
        "n/a",
        "na",
        "n.a.",
        "n\\a",
        "none",
        "null",
        "nil",
        "nan",
        "undefined",
        "unknown",
        "empty",
        "no",
        "not available",
        "not provided",
        "tbd",
        "test",
        "no phone",
        "no email",
        "нет",
        "нету",
        "не указан",
        "не указано",
        "не указана",
        "неизвестно",
        "нет данных",
        "отсутствует",
        "без телефона",
        "нет телефона",
        "нет почты",
        "не знаю",
        "-нет-",
        "немає",
        "не вказано",
        "невідомо",
        "відсутній",
    }
)


def as_expr(column: str | pl.Expr) -> pl.Expr:
    """Return ``column`` as an expression (a name becomes ``pl.col(name)``).

    >>> as_expr("tel").meta.output_name()
    'tel'
    """
    return pl.col(column) if isinstance(column, str) else column


def is_junk(value: str | None) -> bool:
    """True when ``value`` is a placeholder meaning "no value".

    >>> is_junk(" N/A "), is_junk("нет"), is_junk("Ivanov")
    (True, True, False)
    """
    if value is None:
        return False
    return value.strip().casefold() in JUNK_VALUES


def junk_expr(column: str | pl.Expr) -> pl.Expr:
    """Boolean expression: the cell is a junk placeholder (vectorized :func:`is_junk`).

    >>> pl.DataFrame({"a": ["нет", "x1", None]}).select(junk_expr("a"))["a"].to_list()
    [True, False, None]
    """
    return as_expr(column).str.strip_chars().str.to_lowercase().is_in(list(JUNK_VALUES))


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


def check_columns(frame: pl.DataFrame | pl.LazyFrame, columns: Sequence[str]) -> None:
    """Raise :class:`~custdata.errors.ColumnNotFound` if a column is missing from ``frame``."""
    schema = frame.collect_schema()
    require_columns(schema.names(), columns)
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
        probe = frame.lazy().select(keep).head(0)
        if isinstance(frame, pl.DataFrame):
            probe = probe.collect()
        out = step(probe, *args, **kwargs)
        produced = out.collect_schema().names()
    except Exception:  # noqa: BLE001 - the real call raises the real error
        return []
    return [c for c in produced if c not in keep and c in names]


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
