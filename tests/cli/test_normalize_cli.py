"""End-to-end: ``custdata normalize ...`` through real files, pipes and bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from custdata import io as cio


@pytest.fixture
def phones_csv(tmp_path: Path) -> Path:
    path = tmp_path / "p.csv"
    path.write_text(
        "id;phone;email\n"
        "1;8 (912) 345-67-89; Ivan.Petrov@Mail.RU \n"
        "2;+7 912 345 67 89;x@gmial.com\n"
        "3;нет;\n"
        "4;;n/a\n"
        "5;+380 67 123 4567;olena@ukr.net\n",
        encoding="cp1251",
    )
    return path


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "jsonl", "arrow", "tsv"])
def test_phones_every_output_format(cli, tmp_path: Path, phones_csv: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    result = cli("normalize", "phones", phones_csv, "-c", "phone", "-o", out)
    assert result.exit_code == 0, result.stderr
    frame = cio.read(out)
    assert frame.height == 5
    assert frame["phone"].to_list()[:2] == ["8 (912) 345-67-89", "+7 912 345 67 89"]  # originals kept
    assert frame["phone_e164"].to_list()[:2] == ["+79123456789", "+79123456789"]
    assert frame["phone_e164"][4] == "+380671234567"
    assert frame["phone_status"].to_list()[2:4] == ["junk", "empty"]
    assert "phone: 3 valid" in result.stderr


def test_in_place_replaces_original(cli, tmp_path: Path, phones_csv: Path) -> None:
    out = tmp_path / "o.csv"
    assert cli("normalize", "phones", phones_csv, "-c", "phone", "--in-place", "-o", out).exit_code == 0
    frame = cio.read(out)
    assert frame["phone"][0] == "+79123456789"
    assert "phone_status" in frame.columns


def test_pipe_phones_then_emails(tmp_path: Path, phones_csv: Path) -> None:
    """The issue's example: normalize phones | normalize emails - -o out.parquet (both pipe formats)."""
    for to in ("arrow", "csv"):
        out = tmp_path / f"out_{to}.parquet"
        first = subprocess.Popen(
            [sys.executable, "-m", "custdata", "normalize", "phones", str(phones_csv), "-c", "phone", "--to", to, "-q"],
            stdout=subprocess.PIPE,
        )
        second = subprocess.run(
            [sys.executable, "-m", "custdata", "normalize", "emails", "-", "-c", "email", "-o", str(out), "-q"],
            stdin=first.stdout, capture_output=True,
        )
        first.stdout.close()
        assert first.wait() == 0 and second.returncode == 0, second.stderr
        frame = pl.read_parquet(out)
        assert frame.height == 5
        assert frame["phone_e164"][0] == "+79123456789"
        assert frame["email_normalized"][0] == "ivan.petrov@mail.ru"


def test_detects_columns_when_not_named(cli, tmp_path: Path, examples_dir: Path) -> None:
    out = tmp_path / "o.parquet"
    result = cli("normalize", "phones", examples_dir / "crm_export.csv", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "Телефон_e164" in pl.read_parquet(out).columns


def test_names_sample(cli, tmp_path: Path, examples_dir: Path) -> None:
    out = tmp_path / "n.parquet"
    result = cli("normalize", "names", examples_dir / "crm_export.csv", "-c", "ФИО", "-o", out)
    assert result.exit_code == 0, result.stderr
    frame = pl.read_parquet(out)
    assert {"ФИО_clean", "ФИО_last", "ФИО_first", "ФИО_middle", "ФИО_gender", "ФИО_key", "ФИО_status"} <= set(frame.columns)
    assert frame.height == cio.read(examples_dir / "crm_export.csv").height


def test_name_parts_from_excel(cli, tmp_path: Path, examples_dir: Path) -> None:
    out = tmp_path / "n.csv"
    result = cli("normalize", "names", examples_dir / "shop_customers.xlsx", "--first", "first_name", "--last", "last_name", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert cio.read(out).height == cio.read(examples_dir / "shop_customers.xlsx").height


def test_all_on_sample(cli, tmp_path: Path, examples_dir: Path) -> None:
    out = tmp_path / "all.parquet"
    result = cli("normalize", "all", examples_dir / "crm_export.csv", "-o", out)
    assert result.exit_code == 0, result.stderr
    frame = pl.read_parquet(out)
    for col in ("Телефон_e164", "Эл. почта_normalized", "ФИО_clean", "Дата рождения_iso", "Пол_code"):
        assert col in frame.columns
    assert frame.height == 451


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-c", "tel"], "column 'tel' not found"),
        (["-c", "phone", "--region", "XX"], "region"),
        (["-c", "phone", "--multiple", "all"], "--multiple"),
    ],
)
def test_bad_options(cli, tmp_path: Path, phones_csv: Path, args: list[str], needle: str) -> None:
    out = tmp_path / "o.csv"
    result = cli("normalize", "phones", phones_csv, *args, "-o", out)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert not out.exists()


def test_no_detectable_column(cli, tmp_path: Path) -> None:
    src = tmp_path / "x.csv"
    src.write_text("a,b\n1,2\n")
    result = cli("normalize", "emails", src)
    assert result.exit_code == 2 and "no email column found" in result.stderr


def test_every_command_has_help(cli) -> None:
    from custdata.cli.main import app
    from typer.main import get_command

    root = get_command(app)
    names = []
    for name, cmd in root.commands.items():
        sub = getattr(cmd, "commands", None)
        names += [f"{name} {s}" for s, c in sub.items() if not c.hidden and s != "find"] if sub else [name]
        assert cmd.help, f"{name} has no help text"
        for s, c in (sub or {}).items():
            assert c.help, f"{name} {s} has no help text"
    docs = "\n".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parents[2] / "docs").rglob("*.md"))
    missing = [n for n in names if f"custdata {n}" not in docs]
    assert not missing, f"commands not shown in docs/: {missing}"


def test_ids_command(cli, tmp_path: Path) -> None:
    src = tmp_path / "firms.csv"
    src.write_text("client;ИНН\nA;7707083893\nB;7707083894\nC;нет\n", encoding="cp1251")
    out = tmp_path / "o.parquet"
    result = cli("normalize", "ids", src, "-o", out)
    assert result.exit_code == 0, result.stderr
    frame = pl.read_parquet(out)
    assert frame["ИНН_status"].to_list() == ["ok", "unknown_kind", "junk"]
    typed = cli("normalize", "ids", src, "-c", "ИНН", "--id-type", "ru_inn", "-o", out)
    assert typed.exit_code == 0
    assert pl.read_parquet(out)["ИНН_status"].to_list() == ["ok", "invalid_checksum", "junk"]
    bad = cli("normalize", "ids", src, "--id-type", "ssn", "-o", tmp_path / "x.csv")
    assert bad.exit_code == 2 and "unknown id kind" in bad.stderr
