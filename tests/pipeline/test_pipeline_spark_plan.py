"""custdata run --engine spark without Spark: what cannot run there is refused when the plan is
made (one line, exit 2, Spark never started); the folder commit and its manifest."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from custdata.pipeline import load_pipeline, plan_run, run_pipeline
from custdata.pipeline.commit import (
    ASIDE,
    _clean_leftovers,
    check_manifest,
    swap_into_place,
    write_manifest,
)
from custdata.pipeline.report import RunReport

HEAD = """\
[pipeline]
name = "night"
date = "2026-03-01"

[[steps]]
step = "read"
source = "{source}"
"""


def _pipeline(
    tmp_path: Path,
    source: str = "dumps/*.parquet",
    steps: str = "",
    target: str = "out/people.parquet",
) -> Path:
    path = tmp_path / "night.toml"
    text = (
        HEAD.format(source=source) + steps + f'\n[[steps]]\nstep = "write"\ntarget = "{target}"\n'
    )
    path.write_text(text, encoding="utf-8")
    return path


def _refused(inproc, path: Path) -> str:
    for args in (("--dry-run",), ()):
        result = inproc("run", path, "--engine", "spark", *args)
        assert result.exit_code == 2, result.stderr
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and errors[0].startswith("Error:"), result.stderr
    assert not (path.parent / "out").exists()  # nothing locked, reported or written
    return errors[0]


@pytest.mark.parametrize(
    ("source", "steps", "target", "says"),
    [
        ("dumps/*.csv", "", "out/people.parquet", "*.csv: --engine spark reads Parquet"),
        ("dumps/crm.csv", "", "out/people.parquet", "crm.csv: --engine spark reads Parquet"),
        (
            "dumps/*.parquet",
            "",
            "out/people.csv",
            "key 'target': step 2 (write): --engine spark writes Parquet folders",
        ),
        (
            "dumps/*.parquet",
            "",
            "s3a://bucket/people.parquet",
            "writes pipeline outputs to local paths",
        ),
        (
            "dumps/*.parquet",
            '[[steps]]\nstep = "households"\n',
            "out/p.parquet",
            "step 2 (households): not available with --engine spark",
        ),
        (
            "dumps/*.parquet",
            '[[steps]]\nstep = "dedupe.master"\nmaster = "m.parquet"\n',
            "out/p.parquet",
            "dedupe.master): not available",
        ),
        (
            "dumps/*.parquet",
            '[[steps]]\nstep = "golden"\n',
            "out/p.parquet",
            "golden works on the result of a dedupe step",
        ),
        (
            "dumps/*.parquet",
            '[[steps]]\nstep = "dedupe"\nlink_split = 3\n',
            "out/p.parquet",
            "link_split is not available with --engine spark",
        ),
        (
            "dumps/*.parquet",
            '[[steps]]\nstep = "segment"\ncustomer = "c"\ndate = "d"\namount = "a"\n',
            "out/p.parquet",
            "custdata.spark.rfm",
        ),
    ],
)
def test_refused_before_spark_starts(inproc, tmp_path: Path, source, steps, target, says) -> None:
    (tmp_path / "dumps").mkdir()
    (tmp_path / "dumps" / "crm.csv").write_text("tel\n+79123456789\n", encoding="utf-8")
    message = _refused(inproc, _pipeline(tmp_path, source, steps, target))
    assert says in message
    assert "79123456789" not in message


def test_a_parquet_file_matched_by_a_glob_must_be_parquet(inproc, tmp_path: Path) -> None:
    (tmp_path / "dumps").mkdir()
    (tmp_path / "dumps" / "crm-1").write_text("tel\n1\n", encoding="utf-8")  # no extension: a CSV
    assert "crm-1: --engine spark reads Parquet" in _refused(
        inproc, _pipeline(tmp_path, "dumps/crm-*")
    )


def test_dry_run_shows_folders_and_urls(inproc, tmp_path: Path) -> None:
    (tmp_path / "dumps" / "day1.parquet").mkdir(parents=True)  # a Parquet folder Spark wrote
    steps = '[[steps]]\nstep = "normalize"\n[[steps]]\nstep = "dedupe"\n'
    path = _pipeline(tmp_path, "dumps/day*.parquet", steps)
    text = path.read_text().replace(
        'source = "dumps/day*.parquet"', 'source = ["dumps/day*.parquet", "s3a://b/crm/"]'
    )
    path.write_text(text, encoding="utf-8")
    result = inproc("run", path, "--engine", "spark", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "on Spark" in result.text and "day1.parquet" in result.text
    assert "reads s3a://b/crm/ (on Spark" in result.text
    report = run_pipeline(path, dry_run=True, engine="spark")
    assert report.engine == "spark" and len(report.inputs) == 2
    assert not (tmp_path / "out").exists()
    local = inproc("run", path, "--dry-run")  # the local engine reads neither URLs nor folders
    assert local.exit_code == 0 and "no file matches yet" in local.text


def test_unknown_engine(inproc, tmp_path: Path) -> None:
    result = inproc("run", _pipeline(tmp_path), "--engine", "dask", "--dry-run")
    assert result.exit_code == 2 and "--engine must be 'polars' or 'spark'" in result.stderr
    with pytest.raises(Exception, match="not 'dask'"):
        plan_run(load_pipeline(_pipeline(tmp_path)), engine="dask")


def _parquet_folder(path: Path, content: bytes) -> None:
    path.mkdir(parents=True)
    (path / "part-00000.parquet").write_bytes(content)
    (path / "_SUCCESS").write_bytes(b"")


def test_swap_and_leftovers_of_a_killed_run(tmp_path: Path) -> None:
    target = tmp_path / "people.parquet"
    _parquet_folder(target, b"old")
    staging = tmp_path / ".people.parquet.1.partial"
    _parquet_folder(staging, b"new")
    swap_into_place(staging, target)
    assert (target / "part-00000.parquet").read_bytes() == b"new" and not staging.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["people.parquet"]
    # killed between the two renames: the old output aside, the target missing -> put back
    os.rename(target, tmp_path / f".people.parquet.7{ASIDE}")
    _parquet_folder(tmp_path / ".people.parquet.7.partial", b"newer")
    assert _clean_leftovers([target]) == 2
    assert (target / "part-00000.parquet").read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["people.parquet"]
    # killed after them: the aside copy is only removed
    _parquet_folder(tmp_path / f".people.parquet.8{ASIDE}", b"old")
    assert _clean_leftovers([target]) == 1
    assert (target / "part-00000.parquet").read_bytes() == b"new"


def test_manifest_checks_every_file_of_a_folder(tmp_path: Path) -> None:
    from custdata.pipeline.commit import output_entry

    path = _pipeline(tmp_path)
    target = tmp_path / "out" / "people.parquet"
    _parquet_folder(target, b"rows")
    report = RunReport(pipeline="night", file=str(path), run_date="2026-03-01", run_id="r1")
    report.outputs.append(output_entry(target, 1))
    assert report.outputs[0]["bytes"] == 4
    write_manifest(tmp_path / "out" / "people.manifest.json", report)
    assert check_manifest(path)["run_id"] == "r1"
    (target / "part-00001.parquet").write_bytes(b"more")  # a file added to the folder
    with pytest.raises(Exception, match="does not match the manifest"):
        check_manifest(path)
    data = json.loads((tmp_path / "out" / "people.manifest.json").read_text())
    assert data["outputs"][0]["path"] == str(target)


def test_engine_from_the_pipeline_file(inproc, tmp_path: Path) -> None:
    path = _pipeline(tmp_path, "dumps/*.csv")
    path.write_text(
        path.read_text().replace('date = "2026-03-01"', 'date = "2026-03-01"\nengine = "spark"')
    )
    assert "reads Parquet" in _refused(inproc, path)  # the file says spark
    local = inproc("run", path, "--engine", "polars", "--dry-run")  # the command line wins
    assert local.exit_code == 0, local.stderr
    bad = inproc("run", path, "--set", "engine=dask", "--dry-run")
    assert (
        bad.exit_code == 2
        and "line 4, key 'engine': engine must be 'polars' or 'spark'" in bad.stderr
    )


def test_without_pyspark_nothing_is_locked_or_written(inproc, tmp_path: Path, monkeypatch) -> None:
    import sys

    (tmp_path / "dumps").mkdir()
    (tmp_path / "dumps" / "crm.parquet").write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark fails
    result = inproc("run", _pipeline(tmp_path), "--engine", "spark")
    assert result.exit_code == 2 and "pip install 'custdata[spark]'" in result.stderr
    assert not (tmp_path / "out").exists()
