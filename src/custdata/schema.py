"""Find which columns hold phones, emails, names, birth dates, ... from headers and values.

Headers are matched in English, Russian and Ukrainian ("Телефон", "Моб. тел.", "E-mail",
"Эл. почта", "ФИО", "Прізвище", "Дата рождения", "Компания", "Контрагент", ...). Columns whose
header says nothing are classified from a sample of their values: organization names (legal
forms, quotes, words like school, center, центр, магазин) are never taken for a person's name, a
fax is not a phone, digits written without any phone-like form are not phones, and code-like
high-cardinality columns are reported as identifier *candidates* (:func:`detect`), never used
until named. The user can always name columns explicitly.

>>> import polars as pl
>>> detect_columns(pl.DataFrame({"ФИО": ["Иванов Иван"], "Моб. тел.": ["8 912 345-67-89"],
...                              "notes": ["ivan@mail.ru"]}))
{'full_name': ['ФИО'], 'phone': ['Моб. тел.'], 'email': ['notes']}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

#: The kinds of column custdata knows, in the order they are reported.
KINDS: tuple[str, ...] = (
    "id",
    "tax_id",
    "org_name",
    "full_name",
    "last_name",
    "first_name",
    "middle_name",
    "phone",
    "email",
    "birth_date",
    "gender",
    "postcode",
    "city",
    "address",
    "date",
)

#: Kinds that are reported by :func:`detect` but never used for matching or returned by
#: :func:`detect_columns`: a fax number (not a way to reach a person, often shared by an office)
#: and columns that look like identifiers (high cardinality, code-like values) without a header
#: that says so: the user decides (``-k id=COLUMN``).
REPORTED_ONLY: tuple[str, ...] = ("fax", "id_candidate")

# Header patterns per kind, checked in order (the first kind that matches wins). They are
# matched against the header lower-cased with punctuation turned into spaces.
_HEADER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("fax", re.compile(r"(\bfax|факс|телефакс)")),
    (
        "email",
        re.compile(
            r"\b(e ?mail|email address|mail|эл почта|электронная почта|почта|емейл|емайл|имейл"
            r"|ел пошта|електронна пошта|пошта)\b"
        ),
    ),
    (
        "phone",
        re.compile(
            r"(phone|mobile|\bmob\b|\bcell|\btel\b|telephone|телефон|\bтел\b|моб|сотов|номер тел"
            r"|контактный номер|whatsapp|viber)"
        ),
    ),
    (
        "birth_date",
        re.compile(r"(birth|\bdob\b|\bbday|дата рожд|день рожд|д р\b|др\b|дата народж|народжен)"),
    ),
    (
        "tax_id",
        re.compile(
            r"(\bssn\b|soc sec|social security|\bnpi\b|\bein\b|\btin\b|tax ?id|\bvat\b|passport"
            r"|^инн\b|\bинн$|\bинн\b|огрн|єдрпоу|едрпоу|егрпоу|edrpou|\binn\b|\bунп\b|\bunp\b"
            r"|рнокпп|\bіпн\b|\bипн\b|паспорт|снилс)"
        ),
    ),
    ("id", re.compile(r"(^id$|\bid$|^id\b|\bids$|\buuid\b|\bguid\b)")),
    ("middle_name", re.compile(r"(middle ?name|patronymic|отчество|по батькові|по батькови)")),
    ("last_name", re.compile(r"(last ?name|surname|family ?name|фамилия|прізвище|призвище)")),
    (
        "first_name",
        re.compile(r"(first ?name|given ?name|forename|^name first|^имя$|^имя |ім я|^імя|^ім'я)"),
    ),
    (
        "org_name",
        re.compile(
            r"(compan|organi[sz]ation|^org$|\borg name|agency|^site$|site name|school|facility"
            r"|employer|business|\bfirm\b|vendor|supplier|provider name|merchant|legal name"
            r"|агентств|организац|компани|контрагент|наименовани|назва|фирм|фірм|предприяти"
            r"|підприєм|юр лиц|юрлиц|поставщик|постачальник|учреждени|установа|заклад)"
        ),
    ),
    (
        "full_name",
        re.compile(
            r"(full ?name|customer ?name|client ?name|contact ?name|^name$|^names?$|фио|ф и о"
            r"|^клиент$|^покупатель$|^піб$|п і б|^имя клиента|^ім я клієнта|^клієнт$)"
        ),
    ),
    ("gender", re.compile(r"(gender|^sex$|^пол$|^стать$|^пол клиента)")),
    (
        "postcode",
        re.compile(
            r"(post ?code|postal ?code|^zip|zip ?code|\bzip$|^индекс|почтовый индекс"
            r"|поштовий індекс|^індекс)"
        ),
    ),
    ("city", re.compile(r"(^city|town|город|^місто|населенный пункт|населений пункт)")),
    ("address", re.compile(r"(address|street|адрес|адреса|улица|вулиця)")),
    (
        "id",
        re.compile(
            r"(customer ?id|client ?id|код|^номер клиента|^№$|идентификатор|ідентифікатор|account)"
        ),
    ),
    ("date", re.compile(r"(date|created|registered|updated|дата|регистрац|реєстрац)")),
]

# A header that names one of these kinds but also says it is *about* the value (its type,
# status, count, consent, ...) is not the value itself: "email type", "phone status",
# "company code" are left to the later patterns and to the values.
_ABOUT_RE = re.compile(
    r"\b(type|types|kind|status|method|consent|opt|optin|opt in|verified|valid|flag|count|code"
    r"|service|preference|тип|вид|статус|способ|согласие|код|признак|количество)\b"
)
_CONTENT_KINDS = frozenset({"email", "phone", "fax", "org_name", "address", "city", "full_name"})
# "program name", "product name": names, but not of a person (values are not read as names)
_NOT_PERSON_RE = re.compile(
    r"(program|programme|product|service|project|event|campaign|brand|plan|course|item|file"
    r"|user|login|domain|host|street|city|country|state|region|district|model|category|group"
    r"|программ|продукт|услуг|товар|проект|мероприят|послуг|проєкт) ?name|назван|название"
)

_EMAIL_RE = r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"
_PHONE_RE = r"^[\s+()\-.\d]*\d[\s()\-.\d]{5,}\d[\s()\-.\d]*(\s*(доб|ext|x)\.?\s*\d+)?\s*$"
# written like a phone: a "+", brackets, separators between digit groups, or 10-15 digits
_PHONE_LOOK_RE = r"(^\s*\+|\(|\d[\s\-.]\d)"
_DATE_RE = r"^\s*(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}([ T].*)?)\s*$"
_NAME_RE = r"^\s*[A-Za-zА-Яа-яЁёІіЇїЄєҐґ'’.\-]+(\s+[A-Za-zА-Яа-яЁёІіЇїЄєҐґ'’.\-]+){1,3}\s*$"
_CODE_RE = r"^[\p{L}\p{N}_\-/.:#]+$"
# Matched against lower-cased values. Word edges are written as explicit character classes:
# a Unicode \b makes the regex engine fall back to a much slower matcher.
_EDGE_L = r"(?:^|[^\p{L}\p{N}])"
_EDGE_R = r"(?:$|[^\p{L}\p{N}])"
_ORG_WORDS = (
    "school|schools|center|centre|program|programs|services|agency|association|church|hospital"
    "|clinic|academy|college|university|institute|district|department|council|foundation"
    "|society|bank|store|shop|market|restaurant|cafe|hotel|company|partners|solutions|systems"
    "|group|club|community|ministries|library|museum|theatre|theater|studio|salon|pharmacy"
    "|office|headquarters|центр|магазин|школа|гимназия|лицей|колледж|университет|институт"
    "|больница|поликлиника|клиника|аптека|банк|завод|фабрика|компания|группа|агентство|салон"
    "|кафе|ресторан|гостиница|отель|управление|департамент|фонд|ассоциация|сервис|студия|склад"
    "|филиал|торговый|детский сад|садок|ліцей|гімназія|лікарня|компанія|група|агенція"
    "|підприємство|предприятие|заклад|установа|коледж|університет"
)
_ORG_FORMS = (
    "ооо|оао|зао|пао|ао|ип|тов|фоп|пп|прат|пат|тоо|одо|чуп|уп|ooo|llc|inc|ltd|corp|gmbh|plc"
    "|llp|ag|co|se|sa|nv|n\\.? ?v|s\\.? ?a|s\\.? ?p\\.? ?a|sas|s\\.? ?a\\.? ?s|oyj|oy|ab|asa|kgaa"
    "|bv|srl|sarl|aktiengesellschaft|corporation|holding|group"
)
_ORG_RE = rf"{_EDGE_L}(?:{_ORG_FORMS})\.?(?:$|[\s,\"»)])|[«»„“]|{_EDGE_L}(?:{_ORG_WORDS}){_EDGE_R}"
_ADDRESS_RE = (
    r"(?:^|[\s,])(?:ул|улица|вул|вулиця|пр-т|просп|проспект|пер|переулок|провулок|бул|бульвар"
    r"|наб|набережная|шоссе|мкр|д|дом|буд|кв)\.?\s*[\p{L}\p{N}]"
    r"|^\s*\d+\p{L}?\s+.*\s(?:st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane"
    r"|ct|court|way|pl|place|hwy|highway|pkwy|parkway|sq|square)(?:$|[^\p{L}\p{N}])"
)
#: share of non-empty sampled cells that must agree for a kind to be read from values
_SHARE = 0.7
#: an identifier candidate: this share of distinct values (in a sample of at least 20)
_ID_DISTINCT = 0.9
_SAMPLE = 500
_MAX_CELLS = 300_000


def _header_key(name: str) -> str:
    return re.sub(r"[\s_.\-/:]+", " ", name.strip().lower()).strip()


def kind_from_header(name: str) -> str | None:
    """The kind a header names, or None.

    >>> kind_from_header("Эл. почта"), kind_from_header("Дата народження"), kind_from_header("notes")
    ('email', 'birth_date', None)
    >>> kind_from_header("Provider ID"), kind_from_header("Fax"), kind_from_header("Site Name")
    ('id', 'fax', 'org_name')
    >>> kind_from_header("Email type"), kind_from_header("zip")
    (None, 'postcode')
    """
    from custdata.normalize.consent import consent_columns

    if consent_columns([name]):  # "email_opt_in" is a consent, not an email
        return "consent"
    key = _header_key(name)
    about = _ABOUT_RE.search(key) is not None
    for kind, pattern in _HEADER_PATTERNS:
        if about and kind in _CONTENT_KINDS:
            continue
        if pattern.search(key):
            return kind
    return None


def _shares(long: pl.LazyFrame) -> pl.LazyFrame:
    """Per column (``c``) of a long frame of non-empty text values (``v``): the share of
    values that look like each kind, the distinct share and the sample size."""
    from custdata.normalize.gender import GENDER_WORDS  # the one list of gender words

    v, low = pl.col("v"), pl.col("_low")
    digits = v.str.len_chars() - v.str.replace_all(r"\d", "").str.len_chars()
    phone = v.str.contains(_PHONE_RE) & (v.str.contains(_PHONE_LOOK_RE) | digits.is_between(10, 15))
    long = long.with_columns(v.str.to_lowercase().alias("_low"))
    return long.group_by("c").agg(
        n=pl.len(),
        distinct=v.n_unique() / pl.len(),
        email=v.str.contains(_EMAIL_RE).mean(),
        phone=phone.mean(),
        birth_date=v.str.contains(_DATE_RE).mean(),
        gender=low.is_in(list(GENDER_WORDS)).mean(),
        full_name=v.str.contains(_NAME_RE).mean(),
        org_name=low.str.contains(_ORG_RE).mean(),
        address=low.str.contains(_ADDRESS_RE).mean(),
        code=(
            v.str.contains(_CODE_RE) & v.str.contains(r"\d") & v.str.len_chars().is_between(2, 40)
        ).mean(),
    )


def _kind_from_shares(row: dict, *, person_ok: bool = True) -> tuple[str | None, bool]:
    """(kind, is an identifier candidate) from one row of :func:`_shares`."""
    share = {k: (row.get(k) or 0.0) for k in row}
    # In priority order: "31.12.1985" also looks like a phone, so dates are tried first.
    for kind in ("email", "birth_date", "gender", "phone"):
        if share[kind] >= _SHARE:
            # a date column without a telling header is not assumed to be a birth date
            return ("date" if kind == "birth_date" else kind), False
    if share["address"] >= 0.5:
        return "address", False
    if share["org_name"] >= 0.3:
        return "org_name", False
    if person_ok and share["full_name"] >= _SHARE and share["org_name"] < 0.1:
        return "full_name", False
    if row["n"] >= 20 and share["distinct"] >= _ID_DISTINCT and share["code"] >= 0.9:
        return None, True
    return None, False


def kind_from_values(values: pl.Series) -> str | None:
    """Guess a column's kind from a sample of its values (70% of non-empty cells must agree).

    Digits without any phone-like writing (no ``+``, brackets or separators, fewer than 10
    digits) are not phones: ``1234567`` is more likely an identifier.

    >>> kind_from_values(pl.Series(["+7 912 345-67-89", "8(913)1234567", None]))
    'phone'
    >>> kind_from_values(pl.Series(["1234567", "2345678"])) is None
    True
    >>> kind_from_values(pl.Series(['ООО "Ромашка"', "Head Start Center", "ТОВ Сонечко"]))
    'org_name'
    """
    s = values.cast(pl.String).drop_nulls().str.strip_chars()
    s = s.filter(s != "").head(_SAMPLE)
    if s.len() == 0:
        return None
    rows = _shares(pl.LazyFrame({"c": pl.repeat(0, s.len(), eager=True), "v": s})).collect()
    return _kind_from_shares(rows.row(0, named=True))[0]


@dataclass(frozen=True)
class DetectedColumn:
    """One column and what detection made of it.

    ``source`` is ``"header"``, ``"values"`` or ``"given"`` (named by the user); ``used`` is
    False for kinds that are only reported (:data:`REPORTED_ONLY`).
    """

    column: str
    kind: str
    source: str

    @property
    def used(self) -> bool:
        """True when matching and normalizing use this column."""
        return self.kind not in REPORTED_ONLY


@dataclass(frozen=True)
class Detection:
    """The result of :func:`detect`: every detected column, in table order (given ones first)."""

    columns: tuple[DetectedColumn, ...] = field(default_factory=tuple)

    def kinds(self) -> dict[str, list[str]]:
        """Kind -> columns, for the used kinds (the form :func:`detect_columns` returns)."""
        found: dict[str, list[str]] = {}
        for d in self.columns:
            if d.used:
                found.setdefault(d.kind, []).append(d.column)
        return {k: found[k] for k in KINDS if k in found} | {
            k: v for k, v in found.items() if k not in KINDS
        }

    def of(self, column: str) -> DetectedColumn | None:
        """What was detected for one column, or None.

        >>> detect(pl.DataFrame({"Fax": ["+1 202 555 0100"]})).of("Fax")
        DetectedColumn(column='Fax', kind='fax', source='header')
        """
        return next((d for d in self.columns if d.column == column), None)

    def describe(self) -> list[str]:
        """One line per detected column: ``column: kind (from header|values|given)``.

        >>> detect(pl.DataFrame({"Компания": ['ООО "Ромашка"'], "x": ["a@b.ru"]})).describe()
        ['Компания: org_name (header)', 'x: email (values)']
        """
        out = []
        for d in self.columns:
            note = "" if d.used else ", reported only, not used for matching"
            if d.kind == "id_candidate":
                note = ", looks like an identifier: name it with -k id=COLUMN to use it"
            out.append(f"{d.column}: {d.kind} ({d.source}{note})")
        return out


def _is_derived(column: str, present: set[str]) -> bool:
    return any(column.endswith(sfx) and column[: -len(sfx)] in present for sfx in DERIVED_SUFFIXES)


def detect(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    overrides: Mapping[str, str | list[str]] | None = None,
) -> Detection:
    """Say which column is which kind, and whether from its header or its values.

    Headers are read first; the values of the remaining text columns (a sample of 500 rows)
    are read in one pass over all columns (linear in the number of columns). Columns a
    normalizer added (``tel_e164`` beside ``tel``) are skipped. ``overrides`` (kind -> column
    or columns) replaces detection for those kinds and for those columns.

    >>> det = detect(pl.DataFrame({"Site Name": ["Head Start Center"], "Fax": ["212 555 0100"],
    ...                            "Phone": ["212 555 0199"], "x": ["a@b.ru"]}))
    >>> det.kinds()
    {'org_name': ['Site Name'], 'phone': ['Phone'], 'email': ['x']}
    >>> [(d.column, d.kind, d.source) for d in det.columns][1:]
    [('Fax', 'fax', 'header'), ('Phone', 'phone', 'header'), ('x', 'email', 'values')]
    """
    if isinstance(frame, pl.LazyFrame):
        frame = frame.head(_SAMPLE).collect()
    schema = frame.schema  # looked up once: per column it is quadratic on wide tables
    names = frame.columns
    present = set(names)
    given: dict[str, str] = {}
    for named_kind, cols in (overrides or {}).items():
        for c in [cols] if isinstance(cols, str) else list(cols):
            given[c] = named_kind
    given_kinds = set(given.values())
    found: dict[str, DetectedColumn] = {}
    by_values: list[str] = []
    not_person: set[str] = set()
    # a person's name by its header ("name") that holds organizations by its values
    header_person: set[str] = set()
    for column in names:
        if column in given or _is_derived(column, present):
            continue
        kind = kind_from_header(column)
        if kind is not None:
            found[column] = DetectedColumn(column, kind, "header")
            if kind == "full_name" and schema[column] == pl.String:
                by_values.append(column)
                header_person.add(column)
            continue
        dtype = schema[column]
        if dtype == pl.String or dtype.is_integer():
            by_values.append(column)
            if _NOT_PERSON_RE.search(_header_key(column)):
                not_person.add(column)
    if by_values:
        # at most about 300,000 cells in all: fewer sampled rows on very wide tables
        rows = max(30, min(_SAMPLE, _MAX_CELLS // len(by_values)))
        sample = frame.head(rows).select(by_values)
        long = (
            sample.lazy()
            .select(pl.all().cast(pl.String))
            .unpivot(variable_name="c", value_name="v")
            .with_columns(pl.col("v").str.strip_chars())
            .filter(pl.col("v").is_not_null() & (pl.col("v") != ""))
        )
        for row in _shares(long).collect().iter_rows(named=True):
            column = row["c"]
            kind, candidate = _kind_from_shares(row, person_ok=column not in not_person)
            if column in header_person:  # the header said a person: the values must outvote it
                if (row.get("org_name") or 0.0) >= 0.5:
                    found[column] = DetectedColumn(column, "org_name", "values")
                continue
            if kind is not None and not schema[column].is_integer():
                found[column] = DetectedColumn(column, kind, "values")
            elif candidate or (
                schema[column].is_integer()
                and row["n"] >= 20
                and (row["distinct"] or 0.0) >= _ID_DISTINCT
            ):
                found[column] = DetectedColumn(column, "id_candidate", "values")
    ordered = [DetectedColumn(c, k, "given") for c, k in given.items()]
    ordered += [found[c] for c in names if c in found and found[c].kind not in given_kinds]
    return Detection(tuple(ordered))


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
    return _is_derived(column, columns if isinstance(columns, set) else set(columns))


def detect_columns(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    overrides: Mapping[str, str | list[str]] | None = None,
) -> dict[str, list[str]]:
    """Map each kind found to its columns, headers first, then values for unnamed columns.

    ``overrides`` (kind -> column or columns) replaces detection for those kinds. Kinds that
    are only reported (a fax, identifier candidates) are left out; :func:`detect` has them.

    >>> detect_columns(pl.DataFrame({"customer_id": ["1"], "Phone": ["+1 202 555 0100"]}))
    {'id': ['customer_id'], 'phone': ['Phone']}
    """
    return detect(frame, overrides=overrides).kinds()


#: The column name each kind gets when sources with different headers are stacked.
CANONICAL_NAMES: dict[str, str] = {
    "id": "source_id",
    "tax_id": "tax_id",
    "org_name": "organization",
    "postcode": "postcode",
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
