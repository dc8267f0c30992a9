"""Protect personal data columns: keyed hash, readable partial mask, reversible token, or drop.

* ``hash``: HMAC-SHA256 (hex) of the *normalized* value (E.164 phone, email matching key, name
  key, ISO date), so two files masked with the same key still join and dedupe, and
  ``8 (912) 345-67-89`` and ``+7 912 345 67 89`` hash the same.
* ``mask``: a readable partial value for people who need to recognise a record without seeing it
  whole (``+7 912 ***-**-89``, ``i***@mail.ru``, ``Иванов И. И.``, ``1985-**-**``).
* ``tokenize``: AES-SIV authenticated encryption (``cryptography``) of the original value. It is
  deterministic, so equal values give equal tokens and joins keep working, and
  :func:`unmask` gives the original text back to whoever holds the key.
* ``drop``: remove the column.

Empty cells and junk placeholders ("нет", "n/a") become null under ``hash`` and ``mask``;
``tokenize`` keeps every non-null value (reversible means reversible).
Every transform runs once per *distinct* value of a batch, then is mapped back, so a column with
many repeats costs little.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Literal

import polars as pl
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from custdata import normalize as _norm
from custdata.errors import InvalidOption, show_column
from custdata.frames import as_expr, check_columns, columns_arg
from custdata.junk import JUNK_VALUES
from custdata.privacy._partial import _initial, _mask_names, mask_email, mask_phone, mask_text
from custdata.privacy.keys import Key, load_key

Method = Literal["hash", "mask", "drop", "tokenize"]
METHODS: tuple[str, ...] = ("hash", "mask", "drop", "tokenize")

#: Column kinds (from :func:`custdata.schema.detect_columns`) in order of precedence.
KIND_ORDER: tuple[str, ...] = (
    "phone",
    "email",
    "full_name",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "gender",
    "city",
    "address",
    "id",
    "date",
)
#: Kinds that are never detected, only given: ``text`` (no normalization) and ``contact`` (an
#: email when the value has ``@``, else a phone: one column of mixed opt-out contacts).
EXTRA_KINDS: tuple[str, ...] = ("text", "contact")
#: Kinds that hold personal data: never shown in full in reports.
PII_KINDS: frozenset[str] = frozenset(
    {
        "phone",
        "email",
        "full_name",
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "address",
        "id",
        "contact",
    }
)
#: Kinds ``custdata mask`` protects when no column is named: direct identifiers (not ids, which
#: are pseudonymous and needed to join tables).
DEFAULT_MASK_KINDS: frozenset[str] = PII_KINDS - {"id"}
NAME_KINDS = frozenset({"full_name", "last_name", "first_name", "middle_name"})
DATE_KINDS = frozenset({"birth_date", "date"})

_TOKEN_PREFIX = "tok_"
_TOKEN_AD = [b"custdata token v1"]
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


# --------------------------------------------------------------------------- kinds


def column_kinds(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: Iterable[str] | None = None,
    *,
    kinds: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Kind of each column ("phone", "email", "full_name", ...; "text" when unknown).

    ``kinds`` overrides detection for the columns it names; the rest are detected with
    :func:`custdata.schema.detect_columns` (on the first 1000 rows of a LazyFrame).

    >>> column_kinds(pl.DataFrame({"x": ["a"]}), kinds={"x": "email"})
    {'x': 'email'}
    """
    names = frame.collect_schema().names()
    wanted = list(columns) if columns is not None else names
    given = dict(kinds or {})
    for column, kind in given.items():
        if kind not in KIND_ORDER and kind not in EXTRA_KINDS:
            raise InvalidOption(
                f"unknown kind {kind!r} for column {show_column(column, names)}; "
                f"use one of: {', '.join(KIND_ORDER + EXTRA_KINDS)}"
            )
    out: dict[str, str] = {c: given[c] for c in wanted if c in given}
    todo = [c for c in wanted if c not in out]
    if todo:
        from custdata.schema import detect_columns

        sample = frame.head(1000).collect() if isinstance(frame, pl.LazyFrame) else frame
        detected = detect_columns(sample)
        # tax and national ids (ИНН, SSN, ...) are ids here, as before schema named them apart
        detected["id"] = [*detected.get("id", []), *detected.pop("tax_id", [])]
        for column in todo:
            kind = next((k for k in KIND_ORDER if column in detected.get(k, [])), "text")
            out[column] = kind
    return {c: out[c] for c in wanted}


# --------------------------------------------------------------------------- helpers


def _clean_text(expr: pl.Expr) -> pl.Expr:
    """Strip, collapse whitespace, lower-case; empty and junk placeholders become null."""
    text = expr.cast(pl.String).str.strip_chars().str.replace_all(r"\s+", " ")
    blank = text.is_null() | (text == "") | text.str.to_lowercase().is_in(list(JUNK_VALUES))
    return pl.when(~blank).then(text)


def _per_distinct(column: str | pl.Expr, build: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """Evaluate ``build(pl.col("v"))`` once per distinct value of each batch, map it back.

    The normalizers cost per value; customer columns repeat values a lot.
    """
    expr = as_expr(column)

    def run(series: pl.Series) -> pl.Series:
        values = series.cast(pl.String)
        uniq = values.drop_nulls().unique()
        if uniq.len() == 0:
            return pl.Series(series.name, [None] * series.len(), dtype=pl.String)
        mapped = pl.DataFrame({"v": uniq}).select(build(pl.col("v")).cast(pl.String))
        return values.replace_strict(
            uniq, mapped.to_series(), default=None, return_dtype=pl.String
        ).alias(series.name)

    out = expr.map_batches(run, return_dtype=pl.String, is_elementwise=True)
    name = expr.meta.output_name(raise_if_undetermined=False)
    return out.alias(name) if name else out


def _match_key_expr(
    expr: pl.Expr,
    kind: str,
    region: str,
    infer_region: bool = True,
    regions: list | None = None,
    fallback_region: str | None = None,
) -> pl.Expr:
    if kind == "contact":
        phone = _match_key_expr(expr, "phone", region, infer_region, regions, fallback_region)
        return (
            pl.when(expr.str.contains("@", literal=True))
            .then(_match_key_expr(expr, "email", region))
            .otherwise(phone)
        )
    cleaned = _clean_text(expr)
    fallback = cleaned.str.to_lowercase()
    if kind == "phone":
        key = _norm.phone(
            expr,
            region=region,
            fallback_region=fallback_region,
            infer_region=infer_region,
            regions=regions,
        )
    elif kind == "email":
        key = _norm.email_key(expr)
    elif kind in NAME_KINDS:
        key = _norm.name_key(expr)
    elif kind in DATE_KINDS:
        key = _norm.birth_date(expr).dt.to_string("%Y-%m-%d")
    else:
        return fallback
    return pl.when(cleaned.is_not_null()).then(pl.coalesce(key, fallback))


def match_key(
    column: str | pl.Expr,
    *,
    kind: str = "text",
    region: str = "RU",
    infer_region: bool = True,
    regions: list[str] | None = None,
    fallback_region: str | None = None,
) -> pl.Expr:
    """Normalized matching key of a column, as hashed by ``method="hash"`` and used by suppress.

    A national phone number ``region`` rejects is read in ``fallback_region`` when given, else
    in the region the column's other numbers point to, or in ``regions`` when given
    (``infer_region``, see :func:`custdata.normalize.phones`).

    Phones give E.164, emails the :func:`custdata.normalize.email_key`, names the
    :func:`custdata.normalize.name_key`, dates ISO ``YYYY-MM-DD``; ``contact`` is an email key
    for values with ``@`` and a phone otherwise. Values that do not parse, and other kinds, fall
    back to the cleaned lower-case text. Empty and junk cells give null.

    >>> df = pl.DataFrame({"c": ["  Moscow ", "нет", None]})
    >>> df.select(match_key("c"))["c"].to_list()
    ['moscow', None, None]
    >>> ua = pl.DataFrame({"tel": ["0975419469", "(073) 346-59-24"]})
    >>> ua.select(match_key("tel", kind="phone", fallback_region="UA"))["tel"].to_list()
    ['+380975419469', '+380733465924']
    """
    return _per_distinct(
        column, lambda v: _match_key_expr(v, kind, region, infer_region, regions, fallback_region)
    )


def _map_distinct(series: pl.Series, fn: Callable[[str], str | None]) -> pl.Series:
    """Apply a scalar ``fn`` once per distinct non-null value and map the results back."""
    values = series.cast(pl.String)
    uniq = values.drop_nulls().unique()
    if uniq.len() == 0:
        return pl.Series(series.name, [None] * series.len(), dtype=pl.String)
    results = pl.Series([fn(v) for v in uniq.to_list()], dtype=pl.String)
    return values.replace_strict(uniq, results, default=None, return_dtype=pl.String).alias(
        series.name
    )


def hash_value(value: str, key: Key | str | bytes) -> str:
    """Hex HMAC-SHA256 of an (already normalized) value under ``key``.

    >>> len(hash_value("+79123456789", "a secret of sixteen+ bytes"))
    64
    """
    k = load_key(key)
    return hmac.new(k.hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def looks_hashed(value: str | None) -> bool:
    """True for a 64-digit lower-case hex string, the form ``method="hash"`` produces.

    >>> looks_hashed("ab" * 32), looks_hashed("ivan@mail.ru")
    (True, False)
    """
    return bool(value and _HEX64.match(value.strip()))


# --------------------------------------------------------------------------- expressions


def hashed(
    column: str | pl.Expr,
    *,
    kind: str = "text",
    key: Key | str | bytes | None = None,
    key_file: str | os.PathLike[str] | None = None,
    region: str = "RU",
    regions: list[str] | None = None,
    fallback_region: str | None = None,
) -> pl.Expr:
    """Keyed HMAC-SHA256 (hex) of the normalized value; null for empty and junk cells.

    ``regions``, ``fallback_region``: the regions a national phone number may be read in (see
    :func:`match_key`).

    >>> df = pl.DataFrame({"tel": ["8 (912) 345-67-89", "+7 912 345 67 89", None]})
    >>> out = df.select(hashed("tel", kind="text", key="example key, 16+ bytes"))["tel"]
    >>> out.null_count(), out[0] == out[1]
    (1, False)
    """
    k = load_key(key, key_file=key_file)

    def digest(value: str) -> str:
        return hmac.new(k.hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    key_expr = match_key(
        column, kind=kind, region=region, regions=regions, fallback_region=fallback_region
    )
    return key_expr.map_batches(
        lambda s: _map_distinct(s, digest), return_dtype=pl.String, is_elementwise=True
    )


def tokenized(
    column: str | pl.Expr,
    *,
    key: Key | str | bytes | None = None,
    key_file: str | os.PathLike[str] | None = None,
) -> pl.Expr:
    """Deterministic reversible token (AES-SIV) of the original text; see :func:`detokenized`.

    Every non-null value is tokenized, junk-looking ones ("0", "нет", "-") included, so that
    :func:`detokenized` gives back exactly what was there.

    >>> df = pl.DataFrame({"e": ["ivan@mail.ru", "ivan@mail.ru", "нет", None]})
    >>> t = df.select(tokenized("e", key="example key, 16+ bytes"))["e"]
    >>> t[0] == t[1], t[0].startswith("tok_"), t[2].startswith("tok_"), t[3]
    (True, True, True, None)
    """
    siv = AESSIV(load_key(key, key_file=key_file).token_key)

    def encrypt(value: str) -> str:
        blob = siv.encrypt(value.encode("utf-8"), _TOKEN_AD)
        return _TOKEN_PREFIX + base64.urlsafe_b64encode(blob).decode("ascii").rstrip("=")

    source = as_expr(column).cast(pl.String)
    return source.map_batches(
        lambda s: _map_distinct(s, encrypt), return_dtype=pl.String, is_elementwise=True
    )


def detokenized(
    column: str | pl.Expr,
    *,
    key: Key | str | bytes | None = None,
    key_file: str | os.PathLike[str] | None = None,
) -> pl.Expr:
    """Original text of tokens made by :func:`tokenized`; null where a token is not valid
    for this key (tampered, truncated or made with another key).

    >>> k = "example key, 16+ bytes"
    >>> df = pl.DataFrame({"e": ["Ivan@Mail.ru", "garbage"]})
    >>> df.select(tokenized("e", key=k)).select(detokenized("e", key=k))["e"].to_list()
    ['Ivan@Mail.ru', 'garbage']
    >>> df.select(detokenized("e", key=k))["e"].to_list()
    [None, None]
    """
    siv = AESSIV(load_key(key, key_file=key_file).token_key)

    def decrypt(token: str) -> str | None:
        if not token.startswith(_TOKEN_PREFIX):
            return None
        body = token[len(_TOKEN_PREFIX) :]
        try:
            blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return siv.decrypt(blob, _TOKEN_AD).decode("utf-8")
        except (InvalidTag, ValueError):
            return None

    return (
        as_expr(column)
        .cast(pl.String)
        .map_batches(
            lambda s: _map_distinct(s, decrypt), return_dtype=pl.String, is_elementwise=True
        )
    )


def _masked_expr(
    expr: pl.Expr,
    kind: str,
    region: str,
    regions: list | None = None,
    fallback_region: str | None = None,
) -> pl.Expr:
    if kind == "contact":
        return (
            pl.when(expr.str.contains("@", literal=True))
            .then(_masked_expr(expr, "email", region))
            .otherwise(_masked_expr(expr, "phone", region, regions, fallback_region))
        )
    cleaned = _clean_text(expr)
    by_distinct = lambda fn: (  # noqa: E731 - tiny local adapter
        lambda s: _map_distinct(s, fn)
    )
    if kind == "phone":
        e164 = _norm.phone(expr, region=region, fallback_region=fallback_region, regions=regions)
        body = pl.coalesce(
            e164.map_batches(by_distinct(mask_phone), return_dtype=pl.String, is_elementwise=True),
            cleaned.map_batches(
                by_distinct(mask_text), return_dtype=pl.String, is_elementwise=True
            ),
        )
    elif kind == "email":
        body = pl.coalesce(_norm.email(expr), cleaned).map_batches(
            by_distinct(mask_email), return_dtype=pl.String, is_elementwise=True
        )
    elif kind == "full_name":
        body = cleaned.map_batches(_mask_names, return_dtype=pl.String, is_elementwise=True)
    elif kind in ("first_name", "middle_name"):
        body = cleaned.map_batches(
            by_distinct(_initial), return_dtype=pl.String, is_elementwise=True
        )
    elif kind == "last_name":
        body = cleaned
    elif kind in DATE_KINDS:
        iso = _norm.birth_date(expr).dt.to_string("%Y-%m-%d")
        body = pl.coalesce(
            iso.str.slice(0, 4) + pl.lit("-**-**"),
            cleaned.map_batches(
                by_distinct(mask_text), return_dtype=pl.String, is_elementwise=True
            ),
        )
    else:
        body = cleaned.map_batches(
            by_distinct(mask_text), return_dtype=pl.String, is_elementwise=True
        )
    return pl.when(cleaned.is_not_null()).then(body)


def masked(
    column: str | pl.Expr,
    *,
    kind: str = "text",
    region: str = "RU",
    regions: list[str] | None = None,
    fallback_region: str | None = None,
) -> pl.Expr:
    """Readable partial mask by kind (see :func:`mask_phone`, :func:`mask_email`).

    Full names keep the surname and initials, first and middle names become an initial,
    surnames stay, dates keep the year, everything else keeps its first character. Phones are
    read as in :func:`match_key` (``region``, ``fallback_region``, ``regions``).

    >>> df = pl.DataFrame({"d": ["1985-03-14", None]})
    >>> df.select(masked("d", kind="text"))["d"].to_list()
    ['1***', None]
    """
    return _per_distinct(column, lambda v: _masked_expr(v, kind, region, regions, fallback_region))


# --------------------------------------------------------------------------- frame steps


def mask(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: str | Iterable[str],
    *,
    method: Method = "hash",
    key: Key | str | bytes | None = None,
    key_file: str | os.PathLike[str] | None = None,
    kinds: Mapping[str, str] | None = None,
    region: str = "RU",
    in_place: bool = True,
    regions: list[str] | None = None,
    fallback_region: str | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Protect personal data in ``columns`` with ``method`` ("hash", "mask", "tokenize", "drop").

    The key (for hash and tokenize) comes from ``key``, ``key_file`` or the ``CUSTDATA_KEY``
    environment variable; without one an :class:`~custdata.errors.InvalidOption` is raised.
    Column kinds are detected (or given in ``kinds``) to pick the normalization.
    Unlike the normalizers, the columns are replaced by default (``in_place=True``): keeping the
    originals next to their masks would defeat the purpose. ``in_place=False`` adds
    ``<column>_<method>`` columns instead (not allowed with ``drop``). A national phone number
    the default ``region`` rejects is read in ``fallback_region`` when given, else in the region
    the column's numbers point to, or in ``regions`` when given (pass it, e.g. from
    :func:`custdata.normalize.phone_regions` over all the data, when the frame is processed in
    batches or partitions: see :func:`custdata.normalize.phones`).

    >>> df = pl.DataFrame({"email": ["Ivan.Petrov@gmail.com", "ivanpetrov@gmail.com"]})
    >>> out = mask(df, "email", method="hash", key="example key, 16+ bytes",
    ...            kinds={"email": "email"})
    >>> out["email"][0] == out["email"][1]
    True
    >>> mask(df, "email", method="mask", kinds={"email": "email"})["email"].to_list()
    ['i***@gmail.com', 'i***@gmail.com']
    >>> ua = pl.DataFrame({"tel": ["0975419469"]})
    >>> mask(ua, "tel", method="mask", kinds={"tel": "phone"}, fallback_region="UA")["tel"][0]
    '+380 97 5** **69'
    """
    if method not in METHODS:
        raise InvalidOption(f"unknown method {method!r}; use one of: {', '.join(METHODS)}")
    cols = columns_arg(columns)
    check_columns(frame, cols)
    if method == "drop":
        if not in_place:
            raise InvalidOption(
                "method 'drop' removes columns; it cannot be used with in_place=False"
            )
        return frame.drop(cols)
    loaded = load_key(key, key_file=key_file) if method in ("hash", "tokenize") else None
    col_kinds = column_kinds(frame, cols, kinds=kinds) if method in ("hash", "mask") else {}
    exprs = []
    for c in cols:
        if method == "hash":
            e = hashed(
                c,
                kind=col_kinds[c],
                key=loaded,
                region=region,
                regions=regions,
                fallback_region=fallback_region,
            )
        elif method == "tokenize":
            e = tokenized(c, key=loaded)
        else:
            e = masked(
                c,
                kind=col_kinds[c],
                region=region,
                regions=regions,
                fallback_region=fallback_region,
            )
        exprs.append(e.alias(c if in_place else f"{c}_{method}"))
    return frame.with_columns(exprs)


def unmask(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: str | Iterable[str],
    *,
    key: Key | str | bytes | None = None,
    key_file: str | os.PathLike[str] | None = None,
    in_place: bool = True,
) -> pl.DataFrame | pl.LazyFrame:
    """Turn tokens made by ``mask(..., method="tokenize")`` back into the original values.

    Every non-null cell must be a valid token for this key: otherwise (a wrong key, a column
    that was never tokenized, a damaged token) :class:`~custdata.errors.InvalidOption` is raised
    and nothing is returned, so nothing half-restored is ever written. Hashes and partial masks
    cannot be reversed.

    >>> k = "example key, 16+ bytes"
    >>> df = pl.DataFrame({"tel": ["8 (912) 345-67-89"]})
    >>> unmask(mask(df, "tel", method="tokenize", key=k), "tel", key=k)["tel"].to_list()
    ['8 (912) 345-67-89']
    """
    cols = columns_arg(columns)
    check_columns(frame, cols)
    loaded = load_key(key, key_file=key_file)
    lazy = isinstance(frame, pl.LazyFrame)
    eager = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    restored = eager.select(detokenized(c, key=loaded).alias(c) for c in cols)
    names = eager.columns
    for c in cols:
        bad = int((eager[c].is_not_null() & restored[c].is_null()).sum())
        if bad:
            raise InvalidOption(
                f"{bad:,} of {eager[c].drop_nulls().len():,} values in column "
                f"{show_column(c, names)} are not tokens for this key (a wrong key, or a column "
                "that was never tokenized); nothing was restored"
            )
    out = eager.with_columns(restored[c].alias(c if in_place else f"{c}_unmasked") for c in cols)
    return out.lazy() if lazy else out
