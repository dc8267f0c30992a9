"""Blocking recall in evaluate: the share of true pairs the blocking rules make candidates."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from custdata.dedupe import blocking_recall, evaluate, find_duplicates, plan
from custdata.synth import generate_companies

NAMED = {"org_name": "company", "tax_id": "tax_id", "address": "address", "city": "city",
         "phone": "phone", "email": "email"}  # fmt: skip


@pytest.fixture(scope="module")
def labelled() -> pl.DataFrame:
    return generate_companies(40, seed=11).drop("company_id", "site", "corruption")


def _true_pairs(truth: list) -> set[tuple[int, int]]:
    return {
        (i, j) for i in range(len(truth)) for j in range(i + 1, len(truth)) if truth[i] == truth[j]
    }


def test_counts_by_hand() -> None:
    # one person with two spellings of one email (found), one person with two emails (lost)
    df = pl.DataFrame(
        {
            "email": ["Ann@x.ru", "ann@x.ru", "bob@y.ru", "robert@z.ru", "eve@w.ru"],
            "phone": ["+7 912 000-00-01", None, "+7 912 000-00-02", None, "+7 912 000-00-02"],
            "who": [1, 1, 2, 2, 3],
        }
    )
    r = blocking_recall(df, "who", columns={"email": "email", "phone": "phone"})
    assert (r["blocking_true_pairs"], r["blocking_found_pairs"], r["blocking_recall"]) == (
        2,
        1,
        0.5,
    )
    assert r["blocking_recall[email]"] == 0.5 and r["blocking_added[email]"] == 1
    # the phone rule makes a candidate (bob/eve) that is not a true pair: no recall from it
    assert r["blocking_recall[phone]"] == 0.0 and r["blocking_added[phone]"] == 0
    assert r["blocking_candidate_pairs"] == 2


def test_generated_set_agrees_with_the_plan_and_a_brute_force(labelled: pl.DataFrame) -> None:
    data = labelled.drop("true_id")
    r = blocking_recall(labelled, "true_id", columns=NAMED)
    p = plan(data, columns=NAMED)
    assert r["blocking_candidate_pairs"] == p.pairs
    truth = labelled["true_id"].to_list()
    want = _true_pairs(truth)
    assert r["blocking_true_pairs"] == len(want)
    assert 0.5 < r["blocking_recall"] <= 1.0
    rules = list(p.blocking)
    alone = [r[f"blocking_recall[{name}]"] for name in rules]
    assert max(alone) <= r["blocking_recall"]
    assert sum(r[f"blocking_added[{name}]"] for name in rules) == r["blocking_found_pairs"]
    # brute force: a true pair is found when some rule's blocking key is equal on both records
    from custdata.dedupe.core import _config_of
    from custdata.dedupe.stages import _blocking_rules, prepare_records

    prepared = prepare_records(data, _config_of(None, columns=NAMED))
    keys = prepared.keys
    rec = prepared.records.inverse.to_list()
    per_rule = [
        keys.select(rule.key_expr())["_key"].to_list()
        for rule in _blocking_rules(prepared, _config_of(None, columns=NAMED))
    ]
    found = {
        (i, j)
        for i, j in want
        if rec[i] == rec[j]
        or any(k[rec[i]] is not None and k[rec[i]] == k[rec[j]] for k in per_rule)
    }
    assert r["blocking_found_pairs"] == len(found)  # no block is over the size guard here


def test_evaluate_adds_blocking_keys_to_the_scores(labelled: pl.DataFrame) -> None:
    pred = find_duplicates(labelled.drop("true_id"), columns=NAMED).with_columns(
        labelled["true_id"]
    )
    scores = evaluate(pred, "true_id", blocking=True, columns=NAMED)
    plain = evaluate(pred, "true_id")
    assert {k: scores[k] for k in plain} == plain  # and evaluate is deterministic to the last digit
    assert (
        scores["blocking_recall"]
        == blocking_recall(labelled, "true_id", columns=NAMED)["blocking_recall"]
    )
    assert "blocking_recall" not in plain


def test_cli_reports_recall_lost_before_scoring(
    cli, tmp_path: Path, labelled: pl.DataFrame
) -> None:
    src, truth, pred = tmp_path / "firms.csv", tmp_path / "truth.csv", tmp_path / "pred.csv"
    labelled.drop("true_id").write_csv(src, separator=";")
    labelled.select("record_id", "true_id").write_csv(truth)
    kinds = [a for k, v in NAMED.items() for a in ("-k", f"{k}={v}")]
    assert cli("dedupe", src, *kinds, "-o", pred, "-q").exit_code == 0
    result = cli(
        "dedupe", "evaluate", pred, "--truth", truth, "--on", "record_id", "--blocking", *kinds
    )
    assert result.exit_code == 0, result.stderr
    lines = dict(line.split("\t") for line in result.text.splitlines())
    assert 0.5 < float(lines["blocking_recall"]) <= 1.0 and "blocking_recall[phone]" in lines
    assert "true pairs candidates (recall" in result.stderr and "never scored" in result.stderr
    assert "ООО" not in result.stderr  # counts and rule names only


def test_cli_refuses_run_options_without_blocking(cli, tmp_path: Path) -> None:
    pred = tmp_path / "p.csv"
    pl.DataFrame({"cluster_id": ["a", "a"], "true_id": [1, 1]}).write_csv(pred)
    result = cli("dedupe", "evaluate", pred, "--truth", pred, "-k", "email=email")
    assert result.exit_code == 2 and "add --blocking" in result.stderr
