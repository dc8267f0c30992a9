"""Russian, Ukrainian and Belarusian tax and registration numbers, validated with python-stdnum.

Supported kinds (python-stdnum modules, a maintained library with the official check-digit rules,
so nothing here re-implements a checksum):

=========== ============================================================= ==================
kind        what                                                          stdnum module
=========== ============================================================= ==================
``ru_inn``  ИНН, Russian taxpayer number (10 digits: company, 12: person) ``stdnum.ru.inn``
``ru_ogrn`` ОГРН / ОГРНИП, Russian registration number (13 / 15 digits)  ``stdnum.ru.ogrn``
``ua_edrpou`` ЄДРПОУ, Ukrainian company code (8 digits)                   ``stdnum.ua.edrpou``
``ua_rntrc`` РНОКПП (ІПН), Ukrainian personal tax number (10 digits)      ``stdnum.ua.rntrc``
``by_unp``  УНП, Belarusian payer number (9 characters)                   ``stdnum.by.unp``
=========== ============================================================= ==================

Before validation a value is compacted by :func:`compact_id` (one cleaner, also what dedupe
compares): a leading label (``ИНН``, ``ЄДРПОУ``, ``УНП``, ``EIN``, ``№``...) and every separator
are taken off, so ``7707 083 893``, ``ИНН 7707083893`` and ``7707-083-893`` are one number.
The frame step adds ``<col>_normalized`` (the compact form), ``<col>_status`` and, with
``kind="auto"``, ``<col>_kind``. Status codes: ``ok``, ``empty``, ``junk``, ``invalid_format``,
``invalid_length``, ``invalid_checksum``, ``invalid_component`` (python-stdnum's exception
names), ``unknown_kind`` (auto mode: no kind accepts the value).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from custdata.errors import InvalidOption
from custdata.frames import as_expr, check_columns, columns_arg, refuse_clashes
from custdata.junk import is_junk
from custdata.normalize._common import one_chunk
from custdata.status import EMPTY, JUNK, OK

#: kind -> python-stdnum module path.
ID_KINDS: dict[str, str] = {
    "ru_inn": "stdnum.ru.inn",
    "ru_ogrn": "stdnum.ru.ogrn",
    "ua_edrpou": "stdnum.ua.edrpou",
    "ua_rntrc": "stdnum.ua.rntrc",
    "by_unp": "stdnum.by.unp",
}

#: The order in which ``kind="auto"`` tries the kinds (by length they rarely collide; the first
#: that validates wins, so a 10-digit number valid as both ИНН and РНОКПП is read as an ИНН
#: unless the kind is given).
AUTO_ORDER: tuple[str, ...] = ("ru_inn", "ru_ogrn", "ua_edrpou", "ua_rntrc", "by_unp")

_STATUS = {
    "InvalidFormat": "invalid_format",
    "InvalidLength": "invalid_length",
    "InvalidChecksum": "invalid_checksum",
    "InvalidComponent": "invalid_component",
}


#: A label written before the number (``ИНН 7707083893``, ``ЄДРПОУ: 32855961``, ``EIN 12-3456789``,
#: ``№ 123``), case-insensitive.
_LABEL_RE = re.compile(
    r"^\s*(?:(?:огрнип|огрн|ogrnip|ogrn|инн|inn|єдрпоу|едрпоу|егрпоу|edrpou|окпо|okpo|рнокпп"
    r"|rnokpp|іпн|ипн|ipn|унп|unp|ein|ssn|tin|vat)(?:\s*(?:№|no\.?|nr\.?|#))?|№|no\.|nr\.|#)"
    r"\s*[:.]?\s*",
    re.IGNORECASE,
)
#: Separators inside a number: anything but letters and digits.
_SEPARATORS_RE = re.compile(r"[\W_]+")


def compact_id(value: str | None) -> str | None:
    """The number without its label, separators and case: what is validated and compared.

    None when nothing is left. Letters stay (a Belarusian УНП or a UK company number has them).

    >>> [compact_id(v) for v in ("7707 083 893", "ИНН 7707083893", "7707-083-893", "инн: 7707083893")]
    ['7707083893', '7707083893', '7707083893', '7707083893']
    >>> compact_id("EIN 12-3456789"), compact_id("sc 123456"), compact_id(" - ")
    ('123456789', 'SC123456', None)
    """
    if value is None:
        return None
    text = _LABEL_RE.sub("", str(value), count=1)
    out = _SEPARATORS_RE.sub("", text).upper()
    return out or None


def compact_id_expr(column: str | pl.Expr) -> pl.Expr:
    """:func:`compact_id` as an expression (the same function, once per distinct value).

    >>> df = pl.DataFrame({"inn": ["7707 083 893", "ИНН 7707083893", "7707-083-893", "", None]})
    >>> df.select(compact_id_expr("inn"))["inn"].to_list()
    ['7707083893', '7707083893', '7707083893', None, None]
    """

    def run(values: pl.Series) -> pl.Series:
        uniques = values.unique()
        table = pl.DataFrame(
            {"v": uniques, "c": pl.Series([compact_id(v) for v in uniques], dtype=pl.String)}
        )
        joined = values.to_frame("v").join(
            table, on="v", how="left", nulls_equal=True, maintain_order="left"
        )
        return joined["c"].alias(values.name)

    expr = as_expr(column).cast(pl.String)
    return expr.map_batches(run, return_dtype=pl.String, is_elementwise=True)


def checksum_valid(value: str | None) -> bool:
    """True when the compact number passes the check of one of the supported kinds.

    A number no kind accepts may be foreign (a US EIN, a UK company number) or mistyped: this
    cannot tell which, so dedupe weighs it as an unconfirmed number, not as a wrong one.

    >>> checksum_valid("ИНН 7707083893"), checksum_valid("7707083894"), checksum_valid(None)
    (True, False, False)
    """
    return parse_id(value).status == OK


@dataclass(frozen=True)
class IdResult:
    """One validated number: compact form (None when invalid), its kind and a status code."""

    normalized: str | None
    kind: str | None
    status: str


def _module(kind: str):
    if kind not in ID_KINDS:
        raise InvalidOption(f"unknown id kind {kind!r}; use auto or one of: {', '.join(ID_KINDS)}")
    return importlib.import_module(ID_KINDS[kind])


def parse_id(value: str | None, *, kind: str = "auto") -> IdResult:
    """Validate one number; never raises on a bad value.

    >>> parse_id(" 7707083893 ", kind="ru_inn")
    IdResult(normalized='7707083893', kind='ru_inn', status='ok')
    >>> parse_id("7707083894", kind="ru_inn").status
    'invalid_checksum'
    >>> parse_id("1027700132195")
    IdResult(normalized='1027700132195', kind='ru_ogrn', status='ok')
    >>> parse_id("ИНН 7707-083-893").normalized
    '7707083893'
    """
    if value is None or not str(value).strip():
        return IdResult(None, None, EMPTY)
    if is_junk(str(value)):
        return IdResult(None, None, JUNK)
    text = compact_id(value)
    if text is None:
        return IdResult(None, None, "invalid_format")
    kinds = AUTO_ORDER if kind == "auto" else (kind,)
    first_error: str | None = None
    for k in kinds:
        module = _module(k)
        try:
            return IdResult(str(module.validate(text)), k, OK)
        except Exception as exc:  # noqa: BLE001 - stdnum raises ValidationError subclasses
            first_error = first_error or _STATUS.get(type(exc).__name__, "invalid_format")
    if kind == "auto":
        return IdResult(None, None, "unknown_kind")
    return IdResult(None, kind, first_error or "invalid_format")


def _struct(values: pl.Series, kind: str) -> pl.Series:
    results = [parse_id(v, kind=kind) for v in values.to_list()]
    return pl.Series(
        [{"normalized": r.normalized, "kind": r.kind, "status": r.status} for r in results],
        dtype=pl.Struct({"normalized": pl.String, "kind": pl.String, "status": pl.String}),
    )


def id_details(column: str | pl.Expr, *, kind: str = "auto") -> pl.Expr:
    """Struct expression (normalized, kind, status), computed once per distinct value.

    >>> df = pl.DataFrame({"inn": ["7707083893", "нет", None]})
    >>> df.select(id_details("inn").struct.field("status"))["status"].to_list()
    ['ok', 'junk', 'empty']
    """
    if kind != "auto":
        _module(kind)  # fail early on an unknown kind
    dtype = pl.Struct({"normalized": pl.String, "kind": pl.String, "status": pl.String})
    expr = as_expr(column).cast(pl.String)
    return expr.map_batches(
        lambda s: _by_distinct(s, kind), return_dtype=dtype, is_elementwise=True
    )


def _by_distinct(values: pl.Series, kind: str) -> pl.Series:
    uniques = values.unique(maintain_order=True)
    lookup = pl.DataFrame({"v": uniques, "r": _struct(uniques, kind)})
    joined = pl.DataFrame({"v": values}).join(
        lookup, on="v", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined["r"].alias(values.name)


def tax_id(column: str | pl.Expr, *, kind: str = "auto") -> pl.Expr:
    """The compact, validated number; null where invalid.

    >>> pl.DataFrame({"edrpou": ["32855961", "3285596"]}).select(tax_id("edrpou", kind="ua_edrpou"))["edrpou"].to_list()
    ['32855961', None]
    """
    result = id_details(column, kind=kind).struct.field("normalized")
    return result.alias(column) if isinstance(column, str) else result


@refuse_clashes
def tax_ids(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: str | Iterable[str],
    *,
    kind: str = "auto",
    in_place: bool = False,
) -> pl.DataFrame | pl.LazyFrame:
    """Add ``<col>_normalized``, ``<col>_status`` (and ``<col>_kind`` in auto mode) per column.

    With ``in_place=True`` valid numbers replace the original text; invalid cells keep it.

    >>> df = pl.DataFrame({"ИНН": ["7707083893", "500100732259", "123"]})
    >>> tax_ids(df, "ИНН").select("ИНН_kind", "ИНН_status").rows()
    [('ru_inn', 'ok'), ('ru_inn', 'ok'), (None, 'unknown_kind')]
    """
    cols = columns_arg(columns)
    check_columns(frame, cols)
    frame = one_chunk(frame, cols)
    out = frame
    for col in cols:
        tmp = f"__{col}_id"
        out = out.with_columns(id_details(col, kind=kind).alias(tmp))
        normalized = pl.col(tmp).struct.field("normalized")
        added = [pl.col(tmp).struct.field("status").alias(f"{col}_status")]
        if kind == "auto":
            added.append(pl.col(tmp).struct.field("kind").alias(f"{col}_kind"))
        if in_place:
            added.append(pl.coalesce(normalized, pl.col(col).cast(pl.String)).alias(col))
        else:
            added.append(normalized.alias(f"{col}_normalized"))
        out = out.with_columns(added).drop(tmp)
    return out
