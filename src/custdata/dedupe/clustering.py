"""Clustering scored pairs into people without chaining.

Plain connected components over "match" edges lets one wrong edge glue two people (or a whole
family) together: A~B and B~C make A, B, C one person even when A and C clearly are not. Here:

1. Edges: pairs with probability >= ``threshold`` that no distinct rule forbids.
2. Connected components of those edges (custdata.graph, vectorized numpy). Pairs of two records are final.
3. Every component of 3+ records is checked as a whole: all pairs inside it are scored (the
   ones blocking never generated too). A component where every pair is at least ``support``
   and no pair is forbidden by a distinct rule is kept as it is (the usual case).
4. Other components are re-clustered by *constrained average linkage*: start from single
   records, repeatedly merge the two groups with the highest average pair probability, only if
   that average is at least ``support``, at least one pair between them is a real edge, and no
   pair between them is forbidden. A family of four that one weak edge connected becomes four
   people again; a person with one badly typed record stays one cluster.
5. Components bigger than ``max_cluster_size`` are first cut by taking edges strongest first and
   never letting a group grow past the cap; they are reported as suspicious.

>>> import polars as pl
>>> edges = pl.DataFrame({"row_l": [0, 1], "row_r": [1, 2], "prob": [0.99, 0.97], "distinct": [False, False]})
>>> def score(l, r):  # the pair (0, 2) was never blocked: it is a different person
...     return np.zeros(len(l)), np.ones(len(l), dtype=bool)
>>> result = cluster(3, edges, score, threshold=0.9)
>>> result.labels.tolist()
[0, 0, 2]
>>> [d.kind.value for d in result.diagnostics]
['split_clusters']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import polars as pl

from custdata.dedupe.diagnostics import (
    Diagnostic,
    OversizedCluster,
    SecondLook,
    SplitClusters,
)
from custdata.graph import component_min_labels

LEFT, RIGHT = "row_l", "row_r"

ScoreFn = Callable[[pl.Series, pl.Series], tuple[np.ndarray, np.ndarray]]


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Label of each of ``n`` nodes = smallest node of its connected component.

    >>> components(5, np.array([0, 3]), np.array([1, 4])).tolist()
    [0, 0, 2, 3, 3]
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # Each component is labelled by its smallest member (stable, order-independent given node ids).
    return component_min_labels(n, np.asarray(left), np.asarray(right))


def _capped_union(
    nodes: np.ndarray, left: np.ndarray, right: np.ndarray, prob: np.ndarray, cap: int
) -> dict[int, int]:
    """Union edges strongest first, never letting a group exceed ``cap`` members."""
    parent = {int(x): int(x) for x in nodes}
    size = dict.fromkeys(parent, 1)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    order = np.lexsort((right, left, -prob))
    for k in order:
        a, b = find(int(left[k])), find(int(right[k]))
        if a != b and size[a] + size[b] <= cap:
            if b < a:
                a, b = b, a
            parent[b] = a
            size[a] += size[b]
    return {x: find(x) for x in parent}


def _average_linkage(
    k: int, prob: np.ndarray, forbid: np.ndarray, edge: np.ndarray, support: float
) -> np.ndarray:
    """Constrained average linkage over k records; returns a group index per record."""
    groups = [[i] for i in range(k)]
    sums = prob.copy()
    counts = np.ones((k, k))
    forb = forbid.copy()
    has_edge = edge.copy()
    alive = np.ones(k, dtype=bool)
    np.fill_diagonal(forb, True)
    while True:
        avg = np.where(alive[:, None] & alive[None, :] & ~forb & has_edge, sums / counts, -1.0)
        best = int(np.argmax(avg))
        a, b = divmod(best, k)
        if avg[a, b] < support:
            break
        if b < a:
            a, b = b, a
        groups[a].extend(groups[b])
        groups[b] = []
        alive[b] = False
        sums[a, :] += sums[b, :]
        sums[:, a] = sums[a, :]
        counts[a, :] += counts[b, :]
        counts[:, a] = counts[a, :]
        forb[a, :] |= forb[b, :]
        forb[:, a] = forb[a, :]
        has_edge[a, :] |= has_edge[b, :]
        has_edge[:, a] = has_edge[a, :]
        forb[a, a] = True
    out = np.empty(k, dtype=np.int64)
    for g, members in enumerate(groups):
        for m in members:
            out[m] = g
    return out


@dataclass
class Clusters:
    """Result of the cluster stage: a label per record (its cluster's smallest record id)."""

    labels: np.ndarray
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def frame(self) -> pl.DataFrame:
        """``row`` (internal record id) and ``cluster`` (smallest member id) as a frame.

        >>> Clusters(np.array([0, 0, 2])).frame().rows()
        [(0, 0), (1, 0), (2, 2)]
        """
        n = self.labels.size
        return pl.DataFrame(
            {
                "row": np.arange(n, dtype=np.uint32),
                "cluster": self.labels.astype(np.uint32),
            }
        )


def _relabel_min(labels: np.ndarray, rows: np.ndarray, roots: np.ndarray) -> None:
    """Set ``labels[rows]`` to the smallest row sharing each root (in place)."""
    sub = pl.DataFrame({"row": rows, "root": roots}).with_columns(
        pl.col("row").min().over("root").alias("new")
    )
    labels[sub["row"].to_numpy()] = sub["new"].to_numpy()


def cut_oversized(
    labels: np.ndarray, strong: pl.DataFrame, max_cluster_size: int
) -> OversizedCluster | None:
    """Cut components bigger than ``max_cluster_size`` at their weakest edges (in place)."""
    n = labels.size
    lab = pl.DataFrame({"row": np.arange(n, dtype=np.int64), "label": labels})
    sizes = lab.group_by("label").agg(pl.len().alias("size"))
    big = sizes.filter(pl.col("size") > max_cluster_size)
    if big.height == 0:
        return None
    left = strong[LEFT].to_numpy().astype(np.int64)
    right = strong[RIGHT].to_numpy().astype(np.int64)
    big_labels = big["label"].to_list()
    in_big = np.isin(labels[left], big_labels)
    nodes = lab.filter(pl.col("label").is_in(big_labels))["row"].to_numpy()
    probs = strong["prob"].to_numpy()
    roots = _capped_union(nodes, left[in_big], right[in_big], probs[in_big], max_cluster_size)
    _relabel_min(labels, np.array(list(roots), dtype=np.int64), np.array(list(roots.values())))
    return OversizedCluster(
        components=big.height,
        largest=int(cast(int, big["size"].max())),
        max_cluster_size=max_cluster_size,
    )


def pairs_within(labels: np.ndarray, edges: pl.DataFrame, score: ScoreFn) -> pl.DataFrame:
    """Every pair inside each component of 3+ records: ``label``, rows, ``prob``, ``distinct``.

    Pairs that blocking never generated are scored with ``score``.
    """
    n = labels.size
    lab = pl.DataFrame({"row": np.arange(n, dtype=np.int64), "label": labels})
    multi = lab.filter(pl.len().over("label") >= 3)
    allpairs = (
        multi.join(multi, on="label", suffix="_r")
        .filter(pl.col("row") < pl.col("row_r"))
        .select(pl.col("label"), pl.col("row").alias(LEFT), pl.col("row_r").alias(RIGHT))
    )
    known = edges.select(
        pl.col(LEFT).cast(pl.Int64), pl.col(RIGHT).cast(pl.Int64), "prob", "distinct"
    )
    allpairs = allpairs.join(known, on=[LEFT, RIGHT], how="left")
    missing = allpairs.filter(pl.col("prob").is_null())
    if missing.height:
        p, d = score(missing[LEFT].cast(pl.UInt32), missing[RIGHT].cast(pl.UInt32))
        filled = missing.with_columns(
            prob=pl.Series(p, dtype=pl.Float64), distinct=pl.Series(d, dtype=pl.Boolean)
        )
        allpairs = pl.concat([allpairs.filter(pl.col("prob").is_not_null()), filled])
    return allpairs.sort(["label", LEFT, RIGHT])


#: Pairs at or above this probability are "near certain": a split that leaves such a pair
#: apart gets a second look (:func:`second_look`).
NEAR_CERTAIN = 0.99


def second_look(
    groups: np.ndarray, prob: np.ndarray, forbid: np.ndarray, support: float
) -> tuple[np.ndarray, int, int]:
    """Move records that a near-certain pair ties to another group, where the evidence says.

    Average linkage merges greedily, so which group a record ends in can depend on the order of
    merging. Here each record with a near-certain pair into another group moves there when no
    pair there is forbidden and its average probability to that group is at least ``support``
    and higher than to its own group: a split falls on the weakest evidence. Returns the new
    groups, the near-certain pairs left apart before, and the records moved.

    >>> prob = np.array([[0, .99, .1], [.99, 0, .6], [.1, .6, 0]])
    >>> g, apart, moved = second_look(np.array([0, 1, 1]), prob, np.zeros((3, 3), bool), 0.5)
    >>> g.tolist(), apart, moved
    ([1, 1, 1], 1, 1)
    """
    k = groups.size
    groups = groups.copy()
    certain = (prob >= NEAR_CERTAIN) & ~forbid
    np.fill_diagonal(certain, False)
    apart = int(np.triu(certain & (groups[:, None] != groups[None, :])).sum())
    moved = 0
    if apart == 0:
        return groups, 0, 0
    for _ in range(k):
        changed = False
        for i in range(k):
            targets = np.unique(groups[certain[i] & (groups != groups[i])])
            if targets.size == 0:
                continue
            others = np.arange(k) != i
            own = others & (groups == groups[i])
            own_avg = prob[i, own].mean() if own.any() else 0.0
            best, best_avg = -1, max(own_avg, support)
            for g in targets:
                members = others & (groups == g)
                if forbid[i, members].any():
                    continue
                avg = prob[i, members].mean()
                if avg > best_avg:
                    best, best_avg = int(g), avg
            if best >= 0:
                groups[i] = best
                moved += 1
                changed = True
        if not changed:
            break
    return groups, apart, moved


def split_inconsistent(
    labels: np.ndarray, allpairs: pl.DataFrame, *, threshold: float, support: float
) -> list[Diagnostic]:
    """Re-cluster (in place) the components where some pair is weak or forbidden."""
    bad = (
        allpairs.group_by("label")
        .agg(((pl.col("prob") < support) | pl.col("distinct")).any().alias("bad"))
        .filter("bad")
    )
    if bad.height == 0:
        return []
    todo = allpairs.join(bad.select("label"), on="label", how="semi").sort(["label", LEFT, RIGHT])
    rows_all = np.unique(np.concatenate([todo[LEFT].to_numpy(), todo[RIGHT].to_numpy()]))
    members = pl.DataFrame({"row": rows_all, "label": labels[rows_all]}).sort(["label", "row"])
    split = apart_total = moved_total = 0
    m_label, m_row = members["label"].to_numpy(), members["row"].to_numpy()
    t_label = todo["label"].to_numpy()
    t_left, t_right = todo[LEFT].to_numpy(), todo[RIGHT].to_numpy()
    t_prob, t_dist = todo["prob"].to_numpy(), todo["distinct"].to_numpy()
    uniq, m_start = np.unique(m_label, return_index=True)
    m_end = np.append(m_start[1:], m_label.size)
    t_start = np.searchsorted(t_label, uniq, side="left")
    t_end = np.searchsorted(t_label, uniq, side="right")
    for gi in range(uniq.size):
        rows = m_row[m_start[gi] : m_end[gi]]
        sl = slice(t_start[gi], t_end[gi])
        k = rows.size
        li = np.searchsorted(rows, t_left[sl])
        ri = np.searchsorted(rows, t_right[sl])
        prob = np.zeros((k, k))
        forbid = np.zeros((k, k), dtype=bool)
        prob[li, ri] = prob[ri, li] = t_prob[sl]
        forbid[li, ri] = forbid[ri, li] = t_dist[sl]
        edge = (prob >= threshold) & ~forbid
        groups = _average_linkage(k, prob, forbid, edge, support)
        groups, apart, moved = second_look(groups, prob, forbid, support)
        apart_total += apart
        moved_total += moved
        if np.unique(groups).size > 1:
            split += 1
        for g in np.unique(groups):
            mem = rows[groups == g]
            labels[mem] = mem.min()
    out: list[Diagnostic] = [SplitClusters(components=bad.height, split=split)]
    if apart_total:
        out.append(SecondLook(pairs=apart_total, moved=moved_total))
    return out


def cluster(
    n: int,
    edges: pl.DataFrame,
    score: ScoreFn,
    *,
    threshold: float = 0.9,
    support: float = 0.5,
    max_cluster_size: int = 50,
) -> Clusters:
    """Cluster label (smallest member row) of each of ``n`` rows, plus diagnostics.

    ``edges`` has ``row_l``, ``row_r``, ``prob`` and ``distinct`` (a distinct rule holds) for the
    scored candidate pairs. ``score(left_rows, right_rows)`` returns ``(prob, distinct)`` for
    any other pairs (used to check components as a whole). Steps: connected components of the
    strong edges, :func:`cut_oversized`, :func:`pairs_within`, :func:`split_inconsistent`.
    """
    diagnostics: list[Diagnostic] = []
    strong = edges.filter((pl.col("prob") >= threshold) & ~pl.col("distinct"))
    labels = components(
        n,
        strong[LEFT].to_numpy().astype(np.int64),
        strong[RIGHT].to_numpy().astype(np.int64),
    )
    if n == 0 or strong.height == 0:
        return Clusters(labels, diagnostics)
    cut = cut_oversized(labels, strong, max_cluster_size)
    if cut is not None:
        diagnostics.append(cut)
    allpairs = pairs_within(labels, edges, score)
    if allpairs.height:
        diagnostics.extend(
            split_inconsistent(labels, allpairs, threshold=threshold, support=support)
        )
    return Clusters(labels, diagnostics)
