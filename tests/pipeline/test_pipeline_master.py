"""Incremental nightly mode: tonight's dump + yesterday's master -> master with stable ids."""

from __future__ import annotations

import polars as pl

from custdata.pipeline import run_pipeline
from custdata.pipeline.steps import update_master

PIPELINE = """\
[pipeline]
name = "master"

[[steps]]
step = "read"
source = "dumps/{date:%Y-%m-%d}.csv"

[[steps]]
step = "dedupe.master"
master = "master/customers-{yesterday:%Y-%m-%d}.parquet"
id_column = "id"
rules = ["email", "phone"]

[[steps]]
step = "write"
target = "master/customers-{date:%Y-%m-%d}.parquet"
"""

NIGHT1 = """id,name,phone,email
1,Иванов Иван,8 (912) 345-67-89,ivan@mail.ru
2,Петрова Анна,+7 903 111-22-33,anna@mail.ru
3,Сидоров Олег,,oleg@yandex.ru
4,Ivanov Ivan,+7 912 345 67 89,
"""
NIGHT2 = """id,name,phone,email
2,Петрова Анна,+7 903 111-22-33,anna@mail.ru
5,Олег Сидоров,,OLEG@yandex.ru
6,Кузнецова Мария,+7 921 000-11-22,maria@mail.ru
"""


def test_nightly_master_keeps_ids_and_reruns_identically(tmp_path):
    (tmp_path / "dumps").mkdir()
    (tmp_path / "dumps" / "2026-03-01.csv").write_text(NIGHT1, encoding="utf-8")
    (tmp_path / "dumps" / "2026-03-02.csv").write_text(NIGHT2, encoding="utf-8")
    path = tmp_path / "master.toml"
    path.write_text(PIPELINE, encoding="utf-8")

    run_pipeline(path, overrides=["date=2026-03-01"])  # first night: no master yet
    m1 = pl.read_parquet(tmp_path / "master" / "customers-2026-03-01.parquet")
    assert m1["id"].to_list() == ["1", "2", "3", "4"]
    ids1 = dict(zip(m1["id"], m1["cluster_id"], strict=True))
    assert ids1["1"] == ids1["4"]  # same phone: one person

    report = run_pipeline(path, overrides=["date=2026-03-02"])
    out = tmp_path / "master" / "customers-2026-03-02.parquet"
    first_bytes = out.read_bytes()
    m2 = pl.read_parquet(out)
    assert sorted(m2["id"].to_list()) == ["1", "2", "3", "4", "5", "6"]  # 2 not added twice
    ids2 = dict(zip(m2["id"], m2["cluster_id"], strict=True))
    assert all(ids2[k] == v for k, v in ids1.items())  # existing ids never change
    assert ids2["5"] == ids1["3"]  # a known person under a new record id keeps the id
    assert ids2["6"] not in ids1.values()
    assert report.steps[1].rows_out == 6
    assert any(i["argument"] == "master" for i in report.inputs if "argument" in i)

    run_pipeline(path, overrides=["date=2026-03-02"])  # a rerun reads the same inputs
    assert out.read_bytes() == first_bytes


def test_update_master_skips_identical_rows_without_id_column():
    night = pl.DataFrame({"email": ["a@x.ru", "b@x.ru"]})
    master = update_master(night, rules="email")
    again = update_master(night, master, rules="email")
    assert again.height == 2 and again["cluster_id"].equals(master["cluster_id"])


def test_reviewed_proposals_merge_master_ids_in_the_pipeline(tmp_path):
    """A night's dump bridges two master ids; the reviewed proposal merges them on the next run."""
    from custdata.dedupe import master_match

    master = pl.DataFrame(
        {
            "cluster_id": ["cA", "cB"],
            "id": ["1", "2"],
            "name": ["Иванов Иван", "Иванов Иван"],
            "phone": [None, "+79123456789"],
            "email": ["ivan@mail.ru", None],
        }
    )
    dump = pl.DataFrame({"id": ["3"], "name": ["Иванов Иван"], "phone": ["8 912 345 67 89"], "email": ["ivan@mail.ru"]})
    proposals = master_match(dump, master, rules=["email", "phone"]).proposals
    assert proposals.select("master_id_keep", "master_id_retire").rows() == [("cA", "cB")]
    (tmp_path / "dumps").mkdir()
    dump.write_csv(tmp_path / "dumps" / "2026-03-02.csv")
    (tmp_path / "master").mkdir()
    master.write_parquet(tmp_path / "master" / "customers-2026-03-01.parquet")
    proposals.with_columns(pl.lit("accept").alias("decision")).write_csv(tmp_path / "reviewed.csv")
    text = PIPELINE.replace('id_column = "id"\n', 'id_column = "id"\nreviewed = "reviewed.csv"\n')
    (tmp_path / "master.toml").write_text(text, encoding="utf-8")
    run_pipeline(tmp_path / "master.toml", overrides=["date=2026-03-02"])
    out = pl.read_parquet(tmp_path / "master" / "customers-2026-03-02.parquet")
    assert out["id"].to_list() == ["1", "2", "3"]
    assert out["cluster_id"].to_list() == ["cA", "cA", "cA"]
    assert out["merged_from"].to_list() == [None, "cB", None]
