"""custdata.graph: connected components agree with a plain union-find and ignore edge order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.graph import component_ids, component_min_labels


def _reference(n: int, edges: list[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(n)]


graphs = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60)
    )
)


@settings(max_examples=200, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_min_labels_match_union_find_in_any_edge_order(graph, rnd) -> None:
    n, edges = graph
    expected = _reference(n, edges)
    shuffled = list(edges)
    rnd.shuffle(shuffled)
    for order in (edges, shuffled, [(b, a) for a, b in shuffled]):
        left = np.array([a for a, _ in order], dtype=np.int64)
        right = np.array([b for _, b in order], dtype=np.int64)
        assert component_min_labels(n, left, right).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_component_ids_are_a_dense_partition(graph) -> None:
    n, edges = graph
    left = np.array([a for a, _ in edges], dtype=np.int64)
    right = np.array([b for _, b in edges], dtype=np.int64)
    ids = component_ids(n, left, right)
    assert len(ids) == n
    assert sorted(set(ids.tolist())) == list(range(len(set(ids.tolist()))))
    for a, b in edges:
        assert ids[a] == ids[b]
