"""Scoring: the fitted model and the rules applied to compared pairs.

:class:`Scorer` holds what scoring needs (key frame, comparisons, fitted model, term
frequencies, match and distinct rules) and scores any pairs of records, the candidate pairs
of blocking as well as the pairs clustering checks later. :meth:`Scorer.score` returns a
:class:`PairScores`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from custdata.dedupe.blocking import LEFT, RIGHT
from custdata.dedupe.comparison import ComparisonSet
from custdata.dedupe.model import FellegiSunter
from custdata.dedupe.rules import Rule
from custdata.errors import InvalidOption

_TF_BOUNDS = (-10.0, 5.0)
#: Column of the match reason (the fields that agree, or the rule that fired).
MATCH_REASON = "match_reason"


@dataclass
class PairScores:
    """Scores of a set of pairs (all arrays aligned with ``levels``' rows).

    ``levels``: one Int8 level column per comparison. ``weight``: match weight (log2 odds).
    ``probability``: match probability (1.0 where a match rule fired). ``distinct``: a distinct
    rule forbids the pair. ``rule``: name of the first match rule that holds, else null.
    ``vetoes``: name of the first distinct rule that holds, else null.
    """

    levels: pl.DataFrame
    weight: np.ndarray
    probability: np.ndarray
    distinct: np.ndarray
    rule: pl.Series
    vetoes: pl.Series | None = None

    def __len__(self) -> int:
        return self.levels.height


@dataclass
class Scorer:
    """Scores pairs of the key frame with one fitted model and the rules."""

    keys: pl.DataFrame
    cset: ComparisonSet
    match_rules: list[Rule] = field(default_factory=list)
    distinct_rules: list[Rule] = field(default_factory=list)
    model: FellegiSunter | None = None
    tf: dict[str, pl.DataFrame] = field(default_factory=dict)
    #: Input column -> key column, so that a rule may name an input column (``soc_sec_id``).
    aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        needed: set[str] = set()
        for r in [*self.match_rules, *self.distinct_rules]:
            needed |= r.key_columns()
        missing = sorted(c for c in needed if self._key(c) not in self.keys.columns)
        if missing:
            raise InvalidOption(
                f"a rule uses the field {missing[0]!r}, which is not in the data; "
                f"available: {', '.join(k for k in self.keys.columns if not k.startswith('_'))}"
            )
        self.rule_keys = sorted(needed)
        levels_known = {c.output for c in self.cset.comparisons}
        for r in [*self.match_rules, *self.distinct_rules]:
            for lv in sorted(r.level_columns()):
                if lv not in levels_known:
                    raise InvalidOption(
                        f"a rule uses the comparison {lv!r}, which is not defined; "
                        f"defined: {', '.join(sorted(levels_known))}"
                    )

    def _key(self, field_key: str) -> str:
        """The key column a rule's key refers to (itself, or the key of a named input column)."""
        if field_key in self.keys.columns:
            return field_key
        return self.aliases.get(field_key, field_key)

    def levels(self, left: pl.Series, right: pl.Series) -> pl.DataFrame:
        """Level table of the pairs (``left[i]``, ``right[i]``)."""
        return self.cset.level_table(self.keys, left, right)

    def context(self, left: pl.Series, right: pl.Series, levels: pl.DataFrame) -> pl.DataFrame:
        """What rules read: rows, levels and ``<key>_l``/``<key>_r`` for each key rules use."""
        cols = [left.alias(LEFT), right.alias(RIGHT), *levels.get_columns()]
        for k in self.rule_keys:
            cols.append(self.keys[self._key(k)].gather(left).alias(f"{k}_l"))
            cols.append(self.keys[self._key(k)].gather(right).alias(f"{k}_r"))
        return pl.DataFrame(cols)

    def flags(self, ctx: pl.DataFrame) -> tuple[np.ndarray, pl.Series, pl.Series]:
        """Per pair: distinct flag, first match rule that holds, first distinct rule that holds."""
        n = ctx.height
        veto = _first_rule(ctx, self.distinct_rules, "veto", prefix="")
        fired = _first_rule(ctx, self.match_rules, "rule", prefix="rule:")
        return veto.is_not_null().to_numpy().astype(bool).reshape(n), fired, veto

    def tf_adjust(self, left: pl.Series, right: pl.Series, levels: pl.DataFrame) -> np.ndarray:
        """Term-frequency adjustment of the exact levels (common values weigh less)."""
        adj = np.zeros(levels.height)
        if self.model is None:
            raise InvalidOption("the scorer has no fitted model yet")
        for c in self.cset.comparisons:
            if not c.term_frequency or c.output not in self.tf:
                continue
            top = c.n_levels - 1
            exact = (levels[c.output] == top).to_numpy()
            if not exact.any():
                continue
            vals = self.keys[c.column].gather(left).cast(pl.String)
            tf = (
                vals.to_frame("value")
                .join(self.tf[c.output], on="value", how="left", maintain_order="left")["tf"]
                .fill_null(1.0)
                .to_numpy()
            )
            u_exact = float(self.model.u[c.output][top])
            a = np.log2(u_exact) - np.log2(np.clip(tf, 1e-9, 1.0))
            adj[exact] += np.clip(a[exact], *_TF_BOUNDS)
        return adj

    def score_levels(self, left: pl.Series, right: pl.Series, levels: pl.DataFrame) -> PairScores:
        """Scores of pairs whose level table is already known."""
        if self.model is None:
            raise InvalidOption("the scorer has no fitted model yet")
        distinct, fired, veto = self.flags(self.context(left, right, levels))
        weight = self.model.weights(levels, self.tf_adjust(left, right, levels))
        prob = FellegiSunter.probability(weight)
        prob = np.where(fired.is_not_null().to_numpy(), 1.0, prob)
        return PairScores(levels, weight, prob, distinct, fired, veto)

    def score(self, left: pl.Series, right: pl.Series) -> PairScores:
        """Levels, weight, probability, distinct flag and rules of the pairs."""
        return self.score_levels(left, right, self.levels(left, right))

    def score_for_clustering(
        self, left: pl.Series, right: pl.Series
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(probability, distinct)`` of pairs clustering needs (see :mod:`.clustering`)."""
        s = self.score(left, right)
        return s.probability, s.distinct


def _first_rule(ctx: pl.DataFrame, rules: list[Rule], name: str, *, prefix: str) -> pl.Series:
    """Name of the first rule that holds for each pair, else null."""
    if not rules or ctx.height == 0:
        return pl.Series(name, [None] * ctx.height, dtype=pl.String)
    out = pl.lit(None, dtype=pl.String)
    for r in reversed(rules):
        out = pl.when(r.expr()).then(pl.lit(f"{prefix}{r.describe()}")).otherwise(out)
    return ctx.select(out.alias(name)).to_series()


def reason(cset: ComparisonSet, levels: pl.DataFrame, fired: pl.Series) -> pl.Series:
    """Short "why" per pair: the rule, or the fields that agree (``~`` = approximately).

    >>> from custdata.dedupe.comparison import ExactMatch
    >>> cs = ComparisonSet([ExactMatch("email"), ExactMatch("phone")])
    >>> lv = pl.DataFrame({"email": [1, 0], "phone": [1, -1]}, schema={"email": pl.Int8, "phone": pl.Int8})
    >>> reason(cs, lv, pl.Series([None, None], dtype=pl.String)).to_list()
    ['email+phone', None]
    """
    parts = []
    for c in cset.comparisons:
        lv = pl.col(c.output)
        top = c.n_levels - 1
        parts.append(
            pl.when(lv == top)
            .then(pl.lit(c.output))
            .when(lv > 0)
            .then(pl.lit(f"{c.output}~"))
            .otherwise(None)
        )
    frame = levels.with_columns(fired.alias("_rule"))
    expr = pl.concat_str(parts, separator="+", ignore_nulls=True) if parts else pl.lit("")
    return frame.select(
        pl.coalesce(pl.col("_rule"), pl.when(expr != "").then(expr)).alias(MATCH_REASON)
    ).to_series()
