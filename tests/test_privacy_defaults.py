"""Privacy defaults: private files, formula injection, key and pipeline file permissions."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import polars as pl
import pytest

from custdata import io as cio
from custdata.errors import InvalidOption
from custdata.pipeline import PipelineError, PipelineLock, load_pipeline, run_pipeline
from custdata.privacy import mask

FRAME = pl.DataFrame({"name": ["Ann"], "tel": ["+7 912 345-67-89"], "note": ["=1+1"]})


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("ext", ["csv", "parquet", "xlsx", "jsonl", "arrow"])
def test_new_outputs_are_private(tmp_path, ext):
    cio.write(FRAME, tmp_path / f"o.{ext}")
    assert mode(tmp_path / f"o.{ext}") == 0o600


def test_mode_can_be_widened_and_a_replaced_file_keeps_its_mode(tmp_path, monkeypatch):
    monkeypatch.setenv(cio.FILE_MODE_ENV, "0640")
    cio.write(FRAME, tmp_path / "wide.csv")
    assert mode(tmp_path / "wide.csv") == 0o640 & ~_umask()
    monkeypatch.delenv(cio.FILE_MODE_ENV)
    (tmp_path / "old.csv").write_text("a\n")
    os.chmod(tmp_path / "old.csv", 0o644)
    cio.write(FRAME, tmp_path / "old.csv")
    assert mode(tmp_path / "old.csv") == 0o644
    monkeypatch.setenv(cio.FILE_MODE_ENV, "0044")
    with pytest.raises(InvalidOption):
        cio.write(FRAME, tmp_path / "bad.csv")


def _umask() -> int:
    u = os.umask(0)
    os.umask(u)
    return u


def test_pipeline_report_log_and_lock_are_private(inproc, tmp_path):
    (tmp_path / "in.csv").write_text("name,tel\nAnn,1\n")
    path = tmp_path / "p.toml"
    path.write_text('[pipeline]\nname = "p"\nlog = "run.log"\n[[steps]]\nstep = "read"\n'
                    'source = "in.csv"\n[[steps]]\nstep = "write"\ntarget = "out/o.csv"\n')
    os.chmod(path, 0o644)
    assert inproc("run", path).exit_code == 0
    for name in ("out/o.csv", "out/o.report.json", "run.log"):
        assert mode(tmp_path / name) == 0o600, name
    with PipelineLock(tmp_path / "x.lock"):
        assert mode(tmp_path / "x.lock") == 0o600


def test_pipeline_file_writable_by_others_is_refused(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[steps]]\nstep = "read"\nsource = "in.csv"\n')
    os.chmod(path, 0o646)
    with pytest.raises(PipelineError, match="writable by other users"):
        load_pipeline(path)
    os.chmod(path, 0o644)
    with pytest.raises(PipelineError, match="writes nothing"):
        run_pipeline(path, dry_run=True)


def test_key_file_readable_by_others_warns(inproc, tmp_path):
    key = tmp_path / "k.key"
    key.write_text("a key that is long enough, 32 bytes\n")
    os.chmod(key, 0o644)
    (tmp_path / "in.csv").write_text("email\na@example.com\n")
    res = inproc("mask", tmp_path / "in.csv", "-c", "email", "--key-file", key, "-o", tmp_path / "o.csv")
    assert res.exit_code == 0 and "Warning:" in res.stderr and "chmod 600" in res.stderr
    os.chmod(key, 0o600)
    res = inproc("mask", tmp_path / "in.csv", "-c", "email", "--key-file", key, "-o", tmp_path / "o.csv")
    assert "Warning" not in res.stderr


@pytest.mark.parametrize("value", ["=1+1", "+1+cmd|' /C calc'!A0", "-A1+3", "@SUM(A1:A2)", "\t=x"])
def test_formula_cells_are_guarded_for_excel(tmp_path, value):
    frame = pl.DataFrame({"v": [value, "+7 912 345-67-89", "-12.5", "ok"]})
    cio.write(frame, tmp_path / "b.csv", bom=True)
    back = cio.read(tmp_path / "b.csv")["v"].to_list()
    assert back == ["'" + value, "+7 912 345-67-89", "-12.5", "ok"]
    cio.write(frame, tmp_path / "x.xlsx")  # text cells, never formulas: kept exact
    assert cio.read(tmp_path / "x.xlsx")["v"].to_list()[0] == value
    with zipfile.ZipFile(tmp_path / "x.xlsx") as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    cio.write(frame, tmp_path / "plain.csv")  # plain CSV (for programs) is left exact
    assert cio.read(tmp_path / "plain.csv")["v"].to_list()[0] == value
    cio.write(frame, tmp_path / "forced.csv", formula_guard=True)
    assert cio.read(tmp_path / "forced.csv")["v"].to_list()[0] == "'" + value


def test_cli_guard_can_be_turned_off(inproc, tmp_path):
    (tmp_path / "in.csv").write_text("v\n=1+1\n")
    assert inproc("convert", tmp_path / "in.csv", tmp_path / "o.csv", "--bom").exit_code == 0
    assert "'=1+1" in (tmp_path / "o.csv").read_text(encoding="utf-8-sig")
    res = inproc("convert", tmp_path / "in.csv", tmp_path / "o2.csv", "--bom",
                 env={"CUSTDATA_FORMULA_GUARD": "off"})
    assert res.exit_code == 0 and (tmp_path / "o2.csv").read_text(encoding="utf-8-sig") == "v\n=1+1\n"


@pytest.mark.parametrize("kind, value", [("text", "=cmd|x"), ("text", "+1+2"), ("email", "=x@y.com"),
                                         ("email", "@a@b.com"), ("full_name", "=Evil")])
def test_masking_never_creates_a_leading_formula_character(kind, value):
    out = mask(pl.DataFrame({"v": [value]}), "v", method="mask", kinds={"v": kind})["v"][0]
    assert out is None or out[:1] not in ("=", "+", "-", "@")
