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
