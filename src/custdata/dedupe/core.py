"""The whole dedupe pipeline: :func:`deduplicate`, :func:`find_duplicates`, :func:`plan`.

The stages it runs, in order, are public functions of :mod:`custdata.dedupe.stages`
(prepare -> block -> compare -> score -> cluster -> assign, then golden records). Everything is
a pure function of the input frame and the options: no I/O, no printing, no global state.
Records are ordered by content (see :mod:`custdata.dedupe.records`), so the same records in
another order get the same pairs, probabilities, clusters and ``cluster_id``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import polars as pl

from custdata.dedupe.assign import _link_result
from custdata.dedupe.blocking import LEFT, RIGHT
from custdata.dedupe.config import DedupeConfig, load_config
from custdata.dedupe.plan import DedupePlan
from custdata.dedupe.records import record_keys, stable_id
from custdata.dedupe.review import parse_labels
from custdata.dedupe.rules import Rule, as_rules
from custdata.dedupe.stages import (
    CLUSTER_ID,
    MATCH_REASON,
    MATCH_SCORE,
    DedupeResult,
    Prepared,
    ScoredPairs,
    assign,
    block,
    cluster_records,
    compare,
    comparison_set,
    plan_of,
    prepare_records,
    score,
)
from custdata.progress import ProgressCallback, report

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

__all__ = [
    "CLUSTER_ID",
    "MATCH_REASON",
    "MATCH_SCORE",
    "DedupeResult",
    "Prepared",
    "ScoredPairs",
    "deduplicate",
    "find_duplicates",
    "plan",
    "record_keys",
    "stable_id",
]


def _resolve_config(config: DedupeConfig | Mapping | str | None, overrides: dict) -> DedupeConfig:
    if config is None:
        cfg = DedupeConfig()
    elif isinstance(config, DedupeConfig):
        cfg = config
    elif isinstance(config, Mapping):
        cfg = DedupeConfig.from_dict(config)
    else:
        cfg = load_config(config)
    given = {k: v for k, v in overrides.items() if v is not None}
    return replace(cfg, **given)


def plan(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    rules: Rule | str | Sequence[Rule | str] | None = None,
    config: DedupeConfig | Mapping | str | None = None,
    **options: Any,
) -> DedupePlan:
    """What :func:`deduplicate` would use, without matching: columns, kinds, blocking, pairs.

    >>> df = pl.DataFrame({"email": ["a@x.ru", "A@x.ru", "b@y.ru"]})
    >>> p = plan(df, columns={"email": "email"})
    >>> p.blocking, [(c.column, c.kind, c.source) for c in p.columns]
    ({'email': 1}, [('email', 'email', 'named')])
    """
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    cfg = _config_of(config, columns=columns, rules=rules, **options)
    prepared = prepare_records(frame, cfg)
    return plan_of(prepared, block(prepared, cfg), comparison_set(prepared, cfg))


#: Columns ``deduplicate`` adds to its input: never part of the data when a result is re-blocked.
RESULT_COLUMNS = ("cluster_id", "match_score", "match_reason", "record_status")


def _config_of(
    config: DedupeConfig | Mapping | str | None,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    rules: Rule | str | Sequence[Rule | str] | None = None,
    distinct: Rule | str | Sequence[Rule | str] | None = None,
    comparisons: Sequence | None = None,
    blocking: Sequence | None = None,
    **numbers: Any,
) -> DedupeConfig:
    cfg = _resolve_config(
        config,
        {
            "columns": dict(columns) if columns is not None else None,
            "rules": as_rules(rules) if rules is not None else None,
            "distinct": as_rules(distinct) if distinct is not None else None,
            "comparisons": list(comparisons) if comparisons is not None else None,
            "blocking": list(blocking) if blocking is not None else None,
            **numbers,
        },
    )
    cfg.validate()
    return cfg


# ------------------------------------------------------------------------------------------
# the whole pipeline
# ------------------------------------------------------------------------------------------
def deduplicate(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    rules: Rule | str | Sequence[Rule | str] | None = None,
    config: DedupeConfig | Mapping | str | None = None,
    threshold: float | None = None,
    distinct: Rule | str | Sequence[Rule | str] | None = None,
    comparisons: Sequence | None = None,
    blocking: Sequence | None = None,
    support: float | None = None,
    max_block_size: int | None = None,
    max_pairs: int | None = None,
    max_cluster_size: int | None = None,
    region: str | None = None,
    fallback_region: str | None = None,
    labels: pl.DataFrame | None = None,
    link_split: int | None = None,
    on_plan: Callable[[DedupePlan], None] | None = None,
    progress: ProgressCallback | None = None,
) -> DedupeResult:
    """Find the records that are the same person; the full result (pairs, diagnostics, model).

    Runs the stages of this module in order. A LazyFrame is collected first (matching needs
    every row at once). ``labels``: pairs a person has labelled (see
    :mod:`custdata.dedupe.review`): a labelled match is always merged, a labelled non-match
    never, and the threshold moves between the scores of the labelled matches and non-matches.
    ``link_split``: the first ``link_split`` rows are one table and the rest another; only pairs
    across them are compared (used by :func:`custdata.dedupe.link`). ``on_plan`` is called with
    the :class:`DedupePlan` once blocking is done, before scoring (the CLI prints it).
    ``progress`` receives a :class:`~custdata.progress.ProgressEvent` at each stage (preparing,
    blocking, comparing, scoring, clustering) with its counts.

    ``region``: phones without ``+`` are read in this region (default ``"RU"``), then in
    ``fallback_region`` when it rejects them (as :func:`custdata.normalize.phones` does).

    Options not given come from ``config`` (a :class:`DedupeConfig`, a dict in the TOML
    vocabulary or the path of a TOML file), else from the defaults. See :func:`find_duplicates`.

    >>> df = pl.DataFrame({"name": ["Иванов Иван", "Ivanov Ivan", "Петрова Анна"],
    ...                    "phone": ["+7 912 345-67-89", "89123456789", "+7 903 111-22-33"]})
    >>> res = deduplicate(df, columns={"full_name": "name", "phone": "phone"})
    >>> res.frame["cluster_id"].n_unique()
    2
    >>> ua = pl.DataFrame({"phone": ["(97) 541-94-69", "0975419469"], "email": ["a@x.ua", "b@y.ua"]})
    >>> [deduplicate(ua, fallback_region=f).frame["cluster_id"].n_unique() for f in (None, "UA")]
    [2, 1]
    """
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    cfg = _config_of(
        config,
        columns=columns,
        rules=rules,
        distinct=distinct,
        comparisons=comparisons,
        blocking=blocking,
        threshold=threshold,
        support=support,
        max_block_size=max_block_size,
        max_pairs=max_pairs,
        max_cluster_size=max_cluster_size,
        region=region,
        fallback_region=fallback_region,
    )
    frame = frame.drop([c for c in (CLUSTER_ID, MATCH_SCORE, MATCH_REASON) if c in frame.columns])

    report(progress, "preparing", 0, frame.height, unit="rows")
    prepared = prepare_records(frame, cfg, link_split=link_split)
    report(progress, "blocking", 0, frame.height, unit="rows")
    blocked = block(prepared, cfg)
    pairs = blocked.pairs
    labelled = _labelled_pairs(labels, prepared) if labels is not None else None
    if labelled is not None and labelled.height:
        pairs = pl.concat([pairs, labelled.select(LEFT, RIGHT)]).unique().sort([LEFT, RIGHT])
    cset = comparison_set(prepared, cfg)
    the_plan = plan_of(prepared, blocked, cset)
    if on_plan is not None:
        on_plan(the_plan)
    report(progress, "comparing", 0, pairs.height, unit="pairs")
    compared = compare(prepared, pairs, cset)
    report(progress, "scoring", 0, pairs.height, unit="pairs")
    scored = score(prepared, compared, cfg, cset=cset, labels=labelled)
    report(progress, "scoring", pairs.height, pairs.height, unit="pairs")
    scored.diagnostics[:0] = [*blocked.diagnostics, *blocked.rules]
    if link_split is not None:
        # Linking: no clustering inside a table, only pairs across (see custdata.dedupe.link).
        result = _link_result(frame, prepared, scored, cfg)
    else:
        report(progress, "clustering", 0, frame.height, unit="rows")
        result = assign(frame, prepared, scored, cluster_records(prepared, scored, cfg), cfg)
    result.plan = the_plan
    return result


def _labelled_pairs(labels: pl.DataFrame, prepared: Prepared) -> pl.DataFrame:
    """Labelled pairs as internal record ids + a boolean ``match``."""
    parsed = parse_labels(labels)
    content = prepared.records.content
    split = prepared.link_split is not None
    keys = pl.DataFrame(
        {
            "k": [stable_id(c.split("\x1e", 1)[1] if split else c) for c in content.to_list()],
            "i": pl.int_range(content.len(), dtype=pl.UInt32, eager=True),
        }
    ).unique("k", keep="first")
    return (
        parsed.join(keys.rename({"k": "left_key", "i": "a"}), on="left_key", how="inner")
        .join(keys.rename({"k": "right_key", "i": "b"}), on="right_key", how="inner")
        .filter(pl.col("a") != pl.col("b"))
        .select(
            pl.min_horizontal("a", "b").alias(LEFT),
            pl.max_horizontal("a", "b").alias(RIGHT),
            "match",
        )
        .unique([LEFT, RIGHT], keep="last")
    )


def find_duplicates(
    frame: FrameT,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    rules: Rule | str | Sequence[Rule | str] | None = None,
    config: DedupeConfig | Mapping | str | None = None,
    threshold: float | None = None,
    **options,
) -> FrameT:
    """Every input row plus ``cluster_id``, ``match_score`` and ``match_reason``.

    Rows with the same ``cluster_id`` are the same person. ``columns`` maps kinds (``phone``,
    ``email``, ``full_name``, ``first_name``, ``last_name``, ``middle_name``, ``birth_date``,
    ``gender``, ``address``, ``city``, or any other name for a generic text field) to columns;
    by default they are detected. ``rules`` are match rules (``"email"``: same canonical email is
    the same person). ``threshold`` is the match probability a pair needs (default 0.9).
    Other options: see :func:`deduplicate`. A LazyFrame is collected (matching needs every row)
    and the result handed back as a LazyFrame.

    >>> df = pl.DataFrame({
    ...     "ФИО": ["Иванов Иван Петрович", "Иванова Мария Сергеевна", "Иванов Петр Иванович",
    ...             "Ivanov Ivan Petrovich"],
    ...     "Телефон": ["+7 912 345-67-89"] * 4,
    ...     "Дата рождения": ["01.02.1960", "03.04.1962", "05.06.1990", "01.02.1960"],
    ... })
    >>> out = find_duplicates(df)
    >>> out["cluster_id"].n_unique(), out["cluster_id"][0] == out["cluster_id"][3]
    (3, True)
    """
    out = deduplicate(
        frame, columns=columns, rules=rules, config=config, threshold=threshold, **options
    ).frame
    if isinstance(frame, pl.LazyFrame):
        return out.lazy()
    return out
