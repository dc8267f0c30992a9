"""The main job (``custdata.clean``): stack the sources, normalize every contact column,
find the same people, golden records.

``custdata clean`` is a thin wrapper around :func:`clean`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from custdata.normalize.auto import normalize_all, summaries
from custdata.progress import ProgressCallback, report
from custdata.schema import detect_columns, unify_sources

if TYPE_CHECKING:
    from custdata.dedupe.diagnostics import Diagnostic


@dataclass
class CleanResult:
    """What :func:`clean` produced.

    ``frame``: every input row, normalized columns beside the originals, plus ``cluster_id``,
    ``match_score``, ``match_reason`` and ``record_status`` (when dedupe ran; ``no_identity``
    for a row whose name, phones and emails are all empty or junk: it is kept but has no
    cluster and no golden record). ``golden``: one row per person (or None). ``columns``: the
    detected column kinds. ``validity``: valid/fixed/invalid/empty per normalized column.
    ``dedupe``: rows, clusters (people), duplicate rows, candidate pairs and ``no_identity`` rows.
    """

    frame: pl.DataFrame
    golden: pl.DataFrame | None
    columns: dict[str, list[str]]
    validity: dict[str, dict[str, int]] = field(default_factory=dict)
    dedupe: dict[str, int] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def clean(
    sources: pl.DataFrame | Mapping[str, pl.DataFrame],
    *,
    region: str = "RU",
    fallback_region: str | None = None,
    dayfirst: bool = True,
    dedupe: bool = True,
    golden: bool = True,
    threshold: float | None = None,
    progress: ProgressCallback | None = None,
) -> CleanResult:
    """Normalize → dedupe → golden records, on one table or several sources at once.

    Several sources (a mapping name -> frame) are stacked with :func:`~custdata.schema.unify_sources`
    (a ``source`` and ``source_row`` column say where each row came from, and detected columns get
    one vocabulary: ``phone``, ``email``, ``full_name``, ...). Row count and order are kept.
    ``progress`` receives a :class:`~custdata.progress.ProgressEvent` at each stage
    (normalizing kind k of n, then the dedupe stages, then golden).

    >>> crm = pl.DataFrame({"ФИО": ["Иванов Иван Иванович", "ИВАНОВ ИВАН"],
    ...                     "Телефон": ["8 (912) 345-67-89", "+79123456789"]})
    >>> result = clean(crm, golden=False)
    >>> result.frame["cluster_id"].n_unique(), result.frame["Телефон_e164"].to_list()
    (1, ['+79123456789', '+79123456789'])
    """
    from custdata import dedupe as dd

    if isinstance(sources, pl.DataFrame):
        frame = sources
    elif len(sources) == 1:
        frame = next(iter(sources.values()))
    else:
        frame = unify_sources(sources)
    kinds = detect_columns(frame)
    normalized = normalize_all(
        frame,
        columns=kinds,
        region=region,
        fallback_region=fallback_region,
        dayfirst=dayfirst,
        progress=progress,
    )
    result = CleanResult(frame=normalized, golden=None, columns=kinds)
    result.validity = summaries(frame, normalized, kinds)
    if not dedupe or frame.height == 0:
        return result
    # the normalized frame: dedupe reuses its phone, email, birth-date and gender columns
    # (normalized once, not twice)
    found = dd.deduplicate(
        normalized, columns=_dedupe_columns(kinds), threshold=threshold, progress=progress
    )
    identity = _has_identity(normalized, kinds)
    matched = found.frame.select("cluster_id", "match_score", "match_reason")
    result.frame = normalized.hstack(matched).with_columns(
        *(pl.when(identity).then(pl.col(c)).alias(c) for c in matched.columns),
        pl.when(identity)
        .then(pl.lit("ok"))
        .otherwise(pl.lit("no_identity"))
        .alias("record_status"),
    )
    f = result.frame.filter(pl.col("record_status") == "ok")
    result.dedupe = {
        "rows": result.frame.height,
        "clusters": f["cluster_id"].n_unique() if f.height else 0,
        "duplicate_rows": f.filter(pl.len().over("cluster_id") > 1).height if f.height else 0,
        "pairs": found.pairs.height,
        "no_identity": result.frame.height - f.height,
    }
    result.diagnostics = list(found.diagnostics)
    if golden:
        report(progress, "golden", 0, result.dedupe["clusters"], unit="people")
        dates = [c for c in kinds.get("date", []) if c in result.frame.columns]
        result.golden = dd.golden_records(
            result.frame,
            columns=_golden_columns(kinds, result.frame),
            date_column=dates[0] if dates else None,
        )
    return result


def _has_identity(frame: pl.DataFrame, kinds: Mapping[str, list[str]]) -> pl.Expr:
    """A row is a person when it has a valid phone, a valid email or a name (not junk)."""
    from custdata.normalize.auto import NORMALIZED_SUFFIX

    checks = []
    for kind in ("phone", "email"):
        for col in kinds.get(kind, []):
            norm = f"{col}{NORMALIZED_SUFFIX[kind]}"
            if norm in frame.columns:
                checks.append(pl.col(norm).is_not_null())
    for kind in ("full_name", "last_name", "first_name", "middle_name"):
        for col in kinds.get(kind, []):
            for part in ("_last", "_first", "_middle", "_clean"):
                if f"{col}{part}" in frame.columns:
                    text = pl.col(f"{col}{part}").cast(pl.String)
                    checks.append(text.str.contains(r"\p{L}").fill_null(False))
    return pl.any_horizontal(checks) if checks else pl.lit(True)


def normalized_view(result: CleanResult) -> pl.DataFrame:
    """The original columns with their normalized values in place (for an after-cleaning profile).

    Invalid values are null here, as they are in the normalized columns.
    """
    from custdata.normalize.auto import NORMALIZED_SUFFIX

    frame = result.frame
    normalized = {}
    for kind, suffix in NORMALIZED_SUFFIX.items():
        for col in result.columns.get(kind, []):
            if f"{col}{suffix}" in frame.columns:
                normalized[col] = f"{col}{suffix}"
    originals = dict.fromkeys(
        c for cols in result.columns.values() for c in cols if c in frame.columns
    )
    return frame.select(
        pl.col(normalized[c]).cast(pl.String).alias(c) if c in normalized else pl.col(c)
        for c in originals
    )


def _dedupe_columns(kinds: Mapping[str, list[str]]) -> dict[str, str | list[str]]:
    """The detected columns in the shape dedupe's ``columns=`` takes (kind -> column(s))."""
    wanted = (
        "full_name",
        "first_name",
        "last_name",
        "middle_name",
        "phone",
        "email",
        "birth_date",
        "gender",
        "city",
        "address",
    )
    return {k: (v if len(v) > 1 else v[0]) for k, v in kinds.items() if k in wanted and v}


def _golden_columns(kinds: Mapping[str, list[str]], frame: pl.DataFrame) -> list[str]:
    """Columns of the golden table: the record's source and id, every detected column (its
    golden value is the normalized one) and, for phones, the type, region and extension."""
    keep: list[str] = [c for c in ("source", "source_row", "source_id") if c in frame.columns]
    for cols in kinds.values():
        for col in cols:
            keep.append(col)
            for suffix in ("_ext", "_type", "_region"):
                if col in kinds.get("phone", []) and f"{col}{suffix}" in frame.columns:
                    keep.append(f"{col}{suffix}")
    keep += [c for c in frame.columns if c.startswith("consent_")]  # per channel, own rule
    return [c for c in dict.fromkeys(keep) if c in frame.columns]


@dataclass(frozen=True)
class QualityChange:
    """Fill, validity and junk of one contact column before and after :func:`clean`.

    Rates are shares in 0..1 (None when they do not apply); ``junk_*`` are cell counts.
    """

    column: str
    kind: str | None
    fill_before: float | None
    fill_after: float | None
    valid_before: float | None
    valid_after: float | None
    junk_before: int
    junk_after: int


def quality_before_after(
    sources: pl.DataFrame | Mapping[str, pl.DataFrame],
    result: CleanResult,
    *,
    region: str = "RU",
    fallback_region: str | None = None,
) -> list[QualityChange]:
    """How cleaning changed each contact column that has a validity or junk to report.

    ``sources`` are what was given to :func:`clean`; ``result`` is what it returned. Columns
    whose "before" has neither a validity rate nor junk (nothing to compare) are left out.
    ``region`` and ``fallback_region``: those given to :func:`clean` (the raw phones are read
    with them).

    >>> crm = pl.DataFrame({"Телефон": ["8 (912) 345-67-89", "нет", "+79123456780"]})
    >>> rows = quality_before_after(crm, clean(crm, dedupe=False))
    >>> [(r.column, r.junk_before, r.junk_after) for r in rows]
    [('Телефон', 1, 0)]
    """
    from custdata.profiling import compare_profiles, profile

    if isinstance(sources, pl.DataFrame):
        raw = sources
    elif len(sources) == 1:
        raw = next(iter(sources.values()))
    else:
        raw = unify_sources(sources)
    originals = [c for cols in result.columns.values() for c in cols if c in raw.columns]
    before = profile(
        raw.select(list(dict.fromkeys(originals))), region=region, fallback_region=fallback_region
    )
    rows = compare_profiles(before, profile(normalized_view(result)))
    return [
        QualityChange(
            column=r["column"],
            kind=r["kind"],
            fill_before=r["fill_before"],
            fill_after=r["fill_after"],
            valid_before=r["valid_before"],
            valid_after=r["valid_after"],
            junk_before=r["junk_before"] or 0,
            junk_after=r["junk_after"] or 0,
        )
        for r in rows
        if r["valid_before"] is not None or r["junk_before"]
    ]
