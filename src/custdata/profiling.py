"""Data quality profile of a customer table: fill, validity, junk, duplicates.

:func:`profile` returns a plain :class:`Profile` dataclass (``to_dict()`` / ``to_json()`` for
machines); :func:`profile_html` renders it as a self-contained offline HTML page with inline SVG
charts. Nothing here prints: the terminal summary is drawn by the CLI.

Validity uses the normalizers on the *distinct* values of a column (weighted by their counts),
so the cost grows with the number of different values, not with the number of rows.
Top values of personal-data columns are masked (``+7 912 ***-**-89``) unless
``show_values=True``.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

from custdata import normalize as _norm
from custdata.junk import junk_expr
from custdata.privacy.mask import PII_KINDS, column_kinds, masked
from custdata.status import EMPTY, JUNK, VALID

#: Kinds whose validity is checked with a normalizer (its ``<column>_status``).
VALIDATED_KINDS: tuple[str, ...] = ("phone", "email", "full_name", "birth_date", "gender")


@dataclass
class ColumnProfile:
    """Quality figures of one column. Rates are fractions in [0, 1]."""

    name: str
    dtype: str
    kind: str
    rows: int
    filled: int
    empty: int
    junk: int
    distinct: int
    fill_rate: float
    junk_share: float
    valid: int | None = None
    invalid: int | None = None
    validity_rate: float | None = None
    invalid_reasons: list[tuple[str, int]] = field(default_factory=list)
    top_values: list[tuple[str, int]] = field(default_factory=list)
    top_values_masked: bool = False


@dataclass
class DuplicateEstimate:
    """Cheap estimate of duplicate people: rows sharing a normalized phone or email key with an
    earlier row. A lower bound of what full dedupe finds (it also matches on names)."""

    keys: list[str]
    duplicate_rows: int
    estimated_people: int
    rows_without_key: int
    by_key: dict[str, int] = field(default_factory=dict)


@dataclass
class Profile:
    """The profile of a whole table (see :func:`profile`)."""

    rows: int
    columns: list[ColumnProfile]
    duplicates: DuplicateEstimate

    def column(self, name: str) -> ColumnProfile:
        """The profile of column ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready): tuples become lists."""
        return json.loads(json.dumps(asdict(self)))

    def to_json(self, *, indent: int | None = 2) -> str:
        """JSON text of :meth:`to_dict` (UTF-8 safe, non-ASCII kept)."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=indent)


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _validate(
    counts: pl.DataFrame, column: str, kind: str, region: str, fallback_region: str | None
) -> pl.DataFrame:
    """Status of each distinct value (frame with ``v``, ``n`` and ``status``)."""
    frame = counts.select(pl.col("v"), pl.col("n"))
    if kind == "phone":
        out = _norm.phones(frame, "v", region=region, fallback_region=fallback_region)
    elif kind == "email":
        out = _norm.emails(frame, "v")
    elif kind == "full_name":
        out = _norm.names(frame, "v")
    elif kind == "gender":
        out = _norm.genders(frame, "v")
    else:
        out = _norm.birth_dates(frame, "v")
    return out.select("v", "n", pl.col("v_status").alias("status"))


def _value_counts(series: pl.Series) -> pl.DataFrame:
    """Each distinct value of ``series`` as text (``v``) with its count (``n``)."""
    if series.dtype.is_nested() or series.dtype == pl.Object:
        text = pl.Series(
            "v", [None if v is None else str(v) for v in series.to_list()], dtype=pl.String
        )
    else:
        text = series.cast(pl.String).alias("v")
    return pl.DataFrame({"v": text}).group_by("v").agg(pl.len().cast(pl.Int64).alias("n"))


def _column_profile(
    value_counts: pl.DataFrame,
    name: str,
    dtype: str,
    kind: str,
    rows: int,
    *,
    top: int,
    show_values: bool,
    region: str,
    fallback_region: str | None = None,
) -> ColumnProfile:
    """The profile of one column from the counts of its distinct values (:func:`_value_counts`)."""
    counts = value_counts.with_columns(
        empty=pl.col("v").is_null() | (pl.col("v").str.strip_chars() == ""),
        junk=junk_expr("v").fill_null(False),
    ).sort(["n", "v"], descending=[True, False], nulls_last=True)
    empty = int(counts.filter("empty")["n"].sum())
    junk = int(counts.filter(~pl.col("empty") & pl.col("junk"))["n"].sum())
    real = counts.filter(~pl.col("empty") & ~pl.col("junk"))
    filled = rows - empty - junk
    result = ColumnProfile(
        name=name,
        dtype=dtype,
        kind=kind,
        rows=rows,
        filled=filled,
        empty=empty,
        junk=junk,
        distinct=real.height,
        fill_rate=_rate(filled, rows),
        junk_share=_rate(junk, rows),
    )
    if kind in VALIDATED_KINDS and real.height:
        statuses = _validate(real, name, kind, region, fallback_region)
        ok = statuses.filter(pl.col("status").is_in(list(VALID)))
        bad = statuses.filter(~pl.col("status").is_in([*VALID, EMPTY, JUNK]))
        # a normalizer may call more placeholders junk than the shared list does
        late_junk = int(statuses.filter(pl.col("status").is_in([EMPTY, JUNK]))["n"].sum())
        result.valid = int(ok["n"].sum())
        result.invalid = int(bad["n"].sum())
        result.validity_rate = _rate(result.valid, result.valid + result.invalid)
        if late_junk:
            result.junk += late_junk
            result.filled -= late_junk
            result.fill_rate = _rate(result.filled, rows)
            result.junk_share = _rate(result.junk, rows)
            placeholders = statuses.filter(pl.col("status").is_in([EMPTY, JUNK]))["v"]
            real = real.filter(~pl.col("v").is_in(placeholders.implode()))
            result.distinct = real.height
        reasons = (
            bad.group_by("status")
            .agg(pl.col("n").sum())
            .sort(["n", "status"], descending=[True, False])
            .head(5)
        )
        result.invalid_reasons = [(s, int(n)) for s, n in reasons.iter_rows()]
    head = real.head(top)
    if head.height and head["n"].max() == 1 and real.height > top:
        head = head.clear()  # every value unique (ids): top values say nothing
    if head.height:
        protect = kind in PII_KINDS and not show_values
        shown = (
            head.select(masked("v", kind=kind, region=region, fallback_region=fallback_region), "n")
            if protect
            else head.select("v", "n")
        )
        result.top_values = [(str(v), int(n)) for v, n in shown.iter_rows()]
        result.top_values_masked = protect
    return result


class ProfileBuilder:
    """A :class:`Profile` built batch by batch, equal to :func:`profile` of the whole table.

    Every figure is merged exactly: value counts are summed per distinct value (so distinct
    counts, top values, fill, junk and validity, which is judged once on the merged distinct
    values, are those of the whole table), and the duplicate estimate keeps the set of keys
    seen so far, so "a key seen in an earlier row" spans batches. Memory grows with the
    number of distinct values, not of rows. What must be decided over the whole table comes
    in: ``kinds`` (every column's kind) and ``regions`` (each phone column's regions, see
    :func:`custdata.normalize.phone_regions`), so that phone keys are read as in one piece.
    ``region`` and ``fallback_region``: as in :func:`profile`.

    >>> df = pl.DataFrame({"email": ["a@x.ru", "b@x.ru", "A@x.ru", None]})
    >>> b = ProfileBuilder(df.schema, {"email": "email"})
    >>> for i in range(0, 4, 3):
    ...     b.add(df.slice(i, 3))
    >>> p = b.result()
    >>> p.rows, p.column("email").distinct, p.duplicates.duplicate_rows
    (4, 3, 1)
    """

    def __init__(
        self,
        schema: Mapping[str, pl.DataType] | pl.Schema,
        kinds: Mapping[str, str],
        *,
        regions: Mapping[str, list[str]] | None = None,
        region: str = "RU",
        fallback_region: str | None = None,
    ) -> None:
        self.schema = dict(schema)
        self.kinds = dict(kinds)
        self.region = region
        self.fallback_region = fallback_region
        self.rows = 0
        self._counts: dict[str, pl.DataFrame | None] = dict.fromkeys(self.schema)
        self._pending: dict[str, list[pl.DataFrame]] = {name: [] for name in self.schema}
        self._keys: list[tuple[str, pl.Expr]] = []
        for column, kind in self.kinds.items():
            if kind == "phone":
                found = None if regions is None else regions.get(column)
                key = _norm.phone(
                    column, region=region, fallback_region=fallback_region, regions=found
                )
            elif kind == "email":
                key = _norm.email_key(column)
            else:
                continue
            self._keys.append((column, key.alias(f"k{len(self._keys)}")))
        self._seen = [pl.Series(dtype=pl.String) for _ in self._keys]
        self._repeats = [0] * len(self._keys)
        self._duplicate_rows = 0
        self._without_key = 0

    def add(self, batch: pl.DataFrame) -> None:
        """Count one batch (any number of rows; batches in the table's row order)."""
        self.rows += batch.height
        for name in self.schema:
            pending = self._pending[name]
            pending.append(_value_counts(batch[name]))
            done = self._counts[name]
            if sum(p.height for p in pending) >= (0 if done is None else done.height):
                self._compact(name)  # merged when the new counts outgrow the old: linear time
        if self._keys:
            self._add_keys(batch)

    def _compact(self, name: str) -> None:
        done = self._counts[name]
        parts = ([] if done is None else [done]) + self._pending[name]
        if not parts:
            return
        self._counts[name] = (
            pl.concat(parts).group_by("v").agg(pl.col("n").sum()) if len(parts) > 1 else parts[0]
        )
        self._pending[name] = []

    def _add_keys(self, batch: pl.DataFrame) -> None:
        keys = batch.select([key for _, key in self._keys])
        repeats = []
        for i, name in enumerate(keys.columns):
            key = keys[name].cast(pl.String)
            new = key.is_not_null() & key.is_first_distinct()
            if self._seen[i].len():
                new = new & ~key.is_in(self._seen[i].implode()).fill_null(False)
            repeat = key.is_not_null() & ~new
            self._repeats[i] += int(repeat.sum())
            self._seen[i] = pl.concat([self._seen[i], key.filter(new)]).rechunk()
            repeats.append(repeat.alias(name))
        flags = pl.DataFrame(repeats).select(pl.any_horizontal(pl.all()).alias("d"))
        self._duplicate_rows += int(flags["d"].sum())
        no_key = keys.select(pl.all_horizontal(pl.all().is_null()).alias("x"))
        self._without_key += int(no_key["x"].sum())

    def result(self, *, top: int = 5, show_values: bool = False) -> Profile:
        """The profile of every batch added so far."""
        columns = []
        for name, dtype in self.schema.items():
            self._compact(name)
            counts = self._counts[name]
            if counts is None:
                counts = pl.DataFrame(schema={"v": pl.String, "n": pl.Int64})
            columns.append(
                _column_profile(
                    counts,
                    name,
                    str(dtype),
                    self.kinds.get(name, "text"),
                    self.rows,
                    top=top,
                    show_values=show_values,
                    region=self.region,
                    fallback_region=self.fallback_region,
                )
            )
        if self._keys:
            duplicates = DuplicateEstimate(
                keys=[column for column, _ in self._keys],
                duplicate_rows=self._duplicate_rows,
                estimated_people=self.rows - self._duplicate_rows,
                rows_without_key=self._without_key,
                by_key={c: n for (c, _), n in zip(self._keys, self._repeats, strict=True)},
            )
        else:
            duplicates = DuplicateEstimate(
                keys=[], duplicate_rows=0, estimated_people=self.rows, rows_without_key=self.rows
            )
        return Profile(rows=self.rows, columns=columns, duplicates=duplicates)


def phone_key_regions(
    frame: pl.DataFrame, kinds: Mapping[str, str], region: str = "RU"
) -> dict[str, list[str]]:
    """Each phone column's regions (:func:`custdata.normalize.phone_regions`), for
    :class:`ProfileBuilder`.

    >>> phone_key_regions(pl.DataFrame({"t": ["+380 50 123 45 67", "+380 67 984 64 52"]}),
    ...                   {"t": "phone"})
    {'t': ['UA']}
    """
    return {
        c: _norm.phone_regions(frame[c], region=region) for c, k in kinds.items() if k == "phone"
    }


def profile(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    kinds: Mapping[str, str] | None = None,
    top: int = 5,
    show_values: bool = False,
    region: str = "RU",
    fallback_region: str | None = None,
) -> Profile:
    """Profile every column: fill rate, distinct count, kind, validity, junk, top values.

    ``kinds`` overrides column kind detection (``{"tel": "phone"}``). Top values of personal
    data columns are masked unless ``show_values=True``. A LazyFrame is collected (to profile a
    file bigger than memory, use :func:`custdata.streaming.profile_file`). Phones without ``+``
    are read in ``region``, then in ``fallback_region`` when given (as
    :func:`custdata.normalize.phones` does).

    >>> df = pl.DataFrame({"email": ["ivan@mail.ru", "IVAN@mail.ru", "нет", None],
    ...                    "city": ["Москва", "Москва", "Тверь", ""]})
    >>> p = profile(df)
    >>> c = p.column("email")
    >>> (c.kind, c.fill_rate, c.junk, c.top_values_masked)
    ('email', 0.5, 1, True)
    >>> p.column("city").top_values
    [('Москва', 2), ('Тверь', 1)]
    >>> p.duplicates.duplicate_rows
    1
    >>> ua = pl.DataFrame({"tel": ["0975419469", "(073) 346-59-24"]})
    >>> [profile(ua, fallback_region=f).column("tel").valid for f in (None, "UA")]
    [0, 2]
    """
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    col_kinds = column_kinds(frame, kinds=kinds)
    builder = ProfileBuilder(
        frame.schema,
        col_kinds,
        regions=phone_key_regions(frame, col_kinds, region),
        region=region,
        fallback_region=fallback_region,
    )
    builder.add(frame)
    return builder.result(top=top, show_values=show_values)


def compare_profiles(before: Profile, after: Profile) -> list[dict[str, Any]]:
    """Fill and validity of each column before and after a cleaning step (for a summary).

    Columns only in ``after`` (added by normalizers) are left out; a column that was dropped
    has ``None`` after.

    >>> df = pl.DataFrame({"email": [" IVAN@mail.ru", "нет"]})
    >>> rows = compare_profiles(profile(df), profile(df.with_columns(pl.lit(None).alias("email"))))
    >>> rows[0]["column"], rows[0]["fill_before"], rows[0]["fill_after"]
    ('email', 0.5, 0.0)
    """
    after_by_name = {c.name: c for c in after.columns}
    out = []
    for b in before.columns:
        a = after_by_name.get(b.name)
        out.append(
            {
                "column": b.name,
                "kind": b.kind,
                "fill_before": b.fill_rate,
                "fill_after": a.fill_rate if a else None,
                "valid_before": b.validity_rate,
                "valid_after": a.validity_rate if a else None,
                "junk_before": b.junk,
                "junk_after": a.junk if a else None,
            }
        )
    return out


# --------------------------------------------------------------------------- HTML


def _bar_chart(title: str, items: list[tuple[str, float]], *, color: str) -> str:
    """Horizontal bar chart (values are fractions) as inline SVG."""
    if not items:
        return ""
    row_h, label_w, bar_w = 22, 220, 360
    height = row_h * len(items) + 30
    parts = [
        f'<svg role="img" aria-label="{html.escape(title)}" width="{label_w + bar_w + 70}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" '
        'font-size="12">',
        f'<text x="0" y="14" font-weight="bold">{html.escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = 24 + i * row_h
        width = 0 if value is None or math.isnan(value) else round(bar_w * value, 1)
        short = label if len(label) <= 30 else label[:29] + "…"
        parts += [
            f'<text x="0" y="{y + 14}">{html.escape(short)}</text>',
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="14" fill="#eee"/>',
            f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="14" fill="{color}"/>',
            f'<text x="{label_w + bar_w + 6}" y="{y + 14}">{value * 100:.1f}%</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def profile_html(result: Profile, *, title: str = "custdata quality profile") -> str:
    """A self-contained HTML page (inline CSS and SVG, no scripts, no network) for a profile.

    >>> page = profile_html(profile(pl.DataFrame({"a": ["x", None]})))
    >>> page.startswith("<!DOCTYPE html>"), "http" in page.replace("http://www.w3.org", "")
    (True, False)
    """
    esc = html.escape
    d = result.duplicates
    fill = _bar_chart(
        "Fill rate per column", [(c.name, c.fill_rate) for c in result.columns], color="#4a90d9"
    )
    validity = _bar_chart(
        "Validity rate (phones, emails, names, birth dates, genders)",
        [(c.name, c.validity_rate) for c in result.columns if c.validity_rate is not None],
        color="#5cb85c",
    )
    junk = _bar_chart(
        "Junk placeholders share",
        [(c.name, c.junk_share) for c in result.columns if c.junk],
        color="#d9534f",
    )
    rows_html = []
    for c in result.columns:
        reasons = ", ".join(f"{esc(r)} ({n:,})" for r, n in c.invalid_reasons) or "—"
        tops = "<br>".join(f"{esc(v)} ({n:,})" for v, n in c.top_values) or "—"
        if c.top_values_masked:
            tops += '<br><small class="muted">masked (personal data)</small>'
        rows_html.append(
            f"<tr><td>{esc(c.name)}</td><td>{esc(c.kind)}</td><td>{_pct(c.fill_rate)}</td>"
            f"<td>{c.distinct:,}</td><td>{_pct(c.validity_rate)}</td><td>{reasons}</td>"
            f"<td>{_pct(c.junk_share)}</td><td>{tops}</td></tr>"
        )
    keys = ", ".join(esc(k) for k in d.keys) or "no phone or email column"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
td, th {{ border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; font-size: 13px; }}
th {{ background: #f4f4f4; text-align: left; }}
.muted {{ color: #888; }} .cards span {{ display: inline-block; margin-right: 2em; }}
</style></head>
<body>
<h1>{esc(title)}</h1>
<p class="cards"><span><b>{result.rows:,}</b> rows</span>
<span><b>{len(result.columns)}</b> columns</span>
<span><b>{d.duplicate_rows:,}</b> likely duplicate rows</span>
<span><b>{d.estimated_people:,}</b> estimated people</span></p>
<p class="muted">Duplicates are estimated from repeated normalized keys of: {keys}.</p>
{fill}
{validity}
{junk}
<table>
<tr><th>column</th><th>kind</th><th>fill</th><th>distinct</th><th>valid</th>
<th>invalid reasons</th><th>junk</th><th>top values</th></tr>
{chr(10).join(rows_html)}
</table>
</body></html>
"""
