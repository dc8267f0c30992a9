"""Connected components of an undirected graph given as edge arrays (numpy only).

Dedupe and evaluation need one thing from graph theory: which records end up in one group when
pairs are joined. This module answers it with min-label propagation and pointer jumping, the
same algorithm the Spark backend runs on DataFrames, so both engines agree by construction.
"""

from __future__ import annotations

import numpy as np


def component_min_labels(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Label every node ``0..n-1`` by the smallest node id of its connected component.

    ``left[i]``--``right[i]`` is an undirected edge. The labels depend only on the graph, not on
    the order of the edges.

    >>> component_min_labels(6, np.array([1, 4, 2]), np.array([2, 5, 3])).tolist()
    [0, 1, 1, 1, 4, 4]
    >>> component_min_labels(3, np.array([], dtype=int), np.array([], dtype=int)).tolist()
    [0, 1, 2]
    """
    labels = np.arange(n, dtype=np.int64)
    if n == 0 or len(left) == 0:
        return labels
    a = np.asarray(left, dtype=np.int64)
    b = np.asarray(right, dtype=np.int64)
    while True:
        la, lb = labels[a], labels[b]
        low = np.minimum(la, lb)
        before = labels.copy()
        # hook both endpoints' roots to the smaller label, then jump pointers to the root
        np.minimum.at(labels, la, low)
        np.minimum.at(labels, lb, low)
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            return labels


def component_ids(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Dense component numbers ``0..k-1``, numbered in order of each component's smallest node.

    >>> component_ids(6, np.array([1, 4, 2]), np.array([2, 5, 3])).tolist()
    [0, 1, 1, 1, 2, 2]
    """
    labels = component_min_labels(n, left, right)
    _, dense = np.unique(labels, return_inverse=True)
    return dense.astype(np.int64)
