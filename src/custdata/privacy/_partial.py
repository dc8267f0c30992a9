"""Readable partial masks (``method="mask"``): what is kept of a phone, an email, a name, a text.

Scalar functions on one value (plus the per-distinct full-name mask); :mod:`custdata.privacy.mask`
picks one by column kind.
"""

from __future__ import annotations

import phonenumbers
import polars as pl

from custdata import normalize as _norm


def mask_phone(e164: str) -> str:
    """Readable partial phone: country code, first three digits, last two.

    >>> mask_phone("+79123456789")
    '+7 912 ***-**-89'
    >>> mask_phone("+380501234567")
    '+380 50 1** **67'
    """
    try:
        parsed = phonenumbers.parse(e164, None)
        text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        cc_digits = len(str(parsed.country_code))
    except phonenumbers.NumberParseException:
        text, cc_digits = e164, 0
    total = sum(ch.isdigit() for ch in text)
    keep_head, keep_tail = cc_digits + 3, 2
    out, seen = [], 0
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep_head or seen > total - keep_tail else "*")
        else:
            out.append(ch)
    return "".join(out)


def mask_email(email: str) -> str:
    """First letter of the local part, then ``***``, then the domain.

    >>> mask_email("ivan.petrov@mail.ru")
    'i***@mail.ru'
    """
    local, sep, domain = email.rpartition("@")
    if not sep:
        return mask_text(email)
    first = "*" if local[:1] in ("=", "+", "-", "@", "\t", "\r") else local[:1]
    return f"{first}***@{domain}"


def mask_text(value: str) -> str:
    """First character then ``***`` (the length is not revealed).

    A first character a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``) is
    masked too, so masking never creates a leading ``=``.

    >>> mask_text("ул. Ленина, 1"), mask_text("=HYPERLINK(...)")
    ('у***', '****')
    """
    value = value.strip()
    if not value:
        return value
    first = "*" if value[0] in "=+-@\t\r" else value[0]
    return f"{first}***"


def _initial(part: str | None) -> str:
    return f"{part[:1].upper()}." if part else ""


def _mask_names(series: pl.Series) -> pl.Series:
    """``Иванов И. И.`` for each distinct full name (surname + initials)."""
    values = series.cast(pl.String)
    uniq = values.drop_nulls().unique()
    if uniq.len() == 0:
        return pl.Series(series.name, [None] * series.len(), dtype=pl.String)
    parts = _norm.names(pl.DataFrame({"v": uniq}), "v")
    out = []
    for raw, last, first, middle in zip(
        parts["v"].to_list(),
        parts["v_last"].to_list(),
        parts["v_first"].to_list(),
        parts["v_middle"].to_list(),
        strict=True,
    ):
        if not (last or first):
            out.append(mask_text(raw))
            continue
        head = last or ""
        initials = " ".join(x for x in (_initial(first), _initial(middle)) if x)
        out.append(" ".join(x for x in (head, initials) if x))
    mapped = pl.Series(out, dtype=pl.String)
    return values.replace_strict(uniq, mapped, default=None, return_dtype=pl.String).alias(
        series.name
    )
