"""Evaluation: pairwise, B-cubed, ARI; truth as ids or pairs."""

import polars as pl
import pytest

from custdata.dedupe import evaluate
from custdata.errors import InvalidOption


def test_perfect_and_split():
    pred = pl.DataFrame({"cluster_id": ["a", "a", "b"], "true_id": [1, 1, 2]})
    s = evaluate(pred, "true_id")
    assert s["f1"] == 1.0 and s["bcubed_f1"] == 1.0 and s["adjusted_rand"] == 1.0
    split = pl.DataFrame({"cluster_id": ["a", "b", "c"], "true_id": [1, 1, 2]})
    s2 = evaluate(split, "true_id")
    assert s2["recall"] == 0.0 and s2["precision"] == 1.0 and s2["bcubed_precision"] == 1.0


def test_truth_as_pairs_and_as_frame():
    pred = pl.DataFrame({"key": ["r1", "r2", "r3", "r4"], "cluster_id": ["x", "x", "x", "y"]})
    pairs = pl.DataFrame({"a": ["r1"], "b": ["r2"]})
    s = evaluate(pred, pairs, on="key")
    assert s["true_pairs"] == 1 and s["predicted_pairs"] == 3 and s["true_positive_pairs"] == 1
    truth = pl.DataFrame({"key": ["r4", "r3", "r2", "r1"], "true_id": [3, 2, 1, 1]})
    assert evaluate(pred, truth, on="key")["true_pairs"] == 1


def test_errors():
    pred = pl.DataFrame({"cluster_id": ["a"]})
    with pytest.raises(InvalidOption):
        evaluate(pred, pl.Series([1, 2]))
    with pytest.raises(InvalidOption):
        evaluate(pred, pl.DataFrame({"x": [1]}))
