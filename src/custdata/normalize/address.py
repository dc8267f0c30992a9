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

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache

import polars as pl

from custdata.errors import InvalidOption
from custdata.frames import as_expr, check_columns, columns_arg, refuse_clashes
from custdata.junk import is_junk
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

#: Street type code -> {language: (short, long)} and the spellings read (lower case, no dot).
STREET_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "street": {
        "ru": ("ул.", "улица", "ул", "улица", "у"),
        "uk": ("вул.", "вулиця", "вул", "вулиця", "вулица"),
        "en": ("St", "Street", "st", "street", "str", "strasse", "straße", "ul", "ulitsa", "ulica"),
        "lat": ("St", "Street", "vul", "vulytsia", "vulitsa"),
    },
    "avenue": {
        "ru": ("пр-т", "проспект", "пр-т", "просп", "проспект", "пр", "пр-кт", "пркт"),
        "uk": ("просп.", "проспект", "просп", "пр-т", "проспект"),
        "en": ("Ave", "Avenue", "ave", "av", "avenue", "aven", "avn", "prospekt", "prosp"),
    },
    "lane": {
        "ru": ("пер.", "переулок", "пер", "переулок"),
        "uk": ("пров.", "провулок", "пров", "провулок"),
        "en": ("Ln", "Lane", "ln", "lane"),
    },
    "passage": {
        "ru": ("пр-д", "проезд", "пр-д", "проезд"),
        "uk": ("пр.", "проїзд", "проїзд"),
    },
    "boulevard": {
        "ru": ("бул.", "бульвар", "бул", "б-р", "бульв", "бульвар"),
        "uk": ("бульв.", "бульвар", "бульв", "бульвар"),
        "en": ("Blvd", "Boulevard", "blvd", "boulevard", "blv", "boul"),
    },
    "embankment": {
        "ru": ("наб.", "набережная", "наб", "набережная"),
        "uk": ("наб.", "набережна", "набережна"),
        "en": ("Emb", "Embankment", "embankment"),
    },
    "highway": {
        "ru": ("ш.", "шоссе", "ш", "шоссе"),
        "uk": ("ш.", "шосе", "шосе"),
        "en": ("Hwy", "Highway", "hwy", "highway"),
    },
    "square": {
        "ru": ("пл.", "площадь", "пл", "площадь"),
        "uk": ("пл.", "площа", "площа"),
        "en": ("Sq", "Square", "sq", "square"),
    },
    "microdistrict": {
        "ru": ("мкр.", "микрорайон", "мкр", "мкрн", "микрорайон"),
        "uk": ("мкр.", "мікрорайон", "мікрорайон", "мкрн"),
    },
    "alley": {"ru": ("ал.", "аллея", "аллея"), "uk": ("ал.", "алея", "алея")},
    "descent": {"uk": ("узв.", "узвіз", "узвіз", "узв")},
    "deadend": {"ru": ("туп.", "тупик", "туп", "тупик"), "uk": ("тупик", "тупик", "туп")},
    "road": {"en": ("Rd", "Road", "rd", "road"), "ru": ("дор.", "дорога", "дорога")},
    "drive": {"en": ("Dr", "Drive", "dr", "drive", "drv")},
    "court": {"en": ("Ct", "Court", "ct", "court")},
    "place": {"en": ("Pl", "Place", "pl", "place")},
    "terrace": {"en": ("Ter", "Terrace", "ter", "terrace")},
    "parkway": {"en": ("Pkwy", "Parkway", "pkwy", "parkway")},
    "circle": {"en": ("Cir", "Circle", "cir", "circle")},
    "way": {"en": ("Way", "Way", "way")},
    "crescent": {"en": ("Cres", "Crescent", "cres", "crescent")},
    "close": {"en": ("Cl", "Close", "close")},
}

# part -> {language: (short, long)}, spellings read
_PARTS: dict[str, dict[str, tuple[str, ...]]] = {
    "city": {
        "ru": ("г.", "город", "г", "гор", "город", "пгт", "пос", "поселок", "посёлок", "с", "село"),
        "uk": ("м.", "місто", "м", "місто", "смт", "село", "селище"),
        "en": ("", "", "city"),
    },
    "region": {
        "ru": ("обл.", "область", "обл", "область", "р-н", "район", "край", "респ", "республика"),
        "uk": ("обл.", "область", "область", "р-н", "район"),
    },
    "house": {
        "ru": ("д.", "дом", "д", "дом", "вл", "владение"),
        "uk": ("буд.", "будинок", "буд", "будинок", "б"),
        "en": ("", "", "house", "no", "nr"),
    },
    "building": {
        "ru": ("корп.", "корпус", "корп", "корпус", "к", "стр", "строение", "лит", "литера"),
        "uk": ("корп.", "корпус", "корп", "корпус", "к", "літ", "літера"),
        "en": ("Bldg", "Building", "bldg", "building"),
    },
    "flat": {
        "ru": (
            "кв.",
            "квартира",
            "кв",
            "квартира",
            "оф",
            "офис",
            "пом",
            "помещение",
            "комн",
            "ком",
        ),
        "uk": ("кв.", "квартира", "кв", "квартира", "офіс", "оф", "прим", "приміщення", "кімн"),
        "en": ("Apt", "Apartment", "apt", "apartment", "suite", "ste", "unit", "#", "flat", "room"),
    },
}

# flat spellings that are not a flat: the standard word to write back (short, long)
_UNIT_WORDS: dict[str, tuple[str, str]] = {
    "оф": ("оф.", "офис"),
    "офис": ("оф.", "офис"),
    "офіс": ("оф.", "офіс"),
    "пом": ("пом.", "помещение"),
    "помещение": ("пом.", "помещение"),
    "прим": ("прим.", "приміщення"),
    "приміщення": ("прим.", "приміщення"),
    "комн": ("комн.", "комната"),
    "ком": ("комн.", "комната"),
    "кімн": ("кімн.", "кімната"),
    "suite": ("Ste", "Suite"),
    "ste": ("Ste", "Suite"),
    "unit": ("Unit", "Unit"),
    "room": ("Rm", "Room"),
    "flat": ("Flat", "Flat"),
}

_DIRECTIONS = {
    "n": "N",
    "north": "N",
    "s": "S",
    "south": "S",
    "e": "E",
    "east": "E",
    "w": "W",
    "west": "W",
    "ne": "NE",
    "northeast": "NE",
    "nw": "NW",
    "northwest": "NW",
    "se": "SE",
    "southeast": "SE",
    "sw": "SW",
    "southwest": "SW",
}


def _marker_table() -> dict[str, tuple[str, str, str]]:
    """spelling -> (part, code or '', language)."""
    out: dict[str, tuple[str, str, str]] = {}
    for code, langs in STREET_TYPES.items():
        for lang, forms in langs.items():
            for spelling in forms[2:]:
                out.setdefault(spelling.lower().rstrip("."), ("street", code, lang))
    for part, langs in _PARTS.items():
        for lang, forms in langs.items():
            for spelling in forms[2:]:
                out.setdefault(spelling.lower().rstrip("."), (part, "", lang))
    return out


_MARKERS = _marker_table()
# markers that are only read before a number (``д. 5``: a house; ``д. Ивановка``: a village)
_BEFORE_NUMBER = frozenset({"д", "к", "б", "no", "nr", "c", "с", "ком", "st"})
# German street names with the type glued on: Bahnhofstr., Hauptstraße, Gartenstrasse
_GLUED_STREET_RE = re.compile(r"^([^\W\d_](?:[^\W\d_]|-){2,}?)-?(straße|strasse|str)$", re.I)
# markers that may follow the name (``Ленина ул.``, ``Main St``)
_CYRILLIC_RE = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_UKRAINIAN_RE = re.compile(r"[іїєґ]", re.IGNORECASE)
_TOKEN_RE = re.compile(
    r"\d+(?:st|nd|rd|th|-?(?:я|й|ая|ый|ий|го|е|а))(?![^\W\d_])"  # ordinals: 5th, 1-я, 2-й
    r"|\d+(?:\s*[/\-]\s*\d+)?[^\W\d_]?(?![^\W\d_])|[^\W\d_]+(?:-[^\W\d_]+)*|[,;#\n]",
    re.IGNORECASE,
)
# a house or flat number (12, 12а, 12/3, 5-10); an ordinal (5th, 1-я) is a word of a name
_NUMBER_RE = re.compile(r"^\d+(?:\s*[/\-]\s*\d+)?[^\W\d_]?$")
_ORDINAL_WORDS = dict(
    zip(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ],
        ["1st", "2nd", "3rd", *[f"{i}th" for i in range(4, 21)]],
        strict=True,
    )
)
_UK_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$", re.IGNORECASE)
_UK_POSTCODE_SEARCH = re.compile(
    r"(?<![A-Z\d])([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})(?![A-Z\d])", re.IGNORECASE
)
_ZIP_SEARCH = re.compile(r"(?<![\d\-])(\d{5})(?:\s*-\s*(\d{4}))?(?![\d\-])")
_US_STATES = frozenset(
    [
        "al",
        "ak",
        "az",
        "ar",
        "ca",
        "co",
        "ct",
        "de",
        "dc",
        "fl",
        "ga",
        "hi",
        "id",
        "il",
        "in",
        "ia",
        "ks",
        "ky",
        "la",
        "me",
        "md",
        "ma",
        "mi",
        "mn",
        "ms",
        "mo",
        "mt",
        "ne",
        "nv",
        "nh",
        "nj",
        "nm",
        "ny",
        "nc",
        "nd",
        "oh",
        "ok",
        "or",
        "pa",
        "ri",
        "sc",
        "sd",
        "tn",
        "tx",
        "ut",
        "vt",
        "va",
        "wa",
        "wv",
        "wi",
        "wy",
    ]
)

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


_EMPTY_RESULT = dict.fromkeys(_OUT)


def _segments(text: str) -> list[list[str]]:
    segs: list[list[str]] = [[]]
    for tok in _TOKEN_RE.findall(text):
        if tok in ",;\n":
            if segs[-1]:
                segs.append([])
        else:
            segs[-1].append(tok.replace(" ", ""))
    return [s for s in segs if s]


def _take_postcode(text: str, cyrillic: bool) -> tuple[str, str | None, bool]:
    """(text without the postcode, postcode or None, a bad postcode was there)."""
    parts = [p.strip() for p in re.split(r"[,;\n]", text)]
    ends = [i for i in (0, len(parts) - 1) if parts and parts[i]]
    if cyrillic:
        for i, part in enumerate(parts):
            if re.fullmatch(r"\d{5,6}", part) and 0 < i < len(parts) - 1:
                prev = parts[i - 1].lower()
                if not re.search(r"(?:^|\s)(кв|оф|д|буд|дом)\.?\s*$", prev):
                    return ", ".join(p for j, p in enumerate(parts) if j != i and p), part, False
        for i in ends:
            m = re.match(r"^(\d{4,7})(?:\s|$)", parts[i]) if i == 0 else None
            m = m or re.search(r"(?:^|\s)(\d{4,7})$", parts[i])
            if m is None:
                continue
            code = m.group(1)
            rest = (parts[i][: m.start(1)] + parts[i][m.end(1) :]).strip()
            if rest and not _CYRILLIC_RE.search(rest) and i != 0:
                continue
            # a lone number at the end after a house/flat marker is not a postcode
            before = parts[i][: m.start(1)].strip().lower().rstrip(".")
            if before.split()[-1:] and _MARKERS.get(before.split()[-1], ("",))[0] in (
                "house",
                "flat",
                "building",
            ):
                continue
            if i != 0 and len(code) < 5 and not rest:
                continue
            if i == len(parts) - 1 and i != 0 and not rest and len(code) == 5 and len(parts) > 1:
                prev = parts[i - 1].lower()
                if re.search(r"(?:^|\s)(кв|оф|д|буд|дом)\.?\s*\d*$", prev):
                    continue
            parts[i] = rest
            if len(code) in (5, 6):
                return ", ".join(p for p in parts if p), code, False
            return ", ".join(p for p in parts if p), None, True
        return text, None, False
    m = _UK_POSTCODE_SEARCH.search(text)
    if m and (m.end() >= len(text.rstrip(" ,.;")) - 1):
        code = f"{m.group(1).upper()} {m.group(2).upper()}"
        return text[: m.start()] + text[m.end() :], code, False
    zips = list(_ZIP_SEARCH.finditer(text))
    if zips:
        m = zips[-1]
        if len(text[m.end() :].strip(" ,.;")) <= 30 and m.start() > 0:
            code = m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")
            return text[: m.start()] + " " + text[m.end() :], code, False
    return text, None, False


def _marker(tok: str, nxt: str | None) -> tuple[str, str, str] | None:
    low = tok.lower().rstrip(".")
    found = _MARKERS.get(low)
    if found is None:
        return None
    if low == "st":  # "Main St", "Main St Apt 4"; not "St John's Road"
        if nxt is None or _NUMBER_RE.match(nxt) or _marker(nxt, None) or nxt.lower() in _DIRECTIONS:
            return found
        return None
    if low in _BEFORE_NUMBER and not (nxt is not None and _NUMBER_RE.match(nxt)):
        return None
    return found


class _State:
    def __init__(self) -> None:
        self.parts: dict[str, list[str]] = {
            k: [] for k in ("city", "region", "street", "house", "building", "flat")
        }
        self.street_type: str | None = None
        self.street_lang: str | None = None
        self.loose: list[list[str]] = []
        self.langs: set[str] = set()
        self.unit_word: tuple[str, str] | None = None
        self.post_dir: str | None = None

    def put(self, part: str, tokens: list[str]) -> None:
        if tokens and not self.parts[part]:
            self.parts[part] = list(tokens)


def _unglue(seg: list[str]) -> list[str]:
    """``Bahnhofstr`` / ``Bahnhofstraße`` / ``Bahnhofstrasse`` -> ``Bahnhof`` + the type word."""
    out: list[str] = []
    for tok in seg:
        m = _GLUED_STREET_RE.match(tok)
        out += [m.group(1), m.group(2)] if m else [tok]
    return out


def _read_segment(seg: list[str], st: _State, cyrillic: bool) -> None:
    if not cyrillic:
        seg = _unglue(seg)
    current: str | None = None
    pending: list[str] = []
    i = 0
    while i < len(seg):
        tok = seg[i]
        nxt = seg[i + 1] if i + 1 < len(seg) else None
        if tok == "#":
            if pending:
                st.loose.append(pending)
                pending = []
            current = "flat"
            i += 1
            continue
        m = _marker(tok, nxt)
        # "12 W Main St Springfield": after a house number and a name, a street type ends the
        # street even when the city follows without a comma
        western_end = not cyrillic and len(pending) >= 2 and bool(_NUMBER_RE.match(pending[0]))
        if m is None and western_end and tok.lower().rstrip(".") == "st":
            m = _MARKERS["st"]
        if m is not None and m[0] == "street" and st.parts["street"] and current != "street":
            m = None  # a second street type word is part of a name ("Street Lane")
        if m is not None:
            part, code, lang = m
            st.langs.add(lang)
            if part == "flat":
                st.unit_word = _UNIT_WORDS.get(tok.lower().rstrip("."), st.unit_word)
            after_name = pending and (
                western_end
                or nxt is None
                or _NUMBER_RE.match(nxt)
                or _marker(nxt, None)
                or (not cyrillic and nxt.lower() in _DIRECTIONS)
            )
            if part == "street" and after_name and not st.parts["street"]:
                name = pending
                if not cyrillic and _NUMBER_RE.match(name[0]) and len(name) > 1:
                    st.put("house", [name[0]])
                    name = name[1:]
                st.put("street", name)
                st.street_type, st.street_lang = code, lang
                pending, current = [], "after_street"
            elif part == "city" and pending and nxt is None and cyrillic:
                st.put("city", pending)  # "Москва город"
                pending, current = [], None
            elif part == "region":
                if pending and nxt is None:  # "Московская обл."
                    st.put("region", [*pending, tok])
                    pending, current = [], None
                else:
                    if pending:
                        st.loose.append(pending)
                        pending = []
                    st.parts["region"] = [tok] if not st.parts["region"] else st.parts["region"]
                    current = "region"
            else:
                if pending:
                    st.loose.append(pending)
                    pending = []
                current = part
                if part == "street":
                    st.street_type, st.street_lang = code, lang
            i += 1
            continue
        is_num = bool(_NUMBER_RE.match(tok))
        if current in ("house", "building", "flat"):
            if not st.parts[current]:
                st.parts[current] = [tok]
                current = "after_street" if st.parts["street"] else None
            else:
                pending.append(tok)
        elif current == "street":
            # "переулок Тверская 70 к3": the number is the house when a house/building/flat
            # marker (read with its own next token) follows it
            nxt2 = seg[i + 2] if i + 2 < len(seg) else None
            nxt_is_word = (
                nxt is not None and not _NUMBER_RE.match(nxt) and _marker(nxt, nxt2) is None
            )
            if is_num and st.parts["street"] and not nxt_is_word:
                current = "after_street"
                continue
            st.parts["street"].append(tok)
        elif current in ("city", "region"):
            if is_num and st.parts[current]:
                pending.append(tok)
                current = None
            else:
                st.parts[current].append(tok)
        elif current == "after_street" and is_num:
            _number_after_street(tok, st, cyrillic)
        elif current == "after_street" and not cyrillic and tok.lower() in _DIRECTIONS:
            st.post_dir = _DIRECTIONS[tok.lower()]  # "Pennsylvania Ave NW"
        else:
            pending.append(tok)
        i += 1
    if pending:
        st.loose.append(pending)


def _number_after_street(tok: str, st: _State, cyrillic: bool) -> None:
    if not st.parts["house"]:
        m = re.match(r"^(\d+[^\W\d_]?)-(\d+)$", tok)
        if cyrillic and m and not st.parts["flat"]:
            st.parts["house"], st.parts["flat"] = [m.group(1)], [m.group(2)]
        else:
            st.parts["house"] = [tok]
    elif not st.parts["flat"]:
        st.parts["flat"] = [tok]


def _resolve_loose(st: _State, cyrillic: bool) -> None:
    loose = st.loose
    st.loose = []
    for idx, tokens in enumerate(loose):
        words = [t for t in tokens if not _NUMBER_RE.match(t)]
        if not words:
            for t in tokens:
                _number_after_street(t, st, cyrillic)
            continue
        if not cyrillic and len(tokens) == 1 and tokens[0].lower() in _US_STATES:
            st.put("region", tokens)
            continue
        later_street = any(any(_marker(t, None) for t in other) for other in loose[idx + 1 :]) or (
            st.parts["street"] and idx == 0 and not st.parts["city"] and cyrillic
        )
        has_number = len(words) != len(tokens)
        if not st.parts["street"] and (has_number or (not later_street and st.parts["city"])):
            # "Ленина 5", "12 Main" (no street type)
            nums = [t for t in tokens if _NUMBER_RE.match(t)]
            if not cyrillic and _NUMBER_RE.match(tokens[0]):
                name = tokens[1:]
                nums = [tokens[0]] + [t for t in name if _NUMBER_RE.match(t)]
                name = [t for t in name if not _NUMBER_RE.match(t)]
            else:
                name = [t for t in tokens if not _NUMBER_RE.match(t)]
            st.put("street", name)
            for t in nums:
                _number_after_street(t, st, cyrillic)
            continue
        if not st.parts["city"] and not has_number:
            st.put("city", tokens)
        elif not st.parts["street"]:
            st.put("street", tokens)
        elif not st.parts["region"] and not has_number and not cyrillic:
            st.put("region", tokens)


def _split_state(st: _State) -> None:
    city = st.parts["city"]
    if len(city) > 1 and city[-1].lower() in _US_STATES and not st.parts["region"]:
        st.parts["region"] = [city[-1]]
        st.parts["city"] = city[:-1]


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
        return AddressResult(**_EMPTY_RESULT | {"status": EMPTY})
    text = unicodedata.normalize("NFKC", str(value))
    if is_junk(text):
        return AddressResult(**_EMPTY_RESULT | {"status": JUNK})
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
