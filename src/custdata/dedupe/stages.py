"""The dedupe stages: prepare -> block -> compare -> score -> cluster -> assign.

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

import re
from collections.abc import Mapping, Sequence
from typing import cast

import numpy as np
import polars as pl

from custdata.dedupe.assign import assign
from custdata.dedupe.blocking import (
    LEFT,
    RIGHT,
    BlockingResult,
    BlockingRule,
    block_pairs,
    default_blocking_rules,
)
from custdata.dedupe.clustering import Clusters, cluster
from custdata.dedupe.comparison import ComparisonSet, IdComparison, default_comparisons
from custdata.dedupe.config import DedupeConfig
from custdata.dedupe.diagnostics import Diagnostic, Households, LabelsApplied, ModelFitted
from custdata.dedupe.model import FellegiSunter, estimate_u, term_frequencies
from custdata.dedupe.plan import ColumnUse, DedupePlan
from custdata.dedupe.prepare import (
    KEY_COLUMNS,
    ROW,
    _extra_kind,
    key_names,
    prepare,
    resolve_columns_and_candidates,
)
from custdata.dedupe.records import index_records
from custdata.dedupe.results import (
    CLUSTER_ID,
    MATCH_SCORE,
    DedupeResult,
    Prepared,
    ScoredPairs,
)
from custdata.dedupe.rules import Level, Rule, rule_exact_keys
from custdata.dedupe.scoring import MATCH_REASON, Scorer
from custdata.dedupe.vetoes import default_distinct_rules, household_evidence

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
    "distinct_rules_at",
    "distinct_rules_for",
    "fit_model",
    "plan_of",
    "prepare_records",
    "score",
]

#: Share of "obvious relatives" among contact-sharing pairs above which the data has households.
HOUSEHOLD_SHARE = 0.03
#: Below this share the data has no relatives sharing contacts: the default distinct rules
#: would only cost recall (a duplicate whose first name and birth date were both mistyped).
NO_RELATIVES_SHARE = 0.02


# ------------------------------------------------------------------------------------------
# stage 1: prepare
# ------------------------------------------------------------------------------------------
def prepare_records(
    frame: pl.DataFrame,
    cfg: DedupeConfig,
    *,
    link_split: int | None = None,
    row_ids: bool = True,
) -> Prepared:
    """Stage 1: match keys per distinct record, records ordered by content.

    ``row_ids``: named ids unique per record only name rows (see :func:`_row_id_columns`);
    False keeps every named id as evidence (a sample cannot tell whether an id repeats).

    >>> p = prepare_records(pl.DataFrame({"email": ["b@x.ru", "a@x.ru"]}), DedupeConfig(columns={"email": "email"}))
    >>> p.keys.rows()
    [(0, 'a@x.ru'), (1, 'b@x.ru')]
    """
    mapping, candidates = resolve_columns_and_candidates(frame, cfg.columns)
    sources = _column_sources(mapping, named=cfg.columns is not None)
    # A rule naming an input column nobody mapped: that column takes part as a generic field.
    used = {c for cols in mapping.values() for c in cols}
    for rule in [*(cfg.rules or []), *(cfg.distinct or [])]:
        for k in sorted(rule.key_columns()):
            if k in frame.columns and k not in used and k not in KEY_COLUMNS:
                mapping.setdefault("other", []).append(k)
                sources[k] = "rule"
                used.add(k)
    keys0 = prepare(frame, columns=mapping, region=cfg.region, fallback_region=cfg.fallback_region)
    records = index_records(frame, link_split=link_split)
    keys = keys0[records.order].with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW))
    aliases = key_names(mapping)
    unique_ids = _row_id_columns(keys, mapping, aliases, cfg) if row_ids else []
    return Prepared(
        keys=keys.drop([aliases[c] for c in unique_ids]),
        records=records,
        link_split=link_split,
        columns=mapping,
        sources=sources,
        aliases=aliases,
        candidates=candidates,
        row_ids=unique_ids,
    )


def _row_id_columns(
    keys: pl.DataFrame,
    mapping: Mapping[str, list[str]],
    aliases: Mapping[str, str],
    cfg: DedupeConfig,
) -> list[str]:
    """Named ``id`` columns that only identify rows: every value unique among the records.

    Such an id can never agree between two records, so as evidence it would only add
    disagreement (and call neighbouring row numbers one typo apart). An id that repeats
    (a customer number shared between sources) stays evidence, and so does one a rule or a
    configured comparison names.
    """
    named: set[str] = set()
    for rule in [*(cfg.rules or []), *(cfg.distinct or [])]:
        named |= set(rule.key_columns())
    named |= {c.column for c in cfg.comparisons or []} | {c.output for c in cfg.comparisons or []}
    out = []
    for c in mapping.get("id", []):
        key = aliases.get(c)
        if key is None or key not in keys.columns or key in named or c in named:
            continue
        values = keys[key].drop_nulls()
        if values.len() > 0 and not values.is_duplicated().any():
            out.append(c)
    return out


def _column_sources(mapping: Mapping[str, list[str]], *, named: bool) -> dict[str, str]:
    """How each column's kind was found: named by the user, else from its header or values."""
    from custdata.schema import kind_from_header

    out: dict[str, str] = {}
    for kind, cols in mapping.items():
        for c in cols:
            if named:
                out[c] = "named"
            elif kind_from_header(c) == kind or _extra_kind(c) == kind:
                out[c] = "header"
            else:
                out[c] = "values"
    return out


# ------------------------------------------------------------------------------------------
# stage 2: block
# ------------------------------------------------------------------------------------------
def _blocking_rules(prepared: Prepared, cfg: DedupeConfig) -> list[BlockingRule]:
    """The configured blocking rules, else the defaults for the keys built and the rules."""
    if cfg.blocking is not None:
        return list(cfg.blocking)
    exact: list[tuple[str, ...]] = [(k,) for k in prepared.keys_of_kind("id", "tax_id", "other")]
    for rule in cfg.rules or []:
        for ks in rule_exact_keys(rule):
            keyed = tuple(prepared.aliases.get(k, k) for k in ks)
            if all(k in prepared.keys.columns for k in keyed) and keyed not in exact:
                exact.append(keyed)
    return default_blocking_rules(prepared.keys.columns, exact=exact)


def block(prepared: Prepared, cfg: DedupeConfig) -> BlockingResult:
    """Stage 2: candidate pairs (internal ids, ``row_l < row_r``) from the blocking rules."""
    rules = _blocking_rules(prepared, cfg)
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
#: Comparisons of named identifiers (``id``, ``id_2``...).
_ID_NAME = re.compile(r"id(_\d+)?")

#: Distinct rules that hold whatever the data size (no relatives to tell apart).
_ALWAYS = (
    "different_patronymic",
    "different_gender",
    "different_site",
    "different_house",
    "other_org_same_site",
    "other_org_same_phone",
)


def distinct_rules_for(
    levels: pl.DataFrame,
    tops: Mapping[str, int],
    keys: Sequence[str] = (),
    *,
    counts: str | None = None,
) -> tuple[list[Rule], Households]:
    """The default distinct rules for this data, from how many contact-sharing pairs are relatives.

    ``tops``: comparison name -> top level; ``keys``: the key columns built; ``counts``: the
    column of pair counts when ``levels`` is a pattern-count table.

    >>> lv = pl.DataFrame({"phone": [2, 2], "first_name": [3, 3], "birth_date": [4, 4]})
    >>> rules, diag = distinct_rules_for(lv, {"phone": 2, "first_name": 3, "birth_date": 4})
    >>> diag.strict, [r.describe() for r in rules]
    (False, [])
    """
    return distinct_rules_at(household_evidence(levels, counts=counts), tops, keys)


def distinct_rules_at(
    share: float, tops: Mapping[str, int], keys: Sequence[str] = ()
) -> tuple[list[Rule], Households]:
    """The default distinct rules when ``share`` of the contact-sharing pairs are relatives.

    >>> tops = {"first_name": 3, "gender": 1}
    >>> [r.describe() for r in distinct_rules_at(0.0, tops)[0]]
    ['different_gender']
    """
    strict = share >= HOUSEHOLD_SHARE
    if share >= NO_RELATIVES_SHARE:
        rules = default_distinct_rules(tops, households=strict, keys=keys)
    else:
        # Only the rules no data size changes: a different patronymic and birth date is never
        # a typo, and a different first name (not a variant) with a different gender is two
        # people (siblings, colleagues sharing a phone), whatever the file size.
        rules = [
            r
            for r in default_distinct_rules(tops, households=False, keys=keys)
            # and (organizations) two sites at different addresses, two firms at one building
            if r.describe() in _ALWAYS
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
    floors = {c.output: c.min_weight for c in cset.comparisons if isinstance(c, IdComparison)}
    model = FellegiSunter.fit(
        levels.filter(pl.Series(train)) if levels.height else levels,
        u=u,
        n_levels=n_levels,
        floors=floors,
        monotone={c.output for c in cset.comparisons if c.monotone},
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
        tops = {c.output: c.n_levels - 1 for c in cset.comparisons}
        distinct_rules, hdiag = distinct_rules_for(levels, tops, prepared.keys.columns)
        diagnostics.append(hdiag)
    match_rules = list(cfg.rules or [])
    if not match_rules and [n for n in names if not _ID_NAME.fullmatch(n)] == ["org_name"]:
        # An organization name is all there is (a record id tells no duplicates apart): no
        # other field can outweigh the prior, so the same name (words in any order, legal
        # form, case and script aside) is the match.
        top = cset.comparisons[0].n_levels - 1
        match_rules = [Level("org_name", at_least=top - 2)]
    scorer = Scorer(prepared.keys, cset, match_rules, distinct_rules, aliases=prepared.aliases)
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


def plan_of(prepared: Prepared, blocked: BlockingResult, cset: ComparisonSet) -> DedupePlan:
    """The :class:`DedupePlan` of a run from its first stages."""
    uses = [
        ColumnUse(
            c,
            kind,
            prepared.sources.get(c, "named"),
            "" if c in prepared.row_ids else prepared.aliases.get(c, ""),
            "unique per row: names rows, not compared" if c in prepared.row_ids else "",
        )
        for kind, cols in prepared.columns.items()
        for c in cols
    ]
    return DedupePlan(
        columns=uses,
        blocking=blocked.rule_pairs,
        comparisons=[c.output for c in cset.comparisons],
        candidates=list(prepared.candidates),
        rows=prepared.records.rows,
        records=prepared.n,
        warnings=[d for d in blocked.diagnostics if d.warning],
    )


def _threshold_from_labels(lab: pl.DataFrame, current: float) -> float:
    """Threshold between labelled non-matches and matches (model scores, before the labels)."""
    yes = lab.filter("match")["prob"]
    no = lab.filter(~pl.col("match"))["prob"]
    if yes.len() == 0 or no.len() == 0:
        return current
    lo, hi = float(cast(float, no.max())), float(cast(float, yes.min()))
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
