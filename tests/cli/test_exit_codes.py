"""The README's exit-code table is a contract: every row is driven here, and nothing else exits."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from custdata import io as cio
from custdata.pipeline import PipelineLock

ROOT = Path(__file__).resolve().parents[2]
CSV = "name,phone,email\nAnn Lee,+7 912 345-67-89,ann@example.com\nBob,89123456780,bob@example.com\n"
PIPELINE = """\
[pipeline]
name = "codes"

[[steps]]
step = "read"
source = "{source}"

[[steps]]
step = "write"
target = "out/o.csv"
"""


def readme_codes() -> set[int]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("## Exit codes") :].split("\n\n")[1]
    return {int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.M)}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "crm.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "ragged.csv").write_text("a,b\n1,2\n3\n4,5\n", encoding="utf-8")
    (tmp_path / "p.toml").write_text(PIPELINE.format(source="crm.csv"), encoding="utf-8")
    (tmp_path / "none.toml").write_text(PIPELINE.format(source="dumps/*.csv"), encoding="utf-8")
    return tmp_path


def _code_0(inproc, folder, monkeypatch):
    return inproc("convert", folder / "crm.csv", folder / "o.parquet")


def _code_1(inproc, folder, monkeypatch):
    monkeypatch.setattr(cio, "read", lambda *a, **k: 1 / 0)  # a bug inside custdata
    return inproc("normalize", "phones", folder / "crm.csv", "-c", "phone")


def _code_2(inproc, folder, monkeypatch):
    return inproc("normalize", "phones", folder / "crm.csv", "-c", "nope")


def _code_3(inproc, folder, monkeypatch):
    return inproc("convert", folder / "ragged.csv", folder / "o.csv", "--bad-rows", "reject")


def _code_4(inproc, folder, monkeypatch):
    return inproc("run", folder / "none.toml")


def _code_5(inproc, folder, monkeypatch):
    with PipelineLock(folder / "out" / ".codes.lock"):
        return inproc("run", folder / "p.toml")


def _code_130(inproc, folder, monkeypatch):
    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(cio, "read", interrupted)
    return inproc("normalize", "phones", folder / "crm.csv", "-c", "phone")


def _code_143(inproc, folder, monkeypatch):
    proc = subprocess.Popen(
        [sys.executable, "-m", "custdata", "run", str(folder / "p.toml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**__import__("os").environ, "CUSTDATA_TEST_PIPELINE_PAUSE": "60"},
    )
    deadline = time.monotonic() + 60
    while not list((folder / "out").glob(".*.partial")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=60)
    err = proc.stderr.read().decode()
    proc.stderr.close()

    class Done:
        exit_code, stderr, stdout = code, err, b""

    return Done


CASES = {0: _code_0, 1: _code_1, 2: _code_2, 3: _code_3, 4: _code_4, 5: _code_5}
CASES.update({130: _code_130, 143: _code_143})


def test_the_table_lists_exactly_the_tested_codes():
    assert readme_codes() == set(CASES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_every_row_of_the_table(code, inproc, folder, monkeypatch):
    res = CASES[code](inproc, folder, monkeypatch)
    assert res.exit_code == code, res.stderr
    if code not in (0, 130):
        assert "Error:" in res.stderr or "ERROR terminated by SIGTERM" in res.stderr
        assert "Traceback" not in res.stderr
    if code == 143:
        report = json.loads((folder / "out" / "o.report.json").read_text())
        assert report["exit_code"] == 143 and not (folder / "out" / "o.csv").exists()


@pytest.mark.parametrize("code", [1, 2, 3, 4])
def test_debug_shows_the_traceback_but_keeps_the_code(code, inproc, folder, monkeypatch):
    real = inproc

    def with_debug(*args, **kw):
        return real(*args, "--debug", **kw)

    res = CASES[code](with_debug, folder, monkeypatch)
    assert res.exit_code == code, res.stderr
    assert "Traceback" in res.stderr


def test_closed_stdout_is_not_a_bug(folder):
    proc = subprocess.run(
        f"{sys.executable} -m custdata info {folder / 'crm.csv'} --json | head -c 1",
        shell=True,
        capture_output=True,
        executable="/bin/bash",
    )
    assert b"internal error" not in proc.stderr and b"Traceback" not in proc.stderr


def test_pipe_closed_while_writing_exits_0(folder):
    big = folder / "big.parquet"
    pl.DataFrame({"a": [f"row {i}" for i in range(200_000)]}).write_parquet(big)
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{sys.executable} -m custdata info {big} --json | head -c 1 >/dev/null"],
        capture_output=True,
    )
    assert proc.returncode == 0, proc.stderr
