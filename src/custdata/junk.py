"""Placeholders people type when there is no value ("нет", "n/a", "-", "0", ...).

One list for every part of custdata: the normalizers flag these cells ``junk``, the profile
counts them, dedupe never matches on them and masking leaves them alone.
"""

from __future__ import annotations

import polars as pl

from custdata.frames import as_expr

__all__ = ["JUNK_VALUES", "is_junk", "junk_expr"]

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
