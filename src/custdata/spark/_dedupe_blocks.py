"""Driver-side decisions of :mod:`custdata.spark.dedupe`: the plan, blocking, the model.

Everything decided over the whole table is decided here from small aggregates that Spark
computes: block sizes before any pair exists, level-pattern counts for the households share
and EM, value counts for u's exact level and the term frequencies, and the u sample (drawn
by content hash, as locally).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import polars as pl

from custdata.dedupe.blocking import LEFT, RIGHT
from custdata.dedupe.comparison import IdComparison
from custdata.dedupe.config import DedupeConfig
from custdata.dedupe.diagnostics import BlockSkipped, Diagnostic, Households, PairBudget, RulePairs
from custdata.dedupe.model import (
    FellegiSunter,
    _normalize,
    sample_pairs,
    u_from_sample,
)
from custdata.dedupe.prepare import ROW
from custdata.dedupe.results import Prepared
from custdata.dedupe.rules import Level, Rule
from custdata.dedupe.scoring import Scorer
from custdata.dedupe.stages import HOUSEHOLD_SHARE, NO_RELATIVES_SHARE
from custdata.dedupe.vetoes import household_evidence
from custdata.errors import InvalidOption
from custdata.spark._dedupe_steps import HASH, ID, Plan, key_names, unsigned_hashes

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame as SparkDataFrame

#: Pairs of the u sample (as :func:`custdata.dedupe.model.estimate_u`).
U_SAMPLE = 200_000
#: Columns the local engine drops before matching (an earlier run's output).
OUTPUT_COLUMNS = ("cluster_id", "match_score", "match_reason")

RulesFor = Callable[[pl.DataFrame], tuple[int, list[Rule], Households | None]]
#: A households share in each regime of :func:`custdata.dedupe.stages.distinct_rules_at`:
#: households, some relatives, none.
_REGIMES = (1.0, (HOUSEHOLD_SHARE + NO_RELATIVES_SHARE) / 2, 0.0)


def _collect(sdf: SparkDataFrame) -> pl.DataFrame:
    out = pl.from_arrow(sdf.toArrow())
    assert isinstance(out, pl.DataFrame)
    return out


def _id_candidates(prepared: Prepared, cfg: DedupeConfig) -> list[str]:
    """Named id columns that may only name rows (the local ``_row_id_columns`` candidates)."""
    named: set[str] = set()
    for rule in [*(cfg.rules or []), *(cfg.distinct or [])]:
        named |= set(rule.key_columns())
    named |= {c.column for c in cfg.comparisons or []} | {c.output for c in cfg.comparisons or []}
    return [
        c
        for c in prepared.columns.get("id", [])
        if prepared.aliases.get(c) in prepared.keys.columns
        and c not in named
        and prepared.aliases[c] not in named
    ]


def decide(
    sdf: SparkDataFrame,
    row_id: str,
    unique_ids: Callable[[list[str]], list[str]],
    **options: Any,
) -> tuple[Plan, DedupeConfig, RulesFor, list[Scorer], list[Rule]]:
    """The run's configuration, columns, keys, blocking rules and comparisons (driver).

    Columns are detected on a sample when not given; ``unique_ids(columns)`` says which named
    id columns have a distinct value per record on the whole table. Returns the :class:`Plan`, the config,
    the function that picks the distinct rules from the level-pattern counts, a scorer per
    candidate set of distinct rules (for the flags) and the match rules.
    """
    from custdata.dedupe.core import _config_of
    from custdata.dedupe.stages import (
        _ID_NAME,
        _blocking_rules,
        comparison_set,
        distinct_rules_at,
        prepare_records,
    )
    from custdata.spark import sample

    cfg = _config_of(options.pop("config", None), **options)
    content = [c for c in sdf.columns if c != row_id and c not in OUTPUT_COLUMNS]
    head = sample(sdf.select(*[f"`{c}`" for c in content]))
    # named ids unique per record only name rows (as locally): judged on the whole table
    prepared = prepare_records(head, cfg, row_ids=False)
    unique = unique_ids(_id_candidates(prepared, cfg))
    if unique:
        drop = [prepared.aliases[c] for c in unique]
        prepared = replace(prepared, keys=prepared.keys.drop(drop), row_ids=unique)
    rules = _blocking_rules(prepared, cfg)
    for r in rules:
        if r.name.startswith("org_rare_token"):
            raise InvalidOption(
                "organization names alone cannot be blocked on Spark yet (the rare-word rules "
                "count words over the whole table): add another column or run locally"
            )
    cset = comparison_set(prepared, cfg)
    key_columns = [c for c in prepared.keys.columns if c != ROW]
    names = [c.output for c in cset.comparisons]
    tops = {c.output: c.n_levels - 1 for c in cset.comparisons}
    match_rules = list(cfg.rules or [])
    if not match_rules and [n for n in names if not _ID_NAME.fullmatch(n)] == ["org_name"]:
        match_rules = [Level("org_name", at_least=cset.comparisons[0].n_levels - 3)]
    cols = prepared.keys.columns
    if cfg.distinct is not None:
        variants = [list(cfg.distinct)]
    else:  # the distinct rules of each households regime (one is kept once the share is known)
        variants = [distinct_rules_at(share, tops, cols)[0] for share in _REGIMES]
    everything = [r for v in variants for r in v]
    check = Scorer(prepared.keys, cset, match_rules, everything, aliases=prepared.aliases)
    plan = Plan(
        row_id=row_id,
        content_columns=content,
        mapping={k: list(v) for k, v in prepared.columns.items()},
        key_columns=key_columns,
        rules=rules,
        cset=cset,
        rule_keys={k: check._key(k) for k in check.rule_keys},
        aliases=dict(prepared.aliases),
        regions={"region": cfg.region, "fallback_region": cfg.fallback_region},
    )

    def rules_for(patterns: pl.DataFrame) -> tuple[int, list[Rule], Households | None]:
        """Which variant of the distinct rules the households share picks."""
        if cfg.distinct is not None:
            return 0, variants[0], None
        share = household_evidence(patterns, counts="_count")
        rules, diag = distinct_rules_at(share, tops, cols)
        regime = 0 if share >= HOUSEHOLD_SHARE else 1 if share >= NO_RELATIVES_SHARE else 2
        return regime, rules, diag

    scorers = [
        Scorer(prepared.keys.clear(), cset, match_rules, v, aliases=prepared.aliases)
        for v in variants
    ]
    return plan, cfg, rules_for, scorers, match_rules


# ---------------------------------------------------------------------------------------------
# blocking


@dataclass
class Blocked:
    """Candidate id pairs (``row_l < row_r``, ``_rule``: the first rule that finds the pair)
    and the diagnostics of the guard (skipped blocks, the pair budget)."""

    pairs: SparkDataFrame
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _budget_cut(hist: pl.DataFrame, total: int, budget: int) -> tuple[list[tuple[int, int]], int]:
    """Blocks to cut, largest first, as (size, how many of that size) until ``budget`` holds.

    ``hist``: ``n`` (block size) and ``blocks`` (how many blocks have it). The local engine
    cuts blocks in order of size (then rule, then key) while the pairs left exceed the budget.

    >>> _budget_cut(pl.DataFrame({"n": [10, 5, 3], "blocks": [1, 3, 10]}), 105, 50)
    ([(10, 1), (5, 1)], 50)
    """
    cut: list[tuple[int, int]] = []
    rest = total
    for n, count in hist.sort("n", descending=True).iter_rows():
        if rest <= budget:
            break
        p = n * (n - 1) // 2
        take = min(count, -(-(rest - budget) // p))
        cut.append((n, take))
        rest -= take * p
    return cut, rest


def block_pairs(keys: SparkDataFrame, plan: Plan, cfg: DedupeConfig) -> Blocked:
    """The blocking stage on Spark: sizes first, the guard, then the pairs (see the module)."""
    from pyspark.sql import functions as F

    max_block, budget = cfg.max_block_size, cfg.max_pairs
    if max_block < 2:
        raise InvalidOption("max_block_size must be at least 2")
    spark = keys.sparkSession
    parts = [
        keys.select(F.lit(i).alias("_rule"), ID, F.col(f"_b{i}").alias("_key"))
        for i in range(len(plan.rules))
    ]
    if not parts:
        empty = spark.createDataFrame([], f"{LEFT} long, {RIGHT} long")
        return Blocked(empty)
    keyed = parts[0]
    for p in parts[1:]:
        keyed = keyed.unionByName(p)
    keyed = keyed.where(F.col("_key").isNotNull())
    sizes = keyed.groupBy("_rule", "_key").agg(F.count(F.lit(1)).alias("n")).where(F.col("n") >= 2)
    # one small table: how many blocks of each size each rule has
    hist = _collect(sizes.groupBy("_rule", "n").agg(F.count(F.lit(1)).alias("blocks")))
    hist = hist.with_columns(pl.col("n").cast(pl.Int64), pl.col("blocks").cast(pl.Int64))
    hist = hist.with_columns(pairs=pl.col("n") * (pl.col("n") - 1) // 2 * pl.col("blocks"))
    diagnostics: list[Diagnostic] = []
    for i, rule in enumerate(plan.rules):
        b = hist.filter((pl.col("_rule") == i) & (pl.col("n") > max_block))
        if b.height:
            diagnostics.append(
                BlockSkipped(
                    rule=rule.name,
                    blocks=int(b["blocks"].sum()),
                    rows=int((b["n"] * b["blocks"]).sum()),
                    largest_block=int(cast(int, b["n"].max())),
                    pairs_avoided=int(b["pairs"].sum()),
                    max_block_size=max_block,
                )
            )
    hist = hist.filter(pl.col("n") <= max_block)
    kept = sizes.where(F.col("n") <= max_block)
    total = int(hist["pairs"].sum()) if hist.height else 0
    if total > budget:
        by_size = hist.group_by("n").agg(pl.col("blocks").sum())
        cut, rest = _budget_cut(by_size, total, budget)
        smallest, partial = cut[-1]
        gone = kept.where(F.col("n") > smallest).select("_rule", "_key")
        last = kept.where(F.col("n") == smallest).orderBy("_rule", "_key").limit(partial)
        gone = gone.unionByName(last.select("_rule", "_key"))
        diagnostics.append(
            PairBudget(
                total=total,
                budget=budget,
                blocks=sum(c for _, c in cut),
                pairs_avoided=total - rest,
                largest_block=cut[0][0],
            )
        )
        kept = kept.join(gone, ["_rule", "_key"], "left_anti")
    blocked = keyed.join(kept.select("_rule", "_key"), ["_rule", "_key"], "left_semi")
    lefts = blocked.select("_rule", "_key", F.col(ID).alias(LEFT))
    rights = blocked.select("_rule", "_key", F.col(ID).alias(RIGHT))
    pairs = (
        lefts.join(rights, ["_rule", "_key"])
        .where(F.col(LEFT) < F.col(RIGHT))
        .groupBy(LEFT, RIGHT)
        .agg(F.min("_rule").alias("_rule"))
    )
    return Blocked(pairs, diagnostics)


def rule_pairs(plan: Plan, patterns: pl.DataFrame) -> list[RulePairs]:
    """Pairs each blocking rule added (``_rule``: the first rule that found the pair)."""
    found = patterns.group_by("_rule").agg(pl.col("_count").sum())
    counts = dict(zip(found["_rule"].to_list(), found["_count"].to_list(), strict=True))
    return [RulePairs(rule=r.name, pairs=int(counts.get(i, 0))) for i, r in enumerate(plan.rules)]


# ---------------------------------------------------------------------------------------------
# the model


def _sample_ids(keys: SparkDataFrame, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The u sample's pairs (:func:`custdata.dedupe.model.sample_pairs`) from Spark's hashes."""
    if n <= U_SAMPLE:
        h = _collect(keys.select(ID, HASH)).sort(ID)
        return sample_pairs(unsigned_hashes(h[HASH].to_numpy()), U_SAMPLE)
    # More records than sampled pairs: each of the first U_SAMPLE records in hash order is
    # paired with the next one, so only the first U_SAMPLE + 1 are needed.
    first = _collect(keys.select(ID, HASH).orderBy(HASH, ID).limit(U_SAMPLE + 1))
    ids = first[ID].to_numpy().astype(np.int64)
    a, b = ids[:-1], ids[1:]
    return np.minimum(a, b), np.maximum(a, b)


def fit(keys: SparkDataFrame, plan: Plan, train: pl.DataFrame, n: int) -> FellegiSunter:
    """u from the content-hash sample, m by EM on the training patterns (``_count``)."""

    cset = plan.cset
    n_levels = {c.output: c.n_levels for c in cset.comparisons}
    if n < 2:
        u = {name: _normalize(np.ones(k)) for name, k in n_levels.items()}
    else:
        i, j = _sample_ids(keys, n)
        ids = np.unique(np.concatenate([i, j]))
        spark = keys.sparkSession
        wanted = spark.createDataFrame(pl.DataFrame({ID: ids}).to_arrow())
        kcols = key_names(len(plan.key_columns))
        local = _collect(keys.join(wanted, ID, "left_semi").select(ID, *kcols)).sort(ID)
        frame = local.select(
            [pl.col(k).alias(c) for k, c in zip(kcols, plan.key_columns, strict=True)]
        )
        got = local[ID].to_numpy()
        li = pl.Series(np.searchsorted(got, i).astype(np.uint32))
        ri = pl.Series(np.searchsorted(got, j).astype(np.uint32))
        lt = cset.level_table(frame, li, ri)
        exact = _exact_agreements(keys, plan)
        u = u_from_sample(lt, n, n_levels, exact)
    floors = {c.output: c.min_weight for c in cset.comparisons if isinstance(c, IdComparison)}
    monotone = {c.output for c in cset.comparisons if c.monotone}
    return FellegiSunter.fit_counts(train, u=u, n_levels=n_levels, floors=floors, monotone=monotone)


def _exact_agreements(keys: SparkDataFrame, plan: Plan) -> dict[str, float | None]:
    """Per comparison, P(two random non-null key values are equal), in one Spark job."""
    from pyspark.sql import functions as F

    columns = list(dict.fromkeys(c.column for c in plan.cset.comparisons))
    values = None
    for j, column in enumerate(columns):
        col = F.col(f"_k{plan.key_columns.index(column)}")
        part = keys.where(col.isNotNull()).select(
            F.lit(j).alias("j"), col.cast("string").alias("v")
        )
        values = part if values is None else values.unionByName(part)
    if values is None:
        return {}
    stats = {
        r["j"]: (int(r["s"]), int(r["m"]))
        for r in values.groupBy("j", "v")
        .count()
        .groupBy("j")
        .agg(
            F.sum(F.col("count") * (F.col("count") - 1)).alias("s"),
            F.sum("count").alias("m"),
        )
        .collect()
    }
    out: dict[str, float | None] = {}
    for c in plan.cset.comparisons:
        s, m = stats.get(columns.index(c.column), (0, 0))
        # as the local engine: a float sum of whole numbers (exact) over n (n - 1)
        out[c.output] = None if m < 2 else float(np.float64(s)) / (m * (m - 1))
    return out


def term_frequencies(keys: SparkDataFrame, plan: Plan) -> dict[str, pl.DataFrame]:
    """The TF table of each comparison that asks for one (value counts on Spark)."""
    from pyspark.sql import functions as F

    out: dict[str, pl.DataFrame] = {}
    for c in plan.cset.comparisons:
        if not c.term_frequency:
            continue
        col = F.col(f"_k{plan.key_columns.index(c.column)}").cast("string")
        vc = _collect(keys.where(col.isNotNull()).groupBy(col.alias("value")).count())
        n = max(int(vc["count"].sum()), 1) if vc.height else 1
        out[c.output] = vc.select("value", (pl.col("count") / n).alias("tf"))
    return out
