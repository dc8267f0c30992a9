"""Parse one full-name string: clean it, find last/first/middle, give a status and a gender hint.

This is the per-distinct-value part of :mod:`custdata.normalize.name`: the frame step calls
:func:`parse_text` once for every *distinct* value of a column, and everything after that
(matching keys) is vectorized polars. Token-level work is cached, so a column of a million
names with a few thousand distinct first names and patronymics costs a dict lookup per token.

Order rules (``order="auto"``):

* Cyrillic (or Latin with a Russian patronymic such as ``Ivanovich``): the patronymic
  (-ович/-евич/-ич, -овна/-евна/-ична/-инична, Ukrainian -івна/-ївна, ``оглы``/``кызы``) is
  the middle name; a token just before it is the first name. Without a patronymic the
  first-name list decides which token is the first name; when it cannot, the Russian
  document order (surname first) is assumed. Initials (``И.``) are first/middle names.
* Latin: ``first [middle] last``; a value with a comma, a title, a suffix, a particle
  (van, de, von, ...) or a nickname goes to ``nameparser``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from custdata.junk import is_junk
from custdata.normalize._name_lexicon import (
    _CYR,
    _PATRONYMIC_LATIN_RE,
    _TURKIC_LINKS,
    NAME_JUNK,
    TITLES_RU,
    UNKNOWN,
    _any_patronymic,
    _is_first_name,
    _is_initial,
    _loose_patronymic,
    _low,
    _patronymic_gender,
    gender_of,
)
from custdata.normalize._name_lexicon import (
    _part_gender as _part_gender,  # re-exported: tests import it from here
)
from custdata.status import EMPTY, JUNK, OK

# ---- status codes -------------------------------------------------------------------------
NOT_A_NAME = "not_a_name"
INITIALS_ONLY = "initials_only"
SINGLE_TOKEN = "single_token"
MIXED_SCRIPT = "mixed_script"
STATUSES = (OK, EMPTY, JUNK, NOT_A_NAME, INITIALS_ONLY, SINGLE_TOKEN, MIXED_SCRIPT)

_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "di",
        "da",
        "du",
        "des",
        "del",
        "della",
        "la",
        "le",
        "dos",
        "das",
        "do",
        "ten",
        "ter",
        "zu",
        "af",
        "av",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "e",
        "vande",
        "vander",
        "dela",
        "st",
        "ste",
    }
)

_LAT = re.compile(r"[A-Za-z\u00c0-\u024f]")
_DIGIT_OR_MAIL = re.compile(r"\d|@|https?:|www\.|\.(?:ru|com|ua|net|org)\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_INITIAL_DOT = re.compile(r"(?<=\w)\.(?=\w)")
_NOT_NAME_CHARS = re.compile(r"[^\w\s'’ʼ`\-.,]", re.UNICODE)
_COMMA_SPACE = re.compile(r"\s*,\s*")
_DASHES = str.maketrans(
    {
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "’": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
    }
)

# Latin letters that look like Cyrillic ones and the other way round (homoglyphs).
_LAT_TO_CYR = str.maketrans("AaBCcEeHKkMOoPpTXxYy", "АаВСсЕеНКкМОоРрТХхУу")
_CYR_TO_LAT = str.maketrans("АаВСсЕеНКкМОоРрТХхУуІіЈј", "AaBCcEeHKkMOoPpTXxYyIiJj")
_LAT_HOMOGLYPHS = set("AaBCcEeHKkMOoPpTXxYy")
_CYR_HOMOGLYPHS = set("АаВСсЕеНКкМОоРрТХхУуІіЈј")


class Parsed(NamedTuple):
    """One parsed value (all ``None`` except status for empty/junk/not-a-name values)."""

    clean: str | None
    last: str | None
    first: str | None
    middle: str | None
    gender: str | None
    status: str


@functools.lru_cache(maxsize=1)
def _nameparser_constants():  # noqa: ANN202
    from nameparser.config import CONSTANTS

    words = set(CONSTANTS.titles) | set(CONSTANTS.suffix_acronyms)
    words |= set(CONSTANTS.suffix_not_acronyms) | set(CONSTANTS.prefixes)
    words |= set(CONSTANTS.conjunctions)
    return frozenset(words)


# ---- token helpers --------------------------------------------------------------------------
@functools.lru_cache(maxsize=65536)
def fix_case(tok: str, only: bool = False) -> str:
    """Fix the case of one token: ``иВАНОВ`` -> ``Иванов``, keep ``McDonald`` and ``O'Neil``.

    Mixed-case tokens are kept as typed unless they look like caps lock (``иВАНОВ``).

    >>> fix_case("иВАНОВ"), fix_case("САЛТЫКОВ-ЩЕДРИН"), fix_case("McDonald"), fix_case("o'neil")
    ('Иванов', 'Салтыков-Щедрин', 'McDonald', "O'Neil")
    >>> fix_case("mcdonald"), fix_case("мар'яна"), fix_case("п'ятаченко")
    ('McDonald', "Мар'яна", "П'ятаченко")
    """
    low = tok.lower()
    if not only and low in _TURKIC_LINKS:
        return low
    if not only and low in _PARTICLES and (tok == low or tok == tok.upper()) and len(low) > 1:
        return low
    return "-".join(_fix_part(part) for part in tok.split("-"))


def _fix_part(part: str) -> str:
    if "." in part.rstrip("."):
        return part  # an abbreviation such as D.D.S. or Lt.Gov.: keep as typed
    letters = [c for c in part if c.isalpha()]
    if not letters:
        return part
    is_upper = all(c.isupper() for c in letters)
    is_lower = all(c.islower() for c in letters)
    caps_lock = letters[0].islower() and len(letters) > 1 and all(c.isupper() for c in letters[1:])
    if not (is_upper or is_lower or caps_lock):
        return part
    part = part.lower()
    if "'" in part:
        head, _, tail = part.partition("'")
        if len(head) == 1 and tail and head.isascii():
            return head.upper() + "'" + tail[:1].upper() + tail[1:]
        return part[:1].upper() + part[1:]
    if part.startswith("mc") and len(part) > 3:
        return "Mc" + part[2:3].upper() + part[3:]
    return part[:1].upper() + part[1:]


def _fix_homoglyphs(tok: str) -> tuple[str, bool]:
    """Turn a token mixing Cyrillic and Latin letters into one script; False if impossible."""
    if tok.isascii() or not _ASCII_LETTER.search(tok):
        return tok, True
    cyr = [c for c in tok if _CYR.match(c)]
    lat = [c for c in tok if _LAT.match(c)]
    if not cyr or not lat:
        return tok, True
    if all(c in _LAT_HOMOGLYPHS for c in lat) and len(cyr) >= len(lat):
        return tok.translate(_LAT_TO_CYR), True
    if all(c in _CYR_HOMOGLYPHS for c in cyr) and len(lat) > len(cyr):
        return tok.translate(_CYR_TO_LAT), True
    if all(c in _LAT_HOMOGLYPHS for c in lat):
        return tok.translate(_LAT_TO_CYR), True
    return tok, False


# ---- parsing --------------------------------------------------------------------------------
def _strip_titles(tokens: list[str]) -> list[str]:
    while len(tokens) > 1:
        low = tokens[0].lower().rstrip(".")
        if low in TITLES_RU:
            tokens = tokens[1:]
        else:
            break
    return tokens


def _merge_links(tokens: list[str]) -> list[str]:
    """Attach ``оглы``/``кызы`` to the word before them (they form the patronymic)."""
    out: list[str] = []
    for tok in tokens:
        if _low(tok) in _TURKIC_LINKS and out:
            out[-1] = out[-1] + " " + tok.lower()
        else:
            out.append(tok)
    return out


def _eastern(tokens: list[str]) -> tuple[str | None, str | None, str | None]:
    """last, first, middle for Cyrillic (or transliterated Russian) tokens in any order."""
    n = len(tokens)
    init = [_is_initial(t) for t in tokens]
    if n == 1:
        tok = tokens[0]
        if _patronymic_gender(tok):
            return None, None, tok
        if _is_first_name(tok):
            return None, tok, None
        return tok, None, None
    if n == 2:
        a, b = tokens
        if init[0] and init[1]:
            return None, a, b
        if init[1]:
            return a, b, None  # Иванов И.
        if init[0]:
            return b, a, None  # И. Иванов
        if _patronymic_gender(b) and not _patronymic_gender(a):
            return None, a, b  # Ипполит Матвеевич
        fa, fb = _is_first_name(a), _is_first_name(b)
        if fa and not fb:
            return b, a, None
        if fb and not fa:
            return a, b, None
        if fa and fb and _surname_like(a) and not _surname_like(b):
            return a, b, None
        if fa and fb and _surname_like(b) and not _surname_like(a):
            return b, a, None
        return a, b, None
    # three or more
    a, b, c = tokens[0], tokens[1], tokens[-1]
    rest = tokens[1:-1]
    if init[0] and init[1] and not init[-1] and n == 3:
        return c, a, b  # В. И. Ленин
    if init[-1] and init[-2] and n == 3:
        return a, b, c  # Иванов И. И.
    p_last = _patronymic_gender(c) is not None
    p_mid = n == 3 and _patronymic_gender(b) is not None
    if p_mid and not p_last:
        return c, a, b  # Иван Иванович Иванов
    if p_last or _loose_patronymic(c):
        return a, " ".join(rest), c
    if n == 3 and _is_first_name(a) and not _is_first_name(b) and _surname_like(c):
        return c, a, b
    return a, b, " ".join(tokens[2:])


_SURNAME_END = re.compile(
    r"(ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|цкий|ская|цкая|ой|ая|ко|ук|юк|чук|ян|дзе|швили"
    r"|ич|ых|их|ман|ер|ов-|ev|ov|ova|eva|ina|sky|skiy|skaya|enko|uk)$"
)


def _surname_like(tok: str) -> bool:
    return bool(_SURNAME_END.search(_low(tok)))


_LATIN_RU_SURNAME = re.compile(r"[a-z]{2,}(ov|ev|ova|eva|sky|skiy|skii|skaya|enko|chuk|yuk)$")


def _latin_case(tok: str, only: bool) -> str:
    """Case of a Latin token; conjunctions and particles typed in lower case stay so."""
    low = tok.lower()
    if (
        tok == low
        and not only
        and low.strip(".") in _nameparser_constants()
        and (low.strip(".") in _LOWER_WORDS)
    ):
        return tok
    if _is_initial(tok):
        return tok.upper() if low not in ("y", "e") else tok
    return fix_case(tok, only)


_LOWER_WORDS = _PARTICLES | {"and", "of", "the", "y", "e", "&", "bin", "ben", "bint"}


def _western_simple(tokens: list[str]) -> tuple[str | None, str | None, str | None]:
    n = len(tokens)
    if n == 1:
        return tokens[0], None, None
    if n == 2:
        if tokens[1].endswith(".") and _is_initial(tokens[1]) and not _is_initial(tokens[0]):
            return tokens[0], tokens[1], None  # Ivanov I.
        if _LATIN_RU_SURNAME.search(tokens[0].lower()) and not _LATIN_RU_SURNAME.search(
            tokens[1].lower()
        ):
            return tokens[0], tokens[1], None  # Ivanov Ivan (transliterated Russian order)
        return tokens[1], tokens[0], None
    if all(_is_initial(t) for t in tokens[1:]) and not _is_initial(tokens[0]):
        return tokens[0], tokens[1], " ".join(tokens[2:])  # Ivanov I. I.
    return tokens[-1], tokens[0], " ".join(tokens[1:-1])


def _nameparser(text: str) -> tuple[str | None, str | None, str | None]:
    from nameparser import HumanName

    hn = HumanName(text)
    return hn.last or None, hn.first or None, hn.middle or None


def _needs_nameparser(text: str, tokens: list[str]) -> bool:
    if "," in text or "(" in text or '"' in text or len(tokens) > 3:
        return True
    if any("." in t.rstrip(".") for t in tokens):
        return True
    if any(t.startswith("'") or (t.endswith("'") and len(t) > 2) for t in tokens):
        return True
    words = _nameparser_constants()
    return any(t.lower().rstrip(".") in words for t in tokens)


def _initial_form(tok: str) -> str:
    return tok.rstrip(".").upper() + "."


def parse_text(value: str | None, order: str = "auto") -> Parsed:
    """Parse one raw value. ``order``: "auto", "eastern" (last first middle) or "western".

    >>> parse_text("иВАНОВ иван иванович")  # doctest: +NORMALIZE_WHITESPACE
    Parsed(clean='Иванов Иван Иванович', last='Иванов', first='Иван', middle='Иванович',
           gender='male', status='ok')
    >>> parse_text("Dr. John Smith Jr.").last, parse_text("И.И. Иванов").clean
    ('Smith', 'И. И. Иванов')
    """
    if value is None:
        return Parsed(None, None, None, None, None, EMPTY)
    text = unicodedata.normalize("NFC", value).translate(_DASHES)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return Parsed(None, None, None, None, None, EMPTY)
    folded = text.casefold()
    if is_junk(text) or folded in NAME_JUNK or folded.strip(" .-") == "":
        return Parsed(None, None, None, None, None, JUNK)
    not_name = _DIGIT_OR_MAIL.search(text) or _NOT_NAME_CHARS.sub("", text) != text.replace('"', "")
    if not_name and not _is_quoted_nickname(text):
        return Parsed(None, None, None, None, None, NOT_A_NAME)
    if not any(c.isalpha() for c in text):
        return Parsed(None, None, None, None, None, NOT_A_NAME)
    if _CYR.search(text):
        text = _INITIAL_DOT.sub(". ", text)
    text = _COMMA_SPACE.sub(", ", text).strip(" ,")
    text = re.sub(r"\s*-\s*", "-", text).strip("-' ")
    if is_junk(text) or text.casefold() in NAME_JUNK:
        return Parsed(None, None, None, None, None, JUNK)
    raw_tokens = [t for t in text.split(" ") if t.strip(".-'")]
    status = OK
    tokens: list[str] = []
    for tok in raw_tokens:
        fixed, ok = _fix_homoglyphs(tok)
        if not ok:
            status = MIXED_SCRIPT
        tokens.append(fixed)
    if tokens != raw_tokens and " ".join(tokens).casefold() in NAME_JUNK:
        return Parsed(None, None, None, None, None, JUNK)  # a placeholder once one script ("фИo")
    tokens = _strip_titles(tokens)
    # мл./ст.: Cyrillic names only (nameparser already reads Jr./Sr. in Latin ones)
    tokens, suffix = _strip_suffix(tokens) if _CYR.search(text) else (tokens, None)
    if not tokens:
        return Parsed(None, None, None, None, None, JUNK)
    only = len(tokens) == 1
    has_cyr = any(_CYR.search(t) for t in tokens)
    if has_cyr:
        tokens = [_initial_form(t) if _is_initial(t) else fix_case(t, only) for t in tokens]
    else:
        tokens = [_latin_case(t, only) for t in tokens]
    body = [t for t in tokens if t != ","]
    clean = " ".join(tokens).replace(" ,", ",")
    last: str | None
    first: str | None
    middle: str | None
    latin_initials = (
        not has_cyr
        and len(body) == 2
        and not _is_initial(body[0])
        and "," not in text
        and re.fullmatch(r"(?:[A-Z]\.){1,2}", body[1]) is not None
    )
    if latin_initials:  # "Ivanov I.I.": a surname and its initials, as in Cyrillic
        letters = [c + "." for c in body[1] if c.isalpha()]
        body = [body[0], *letters]
        clean = " ".join(body)
        last, first, middle = body[0], letters[0], (letters[1] if len(letters) > 1 else None)
    elif (
        has_cyr
        or order == "eastern"
        or any(_PATRONYMIC_LATIN_RE.search(_low(t.rstrip(","))) for t in body)
    ):
        parts = [t.rstrip(",") for t in body]
        parts = _merge_links(parts)
        if order == "western":
            last, first, middle = _western_simple(parts)
        elif order == "eastern":
            last = parts[0]
            first = parts[1] if len(parts) > 1 else None
            middle = " ".join(parts[2:]) or None
        elif (
            len(parts) == 3
            and _any_patronymic(parts[1])
            and not _any_patronymic(parts[0])
            and not _any_patronymic(parts[2])
        ):  # the middle word is plainly a patronymic: first, patronymic, last (Ukrainian order)
            first, middle, last = parts
        else:
            last, first, middle = _eastern(parts)
    elif order == "eastern":
        last, first, middle = (
            body[0],
            (body[1] if len(body) > 1 else None),
            (" ".join(body[2:]) or None),
        )
    elif len(body) == 1 or _needs_nameparser(clean, body):
        last, first, middle = _nameparser(clean)
    else:
        last, first, middle = _western_simple(body)
    last, first, middle = (_strip_dot(p) for p in (last, first, middle))
    words = [t for t in body if not _is_initial(t)]
    if status == OK:
        if not words:
            status = INITIALS_ONLY
        elif len(body) == 1:
            status = SINGLE_TOKEN
    gender = gender_of(last, first, middle) if (last or first or middle) else UNKNOWN
    if suffix:
        clean = f"{clean} {suffix}"
    apostrophe = next((c for c in value if c in "ʼ’"), None)
    if apostrophe:  # display keeps the apostrophe the input used (ʼ U+02BC or ’)
        clean = clean.replace("'", apostrophe)
        last, first, middle = (
            None if x is None else x.replace("'", apostrophe) for x in (last, first, middle)
        )
    return Parsed(clean, last, first, middle, gender, status)


#: Generational suffixes: not a middle name. Folded token -> display form.
_SUFFIXES = {
    "мл": "мл.",
    "младший": "мл.",
    "ст": "ст.",
    "старший": "ст.",
    "jr": "Jr.",
    "junior": "Jr.",
    "sr": "Sr.",
    "senior": "Sr.",
    "ii": "II",
    "iii": "III",
}


def _strip_suffix(tokens: list[str]) -> tuple[list[str], str | None]:
    """Remove a generational suffix (мл., ст., Jr., Sr., II) from a name's tokens.

    >>> _strip_suffix(["Иванов", "Иван", "мл."])
    (['Иванов', 'Иван'], 'мл.')
    """
    if len(tokens) < 2:
        return tokens, None
    for i in (len(tokens) - 1, 0):
        key = tokens[i].lower().strip(".,()")
        if key in _SUFFIXES and (i != 0 or key not in ("ii", "iii")):
            return tokens[:i] + tokens[i + 1 :], _SUFFIXES[key]
    return tokens, None


def _strip_dot(part: str | None) -> str | None:
    if not part:
        return None
    part = part.strip(" ,")
    if _is_initial(part):
        return part.rstrip(".")
    if " " in part:
        part = " ".join(p.rstrip(".") if _is_initial(p) else p for p in part.split(" "))
    return part or None


def _is_quoted_nickname(text: str) -> bool:
    """``John "Jack" Smith`` / ``John (Jack) Smith``: nickname syntax nameparser understands."""
    if _DIGIT_OR_MAIL.search(text):
        return False
    rest = re.sub(r"[\"()]", "", text)
    return _NOT_NAME_CHARS.sub("", rest) == rest
