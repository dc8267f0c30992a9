"""Name reference data: placeholder and title words, the first-name and patronymic lists, and
the gender hint they give (:func:`gender_of`).

Split out of :mod:`custdata.normalize._name_parse`, which re-exports every name here; the vector
path (:mod:`custdata.normalize._name_vector`) uses the same lists.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import polars as pl

from custdata.normalize._diminutives import FULL_FORMS, diminutive_table

_CYR = re.compile(r"[\u0400-\u04ff]")

MALE, FEMALE, UNKNOWN = "male", "female", "unknown"

#: Name-specific placeholders (compared after strip + casefold), on top of the shared junk list.
NAME_JUNK: frozenset[str] = frozenset(
    {
        "test",
        "test test",
        "тест",
        "тест тест",
        "тестовый",
        "клиент",
        "покупатель",
        "customer",
        "client",
        "user",
        "guest",
        "гость",
        "имя",
        "фамилия",
        "фио",
        "name",
        "first name",
        "last name",
        "full name",
        "asdf",
        "qwerty",
        "йцукен",
        "ааа",
        "aaa",
        "abc",
        "абв",
        "xxx xxx",
        "no name",
        "noname",
        "без имени",
        "аноним",
        "anonymous",
        "клієнт",
        "покупець",
        "ім'я",
        "прізвище",
    }
)

#: Titles and forms of address stripped from the start of a name (lower case, no dot).
TITLES_RU: frozenset[str] = frozenset(
    {
        "г-н",
        "г-жа",
        "гн",
        "гжа",
        "г",
        "господин",
        "госпожа",
        "гражданин",
        "гражданка",
        "тов",
        "товарищ",
        "д-р",
        "др",
        "доктор",
        "проф",
        "профессор",
        "акад",
        "академик",
        "пан",
        "пані",
        "панна",
        "п",
        "шановний",
        "шановна",
        "уважаемый",
        "уважаемая",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "madam",
        "mme",
        "mlle",
        "herr",
        "frau",
        "m",
        "monsieur",
    }
)

_PATRONYMIC_RE = re.compile(
    r"(ович|евич|ьевич|овна|евна|ьевна|ична|инична|івна|ївна|оглы|оглу|кызы|кизи|улы)$"
)
_PATRONYMIC_MALE_SHORT_RE = re.compile(r"(ич)$")
_PATRONYMIC_LATIN_RE = re.compile(
    r"(ovich|evich|ovitch|evitch|ovna|evna|ichna|ivna|yivna|ogly|oglu|kyzy|gyzy|qizi)$"
)
_FEMALE_PATRONYMIC_RE = re.compile(
    r"(овна|евна|ична|инична|івна|ївна|кызы|кизи|ovna|evna|ichna|ivna|kyzy|gyzy|qizi)$"
)
_TURKIC_LINKS = {
    "оглы": MALE,
    "оглу": MALE,
    "улы": MALE,
    "уулу": MALE,
    "кызы": FEMALE,
    "кизи": FEMALE,
    "ogly": MALE,
    "oglu": MALE,
    "uly": MALE,
    "kyzy": FEMALE,
    "gyzy": FEMALE,
    "qizi": FEMALE,
}


# ---- reference lists ------------------------------------------------------------------------
def _russiannames_dir() -> Path | None:
    """Folder of the name lists taken from ``russiannames`` (shipped with custdata, see its README)."""
    path = Path(__file__).parent / "data" / "russiannames"
    return path if path.is_dir() else None


@functools.lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """First names (lower case, ``е`` for ``ё``) -> "m" / "f" / "u" (unisex or unknown).

    Built from the ``russiannames`` package's ``names.parquet`` (names seen at least 3 times
    in its corpus) plus every form of the diminutive table.

    >>> first_names()["иван"], first_names()["саша"]
    ('m', 'u')
    """
    out: dict[str, str] = {}
    folder = _russiannames_dir()
    if folder is not None:
        frame = (
            pl.read_parquet(folder / "names.parquet", columns=["count", "text", "gender"])
            .filter(pl.col("count") >= 3, pl.col("text").str.contains(r"^[А-ЯЁа-яё\-]+$"))
            .sort("count", descending=True)
            .select(
                pl.col("text").str.to_lowercase().str.replace_all("ё", "е"),
                pl.col("gender").fill_null("u"),
            )
            .unique("text", keep="first", maintain_order=True)
        )
        out.update(zip(frame["text"].to_list(), frame["gender"].to_list(), strict=True))
    table = diminutive_table()
    for form, canon in table.items():
        g = out.get(canon)
        if canon in FULL_FORMS and form not in out:
            # unisex diminutives (саша, женя, валя) point to a masculine shared key
            if form in {"саша", "шура", "саня", "женя", "валя"}:
                g = "u"
            out[form] = g or "u"
    for unisex in ("саша", "женя", "валя", "шура", "саня"):
        out[unisex] = "u"
    return out


@functools.lru_cache(maxsize=1)
def first_name_genders() -> dict[str, str]:
    """Every first name of ``russiannames`` with a gender ("m"/"f"), any frequency.

    >>> first_name_genders()["мария"]
    'f'
    """
    folder = _russiannames_dir()
    if folder is None:
        return {}
    frame = (
        pl.read_parquet(folder / "names.parquet", columns=["count", "text", "gender"])
        .filter(pl.col("gender").is_in(["m", "f"]))
        .sort("count", descending=True)
        .select(pl.col("text").str.to_lowercase().str.replace_all("ё", "е"), "gender")
        .unique("text", keep="first", maintain_order=True)
    )
    return dict(zip(frame["text"].to_list(), frame["gender"].to_list(), strict=True))


@functools.lru_cache(maxsize=1)
def patronymics() -> dict[str, str]:
    """Patronymics (lower case) -> "m"/"f" from ``russiannames`` ``midnames.parquet`` (count >= 3).

    >>> patronymics()["иванович"], patronymics()["ивановна"]
    ('m', 'f')
    """
    folder = _russiannames_dir()
    if folder is None:
        return {}
    frame = (
        pl.read_parquet(folder / "midnames.parquet", columns=["count", "text", "gender"])
        .filter(pl.col("count") >= 3, pl.col("gender").is_in(["m", "f"]))
        .sort("count", descending=True)
        .select(pl.col("text").str.to_lowercase().str.replace_all("ё", "е"), "gender")
        .unique("text", keep="first", maintain_order=True)
    )
    return dict(zip(frame["text"].to_list(), frame["gender"].to_list(), strict=True))


@functools.lru_cache(maxsize=1)
def _gender_detector():  # noqa: ANN202 - pytrovich has no public type for it
    from pytrovich.detector import PetrovichGenderDetector

    return PetrovichGenderDetector()


def _is_initial(tok: str) -> bool:
    if len(tok) > 2:
        return False
    core = tok.rstrip(".")
    return len(core) == 1 and core.isalpha()


def _low(tok: str) -> str:
    return tok.lower().replace("ё", "е")


@functools.lru_cache(maxsize=65536)
def _patronymic_gender(tok: str) -> str | None:
    """'m'/'f' when ``tok`` is a patronymic, else None."""
    low = _low(tok)
    for link, g in _TURKIC_LINKS.items():
        if low.endswith(link) and (low == link or low[-len(link) - 1] in " -"):
            return "m" if g == MALE else "f"
    known = patronymics().get(low)
    if known:
        return known
    if _FEMALE_PATRONYMIC_RE.search(low) and len(low) > 6:
        return "f"
    m = re.search(r"(ович|евич|ьевич)$", low)
    if m:
        stem = low[: m.start()]
        names = first_names()
        if stem in names or stem + "ь" in names or stem + "й" in names or stem[:-1] + "ий" in names:
            return "m"
    if _PATRONYMIC_LATIN_RE.search(low) and len(low) > 6:
        return "f" if _FEMALE_PATRONYMIC_RE.search(low) else "m"
    return None


def _any_patronymic(tok: str) -> bool:
    """A known patronymic, or a word with a patronymic ending (-ович, -йович, -івна...)."""
    return (
        _patronymic_gender(tok) is not None
        or _loose_patronymic(tok)
        or bool(re.search(r"(ович|евич|ьович|йович|івна|ївна|овна|евна|ична)$", _low(tok)))
    )


def _loose_patronymic(tok: str) -> bool:
    """Ends like a patronymic (used only when the position says so, e.g. the third token)."""
    low = _low(tok)
    ends = _PATRONYMIC_RE.search(low) or _PATRONYMIC_MALE_SHORT_RE.search(low)
    return bool(ends) and len(low) > 4


def _is_first_name(tok: str) -> bool:
    return _low(tok) in first_names()


# ---- gender ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=65536)
def _part_gender(part: str, value: str) -> str | None:
    """'m' / 'f' / None for one name part via the first-name list, then pytrovich rules."""
    from pytrovich.enums import Gender

    low = _low(value)
    if part == "middlename":
        g = _patronymic_gender(value)
        if g:
            return g
    if part == "firstname":
        g = first_names().get(low)
        if g in ("m", "f"):
            return g
        if g is None:
            g = first_name_genders().get(low)
            if g:
                return g
    if not _CYR.search(low):
        return None
    det = _gender_detector()
    res = det.detect(**{part: low})
    return {Gender.MALE: "m", Gender.FEMALE: "f"}.get(res)


def gender_of(last: str | None, first: str | None, middle: str | None) -> str:
    """Gender hint of a name from its parts: "male", "female" or "unknown".

    A patronymic decides alone; otherwise the first name and the surname must agree (one of
    them may be unknown).

    >>> gender_of("Иванова", None, None), gender_of("Андрейчук", "Саша", None)
    ('female', 'unknown')
    >>> gender_of(None, "Саша", "Олегович"), gender_of("Иванов", "Саша", None)
    ('male', 'male')
    """
    if middle and not _is_initial(middle):
        g = _part_gender("middlename", middle)
        if g:
            return MALE if g == "m" else FEMALE
    votes = set()
    if first and not _is_initial(first):
        g = _part_gender("firstname", first)
        if g:
            votes.add(g)
    if last:
        g = _part_gender("lastname", last)
        if g:
            votes.add(g)
    if len(votes) == 1:
        return MALE if votes.pop() == "m" else FEMALE
    return UNKNOWN
