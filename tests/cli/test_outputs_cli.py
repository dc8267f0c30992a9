"""Two outputs of one command that are the same file, or an output that is an input: refused first."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

CSV = "name,phone,email\nAnn Lee,+7 912 345-67-89,ann@example.com\nAnn Lee,89123456789,ann@example.com\n"


@pytest.fixture
def crm(tmp_path: Path) -> Path:
    path = tmp_path / "crm.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_clean_output_and_golden_same_file(inproc, crm):
    out = crm.parent / "o.csv"
    res = inproc("clean", crm, "-o", out, "--golden", out)
    assert res.exit_code == 2 and "same file" in res.stderr
    assert not out.exists()


def test_clean_golden_is_the_input(inproc, crm):
    out = crm.parent / "o.csv"
    res = inproc("clean", crm, "-o", out, "--golden", crm)
    assert res.exit_code == 2 and "input file" in res.stderr
    assert not out.exists() and crm.read_text() == CSV


def test_dedupe_extra_outputs_checked_before_writing(inproc, crm):
    out = crm.parent / "o.csv"
    for extra in (["--pairs", out], ["--golden", crm], ["--review", crm]):
        res = inproc("dedupe", crm, "-o", out, *extra)
        assert res.exit_code == 2, res.stderr
        assert not out.exists() and crm.read_text() == CSV


def test_convert_reject_file_is_the_output(inproc, crm):
    out = crm.parent / "o.csv"
    res = inproc("convert", crm, out, "--bad-rows", "reject", "--reject-file", out)
    assert res.exit_code == 2 and "same file" in res.stderr and not out.exists()


def test_convert_to_dev_null_keeps_the_device(inproc, crm):
    res = inproc("convert", crm, "/dev/null", "--to", "csv")
    assert res.exit_code == 0, res.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_convert_to_a_folder_is_refused(inproc, crm):
    folder = crm.parent / "out"
    folder.mkdir()
    res = inproc("convert", crm, folder, "--to", "csv")
    assert res.exit_code == 2 and "folder" in res.stderr and folder.is_dir()
