"""Postal addresses (RU/UA/BY/KZ and Western): parts, standard abbreviations, a matching key.

``123456, г. Москва, ул. Ленина, д. 5, корп. 2, кв. 10``, ``Москва город, Ленина улица 5 к2
квартира 10`` and ``г Москва ул.Ленина д5 корп 2 кв 10`` give the same parts and key;
``12 W. Main St. Apt 4`` and ``12 West Main Street #4`` too.

Parts found (each may be null): ``postcode``, ``city``, ``street`` (the street's name),
``street_type`` (a language-neutral code: ``street``, ``avenue``, ``lane``, ``boulevard``,
``embankment``, ``highway``, ``square``, ``road``, ``drive``, ...), ``house``, ``building``
(``корп.``/``к.``/``стр.``), ``flat`` (``кв.``, ``оф.``, ``пом.``, ``Apt``, ``Suite``, ``Unit``,
``#``).

How:

1. the postcode is taken where postal codes are written (the first or last part of the address):
   6 digits in Cyrillic addresses (RU, BY, KZ), 5 digits in Cyrillic addresses (UA), ``12345`` or
   ``12345-6789`` (US ZIP/ZIP+4) or a UK postcode (``SW1A 1AA``) in Latin ones; a number of 4 or 7
   digits standing alone there gives the status ``invalid_postcode``;
2. the rest is read word by word: a marker (``ул.``, ``улица``, ``вул.``, ``пр-т``, ``просп.``,
   ``St``, ``Street``, ``д.``, ``буд.``, ``кв.``, ``Apt``, ...: :data:`STREET_TYPES` and the
   tables below, our own, since no maintained offline library standardizes Russian/Ukrainian
   street types) names the part that follows it (or, for a street type after the name,
   ``Ленина ул.``, ``Main St``, the part before it); numbers without a marker after a street are
   the house, then the flat (``Ленина 5-10`` is house 5, flat 10 in Cyrillic addresses); a part
   with no marker before the street is the city;
3. ``normalized`` writes the parts back in one standard order with the standard abbreviations
   (``style="short"``: ``г.``, ``ул.``, ``д.``, ``кв.``; ``St``, ``Ave``, ``Apt``) or the full
   words (``style="long"``: ``город``, ``улица``, ``дом``; ``Street``, ``Avenue``);
4. ``key`` is the dwelling: the street's name folded to Latin (same folding as organization
   keys, so ``ул. Ленина`` = ``вул. Леніна`` = ``ul. Lenina``), the street type unless it is a
   plain street, house, building and flat, ``|``-separated; ``house_key`` is the same without the
   flat (one building). City and postcode are left out of the keys so that an address with and
   without them still matches; block or compare on them separately.

``usaddress`` (a CRF parser of US addresses) was evaluated on generated labelled US addresses;
see ``docs/normalize/addresses.md`` for the figures and the choice.

Status codes (``<col>_status``): ``ok``, ``empty``, ``junk``, ``invalid_postcode``, ``no_house``
(a street without a house number), ``unrecognized`` (no street found), ``ambiguous`` (parts
were found but their standard form would not read back as the same parts: ``normalized`` is
left null, the parts and keys are kept; so the standard form is always a fixed point).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache

import polars as pl

from custdata.errors import InvalidOption
from custdata.frames import as_expr, check_columns, columns_arg, refuse_clashes
from custdata.junk import is_junk
from custdata.normalize._address_parse import (
    _CYRILLIC_RE,
    _UKRAINIAN_RE,
    _read_segment,
    _resolve_loose,
    _segments,
    _split_state,
    _State,
    _take_postcode,
)
from custdata.normalize._address_tables import _DIRECTIONS, _ORDINAL_WORDS, _PARTS, STREET_TYPES
from custdata.normalize.organization import _fold_word
from custdata.status import EMPTY, JUNK, OK

__all__ = [
    "ADDRESS_STATUSES",
    "STREET_TYPES",
    "AddressResult",
    "address",
    "address_details",
    "address_key",
    "addresses",
    "parse_address",
    "postcode",
]

INVALID_POSTCODE = "invalid_postcode"
NO_HOUSE = "no_house"
UNRECOGNIZED = "unrecognized"
AMBIGUOUS = "ambiguous"
#: Every status code of the address normalizer.
ADDRESS_STATUSES: tuple[str, ...] = (
    OK,
    EMPTY,
    JUNK,
    INVALID_POSTCODE,
    NO_HOUSE,
    UNRECOGNIZED,
    AMBIGUOUS,
)
STYLES = ("short", "long")

_OUT = {
    "normalized": pl.String,
    "postcode": pl.String,
    "city": pl.String,
    "street": pl.String,
    "street_type": pl.String,
    "house": pl.String,
    "building": pl.String,
    "flat": pl.String,
    "key": pl.String,
    "house_key": pl.String,
    "status": pl.String,
}
_STRUCT = pl.Struct(_OUT)


@dataclass(frozen=True)
class AddressResult:
    """One address: its parts (None where not found), the standard text, keys and a status."""

    normalized: str | None
    postcode: str | None
    city: str | None
    street: str | None
    street_type: str | None
    house: str | None
    building: str | None
    flat: str | None
    key: str | None
    house_key: str | None
    status: str


_EMPTY_RESULT: dict[str, str | None] = dict.fromkeys(k for k in _OUT if k != "status")


def _display(tokens: list[str]) -> str | None:
    text = " ".join(tokens).strip()
    return text or None


def _street_name(tokens: list[str], cyrillic: bool) -> str | None:
    if not tokens:
        return None
    if not cyrillic:
        out = []
        for i, t in enumerate(tokens):
            d = _DIRECTIONS.get(t.lower().rstrip("."))
            out.append(d if d is not None and (i == 0 or i == len(tokens) - 1) else t)
        tokens = out
    return _display(tokens)


def _fold_number(value: str | None) -> str | None:
    if value is None:
        return None
    out = _fold_word(value.replace("/", "s").replace("-", "d"))
    return out.replace("s", "/").replace("d", "-") if out else None


def _compose(
    st: _State, postcode: str | None, cyrillic: bool, style: str
) -> tuple[str | None, dict[str, str | None]]:
    lang = "en"
    if cyrillic:
        uk = "uk" in st.langs or bool(_UKRAINIAN_RE.search(" ".join(sum(st.parts.values(), []))))
        lang = "uk" if uk else "ru"
    idx = 0 if style == "short" else 1
    city = _display(st.parts["city"])
    street = _street_name(st.parts["street"], cyrillic)
    house, building, flat = (_display(st.parts[k]) for k in ("house", "building", "flat"))
    region = _display(st.parts["region"])
    stype = st.street_type or ("street" if street else None)
    type_word = None
    if stype is not None:
        langs = STREET_TYPES[stype]
        forms = (
            langs.get(lang) or langs.get("ru" if cyrillic else "en") or next(iter(langs.values()))
        )
        type_word = forms[idx]
    pieces: list[str] = []
    if cyrillic:
        word = {k: _PARTS[k][lang][idx] for k in ("city", "house", "building", "flat")}
        if postcode:
            pieces.append(postcode)
        if region:
            pieces.append(region)
        if city:
            pieces.append(f"{word['city']} {city}")
        if street:
            pieces.append(f"{type_word} {street}")
        if house:
            pieces.append(f"{word['house']} {house}")
        if building:
            pieces.append(f"{word['building']} {building}")
        if flat:
            pieces.append(f"{st.unit_word[idx] if st.unit_word else word['flat']} {flat}")
        text = ", ".join(pieces)
    else:
        line = " ".join(p for p in (house, street, type_word if street else None, st.post_dir) if p)
        if building:
            line += f", {_PARTS['building']['en'][idx]} {building}"
        if flat:
            unit = st.unit_word[idx] if st.unit_word else _PARTS["flat"]["en"][idx]
            line += f", {unit} {flat}"
        tail = " ".join(
            p for p in (region.upper() if region and len(region) == 2 else region, postcode) if p
        )
        text = ", ".join(p for p in (line, city, tail) if p)
    if street and st.post_dir:
        street = f"{street} {st.post_dir}"
    parts = {
        "city": city,
        "street": street,
        "street_type": stype,
        "house": house,
        "building": building,
        "flat": flat,
    }
    return text or None, parts


def _keys(parts: dict[str, str | None]) -> tuple[str | None, str | None]:
    if not parts["street"] or not any(ch.isalpha() for ch in parts["street"]):
        return None, None
    words = (parts["street"] or "").split()
    if len(words) > 1 and words[-1] in _DIRECTIONS.values():
        words = words[
            :-1
        ]  # "Peachtree Rd NE" = "Peachtree Rd": a post-directional is often left out
    words = [_ORDINAL_WORDS.get(w.lower(), w) for w in words]  # "Fifth Ave" = "5th Ave"
    name = " ".join(w for w in (_fold_word(t) for t in words) if w)
    stype = parts["street_type"] if parts["street_type"] not in (None, "street") else ""
    house = _fold_number(parts["house"]) or ""
    building = _fold_number(parts["building"]) or ""
    flat = _fold_number(parts["flat"]) or ""
    house_key = f"{name}|{stype}|{house}|{building}"
    return f"{house_key}|{flat}", house_key


@lru_cache(maxsize=65536)
def parse_address(value: str | None, *, style: str = "short") -> AddressResult:
    """Read one address; never raises on a bad value.

    >>> r = parse_address("123456, г. Москва, ул. Ленина, д. 5, корп. 2, кв. 10")
    >>> r.normalized
    '123456, г. Москва, ул. Ленина, д. 5, корп. 2, кв. 10'
    >>> r.key == parse_address("Москва город, Ленина улица 5 к2 квартира 10").key
    True
    >>> parse_address("12 W. Main St. Apt 4, Springfield, IL 62704").normalized
    '12 W Main St, Apt 4, Springfield, IL 62704'
    >>> parse_address("12 West Main Street #4").key
    'v main||12||4'
    """
    if style not in STYLES:
        raise InvalidOption(f"style must be one of {', '.join(STYLES)}")
    result = _parse(value, style)
    if result.normalized is not None and result.status in (OK, NO_HOUSE, INVALID_POSTCODE):
        again = _parse(result.normalized, style)
        if again.normalized != result.normalized or again.key != result.key:
            return AddressResult(**asdict(result) | {"normalized": None, "status": AMBIGUOUS})
    return result


def _parse(value: str | None, style: str) -> AddressResult:
    if value is None or not str(value).strip():
        return AddressResult(**_EMPTY_RESULT, status=EMPTY)
    text = unicodedata.normalize("NFKC", str(value))
    if is_junk(text):
        return AddressResult(**_EMPTY_RESULT, status=JUNK)
    cyrillic = bool(_CYRILLIC_RE.search(text))
    text, code, bad_code = _take_postcode(text, cyrillic)
    st = _State()
    for seg in _segments(text):
        _read_segment(seg, st, cyrillic)
    _resolve_loose(st, cyrillic)
    if not cyrillic:
        _split_state(st)
    normalized, parts = _compose(st, code, cyrillic, style)
    key, house_key = _keys(parts)
    if bad_code:
        status = INVALID_POSTCODE
    elif key is None:
        status = UNRECOGNIZED
    elif parts["house"] is None:
        status = NO_HOUSE
    else:
        status = OK
    return AddressResult(
        normalized=normalized, postcode=code, key=key, house_key=house_key, status=status, **parts
    )


def _struct_values(values: pl.Series, style: str) -> pl.Series:
    uniques = values.cast(pl.String).unique()
    rows = [asdict(parse_address(v, style=style)) for v in uniques.to_list()]
    table = pl.DataFrame({"__v": uniques, "__r": pl.Series(rows, dtype=_STRUCT)})
    joined = (
        values.cast(pl.String)
        .to_frame("__v")
        .join(table, on="__v", how="left", nulls_equal=True, maintain_order="left")
    )
    return joined["__r"].alias(values.name)


def address_details(column: str | pl.Expr, *, style: str = "short") -> pl.Expr:
    """Struct expression with every field of :class:`AddressResult`, once per distinct value.

    >>> df = pl.DataFrame({"a": ["вул. Хрещатик, буд. 22, кв. 5, 01001, Київ", None]})
    >>> df.select(address_details("a").struct.field("postcode", "house", "flat", "status")).rows()
    [('01001', '22', '5', 'ok'), (None, None, None, 'empty')]
    """
    if style not in STYLES:
        raise InvalidOption(f"style must be one of {', '.join(STYLES)}")
    return as_expr(column).map_batches(
        lambda s: _struct_values(s, style), return_dtype=_STRUCT, is_elementwise=True
    )


def _named(expr: pl.Expr, column: str | pl.Expr) -> pl.Expr:
    return expr.alias(column) if isinstance(column, str) else expr


def address(column: str | pl.Expr, *, style: str = "short") -> pl.Expr:
    """The address in one standard form (``style="short"``: ``ул.``, ``St``; ``"long"``: words).

    >>> df = pl.DataFrame({"a": ["г Москва ул.Ленина д5 кв10", "12 w main street"]})
    >>> df.select(address("a", style="long"))["a"].to_list()
    ['город Москва, улица Ленина, дом 5, квартира 10', '12 W main Street']
    """
    return _named(address_details(column, style=style).struct.field("normalized"), column)


def address_key(column: str | pl.Expr) -> pl.Expr:
    """The dwelling key (street name folded to Latin, type, house, building, flat).

    >>> df = pl.DataFrame({"a": ["ул. Ленина, д. 5, кв. 1", "вул. Леніна, буд. 5, кв. 1"]})
    >>> df.select(address_key("a"))["a"].to_list()
    ['lenina||5||1', 'lenina||5||1']
    """
    return _named(address_details(column).struct.field("key"), column)


def postcode(column: str | pl.Expr) -> pl.Expr:
    """The postal code found in the address (RU/BY/KZ 6 digits, UA 5, US ZIP, UK), or null.

    >>> df = pl.DataFrame({"a": ["101000, Москва, ул. Мясницкая, 1", "10 Downing St, London SW1A 2AA"]})
    >>> df.select(postcode("a"))["a"].to_list()
    ['101000', 'SW1A 2AA']
    """
    return _named(address_details(column).struct.field("postcode"), column)


_FRAME_FIELDS = (
    "normalized",
    "postcode",
    "city",
    "street",
    "street_type",
    "house",
    "building",
    "flat",
    "key",
    "house_key",
    "status",
)


@refuse_clashes
def addresses(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: str | Iterable[str],
    *,
    style: str = "short",
    in_place: bool = False,
) -> pl.DataFrame | pl.LazyFrame:
    """Add ``<col>_normalized``, ``_postcode``, ``_city``, ``_street``, ``_street_type``,
    ``_house``, ``_building``, ``_flat``, ``_key``, ``_house_key`` and ``_status`` per column.

    With ``in_place=True`` the standard form replaces the original where there is one.

    >>> df = pl.DataFrame({"Адрес": ["Москва, Ленина 5-10", "нет"]})
    >>> addresses(df, "Адрес").select("Адрес_house", "Адрес_flat", "Адрес_status").rows()
    [('5', '10', 'ok'), (None, None, 'junk')]
    """
    cols = columns_arg(columns)
    check_columns(frame, cols)
    if not isinstance(in_place, bool):
        raise InvalidOption("in_place must be True or False")
    if style not in STYLES:
        raise InvalidOption(f"style must be one of {', '.join(STYLES)}")
    out = frame
    for col in cols:
        tmp = f"__{col}_addr"
        out = out.with_columns(address_details(pl.col(col).cast(pl.String), style=style).alias(tmp))
        field = pl.col(tmp).struct.field
        added = [
            field(f).alias(f"{col}_{f}")
            for f in _FRAME_FIELDS
            if not (in_place and f == "normalized")
        ]
        if in_place:
            added.append(pl.coalesce(field("normalized"), pl.col(col).cast(pl.String)).alias(col))
        out = out.with_columns(added).drop(tmp)
    return out
