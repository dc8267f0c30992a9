"""The shared CLI options: one declaration, --debug read from the root, deprecated aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from custdata.errors import CustdataError


def test_debug_on_the_root_raises_the_error(inproc, tmp_path: Path) -> None:
    with pytest.raises(CustdataError):
        inproc("--debug", "convert", tmp_path / "missing.csv", tmp_path / "o.csv")


def test_debug_after_the_command_still_works(inproc, tmp_path: Path) -> None:
    with pytest.raises(CustdataError):
        inproc("convert", tmp_path / "missing.csv", tmp_path / "o.csv", "--debug")


def test_a_column_named_debug_does_not_turn_on_tracebacks(inproc, tmp_path: Path) -> None:
    result = inproc("normalize", "phones", tmp_path / "missing.csv", "-c", "--debug")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr


def test_without_debug_an_error_is_one_line(inproc, tmp_path: Path) -> None:
    result = inproc("convert", tmp_path / "missing.csv", tmp_path / "o.csv")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_io_command_takes_the_same_input_options(inproc, examples_dir: Path) -> None:
    """--from/--encoding/--delimiter/--sheet/-q mean the same in every command that reads."""
    crm = examples_dir / "crm_export.csv"
    common = ["--from", "csv", "--encoding", "cp1251", "--delimiter", ";", "-q"]
    for argv in (
        ["info", crm, "--json"],
        ["normalize", "emails", crm],
        ["profile", crm],
        ["convert", crm, "-"],
    ):
        result = inproc(*argv, *common)
        assert result.exit_code == 0, (argv, result.stderr)
        assert result.stderr == "", argv
