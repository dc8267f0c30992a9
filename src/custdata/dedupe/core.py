"""The dedupe pipeline as named stages: prepare -> block -> compare -> score -> cluster -> assign.

Each stage is a public function over frames with a small typed result, so that another engine
(Spark) can run them one by one:

==================  ===========================================  ======================
stage               function                                     result
==================  ===========================================  ======================
prepare             :func:`prepare_records`                      :class:`Prepared`
block               :func:`block`                                :class:`BlockingResult`
compare             :func:`compare`                              level table (frame)
score               :func:`score`                                :class:`ScoredPairs`
cluster             :func:`cluster_records`                      :class:`Clusters`
assign              :func:`assign`                               :class:`DedupeResult`
golden              :func:`custdata.dedupe.golden_records`       frame
==================  ===========================================  ======================

Everything is a pure function of the input frame and the options: no I/O, no printing, no
global state. Records are ordered by content (see :mod:`custdata.dedupe.records`), so the same
records in another order get the same pairs, probabilities, clusters and ``cluster_id``.

>>> df = pl.DataFrame({"email": ["a@x.ru", "A@x.ru", "b@y.ru"]})
>>> cfg = DedupeConfig(columns={"email": "email"})
>>> prepared = prepare_records(df, cfg)
>>> blocked = block(prepared, cfg)
>>> scored = score(prepared, compare(prepared, blocked.pairs, comparison_set(prepared, cfg)), cfg)
>>> clusters = cluster_records(prepared, scored, cfg)
>>> assign(df, prepared, scored, clusters, cfg).frame["cluster_id"].n_unique()
2
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from custdata.dedupe.blocking import (
    LEFT,
    RIGHT,
    BlockingResult,
    block_pairs,
    default_blocking_rules,
)
from custdata.dedupe.clustering import Clusters, cluster
from custdata.dedupe.comparison import ComparisonSet, default_comparisons
from custdata.dedupe.config import DedupeConfig, load_config
from custdata.dedupe.diagnostics import Diagnostic, Households, LabelsApplied, ModelFitted
from custdata.dedupe.model import FellegiSunter, estimate_u, term_frequencies
from custdata.dedupe.prepare import ROW, prepare
from custdata.dedupe.records import Records, index_records, record_keys, stable_id
from custdata.dedupe.review import parse_labels
from custdata.dedupe.rules import Rule, as_rules, default_distinct_rules, household_evidence
from custdata.dedupe.scoring import MATCH_REASON, Scorer, reason
from custdata.progress import ProgressCallback, report

__all__ = [
    "CLUSTER_ID",
    "MATCH_REASON",
    "MATCH_SCORE",
    "DedupeResult",
    "Prepared",
    "ScoredPairs",
    "assign",
    "block",
    "cluster_records",
    "compare",
    "comparison_set",
    "deduplicate",
    "find_duplicates",
    "prepare_records",
    "record_keys",
    "score",
    "stable_id",
]

#: Output columns added to every input row.
CLUSTER_ID, MATCH_SCORE = "cluster_id", "match_score"
#: Share of "obvious relatives" among contact-sharing pairs above which the data has households.
HOUSEHOLD_SHARE = 0.03
#: Below this share the data has no relatives sharing contacts: the default distinct rules
#: would only cost recall (a duplicate whose first name and birth date were both mistyped).
NO_RELATIVES_SHARE = 0.02


@dataclass
class DedupeResult:
    """Everything a dedupe run found.

    ``frame``: the input rows (same order) + ``cluster_id``, ``match_score``, ``match_reason``.
    ``pairs``: scored candidate pairs (original row numbers ``row_l < row_r``), with the level,
    label and weight of each comparison, ``match_probability``, ``distinct`` (a distinct rule
    forbids the pair), ``rule`` (match rule that fired) and ``same_cluster``.
    ``diagnostics``: typed diagnostics (:mod:`custdata.dedupe.diagnostics`), never customer values.
    """

    frame: pl.DataFrame
    pairs: pl.DataFrame
    diagnostics: list[Diagnostic] = field(default_factory=list)
    model: FellegiSunter | None = None
    config: DedupeConfig | None = None

    def summary(self) -> dict[str, int]:
        """Rows, clusters, rows that have a duplicate, and candidate pairs.

        >>> df = pl.DataFrame({"email": ["a@x.ru", "A@x.ru", "b@y.ru"]})
        >>> deduplicate(df, columns={"email": "email"}, rules="email").summary()
        {'rows': 3, 'clusters': 2, 'duplicate_rows': 2, 'pairs': 1}
        """
        f = self.frame
        dup = f.filter(pl.len().over(CLUSTER_ID) > 1).height if f.height else 0
        return {
            "rows": f.height,
            "clusters": f[CLUSTER_ID].n_unique() if f.height else 0,
            "duplicate_rows": dup,
            "pairs": self.pairs.height,
        }


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


# ------------------------------------------------------------------------------------------
# stage 1: prepare
# ------------------------------------------------------------------------------------------
@dataclass
class Prepared:
    """The prepare stage: match keys of each distinct record, in content order.

    ``keys``: one row per record, ``_row`` = internal id (0..n-1), one key column per field.
    ``records``: how records map to input rows. ``link_split``: first internal id of the
    second table when linking, else None.
    """

    keys: pl.DataFrame
    records: Records
    link_split: int | None = None

    @property
    def n(self) -> int:
        """Number of distinct records."""
        return self.keys.height


def prepare_records(
    frame: pl.DataFrame, cfg: DedupeConfig, *, link_split: int | None = None
) -> Prepared:
    """Stage 1: match keys per distinct record, records ordered by content.

    >>> p = prepare_records(pl.DataFrame({"email": ["b@x.ru", "a@x.ru"]}), DedupeConfig(columns={"email": "email"}))
    >>> p.keys.rows()
    [(0, 'a@x.ru'), (1, 'b@x.ru')]
    """
    keys0 = prepare(frame, columns=cfg.columns)
    records = index_records(frame, link_split=link_split)
    keys = keys0[records.order].with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW))
    return Prepared(keys=keys, records=records, link_split=link_split)


# ------------------------------------------------------------------------------------------
# stage 2: block
# ------------------------------------------------------------------------------------------
def block(prepared: Prepared, cfg: DedupeConfig) -> BlockingResult:
    """Stage 2: candidate pairs (internal ids, ``row_l < row_r``) from the blocking rules."""
    rules = (
        list(cfg.blocking)
        if cfg.blocking is not None
        else default_blocking_rules(prepared.keys.columns)
    )
    return block_pairs(
        prepared.keys,
        rules,
        max_block_size=cfg.max_block_size,
        max_pairs=cfg.max_pairs,
        link_split=prepared.link_split,
    )


# ------------------------------------------------------------------------------------------
# stage 3: compare
# ------------------------------------------------------------------------------------------
def comparison_set(prepared: Prepared, cfg: DedupeConfig) -> ComparisonSet:
    """The comparisons of the run: the configured ones, else the defaults for the keys built."""
    return ComparisonSet(
        list(cfg.comparisons)
        if cfg.comparisons is not None
        else default_comparisons(prepared.keys.columns)
    )


def compare(prepared: Prepared, pairs: pl.DataFrame, cset: ComparisonSet) -> pl.DataFrame:
    """Stage 3: ``row_l``, ``row_r`` and one Int8 level column per comparison.

    Pairs are oriented by content (``row_l`` is the record whose content sorts first).
    """
    left, right = pairs[LEFT].cast(pl.UInt32), pairs[RIGHT].cast(pl.UInt32)
    flip = (left > right).to_numpy()
    if flip.any():
        s = pl.Series(flip)
        left, right = (
            pl.select(pl.when(s).then(right).otherwise(left)).to_series().alias(LEFT),
            pl.select(pl.when(s).then(left).otherwise(right)).to_series().alias(RIGHT),
        )
    levels = cset.level_table(prepared.keys, left, right)
    return pl.concat(
        [pl.DataFrame([left.alias(LEFT), right.alias(RIGHT)]), levels], how="horizontal"
    )


# ------------------------------------------------------------------------------------------
# stage 4: score
# ------------------------------------------------------------------------------------------
@dataclass
class ScoredPairs:
    """Stage 4: every compared pair with its score, and what produced it.

    ``frame``: ``row_l``, ``row_r`` (internal ids), the level columns, ``match_weight``,
    ``match_probability``, ``distinct``, ``rule`` (match rule or label), ``veto`` (distinct rule).
    ``scorer`` scores any other pair the same way (clustering needs it).
    """

    frame: pl.DataFrame
    scorer: Scorer
    model: FellegiSunter
    threshold: float
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def levels(self) -> pl.DataFrame:
        """The level columns only."""
        return self.frame.select([c.output for c in self.scorer.cset.comparisons])


def distinct_rules_for(levels: pl.DataFrame, names: Sequence[str]) -> tuple[list[Rule], Households]:
    """The default distinct rules for this data, from how many contact-sharing pairs are relatives.

    >>> lv = pl.DataFrame({"phone": [2, 2], "first_name": [3, 3], "birth_date": [4, 4]})
    >>> rules, diag = distinct_rules_for(lv, ["phone", "first_name", "birth_date"])
    >>> diag.strict, [r.describe() for r in rules]
    (False, [])
    """
    share = household_evidence(levels)
    strict = share >= HOUSEHOLD_SHARE
    if share >= NO_RELATIVES_SHARE:
        rules = default_distinct_rules(names, households=strict)
    else:
        # Only the rules no data size changes: a different patronymic and birth date is never
        # a typo, and a different first name (not a variant) with a different gender is two
        # people (siblings, colleagues sharing a phone), whatever the file size.
        rules = [
            r
            for r in default_distinct_rules(names, households=False)
            # and (organizations) two sites at different addresses
            if r.level_columns()
            in ({"middle_name", "birth_date"}, {"first_name", "gender"}, {"address"})
        ]
    diag = Households(
        relatives_share=round(share, 4),
        strict=strict,
        patronymic_only=share < NO_RELATIVES_SHARE,
    )
    return rules, diag


def fit_model(
    prepared: Prepared, scorer: Scorer, levels: pl.DataFrame, train: np.ndarray
) -> FellegiSunter:
    """u from a content-hash sample of record pairs, m by EM on the ``train`` pairs.

    Sets the scorer's model and term-frequency tables.
    """
    cset = scorer.cset
    n_levels = {c.output: c.n_levels for c in cset.comparisons}
    u = estimate_u(
        prepared.keys,
        scorer.levels,
        n_levels,
        {c.output: c.column for c in cset.comparisons},
        hashes=prepared.records.hashes(),
    )
    model = FellegiSunter.fit(
        levels.filter(pl.Series(train)) if levels.height else levels, u=u, n_levels=n_levels
    )
    scorer.model = model
    for c in cset.comparisons:
        if c.term_frequency:
            scorer.tf[c.output] = term_frequencies(
                prepared.keys[c.column].cast(pl.String).alias("value")
            )
    return model


def score(
    prepared: Prepared,
    compared: pl.DataFrame,
    cfg: DedupeConfig,
    *,
    cset: ComparisonSet | None = None,
    labels: pl.DataFrame | None = None,
) -> ScoredPairs:
    """Stage 4: fit the model on the compared pairs and score them (rules and labels applied).

    ``labels``: labelled pairs as internal ids (``row_l``, ``row_r``, ``match``); a labelled
    match is forced, a labelled non-match forbidden, and the threshold moves between them.
    """
    cset = cset or comparison_set(prepared, cfg)
    names = [c.output for c in cset.comparisons]
    left, right = compared[LEFT], compared[RIGHT]
    levels = compared.select(names)
    diagnostics: list[Diagnostic] = []
    if cfg.distinct is not None:
        distinct_rules = list(cfg.distinct)
    else:
        distinct_rules, hdiag = distinct_rules_for(levels, names)
        diagnostics.append(hdiag)
    scorer = Scorer(prepared.keys, cset, list(cfg.rules or []), distinct_rules)
    is_distinct, fired, veto = scorer.flags(scorer.context(left, right, levels))
    model = fit_model(prepared, scorer, levels, ~is_distinct)

    tf_adj = scorer.tf_adjust(left, right, levels)
    bf = model.bayes_factors(levels, tf_adj)
    n = prepared.n
    model.set_prior(bf[~is_distinct], n * (n - 1) // 2)
    weight = bf + model.prior_weight
    prob = FellegiSunter.probability(weight)
    prob = np.where(fired.is_not_null().to_numpy(), 1.0, prob)
    diagnostics.append(
        ModelFitted(parameters=model.to_dict(), identical_pairs=prepared.records.identical_pairs)
    )
    threshold = cfg.threshold
    if labels is not None and labels.height:
        lab = pl.DataFrame({LEFT: left, RIGHT: right, "prob": prob}).join(
            labels, on=[LEFT, RIGHT], how="inner"
        )
        threshold = _threshold_from_labels(lab, cfg.threshold)
        diagnostics.append(
            LabelsApplied(
                pairs=lab.height,
                matches=int(lab["match"].sum()),
                threshold=threshold,
                previous=cfg.threshold,
            )
        )
        is_match = pl.DataFrame({LEFT: left, RIGHT: right}).join(
            labels, on=[LEFT, RIGHT], how="left", maintain_order="left"
        )["match"]
        yes = is_match.fill_null(False).to_numpy()
        no = (~is_match).fill_null(False).to_numpy()
        prob = np.where(yes, 1.0, np.where(no, 0.0, prob))
        is_distinct = (is_distinct | no) & ~yes
        fired = (
            pl.select(pl.when(pl.Series(yes)).then(pl.lit("label")).otherwise(fired))
            .to_series()
            .alias("rule")
        )
        veto = (
            pl.select(pl.when(pl.Series(no)).then(pl.lit("label")).otherwise(veto))
            .to_series()
            .alias("veto")
        )
    frame = compared.with_columns(
        pl.Series("match_weight", weight),
        pl.Series("match_probability", prob),
        pl.Series("distinct", is_distinct, dtype=pl.Boolean),
        fired.alias("rule"),
        veto.alias("veto"),
    )
    return ScoredPairs(frame, scorer, model, threshold, diagnostics)


# ------------------------------------------------------------------------------------------
# stage 5: cluster
# ------------------------------------------------------------------------------------------
def cluster_records(prepared: Prepared, scored: ScoredPairs, cfg: DedupeConfig) -> Clusters:
    """Stage 5: a cluster label per record (see :func:`custdata.dedupe.clustering.cluster`)."""
    edges = scored.frame.select(LEFT, RIGHT, pl.col("match_probability").alias("prob"), "distinct")
    return cluster(
        prepared.n,
        edges,
        scored.scorer.score_for_clustering,
        threshold=scored.threshold,
        support=cfg.support,
        max_cluster_size=cfg.max_cluster_size,
    )


# ------------------------------------------------------------------------------------------
# stage 6: assign (ids, scores and reasons per input row; the pairs table)
# ------------------------------------------------------------------------------------------
def assign(
    frame: pl.DataFrame,
    prepared: Prepared,
    scored: ScoredPairs,
    clusters: Clusters,
    cfg: DedupeConfig,
) -> DedupeResult:
    """Stage 6: every input row with ``cluster_id``, ``match_score``, ``match_reason``; pairs."""
    records = prepared.records
    n = prepared.n
    labels = clusters.labels
    sf = scored.frame
    left, right = sf[LEFT], sf[RIGHT]
    cset = scored.scorer.cset
    same = labels[left.to_numpy()] == labels[right.to_numpy()] if n else np.zeros(0, dtype=bool)
    why = reason(cset, scored.levels, sf["rule"])
    best = _best_pair_per_record(left, right, sf["match_probability"], why, same)
    rep_content = (
        records.content.gather(pl.Series(labels.astype(np.uint32))) if n else records.content
    )
    rep = pl.DataFrame({"label": labels, "content": rep_content}).unique("label")
    ids = {
        lab: stable_id(c)
        for lab, c in zip(rep["label"].to_list(), rep["content"].to_list(), strict=True)
    }
    internal = pl.DataFrame(
        {
            "r": pl.int_range(n, dtype=pl.UInt32, eager=True),
            CLUSTER_ID: pl.Series([ids[x] for x in labels.tolist()], dtype=pl.String),
        }
    ).join(best, on="r", how="left", maintain_order="left")
    inverse = records.inverse
    per_row = pl.DataFrame({"r": inverse}).join(internal, on="r", how="left", maintain_order="left")
    twin = pl.DataFrame({"r": inverse}).select(pl.len().over("r") > 1).to_series()
    out = frame.with_columns(
        per_row[CLUSTER_ID].alias(CLUSTER_ID),
        pl.select(pl.when(twin).then(1.0).otherwise(per_row["match_probability"].round(4)))
        .to_series()
        .alias(MATCH_SCORE),
        pl.select(pl.coalesce(per_row["reason"], pl.when(twin).then(pl.lit("identical"))))
        .to_series()
        .alias(MATCH_REASON),
    )
    pairs_out = _pairs_table(records, scored, same)
    return DedupeResult(
        frame=out,
        pairs=pairs_out,
        diagnostics=[*scored.diagnostics, *clusters.diagnostics],
        model=scored.model,
        config=cfg,
    )


def _best_pair_per_record(
    left: pl.Series, right: pl.Series, prob: pl.Series, why: pl.Series, same: np.ndarray
) -> pl.DataFrame:
    """Per record: probability and reason of its best pair inside its cluster."""
    scored = pl.DataFrame(
        {LEFT: left, RIGHT: right, "match_probability": prob, "reason": why, "same": same}
    ).filter("same")
    return (
        pl.concat(
            [
                scored.select(pl.col(LEFT).alias("r"), "match_probability", "reason"),
                scored.select(pl.col(RIGHT).alias("r"), "match_probability", "reason"),
            ]
        )
        .sort(
            ["r", "match_probability", "reason"], descending=[False, True, False], nulls_last=True
        )
        .unique("r", keep="first")
    )


def _pairs_table(records: Records, scored: ScoredPairs, same: np.ndarray) -> pl.DataFrame:
    """Pairs in original row numbers, with level, label and weight per comparison."""
    sf = scored.frame
    o = records.order.to_numpy()
    ol, orr = o[sf[LEFT].to_numpy()], o[sf[RIGHT].to_numpy()]
    explain: list[pl.Series] = []
    for c in scored.scorer.cset.comparisons:
        lv = sf[c.output].to_numpy().astype(np.int64)
        labels_arr = np.array(["null", *c.labels], dtype=object)
        w = np.where(lv >= 0, scored.model.level_weights(c.output)[np.clip(lv, 0, None)], 0.0)
        explain += [
            pl.Series(f"{c.output}_level", lv.astype(np.int8)),
            pl.Series(f"{c.output}_label", labels_arr[lv + 1].tolist(), dtype=pl.String),
            pl.Series(f"{c.output}_weight", np.round(w, 3)),
        ]
    return (
        pl.DataFrame(
            [
                pl.Series(LEFT, np.minimum(ol, orr), dtype=pl.UInt32),
                pl.Series(RIGHT, np.maximum(ol, orr), dtype=pl.UInt32),
            ]
            + explain
        )
        .with_columns(
            sf["match_weight"].round(3),
            sf["match_probability"].round(6),
            sf["distinct"],
            sf["rule"],
            pl.Series("same_cluster", same, dtype=pl.Boolean),
        )
        .sort([LEFT, RIGHT])
    )


def _link_result(
    frame: pl.DataFrame, prepared: Prepared, scored: ScoredPairs, cfg: DedupeConfig
) -> DedupeResult:
    """Linking: the pairs across the two tables at or above the threshold, in original rows."""
    o = prepared.records.order.to_numpy()
    sf = scored.frame.with_columns(reason(scored.scorer.cset, scored.levels, scored.frame["rule"]))
    hits = sf.filter((pl.col("match_probability") >= scored.threshold) & ~pl.col("distinct"))
    pairs = hits.select(
        pl.Series("row_left", o[hits[LEFT].to_numpy()], dtype=pl.UInt32),
        pl.Series("row_right", o[hits[RIGHT].to_numpy()], dtype=pl.UInt32),
        pl.col("match_probability").round(6),
        pl.col(MATCH_REASON),
    ).sort(["row_left", "row_right"])
    return DedupeResult(
        frame=frame, pairs=pairs, diagnostics=scored.diagnostics, model=scored.model, config=cfg
    )


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
    labels: pl.DataFrame | None = None,
    link_split: int | None = None,
    progress: ProgressCallback | None = None,
) -> DedupeResult:
    """Find the records that are the same person; the full result (pairs, diagnostics, model).

    Runs the stages of this module in order. A LazyFrame is collected first (matching needs
    every row at once). ``labels``: pairs a person has labelled (see
    :mod:`custdata.dedupe.review`): a labelled match is always merged, a labelled non-match
    never, and the threshold moves between the scores of the labelled matches and non-matches.
    ``link_split``: the first ``link_split`` rows are one table and the rest another; only pairs
    across them are compared (used by :func:`custdata.dedupe.link`). ``progress`` receives a
    :class:`~custdata.progress.ProgressEvent` at each stage (preparing, blocking, comparing,
    scoring, clustering) with its counts.

    Options not given come from ``config`` (a :class:`DedupeConfig`, a dict in the TOML
    vocabulary or the path of a TOML file), else from the defaults. See :func:`find_duplicates`.

    >>> df = pl.DataFrame({"name": ["Иванов Иван", "Ivanov Ivan", "Петрова Анна"],
    ...                    "phone": ["+7 912 345-67-89", "89123456789", "+7 903 111-22-33"]})
    >>> res = deduplicate(df, columns={"full_name": "name", "phone": "phone"})
    >>> res.frame["cluster_id"].n_unique()
    2
    """
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    cfg = _resolve_config(
        config,
        {
            "columns": dict(columns) if columns is not None else None,
            "rules": as_rules(rules) if rules is not None else None,
            "distinct": as_rules(distinct) if distinct is not None else None,
            "comparisons": list(comparisons) if comparisons is not None else None,
            "blocking": list(blocking) if blocking is not None else None,
            "threshold": threshold,
            "support": support,
            "max_block_size": max_block_size,
            "max_pairs": max_pairs,
            "max_cluster_size": max_cluster_size,
        },
    )
    cfg.validate()
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
    report(progress, "comparing", 0, pairs.height, unit="pairs")
    compared = compare(prepared, pairs, cset)
    report(progress, "scoring", 0, pairs.height, unit="pairs")
    scored = score(prepared, compared, cfg, cset=cset, labels=labelled)
    report(progress, "scoring", pairs.height, pairs.height, unit="pairs")
    scored.diagnostics[:0] = [*blocked.diagnostics, *blocked.rules]
    if link_split is not None:
        # Linking: no clustering inside a table, only pairs across (see custdata.dedupe.link).
        return _link_result(frame, prepared, scored, cfg)
    report(progress, "clustering", 0, frame.height, unit="rows")
    clusters = cluster_records(prepared, scored, cfg)
    return assign(frame, prepared, scored, clusters, cfg)


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


def _threshold_from_labels(lab: pl.DataFrame, current: float) -> float:
    """Threshold between labelled non-matches and matches (model scores, before the labels)."""
    yes = lab.filter("match")["prob"]
    no = lab.filter(~pl.col("match"))["prob"]
    if yes.len() == 0 or no.len() == 0:
        return current
    lo, hi = float(no.max()), float(yes.min())
    if lo < hi:
        t = (lo + hi) / 2
    else:
        # Overlap: the candidate threshold with the fewest labelled errors.
        cands = sorted(set(lab["prob"].to_list()) | {current})
        best = min(
            cands, key=lambda c: (int((yes < c).sum()) + int((no >= c).sum()), abs(c - current))
        )
        t = best
    return float(min(max(t, 0.5), 0.999))


def find_duplicates(
    frame: pl.DataFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    rules: Rule | str | Sequence[Rule | str] | None = None,
    config: DedupeConfig | Mapping | str | None = None,
    threshold: float | None = None,
    **options,
) -> pl.DataFrame:
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
    lazy = isinstance(frame, pl.LazyFrame)
    out = deduplicate(
        frame, columns=columns, rules=rules, config=config, threshold=threshold, **options
    ).frame
    return out.lazy() if lazy else out
