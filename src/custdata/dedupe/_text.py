"""Vectorized text keys used for matching (polars expressions only, no per-row Python).

Name keys sit *on top of* the normalizers' keys (``surname_key``, ``first_name_key``,
``middle_name_key``): :func:`name_skeleton` applies the skeleton fold of
:mod:`custdata.normalize._fold`, so two records of the same person compare equal whichever
spelling they used. Transliteration is that of :mod:`custdata.normalize._translit`; this module
holds no table of its own.
"""

from __future__ import annotations

import polars as pl

from custdata.frames import as_expr
from custdata.junk import JUNK_VALUES
from custdata.normalize._fold import skeleton_expr
from custdata.normalize._translit import translit_lower_expr
from custdata.normalize.name import middle_name_key, surname_key

_JUNK = sorted(JUNK_VALUES)


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
    """Lower-case Latin transliteration of Cyrillic text (the normalizers' ICAO / KMU 2010).

    >>> pl.DataFrame({"n": ["Щукина Юлия", "Київ", "Smith"]}).select(translit("n"))["n"].to_list()
    ['shchukina iuliia', 'kyiv', 'smith']
    """
    return translit_lower_expr(as_expr(column).cast(pl.String).str.to_lowercase())


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
    """The spelling-insensitive skeleton of a name key (see :mod:`custdata.normalize._fold`).

    Give it a normalizer key (:func:`~custdata.normalize.surname_key`, ``first_name_key``,
    ``middle_name_key``): ``Юлия``, ``Yulia``, ``Iuliia`` and ``Julia`` then all give ``ulia``...
    the point is that they give the *same* key, not a pretty one. Junk gives null.

    >>> from custdata.normalize import surname_key
    >>> df = pl.DataFrame({"n": ["Юлия", "Yulia", "Iuliia", "Julia", "Хорошев", "Khoroshev", None]})
    >>> df.select(name_skeleton(surname_key("n")))["n"].to_list()
    ['ulia', 'ulia', 'ulia', 'ulia', 'horoshev', 'horoshev', None]
    """
    return skeleton_expr(clean_text(column)).alias(_name_of(column))


def surname_stem(column: str | pl.Expr) -> pl.Expr:
    """Surname skeleton without the gender ending: Иванов/Иванова, Ковальский/Ковальская.

    Built on the normalizer's :func:`~custdata.normalize.surname_key` of the raw surname.

    >>> df = pl.DataFrame({"n": ["Иванов", "Иванова", "Ковальский", "Ковальская", "Smith"]})
    >>> df.select(surname_stem("n"))["n"].to_list()
    ['ivanov', 'ivanov', 'kovalsk', 'kovalsk', 'smith']
    """
    s = name_skeleton(surname_key(as_expr(column)))
    s = s.str.replace(r"(ov|ev|in|iin|n)a$", "$1")
    s = s.str.replace(r"(s|c|z)k(aia|aa|a|ii|i|oi|ei)$", "${1}k")
    s = s.str.replace(r"(s|c|z)ka$", "${1}k")
    return s


def patronymic_stem(column: str | pl.Expr) -> pl.Expr:
    """Root of a patronymic: Иванович/Ивановна -> ivan (siblings agree, father/son differ).

    Built on the normalizer's :func:`~custdata.normalize.middle_name_key` of the raw value.
    Ukrainian Г is Latin H, Russian Г is G: a lone ``h`` is read as ``g``, so the Ukrainian
    transliteration matches the Russian form (Hryhorevych = Григорьевич).

    >>> df = pl.DataFrame({"n": ["Иванович", "Ивановна", "Петрович", "Ильинична", "Ильич",
    ...                          "Hryhorevych", "Григорьевич", "Mykhailovych", "Михайлович"]})
    >>> df.select(patronymic_stem("n"))["n"].to_list()
    ['ivan', 'ivan', 'petr', 'il', 'il', 'grigor', 'grigor', 'migail', 'migail']
    """
    s = name_skeleton(middle_name_key(as_expr(column)))
    s = s.str.replace(r"(ovich|evich|ovna|evna|ichna|inichna|ich|ivna|ovic|evic|ic|ovna)$", "")
    return s.str.replace_all(r"(^|[^csz])h", "${1}g")


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
