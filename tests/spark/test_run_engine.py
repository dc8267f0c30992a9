"""custdata run PIPELINE --engine spark: the local runner's outputs, report and manifest, on Spark."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from custdata import io as cio

# one worker runs every Spark test under pytest-xdist (one JVM, one session)
pytestmark = pytest.mark.xdist_group("spark")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

PIPELINE = """\
[pipeline]
name = "nightly"
date = "2026-03-01"

[[steps]]
step = "read"
source = "dumps/crm-*.parquet"

[[steps]]
step = "normalize"

[[steps]]
step = "suppress"
optouts = "optouts.csv"
mode = "drop"

[[steps]]
step = "dedupe"
id = "people"

[[steps]]
step = "write"
target = "{engine}/people.parquet"

[[steps]]
step = "golden"
input = "people"

[[steps]]
step = "write"
target = "{engine}/golden.parquet"

[[steps]]
step = "mask"
input = "people"
columns = ["Телефон", "Эл. почта"]
method = "hash"
key_file = "secret.key"

[[steps]]
step = "write"
target = "{engine}/masked.parquet"
"""


def _folder(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path / "*.parquet")


def test_run_engine_spark_equals_local(spark, inproc, tmp_path: Path) -> None:
    crm = cio.read(EXAMPLES / "crm_export.csv").head(200).with_row_index("row")
    (tmp_path / "dumps").mkdir()
    crm.head(120).write_parquet(tmp_path / "dumps" / "crm-1.parquet")  # two files: read in
    crm.tail(80).write_parquet(tmp_path / "dumps" / "crm-2.parquet")  # name order, stacked
    (tmp_path / "optouts.csv").write_text(
        "contact\n+38 (096) 182-64-24\nTATIANA.BARANOVA@yandex.ru\n", encoding="utf-8"
    )
    (tmp_path / "secret.key").write_text("pipeline test key, long enough\n")
    (tmp_path / "secret.key").chmod(0o600)
    for engine in ("polars", "spark"):
        (tmp_path / f"{engine}.toml").write_text(PIPELINE.format(engine=engine), encoding="utf-8")
    local = inproc("run", tmp_path / "polars.toml", "-q")
    assert local.exit_code == 0, local.stderr
    result = inproc("run", tmp_path / "spark.toml", "--engine", "spark", "--json", "-q")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "ok" and report["engine"] == "spark"
    assert [s["rows_out"] for s in report["steps"][:4]] == [200, 200, 198, 198]
    local_report = json.loads((tmp_path / "polars" / "people.report.json").read_text())
    for mine, theirs in zip(report["steps"], local_report["steps"], strict=True):
        assert (mine["rows_out"], mine["details"].keys()) == (
            theirs["rows_out"],
            theirs["details"].keys(),
        )
        if mine["step"] != "write":
            assert mine["details"] == theirs["details"]
    out, ref = tmp_path / "spark", tmp_path / "polars"
    # dedupe and mask outputs keep the input order; golden records are compared by cluster
    for name, order in (("people", None), ("masked", None), ("golden", "cluster_id")):
        got, expected = _folder(out / f"{name}.parquet"), pl.read_parquet(ref / f"{name}.parquet")
        if order:
            got, expected = got.sort(order), expected.sort(order)
        assert got.equals(expected), name
    assert (out / "people.manifest.json").is_file() and not list(out.glob(".*"))
    check = inproc("run", tmp_path / "spark.toml", "--check")
    assert check.exit_code == 0, check.stderr
    part = next((out / "golden.parquet").glob("part-*.parquet"))
    part.write_bytes(part.read_bytes() + b"x")  # a changed part file breaks the set
    check = inproc("run", tmp_path / "spark.toml", "--check")
    assert check.exit_code == 2 and "golden.parquet does not match" in check.stderr
