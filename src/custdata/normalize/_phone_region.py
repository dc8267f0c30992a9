"""Region inference for national phone numbers the default region rejects.

A number written without ``+`` (``0975419469``) is read in the default region (RU). When that
region rejects it, the data itself may say where it is from:

* **column evidence**: other numbers of the column written with a country code (``+380...``)
  show which regions the customers live in; or the caller passes them (``regions=``), e.g.
  computed once on a Spark driver over the whole column;
* **row evidence**: a region/country column, the row's city (a small built-in table of big
  cities), Ukrainian letters ``і ї є ґ`` in the row's name or address.

The number is re-read in each region the evidence points to. Valid in exactly one: status
``ok``, reason ``region_inferred``. Valid in two or more: status ``ambiguous_region`` (no
number is chosen). Row evidence is tried first and wins over column evidence.

Purity: with ``regions=None`` the column evidence is computed from the values passed in, so
the result for a row may depend on the other rows of the same frame (or of the same batch or
partition when a frame is processed in pieces). Pass ``regions=`` to make it depend on the row
alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from custdata.normalize._phone_core import (
    INVALID_FOR_REGION,
    MULTIPLE_NUMBERS,
    PhoneResult,
    as_tuple,
    combine,
    from_tuple,
    parse_cell,
    prepare_cell,
    safe_part,
)
from custdata.normalize._phone_fast import fast_path

#: Status of a national number valid in two or more of the regions the data points to.
AMBIGUOUS_REGION = "ambiguous_region"
#: Reason of a number read in a region the data points to (status ``ok``).
REGION_INFERRED = "region_inferred"

#: Statuses of a national number that another region might read correctly.
_RETRY = {INVALID_FOR_REGION, "invalid_length", "too_long", "too_short"}
#: Distinct numbers of one region (with a country code) that make it column evidence.
MIN_EVIDENCE = 2

#: The fields of a reading (``as_tuple`` order).
_FIELDS = ("e164", "status", "type", "region", "ext", "possible")
_INTERNATIONAL = re.compile(r"^\s*(\+|00)")
_UA_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
#: Big cities (lower-case, Russian/Ukrainian/Latin spellings) -> region.
CITY_REGIONS: dict[str, str] = {
    **dict.fromkeys(
        [
            "київ",
            "киев",
            "kyiv",
            "kiev",
            "харків",
            "харьков",
            "kharkiv",
            "одеса",
            "одесса",
            "odesa",
            "odessa",
            "дніпро",
            "днепр",
            "dnipro",
            "львів",
            "львов",
            "lviv",
            "запоріжжя",
            "запорожье",
            "zaporizhzhia",
            "вінниця",
            "винница",
            "vinnytsia",
            "полтава",
            "poltava",
            "чернігів",
            "чернигов",
            "chernihiv",
            "черкаси",
            "черкассы",
            "cherkasy",
            "житомир",
            "zhytomyr",
            "суми",
            "сумы",
            "sumy",
            "рівне",
            "ровно",
            "rivne",
            "тернопіль",
            "тернополь",
            "ternopil",
            "луцьк",
            "луцк",
            "lutsk",
            "ужгород",
            "uzhhorod",
            "івано-франківськ",
            "ивано-франковск",
            "ivano-frankivsk",
            "хмельницький",
            "хмельницкий",
            "khmelnytskyi",
            "чернівці",
            "черновцы",
            "chernivtsi",
            "кропивницький",
            "кропивницкий",
            "kropyvnytskyi",
            "миколаїв",
            "николаев",
            "mykolaiv",
            "херсон",
            "kherson",
            "кривий ріг",
            "кривой рог",
            "kryvyi rih",
            "маріуполь",
            "мариуполь",
            "mariupol",
            "біла церква",
            "белая церковь",
            "бровари",
            "бровары",
            "ірпінь",
            "ирпень",
        ],
        "UA",
    ),
    **dict.fromkeys(
        ["мінск", "минск", "minsk", "гомель", "gomel", "брест", "brest", "гродно", "grodno"],
        "BY",
    ),
    **dict.fromkeys(
        ["алматы", "алма-ата", "almaty", "астана", "astana", "шымкент", "shymkent"], "KZ"
    ),
}
_CITY_PREFIX = re.compile(r"^(г\.|м\.|город|місто|пгт|смт|с\.)\s*", re.IGNORECASE)


def row_hints(texts: pl.Series, region_names: dict[str, str]) -> pl.Series:
    """Per row: the region its text points to (country name, big city, Ukrainian letters), or null.

    ``texts`` holds each row's hint text (name, city, address, country joined by ``\\x1f``).

    >>> row_hints(pl.Series(["Київ", "Петренко Олексій Іванович", "Москва", None]), {}).to_list()
    ['UA', 'UA', None, None]
    """
    out: list[str | None] = []
    cache: dict[str, str | None] = {}
    for text in texts.cast(pl.String).to_list():
        if text is None:
            out.append(None)
            continue
        if text not in cache:
            cache[text] = _hint(text, region_names)
        out.append(cache[text])
    return pl.Series("", out, dtype=pl.String)


def _hint(text: str, region_names: dict[str, str]) -> str | None:
    for piece in text.split("\x1f"):
        key = _CITY_PREFIX.sub("", piece.strip().casefold()).strip()
        if key in region_names:
            return region_names[key]
        if key in CITY_REGIONS:
            return CITY_REGIONS[key]
    return "UA" if _UA_LETTERS.search(text) else None


def region_numbers(out: pl.DataFrame, values: pl.Series, default: str | None) -> pl.DataFrame:
    """Distinct ``(region, e164)`` of the column's valid numbers written with a country code,
    in regions other than ``default``: the evidence :func:`column_regions` counts."""
    intl = values.cast(pl.String).str.strip_chars().str.contains(r"^(\+|00|810)")
    return (
        out.select("region", "e164", "status")
        .with_columns(intl.alias("_intl"))
        .filter(
            (pl.col("status") == "ok")
            & pl.col("_intl")
            & pl.col("region").ne_missing(pl.lit(default, dtype=pl.String))
        )
        .select("region", "e164")
        .unique()
        .sort("region", "e164")
    )


def column_regions(out: pl.DataFrame, values: pl.Series, default: str | None) -> list[str]:
    """Regions of the column's valid numbers written with a country code (at least
    :data:`MIN_EVIDENCE` distinct numbers each), other than ``default``."""
    found = (
        region_numbers(out, values, default)
        .group_by("region")
        .agg(pl.col("e164").n_unique().alias("n"))
        .filter(pl.col("n") >= MIN_EVIDENCE)
    )
    return sorted(found["region"].to_list())


def infer(
    out: pl.DataFrame,
    values: pl.Series,
    defaults: pl.Series | None,
    *,
    region: str | None,
    regions: Sequence[str] | None,
    hints: pl.Series | None,
    fallback: str | None = None,
) -> pl.DataFrame:
    """``out`` (row-aligned details) with national numbers re-read where the data says where.

    Adds the ``reason`` column (null, ``region_inferred`` or ``ambiguous_region``). In a cell
    holding several numbers each national number is re-read on its own (the cell keeps the
    first valid number, the others go to ``extra``). ``fallback``: the fallback region the
    numbers were first read with.
    """
    reason = pl.repeat(None, out.height, dtype=pl.String, eager=True).alias("reason")
    evidence = list(regions) if regions is not None else column_regions(out, values, region)
    if not evidence and hints is None:
        return out.with_columns(reason)
    v = values.cast(pl.String)
    cand = out.select("status").with_columns(
        v.alias("v"),
        (defaults if defaults is not None else pl.lit(region, dtype=pl.String)).alias("d"),
        (hints if hints is not None else pl.lit(None, dtype=pl.String)).alias("h"),
        pl.int_range(out.height).alias("i"),
    )
    cand = cand.filter(pl.col("status").is_in([*_RETRY, MULTIPLE_NUMBERS]))
    if cand.height == 0:
        return out.with_columns(reason)
    names = [c for c in _FIELDS if c in out.columns]
    # only the candidate rows are read into Python (position j = the j-th candidate), and
    # written back by row index at the end: a 20M-row column never becomes a Python list
    idx = cand["i"]
    rows = {c: out[c].gather(idx).to_list() for c in names}
    extra = out["extra"].gather(idx).to_list() if "extra" in out.columns else None
    parts = out["parts"].gather(idx).to_list() if "parts" in out.columns else None
    reasons: list[str | None] = [None] * cand.height
    cache: dict[tuple[str, str | None, bool], tuple] = {}

    # whole-cell readings of the candidates in every evidence region, column-wise through the
    # fast path first (the scalar parse below only runs for what it leaves over)
    if evidence:
        vals = cand.select(pl.col("v").unique()).filter(
            pl.col("v").is_not_null() & ~pl.col("v").str.contains(_INTERNATIONAL.pattern)
        )
        pairs = vals.join(pl.DataFrame({"r": evidence}, schema={"r": pl.String}), how="cross")
        done, _ = fast_path(pairs)
        for row in done.select("v", "r", *_FIELDS).iter_rows():
            cache[(row[0], row[1], True)] = tuple(row[2:])

    def read(value: str, r: str | None, whole: bool = True) -> tuple:
        if (value, r, whole) not in cache:
            result = parse_cell(value, r)[0] if whole else safe_part(value, r, fallback)
            cache[(value, r, whole)] = as_tuple(result)
        return cache[(value, r, whole)]

    def hits(value: str, d: str | None, h: str | None, whole: bool) -> list[tuple]:
        """Readings of a national number in the regions the row, else the column, points to."""
        if _INTERNATIONAL.match(value):
            return []
        if h is not None and h != d and (t := read(value, h, whole))[1] == "ok":
            return [t]
        found = [t for r in evidence if r != d and (t := read(value, r, whole))[1] == "ok"]
        # regions that share a country code (US/CA, RU/KZ, GB/JE) read a national number as
        # the same number: one reading, not an ambiguity
        distinct: dict[str | None, tuple] = {}
        for t in found:
            distinct.setdefault(t[0], t)
        return list(distinct.values())

    for i, (value, status, d, h) in enumerate(cand.select("v", "status", "d", "h").iter_rows()):
        pieces = prepare_cell(value)
        if not isinstance(pieces, PhoneResult) and len(pieces) > 1:
            # several numbers in one cell: each national one is read on its own
            known = extra[i].count(", ") + 1 if extra is not None and extra[i] else 0
            if status == MULTIPLE_NUMBERS and known + 1 >= len(pieces):
                continue  # every piece is a valid number already
            results, inferred, ambiguous = [], False, False
            for piece in pieces:
                res = from_tuple(read(piece, d, False))
                if res.status in _RETRY:
                    hit = hits(piece, d, h, False)
                    if len(hit) == 1:
                        res, inferred = from_tuple(hit[0]), True
                    ambiguous |= len(hit) > 1
                results.append(res)
            if not (inferred or ambiguous):
                continue
            cell = combine(results)
            if cell.e164 is None and ambiguous:
                cell = PhoneResult(None, AMBIGUOUS_REGION)
            for name, x in zip(_FIELDS, as_tuple(cell), strict=True):
                if name in rows:
                    rows[name][i] = x
            if extra is not None:
                extra[i] = ", ".join(cell.extra) or None
            if parts is not None:
                parts[i] = [
                    {**dict(zip(_FIELDS, as_tuple(r), strict=True)), "part": k}
                    for k, r in enumerate(results, 1)
                ]
            reasons[i] = REGION_INFERRED if inferred else AMBIGUOUS_REGION
            continue
        if status not in _RETRY:
            continue
        hit = hits(value, d, h, True)
        if len(hit) == 1:
            for name, x in zip(rows, hit[0], strict=True):
                rows[name][i] = x
            reasons[i] = REGION_INFERRED
        elif len(hit) > 1:
            rows["status"][i] = AMBIGUOUS_REGION
            reasons[i] = AMBIGUOUS_REGION
        if parts is not None and hit:
            # the one number of the cell (multiple="explode" reads these)
            parts[i] = [{**{n: rows[n][i] for n in _FIELDS}, "part": 1}]
    updated = [pl.Series(name, vals, dtype=out.schema[name]) for name, vals in rows.items()]
    if extra is not None:
        updated.append(pl.Series("extra", extra, dtype=pl.String))
    if parts is not None:
        updated.append(pl.Series("parts", parts, dtype=out.schema["parts"]))
    changes = pl.DataFrame(
        [
            idx.cast(pl.UInt32).alias("__i"),
            *[s.alias(f"__new_{s.name}") for s in updated],
            pl.Series("__new_reason", reasons, dtype=pl.String),
        ]
    ).with_columns(__hit=pl.lit(True))
    merged = (
        out.with_columns(reason)
        .with_row_index("__i")
        .join(changes, on="__i", how="left", maintain_order="left")
    )
    changed = pl.col("__hit").fill_null(False)
    return merged.select(
        [
            pl.when(changed).then(pl.col(f"__new_{c}")).otherwise(pl.col(c)).alias(c)
            if f"__new_{c}" in merged.columns
            else pl.col(c)
            for c in [*out.columns, "reason"]
        ]
    )
