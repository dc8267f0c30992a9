"""Organization names: legal form extracted and folded, a clean name, a matching key.

``ООО "Ромашка"``, ``Ромашка, ООО``, ``OOO Romashka`` and ``Общество с ограниченной
ответственностью «Ромашка»`` all become the name ``Ромашка`` / ``Romashka`` with legal form
``ООО`` and the same key ``romashka``.

What is done, in order, for each distinct value:

1. Unicode NFKC, quotes (``« » " „ “ ” ' ‘ ’ ‹ ›``) and brackets become spaces, dotted
   abbreviations lose their dots (``L.L.C.`` -> ``LLC``, ``О.О.О.`` -> ``ООО``);
2. spelled-out legal forms are found anywhere (``Общество с ограниченной ответственностью``,
   ``Товариство з обмеженою відповідальністю``, ``Limited Liability Company``, ...);
3. short legal forms (:data:`LEGAL_FORMS`) are taken off the start and the end of the name,
   repeatedly (``Acme Co., Ltd.``); a value that is nothing but legal forms has no name
   (status ``no_name``). Forms that are also common words are only taken where they are
   legal forms: ``АТ``, ``ДП``, ``КП`` at the start, ``Co``, ``Company``, ``Limited``,
   ``KG`` at the end; ``000`` (typed with zeros) is ``ООО`` at the start;
4. the key: every word transliterated to Latin (ICAO for Russian, KMU 2010 for Ukrainian, the
   same tables as names), lower-cased, accents dropped, spelling variants folded
   (``kh``/``h``, ``w``/``v``, doubled letters), stop words (``the``, ``and``, ``и``, ``та``...)
   dropped, words sorted: word order and script do not matter.

The legal form table is our own: `cleanco <https://pypi.org/project/cleanco/>`_ (legal terms of
many countries) was evaluated and covers the Western forms, but for Russia it only knows
``ООО/ОАО/ЗАО/ПАО`` (no ``АО``, ``ИП``, ``НАО``, ``ГУП``/``МУП``), for Ukraine only Latin
transliterations (``tov``, ``fop``, ``pp``: not ``ТОВ``, ``ФОП``, ``ПП``, ``ПрАТ``, ``ПАТ``), nothing
for Belarus (``ОДО``, ``УП``, ``ЧУП``) or Kazakhstan (``ТОО``), no spelled-out Cyrillic forms,
and it strips forms at the end of a name only (``OOO Romashka`` stays as it is). See
``docs/normalize/organizations.md`` for the measurement.

Status codes (``<col>_status``): ``ok``, ``empty``, ``junk``, ``no_name`` (only a legal form,
e.g. ``ООО``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
from rapidfuzz import fuzz

from custdata.errors import InvalidOption
from custdata.frames import as_expr, check_columns, columns_arg, refuse_clashes
from custdata.junk import is_junk
from custdata.normalize._fold import KEY_FOLD, SKELETON_FOLD, SPECIAL_LATIN
from custdata.normalize._org_forms import _LONG_FORMS, _LONG_RE, LEGAL_FORMS
from custdata.normalize._translit import translit_text
from custdata.status import EMPTY, JUNK, OK

__all__ = [
    "LEGAL_FORMS",
    "ORGANIZATION_STATUSES",
    "OrganizationResult",
    "legal_form",
    "organization",
    "organization_details",
    "organization_key",
    "organization_similarity",
    "organizations",
    "parse_organization",
    "split_branch",
    "split_location",
]

NO_NAME = "no_name"
#: Every status code of the organization normalizer.
ORGANIZATION_STATUSES: tuple[str, ...] = (OK, EMPTY, JUNK, NO_NAME)

#: Short forms that are only taken at the start of a name (at the end they are ordinary words).
_START_ONLY = frozenset({"дп", "кп", "ат", "ват"})
#: Short forms that are only taken at the end of a name.
_END_ONLY = frozenset(
    {"co", "company", "limited", "corporation", "pc", "lp", "se", "ug", "kg"}
    | {"ab", "asa", "aps", "spa", "sca", "sl", "kgaa"}
)
#: Forms that are also ordinary words in any case but this one (``S.p.A.`` -> ``SpA``, not a spa).
_CASED = {"spa": frozenset({"SpA", "SPA"})}
#: Digit look-alikes of ``ООО`` typed with zeros; only at the start of a name.
_ZEROS = frozenset({"000"})

_SHORT: dict[str, str] = {}
for _canon, _spellings in LEGAL_FORMS.items():
    for _s in _spellings:
        _SHORT[_s.replace(".", "")] = _canon

#: Words dropped from the key (they do not tell two organizations apart).
STOP_WORDS: frozenset[str] = frozenset(
    {"the", "and", "of", "&", "+", "и", "та", "і", "й", "a", "an"}
)
_CONNECTORS = frozenset({"&", "and", "+", "и", "та", "і"})

_QUOTES = "«»\"„“”‟'‘’‚‛‹›`´〝〞＂"
_QUOTE_RE = re.compile("[" + re.escape(_QUOTES) + r"()\[\]{}<>]")
_DOTTED_RE = re.compile(r"(?<!\w)((?:\w\.){1,}\w)\.?(?!\w)")
_SPLIT_RE = re.compile(r"[\s,;:!?/\\|*#№=~^]+|(?<!\w)[.\-]+|[.\-]+(?!\w)")
_KEY_KEEP_RE = re.compile(r"[^a-z0-9]")
_FOLD_RE = re.compile("|".join(re.escape(a) for a, _ in KEY_FOLD))
_FOLD_MAP = dict(KEY_FOLD)
_DOUBLE_RE = re.compile(r"([a-z])\1+")
# an apostrophe inside a word (``Сім'я``, ``Об’єднання``, ``Macy's``) is part of the word
_APOSTROPHE_RE = re.compile(r"(?<=[^\W\d_])['’ʼ`´]+(?=[^\W\d_])")

#: Words that say a name is one site of an organization, not another organization:
#: ``Ромашка, ООО (филиал Казань)``, ``Acme Inc - Boston branch``, ``Walmart Store #12``.
_BRANCH_WORD_RE = re.compile(
    r"(?:филиал\w*|отделени\w*|подразделени\w*|представительств\w*|обособленн\w*|"
    r"філі[яїюі]\w*|відділенн\w*|представництв\w*|підрозділ\w*|"
    r"branch(?:es)?|office|store|shop|site|location|outlet|division|warehouse|"
    r"магазин\w*|офис\w*|офіс\w*|склад\w*)",
    re.IGNORECASE,
)
_BRACKETS_RE = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
#: A comma or semicolon tail that starts like an address is the organization's location:
#: ``ООО "Ромашка", г. Москва, ул. Ленина 5``, ``Acme, 12 Main St``.
_PLACE_TAIL_RE = re.compile(
    r"\s*[,;]\s*(?=\d|(?:г|м|с|д|ш|пл|пер|пр|ул|вул|бул|наб|обл|пос|пгт|смт|буд|просп|пров|"
    r"st|ave|rd|blvd)\.|(?:город|місто|улица|вулиця|проспект|пр-т|переулок|провулок|бульвар|"
    r"шоссе|площадь|площа|область|р-н|район|село|дом)\s)",
    re.IGNORECASE,
)
#: Latin legal forms that end the name when more words follow (``Adidas AG Adi-Dassler-Str. 1
#: Herzogenaurach``): never ordinary words inside a name. ``Co``, ``Company``, ``Limited``,
#: ``Corporation`` and the like are left out (``Broadcasting Corporation of America``).
_MID_FORMS = frozenset(
    {"llc", "inc", "corp", "ltd", "pty", "plc", "llp", "pllc", "gmbh", "ggmbh", "ag"}
    | {"aktiengesellschaft", "kg", "se", "sa", "sas", "sarl", "srl", "bv", "nv", "oyj", "asa"}
    | {"aps", "kgaa", "spzoo", "sro", "incorporated"}
)
_TAIL_SEP_RE = re.compile(r"\s+[-–—]+\s*|\s*[-–—]+\s+|\s*[,;]\s*")
_BRANCH_NUMBER_RE = re.compile(
    r"\s+(" + _BRANCH_WORD_RE.pattern + r")\s*(?:№|#|no\.?|nr\.?)?\s*(\d+\w*)\s*$", re.IGNORECASE
)
_NUMBER_RE = re.compile(r"№|(?<![^\W\d_])(?:no|nr|n)\.?\s*(?=\d)", re.IGNORECASE)

_STRUCT = pl.Struct(
    {
        "normalized": pl.String,
        "legal_form": pl.String,
        "key": pl.String,
        "status": pl.String,
        "branch": pl.String,
    }
)


@dataclass(frozen=True)
class OrganizationResult:
    """One organization name: clean name, legal form, key (None when there is no name), status,
    and the branch or site descriptor split off the name (``филиал Казань``), if any."""

    normalized: str | None
    legal_form: str | None
    key: str | None
    status: str
    branch: str | None = None


def _is_branch(text: str, *, last_word: bool = False) -> bool:
    words = [w for w in re.split(r"[^\w]+", text) if w and not w.isdigit()]
    if not words:
        return False
    if _BRANCH_WORD_RE.fullmatch(words[0]):
        return True
    return last_word and _BRANCH_WORD_RE.fullmatch(words[-1]) is not None


def split_branch(value: str) -> tuple[str, str | None]:
    """The name without its branch or site descriptor, and the descriptor (None when none).

    A descriptor is a bracketed part or a tail after a dash, comma or semicolon that starts
    with a branch word (``филиал``, ``отделение``, ``філія``, ``branch``, ``office``,
    ``store``...), a last tail that ends with one (``- Boston office``), or a branch word with a
    number at the end (``Store #12``). Nothing is taken when no name would be left.

    >>> split_branch("Ромашка, ООО (филиал Казань)")
    ('Ромашка, ООО', 'филиал Казань')
    >>> split_branch("Acme Inc - Boston office"), split_branch("Walmart Store #12")
    (('Acme Inc', 'Boston office'), ('Walmart', 'Store 12'))
    >>> split_branch("Магазин №5")
    ('Магазин №5', None)
    """
    found: list[str] = []

    def bracket(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        if _is_branch(inner, last_word=True):
            found.append(inner)
            return " "
        return match.group(0)

    def has_name(text: str) -> bool:
        return any(ch.isalnum() for ch in _BRACKETS_RE.sub(" ", text))

    text = _BRACKETS_RE.sub(bracket, value)
    if found and not has_name(text):
        return value, None
    seps = list(_TAIL_SEP_RE.finditer(text))
    for i, sep in enumerate(seps):
        head, tail = text[: sep.start()], text[sep.end() :]
        if has_name(head) and _is_branch(tail, last_word=i == len(seps) - 1):
            found.insert(0, tail.strip())
            text = head
            break
    else:
        match = _BRANCH_NUMBER_RE.search(text)
        if match is not None and has_name(text[: match.start()]):
            found.insert(0, f"{match.group(1)} {match.group(2)}")
            text = text[: match.start()]
    if not found:
        return value, None
    return " ".join(text.split()), "; ".join(found)


def split_location(value: str) -> tuple[str, str | None]:
    """The name without a location written after it, and the location (None when none).

    A location is a comma or semicolon tail that starts like an address: a number (a house,
    a postcode) or an address word (``г.``, ``ул.``, ``вул.``, ``просп.``, ``д.``...). The
    Western form, the location after the legal form without a comma, is read by
    :func:`parse_organization` (``Adidas AG Adi-Dassler-Strasse 1``).

    >>> split_location('ООО "Ромашка", г. Москва, ул. Ленина 5')
    ('ООО "Ромашка"', 'г. Москва, ул. Ленина 5')
    >>> split_location("Acme, 12 Main St"), split_location("Ромашка, ООО")
    (('Acme', '12 Main St'), ('Ромашка, ООО', None))
    """
    match = _PLACE_TAIL_RE.search(value)
    if match is None or not any(ch.isalpha() for ch in value[: match.start()]):
        return value, None
    place = value[match.end() :].strip()
    return (value[: match.start()].strip(), place) if place else (value, None)


def _join_letters(words: list[str]) -> list[str]:
    """Spaced letters of a legal form are one word (``Amadeus S A`` -> ``Amadeus SA``)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and len(words[j]) == 1 and words[j].isalpha():
            j += 1
        joined = "".join(words[i:j])
        if i > 0 and j - i >= 2 and joined.lower() in _SHORT:
            out.append(joined)
            i = j
        else:
            out.append(words[i])
            i += 1
    return out


def _is_form_word(word: str) -> bool:
    low = word.lower()
    return low in _SHORT or low in _CONNECTORS


def _split_after_form(words: list[str]) -> tuple[list[str], list[str]]:
    """Words up to a Latin legal form in the middle of the name, and the words after it."""
    for i in range(1, len(words) - 1):
        if words[i].lower() not in _MID_FORMS:
            continue
        j = i + 1
        while j < len(words) and _is_form_word(words[j]):
            j += 1
        if j < len(words):
            return words[:j], words[j:]
        return words, []
    return words, []


def _undot(match: re.Match[str]) -> str:
    return match.group(1).replace(".", "")


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Words of ``text`` and the canonical legal forms found spelled out in it."""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = _NUMBER_RE.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = _NUMBER_RE.sub(" ", text)
    text = _APOSTROPHE_RE.sub("", text)
    text = _QUOTE_RE.sub(" ", text)
    text = _DOTTED_RE.sub(_undot, text)
    words = [w for w in _SPLIT_RE.split(text) if w and not _only_punct(w)]
    forms: list[str] = []
    # a number sign the split left before a number (``N#0``, ``N/5`` -> ``N 0``): read it too,
    # so that the clean name reads back as itself
    text = " ".join(_NUMBER_RE.sub(" ", " ".join(words)).split())
    while True:
        lowered = text.lower()
        match = _LONG_RE.search(lowered)
        if match is None:
            break
        name = next(k for k, v in match.groupdict().items() if v is not None)
        forms.append(_LONG_FORMS[int(name[1:])][1])
        if len(lowered) == len(text):
            text = text[: match.start()] + " " + text[match.end() :]
        else:  # a letter whose lower case has another length: keep the lower-cased text
            text = lowered[: match.start()] + " " + lowered[match.end() :]
        text = " ".join(text.split())
    return text.split(), forms


def _only_punct(word: str) -> bool:
    return not any(ch.isalnum() or ch in "&+" for ch in word)


def _short_form(word: str, *, at_start: bool) -> str | None:
    low = word.lower().replace(".", "")
    if at_start and low in _ZEROS:
        return "ООО"
    canon = _SHORT.get(low)
    if canon is None:
        return None
    if at_start and low in _END_ONLY:
        return None
    if not at_start and low in _START_ONLY:
        return None
    cased = _CASED.get(low)
    if cased is not None and word.replace(".", "") not in cased:
        return None
    return canon


def _strip_forms(words: list[str]) -> tuple[list[str], list[str]]:
    """Take legal forms (and dangling ``&``/``and``) off both ends, until none is left there."""
    start: list[str] = []
    end: list[str] = []
    changed = True
    while changed and words:
        changed = False
        if words[-1].lower() in _CONNECTORS:
            words = words[:-1]
            changed = True
            continue
        if words[0].lower() in _CONNECTORS:
            words = words[1:]
            changed = True
            continue
        form = _short_form(words[0], at_start=True)
        if form is not None:
            start.append(form)
            words = words[1:]
            changed = True
            continue
        form = _short_form(words[-1], at_start=False)
        if form is not None:
            end.insert(0, form)
            words = words[:-1]
            changed = True
    return words, start + end


def _fold_word(word: str) -> str:
    latin = translit_text(word.lower().replace("ё", "е"))
    latin = "".join(SPECIAL_LATIN.get(ch, ch) for ch in latin)
    latin = unicodedata.normalize("NFKD", latin)
    latin = _KEY_KEEP_RE.sub("", latin)
    for _ in range(3):  # as custdata.normalize._fold.fold_values
        latin = _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group(0)], latin)
    latin = _DOUBLE_RE.sub(r"\1", latin)
    for old, new in SKELETON_FOLD:  # the vowel spellings of я/ю/є/ії (Iuliia, Yuliya, Julia)
        latin = latin.replace(old, new)
    return _DOUBLE_RE.sub(r"\1", latin)


def _key(words: list[str]) -> str | None:
    folded = [_fold_word(w) for w in words if w.lower() not in STOP_WORDS]
    folded = [w for w in folded if w]
    if not folded:
        folded = [w for w in (_fold_word(w) for w in words) if w]
    return " ".join(sorted(set(folded))) or None


@lru_cache(maxsize=65536)
def parse_organization(value: str | None) -> OrganizationResult:
    """Read one organization name; never raises on a bad value.

    >>> parse_organization('ООО "Ромашка"')
    OrganizationResult(normalized='Ромашка', legal_form='ООО', key='romashka', status='ok', branch=None)
    >>> r = parse_organization("Ромашка, ООО (филиал Казань)")
    >>> r.key, r.legal_form, r.branch
    ('romashka', 'ООО', 'филиал Казань')
    >>> parse_organization("Общество с ограниченной ответственностью «Ромашка»").key
    'romashka'
    >>> parse_organization("Acme Co., Ltd.")
    OrganizationResult(normalized='Acme', legal_form='CO LTD', key='acme', status='ok', branch=None)
    >>> parse_organization("ТОВ").status
    'no_name'
    """
    if value is None or not str(value).strip():
        return OrganizationResult(None, None, None, EMPTY)
    text = str(value)
    if is_junk(text):
        return OrganizationResult(None, None, None, JUNK)
    text, branch = split_branch(text)
    text, place = split_location(text)
    words, long_forms = _tokens(text)
    words, after = _split_after_form(_join_letters(words))
    if after:
        place = " ".join([*after, place] if place else after)
    if place:
        branch = f"{branch}; {place}" if branch else place
    if not words:
        form = " ".join(long_forms) or None
        return OrganizationResult(None, form, None, NO_NAME if form else JUNK, branch)
    words, short_forms = _strip_forms(words)
    forms = long_forms + [f for f in short_forms if f not in long_forms]
    key = _key(words)
    if key is not None and is_junk(" ".join(words)):
        return OrganizationResult(None, " ".join(forms) or None, None, JUNK, branch)
    if key is None:
        return OrganizationResult(None, " ".join(forms) or None, None, NO_NAME, branch)
    return OrganizationResult(" ".join(words), " ".join(forms) or None, key, OK, branch)


def _struct_values(values: pl.Series) -> pl.Series:
    uniques = values.cast(pl.String).unique()
    parsed = [parse_organization(v) for v in uniques.to_list()]
    table = pl.DataFrame(
        {
            "__v": uniques,
            "__r": pl.Series(
                [
                    {
                        "normalized": r.normalized,
                        "legal_form": r.legal_form,
                        "key": r.key,
                        "status": r.status,
                        "branch": r.branch,
                    }
                    for r in parsed
                ],
                dtype=_STRUCT,
            ),
        }
    )
    joined = (
        values.cast(pl.String)
        .to_frame("__v")
        .join(table, on="__v", how="left", nulls_equal=True, maintain_order="left")
    )
    return joined["__r"].alias(values.name)


def organization_details(column: str | pl.Expr) -> pl.Expr:
    """Struct expression (normalized, legal_form, key, status), computed once per distinct value.

    >>> df = pl.DataFrame({"org": ["ТОВ «Сонечко»", "Sonechko LLC", None]})
    >>> df.select(organization_details("org").struct.field("key"))["key"].to_list()
    ['sonechko', 'sonechko', None]
    """
    return as_expr(column).map_batches(_struct_values, return_dtype=_STRUCT, is_elementwise=True)


def _named(expr: pl.Expr, column: str | pl.Expr) -> pl.Expr:
    return expr.alias(column) if isinstance(column, str) else expr


def organization(column: str | pl.Expr) -> pl.Expr:
    """The name without its legal form, quotes and stray punctuation; null when there is none.

    >>> pl.DataFrame({"c": ["Ромашка, ООО", "Siemens AG"]}).select(organization("c"))["c"].to_list()
    ['Ромашка', 'Siemens']
    """
    return _named(organization_details(column).struct.field("normalized"), column)


def legal_form(column: str | pl.Expr) -> pl.Expr:
    """The canonical legal form(s) (``ООО``, ``ТОВ``, ``LLC``, ``CO LTD``...) or null.

    >>> pl.DataFrame({"c": ["OOO Romashka", "Иванов И.И., ИП", "Google"]}).select(legal_form("c"))["c"].to_list()
    ['ООО', 'ИП', None]
    """
    return _named(organization_details(column).struct.field("legal_form"), column)


def organization_key(column: str | pl.Expr) -> pl.Expr:
    """Matching key: folded Latin words of the name, legal form and stop words dropped, sorted.

    >>> df = pl.DataFrame({"c": ["ООО «Ромашка Плюс»", "Romashka Plus LLC", "The Plus & Romashka"]})
    >>> df.select(organization_key("c"))["c"].to_list()
    ['plus romashka', 'plus romashka', 'plus romashka']
    """
    return _named(organization_details(column).struct.field("key"), column)


def organization_similarity(a: str | None, b: str | None) -> float | None:
    """Token-set similarity (0..1) of two organization names over their keys; None if either
    has no name.

    >>> organization_similarity('ООО "Ромашка"', "Romashka LLC")
    1.0
    >>> round(organization_similarity("Ромашка Плюс", "Ромашка"), 2)
    1.0
    >>> organization_similarity("Ромашка", "Лютик") < 0.5
    True
    """
    ka, kb = parse_organization(a).key, parse_organization(b).key
    if ka is None or kb is None:
        return None
    return fuzz.token_set_ratio(ka, kb) / 100.0


@refuse_clashes
def organizations(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: str | Iterable[str],
    *,
    in_place: bool = False,
) -> pl.DataFrame | pl.LazyFrame:
    """Add ``<col>_normalized``, ``<col>_legal_form``, ``<col>_branch`` (a branch or site
    descriptor split off the name, e.g. ``филиал Казань``), ``<col>_key`` and ``<col>_status``.

    With ``in_place=True`` the clean name replaces the original where there is one.

    >>> df = pl.DataFrame({"Контрагент": ['ООО "Ромашка"', "OOO Romashka", "нет"]})
    >>> organizations(df, "Контрагент").select("Контрагент_key", "Контрагент_status").rows()
    [('romashka', 'ok'), ('romashka', 'ok'), (None, 'junk')]
    """
    cols = columns_arg(columns)
    check_columns(frame, cols)
    if not isinstance(in_place, bool):
        raise InvalidOption("in_place must be True or False")
    out = frame
    for col in cols:
        tmp = f"__{col}_org"
        out = out.with_columns(organization_details(pl.col(col).cast(pl.String)).alias(tmp))
        field = pl.col(tmp).struct.field
        added = [
            field("legal_form").alias(f"{col}_legal_form"),
            field("branch").alias(f"{col}_branch"),
            field("key").alias(f"{col}_key"),
            field("status").alias(f"{col}_status"),
        ]
        if in_place:
            added.append(pl.coalesce(field("normalized"), pl.col(col).cast(pl.String)).alias(col))
        else:
            added.append(field("normalized").alias(f"{col}_normalized"))
        out = out.with_columns(added).drop(tmp)
    order = [c for c in _column_order(out, cols, in_place)]
    return out.select(order)


_ADDED = ("legal_form", "branch", "key", "status")


def _column_order(frame: pl.DataFrame | pl.LazyFrame, cols: list[str], in_place: bool) -> list[str]:
    names = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
    added = {f"{c}_{s}" for c in cols for s in ("normalized", *_ADDED)}
    out: list[str] = []
    for name in names:
        if name in added:
            continue
        out.append(name)
        if name in cols:
            suffixes = _ADDED if in_place else ("normalized", *_ADDED)
            out += [f"{name}_{s}" for s in suffixes]
    return out
