"""The polars side of :mod:`custdata.spark.dedupe`: what each Spark partition runs.

Every function here is a frame step over one batch (or one whole partition) and calls the
local dedupe stages' own functions, so that both engines compute keys, levels, rule flags,
weights and clusters with the same code. Spark sees placeholder column names (``_k0``,
``_lv0``...): the real names (key columns, comparison names) may hold dots or spaces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from custdata.dedupe.blocking import LEFT, RIGHT, BlockingRule
from custdata.dedupe.clustering import cluster
from custdata.dedupe.comparison import ComparisonSet
from custdata.dedupe.diagnostics import Diagnostic, OversizedCluster, SecondLook, SplitClusters
from custdata.dedupe.model import FellegiSunter
from custdata.dedupe.prepare import ROW, prepare
from custdata.dedupe.records import content_key, record_hashes
from custdata.dedupe.rules import Rule
from custdata.dedupe.scoring import Scorer, reason

#: Internal record id (content order), the content key and its hash (shifted to a signed
#: 64-bit integer that sorts as the unsigned hash does).
ID, CONTENT, HASH = "_id", "_content", "_hash"
_SIGN = np.uint64(1 << 63)


def signed_hashes(content: pl.Series) -> np.ndarray:
    """:func:`record_hashes` as int64 in the same order (Spark has no unsigned type).

    >>> h = signed_hashes(pl.Series(["a", "b", "c"]))
    >>> u = record_hashes(pl.Series(["a", "b", "c"]))
    >>> bool((np.argsort(h) == np.argsort(u)).all())
    True
    """
    return (record_hashes(content) ^ _SIGN).view(np.int64)


def unsigned_hashes(signed: np.ndarray) -> np.ndarray:
    """Back from :func:`signed_hashes`."""
    return np.asarray(signed, dtype=np.int64).view(np.uint64) ^ _SIGN


def key_names(n: int, prefix: str = "_k") -> list[str]:
    """Placeholder names ``_k0``, ``_k1``... for ``n`` columns."""
    return [f"{prefix}{i}" for i in range(n)]


@dataclass
class Plan:
    """What every partition needs to know, decided once on the driver."""

    row_id: str
    content_columns: list[str]
    mapping: dict[str, list[str]]
    key_columns: list[str]
    rules: list[BlockingRule]
    cset: ComparisonSet
    #: names rules use for keys (``<name>_l``/``<name>_r`` in the rule context) -> key column
    rule_keys: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    #: ``region`` and ``fallback_region`` of the keys' phone normalizer (from the config)
    regions: dict[str, str | None] = field(default_factory=dict)

    @property
    def levels(self) -> list[str]:
        return [c.output for c in self.cset.comparisons]

    @property
    def tf_columns(self) -> list[str]:
        return list(dict.fromkeys(c.column for c in self.cset.comparisons if c.term_frequency))


def prepare_rows(frame: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """Per input row: row id, content key and hash, match keys (``_k*``), block keys (``_b*``)."""
    content = content_key(frame.select(plan.content_columns))
    keys = prepare(frame, columns=plan.mapping, **plan.regions).drop(ROW)  # type: ignore[arg-type]
    blocks = keys.select([r.key_expr().alias(f"_b{i}") for i, r in enumerate(plan.rules)])
    keys = keys.select(plan.key_columns)
    keys.columns = key_names(len(plan.key_columns))
    return pl.concat(
        [
            frame.select(pl.col(plan.row_id).alias("_rowid")),
            pl.DataFrame({CONTENT: content, HASH: signed_hashes(content)}),
            keys,
            blocks,
        ],
        how="horizontal",
    )


def _side(frame: pl.DataFrame, plan: Plan, side: str) -> pl.DataFrame:
    """The key frame of one side of a batch of pairs (``_l0``... -> key column names)."""
    cols = key_names(len(plan.key_columns), f"_{side}")
    return frame.select([pl.col(c).alias(k) for c, k in zip(cols, plan.key_columns, strict=True)])


def compare_pairs(frame: pl.DataFrame, plan: Plan, scorers: Sequence[Scorer]) -> pl.DataFrame:
    """Levels (``_lv*``), TF values (``_tf*``), the match rule that fired (``rule``) and, for
    each candidate set of distinct rules, ``_d<i>`` (a rule forbids the pair) and ``_veto<i>``.

    The households share that picks the distinct rules is only known once every pair is
    compared, so each candidate set is applied here and the run keeps one.
    """
    left, right = _side(frame, plan, "l"), _side(frame, plan, "r")
    m = frame.height
    keys = pl.concat([left, right])
    li = pl.Series(np.arange(m, dtype=np.uint32))
    ri = pl.Series(np.arange(m, 2 * m, dtype=np.uint32))
    levels = plan.cset.level_table(keys, li, ri)
    ctx = [frame[LEFT], frame[RIGHT], *levels.get_columns()]
    for name, key in plan.rule_keys.items():
        ctx += [left[key].alias(f"{name}_l"), right[key].alias(f"{name}_r")]
    context = pl.DataFrame(ctx)
    levels.columns = key_names(len(plan.levels), "_lv")
    cols = [frame[LEFT], frame[RIGHT], frame["_rule"], *levels.get_columns()]
    for j, col in enumerate(plan.tf_columns):
        cols.append(left[col].cast(pl.String).alias(f"_tf{j}"))
    for i, scorer in enumerate(scorers):
        distinct, fired, veto = scorer.flags(context)
        if i == 0:
            cols.append(fired.alias("rule"))
        cols += [pl.Series(f"_d{i}", distinct, dtype=pl.Boolean), veto.alias(f"_veto{i}")]
    return pl.DataFrame(cols)


def _levels(frame: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    return frame.select([pl.col(f"_lv{j}").alias(n) for j, n in enumerate(plan.levels)])


def bayes_factors(frame: pl.DataFrame, plan: Plan, model: FellegiSunter, tf: dict) -> np.ndarray:
    """Sum of the level weights + TF adjustment of each pair (the prior left out)."""
    levels = _levels(frame, plan)
    tf_keys = pl.DataFrame(
        [frame[f"_tf{j}"].cast(pl.String).alias(c) for j, c in enumerate(plan.tf_columns)]
    )
    scorer = Scorer(tf_keys, plan.cset, model=model, tf=tf)
    idx = pl.Series(np.arange(frame.height, dtype=np.uint32))
    return model.bayes_factors(levels, scorer.tf_adjust(idx, idx, levels))


def score_pairs(frame: pl.DataFrame, plan: Plan, model: FellegiSunter, tf: dict) -> pl.DataFrame:
    """Weight, probability (1.0 where a match rule fired) and reason of flagged pairs."""
    weight = bayes_factors(frame, plan, model, tf) + model.prior_weight
    prob = FellegiSunter.probability(weight)
    prob = np.where(frame["rule"].is_not_null().to_numpy(), 1.0, prob)
    why = reason(plan.cset, _levels(frame, plan), frame["rule"])
    return frame.select(LEFT, RIGHT, *key_names(len(plan.levels), "_lv")).with_columns(
        pl.Series("match_weight", weight),
        pl.Series("match_probability", prob),
        frame["distinct"],
        frame["rule"],
        frame["veto"],
        why.alias("reason"),
    )


def cluster_part(
    frame: pl.DataFrame,
    plan: Plan,
    scorer_parts: tuple[list[Rule], list[Rule], FellegiSunter, dict],
    *,
    threshold: float,
    support: float,
    max_cluster_size: int,
) -> pl.DataFrame:
    """Anti-chaining :func:`cluster` over the whole components of one partition.

    Rows with ``_kind`` 0 are members (``_id`` and the keys), 1 the scored pairs inside the
    components. Record ids are renumbered 0..k-1 in the same order, so the labels (smallest
    member) are the ones the local stage gives. Returns ``_id``, ``label`` and one row of
    diagnostic counts (``_id`` -1).
    """
    members = frame.filter(pl.col("_kind") == 0).sort(ID)
    edges = frame.filter(pl.col("_kind") == 1)
    nodes = members[ID].to_numpy()
    keys = members.select(
        [pl.col(f"_k{j}").alias(k) for j, k in enumerate(plan.key_columns)]
    ).with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW))
    match_rules, distinct_rules, model, tf = scorer_parts
    scorer = Scorer(
        keys, plan.cset, match_rules, distinct_rules, model=model, tf=tf, aliases=plan.aliases
    )
    local = pl.DataFrame(
        {
            LEFT: np.searchsorted(nodes, edges[LEFT].to_numpy()),
            RIGHT: np.searchsorted(nodes, edges[RIGHT].to_numpy()),
            "prob": edges["match_probability"],
            "distinct": edges["distinct"],
        }
    )
    result = cluster(
        nodes.size,
        local,
        scorer.score_for_clustering,
        threshold=threshold,
        support=support,
        max_cluster_size=max_cluster_size,
    )
    counts = diagnostic_counts(result.diagnostics)
    return pl.DataFrame(
        {
            ID: np.append(nodes, -1).astype(np.int64),
            "label": np.append(nodes[result.labels], -1).astype(np.int64),
            **{k: [None] * nodes.size + [v] for k, v in counts.items()},
        },
        schema_overrides=dict.fromkeys(counts, pl.Int64),
    )


#: Counts of the clustering diagnostics, summed over partitions.
DIAGNOSTIC_COUNTS = (
    "oversized_components",
    "oversized_largest",
    "split_components",
    "split_split",
    "second_pairs",
    "second_moved",
)


def diagnostic_counts(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    """The clustering diagnostics of one partition as counts (see :func:`merge_diagnostics`)."""
    out = dict.fromkeys(DIAGNOSTIC_COUNTS, 0)
    for d in diagnostics:
        if isinstance(d, OversizedCluster):
            out["oversized_components"] += d.components
            out["oversized_largest"] = max(out["oversized_largest"], d.largest)
        elif isinstance(d, SplitClusters):
            out["split_components"] += d.components
            out["split_split"] += d.split
        elif isinstance(d, SecondLook):
            out["second_pairs"] += d.pairs
            out["second_moved"] += d.moved
    return out


def merge_diagnostics(rows: Sequence[dict[str, int]], max_cluster_size: int) -> list[Diagnostic]:
    """The diagnostics the local cluster stage reports, from the partitions' counts.

    >>> merge_diagnostics([{"split_components": 2, "split_split": 1}], 50)
    [SplitClusters(components=2, split=1)]
    """
    total = dict.fromkeys(DIAGNOSTIC_COUNTS, 0)
    for r in rows:
        for k in DIAGNOSTIC_COUNTS:
            v = r.get(k) or 0
            total[k] = max(total[k], v) if k == "oversized_largest" else total[k] + v
    out: list[Diagnostic] = []
    if total["oversized_components"]:
        out.append(
            OversizedCluster(
                components=total["oversized_components"],
                largest=total["oversized_largest"],
                max_cluster_size=max_cluster_size,
            )
        )
    if total["split_components"]:
        out.append(SplitClusters(components=total["split_components"], split=total["split_split"]))
    if total["second_pairs"]:
        out.append(SecondLook(pairs=total["second_pairs"], moved=total["second_moved"]))
    return out
