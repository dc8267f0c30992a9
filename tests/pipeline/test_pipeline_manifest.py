"""Run manifest: run id + SHA-256 of each output, written last; ``run --check`` verifies a set."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from custdata.pipeline import ManifestMismatch, check_manifest, run_pipeline

PIPE = """\
[pipeline]
name = "m"

[[steps]]
step = "read"
source = "in.csv"

[[steps]]
step = "write"
target = "out/a.csv"

[[steps]]
step = "write"
target = "out/b.parquet"
"""


@pytest.fixture
def job(tmp_path: Path) -> Path:
    (tmp_path / "in.csv").write_text("name,tel\nAnn,1\nBob,2\n")
    path = tmp_path / "p.toml"
    path.write_text(PIPE)
    return path


def test_manifest_written_last_and_checked(inproc, job):
    report = run_pipeline(job)
    out = job.parent / "out"
    manifest = json.loads((out / "a.manifest.json").read_text())
    assert manifest["run_id"] == report.run_id and len(manifest["run_id"]) == 32
    assert [Path(o["path"]).name for o in manifest["outputs"]] == ["a.csv", "b.parquet"]
    assert all(len(o["sha256"]) == 64 for o in manifest["outputs"])
    assert (out / "a.manifest.json").stat().st_mtime_ns >= (out / "a.report.json").stat().st_mtime_ns
    assert check_manifest(job)["run_id"] == report.run_id
    res = inproc("run", job, "--check")
    assert res.exit_code == 0 and report.run_id in res.stderr
    # a changed output is a mixed set
    (out / "a.csv").write_text("name,tel\nEve,3\n")
    res = inproc("run", job, "--check")
    assert res.exit_code == 2 and "a.csv does not match" in res.stderr


def test_second_run_gets_a_new_run_id(job):
    first = run_pipeline(job).run_id
    second = run_pipeline(job).run_id
    assert first != second and check_manifest(job)["run_id"] == second


def test_no_manifest_before_any_run(job):
    with pytest.raises(ManifestMismatch, match="no manifest"):
        check_manifest(job)


def test_killed_between_renames_leaves_no_manifest_and_a_failed_report(job):
    run_pipeline(job)
    out = job.parent / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "custdata", "run", str(job)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "CUSTDATA_TEST_PIPELINE_PAUSE": "60"},
    )
    deadline = time.monotonic() + 60
    while len(list(out.glob(".*.partial"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # the old outputs are intact, but nothing vouches for the set any more
    assert not (out / "a.manifest.json").exists()
    with pytest.raises(ManifestMismatch):
        check_manifest(job)
    report = json.loads((out / "a.report.json").read_text())
    assert report["status"] == "running"  # not the previous run's "ok"
    run_pipeline(job)
    assert check_manifest(job)


def test_failed_run_report_is_never_the_previous_one(job):
    run_pipeline(job)
    out = job.parent / "out"
    (job.parent / "in.csv").write_text("a,b\n1,2\n3\n")  # ragged: the run fails
    with pytest.raises(Exception):
        run_pipeline(job)
    report = json.loads((out / "a.report.json").read_text())
    assert report["status"] == "failed" and report["exit_code"] == 2
    assert check_manifest(job)  # outputs untouched: the previous set is still whole
