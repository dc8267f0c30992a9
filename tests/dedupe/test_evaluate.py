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


# --- issue 11: no truth is an error, not F1 0; error pairs on request


def test_no_truth_for_the_predicted_rows_is_an_error():
    pred = pl.DataFrame({"id": ["a", "b", "c"], "cluster_id": ["x", "x", "y"]})
    unmatched = pl.DataFrame({"id": ["q", "r"], "true_id": [1, 1]})  # --on matches nothing
    with pytest.raises(InvalidOption, match="no truth"):
        evaluate(pred, unmatched, on="id")
    empty = pl.DataFrame({"id": ["a", "b", "c"], "true_id": [None, None, 3]})  # grouped rows lack it
    with pytest.raises(InvalidOption, match="no truth"):
        evaluate(pred, empty, on="id")
    with pytest.raises(InvalidOption, match="no truth"):
        evaluate(pred, pl.DataFrame({"k1": ["q"], "k2": ["r"]}), on="id")


def test_error_pairs_list_false_positives_and_negatives():
    from custdata.dedupe import error_pairs

    pred = pl.DataFrame({"id": ["a", "b", "c", "d"], "cluster_id": ["x", "x", "y", "z"],
                         "name": ["Ann", "Bob", "Ann", "Dan"], "true_id": [1, 2, 1, 4]})
    err = error_pairs(pred, "true_id", columns=["id", "name"])
    assert err.select("error", "row_l", "row_r", "id_l", "id_r").rows() == [
        ("false_positive", 0, 1, "a", "b"),
        ("false_negative", 0, 2, "a", "c"),
    ]
    assert {"name_l", "name_r"} <= set(err.columns)
    scores = evaluate(pred, "true_id")
    n_fp = err.filter(pl.col("error") == "false_positive").height
    assert scores["predicted_pairs"] - scores["true_positive_pairs"] == n_fp


def test_cli_evaluate_errors_file_and_no_truth_exit_2(inproc, tmp_path):
    pred = tmp_path / "pred.csv"
    pl.DataFrame({"id": ["a", "b", "c"], "cluster_id": ["x", "x", "y"]}).write_csv(pred)
    truth = tmp_path / "truth.csv"
    pl.DataFrame({"id": ["a", "b", "c"], "true_id": [1, 2, 2]}).write_csv(truth)
    errors = tmp_path / "errors.csv"
    r = inproc("dedupe", "evaluate", pred, "--truth", truth, "--on", "id", "--errors", errors)
    assert r.exit_code == 0, r.stderr
    assert pl.read_csv(errors)["error"].to_list() == ["false_positive", "false_negative"]
    bad = tmp_path / "bad.csv"
    pl.DataFrame({"id": ["q"], "true_id": [1]}).write_csv(bad)
    r = inproc("dedupe", "evaluate", pred, "--truth", bad, "--on", "id")
    assert r.exit_code == 2 and "no truth" in r.stderr
