"""Vectorized text keys used for matching (polars expressions only, no per-row Python).

These keys sit *on top of* the normalizers' output: whatever transliteration a name key used
(``Юлия`` -> ``yuliya`` or ``iuliia``), :func:`name_skeleton` folds the common spelling variants
to one form, so two records of the same person compare equal after any of them.
"""

from __future__ import annotations

import polars as pl

from custdata.frames import as_expr
from custdata.junk import JUNK_VALUES

# One Latin spelling per Cyrillic letter (Russian + Ukrainian). The skeleton below folds the
# variants of other systems (ICAO "iu"/"ia", "kh"/"h", "y"/"i") so the exact table matters little.
_CYR = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "є": "ye",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "yi",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "'": "",
    "’": "",
    "ʼ": "",
}
_CYR_FROM = list(_CYR)
_CYR_TO = list(_CYR.values())

# Spelling variants folded to one form (applied after transliteration, in this order).
_FOLD = [
    ("shch", "sh"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("kh", "h"),
    ("ck", "k"),
    ("tz", "c"),
    ("ts", "c"),
    ("ph", "f"),
    ("w", "v"),
    ("x", "ks"),
    ("q", "k"),
    ("j", "i"),
    ("y", "i"),
    ("ii", "i"),
    ("iu", "u"),
    ("ie", "e"),
    ("io", "e"),
]

_JUNK = sorted(JUNK_VALUES)
_SINGLE = [chr(c) for c in range(ord("a"), ord("z") + 1)]
_DOUBLE = [c + c for c in _SINGLE]


_STOP_WORDS = [
    "g",
    "gor",
    "gorod",
    "ul",
    "ulica",
    "ulitsa",
    "d",
    "dom",
    "kv",
    "kvartira",
    "pr",
    "prosp",
    "prospekt",
    "per",
    "pereulok",
    "bul",
    "bulvar",
    "pl",
    "ploshchad",
    "sh",
    "shosse",
    "korp",
    "k",
    "str",
    "stroenie",
    "obl",
    "oblast",
    "r",
    "rn",
    "raion",
    "st",
    "street",
    "rd",
    "road",
    "ave",
    "avenue",
    "apt",
    "unit",
    "flat",
    "no",
    "vul",
    "vulitsa",
    "vulytsia",
    "m",
    "mkr",
    "pos",
    "s",
    "selo",
    "pgt",
    "lane",
    "ln",
    "dr",
    "drive",
    "blvd",
    "nab",
    "naberezhnaia",
    "naberezhnaya",
    "bud",
    "budinok",
    "budynok",
    "all",
    "alleia",
    "alleya",
    "proezd",
    "prov",
    "provulok",
    "ploshcha",
    "suite",
    "ste",
    "court",
    "ct",
    "way",
    "place",
]
_STOP_RE = r"\b(" + "|".join(_STOP_WORDS) + r")\b"


def _name_of(column: str | pl.Expr) -> str:
    if isinstance(column, str):
        return column
    return column.meta.output_name(raise_if_undetermined=False) or "value"


def translit(column: str | pl.Expr) -> pl.Expr:
    """Lower-case Latin transliteration of Cyrillic text (other letters kept).

    >>> pl.DataFrame({"n": ["Щукина Юлия", "Smith"]}).select(translit("n"))["n"].to_list()
    ['shchukina yuliya', 'smith']
    """
    return as_expr(column).cast(pl.String).str.to_lowercase().str.replace_many(_CYR_FROM, _CYR_TO)


def clean_text(column: str | pl.Expr) -> pl.Expr:
    """Lower-case, transliterated, letters/digits/spaces only, single spaces; null if empty/junk.

    >>> pl.DataFrame({"a": [" Ул. Ленина, д.5 ", "нет", ""]}).select(clean_text("a"))["a"].to_list()
    ['ul lenina d 5', None, None]
    """
    raw = as_expr(column).cast(pl.String)
    junk = raw.str.strip_chars().str.to_lowercase().is_in(_JUNK)
    text = translit(raw).str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
    return pl.when(junk | (text == "")).then(None).otherwise(text).alias(_name_of(column))


def name_skeleton(column: str | pl.Expr) -> pl.Expr:
    """A spelling-insensitive key of a name: transliterated, variants folded, letters doubled once.

    ``Юлия``, ``Yulia``, ``Iuliia`` and ``Julia`` all give ``ulia``... the point is that they give
    the *same* key, not a pretty one.

    >>> df = pl.DataFrame({"n": ["Юлия", "Yulia", "Iuliia", "Julia", "Хорошев", "Khoroshev", None]})
    >>> df.select(name_skeleton("n"))["n"].to_list()
    ['ulia', 'ulia', 'ulia', 'ulia', 'horoshev', 'horoshev', None]
    """
    text = clean_text(column).str.replace_all(" ", "")
    for old, new in _FOLD:
        text = text.str.replace_all(old, new, literal=True)
    text = text.str.replace_many(_DOUBLE, _SINGLE)
    return pl.when(text == "").then(None).otherwise(text).alias(_name_of(column))


def surname_stem(column: str | pl.Expr) -> pl.Expr:
    """Surname skeleton without the gender ending: Иванов/Иванова, Ковальский/Ковальская.

    >>> df = pl.DataFrame({"n": ["Иванов", "Иванова", "Ковальский", "Ковальская", "Smith"]})
    >>> df.select(surname_stem("n"))["n"].to_list()
    ['ivanov', 'ivanov', 'kovalsk', 'kovalsk', 'smith']
    """
    s = name_skeleton(column)
    s = s.str.replace(r"(ov|ev|in|iin|n)a$", "$1")
    s = s.str.replace(r"(s|c|z)k(aia|aa|a|ii|i|oi|ei)$", "${1}k")
    s = s.str.replace(r"(s|c|z)ka$", "${1}k")
    return s


def patronymic_stem(column: str | pl.Expr) -> pl.Expr:
    """Root of a patronymic: Иванович/Ивановна -> ivan (siblings agree, father/son differ).

    >>> df = pl.DataFrame({"n": ["Иванович", "Ивановна", "Петрович", "Ильинична", "Ильич"]})
    >>> df.select(patronymic_stem("n"))["n"].to_list()
    ['ivan', 'ivan', 'petr', 'il', 'il']
    """
    s = name_skeleton(column)
    return s.str.replace(r"(ovich|evich|ovna|evna|ichna|inichna|ich|ivna|ovic|evic|ic|ovna)$", "")


def digits(column: str | pl.Expr) -> pl.Expr:
    """Only the digits of a value (as a string); null when none.

    >>> pl.DataFrame({"p": ["+7 (912) 345-67-89", "n/a"]}).select(digits("p"))["p"].to_list()
    ['79123456789', None]
    """
    d = as_expr(column).cast(pl.String).str.replace_all(r"\D", "")
    return pl.when(d == "").then(None).otherwise(d).alias(_name_of(column))


def address_key(column: str | pl.Expr) -> pl.Expr:
    """Order-insensitive address key: cleaned tokens minus street-type words, sorted.

    >>> df = pl.DataFrame({"a": ["г. Москва, ул. Ленина, д. 5, кв. 12", "Lenina 5 12 Moskva"]})
    >>> df.select(address_key("a"))["a"].to_list()
    ['12 5 lenina moskva', '12 5 lenina moskva']
    """
    text = clean_text(column).str.replace_all(_STOP_RE, " ").str.strip_chars()
    key = (
        text.str.split(" ")
        .list.sort()
        .list.join(" ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    return pl.when(key == "").then(None).otherwise(key).alias(_name_of(column))
