"""Clustering: no chaining through a forbidden pair, size cap, partitions."""

import numpy as np
import polars as pl

from custdata.dedupe.clustering import cluster, components
from custdata.dedupe.diagnostics import DiagnosticKind


def _edges(rows):
    return pl.DataFrame(rows, schema={"row_l": pl.Int64, "row_r": pl.Int64, "prob": pl.Float64, "distinct": pl.Boolean}, orient="row")


def test_chain_through_a_relative_is_cut():
    # 0~1 and 1~2 are strong, but 0 and 2 are different people (a distinct rule holds).
    edges = _edges([(0, 1, 0.99, False), (1, 2, 0.95, False), (0, 2, 0.1, True)])
    result = cluster(3, edges, lambda l, r: (np.zeros(len(l)), np.zeros(len(l), dtype=bool)))
    assert result.labels.tolist() == [0, 0, 2]
    assert result.diagnostics and result.diagnostics[0].kind == DiagnosticKind.SPLIT_CLUSTERS


def test_consistent_triangle_is_kept():
    edges = _edges([(0, 1, 0.99, False), (1, 2, 0.99, False), (0, 2, 0.97, False)])
    labels = cluster(3, edges, lambda l, r: (np.zeros(len(l)), np.zeros(len(l), dtype=bool))).labels
    assert labels.tolist() == [0, 0, 0]


def test_weak_pair_below_threshold_is_not_an_edge():
    labels = cluster(2, _edges([(0, 1, 0.5, False)]), lambda l, r: (np.zeros(len(l)), np.zeros(len(l), dtype=bool))).labels
    assert labels.tolist() == [0, 1]


def test_oversized_component_is_cut_and_reported():
    n = 30
    edges = _edges([(i, i + 1, 0.99, False) for i in range(n - 1)])
    result = cluster(n, edges, lambda l, r: (np.full(len(l), 0.99), np.zeros(len(l), dtype=bool)), max_cluster_size=10)
    sizes = np.unique(result.labels, return_counts=True)[1]
    assert sizes.max() <= 10
    assert any(d.kind == DiagnosticKind.OVERSIZED_CLUSTER for d in result.diagnostics)


def test_components_label_is_smallest_member():
    assert components(4, np.array([3]), np.array([1])).tolist() == [0, 1, 2, 1]


def test_empty():
    result = cluster(0, _edges([]), lambda l, r: (np.zeros(0), np.zeros(0, dtype=bool)))
    assert result.labels.tolist() == [] and result.diagnostics == []
