"""Vectorized fast path of the name parser for the common shapes of a name.

Most cells of a customer table are plain two- or three-word names: ``Иванов Иван Иванович``,
``Иван Иванов``, ``Иванов И. И.``, ``John Smith``. For those the rules of
:mod:`custdata.normalize._name_parse` are re-stated here as polars expressions, so a column of
a million names is split without a Python call per value. Anything else (titles, hyphens,
apostrophes, particles, commas, Ukrainian letters, mixed scripts, single words, junk) goes to
:func:`~custdata.normalize._name_parse.parse_text`. The test suite checks that both paths give
the same answer on the values the fast path takes.
"""

from __future__ import annotations

import functools

import polars as pl

from custdata.junk import JUNK_VALUES
from custdata.normalize._name_lexicon import (
    _FEMALE_PATRONYMIC_RE,
    _TURKIC_LINKS,
    FEMALE,
    MALE,
    NAME_JUNK,
    TITLES_RU,
    UNKNOWN,
    _part_gender,
    first_names,
    patronymics,
)
from custdata.normalize._name_parse import (
    _LATIN_RU_SURNAME,
    _PARTICLES,
    _SURNAME_END,
    _nameparser_constants,
)

_RU_WORD = r"[А-ЯЁа-яё]{2,}"
_LAT_WORD = r"[A-Za-z]{2,}"
_CYR_WORDS_RE = rf"^{_RU_WORD}(?: {_RU_WORD}){{1,2}}$"
_CYR_INITIALS_RE = rf"^({_RU_WORD}) ([А-ЯЁа-яё])\. ?([А-ЯЁа-яё])?\.?$"
_LAT_TITLE = r"(?:(?i:mr|mrs|ms|miss|dr|prof)\.? )?"
_LAT_WORDS_RE = rf"^{_LAT_TITLE}{_LAT_WORD} {_LAT_WORD}$"
_LAT3_RE = rf"^{_LAT_TITLE}({_LAT_WORD}) ([A-Za-z]{{2,}}|[A-Za-z]\.) ({_LAT_WORD})$"
_LAT_PATRONYMIC = (
    r"(ovich|evich|ovitch|evitch|ovna|evna|ichna|ivna|yivna|ogly|oglu|kyzy|gyzy|qizi)$"
)
#: The endings ``_name_parse._any_patronymic`` accepts without a length limit.
_ANY_PATRONYMIC_END = r"(ович|евич|ьович|йович|івна|ївна|овна|евна|ична)$"
_LOOSE_PATRONYMIC = (
    r"(ович|евич|ьевич|овна|евна|ьевна|ична|инична|івна|ївна|оглы|оглу|кызы|кизи|улы|ич)$"
)


@functools.lru_cache(maxsize=1)
def _excluded_words() -> list[str]:
    words = set(_nameparser_constants()) | set(_PARTICLES) | set(_TURKIC_LINKS)
    words |= {t for t in TITLES_RU}
    return sorted(words)


@functools.lru_cache(maxsize=1)
def _junk_words() -> list[str]:
    return sorted(set(JUNK_VALUES) | set(NAME_JUNK))


def _fix_case(tok: pl.Expr) -> pl.Expr:
    """Title-case a word typed all lower, all upper or in caps lock (``иВАНОВ``).

    Same rule as ``_name_parse._fix_part`` for a word of letters only: when the letters after
    the first are all lower or all upper case, the word becomes ``First`` + ``rest``.
    """
    head = tok.str.head(1)
    rest = tok.str.slice(1)
    rest_low = rest.str.to_lowercase()
    fix = (rest == rest_low) | (rest == rest.str.to_uppercase())
    return pl.when(fix).then(head.str.to_uppercase() + rest_low).otherwise(tok)


def _low(tok: pl.Expr) -> pl.Expr:
    return tok.str.to_lowercase().str.replace_all("ё", "е", literal=True)


@functools.lru_cache(maxsize=1)
def _series() -> dict[str, pl.Series]:
    """Reference lists as polars Series (built once: ``is_in`` on a Series is cheap)."""
    pat = patronymics()
    return {
        "names": pl.Series(list(first_names()), dtype=pl.String).implode(),
        "pat_keys": pl.Series(list(pat), dtype=pl.String),
        "pat_values": pl.Series(list(pat.values()), dtype=pl.String),
        "excluded": pl.Series(_excluded_words(), dtype=pl.String).implode(),
        "junk": pl.Series(_junk_words(), dtype=pl.String).implode(),
    }


def _add_patronymic_gender(frame: pl.DataFrame, low: str, out: str) -> pl.DataFrame:
    """Add column ``out`` = 'm'/'f'/null, the vector form of ``_name_parse._patronymic_gender``."""
    ref = _series()
    names = ref["names"]
    x = pl.col(low)
    frame = frame.with_columns(
        x.replace_strict(
            ref["pat_keys"], ref["pat_values"], default=None, return_dtype=pl.String
        ).alias("__known"),
        x.str.replace(r"(ович|евич|ьевич)$", "").alias("__stem"),
    )
    stem = pl.col("__stem")
    stem_is_name = (
        stem.is_in(names)
        | (stem + "ь").is_in(names)
        | (stem + "й").is_in(names)
        | (stem.str.head(-1) + "ий").is_in(names)
    )
    female = x.str.contains(_FEMALE_PATRONYMIC_RE.pattern) & (x.str.len_chars() > 6)
    has_male_end = x.str.contains(r"(ович|евич|ьевич)$")
    latin = x.str.contains(_LAT_PATRONYMIC) & (x.str.len_chars() > 6)
    gender = (
        pl.when(pl.col("__known").is_not_null())
        .then(pl.col("__known"))
        .when(female)
        .then(pl.lit("f"))
        .when(has_male_end & stem_is_name)
        .then(pl.lit("m"))
        .when(latin & x.str.contains(_FEMALE_PATRONYMIC_RE.pattern))
        .then(pl.lit("f"))
        .when(latin)
        .then(pl.lit("m"))
        .otherwise(pl.lit(None, pl.String))
    )
    return frame.with_columns(gender.alias(out)).drop("__known", "__stem")


def _token_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Per distinct word of ``__a``/``__b``/``__c``/``__ia`` (words repeat a lot): the word
    with its case fixed, its lower-case ``е`` form, first-name flag, patronymic gender,
    surname-like flag and loose-patronymic flag."""
    cols = [frame[c] for c in ("__a", "__b", "__c", "__ia")]
    words = pl.concat(cols).drop_nulls().unique().to_frame("__w")
    w = pl.col("__w")
    bare = w.str.to_lowercase().str.strip_chars_end(".")
    words = words.with_columns(
        _fix_case(w).alias("__fix"),
        _low(w).alias("__l"),
        bare.is_in(_series()["excluded"]).alias("__x"),
        bare.str.contains(r"^mc[a-z]{2,}|" + _LAT_PATRONYMIC).alias("__m"),
    )
    words = _add_patronymic_gender(words, "__l", "__p")
    x = pl.col("__l")
    words = words.with_columns(
        x.is_in(_series()["names"]).alias("__f"),
        x.str.contains(_SURNAME_END.pattern).alias("__s"),
        (x.str.contains(_LOOSE_PATRONYMIC) & (x.str.len_chars() > 4)).alias("__loose"),
    )
    # any patronymic at all (``_name_parse._any_patronymic``): decides the Ukrainian order
    return words.with_columns(
        (
            pl.col("__p").is_not_null() | pl.col("__loose") | x.str.contains(_ANY_PATRONYMIC_END)
        ).alias("__ap")
    ).drop("__l")


def _eastern_code(frame: pl.DataFrame) -> pl.DataFrame:
    """Fix the case of the words and add ``__code`` (which word is what) for 2-3 plain
    Cyrillic words (``_name_parse._eastern``).

    n == 2: 0 = (None, a, b), 1 = (b, a, None), 2 = (a, b, None);
    n == 3: 3 = (c, a, b), 4 = (a, b, c), 5 = (c, a, b) by the Ukrainian first-patronymic-last
    order (``a`` first name, ``b`` patronymic, ``c`` surname).
    """
    table = _token_table(frame)
    for x in ("a", "b", "c", "ia"):
        cols = table if x != "ia" else table.select("__w", "__fix")
        renamed = cols.rename({c: f"{c}{x}" for c in cols.columns if c != "__w"})
        frame = frame.join(
            renamed, left_on=f"__{x}", right_on="__w", how="left", maintain_order="left"
        )
    # words that need the full parser: titles, particles, conjunctions, оглы/кызы; and for
    # Latin names Mc- (McDonald) or a transliterated patronymic
    flag = [pl.col(f"__{f}{x}").fill_null(False) for f in ("x", "m") for x in ("a", "b", "c")]
    is_lat = pl.col("__kind").is_in(["lat", "lat3"])
    frame = frame.filter(~pl.any_horizontal(flag[:3]), ~(is_lat & pl.any_horizontal(flag[3:])))
    frame = frame.with_columns(
        pl.col("__fixa").alias("__a"),
        pl.when(pl.col("__b").str.contains(r"^[A-Za-z]\.$"))
        .then(pl.col("__b").str.to_uppercase())  # a Latin middle initial "a."
        .otherwise(pl.col("__fixb"))
        .alias("__b"),
        pl.col("__fixc").alias("__c"),
        pl.col("__fixia").alias("__ia"),
    )
    fa, fb, sa, sb, sc = (pl.col(f"__{x}").fill_null(False) for x in ("fa", "fb", "sa", "sb", "sc"))
    pa, pb, pc = pl.col("__pa"), pl.col("__pb"), pl.col("__pc")
    loose_c = pl.col("__loosec").fill_null(False)
    two = (
        pl.when(pb.is_not_null() & pa.is_null())
        .then(0)
        .when(fa & ~fb)
        .then(1)
        .when(fb & ~fa)
        .then(2)
        .when(fa & fb & sa & ~sb)
        .then(2)
        .when(fa & fb & sb & ~sa)
        .then(1)
        .otherwise(2)
    )
    apa, apb, apc = (pl.col(f"__ap{x}").fill_null(False) for x in ("a", "b", "c"))
    three = (
        pl.when(apb & ~apa & ~apc)
        .then(5)  # the middle word is plainly a patronymic: first, patronymic, last
        .when(pb.is_not_null() & pc.is_null())
        .then(3)
        .when(pc.is_not_null() | loose_c)
        .then(4)
        .when(fa & ~fb & sc)
        .then(3)
        .otherwise(4)
    )
    return frame.with_columns(
        pl.when(pl.col("__n") == 2).then(two).otherwise(three).alias("__code")
    )


def fast_parse(values: pl.Series) -> pl.DataFrame:
    """Split the values the fast path can take.

    Returns a frame with ``__value`` and clean/last/first/middle/status for those values
    only (the caller sends the rest to the Python parser).
    """
    ref = _series()
    frame = pl.DataFrame({"__value": values}, schema={"__value": pl.String}).with_columns(
        pl.col("__value").str.replace_all(r"\s+", " ").str.strip_chars().alias("__t")
    )
    t = pl.col("__t")
    frame = frame.with_columns(
        pl.when(t.str.contains(_CYR_WORDS_RE))
        .then(pl.lit("cyr"))
        .when(t.str.contains(_CYR_INITIALS_RE))
        .then(pl.lit("init"))
        .when(t.str.contains(_LAT_WORDS_RE))
        .then(pl.lit("lat"))
        .when(t.str.contains(_LAT3_RE))
        .then(pl.lit("lat3"))
        .otherwise(pl.lit(None, pl.String))
        .alias("__kind")
    ).filter(pl.col("__kind").is_not_null())
    # a leading Mr/Mrs/Ms/Dr/Prof of a Latin name is dropped (as _strip_titles does)
    frame = frame.with_columns(
        pl.when(pl.col("__kind").is_in(["lat", "lat3"]))
        .then(t.str.replace(r"^" + _LAT_TITLE, ""))
        .otherwise(t)
        .alias("__t")
    )
    frame = frame.with_columns(t.str.split(" ").alias("__tok"))
    tok = pl.col("__tok")
    kind = pl.col("__kind")
    frame = frame.filter(
        ~t.str.to_lowercase().is_in(ref["junk"]),
        # "Mr John": the title took a word, what is left is a single word (full parser)
        ~((kind == "lat") & (tok.list.len() != 2)) & ~((kind == "lat3") & (tok.list.len() != 3)),
    )
    frame = frame.with_columns(
        tok.list.get(0, null_on_oob=True).alias("__a"),
        tok.list.get(1, null_on_oob=True).alias("__b"),
        tok.list.get(2, null_on_oob=True).alias("__c"),
        tok.list.len().alias("__n"),
        t.str.extract_groups(_CYR_INITIALS_RE).alias("__init"),
    )
    frame = frame.with_columns(
        pl.col("__init").struct.field("1").alias("__ia"),
        pl.col("__init").struct.field("2").str.to_uppercase().alias("__i1"),
        pl.col("__init").struct.field("3").str.to_uppercase().alias("__i2"),
    )
    frame = _eastern_code(frame)
    a, b, c, code, kind = (pl.col(f"__{x}") for x in ("a", "b", "c", "code", "kind"))
    ia, i1, i2 = pl.col("__ia"), pl.col("__i1"), pl.col("__i2")
    lat_eastern = a.str.to_lowercase().str.contains(
        _LATIN_RU_SURNAME.pattern
    ) & ~b.str.to_lowercase().str.contains(_LATIN_RU_SURNAME.pattern)
    null = pl.lit(None, pl.String)
    e_last = (
        pl.when(code == 0)
        .then(null)
        .when(code == 1)
        .then(b)
        .when(code.is_in([3, 5]))
        .then(c)
        .otherwise(a)
    )
    e_first = pl.when(code.is_in([0, 1, 3, 5])).then(a).otherwise(b)
    e_middle = (
        pl.when(code.is_in([0, 3, 5])).then(b).when(code.is_in([1, 2])).then(null).otherwise(c)
    )
    clean = (
        pl.when(kind == "init")
        .then(pl.concat_str([ia, i1 + ".", i2 + "."], separator=" ", ignore_nulls=True))
        .otherwise(pl.concat_str([a, b, c], separator=" ", ignore_nulls=True))
    )
    last = (
        pl.when(kind == "init")
        .then(ia)
        .when(kind == "cyr")
        .then(e_last)
        .when(kind == "lat3")
        .then(c)
        .when(lat_eastern)
        .then(a)
        .otherwise(b)
    )
    first = (
        pl.when(kind == "init")
        .then(i1)
        .when(kind == "cyr")
        .then(e_first)
        .when(kind == "lat3")
        .then(a)
        .when(lat_eastern)
        .then(b)
        .otherwise(a)
    )
    middle = (
        pl.when(kind == "init")
        .then(i2)
        .when(kind == "cyr")
        .then(e_middle)
        .when(kind == "lat3")
        .then(b.str.strip_chars_end("."))
        .otherwise(null)
    )
    return frame.select(
        "__value",
        clean.alias("clean"),
        last.alias("last"),
        first.alias("first"),
        middle.alias("middle"),
        pl.lit("ok").alias("status"),
    )


def _map_part_gender(frame: pl.DataFrame, column: str, part: str) -> pl.Series:
    uniq = frame[column].drop_nulls().unique().to_list()
    genders = [_part_gender(part, x) for x in uniq]
    return frame[column].replace_strict(uniq, genders, default=None, return_dtype=pl.String)


def add_gender(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``gender`` from last/first/middle (vector form of ``_name_parse.gender_of``)."""
    initial = r"^\p{L}\.?$"
    middle_ok = pl.col("middle").is_not_null() & ~pl.col("middle").str.contains(initial)
    first_ok = pl.col("first").is_not_null() & ~pl.col("first").str.contains(initial)
    frame = frame.with_columns(
        _map_part_gender(frame, "middle", "middlename").alias("__gm"),
        _map_part_gender(frame, "first", "firstname").alias("__gf"),
        _map_part_gender(frame, "last", "lastname").alias("__gl"),
    )
    gm = pl.when(middle_ok).then(pl.col("__gm"))
    gf = pl.when(first_ok).then(pl.col("__gf"))
    gl = pl.col("__gl")
    vote = (
        pl.when(gm.is_not_null())
        .then(gm)
        .when(gf.is_not_null() & gl.is_not_null() & (gf != gl))
        .then(pl.lit(None, pl.String))
        .otherwise(pl.coalesce(gf, gl))
    )
    has_part = pl.any_horizontal(pl.col("last", "first", "middle").is_not_null())
    gender = (
        pl.when(~has_part & pl.col("status").is_in(["empty", "junk", "not_a_name"]))
        .then(pl.lit(None, pl.String))
        .when(vote == "m")
        .then(pl.lit(MALE))
        .when(vote == "f")
        .then(pl.lit(FEMALE))
        .otherwise(pl.lit(UNKNOWN))
    )
    return frame.with_columns(gender.alias("gender")).drop("__gm", "__gf", "__gl")
