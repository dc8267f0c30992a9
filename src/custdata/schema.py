"""Find which columns hold phones, emails, names, birth dates, ... from headers and values.

Headers are matched in English, Russian and Ukrainian ("Телефон", "Моб. тел.", "E-mail",
"Эл. почта", "ФИО", "Прізвище", "Дата рождения", ...). Columns whose header says nothing are
classified from a sample of their values. The user can always name columns explicitly.

>>> import polars as pl
>>> detect_columns(pl.DataFrame({"ФИО": ["Иванов Иван"], "Моб. тел.": ["8 912 345-67-89"],
...                              "notes": ["ivan@mail.ru"]}))
{'full_name': ['ФИО'], 'phone': ['Моб. тел.'], 'email': ['notes']}
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

#: The kinds of column custdata knows, in the order they are reported.
KINDS: tuple[str, ...] = (
    "id",
    "full_name",
    "last_name",
    "first_name",
    "middle_name",
    "phone",
    "email",
    "birth_date",
    "gender",
    "city",
    "address",
    "date",
)

# Header patterns per kind, checked in order (the first kind that matches wins). They are
# matched against the header lower-cased with punctuation turned into spaces.
_HEADER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "email",
        re.compile(
            r"\b(e ?mail|email address|mail|эл почта|электронная почта|почта|емейл|емайл|имейл|ел пошта|електронна пошта|пошта)\b"
        ),
    ),
    (
        "phone",
        re.compile(
            r"(phone|mobile|\bmob\b|\bcell|\btel\b|telephone|телефон|\bтел\b|моб|сотов|номер тел|контактный номер|whatsapp|viber)"
        ),
    ),
    (
        "birth_date",
        re.compile(r"(birth|\bdob\b|\bbday|дата рожд|день рожд|д р\b|др\b|дата народж|народжен)"),
    ),
    ("middle_name", re.compile(r"(middle ?name|patronymic|отчество|по батькові|по батькови)")),
    ("last_name", re.compile(r"(last ?name|surname|family ?name|фамилия|прізвище|призвище)")),
    (
        "first_name",
        re.compile(r"(first ?name|given ?name|forename|^name first|^имя$|^имя |ім я|^імя|^ім'я)"),
    ),
    (
        "full_name",
        re.compile(
            r"(full ?name|customer ?name|client ?name|contact ?name|^name$|^names?$|фио|ф и о|^клиент$|^покупатель$|^контрагент$|^піб$|п і б|^имя клиента|^ім я клієнта|^клієнт$)"
        ),
    ),
    ("gender", re.compile(r"(gender|^sex$|^пол$|^стать$|^пол клиента)")),
    ("city", re.compile(r"(^city|town|город|^місто|населенный пункт|населений пункт)")),
    ("address", re.compile(r"(address|street|адрес|адреса|улица|вулиця)")),
    (
        "id",
        re.compile(
            r"(^id$|_id$|^id |customer ?id|client ?id|код|^номер клиента|^№$|идентификатор|ідентифікатор|^инн$|^іпн$|^рнокпп$|^uuid$|^guid$|account)"
        ),
    ),
    ("date", re.compile(r"(date|created|registered|updated|дата|регистрац|реєстрац)")),
]

_EMAIL_RE = r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"
_PHONE_RE = r"^[\s+()\-.\d]*\d[\s()\-.\d]{5,}\d[\s()\-.\d]*(\s*(доб|ext|x)\.?\s*\d+)?\s*$"
_DATE_RE = r"^\s*(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}([ T].*)?)\s*$"
_NAME_RE = r"^\s*[A-Za-zА-Яа-яЁёІіЇїЄєҐґ'’.\-]+(\s+[A-Za-zА-Яа-яЁёІіЇїЄєҐґ'’.\-]+){1,3}\s*$"


def _header_key(name: str) -> str:
    return re.sub(r"[\s_.\-/:]+", " ", name.strip().lower()).strip()


def kind_from_header(name: str) -> str | None:
    """The kind a header names, or None.

    >>> kind_from_header("Эл. почта"), kind_from_header("Дата народження"), kind_from_header("notes")
    ('email', 'birth_date', None)
    """
    from custdata.normalize.consent import consent_columns

    if consent_columns([name]):  # "email_opt_in" is a consent, not an email
        return "consent"
    key = _header_key(name)
    for kind, pattern in _HEADER_PATTERNS:
        if pattern.search(key):
            return kind
    return None


def kind_from_values(values: pl.Series) -> str | None:
    """Guess a column's kind from a sample of its values (70% of non-empty cells must agree).

    >>> kind_from_values(pl.Series(["+7 912 345-67-89", "8(913)1234567", None]))
    'phone'
    """
    from custdata.normalize.gender import GENDER_WORDS  # the one list of gender words

    s = values.cast(pl.String).drop_nulls().str.strip_chars()
    s = s.filter(s != "").head(500)
    if s.len() == 0:
        return None
    share = {
        "email": s.str.contains(_EMAIL_RE).mean(),
        "phone": s.str.contains(_PHONE_RE).mean(),
        "birth_date": s.str.contains(_DATE_RE).mean(),
        "gender": s.str.to_lowercase().is_in(list(GENDER_WORDS)).mean(),
        "full_name": s.str.contains(_NAME_RE).mean(),
    }
    # In priority order: "31.12.1985" also looks like a phone, so dates are tried first.
    for kind in ("email", "birth_date", "gender", "phone", "full_name"):
        if (share[kind] or 0.0) >= 0.7:
            # a date column without a telling header is not assumed to be a birth date
            return "date" if kind == "birth_date" else kind
    return None


#: Suffixes of the columns custdata's normalizers and dedupe add next to an original column.
DERIVED_SUFFIXES: tuple[str, ...] = (
    "_e164",
    "_status",
    "_type",
    "_region",
    "_national",
    "_international",
    "_extension",
    "_extra",
    "_valid",
    "_possible",
    "_normalized",
    "_key",
    "_suggestion",
    "_disposable",
    "_role",
    "_clean",
    "_last",
    "_first",
    "_middle",
    "_gender",
    "_iso",
    "_code",
    "_last_key",
    "_first_key",
    "_middle_key",
    "_all",
    "_source_row",
    "_legal_form",
    "_postcode",
    "_street",
    "_street_type",
    "_house",
    "_building",
    "_flat",
    "_house_key",
    "_city",
)


def is_derived(column: str, columns: set[str] | list[str]) -> bool:
    """True for a column a normalizer added next to an original (``tel_e164`` beside ``tel``).

    >>> is_derived("tel_e164", {"tel", "tel_e164"}), is_derived("tel_e164", {"tel_e164"})
    (True, False)
    """
    present = set(columns)
    return any(column.endswith(sfx) and column[: -len(sfx)] in present for sfx in DERIVED_SUFFIXES)


def detect_columns(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    overrides: Mapping[str, str | list[str]] | None = None,
) -> dict[str, list[str]]:
    """Map each kind found to its columns, headers first, then values for unnamed columns.

    ``overrides`` (kind -> column or columns) replaces detection for those kinds.

    >>> detect_columns(pl.DataFrame({"customer_id": ["1"], "Phone": ["+1 202 555 0100"]}))
    {'id': ['customer_id'], 'phone': ['Phone']}
    """
    if isinstance(frame, pl.LazyFrame):
        frame = frame.head(500).collect()
    found: dict[str, list[str]] = {}
    names = set(frame.columns)
    for column in frame.columns:
        if is_derived(column, names):
            continue
        kind = kind_from_header(column)
        dtype = frame.schema[column]
        if kind is None and dtype == pl.String:
            kind = kind_from_values(frame[column].head(500))
        if kind is not None:
            found.setdefault(kind, []).append(column)
    for kind, cols in (overrides or {}).items():
        found[kind] = [cols] if isinstance(cols, str) else list(cols)
    return {k: found[k] for k in KINDS if k in found} | {
        k: v for k, v in found.items() if k not in KINDS
    }


#: The column name each kind gets when sources with different headers are stacked.
CANONICAL_NAMES: dict[str, str] = {
    "id": "source_id",
    "full_name": "full_name",
    "last_name": "last_name",
    "first_name": "first_name",
    "middle_name": "middle_name",
    "phone": "phone",
    "email": "email",
    "birth_date": "birth_date",
    "gender": "gender",
    "city": "city",
    "address": "address",
    "date": "updated_at",
}


def unify_sources(
    frames: Mapping[str, pl.DataFrame],
    *,
    source_column: str = "source",
    row_column: str = "source_row",
) -> pl.DataFrame:
    """Stack tables from different sources, renaming detected columns to one vocabulary.

    Each table's first column of a kind gets the canonical name (``phone``, ``email``,
    ``full_name``, ``first_name``, ..., ``source_id`` for ids, ``updated_at`` for other
    dates); further columns of the same kind get ``_2``, ``_3``; undetected columns keep
    their header. ``source`` names the input and ``source_row`` its 1-based row number, so
    every output row can be traced back. All columns are cast to text before stacking.

    >>> crm = pl.DataFrame({"ФИО": ["Иванов Иван"], "Телефон": ["8 912 345 67 89"]})
    >>> shop = pl.DataFrame({"first_name": ["Ivan"], "phone": ["+79123456789"]})
    >>> unify_sources({"crm": crm, "shop": shop}).columns
    ['source', 'source_row', 'full_name', 'phone', 'first_name']
    """
    parts = []
    for source, frame in frames.items():
        kinds = detect_columns(frame)
        rename: dict[str, str] = {}
        for kind, cols in kinds.items():
            if kind == "consent":  # the header says the channel: keep it
                continue
            base = CANONICAL_NAMES.get(kind, kind)
            for i, col in enumerate(cols):
                rename[col] = base if i == 0 else f"{base}_{i + 1}"
        taken = set(rename.values())
        for col in frame.columns:  # an undetected column must not collide with a canonical name
            if col not in rename and col in taken:
                rename[col] = f"{col}_{source}"
        part = frame.rename(rename).with_columns(pl.all().cast(pl.String))
        part = part.select(
            pl.lit(source).alias(source_column),
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(row_column),
            pl.all(),
        )
        parts.append(part)
    if not parts:
        return pl.DataFrame(
            {source_column: [], row_column: []},
            schema={source_column: pl.String, row_column: pl.Int64},
        )
    return pl.concat(parts, how="diagonal")


#: Header words of tax-number columns: ИНН, ІПН, ОГРН, ЄДРПОУ/ЕДРПОУ, РНОКПП, УНП and Latin spellings.
TAX_ID_HEADER = re.compile(r"(?i)инн|іпн|огрн|єдрпоу|едрпоу|рнокпп|унп|\binn\b|edrpou|ogrn")


def tax_id_columns(columns: list[str]) -> list[str]:
    """The columns whose header names a tax number (ИНН, ОГРН, ЄДРПОУ, РНОКПП, УНП), in order.

    >>> tax_id_columns(["Код клиента", "ИНН", "ЄДРПОУ", "inn_2", "phone"])
    ['ИНН', 'ЄДРПОУ']
    """
    return [c for c in columns if TAX_ID_HEADER.search(c)]
