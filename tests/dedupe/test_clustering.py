"""Clustering: no chaining through a forbidden pair, size cap, partitions."""

import numpy as np
import polars as pl

from custdata.dedupe.clustering import cluster, components


def _edges(rows):
    return pl.DataFrame(rows, schema={"row_l": pl.Int64, "row_r": pl.Int64, "prob": pl.Float64, "distinct": pl.Boolean}, orient="row")


def test_chain_through_a_relative_is_cut():
    # 0~1 and 1~2 are strong, but 0 and 2 are different people (a distinct rule holds).
    edges = _edges([(0, 1, 0.99, False), (1, 2, 0.95, False), (0, 2, 0.1, True)])
    labels, diag = cluster(3, edges, lambda l, r: (np.zeros(len(l)), np.zeros(len(l), dtype=bool)))
    assert labels.tolist() == [0, 0, 2]
    assert diag and diag[0]["kind"] == "split_clusters"


def test_consistent_triangle_is_kept():
    edges = _edges([(0, 1, 0.99, False), (1, 2, 0.99, False), (0, 2, 0.97, False)])
    labels, _ = cluster(3, edges, lambda l, r: (np.zeros(len(l)), np.zeros(len(l), dtype=bool)))
    assert labels.tolist() == [0, 0, 0]


def test_weak_pair_below_threshold_is_not_an_edge():
    labels, _ = cluster(2, _edges([(0, 1, 0.5, False)]), lambda l, r: (np.zeros(len(l)), np.zeros(len(l), dtype=bool)))
    assert labels.tolist() == [0, 1]


def test_oversized_component_is_cut_and_reported():
    n = 30
    edges = _edges([(i, i + 1, 0.99, False) for i in range(n - 1)])
    labels, diag = cluster(n, edges, lambda l, r: (np.full(len(l), 0.99), np.zeros(len(l), dtype=bool)), max_cluster_size=10)
    sizes = np.unique(labels, return_counts=True)[1]
    assert sizes.max() <= 10
    assert any(d["kind"] == "oversized_cluster" for d in diag)


def test_components_label_is_smallest_member():
    assert components(4, np.array([3]), np.array([1])).tolist() == [0, 1, 2, 1]


def test_empty():
    labels, diag = cluster(0, _edges([]), lambda l, r: (np.zeros(0), np.zeros(0, dtype=bool)))
    assert labels.tolist() == [] and diag == []
