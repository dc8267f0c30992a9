"""Person names: clean, split into last/first/middle, gender hint and matching keys.

Works for Russian/Ukrainian ФИО (any order, initials, patronymics, ``оглы``/``кызы``) and for
Western names (``nameparser`` for the hard ones). Every function takes a column name or an
expression; frame steps take the frame first so they fit ``.pipe``.

The expensive part (parsing) runs once per *distinct* value; matching keys are plain polars
string expressions. See ``docs/normalize/names.md`` for the key design and the sources of the
transliteration and diminutive tables.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from custdata.errors import InvalidOption
from custdata.frames import as_expr, check_columns, columns_arg, refuse_clashes
from custdata.junk import is_junk
from custdata.normalize._common import one_chunk
from custdata.normalize._diminutives import FULL_FORMS, diminutive_table
from custdata.normalize._fold import fold_values
from custdata.normalize._name_lexicon import NAME_JUNK, gender_of
from custdata.normalize._name_parse import (
    INITIALS_ONLY,
    MIXED_SCRIPT,
    NOT_A_NAME,
    SINGLE_TOKEN,
    STATUSES,
    fix_case,
    parse_text,
)
from custdata.normalize._name_vector import add_gender, fast_parse
from custdata.normalize._translit import SYSTEMS, translit_expr

__all__ = [
    "INITIALS_ONLY",
    "MIXED_SCRIPT",
    "NOT_A_NAME",
    "SINGLE_TOKEN",
    "STATUSES",
    "NameResult",
    "first_name_key",
    "full_form",
    "full_name",
    "middle_name_key",
    "name",
    "name_key",
    "name_parts",
    "names",
    "parse_name",
    "surname_key",
    "transliterate",
]

ORDERS = ("auto", "eastern", "western")
_FIELDS = ("clean", "last", "first", "middle", "gender", "key", "status")
_STRUCT = pl.Struct({f: pl.String for f in _FIELDS})


#: Common English nicknames whose ``nicknames`` entry lists several canonical names: the
#: usual full form (the package's unambiguous entries are used as they are).
ENGLISH_PREFERRED: dict[str, str] = {
    "bob": "robert",
    "bobby": "robert",
    "rob": "robert",
    "robbie": "robert",
    "bill": "william",
    "billy": "william",
    "will": "william",
    "mike": "michael",
    "mikey": "michael",
    "tom": "thomas",
    "tommy": "thomas",
    "liz": "elizabeth",
    "lizzie": "elizabeth",
    "beth": "elizabeth",
    "kate": "katherine",
    "katie": "katherine",
    "kathy": "katherine",
    "peggy": "margaret",
    "maggie": "margaret",
    "dick": "richard",
    "rick": "richard",
    "ricky": "richard",
    "tony": "anthony",
    "chris": "christopher",
    "sue": "susan",
    "susie": "susan",
    "steve": "steven",
    "becky": "rebecca",
    "jenny": "jennifer",
    "jen": "jennifer",
    "andy": "andrew",
    "nick": "nicholas",
    "nicky": "nicholas",
    "matt": "matthew",
    "dan": "daniel",
    "danny": "daniel",
    "sam": "samuel",
    "ben": "benjamin",
    "joe": "joseph",
    "joey": "joseph",
    "jim": "james",
    "jimmy": "james",
    "ed": "edward",
    "eddie": "edward",
    "ted": "edward",
    "pat": "patrick",
    "greg": "gregory",
    "jeff": "jeffrey",
    "ron": "ronald",
    "ronnie": "ronald",
    "don": "donald",
    "larry": "lawrence",
    "jerry": "gerald",
    "patty": "patricia",
    "trish": "patricia",
    "debbie": "deborah",
    "cathy": "catherine",
    "abby": "abigail",
    "vicky": "victoria",
    "tina": "christina",
}


def _check_order(order: str) -> None:
    if order not in ORDERS:
        raise InvalidOption(f"order must be one of {', '.join(ORDERS)}")


def _per_distinct(series: pl.Series, fn) -> pl.Series:  # noqa: ANN001
    """Apply ``fn`` (Series -> Series) to the distinct values only and map back."""
    values = series.cast(pl.String)
    if values.len() < 64:
        return fn(values).alias(series.name)
    uniq = values.unique()
    table = pl.DataFrame(
        {"__v": uniq, "__o": fn(uniq)}, schema={"__v": pl.String, "__o": pl.String}
    )
    joined = values.to_frame("__v").join(
        table, on="__v", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined["__o"].alias(series.name)


def _fold(expr: pl.Expr) -> pl.Expr:
    """Lower-case Latin matching form of a name part (transliterated, folded, no punctuation)."""
    return expr.map_batches(
        lambda s: _per_distinct(s, fold_values), return_dtype=pl.String, is_elementwise=True
    )


def _first_key_values(values: pl.Series) -> pl.Series:
    src, dst = _first_name_map()
    return fold_values(values).replace(src, dst)


@functools.lru_cache(maxsize=1)
def _full_first_names() -> set[str]:
    """Folded full first names: the diminutive table's full forms and the common names of the
    russiannames corpus (100+ occurrences, which leaves out its rare diminutive entries)."""
    from custdata.normalize._name_lexicon import _russiannames_dir

    names = list(FULL_FORMS)
    folder = _russiannames_dir()
    if folder is not None:
        frame = pl.read_parquet(folder / "names.parquet", columns=["count", "text"])
        names += frame.filter(pl.col("count") >= 100)["text"].str.to_lowercase().to_list()
    folded = pl.DataFrame({"n": names}, schema={"n": pl.String}).select(_fold(pl.col("n")))
    return set(folded["n"].drop_nulls().to_list())


def _first_name_map() -> tuple[list[str], list[str]]:
    """Folded diminutive / nickname -> folded full form (Russian/Ukrainian table, then English)."""
    from nicknames import NickNamer

    table = diminutive_table()
    forms = list(table)
    fulls = [table[f] for f in forms]
    frame = pl.DataFrame({"form": forms, "full": fulls}).select(
        _fold(pl.col("form")).alias("a"),
        _fold(pl.col("full")).alias("b"),
        _fold(pl.col("form").str.replace_many(["г", "и"], ["h", "y"])).alias("a_ua"),
    )
    mapping: dict[str, str] = {}
    for a, a_ua, b in zip(frame["a"], frame["a_ua"], frame["b"], strict=True):
        if a and b:
            mapping.setdefault(a, b)
        if a_ua and b:
            mapping.setdefault(a_ua, b)
    nn = NickNamer()
    nick_rows = [
        (nick, next(iter(canons)))
        for nick, canons in nn.canonical_lookup.items()
        if len(canons) == 1 and len(next(iter(canons))) > len(nick)
    ]
    nick_rows += list(ENGLISH_PREFERRED.items())
    folded = pl.DataFrame(
        {"n": [r[0] for r in nick_rows], "c": [r[1] for r in nick_rows]},
        schema={"n": pl.String, "c": pl.String},
    ).select(_fold(pl.col("n")).alias("n"), _fold(pl.col("c")).alias("c"))
    targets = set(mapping.values())
    full = _full_first_names()
    for n, c in zip(folded["n"], folded["c"], strict=True):
        # a nickname table never maps a full name to another full name (Ernest is not a
        # nickname of Ernestine, Ян/Jan/Ian are not John): only forms that are no full name
        if n and c and n not in targets and n not in full:
            mapping.setdefault(n, c)
    # resolve chains so that the map is idempotent (a target is never a source)
    for src in list(mapping):
        seen = {src}
        dst = mapping[src]
        while dst in mapping and dst not in seen and mapping[dst] != dst:
            seen.add(dst)
            dst = mapping[dst]
        mapping[src] = dst
    mapping = {k: v for k, v in mapping.items() if k != v}
    mapping = {k: v for k, v in mapping.items() if v not in mapping}
    return list(mapping), list(mapping.values())


def transliterate(column: str | pl.Expr, *, system: str = "auto") -> pl.Expr:
    """Cyrillic -> Latin: ICAO Doc 9303 (Russian) or KMU 2010 (Ukrainian), case kept.

    ``system="auto"`` picks KMU 2010 for values with a Ukrainian-only letter (і ї є ґ).

    >>> df = pl.DataFrame({"n": ["Щербаков Юрий", "Олена Шевчук", "Smith"]})
    >>> df.select(transliterate("n"))["n"].to_list()
    ['Shcherbakov Iurii', 'Olena Shevchuk', 'Smith']
    """
    if system not in SYSTEMS:
        raise InvalidOption(f"system must be one of {', '.join(SYSTEMS)}")
    return translit_expr(as_expr(column).cast(pl.String), system=system)


def surname_key(column: str | pl.Expr) -> pl.Expr:
    """Matching key of a surname: ё->е, Latin transliteration, folded, lower case.

    >>> df = pl.DataFrame({"s": ["Щербаков", "Scherbakov", "Хабибуллин", "Khabibulin", None]})
    >>> df.select(surname_key("s"))["s"].to_list()
    ['sherbakov', 'sherbakov', 'habibulin', 'habibulin', None]
    """
    return _fold(as_expr(column))


def middle_name_key(column: str | pl.Expr) -> pl.Expr:
    """Matching key of a middle name or patronymic (same folding as :func:`surname_key`).

    >>> pl.DataFrame({"m": ["Юрьевич", "Yurievich"]}).select(middle_name_key("m"))["m"].to_list()
    ['iurevich', 'iurievich']
    """
    return _fold(as_expr(column))


def first_name_key(column: str | pl.Expr) -> pl.Expr:
    """Matching key of a first name: like :func:`surname_key`, plus diminutives -> full form.

    Russian/Ukrainian diminutives come from custdata's own table, English nicknames from the
    ``nicknames`` package; unisex diminutives (Саша, Женя, Валя) share one key with both
    full forms.

    >>> df = pl.DataFrame({"f": ["Саша", "Александра", "Alexandr", "Юрий", "Yuriy", "Bob"]})
    >>> df.select(first_name_key("f"))["f"].to_list()
    ['aleksandr', 'aleksandr', 'aleksandr', 'iuri', 'iuri', 'robert']
    """
    return as_expr(column).map_batches(
        lambda s: _per_distinct(s, _first_key_values),
        return_dtype=pl.String,
        is_elementwise=True,
    )


def full_form(column: str | pl.Expr) -> pl.Expr:
    """Full (passport) form of a Russian/Ukrainian diminutive; other names unchanged.

    Unisex diminutives give the masculine form (Саша -> Александр): use the gender column to
    choose. Ukrainian forms map to the Russian one (Олександр -> Александр).

    >>> pl.DataFrame({"f": ["Саша", "коля", "Анна", "John"]}).select(full_form("f"))["f"].to_list()
    ['Александр', 'Николай', 'Анна', 'John']
    """
    expr = as_expr(column).cast(pl.String)
    low = expr.str.strip_chars().str.to_lowercase().str.replace_all("ё", "е", literal=True)
    table = diminutive_table()
    mapped = low.replace_strict(list(table), list(table.values()), default=None)
    return pl.when(mapped.is_not_null()).then(mapped.str.to_titlecase()).otherwise(expr)


def _key_from_parts(last: pl.Expr, first: pl.Expr) -> pl.Expr:
    key = pl.concat_str(
        [surname_key(last), first_name_key(first)], separator=" ", ignore_nulls=True
    )
    return pl.when(key.str.len_bytes() > 0).then(key)


def _parse_table(uniq: pl.Series, order: str) -> pl.DataFrame:
    """One row per distinct value: __value, clean, last, first, middle, gender, key, status."""
    parts = ["clean", "last", "first", "middle", "status"]
    schema = {"__value": pl.String, **{f: pl.String for f in parts}}
    if order == "auto":
        fast = fast_parse(uniq)
        rest = (
            uniq.to_frame("__value")
            .join(fast.select("__value"), on="__value", how="anti", nulls_equal=True)
            .to_series()
        )
    else:
        fast = pl.DataFrame(schema=schema)
        rest = uniq
    parsed = [parse_text(v, order) for v in rest.to_list()]
    cols: list[tuple[str | None, ...]] = (
        list(zip(*parsed, strict=True)) if parsed else [() for _ in range(6)]
    )
    slow = pl.DataFrame(
        {
            "__value": rest,
            "clean": cols[0],
            "last": cols[1],
            "first": cols[2],
            "middle": cols[3],
            "status": cols[5],
        },
        schema=schema,
    )
    table = pl.concat([fast.select(list(schema)), slow], how="vertical")
    table = add_gender(table)
    return table.with_columns(key=_key_from_parts(pl.col("last"), pl.col("first")))


def _parse_series(series: pl.Series, order: str) -> pl.Series:
    values = series.cast(pl.String)
    table = _parse_table(values.unique(), order)
    joined = values.to_frame("__value").join(
        table, on="__value", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.select(pl.struct(*_FIELDS).alias(series.name)).to_series()


def _parsed(column: str | pl.Expr, order: str) -> pl.Expr:
    _check_order(order)
    return as_expr(column).map_batches(
        lambda s: _parse_series(s, order), return_dtype=_STRUCT, is_elementwise=True
    )


def name(column: str | pl.Expr, *, order: str = "auto") -> pl.Expr:
    """Cleaned full name (spaces, case, titles, initials fixed); null when not a name.

    >>> df = pl.DataFrame({"n": ["  иВАНОВ   иван ", "г-н Петров П.П.", "нет", None]})
    >>> df.select(name("n"))["n"].to_list()
    ['Иванов Иван', 'Петров П. П.', None, None]
    """
    return _parsed(column, order).struct.field("clean").name.keep()


def name_key(column: str | pl.Expr, *, order: str = "auto") -> pl.Expr:
    """Matching key of a full name: ``"<surname_key> <first_name_key>"``.

    The word order of the input does not matter (the name is split first) and the
    patronymic is left out (it is often missing in one of two records of the same person).

    >>> df = pl.DataFrame({"n": ["Иванов Александр Петрович", "Sasha Ivanov", "Саша Иванов"]})
    >>> df.select(name_key("n"))["n"].to_list()
    ['ivanov aleksandr', 'ivanov aleksandr', 'ivanov aleksandr']
    """
    return _parsed(column, order).struct.field("key").name.keep()


def full_name(
    last: str | pl.Expr,
    first: str | pl.Expr | None = None,
    middle: str | pl.Expr | None = None,
    *,
    order: str = "eastern",
) -> pl.Expr:
    """Assemble a full name from parts: ``eastern`` = last first middle, ``western`` = first
    middle last. Missing parts are skipped.

    >>> df = pl.DataFrame({"l": ["Иванов", "Smith"], "f": ["Иван", "John"],
    ...                    "m": ["Иванович", None]})
    >>> df.select(full_name("l", "f", "m"))["l"].to_list()
    ['Иванов Иван Иванович', 'Smith John']
    >>> df.select(full_name("l", "f", "m", order="western").alias("x"))["x"].to_list()
    ['Иван Иванович Иванов', 'John Smith']
    """
    if order not in ("eastern", "western"):
        raise InvalidOption("order must be 'eastern' or 'western'")
    parts = [as_expr(last)]
    if first is not None:
        parts.append(as_expr(first))
    if middle is not None:
        parts.append(as_expr(middle))
    if order == "western":
        parts = parts[1:] + parts[:1]
    parts = [p.cast(pl.String).str.strip_chars() for p in parts]
    parts = [pl.when(p.str.len_bytes() > 0).then(p) for p in parts]
    out = pl.concat_str(parts, separator=" ", ignore_nulls=True)
    return pl.when(out.str.len_bytes() > 0).then(out)


@refuse_clashes
def names(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: str | Iterable[str],
    *,
    order: str = "auto",
    in_place: bool = False,
) -> pl.DataFrame | pl.LazyFrame:
    """Clean and split full-name columns.

    Adds ``<col>_clean`` (omitted with ``in_place=True``, which writes the cleaned name
    into ``<col>``; cells that are not a name keep their text), ``<col>_last``,
    ``<col>_first``, ``<col>_middle``, ``<col>_gender`` ("male"/"female"/"unknown"),
    ``<col>_key`` and ``<col>_status`` (``ok``, ``empty``,
    ``junk``, ``not_a_name``, ``initials_only``, ``single_token``, ``mixed_script``).
    ``order``: ``auto`` (detect per value), ``eastern`` (last first middle) or ``western``.

    >>> df = pl.DataFrame({"fio": ["иванов иван иванович", "Иван Петрович Сидоров", "John Smith",
    ...                            "Ivanova A.", "нет", "8 900 123-45-67"]})
    >>> out = names(df, "fio")
    >>> for row in out.select("fio_last", "fio_first", "fio_middle", "fio_gender").rows()[:4]:
    ...     print(row)
    ('Иванов', 'Иван', 'Иванович', 'male')
    ('Сидоров', 'Иван', 'Петрович', 'male')
    ('Smith', 'John', None, 'unknown')
    ('Ivanova', 'A', None, 'unknown')
    >>> out["fio_status"].to_list()
    ['ok', 'ok', 'ok', 'ok', 'junk', 'not_a_name']
    """
    _check_order(order)
    cols = columns_arg(columns)
    check_columns(frame, cols)
    frame = one_chunk(frame, cols)
    for col in cols:
        tmp = f"__{col}_parsed"
        frame = frame.with_columns(_parsed(col, order).alias(tmp))
        clean = pl.col(tmp).struct.field("clean")
        out = {
            # in place: a cell that is not a name keeps its text (nothing is lost)
            (col if in_place else f"{col}_clean"): (
                pl.coalesce(clean, pl.col(col).cast(pl.String)) if in_place else clean
            ),
            f"{col}_last": pl.col(tmp).struct.field("last"),
            f"{col}_first": pl.col(tmp).struct.field("first"),
            f"{col}_middle": pl.col(tmp).struct.field("middle"),
            f"{col}_gender": pl.col(tmp).struct.field("gender"),
            f"{col}_key": pl.col(tmp).struct.field("key"),
            f"{col}_status": pl.col(tmp).struct.field("status"),
        }
        frame = frame.with_columns(**out).drop(tmp)
    return frame


def _clean_part_series(series: pl.Series) -> pl.Series:
    values = series.cast(pl.String)
    uniq = values.unique()
    cleaned: list[str | None] = []
    for v in uniq.to_list():
        if v is None:
            cleaned.append(None)
            continue
        words = " ".join(v.replace("\u00a0", " ").split())
        if (
            not words
            or not any(c.isalpha() for c in words)
            or any(c.isdigit() for c in words)
            or "@" in words
            or is_junk(words)
            or words.casefold() in NAME_JUNK
        ):
            cleaned.append(None)
            continue
        toks = words.split(" ")
        cleaned.append(" ".join(fix_case(t, len(toks) == 1) for t in toks))
    table = pl.DataFrame(
        {"__value": uniq, "__clean": cleaned}, schema={"__value": pl.String, "__clean": pl.String}
    )
    joined = values.to_frame("__value").join(
        table, on="__value", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined["__clean"].alias(series.name)


def _gender_series(frame: pl.DataFrame) -> pl.Series:
    uniq = frame.unique()
    genders = [gender_of(a, b, c) if (a or b or c) else None for a, b, c in uniq.iter_rows()]
    table = uniq.with_columns(pl.Series("__gender", genders, dtype=pl.String))
    return frame.join(
        table, on=list(frame.columns), how="left", nulls_equal=True, maintain_order="left"
    )["__gender"]


@refuse_clashes
def name_parts(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    first: str | None = None,
    last: str | None = None,
    middle: str | None = None,
    in_place: bool = False,
    gender_column: str = "name_gender",
    key_column: str = "name_key",
) -> pl.DataFrame | pl.LazyFrame:
    """Clean separate name columns and add keys and a gender hint.

    For each given column adds ``<col>_clean`` (or rewrites ``<col>`` with ``in_place=True``;
    a cell that is not a name - junk, digits - is then kept as it was) and ``<col>_key``; adds
    ``name_gender`` from all parts and ``name_key`` (``"<surname_key> <first_name_key>"``,
    same as :func:`name_key`) when ``last`` or ``first`` is given.

    >>> df = pl.DataFrame({"first_name": ["саша", "Bob"], "last_name": ["ИВАНОВА", "Smith"]})
    >>> out = name_parts(df, first="first_name", last="last_name")
    >>> for row in out.select("first_name_clean", "last_name_clean", "name_gender",
    ...                       "name_key").rows():
    ...     print(row)
    ('Саша', 'Иванова', 'female', 'ivanova aleksandr')
    ('Bob', 'Smith', 'unknown', 'smith robert')
    """
    given = {"last": last, "first": first, "middle": middle}
    cols = [c for c in given.values() if c is not None]
    if not cols:
        raise InvalidOption("name_parts needs at least one of first=, last=, middle=")
    check_columns(frame, cols)
    key_fn = {"last": surname_key, "first": first_name_key, "middle": middle_name_key}
    clean_name = {}
    for part, col in given.items():
        if col is None:
            continue
        target = col if in_place else f"{col}_clean"
        cleaned = pl.col(col).map_batches(
            _clean_part_series, return_dtype=pl.String, is_elementwise=True
        )
        frame = frame.with_columns(cleaned.alias(f"__{col}_clean")).with_columns(
            # in place: a cell that is not a name keeps its text (nothing is lost)
            (
                pl.coalesce(f"__{col}_clean", pl.col(col).cast(pl.String))
                if in_place
                else pl.col(f"__{col}_clean")
            ).alias(target),
            key_fn[part](pl.col(f"__{col}_clean")).alias(f"{col}_key"),
        )
        clean_name[part] = f"__{col}_clean"
    parts = [
        pl.col(clean_name[p]) if p in clean_name else pl.lit(None, pl.String)
        for p in ("last", "first", "middle")
    ]
    frame = frame.with_columns(
        pl.struct(*(p.alias(n) for p, n in zip(parts, ("l", "f", "m"), strict=True)))
        .map_batches(
            lambda s: _gender_series(s.struct.unnest()), return_dtype=pl.String, is_elementwise=True
        )
        .alias(gender_column)
    )
    if last is not None or first is not None:
        frame = frame.with_columns(_key_from_parts(parts[0], parts[1]).alias(key_column))
    return frame.drop([c for c in clean_name.values() if c.startswith("__")])


@dataclass(frozen=True)
class NameResult:
    """Result of :func:`parse_name` (same fields as the columns :func:`names` adds)."""

    clean: str | None
    last: str | None
    first: str | None
    middle: str | None
    gender: str | None
    key: str | None
    status: str

    @property
    def ok(self) -> bool:
        """True when the status is ``ok``."""
        return self.status == "ok"


def parse_name(value: str | None, *, order: str = "auto") -> NameResult:
    """Parse one name exactly as :func:`names` does for a cell.

    >>> r = parse_name("Иван Иванович Иванов")
    >>> r.last, r.first, r.middle, r.gender, r.key, r.status
    ('Иванов', 'Иван', 'Иванович', 'male', 'ivanov ivan', 'ok')
    >>> parse_name("I. Ivanov").first, parse_name("john@example.com").status
    ('I', 'not_a_name')
    """
    _check_order(order)
    p = parse_text(value, order)
    key = pl.select(_key_from_parts(pl.lit(p.last, pl.String), pl.lit(p.first, pl.String))).item()
    return NameResult(p.clean, p.last, p.first, p.middle, p.gender, key, p.status)
