"""The address normalizer's tables: street types, part markers, unit words, directions,
ordinal words and US states (our own: no maintained offline library standardizes
Russian/Ukrainian street types). Read by :mod:`custdata.normalize._address_parse` and
:mod:`custdata.normalize.address`, which re-exports :data:`STREET_TYPES`.
"""

from __future__ import annotations

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
    "alley": {"ru": ("ал.", "аллея", "аллея", "ал", "алл"), "uk": ("ал.", "алея", "алея")},
    "park": {"ru": ("парк", "парк", "парк"), "uk": ("парк", "парк", "парк")},
    "garden": {"ru": ("сквер", "сквер", "сквер"), "uk": ("сквер", "сквер", "сквер")},
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
