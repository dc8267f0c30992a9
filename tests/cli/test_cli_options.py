"""The shared CLI options: one declaration, --debug read from the root, deprecated aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from custdata.errors import CustdataError


def test_debug_on_the_root_shows_the_traceback(inproc, tmp_path: Path) -> None:
    result = inproc("--debug", "convert", tmp_path / "missing.csv", tmp_path / "o.csv")
    assert result.exit_code == 2  # --debug never turns a user error into exit 1
    assert "Traceback" in result.stderr and "Error: file not found" in result.stderr


def test_debug_after_the_command_still_works(inproc, tmp_path: Path) -> None:
    result = inproc("convert", tmp_path / "missing.csv", tmp_path / "o.csv", "--debug")
    assert result.exit_code == 2 and "Traceback" in result.stderr


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


CRM = "id,ФИО,Телефон\n1,Иванов Иван,+7 912 345-67-89\n2,ИВАНОВ ИВАН,89123456789\n3,Петров Пётр,+7 913 000-00-00\n"


@pytest.fixture
def crm(tmp_path: Path) -> Path:
    path = tmp_path / "crm.csv"
    path.write_text(CRM, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("new", "old", "old_name"),
    [
        (["dedupe", "{crm}", "-k", "phone=Телефон"], ["dedupe", "{crm}", "-c", "phone=Телефон"], "-c/--column"),
        (["normalize", "names", "{crm}", "-c", "ФИО", "--word-order", "eastern"],
         ["normalize", "names", "{crm}", "-c", "ФИО", "--order", "eastern"], "--order"),
        (["normalize", "ids", "{crm}", "-c", "id", "--id-type", "ru_inn"],
         ["normalize", "ids", "{crm}", "-c", "id", "--kind", "ru_inn"], "--kind"),
        (["mask", "{crm}", "-c", "Телефон", "--method", "mask", "-k", "phone=Телефон"],
         ["mask", "{crm}", "-c", "Телефон", "--method", "mask", "--kind", "Телефон=phone"], "--kind COLUMN=KIND"),
    ],
)
def test_old_spellings_still_work_with_one_warning(inproc, crm: Path, new, old, old_name) -> None:
    fill = lambda argv: [str(crm) if a == "{crm}" else a for a in argv]  # noqa: E731
    got_new, got_old = inproc(*fill(new)), inproc(*fill(old))
    assert got_new.exit_code == got_old.exit_code == 0, got_old.stderr
    assert got_new.stdout == got_old.stdout
    assert "deprecated" not in got_new.stderr
    warnings = [line for line in got_old.stderr.splitlines() if "deprecated" in line]
    assert len(warnings) == 1 and old_name in warnings[0]


def test_old_and_new_spelling_together_conflict(inproc, crm: Path) -> None:
    res = inproc("normalize", "names", crm, "-c", "ФИО", "--word-order", "western", "--order", "eastern")
    assert res.exit_code == 2 and "--word-order" in res.stderr


def test_profile_json_is_a_flag_and_json_file_a_path(inproc, crm: Path, tmp_path: Path) -> None:
    import json

    res = inproc("profile", crm, "--json", "-q")
    assert res.exit_code == 0 and json.loads(res.stdout)["rows"] == 3
    target = tmp_path / "p.json"
    assert inproc("profile", crm, "--json-file", target, "-q").exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["rows"] == 3
    old = inproc("profile", crm, "--json", tmp_path / "old.json", "-q")
    assert old.exit_code == 0 and old.stdout == b"" and "deprecated" in old.stderr
    assert json.loads((tmp_path / "old.json").read_text(encoding="utf-8"))["rows"] == 3


def test_segment_rfm_month_first_alias(inproc, examples_dir: Path) -> None:
    base = ["segment", "rfm", examples_dir / "orders.csv", "--rate", "UAH=2.3", "--rate", "USD=92", "-q"]
    new, old = inproc(*base, "--monthfirst"), inproc(*base, "--month-first")
    assert new.exit_code == old.exit_code == 0, old.stderr
    assert new.stdout == old.stdout and "deprecated" in old.stderr

