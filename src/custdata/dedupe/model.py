"""Fellegi-Sunter model: m/u probabilities per comparison level, estimated without labels.

* **u** (how often two *different* people agree at a level) comes from random pairs of records:
  the exact level exactly, from the value frequencies (``sum c_v (c_v - 1) / n (n - 1)``), the
  other levels from a deterministic random sample of pairs.
* **m** (how often two records of the *same* person agree at a level) and the share of matches
  among candidate pairs are estimated by expectation-maximisation over the candidate pairs,
  grouped by their level pattern so that EM runs on a few thousand patterns, not millions of
  pairs. Pairs that a *distinct* rule already marks as different people (relatives) are left out
  of EM: they would otherwise teach the model that "same phone, same address, different first
  name" is what a duplicate looks like.
* Every probability is clamped to ``[1e-6, 1 - 1e-6]``, so a column that is all null, all equal or
  never agrees gives a weight of about zero, never a crash or an infinite weight.
* Term-frequency adjustment: an exact match on a common value ("Иванов", "Smith") weighs
  ``log2(u_exact / tf(value))`` less (or more, for a rare value) than the average exact match.

>>> import numpy as np, polars as pl
>>> levels = pl.DataFrame({"phone": np.array([2] * 60 + [0] * 40, dtype=np.int8),
...                        "name": np.array([2] * 55 + [0] * 5 + [0] * 38 + [2] * 2, dtype=np.int8)})
>>> model = FellegiSunter.fit(levels, u={"phone": [0.999, 0.0005, 0.0005], "name": [0.99, 0.005, 0.005]},
...                           n_levels={"phone": 3, "name": 3})
>>> bool(model.weights(levels)[0] > 5), bool(model.weights(levels)[70] < 0)
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

EPS = 1e-6


def clamp(p: np.ndarray | float) -> np.ndarray:
    """Clamp probabilities into ``[1e-6, 1 - 1e-6]``.

    >>> clamp(np.array([0.0, 0.5, 1.0])).tolist()
    [1e-06, 0.5, 0.999999]
    """
    return np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)


def _normalize(p: np.ndarray) -> np.ndarray:
    p = clamp(p)
    return p / p.sum()


@dataclass
class FellegiSunter:
    """m and u per comparison level and the prior share of matches ``lam``."""

    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    lam: float = 0.1
    iterations: int = 0
    #: Prior probability that two *random* records match (used for scoring; ``lam`` is the share
    #: of matches among candidate pairs, used inside EM only). See :meth:`set_prior`.
    prior: float | None = None
    #: Per comparison, a frame (value, tf) for the term-frequency adjustment of the exact level.
    tf: dict[str, pl.DataFrame] = field(default_factory=dict)
    #: Per comparison, the lowest weight (bits) any of its levels may have (identifiers).
    floors: dict[str, float] = field(default_factory=dict)
    #: Comparisons whose level weights never decrease with the level (a level is capped by
    #: every level above it): e.g. an unconfirmed tax id never outweighs a confirmed one.
    monotone: frozenset[str] = field(default_factory=frozenset)

    @property
    def names(self) -> list[str]:
        return list(self.m)

    @classmethod
    def fit(
        cls,
        levels: pl.DataFrame,
        *,
        u: Mapping[str, Sequence[float] | np.ndarray],
        n_levels: Mapping[str, int],
        max_iterations: int = 40,
        tolerance: float = 1e-5,
        lam: float = 0.3,
        floors: Mapping[str, float] | None = None,
        monotone: Iterable[str] = (),
    ) -> FellegiSunter:
        """Estimate m and ``lam`` by EM over the level table (u fixed).

        ``levels`` has one Int8 column per comparison (``-1`` = null). Works on the distinct
        level patterns with their counts.
        """
        names = list(n_levels)
        u_arr = {n: _normalize(np.asarray(u[n], dtype=np.float64)) for n in names}
        m_arr = {}
        for n in names:
            k = n_levels[n]
            # Start: duplicates mostly agree exactly, rarely disagree.
            init = np.linspace(0.05, 1.0, k) ** 2
            m_arr[n] = _normalize(init)
        model = cls(
            m=m_arr,
            u=u_arr,
            lam=float(np.clip(lam, EPS, 1 - EPS)),
            floors=dict(floors or {}),
            monotone=frozenset(monotone),
        )
        if levels.height == 0 or not names:
            return model
        patterns = levels.group_by(names).agg(pl.len().alias("_count"))
        return model._em(patterns, n_levels, max_iterations, tolerance)

    @classmethod
    def fit_counts(
        cls,
        patterns: pl.DataFrame,
        *,
        u: Mapping[str, Sequence[float] | np.ndarray],
        n_levels: Mapping[str, int],
        max_iterations: int = 40,
        tolerance: float = 1e-5,
        lam: float = 0.3,
        floors: Mapping[str, float] | None = None,
        monotone: Iterable[str] = (),
    ) -> FellegiSunter:
        """:meth:`fit` on a pattern-count table: one row per level pattern, its pairs in ``_count``.

        The same model as :meth:`fit` on the pairs themselves (another engine counts the
        patterns, e.g. Spark).

        >>> lv = pl.DataFrame({"phone": [2, 2, 0]}, schema={"phone": pl.Int8})
        >>> counts = lv.group_by("phone").agg(pl.len().alias("_count"))
        >>> u, k = {"phone": [0.99, 0.005, 0.005]}, {"phone": 3}
        >>> a = FellegiSunter.fit(lv, u=u, n_levels=k)
        >>> b = FellegiSunter.fit_counts(counts, u=u, n_levels=k)
        >>> a.m["phone"].tolist() == b.m["phone"].tolist(), a.lam == b.lam
        (True, True)
        """
        model = cls.fit(
            patterns.clear().select(list(n_levels)),
            u=u,
            n_levels=n_levels,
            lam=lam,
            floors=floors,
            monotone=monotone,
        )
        if patterns.height == 0 or not n_levels:
            return model
        return model._em(patterns, n_levels, max_iterations, tolerance)

    def _em(
        self,
        patterns: pl.DataFrame,
        n_levels: Mapping[str, int],
        max_iterations: int,
        tolerance: float,
    ) -> FellegiSunter:
        """EM over the pattern counts (``_count``), m and ``lam`` updated in place."""
        model = self
        names = list(n_levels)
        # Sorted patterns: the sums of EM run in the same order whatever the row order.
        patterns = patterns.sort(names)
        counts = patterns["_count"].to_numpy().astype(np.float64)
        g = {n: patterns[n].to_numpy().astype(np.int64) for n in names}
        for it in range(max_iterations):
            p = model._posterior(g, counts.size)
            w = p * counts
            total_w = w.sum()
            new_lam = float(np.clip(total_w / counts.sum(), EPS, 1 - EPS))
            change = abs(new_lam - model.lam)
            for n in names:
                k = n_levels[n]
                obs = g[n] >= 0
                mm = np.bincount(g[n][obs], weights=w[obs], minlength=k)[:k]
                if mm.sum() > 0:
                    new_m = _normalize(mm / mm.sum())
                    change = max(change, float(np.abs(new_m - model.m[n]).max()))
                    model.m[n] = new_m
            model.lam = new_lam
            model.iterations = it + 1
            if change < tolerance:
                break
        return model

    def _log_bf(self, g: Mapping[str, np.ndarray], size: int) -> np.ndarray:
        total = np.zeros(size, dtype=np.float64)
        for n in self.names:
            lv = g[n]
            obs = lv >= 0
            total[obs] += self.level_weights(n)[lv[obs]]
        return total

    def _posterior(self, g: Mapping[str, np.ndarray], size: int) -> np.ndarray:
        w = self._log_bf(g, size) + math.log2(self.lam / (1 - self.lam))
        return 1.0 / (1.0 + np.exp2(-np.clip(w, -60, 60)))

    def set_prior(
        self,
        bayes_factors: np.ndarray,
        total_pairs: int,
        *,
        iterations: int = 20,
        counts: np.ndarray | None = None,
    ) -> float:
        """Set :attr:`prior` = expected matches / all record pairs, by a fixed point.

        Start from "every candidate pair is a match" and repeat: expected matches = sum of the
        candidates' posteriors under the current prior. Scoring with the prior of a *random*
        pair (not of a candidate pair) is what keeps a shared first name and birth date from
        looking like a match just because blocking put the two records side by side.
        ``counts``: how many pairs have each Bayes factor (distinct values counted by another
        engine); None = one pair each.
        """
        total = max(int(total_pairs), 1)
        pairs = len(bayes_factors) if counts is None else int(np.sum(counts))
        prior = float(np.clip(max(pairs, 1) / total, EPS * EPS, 0.5))
        for _ in range(iterations):
            w = bayes_factors + math.log2(prior / (1 - prior))
            p = self.probability(w)
            expected = float(p.sum() if counts is None else (p * counts).sum())
            new = float(np.clip(max(expected, 1.0) / total, EPS * EPS, 0.5))
            if abs(math.log2(new) - math.log2(prior)) < 1e-3:
                prior = new
                break
            prior = new
        self.prior = prior
        return prior

    @property
    def prior_weight(self) -> float:
        """log2 prior odds used for scoring."""
        p = self.prior if self.prior is not None else self.lam
        return math.log2(p / (1 - p))

    def bayes_factors(
        self, levels: pl.DataFrame, tf_adjust: np.ndarray | None = None
    ) -> np.ndarray:
        """Sum of log2(m/u) over the comparisons (+ TF adjustment), without the prior."""
        g = {n: levels[n].to_numpy().astype(np.int64) for n in self.names}
        w = self._log_bf(g, levels.height)
        if tf_adjust is not None:
            w = w + tf_adjust
        return w

    def weights(self, levels: pl.DataFrame, tf_adjust: np.ndarray | None = None) -> np.ndarray:
        """Match weight (log2 Bayes factor + prior) of each pair of the level table."""
        g = {n: levels[n].to_numpy().astype(np.int64) for n in self.names}
        w = self._log_bf(g, levels.height) + self.prior_weight
        if tf_adjust is not None:
            w = w + tf_adjust
        return w

    @staticmethod
    def probability(weights: np.ndarray) -> np.ndarray:
        """Match probability from match weights.

        >>> FellegiSunter.probability(np.array([0.0, 10.0])).round(4).tolist()
        [0.5, 0.999]
        """
        return 1.0 / (1.0 + np.exp2(-np.clip(weights, -60, 60)))

    def level_weights(self, name: str) -> np.ndarray:
        """log2(m/u) of each level of one comparison (what the pairs table shows)."""
        w = np.log2(self.m[name]) - np.log2(self.u[name])
        if name in self.monotone:
            w = np.minimum.accumulate(w[::-1])[::-1]
        floor = self.floors.get(name)
        return w if floor is None else np.maximum(w, floor)

    def to_dict(self) -> dict:
        """Parameters as plain lists (for the diagnostics and the review loop)."""
        return {
            "lambda": self.lam,
            "prior": self.prior,
            "iterations": self.iterations,
            "m": {n: [round(float(x), 6) for x in v] for n, v in self.m.items()},
            "u": {n: [round(float(x), 8) for x in v] for n, v in self.u.items()},
        }


def sample_pairs(hashes: np.ndarray, sample_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of record ids for the u sample, chosen by content hash, oriented ``i < j``.

    Every pair when there are at most ``sample_size``; otherwise records are ranked by hash
    and each is paired with the records 1, 2, ... ranks after it (cyclically) until
    ``sample_size`` pairs are drawn. Depends only on the hashes, never on row positions, so
    any engine that hashes the same content draws the same sample.

    >>> i, j = sample_pairs(np.array([30, 10, 20], dtype=np.uint64), 2)
    >>> sorted(zip(i.tolist(), j.tolist()))
    [(0, 2), (1, 2)]
    """
    n = hashes.size
    if n * (n - 1) // 2 <= sample_size:
        i, j = np.triu_indices(n, k=1)
        return i.astype(np.int64), j.astype(np.int64)
    by_hash = np.lexsort((np.arange(n), hashes))  # ids in hash order (ties: by id)
    offsets = -(-sample_size // n)
    a_parts, b_parts = [], []
    for k in range(1, offsets + 1):
        take = min(n, sample_size - k * n + n)
        ranks = np.arange(take)
        a_parts.append(by_hash[ranks])
        b_parts.append(by_hash[(ranks + k) % n])
    a, b = np.concatenate(a_parts), np.concatenate(b_parts)
    return np.minimum(a, b), np.maximum(a, b)


def estimate_u(
    keys: pl.DataFrame,
    level_fn,
    n_levels: Mapping[str, int],
    columns: Mapping[str, str],
    *,
    hashes: np.ndarray,
    sample_size: int = 200_000,
) -> dict[str, np.ndarray]:
    """u probabilities from random record pairs (exact level from value frequencies).

    ``level_fn(left_rows, right_rows)`` returns the level table of those pairs; ``columns``
    maps comparison name -> key column; ``hashes`` is a content hash per record of ``keys``
    (see :func:`sample_pairs`), so u depends neither on the input order nor on the engine.
    """
    n = keys.height
    if n < 2:
        return {name: _normalize(np.ones(k)) for name, k in n_levels.items()}
    i, j = sample_pairs(hashes, sample_size)
    lt = level_fn(pl.Series(i.astype(np.uint32)), pl.Series(j.astype(np.uint32)))
    exact = {name: _exact_agreement(keys[columns[name]]) for name in n_levels}
    return u_from_sample(lt, n, n_levels, exact)


def u_from_sample(
    lt: pl.DataFrame, n: int, n_levels: Mapping[str, int], exact: Mapping[str, float | None]
) -> dict[str, np.ndarray]:
    """u of each comparison from the level table ``lt`` of the sampled pairs of ``n`` records.

    ``exact``: per comparison, P(two random non-null values are equal) (None: fewer than two
    values). What :func:`estimate_u` computes once it has the sample's levels.

    >>> lt = pl.DataFrame({"phone": [0, 0, 0, 1]}, schema={"phone": pl.Int8})
    >>> u = u_from_sample(lt, 100, {"phone": 2}, {"phone": 0.001})
    >>> round(float(u["phone"][1]), 6)
    0.001
    """
    u: dict[str, np.ndarray] = {}
    total_pairs = n * (n - 1) // 2
    for name, k in n_levels.items():
        lv = lt[name].to_numpy()
        obs = lv[lv >= 0].astype(np.int64)
        counts = np.bincount(obs, minlength=k)[:k].astype(np.float64)
        # Smoothing: a level never seen among random pairs is rare, not impossible.
        probs = (counts + 0.5) / (counts.sum() + 0.5 * k)
        agree = exact.get(name)
        if agree is not None:
            rest = probs[:-1].sum()
            probs[-1] = max(agree, 1.0 / (n * n))
            if rest > 0:
                probs[:-1] = probs[:-1] / rest * (1 - probs[-1])
        # Shrink toward a generic prior: on a few hundred rows the sample says little.
        weight = min(float(counts.sum()), float(total_pairs))
        probs = (weight * probs + PRIOR_PAIRS * default_u(k)) / (weight + PRIOR_PAIRS)
        u[name] = _normalize(probs)
    return u


#: Pseudo-count of the generic u prior (see :func:`default_u`).
PRIOR_PAIRS = 2000.0


def default_u(k: int) -> np.ndarray:
    """Generic u of a k-level comparison: exact 0.001, each fuzzy level 0.005, else the rest.

    >>> default_u(3).round(3).tolist()
    [0.994, 0.005, 0.001]
    """
    out = np.full(k, 0.005)
    out[-1] = 0.001
    out[0] = 1.0 - out[1:].sum()
    return out


def _exact_agreement(values: pl.Series) -> float | None:
    """P(two random non-null values are equal), from the value counts."""
    vc = values.drop_nulls()
    n = vc.len()
    if n < 2:
        return None
    counts = vc.value_counts()["count"].to_numpy().astype(np.float64)
    return float((counts * (counts - 1)).sum() / (n * (n - 1)))


def term_frequencies(values: pl.Series) -> pl.DataFrame:
    """Frequency of each non-null value among non-null values (for TF adjustment).

    >>> term_frequencies(pl.Series("s", ["a", "a", "b", None])).sort("value").rows()
    [('a', 0.6666666666666666), ('b', 0.3333333333333333)]
    """
    vc = values.drop_nulls()
    n = max(vc.len(), 1)
    return vc.value_counts(name="_n").select(
        pl.col(values.name).alias("value"), (pl.col("_n") / n).alias("tf")
    )
