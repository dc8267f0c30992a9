"""Fault injection: SIGKILL a `custdata run` while it writes; outputs stay whole, rerun works."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from custdata.pipeline import run_pipeline

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

TARGETS = ("customers-2026-03-01.parquet", "customers-2026-03-01-copy.csv")


def start(path: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "custdata", "run", str(path), "-q"],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def wait_for(predicate, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the run never reached the point to kill it"
        time.sleep(0.02)


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in TARGETS if (out / name).exists()}


def test_sigkill_while_writing_leaves_no_partial_output(job):
    path = job(rows=4_000, ext="parquet")
    out = path.parent / "out"
    run_pipeline(path)  # the reference: runs are deterministic, so every rerun must match it
    reference = snapshot(out)
    assert len(reference) == 2

    # 1. killed after every output is staged, before the renames: no target appears
    for name in TARGETS:
        (out / name).unlink()
    proc = start(path, CUSTDATA_TEST_PIPELINE_PAUSE="60")
    wait_for(lambda: len(list(out.glob(".*.partial"))) == 2, proc)
    kill(proc)
    assert snapshot(out) == {}
    assert (out / ".nightly.lock").exists()  # left behind by the dead run

    # 1b. SIGTERM (a scheduler's timeout) in the same window: clean exit 143, report says so
    for leftover in out.glob(".*.partial"):
        leftover.unlink()  # so that the wait below sees this run's staging files
    proc = start(path, CUSTDATA_TEST_PIPELINE_PAUSE="60")
    wait_for(lambda: len(list(out.glob(".*.partial"))) == 2, proc)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 143
    proc.stderr.close()
    assert snapshot(out) == {} and not list(out.glob(".*.partial"))
    report = json.loads((out / "customers-2026-03-01.report.json").read_text())
    assert report["status"] == "failed" and report["exit_code"] == 143

    # 2. killed inside custdata.io.write (temp file written, not renamed): old outputs intact
    run_pipeline(path)
    assert snapshot(out) == reference
    proc = start(path, CUSTDATA_TEST_SLOW_RENAME="60")
    wait_for(lambda: any(out.glob(".*.tmp")), proc)
    kill(proc)
    assert snapshot(out) == reference

    # 3. killed at random moments of the run: each target is absent or whole
    rng = random.Random(6)
    for _ in range(2):
        proc = start(path)
        time.sleep(rng.uniform(0.5, 3.0))
        kill(proc)
        for name, data in snapshot(out).items():
            assert data == reference[name], f"{name} is corrupt"

    # the rerun takes over the stale lock, removes the leftovers and writes the same bytes
    report = run_pipeline(path)
    assert report.status == "ok"
    assert snapshot(out) == reference
    assert not [p for p in out.iterdir() if p.name.endswith((".partial", ".tmp"))]
    assert not (out / ".nightly.lock").exists()
