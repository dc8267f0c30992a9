"""Scalar phone parsing: the reference semantics of the phone normalizer (no polars here).

This module is the *slow path* and the specification: every value the vectorized fast path
(:mod:`custdata.normalize._phone_fast`) cannot handle goes through :func:`parse_cell`, and the
differential tests check that the fast path returns exactly what this module returns.
It does not import polars so that worker processes start quickly.

One cell is handled in four steps:

1. empty / junk placeholder / input mask (``+7 (___) ___-__-__``) -> ``empty`` / ``junk``;
2. the cell is split into number-like parts (``,`` ``;`` ``|`` new line, ``или``/``or``, ``/``
   between two full numbers); extension-only parts (``, доб. 12``) stick to the number before;
3. each part is parsed by :func:`phonenumbers.parse` with the default region, validated with
   :func:`phonenumbers.is_valid_number` and formatted as E.164 (the naive loop's semantics);
4. custdata's additions on top: all-same-digit numbers are ``junk``; a number without ``+``
   that phonenumbers rejects is retried as international when it starts with ``00`` (any region)
   or has 11 or more digits and does not start with the region's trunk prefix
   (``380 50 123 45 67`` typed without ``+`` in a Russian table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers as pn
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult
from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.phonenumberutil import _number_type_helper  # what is_valid_number uses

from custdata.junk import JUNK_VALUES
from custdata.status import EMPTY, JUNK, OK

NOT_A_NUMBER = "not_a_number"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
INVALID_LENGTH = "invalid_length"
INVALID_COUNTRY_CODE = "invalid_country_code"
INVALID_FOR_REGION = "invalid_for_region"
MULTIPLE_NUMBERS = "multiple_numbers"

#: Every status code, in the order of the documentation table.
STATUSES: tuple[str, ...] = (
    OK,
    MULTIPLE_NUMBERS,
    EMPTY,
    JUNK,
    NOT_A_NUMBER,
    TOO_SHORT,
    TOO_LONG,
    INVALID_LENGTH,
    INVALID_COUNTRY_CODE,
    INVALID_FOR_REGION,
    "ambiguous_region",
)

TYPE_NAMES: dict[int, str | None] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: None,
}

_PARSE_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: INVALID_COUNTRY_CODE,
    NumberParseException.NOT_A_NUMBER: NOT_A_NUMBER,
    NumberParseException.TOO_SHORT_AFTER_IDD: TOO_SHORT,
    NumberParseException.TOO_SHORT_NSN: TOO_SHORT,
    NumberParseException.TOO_LONG: TOO_LONG,
}

_POSSIBLE_REASONS = {
    ValidationResult.IS_POSSIBLE: INVALID_FOR_REGION,
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: TOO_SHORT,
    ValidationResult.TOO_SHORT: TOO_SHORT,
    ValidationResult.TOO_LONG: TOO_LONG,
    ValidationResult.INVALID_LENGTH: INVALID_LENGTH,
    ValidationResult.INVALID_COUNTRY_CODE: INVALID_COUNTRY_CODE,
}

# Separators between two numbers in one cell.
_SPLIT_RE = re.compile(r"[,;|\n\r]+|\s+(?:или|либо|or|и|and)\s+", re.IGNORECASE)
# A part that is only an extension ("доб. 12") belongs to the number before it.
_EXT_ONLY_RE = re.compile(
    r"^\s*(?:доб|добавочный|доп|вн|внутр|внутренний|ext|extension|x|#)\b", re.IGNORECASE
)
# Extension labels phonenumbers does not know; rewritten to "доб" which it does know.
_EXT_LABEL_RE = re.compile(
    r"(?<![^\W\d_])(?:добавочный|доп|внутр|внутренний|вн)\.?\s*(?=\d)", re.IGNORECASE
)
_DIGIT_RE = re.compile(r"\d")
_NON_DIGIT_RE = re.compile(r"[^0-9]")
_LETTER_RE = re.compile(r"[^\W\d_]")
# Leading labels ("тел:", "моб.", "Phone -") before the number.
_LABEL_RE = re.compile(r"^[^\d+(（＋]*")


@dataclass(frozen=True)
class PhoneResult:
    """The result of normalizing one phone cell (see :func:`custdata.normalize.parse_phone`).

    ``e164`` is ``None`` unless ``status`` is ``ok`` or ``multiple_numbers`` (then it holds the
    first valid number and ``extra`` the other valid ones). ``possible`` tells a number with a
    plausible length (phonenumbers' ``is_possible_number``) from one that also matches an
    assigned range (``valid``).
    """

    e164: str | None
    status: str
    type: str | None = None
    region: str | None = None
    extension: str | None = None
    possible: bool = False
    national: str | None = None
    international: str | None = None
    extra: tuple[str, ...] = field(default=())

    @property
    def valid(self) -> bool:
        """True when ``e164`` holds a valid number."""
        return self.e164 is not None


def _all_same(digits: str) -> bool:
    return bool(digits) and digits.count(digits[0]) == len(digits)


def _outcome(text: str, region: str | None) -> tuple[pn.PhoneNumber | None, str | None]:
    """phonenumbers' answer: (number object, None) when it parses, else (None, status)."""
    try:
        return pn.parse(text, region), None
    except NumberParseException as exc:
        return None, _PARSE_ERRORS.get(exc.error_type, NOT_A_NUMBER)


def national_prefix(region: str | None) -> str | None:
    """The trunk prefix of a region ("8" for RU, "0" for UA, "1" for US), None if it has none."""
    meta = PhoneMetadata.metadata_for_region(region, None) if region else None
    return (meta.national_prefix or None) if meta is not None else None


def _retry_digits(digits: str, region: str | None) -> str | None:
    """Digits to retry as international for a number typed without '+' (custdata's addition):
    after a ``00`` prefix, or all of them when there are 11+ and they do not start with the
    region's trunk prefix (an invalid "8 (6xx) ..." in Russia is a typo, not a Chinese +86)."""
    if digits.startswith("00") and len(digits) > 2 and digits[2] != "0":
        return digits[2:]
    prefix = national_prefix(region)
    if len(digits) >= 11 and not (prefix and digits.startswith(prefix)):
        return digits
    return None


def _result(num: pn.PhoneNumber, *, formats: bool) -> PhoneResult:
    nsn = pn.national_significant_number(num)
    reason = pn.is_possible_number_with_reason(num)
    possible = reason == ValidationResult.IS_POSSIBLE
    ext = num.extension or None
    if _all_same(nsn):
        return PhoneResult(None, JUNK, possible=possible, extension=ext)
    # is_valid_number + number_type + region_code_for_number in one go (same helpers inside)
    region = pn.region_code_for_number(num)
    meta = (
        PhoneMetadata.metadata_for_region_or_calling_code(num.country_code, region)
        if region is not None and num.country_code is not None
        else None
    )
    kind = _number_type_helper(nsn, meta) if meta is not None else PhoneNumberType.UNKNOWN
    if kind == PhoneNumberType.UNKNOWN:
        return PhoneResult(
            None,
            _POSSIBLE_REASONS.get(reason, INVALID_FOR_REGION),
            possible=possible,
            extension=ext,
        )
    national = international = None
    if formats:
        bare = pn.PhoneNumber(
            country_code=num.country_code,
            national_number=num.national_number,
            italian_leading_zero=num.italian_leading_zero,
            number_of_leading_zeros=num.number_of_leading_zeros,
        )
        national = pn.format_number(bare, pn.PhoneNumberFormat.NATIONAL)
        international = pn.format_number(bare, pn.PhoneNumberFormat.INTERNATIONAL)
    return PhoneResult(
        f"+{num.country_code}{nsn}",
        OK,
        type=TYPE_NAMES.get(kind),
        region=region,
        extension=ext,
        possible=possible,
        national=national,
        international=international,
    )


def parse_part(
    text: str, region: str | None, *, formats: bool = False, fallback: str | None = None
) -> PhoneResult:
    """Normalize one number-like piece of text (no splitting).

    >>> parse_part("8 (912) 345-67-89", "RU").e164
    '+79123456789'
    >>> parse_part("+7 (___) ___-__-__", "RU").status
    'junk'
    """
    stripped = text.strip()
    if not stripped:
        return PhoneResult(None, EMPTY)
    if stripped.casefold() in JUNK_VALUES or "_" in stripped:
        return PhoneResult(None, JUNK)
    if not _DIGIT_RE.search(stripped):
        return PhoneResult(None, NOT_A_NUMBER if _LETTER_RE.search(stripped) else JUNK)
    text = _EXT_LABEL_RE.sub("доб ", stripped)
    num, error = _outcome(text, region)
    main = _main_text(text, num)
    digits = _NON_DIGIT_RE.sub("", main) if main.isascii() else pn.normalize_digits_only(main)
    if _all_same(digits):
        return PhoneResult(None, JUNK)
    first = _result(num, formats=formats) if num is not None else PhoneResult(None, error or "")
    if first.status in (OK, JUNK) or "+" in text or "＋" in text:
        return first
    retry = _retry_digits(digits, region)
    if retry is not None:
        alt, _ = _outcome("+" + retry, None)
        if alt is not None:
            if num is not None and num.extension:
                alt.extension = num.extension
            second = _result(alt, formats=formats)
            if second.status == OK:
                return second
    if fallback is not None and fallback != region:
        other, _ = _outcome(text, fallback)
        if other is not None:
            third = _result(other, formats=formats)
            if third.status == OK:
                return third
    return first


def _main_text(text: str, num: pn.PhoneNumber | None) -> str:
    """The text without its extension (the digits that make the number itself)."""
    if num is not None and num.extension:
        cut = text.rfind(num.extension)
        if cut > 0:
            head = text[:cut]
            # drop the label before the extension digits ("доб. ", "ext", "x", "#")
            return re.sub(r"[^\d]*$", "", head)
    return text


def split_cell(value: str) -> list[str]:
    """Split one cell into number-like parts (labels and empty pieces dropped).

    >>> split_cell("тел: 8-912-345-67-89; моб: +7 913 000 11 22")
    ['8-912-345-67-89', '+7 913 000 11 22']
    >>> split_cell("+7 495 123-45-67, доб. 12")
    ['+7 495 123-45-67, доб. 12']
    """
    parts: list[str] = []
    pieces = _SPLIT_RE.split(value)
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if parts and _EXT_ONLY_RE.match(piece):
            parts[-1] = parts[-1] + ", " + piece
            continue
        # "8-912-345-67-89 / 8-913-..." : split on "/" only between full-length numbers
        if "/" in piece:
            subs = [s.strip() for s in piece.split("/")]
            if len(subs) > 1 and all(len(_DIGIT_RE.findall(s)) >= 7 for s in subs):
                parts.extend(_LABEL_RE.sub("", s) or s for s in subs)
                continue
        parts.append(_LABEL_RE.sub("", piece) or piece)
    with_digits = [p for p in parts if _DIGIT_RE.search(p)]
    return with_digits if with_digits else parts


def parse_cell(
    value: object, region: str | None, *, formats: bool = False, fallback: str | None = None
) -> tuple[PhoneResult, list[PhoneResult]]:
    """Normalize one cell: (result for the cell, results of every number-like part).

    The cell result of a cell holding several numbers has status ``multiple_numbers``, the first
    valid number in ``e164`` and the other distinct valid ones in ``extra``.

    >>> cell, parts = parse_cell("8-912-345-67-89, 8-913-000-11-22", "RU")
    >>> cell.status, cell.e164, cell.extra, len(parts)
    ('multiple_numbers', '+79123456789', ('+79130001122',), 2)
    """
    try:
        return _parse_cell(value, region, formats=formats, fallback=fallback)
    except Exception:  # never raise on a row: a phonenumbers failure is not_a_number
        result = PhoneResult(None, NOT_A_NUMBER)
        return result, [result]


def prepare_cell(value: object) -> PhoneResult | list[str]:
    """A final result for empty/over-long cells, else the cell's number-like pieces.

    >>> prepare_cell(None).status, prepare_cell("тел: 8 912 345 67 89; 8 913 000 11 22")
    ('empty', ['8 912 345 67 89', '8 913 000 11 22'])
    """
    if value is None:
        return PhoneResult(None, EMPTY)
    text = value if isinstance(value, str) else str(value)
    if not text.strip():
        return PhoneResult(None, EMPTY)
    if len(text) > 2000:
        return PhoneResult(None, TOO_LONG)
    return split_cell(text) or [text]


def combine(results: list[PhoneResult]) -> PhoneResult:
    """The cell result from the results of its pieces (see :func:`parse_cell`)."""
    if len(results) == 1:
        return results[0]
    meaningful = [r for r in results if r.status not in (JUNK, EMPTY)]
    if len(meaningful) <= 1:
        return meaningful[0] if meaningful else results[0]
    valid = [r for r in meaningful if r.status == OK]
    if not valid:
        return meaningful[0]
    first = valid[0]
    extra = tuple(
        dict.fromkeys(r.e164 for r in valid[1:] if r.e164 is not None and r.e164 != first.e164)
    )
    if not extra and all(r.status == OK for r in meaningful):
        return first
    return PhoneResult(
        first.e164,
        MULTIPLE_NUMBERS,
        type=first.type,
        region=first.region,
        extension=first.extension,
        possible=first.possible,
        national=first.national,
        international=first.international,
        extra=extra,
    )


def _parse_cell(
    value: object, region: str | None, *, formats: bool, fallback: str | None = None
) -> tuple[PhoneResult, list[PhoneResult]]:
    prep = prepare_cell(value)
    if isinstance(prep, PhoneResult):
        return prep, [prep]
    results = [parse_part(p, region, formats=formats, fallback=fallback) for p in prep]
    return combine(results), results


def safe_part(text: str, region: str | None, fallback: str | None = None) -> PhoneResult:
    """:func:`parse_part` that never raises (a phonenumbers failure is ``not_a_number``)."""
    try:
        return parse_part(text, region, fallback=fallback)
    except Exception:
        return PhoneResult(None, NOT_A_NUMBER)


def parse_parts_many(
    items: list[tuple[str, str | None]], fallback: str | None = None
) -> list[tuple]:
    """Worker entry point: parse (piece, region) pairs; plain tuples come back (picklable)."""
    return [as_tuple(safe_part(text, region, fallback)) for text, region in items]


#: Field order of :func:`as_tuple`.
TUPLE_FIELDS = ("e164", "status", "type", "region", "ext", "possible")


def as_tuple(r: PhoneResult) -> tuple:
    """The engine's row form of a result (formats are added later, from the E.164 value)."""
    return (r.e164, r.status, r.type, r.region, r.extension, r.possible)


def from_tuple(t: tuple) -> PhoneResult:
    """Inverse of :func:`as_tuple`."""
    return PhoneResult(t[0], t[1], type=t[2], region=t[3], extension=t[4], possible=t[5])


def format_many(values: list[str]) -> list[tuple[str, str]]:
    """Worker entry point: (national, international) formats of valid E.164 numbers."""
    out = []
    for value in values:
        num = pn.parse(value, None)
        out.append(
            (
                pn.format_number(num, pn.PhoneNumberFormat.NATIONAL),
                pn.format_number(num, pn.PhoneNumberFormat.INTERNATIONAL),
            )
        )
    return out
