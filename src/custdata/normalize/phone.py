"""Phone numbers: E.164 form, number type, region, extension and a reason code per cell.

Built on `phonenumbers` (Google's libphonenumber metadata). For speed, values are normalized
once per distinct ``(value, default region)`` pair, and common formats go through a vectorized
replay of phonenumbers' own algorithm (:mod:`custdata.normalize._phone_fast`); everything else
goes through the scalar reference (:mod:`custdata.normalize._phone_core`), in worker processes
when there is a lot of it. See ``docs/normalize/phones.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

import polars as pl

from custdata._workers import check_workers, map_chunks
from custdata.errors import InvalidOption
from custdata.frames import as_expr, check_columns, columns_arg, refuse_clashes
from custdata.normalize._common import one_chunk
from custdata.normalize._phone_core import (
    STATUSES,
    TUPLE_FIELDS,
    PhoneResult,
    as_tuple,
    combine,
    format_many,
    from_tuple,
    parse_cell,
    parse_parts_many,
    prepare_cell,
)
from custdata.normalize._phone_fast import fast_path
from custdata.normalize._phone_region import AMBIGUOUS_REGION, REGION_INFERRED, infer, row_hints
from custdata.normalize._region_codes import REGION_NAMES as REGION_NAMES
from custdata.normalize._region_codes import _check_region, _region_values

__all__ = [
    "AMBIGUOUS_REGION",
    "phone_regions",
    "REGION_INFERRED",
    "PhoneResult",
    "STATUSES",
    "parse_phone",
    "phone",
    "phone_details",
    "phones",
]

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
            fallback=fallback,
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


def _struct_dtype(formats: bool, parts: bool) -> pl.Struct:
    fields: dict[str, PolarsDataType] = {
        k: t for k, t in _PART_FIELDS.items() if formats or k not in ("national", "international")
    }
    fields["extra"] = pl.String
    fields["reason"] = pl.String
    if parts:
        part_fields = {k: t for k, t in fields.items() if k not in ("extra", "reason")}
        fields["parts"] = pl.List(pl.Struct({**part_fields, "part": pl.Int32}))
    return pl.Struct(fields)


def _details_expr(
    col: str | pl.Expr,
    *,
    region: str | None,
    region_column: str | pl.Expr | None,
    formats: bool,
    parts: bool,
    workers: int | None,
    fallback_region: str | None = None,
    infer_region: bool = True,
    regions: Iterable[str] | None = None,
    hint_columns: str | pl.Expr | Iterable[str | pl.Expr] | None = None,
) -> pl.Expr:
    region = _check_region(region)
    fallback = _check_region(fallback_region)
    check_workers(workers)
    hint_regions = None if regions is None else [_check_region(r) for r in regions]
    if isinstance(hint_columns, (str, pl.Expr)):
        hint_columns = [hint_columns]
    hint_list = list(hint_columns or [])
    dtype = _struct_dtype(formats, parts)
    names = list(dtype.to_schema())

    def run(
        values: pl.Series, regions: pl.Series | None, hints: pl.Series | None = None
    ) -> pl.Series:
        out = _details_frame(
            values,
            regions,
            region=region,
            formats=formats,
            parts=parts,
            workers=workers,
            fallback=fallback,
            infer_region=infer_region,
            hint_regions=hint_regions,
            hints=hints,
        )
        return out.select(names).to_struct(values.name)

    expr = as_expr(col)
    if region_column is None and not hint_list:
        return expr.map_batches(lambda s: run(s, None), return_dtype=dtype, is_elementwise=True)
    packed = [expr.cast(pl.String).alias("v")]
    if region_column is not None:
        packed.append(as_expr(region_column).cast(pl.String).alias("r"))
    if hint_list:
        hint_text = pl.concat_str(
            [as_expr(h).cast(pl.String) for h in hint_list], separator="\x1f", ignore_nulls=True
        )
        packed.append(hint_text.alias("h"))
    both = pl.struct(packed)

    def run_pair(s: pl.Series) -> pl.Series:
        fields = set(s.struct.unnest().columns)
        return run(
            s.struct.field("v"),
            s.struct.field("r") if "r" in fields else None,
            s.struct.field("h") if "h" in fields else None,
        ).alias(s.name)

    name = col if isinstance(col, str) else expr.meta.output_name(raise_if_undetermined=False)
    out = both.map_batches(run_pair, return_dtype=dtype, is_elementwise=True)
    return out.alias(name) if name else out


def phone(
    col: str | pl.Expr,
    *,
    region: str | None = "RU",
    region_column: str | pl.Expr | None = None,
    fallback_region: str | None = None,
    infer_region: bool = True,
    regions: Iterable[str] | None = None,
    hints: str | pl.Expr | Iterable[str | pl.Expr] | None = None,
) -> pl.Expr:
    """E.164 form of each phone number; null where the cell holds no valid number.

    ``region`` is the default region (ISO code) for numbers written without ``+``;
    ``region_column`` names a column with a per-row region (ISO code or country name; empty or
    unknown cells fall back to ``region``); ``fallback_region`` is tried for numbers without ``+``
    the default region rejects. A cell with several numbers gives its first valid one.
    ``infer_region`` (on by default) re-reads a national number the default region rejects in
    the one region the data points to: ``regions`` (the column's regions, e.g. computed on a
    Spark driver; default: the regions of the column's own numbers written with a country code,
    so a batch's result may depend on its other rows) and ``hints`` (columns whose text points to
    a region: name, city, address, country).

    >>> df = pl.DataFrame({"tel": ["8 (912) 345-67-89", "+7 913 000-11-22 доб. 5", "нет",
    ...                            "050 123 45 67"]})
    >>> df.select(phone("tel"))["tel"].to_list()
    ['+79123456789', '+79130001122', None, None]
    >>> df.select(phone("tel", region="UA"))["tel"].to_list()[3]
    '+380501234567'
    >>> df.select(phone("tel", regions=["UA"]))["tel"].to_list()[3]
    '+380501234567'
    """
    details = _details_expr(
        col,
        region=region,
        region_column=region_column,
        formats=False,
        parts=False,
        workers=None,
        fallback_region=fallback_region,
        infer_region=infer_region,
        regions=regions,
        hint_columns=hints,
    )
    name = col if isinstance(col, str) else col.meta.output_name(raise_if_undetermined=False)
    field = details.struct.field("e164")
    return field.alias(name) if name else field


def phone_details(
    col: str | pl.Expr,
    *,
    region: str | None = "RU",
    region_column: str | pl.Expr | None = None,
    formats: bool = False,
    workers: int | None = None,
    fallback_region: str | None = None,
    infer_region: bool = True,
    regions: Iterable[str] | None = None,
    hints: str | pl.Expr | Iterable[str | pl.Expr] | None = None,
) -> pl.Expr:
    """Struct of phone details per cell: ``e164``, ``status``, ``type``, ``region``, ``ext``,
    ``possible``, ``extra``, ``reason`` (+ ``national`` and ``international`` with
    ``formats=True``). Region inference options as in :func:`phone`.

    >>> df = pl.DataFrame({"tel": ["8-912-345-67-89, 8-913-000-11-22", "112"]})
    >>> out = df.select(phone_details("tel")).unnest("tel")
    >>> out.select("e164", "status", "extra").rows()
    [('+79123456789', 'multiple_numbers', '+79130001122'), (None, 'too_short', None)]
    """
    return _details_expr(
        col,
        region=region,
        region_column=region_column,
        formats=formats,
        parts=False,
        workers=workers,
        fallback_region=fallback_region,
        infer_region=infer_region,
        regions=regions,
        hint_columns=hints,
    )


@refuse_clashes
def phones(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: str | Iterable[str],
    *,
    region: str | None = "RU",
    region_column: str | None = None,
    fallback_region: str | None = None,
    multiple: Literal["first", "explode"] = "first",
    formats: bool = False,
    in_place: bool = False,
    workers: int | None = None,
    infer_region: bool = True,
    regions: Iterable[str] | None = None,
    hints: str | Iterable[str] | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Normalize phone columns: add ``<col>_e164``, ``<col>_status``, ``<col>_type``,
    ``<col>_region``, ``<col>_ext``, ``<col>_possible``, ``<col>_extra`` and ``<col>_reason``.

    - ``region``: default region (ISO code) for numbers without ``+`` (``None``: ``+`` numbers
      only).
    - ``region_column``: column with a per-row region; empty/unknown cells use ``region``.
    - ``fallback_region``: second region tried for numbers without ``+`` that the row's region
      rejects (a Russian CRM with Ukrainian customers: ``region="RU", fallback_region="UA"``
      reads ``050 123 45 67`` as ``+380501234567``).
    - ``multiple="first"``: a cell holding several numbers keeps the first valid one in
      ``<col>_e164``, gets status ``multiple_numbers`` and lists the other valid numbers in
      ``<col>_extra`` (``", "``-separated E.164). ``multiple="explode"``: one row per number
      in such cells (one column only), with ``<col>_part`` = 1, 2, ... and no ``<col>_extra``;
      the only case where the row count changes.
    - ``formats=True`` adds ``<col>_national`` and ``<col>_international``.
    - ``in_place=True`` writes the E.164 value over ``<col>`` instead of adding ``<col>_e164``
      (cells without a valid number keep their text; the status says why).
    - ``workers``: processes for values the fast path does not cover (default: up to 2, only when
      there are many; 1 = never start processes).
    - ``infer_region`` (default on): a national number the row's region rejects is re-read in
      the regions the data points to. Column evidence: ``regions`` if given, else the regions
      of the column's own numbers written with a country code (two distinct numbers or more),
      so the result for a row may depend on the other rows of the frame (or of the batch or
      partition it is processed in; pass ``regions=`` computed over the whole data to avoid
      that). Row evidence: the ``hints`` columns (name, city, address, country: a country name,
      a big city, Ukrainian letters і ї є ґ), tried first. Valid in exactly one region: status
      ``ok``, ``<col>_reason`` = ``region_inferred``; in several: status and reason
      ``ambiguous_region``, no number.

    Row count and order are preserved (except ``multiple="explode"``); a bad value never raises.

    >>> df = pl.DataFrame({"tel": ["8 (912) 345-67-89", "+7 (___) ___-__-__", None]})
    >>> phones(df, "tel").select("tel_e164", "tel_status", "tel_type").rows()
    [('+79123456789', 'ok', 'mobile'), (None, 'junk', None), (None, 'empty', None)]
    >>> two = pl.DataFrame({"id": [1], "tel": ["+7 912 345-67-89; +380 50 123 4567"]})
    >>> phones(two, "tel", multiple="explode").select("id", "tel_e164", "tel_part").rows()
    [(1, '+79123456789', 1), (1, '+380501234567', 2)]
    """
    cols = columns_arg(columns)
    if multiple not in ("first", "explode"):
        raise InvalidOption(f"multiple must be 'first' or 'explode', not {multiple!r}")
    if multiple == "explode" and len(cols) != 1:
        raise InvalidOption(
            "multiple='explode' works on one phone column at a time: give one "
            "column, or run phones() once per column"
        )
    hint_cols = [hints] if isinstance(hints, str) else list(hints or [])
    check_columns(frame, cols + ([region_column] if region_column else []) + hint_cols)
    frame = one_chunk(frame, cols + ([region_column] if region_column else []) + hint_cols)
    explode = multiple == "explode"
    out = frame
    for col in cols:
        tmp = f"__custdata_phone_{col}"
        details = _details_expr(
            col,
            region=region,
            region_column=region_column,
            formats=formats,
            parts=explode,
            workers=workers,
            fallback_region=fallback_region,
            infer_region=infer_region,
            regions=regions,
            hint_columns=hint_cols,
        )
        out = out.with_columns(details.alias(tmp))
        names = ["e164", "status", "type", "region", "ext", "possible"]
        if formats:
            names += ["national", "international"]
        if explode:
            out = out.with_columns(pl.col(tmp).struct.field("parts").alias(tmp)).explode(tmp)
            names.append("part")
        else:
            names += ["extra", "reason"]
        new = [pl.col(tmp).struct.field(n).alias(f"{col}_{n}") for n in names]
        if in_place:  # cells without a valid number keep their text: nothing is lost
            new[0] = pl.coalesce(
                pl.col(tmp).struct.field("e164"), pl.col(col).cast(pl.String)
            ).alias(col)
        out = out.with_columns(new).drop(tmp)
    return out


def parse_phone(
    value: object,
    *,
    region: str | None = "RU",
    fallback_region: str | None = None,
    formats: bool = False,
    regions: Iterable[str] | None = None,
) -> PhoneResult:
    """Normalize one phone value (web forms, single checks). Never raises on a bad value.

    ``regions``: the regions the data points to; a national number ``region`` rejects that is
    valid in exactly one of them is read there (status ``ok``), in several: ``ambiguous_region``.

    >>> r = parse_phone("8 (912) 345-67-89 доб. 12")
    >>> r.e164, r.status, r.type, r.region, r.extension
    ('+79123456789', 'ok', 'mobile', 'RU', '12')
    >>> parse_phone("+44 20 7946 0958", formats=True).national
    '020 7946 0958'
    >>> parse_phone("12345").status
    'too_short'
    >>> parse_phone("050 123 45 67", fallback_region="UA").e164
    '+380501234567'
    >>> parse_phone("050 123 45 67", regions=["UA", "BY"]).status
    'ok'
    """
    code = _check_region(region)
    cell, _ = parse_cell(value, code, formats=formats, fallback=_check_region(fallback_region))
    if regions is not None and cell.status != "ok" and value is not None:
        out = infer(
            pl.DataFrame(
                [(*as_tuple(cell), ", ".join(cell.extra) or None)],
                schema={f: _PART_FIELDS[f] for f in TUPLE_FIELDS} | {"extra": pl.String},
                orient="row",
            ),
            pl.Series([str(value)]),
            None,
            region=code,
            regions=[_check_region(r) for r in regions],
            hints=None,
        )
        row = out.row(0, named=True)
        if row["reason"] == REGION_INFERRED and row["status"] != "ok":
            # several numbers in the cell, each read in its own region
            main = parse_cell(row["e164"], None, formats=formats)[0] if row["e164"] else cell
            cell = dataclasses.replace(
                main,
                status=row["status"],
                extension=row["ext"],
                extra=tuple(row["extra"].split(", ")) if row["extra"] else (),
            )
        elif out["reason"][0] == REGION_INFERRED:
            region_code = out["region"][0]
            cell, _ = parse_cell(value, region_code, formats=formats)
        elif out["reason"][0] == AMBIGUOUS_REGION:
            cell = dataclasses.replace(cell, status=AMBIGUOUS_REGION)
    return cell


def phone_region_numbers(
    values: pl.Series | Iterable[object], *, region: str | None = "RU"
) -> pl.DataFrame:
    """The evidence behind :func:`phone_regions`: distinct ``(region, e164)`` of the valid
    numbers written with a country code whose region is not ``region``.

    A region counts as evidence with two distinct numbers or more, so evidence gathered in
    batches (keep, per region, up to two distinct numbers) decides as the whole column would.

    >>> phone_region_numbers(["+380 50 123 45 67", "8 912 345-67-89"]).rows()
    [('UA', '+380501234567')]
    """
    from custdata.normalize._phone_region import region_numbers

    code = _check_region(region)
    series = values if isinstance(values, pl.Series) else pl.Series(list(values), dtype=pl.String)
    series = series.cast(pl.String)
    out = _details_frame(series, None, region=code, infer_region=False)
    return region_numbers(out, series, code)


def phone_regions(values: pl.Series | Iterable[object], *, region: str | None = "RU") -> list[str]:
    """The regions a phone column points to: the regions (other than ``region``) of its valid
    numbers written with a country code, two distinct numbers or more each.

    This is the column evidence :func:`phones` uses for region inference when ``regions=`` is
    not given. Compute it once over all the data (a Spark driver, a whole file) and pass it as
    ``regions=`` so each batch or partition gives the same result for a row.

    >>> phone_regions(["+380 50 123 45 67", "+38 (067) 984-64-52", "8 912 345-67-89"])
    ['UA']
    """
    from custdata.normalize._phone_region import column_regions

    code = _check_region(region)
    series = values if isinstance(values, pl.Series) else pl.Series(list(values), dtype=pl.String)
    series = series.cast(pl.String)
    out = _details_frame(series, None, region=code, infer_region=False)
    return column_regions(out, series, code)
