"""Build the normalized match keys that blocking and comparison work on.

One key column per field, whatever the input looked like:

==================  ==============================================================
``first_name_key``  first name: normalizer key (translit + diminutives) folded by
                    :func:`~custdata.dedupe._text.name_skeleton`
``surname_key``     surname skeleton without the gender ending (Иванов = Иванова)
``middle_name_key`` patronymic root (Иванович = Ивановна, not Петрович)
``birth_date``      ``pl.Date``
``gender``          ``"m"`` / ``"f"``
``phone``           the last 10 digits of the E.164 number
``email``           canonical email key (gmail dots and +tags removed, ...)
``address_key``     cleaned, order-insensitive address tokens
``city_key``        cleaned city
==================  ==============================================================

A key is null when the value is empty, junk ("нет", "0", "n/a") or invalid, so junk never
matches junk. Any other kind a user maps (``columns={"postcode": "zip"}``) becomes a generic
cleaned text key with the kind's name.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from custdata import normalize as _normalize
from custdata.dedupe._text import (
    address_key,
    clean_text,
    digits,
    name_skeleton,
    patronymic_stem,
    surname_stem,
)
from custdata.errors import InvalidOption, require_columns
from custdata.normalize._common import JUNK_VALUES

#: Row index column of the key frame (position of the row in the input).
ROW = "_row"

#: Key columns in the order they are built, and the kind(s) of input column each comes from.
KEY_COLUMNS: dict[str, str] = {
    "first_name_key": "first_name",
    "surname_key": "last_name",
    "middle_name_key": "middle_name",
    "birth_date": "birth_date",
    "gender": "gender",
    "phone": "phone",
    "email": "email",
    "address_key": "address",
    "city_key": "city",
}

#: Kinds that are never compared (record ids, other dates).
_IGNORED_KINDS = {"id", "date", "full_name"}
_PATRONYMIC_END = r"(?i)(вич|вна|ична|инична|ич|vich|vna|ichna|ovych|ivna|ych)$"
_JUNK = sorted(JUNK_VALUES)


def _normalizer(name: str):
    """A normalizer expression builder if the normalize package provides it, else None."""
    return getattr(_normalize, name, None)


def resolve_columns(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: Mapping[str, str | list[str]] | None = None,
) -> dict[str, list[str]]:
    """Kind -> input columns used for matching: ``columns`` if given, else detected.

    >>> df = pl.DataFrame({"Телефон": ["8 912 345-67-89"], "email": ["a@b.ru"]})
    >>> resolve_columns(df)
    {'phone': ['Телефон'], 'email': ['email']}
    >>> resolve_columns(df, {"phone": "Телефон"})
    {'phone': ['Телефон']}
    """
    names = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
    if columns is None:
        from custdata.schema import detect_columns

        found = detect_columns(frame)
    else:
        found = {k: [v] if isinstance(v, str) else list(v) for k, v in columns.items()}
        for cols in found.values():
            require_columns(names, cols)
    return {k: v for k, v in found.items() if v and k not in ("id", "date")}


def _name_text(expr: pl.Expr) -> pl.Expr:
    raw = expr.cast(pl.String).str.strip_chars()
    return pl.when(raw.str.to_lowercase().is_in(_JUNK) | (raw == "")).then(None).otherwise(raw)


def _split_full_name(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(last, first, middle) from a full name, vectorized.

    Three words ending in a patronymic -> "Last First Middle"; two or three Cyrillic words ->
    "Last First [Middle]"; Latin "First [Middle] Last" otherwise. Comparison also checks the
    swapped order, so a wrong guess costs little.
    """
    text = _name_text(expr).str.replace_all(r"[,\s]+", " ")
    parts = text.str.split(" ")
    n = parts.list.len()
    w0, w1, w2 = parts.list.get(0, null_on_oob=True), parts.list.get(1, null_on_oob=True), parts.list.get(2, null_on_oob=True)
    last_word = parts.list.last()
    cyrillic = text.str.contains(r"[А-Яа-яЁёІіЇїЄєҐґ]")
    patronymic_last = last_word.str.contains(_PATRONYMIC_END) & (n >= 3)
    patronymic_second = w1.str.contains(_PATRONYMIC_END) & (n == 2)
    east = cyrillic | patronymic_last
    last = (
        pl.when(n == 1).then(None)
        .when(patronymic_second).then(None)
        .when(east).then(w0)
        .otherwise(last_word)
    )
    first = (
        pl.when(n == 1).then(w0)
        .when(patronymic_second).then(w0)
        .when(east).then(w1)
        .otherwise(w0)
    )
    middle = (
        pl.when(patronymic_second).then(w1)
        .when(east & (n >= 3)).then(w2)
        .when(~east & (n >= 3)).then(w1)
        .otherwise(None)
    )
    return last, first, middle


def _first_key(expr: pl.Expr) -> pl.Expr:
    build = _normalizer("first_name_key")
    base = build(expr) if build is not None else expr
    return name_skeleton(base)


def _surname_key(expr: pl.Expr) -> pl.Expr:
    build = _normalizer("surname_key")
    base = build(expr) if build is not None else expr
    return surname_stem(base)


def _birth_date(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Date:
        return expr
    if isinstance(dtype, pl.Datetime):
        return expr.dt.date()
    build = _normalizer("birth_date")
    text = expr.cast(pl.String).str.strip_chars()
    if build is not None:
        parsed = build(text)
    else:
        parsed = pl.coalesce(
            text.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
            text.str.strptime(pl.Date, "%d.%m.%Y", strict=False),
            text.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
            text.str.strptime(pl.Date, "%d-%m-%Y", strict=False),
            text.str.strptime(pl.Date, "%Y%m%d", strict=False),
            text.str.strptime(pl.Date, "%Y/%m/%d", strict=False),
            text.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        )
    # 19000101-style placeholders and dates in the future are not birth dates.
    return pl.when((parsed.dt.year() < 1900) | (parsed.dt.year() > 2100)).then(None).otherwise(parsed)


def _gender(expr: pl.Expr) -> pl.Expr:
    build = _normalizer("gender")
    if build is not None:
        g = build(expr)
        return pl.when(g == "male").then(pl.lit("m")).when(g == "female").then(pl.lit("f")).otherwise(None)
    first = expr.cast(pl.String).str.strip_chars().str.to_lowercase().str.slice(0, 1)
    return (
        pl.when(first.is_in(["m", "м", "ч"])).then(pl.lit("m"))
        .when(first.is_in(["f", "w", "ж"])).then(pl.lit("f"))
        .otherwise(None)
    )


def _phone(expr: pl.Expr) -> pl.Expr:
    build = _normalizer("phone")
    base = build(expr.cast(pl.String)) if build is not None else expr
    d = digits(base)
    key = d.str.slice(-10)
    # "0000000", "1111111111": one repeated digit is a placeholder, not a phone.
    repeated = key.str.replace_all(r"^(0+|1+|2+|3+|4+|5+|6+|7+|8+|9+)$", "") == ""
    return pl.when((d.str.len_chars() < 7) | repeated).then(None).otherwise(key)


def _email(expr: pl.Expr) -> pl.Expr:
    build = _normalizer("email_key")
    text = expr.cast(pl.String).str.strip_chars().str.to_lowercase()
    base = build(expr.cast(pl.String)) if build is not None else text
    return pl.when(base.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")).then(base).otherwise(None)


def _first_present(exprs: list[pl.Expr]) -> pl.Expr:
    return exprs[0] if len(exprs) == 1 else pl.coalesce(exprs)


def prepare(
    frame: pl.DataFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
) -> pl.DataFrame:
    """The key frame: ``_row`` plus one normalized key column per field found.

    ``columns`` maps kinds (as :func:`custdata.schema.detect_columns` names them) to input
    columns; by default they are detected. Several columns of one kind are coalesced (the first
    non-empty value wins).

    >>> df = pl.DataFrame({"ФИО": ["Иванова Мария Петровна"], "Телефон": ["8 (912) 345-67-89"],
    ...                    "Дата рождения": ["01.02.1980"]})
    >>> prepare(df).row(0, named=True)  # doctest: +NORMALIZE_WHITESPACE
    {'_row': 0, 'first_name_key': 'mara', 'surname_key': 'ivanov', 'middle_name_key': 'petr',
     'birth_date': datetime.date(1980, 2, 1), 'phone': '9123456789', 'full_name_key': 'ivanov mara'}
    """
    mapping = resolve_columns(frame, columns)
    schema = frame.schema
    exprs: dict[str, pl.Expr] = {}

    def cols(kind: str) -> list[pl.Expr]:
        return [pl.col(c) for c in mapping.get(kind, [])]

    first, last, middle = cols("first_name"), cols("last_name"), cols("middle_name")
    if mapping.get("full_name"):
        split = [_split_full_name(pl.col(c)) for c in mapping["full_name"]]
        last = last + [s[0] for s in split]
        first = first + [s[1] for s in split]
        middle = middle + [s[2] for s in split]
    # Stage 1: the raw name parts as plain columns, so that the (large) key expressions below
    # are built on a column, not on a copy of the splitting expression each.
    raw = {
        name: _first_present([_name_text(e) for e in parts])
        for name, parts in (("_first", first), ("_last", last), ("_middle", middle))
        if parts
    }
    if raw:
        frame = frame.with_columns(**raw)
    if first:
        exprs["first_name_key"] = _first_key(pl.col("_first"))
    if last:
        exprs["surname_key"] = _surname_key(pl.col("_last"))
    if middle:
        exprs["middle_name_key"] = patronymic_stem(pl.col("_middle"))
    if mapping.get("birth_date"):
        exprs["birth_date"] = _first_present(
            [_birth_date(pl.col(c), schema[c]) for c in mapping["birth_date"]]
        )
    if mapping.get("gender"):
        exprs["gender"] = _first_present([_gender(e) for e in cols("gender")])
    if mapping.get("phone"):
        exprs["phone"] = _first_present([_phone(e) for e in cols("phone")])
    if mapping.get("email"):
        exprs["email"] = _first_present([_email(e) for e in cols("email")])
    if mapping.get("address"):
        exprs["address_key"] = _first_present([address_key(e) for e in cols("address")])
    if mapping.get("city"):
        exprs["city_key"] = _first_present(
            [clean_text(e).str.replace(r"^(g|gor|gorod|m|misto) ", "") for e in cols("city")]
        )
    for kind, kind_cols in mapping.items():
        if kind in KEY_COLUMNS.values() or kind in _IGNORED_KINDS:
            continue
        exprs[kind] = _first_present([clean_text(pl.col(c)) for c in kind_cols])
    if not exprs:
        raise InvalidOption(
            "no column to match on: name them with columns={'phone': ..., 'email': ...} "
            "(CLI: --column kind=COLUMN)"
        )
    out = frame.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW),
        *[e.alias(name) for name, e in exprs.items()],
    )
    if "first_name_key" in out.columns and "surname_key" in out.columns:
        # Whole-name key for rules like "name~0.92" (not a comparison of its own).
        out = out.with_columns(
            full_name_key=pl.concat_str(
                [pl.col("surname_key"), pl.col("first_name_key")], separator=" ", ignore_nulls=True
            ).replace("", None)
        )
    return out
