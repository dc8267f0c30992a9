"""Cyrillic -> Latin transliteration tables (ICAO Doc 9303 for Russian, KMU 2010 for Ukrainian).

Both tables are kept here as plain data and applied in two ways that give the same result:
vectorized with ``pl.Expr.str.replace_many`` (leftmost-first, longest patterns listed first)
and, for one value, with the same pattern list through :func:`translit_text`.

Sources:

* ICAO Doc 9303, 8th edition (2021), Part 3, section 6 "Transliteration of Cyrillic characters"
  (the table the Russian foreign passport uses since 2014). Ukrainian/Belarusian letters of the
  same ICAO table are included so that a stray ``і`` does not survive in a Russian key.
* Resolution of the Cabinet of Ministers of Ukraine No. 55 of 27 January 2010 ("KMU 2010"),
  the official Ukrainian romanization (passports): word-initial ``є ї й ю я`` become
  ``ye yi y yu ya``, elsewhere ``ie i i iu ia``; ``зг`` becomes ``zgh``; apostrophes are dropped.

Upper-case letters map to capitalized Latin (``Щ`` -> ``Shch``), as the ``iuliia`` package does,
so title-case names keep their look; the tests compare the Russian table with ``iuliia``.
"""

from __future__ import annotations

import re

import polars as pl

#: ICAO Doc 9303 (Russian passport) lowercase table.
ICAO_RU: dict[str, str] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
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
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    # same ICAO table, Ukrainian and Belarusian letters
    "і": "i",
    "ї": "i",
    "є": "ie",
    "ґ": "g",
    "ў": "u",
}

#: KMU 2010 (Ukrainian passport) lowercase table, letters not at the start of a word.
KMU_UA: dict[str, str] = {
    "зг": "zgh",
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
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
    "ь": "",
    "ю": "iu",
    "я": "ia",
    "'": "",
    "’": "",
    "ʼ": "",
    # letters of Russian words that turn up in Ukrainian data
    "ё": "io",
    "ъ": "",
    "ы": "y",
    "э": "e",
}

#: KMU 2010: the first letter of a word.
KMU_UA_INITIAL: dict[str, str] = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

#: Letters that only Ukrainian (not Russian) spelling uses: their presence selects KMU 2010.
UKRAINIAN_LETTERS = "іїєґІЇЄҐ"
_UKRAINIAN_RE = f"[{UKRAINIAN_LETTERS}]"

SYSTEMS = ("auto", "icao", "kmu")


def _with_upper(table: dict[str, str]) -> dict[str, str]:
    """Add the upper-case and capitalized forms of every pattern, longest patterns first."""
    out: dict[str, str] = {}
    items = sorted(table.items(), key=lambda kv: -len(kv[0]))
    for src, dst in items:
        out[src] = dst
        if src.upper() != src:
            out[src.upper()] = dst.upper() if len(src) > 1 else dst.capitalize()
            if len(src) > 1:
                out[src[0].upper() + src[1:]] = dst.capitalize()
                # mixed case inside the pair (``зГ``): the pair is still one unit
                out[src[0] + src[1:].upper()] = dst[0] + dst[1:].capitalize()
    return out


_ICAO_FULL = _with_upper(ICAO_RU)
_KMU_FULL = _with_upper(KMU_UA)
_KMU_INITIAL_FULL = _with_upper(KMU_UA_INITIAL)

# word start = start of text, or after whitespace / hyphen
_KMU_INITIAL_RE = re.compile(r"(^|[\s\-])([" + "".join(_KMU_INITIAL_FULL) + "])")
_ICAO_RE = re.compile("|".join(re.escape(k) for k in _ICAO_FULL))
_KMU_RE = re.compile("|".join(re.escape(k) for k in _KMU_FULL))


def _kmu_expr(expr: pl.Expr) -> pl.Expr:
    for src, dst in _KMU_INITIAL_FULL.items():
        expr = expr.str.replace_all(rf"(^|[\s\-]){src}", f"${{1}}{dst}")
    # polars' replace_many reports the earliest-ending match, so the one two-letter pattern
    # (зг) is replaced first on its own
    multi = {k: v for k, v in _KMU_FULL.items() if len(k) > 1}
    for src, dst in multi.items():
        expr = expr.str.replace_all(src, dst, literal=True)
    single = {k: v for k, v in _KMU_FULL.items() if len(k) == 1}
    return expr.str.replace_many(list(single), list(single.values()))


def _icao_expr(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many(list(_ICAO_FULL), list(_ICAO_FULL.values()))


def translit_expr(expr: pl.Expr, *, system: str = "auto") -> pl.Expr:
    """Vectorized transliteration of ``expr`` (a string expression) to Latin.

    ``system="auto"`` uses KMU 2010 for values holding a Ukrainian-only letter and ICAO
    Doc 9303 otherwise. Latin text passes through unchanged.
    """
    if system == "icao":
        return _icao_expr(expr)
    if system == "kmu":
        return _kmu_expr(expr)
    return (
        pl.when(expr.str.contains(_UKRAINIAN_RE)).then(_kmu_expr(expr)).otherwise(_icao_expr(expr))
    )


_ICAO_LOWER = {k: v for k, v in sorted(ICAO_RU.items(), key=lambda kv: -len(kv[0]))}
_KMU_LOWER_SINGLE = {k: v for k, v in KMU_UA.items() if len(k) == 1}


def translit_lower_expr(expr: pl.Expr) -> pl.Expr:
    """:func:`translit_expr` for text already in lower case (fewer patterns: faster keys)."""
    kmu = expr
    for src, dst in KMU_UA_INITIAL.items():
        kmu = kmu.str.replace_all(rf"(^|[\s\-]){src}", f"${{1}}{dst}")
    kmu = kmu.str.replace_all("зг", "zgh", literal=True)
    kmu = kmu.str.replace_many(list(_KMU_LOWER_SINGLE), list(_KMU_LOWER_SINGLE.values()))
    icao = expr.str.replace_many(list(_ICAO_LOWER), list(_ICAO_LOWER.values()))
    return pl.when(expr.str.contains(_UKRAINIAN_RE)).then(kmu).otherwise(icao)


def translit_text(value: str, *, system: str = "auto") -> str:
    """Transliterate one string exactly as :func:`translit_expr` does.

    >>> translit_text("Щербаков Юрий"), translit_text("Євген Згурський")
    ('Shcherbakov Iurii', 'Yevhen Zghurskyi')
    """
    if system == "auto":
        system = "kmu" if any(ch in UKRAINIAN_LETTERS for ch in value) else "icao"
    if system == "kmu":
        value = _KMU_INITIAL_RE.sub(lambda m: m.group(1) + _KMU_INITIAL_FULL[m.group(2)], value)
        return _KMU_RE.sub(lambda m: _KMU_FULL[m.group(0)], value)
    return _ICAO_RE.sub(lambda m: _ICAO_FULL[m.group(0)], value)


#: The "popular" Russian romanization people type by hand (Yuliya, Khabarov -> Habarov):
#: ICAO with й -> y, ю -> yu, я -> ya, х -> h, ё -> yo and a silent ъ.
POPULAR_RU: dict[str, str] = {
    **ICAO_RU,
    "й": "y",
    "ю": "yu",
    "я": "ya",
    "х": "h",
    "ё": "yo",
    "ъ": "",
}
_APOSTROPHES = {"'": "", "’": "", "ʼ": ""}
_LETTER_TABLES = {
    "icao": ICAO_RU,
    "popular": POPULAR_RU,
    # KMU 2010 letter by letter (no word-initial forms, no зг), as it is often written by hand
    "kmu": {k: v for k, v in KMU_UA.items() if len(k) == 1},
}
LETTER_SYSTEMS = tuple(_LETTER_TABLES)


def _translate_table(table: dict[str, str]) -> dict[int, str]:
    full = {**table, **_APOSTROPHES}
    for src, dst in list(full.items()):
        if src.upper() != src:
            full[src.upper()] = dst.capitalize()
    return str.maketrans(full)


_TRANSLATE = {name: _translate_table(table) for name, table in _LETTER_TABLES.items()}


def translit_letters(value: str, *, system: str = "icao") -> str:
    """Letter-by-letter transliteration of one string (``icao``, ``popular`` or ``kmu``).

    The spellings people produce when they write a Cyrillic name in Latin letters themselves
    (used by :mod:`custdata.synth` to make realistic variants); apostrophes are dropped.

    >>> translit_letters("Юлия"), translit_letters("Юлия", system="popular")
    ('Iuliia', 'Yuliya')
    >>> translit_letters("Григорій", system="kmu")
    'Hryhorii'
    """
    return value.translate(_TRANSLATE[system])
