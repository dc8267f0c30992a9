"""The engine behind every phone call: one frame of details per cell (fast path, residual cells
through phonenumbers in worker processes, region inference, formats).

Private: :mod:`custdata.normalize.phone` is the public face.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, overload

import phonenumbers as pn
import polars as pl

from custdata._workers import map_chunks
from custdata.errors import InvalidOption
from custdata.normalize._phone_core import (
    TUPLE_FIELDS,
    PhoneResult,
    as_tuple,
    combine,
    format_many,
    from_tuple,
    parse_parts_many,
    prepare_cell,
)
from custdata.normalize._phone_fast import fast_path
from custdata.normalize._phone_region import infer, row_hints

#: Country names accepted in a region column besides ISO 3166 alpha-2 codes (compared casefolded).
REGION_NAMES: dict[str, str] = {
    "россия": "RU",
    "рф": "RU",
    "russia": "RU",
    "russian federation": "RU",
    "rus": "RU",
    "украина": "UA",
    "україна": "UA",
    "ukraine": "UA",
    "ukr": "UA",
    "казахстан": "KZ",
    "kazakhstan": "KZ",
    "kaz": "KZ",
    "беларусь": "BY",
    "белоруссия": "BY",
    "belarus": "BY",
    "blr": "BY",
    "сша": "US",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "великобритания": "GB",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "gbr": "GB",
    "германия": "DE",
    "germany": "DE",
    "deutschland": "DE",
    "deu": "DE",
}
_SUPPORTED = sorted(pn.SUPPORTED_REGIONS)

_PART_FIELDS: dict[str, PolarsDataType] = {
    "e164": pl.String,
    "status": pl.String,
    "type": pl.String,
    "region": pl.String,
    "ext": pl.String,
    "possible": pl.Boolean,
    "national": pl.String,
    "international": pl.String,
}

if TYPE_CHECKING:
    from polars._typing import PolarsDataType


@overload
def _check_region(region: str) -> str: ...
@overload
def _check_region(region: None) -> None: ...
@overload
def _check_region(region: str | None) -> str | None: ...
def _check_region(region: str | None) -> str | None:
    if region is None:
        return None
    code = REGION_NAMES.get(region.strip().casefold(), region.strip().upper())
    if code not in pn.SUPPORTED_REGIONS:
        raise InvalidOption(
            f"unknown region {region!r}: give an ISO 3166 two-letter code such as RU, UA, KZ, "
            "US, GB or DE"
        )
    return code


def _region_values(regions: pl.Series, default: str | None) -> pl.Series:
    """Per-row region codes: ISO codes or known country names; unknown or empty -> default."""
    r = regions.cast(pl.String).str.strip_chars()
    low = r.str.to_lowercase()
    code = pl.Series(low).replace(REGION_NAMES).str.to_uppercase()
    code = pl.select(
        pl.when(code.is_in(_SUPPORTED)).then(code).otherwise(pl.lit(default, dtype=pl.String))
    ).to_series()
    return code


def _run_scalar(
    items: list[tuple], *, workers: int | None, fallback: str | None = None
) -> list[tuple]:
    """:func:`parse_parts_many` over (piece, region) pairs, in worker processes if many."""
    return map_chunks(parse_parts_many, items, fallback, workers=workers)


def _formats_for(
    values: Iterable[str | None], workers: int | None = None
) -> dict[str, tuple[str, str]]:
    """National and international formats of distinct valid E.164 numbers."""
    distinct = sorted({v for v in values if v is not None})
    return dict(zip(distinct, map_chunks(format_many, distinct, workers=workers), strict=True))


def _residual_rows(
    residual: pl.DataFrame, *, parts: bool, workers: int | None, fallback: str | None = None
) -> list[tuple]:
    """Cells the fast path left: split into pieces, simple pieces through the fast path again,
    the others through phonenumbers; then combined per cell (:func:`combine`)."""
    keys = list(residual.iter_rows())
    preps = [prepare_cell(v) for v, _ in keys]
    need: dict[tuple[str, str | None], None] = {}
    for (_, r), prep in zip(keys, preps, strict=True):
        if not isinstance(prep, PhoneResult):
            for piece in prep:
                need[(piece, r)] = None
    lookup: dict[tuple[str, str | None], tuple] = {}
    # a lone piece equal to the cell already failed the fast path: straight to phonenumbers
    tried = {
        (prep[0], r)
        for (v, r), prep in zip(keys, preps, strict=True)
        if not isinstance(prep, PhoneResult) and len(prep) == 1 and prep[0] == v.strip()
    }
    retry = [key for key in need if key not in tried]
    items = [key for key in need if key in tried]
    if retry:
        pieces = pl.DataFrame(retry, schema={"v": pl.String, "r": pl.String}, orient="row")
        done, rest = fast_path(pieces, fallback)
        for row in done.select("v", "r", *TUPLE_FIELDS).iter_rows():
            lookup[(row[0], row[1])] = row[2:]
        items.extend(rest.iter_rows())
    lookup.update(zip(items, _run_scalar(items, workers=workers, fallback=fallback), strict=True))
    rows = []
    for prep, (_, r) in zip(preps, keys, strict=True):
        results = (
            [prep]
            if isinstance(prep, PhoneResult)
            else [from_tuple(lookup[piece, r]) for piece in prep]
        )
        cell = combine(results)
        row = (*as_tuple(cell), ", ".join(cell.extra) or None)
        if parts:
            row = (*row, [as_tuple(p) for p in results])
        rows.append(row)
    return rows


def _details_frame(
    values: pl.Series,
    regions: pl.Series | None,
    *,
    region: str | None,
    formats: bool = False,
    parts: bool = False,
    workers: int | None = None,
    fallback: str | None = None,
    infer_region: bool = True,
    hint_regions: list[str] | None = None,
    hints: pl.Series | None = None,
) -> pl.DataFrame:
    """Row-aligned frame of phone details for ``values`` (the engine behind every public call)."""
    v = values.cast(pl.String)
    if regions is None:  # one region: distinct values only, joined back on the value alone
        frame = pl.DataFrame({"v": v})
        unique = pl.DataFrame({"v": v.unique()}).with_columns(r=pl.lit(region, dtype=pl.String))
    else:
        frame = pl.DataFrame({"v": v, "r": _region_values(regions, region)})
        unique = frame.unique()
    done, residual = fast_path(unique, fallback)
    done = done.with_columns(extra=pl.lit(None, dtype=pl.String))
    fields = list(TUPLE_FIELDS)
    part_dtype = pl.Struct({**{f: _PART_FIELDS[f] for f in fields}, "part": pl.Int32})
    if parts:
        done = done.with_columns(
            parts=pl.concat_list(pl.struct(*fields, part=pl.lit(1, dtype=pl.Int32)))
        )
    rows = _residual_rows(residual, parts=parts, workers=workers, fallback=fallback)
    schema: dict[str, PolarsDataType] = {f: _PART_FIELDS[f] for f in fields} | {"extra": pl.String}
    if parts:
        rows = [
            (
                *row[:-1],
                [dict(zip(fields, p, strict=True), part=i) for i, p in enumerate(row[-1], 1)],
            )
            for row in rows
        ]
        schema["parts"] = pl.List(part_dtype)
    slow = pl.DataFrame(rows, schema=schema, orient="row")
    slow = pl.concat([residual.select("v", "r"), slow], how="horizontal")
    cols = ["v", "r", *schema]
    table = pl.concat([done.select(cols), slow.select(cols)], how="vertical_relaxed")
    keys = ["v"] if regions is None else ["v", "r"]
    out = (
        frame.select(keys)
        .join(
            table.drop([] if regions is not None else ["r"]),
            on=keys,
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
        .drop(keys)
    )
    if infer_region:
        out = infer(
            out,
            v,
            frame["r"] if regions is not None else None,
            region=region,
            regions=hint_regions,
            hints=row_hints(hints, REGION_NAMES) if hints is not None else None,
        )
    else:
        out = out.with_columns(reason=pl.lit(None, dtype=pl.String))
    if formats:
        e164s = out["e164"].drop_nulls().unique().to_list()
        if parts:
            e164s += [p["e164"] for ps in out["parts"].to_list() for p in ps]
        fmt = _formats_for(e164s, workers)
        nat = {k: f[0] for k, f in fmt.items()}
        intl = {k: f[1] for k, f in fmt.items()}
        out = out.with_columns(
            national=pl.col("e164").replace_strict(nat, default=None, return_dtype=pl.String),
            international=pl.col("e164").replace_strict(intl, default=None, return_dtype=pl.String),
        )
        if parts:
            out = out.with_columns(
                parts=pl.col("parts").list.eval(
                    pl.struct(
                        *[pl.element().struct.field(f) for f in fields],
                        national=pl.element()
                        .struct.field("e164")
                        .replace_strict(nat, default=None, return_dtype=pl.String),
                        international=pl.element()
                        .struct.field("e164")
                        .replace_strict(intl, default=None, return_dtype=pl.String),
                        part=pl.element().struct.field("part"),
                    )
                )
            )
    return out
