"""``custdata dedupe --master`` merge proposals end to end on real files (in-process CLI)."""

from __future__ import annotations

import polars as pl
import pytest

MASTER_CSV = (
    "cluster_id,name,email,phone\n"
    "cA,Иванов Иван,ivan@mail.ru,\n"
    "cB,Иванов Иван,,+79123456789\n"
    "cC,Петрова Анна,anna@mail.ru,\n"
)
TONIGHT_CSV = "name,email,phone\nИванов Иван,IVAN@mail.ru,8 912 345-67-89\nКим Ольга,olga@mail.ru,+79990001122\n"
OPTS = (
    "-k",
    "full_name=name",
    "-k",
    "email=email",
    "-k",
    "phone=phone",
    "--rule",
    "email",
    "--rule",
    "phone",
)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "master.csv").write_text(MASTER_CSV, encoding="utf-8")
    (tmp_path / "tonight.csv").write_text(TONIGHT_CSV, encoding="utf-8")
    return tmp_path


def _no_values(stderr: str) -> None:
    for value in ("ivan@", "IVAN@", "olga@", "912", "Иванов", "cA", "cB"):
        assert value not in stderr


def _propose(cli, d, out="proposals.csv", *extra):
    r = cli(
        "dedupe",
        d / "tonight.csv",
        "--master",
        d / "master.csv",
        *OPTS,
        "--proposals",
        d / out,
        "-o",
        d / "tonight-ids.csv",
        *extra,
    )
    assert r.exit_code == 0, r.stderr
    return r


def test_proposals_review_and_accept_round_trip(cli, files):
    d = files
    r = _propose(cli, d)
    assert "1 merge proposal(s) (1 bridging new rows)" in r.stderr
    _no_values(r.stderr)
    props = pl.read_csv(d / "proposals.csv")
    assert props.select("master_id_keep", "master_id_retire").rows() == [("cA", "cB")]
    assert props["decision"].null_count() == 1
    assert {
        "proposal_id",
        "record_key",
        "record_row",
        "reason_keep",
        "reason_retire",
        "email_new",
    } <= set(props.columns)
    ids = pl.read_csv(d / "tonight-ids.csv")["cluster_id"].to_list()
    assert ids[0] == "cA" and ids[1] not in ("cA", "cB", "cC")

    props.with_columns(pl.lit("да").alias("decision")).write_csv(d / "reviewed.csv")
    r = cli(
        "dedupe",
        d / "tonight.csv",
        "--master",
        d / "master.csv",
        *OPTS,
        "--accept-proposals",
        d / "reviewed.csv",
        "--merges",
        d / "merges.csv",
        "--proposals",
        d / "proposals2.csv",
        "-o",
        d / "tonight-ids2.csv",
    )
    assert r.exit_code == 0, r.stderr
    assert "1 accepted merge(s) applied (1 master rows re-pointed)" in r.stderr
    _no_values(r.stderr)
    merges = pl.read_csv(d / "merges.csv")
    assert merges.select("retired_id", "surviving_id").rows() == [("cB", "cA")]
    assert merges["proposal_id"].to_list() == props["proposal_id"].to_list()
    assert pl.read_csv(d / "proposals2.csv").height == 0
    assert pl.read_csv(d / "tonight-ids2.csv")["cluster_id"][0] == "cA"


def test_rejected_pairs_are_suppressed(cli, files):
    d = files
    _propose(cli, d)
    pl.read_csv(d / "proposals.csv").with_columns(pl.lit("reject").alias("decision")).write_csv(
        d / "reviewed.csv"
    )
    r = _propose(cli, d, "proposals2.csv", "--accept-proposals", d / "reviewed.csv")
    assert "0 merge proposal(s)" in r.stderr and "1 rejected pair(s) not proposed again" in r.stderr
    assert pl.read_csv(d / "proposals2.csv").height == 0


def test_without_proposals_file_the_run_says_there_are_some(cli, files):
    d = files
    r = cli("dedupe", d / "tonight.csv", "--master", d / "master.csv", *OPTS, "-o", d / "o.csv")
    assert r.exit_code == 0, r.stderr
    assert "1 merge proposal(s)" in r.stderr and "--proposals FILE" in r.stderr
    _no_values(r.stderr)


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda p: p.drop("decision"), "column 'decision' not found"),
        (lambda p: p.with_columns(pl.lit("maybe").alias("decision")), "row 1: unknown decision"),
        (
            lambda p: p.with_columns(
                pl.lit("accept").alias("decision"), pl.lit("cZ").alias("master_id_keep")
            ),
            "proposal_id does not belong",
        ),
    ],
)
def test_bad_reviewed_file_is_one_line_exit_2(cli, files, edit, words):
    d = files
    _propose(cli, d)
    edit(pl.read_csv(d / "proposals.csv")).write_csv(d / "reviewed.csv")
    r = cli(
        "dedupe",
        d / "tonight.csv",
        "--master",
        d / "master.csv",
        *OPTS,
        "--accept-proposals",
        d / "reviewed.csv",
        "-o",
        d / "o.csv",
    )
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and words in lines[0], r.stderr
    _no_values(r.stderr)
    assert not (d / "o.csv").exists()


def test_options_need_a_master(cli, files):
    d = files
    for extra in (("--proposals", d / "p.csv"), ("--accept-proposals", d / "master.csv")):
        r = cli("dedupe", d / "tonight.csv", *extra)
        assert r.exit_code == 2 and "needs --master" in r.stderr
    r = cli("dedupe", d / "tonight.csv", "--master", d / "master.csv", "--merges", d / "m.csv")
    assert r.exit_code == 2 and "needs --accept-proposals" in r.stderr
