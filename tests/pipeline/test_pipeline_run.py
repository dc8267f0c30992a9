"""`custdata run` end to end on real files: outputs, report, determinism, exit codes, lock."""

from __future__ import annotations

import json
import os
import subprocess

import polars as pl
import pytest

from custdata.pipeline import PipelineError, PipelineLock, run_pipeline


def test_run_writes_outputs_and_report(cli, job):
    path = job()
    log = path.parent / "logs" / "run.log"
    res = cli("run", path, "--log", log)
    assert res.exit_code == 0, res.stderr
    assert "step 1/6 read" in log.read_text()
    out = path.parent / "out"
    data = pl.read_csv(out / "customers-2026-03-01.csv", infer_schema=False)
    assert {"phone_e164", "phone_status", "email_key"} <= set(data.columns)
    assert data["email"].drop_nulls().str.contains(r"^[0-9a-f]{64}$").all()
    assert "+79120000000" not in data["phone_e164"].to_list()
    report = json.loads((out / "customers-2026-03-01.report.json").read_text())
    assert report["status"] == "ok" and report["exit_code"] == 0
    assert [s["step"] for s in report["steps"]] == [
        "read", "normalize", "suppress", "mask", "write", "write"]
    read, norm, supp = report["steps"][:3]
    assert read["rows_out"] == 200 and norm["rows_in"] == 200
    assert set(norm["details"]["invalid"]) == {"phone", "email"}
    assert supp["rows_in"] - supp["rows_out"] == supp["details"].get("suppressed", 0)
    assert report["versions"]["custdata"] and report["versions"]["polars"]
    assert [o["rows"] for o in report["outputs"]] == [data.height, data.height]
    assert "step 2/6 normalize" in res.stderr
    assert not list(out.glob(".*.partial")) and not (out / ".nightly.lock").exists()


def test_two_runs_are_byte_identical(job):
    path = job(ext="parquet")
    out = path.parent / "out"
    run_pipeline(path)
    first = {p.name: p.read_bytes() for p in out.iterdir() if "report" not in p.name and "manifest" not in p.name}
    run_pipeline(path)
    second = {p.name: p.read_bytes() for p in out.iterdir() if "report" not in p.name and "manifest" not in p.name}
    assert first == second and len(first) == 2


def test_dry_run_shows_plan_and_writes_nothing(inproc, job):
    path = job()
    res = inproc("run", path, "--dry-run", "--set", "date=2026-12-31")
    assert res.exit_code == 0, res.stderr
    assert b"customers-2026-12-31.csv" in res.stdout and b"reads" in res.stdout
    assert not (path.parent / "out").exists()
    report = run_pipeline(path, dry_run=True)
    assert report.status == "planned" and len(report.outputs) == 2
    assert not (path.parent / "out").exists()


def test_set_overrides_a_step(job):
    path = job()
    target = path.parent / "out" / "customers-2026-03-01.csv"
    run_pipeline(path, overrides=["mask.method=drop"])
    assert "email" not in pl.read_csv(target, infer_schema=False).columns
    run_pipeline(path, overrides=['mask.columns=["city"]'])
    data = pl.read_csv(target, infer_schema=False)
    assert data["email"].str.contains("@").any()
    assert data["city"].str.contains(r"^[0-9a-f]{64}$").all()
    with pytest.raises(PipelineError, match="unknown argument 'colour'"):
        run_pipeline(path, overrides=["mask.colour=red"])


def test_invalid_file_exit_2_with_line(inproc, job):
    path = job()
    path.write_text(path.read_text().replace('method = "hash"', 'method = "hashh"'))
    res = inproc("run", path)
    assert res.exit_code == 2
    assert "nightly.toml, line 21, key 'method'" in res.stderr


def test_no_input_exit_4_and_nothing_written(inproc, job):
    path = job()
    for f in (path.parent / "dumps").iterdir():
        f.unlink()
    res = inproc("run", path)
    assert res.exit_code == 4, res.stderr
    assert "no file matches" in res.stderr
    report = json.loads((path.parent / "out" / "customers-2026-03-01.report.json").read_text())
    assert report["status"] == "failed" and report["exit_code"] == 4 and report["error"]
    assert not (path.parent / "out" / "customers-2026-03-01.csv").exists()


def test_locked_exit_5(cli_subprocess, job):
    path = job()
    (path.parent / "out").mkdir()
    with PipelineLock(path.parent / "out" / ".nightly.lock"):
        res = cli_subprocess("run", path)
    assert res.exit_code == 5
    assert f"pid {os.getpid()}" in res.stderr
    assert not (path.parent / "out" / "customers-2026-03-01.csv").exists()


def test_stale_lock_of_dead_process_is_taken_over(job):
    path = job()
    out = path.parent / "out"
    out.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (out / ".nightly.lock").write_text(json.dumps(
        {"pid": dead.pid, "host": os.uname().nodename, "started": "2026-03-01T00:00:00+00:00"}))
    (out / ".customers-2026-03-01.csv.999.partial").write_text("half a file")
    report = run_pipeline(path)
    assert report.status == "ok"
    assert report.stale_lock["pid"] == dead.pid and report.stale_lock["alive"] is False
    saved = json.loads((out / "customers-2026-03-01.report.json").read_text())
    assert saved["stale_lock"]["pid"] == dead.pid
    assert not list(out.glob("*.partial")) and not (out / ".nightly.lock").exists()


def test_segment_step_with_orders_and_input_ids(tmp_path, examples_dir):
    (tmp_path / "p.toml").write_text(f"""
[pipeline]
name = "rfm"

[[steps]]
step = "read"
id = "orders"
source = "{examples_dir / 'orders.csv'}"

[[steps]]
step = "segment"
input = "orders"
customer = "customer_id"
date = "order_date"
amount = "amount"
as_of = "2025-01-01"
rates = {{ RUB = 1.0, UAH = 2.3, USD = 92.5 }}

[[steps]]
step = "write"
target = "out/rfm.csv"
""", encoding="utf-8")
    report = run_pipeline(tmp_path / "p.toml")
    rfm = pl.read_csv(tmp_path / "out" / "rfm.csv", infer_schema=False)
    assert {"customer_id", "rfm_segment"} <= set(rfm.columns)
    assert report.steps[1].rows_out == rfm.height < report.steps[0].rows_out


def test_run_has_help_and_docs(inproc):
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "pipelines.md").read_text(encoding="utf-8")
    res = inproc("run", "--help")
    assert res.exit_code == 0 and b"--dry-run" in res.stdout and b"--set" in res.stdout
    assert "custdata run" in docs and "| 5 | locked" in docs
