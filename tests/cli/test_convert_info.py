"""End-to-end: ``custdata convert`` and ``custdata info`` through real files and pipes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from custdata import io as cio

FORMATS = ["csv", "tsv", "parquet", "xlsx", "jsonl", "arrow"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_convert_round_trips_every_format(cli, tmp_path: Path, examples_dir: Path, fmt: str) -> None:
    original = cio.read(examples_dir / "crm_export.csv")
    out = tmp_path / f"crm.{fmt}"
    result = cli("convert", examples_dir / "crm_export.csv", out, "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    back = cio.read(out)
    assert back.equals(original)


def test_convert_excel_sample_keeps_text(cli, tmp_path: Path, examples_dir: Path) -> None:
    out = tmp_path / "shop.csv"
    result = cli("convert", examples_dir / "shop_customers.xlsx", out, "--sheet", "customers")
    assert result.exit_code == 0, result.stderr
    frame = cio.read(out)
    assert frame.height >= 250
    assert frame["customer_id"][0] == "SHOP-0001"
    assert "convert:" in result.stderr


def test_pipe_between_two_processes_arrow_and_csv(tmp_path: Path, examples_dir: Path) -> None:
    """`custdata convert a - --to arrow | custdata convert - out.parquet` is lossless."""
    first = subprocess.Popen(
        [sys.executable, "-m", "custdata", "convert", str(examples_dir / "crm_export.csv"), "-", "--to", "arrow", "-q"],
        stdout=subprocess.PIPE,
    )
    out = tmp_path / "out.parquet"
    second = subprocess.run(
        [sys.executable, "-m", "custdata", "convert", "-", str(out), "-q"], stdin=first.stdout, capture_output=True
    )
    first.stdout.close()
    assert first.wait() == 0 and second.returncode == 0, second.stderr
    assert cio.read(out).equals(cio.read(examples_dir / "crm_export.csv"))
    # CSV on stdout is the default, readable by any tool
    result = subprocess.run(
        [sys.executable, "-m", "custdata", "convert", str(out), "-"], capture_output=True, check=True
    )
    assert result.stdout.decode().splitlines()[0].startswith("Код клиента,ФИО")


def test_bom_option(cli, tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text("a\n1\n")
    result = cli("convert", src, tmp_path / "b.csv", "--bom")
    assert result.exit_code == 0
    assert (tmp_path / "b.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_reject_file_and_exit_code_3(cli, tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    src.write_text("a;b\n1;2\n3\n4;5\n")
    failed = cli("convert", src, tmp_path / "o.csv")
    assert failed.exit_code == 2
    assert "line(s) 3" in failed.stderr and "Traceback" not in failed.stderr
    assert not (tmp_path / "o.csv").exists()
    kept = cli("convert", src, tmp_path / "o.csv", "--bad-rows", "reject", "--reject-file", tmp_path / "rej.csv")
    assert kept.exit_code == 3
    assert cio.read(tmp_path / "o.csv").height == 2
    assert cio.read(tmp_path / "rej.csv")["line"].to_list() == ["3"]


@pytest.mark.parametrize(
    ("name", "content", "args", "needle"),
    [
        ("empty.csv", b"", [], "empty"),
        ("junk.csv", bytes(range(256)) * 4, [], "binary|encoding"),
        ("fake.xlsx", b"hello", [], "not an Excel workbook"),
        ("cut.csv", b'a,b\n1,"never closed\n', [], "quoted field"),
        ("data.dbf", b"a,b\n", [], "--from/--to"),
        ("ok.csv", b"a,b\n1,2\n", ["--sheet", "nope", "--from", "xlsx"], "not an Excel workbook"),
        ("ok.csv", b"a,b\n1,2\n", ["--encoding", "klingon"], "unknown encoding"),
        ("ok.csv", b"a,b\n1,2\n", ["--to", "dbase"], "unknown format"),
    ],
)
def test_bad_input_one_line_nonzero_no_output(cli, tmp_path: Path, name, content, args, needle) -> None:
    src = tmp_path / name
    src.write_bytes(content)
    out = tmp_path / "out.parquet"
    result = cli("convert", src, out, *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    import re

    assert re.search(needle, lines[0])
    assert not out.exists()


def test_missing_sheet(cli, tmp_path: Path, examples_dir: Path) -> None:
    result = cli("convert", examples_dir / "shop_customers.xlsx", tmp_path / "o.csv", "--sheet", "Лист9")
    assert result.exit_code == 2 and "sheet 'Лист9' not found" in result.stderr


def test_unwritable_output_folder(cli, tmp_path: Path, examples_dir: Path) -> None:
    result = cli("convert", examples_dir / "crm_export.csv", tmp_path / "no" / "such" / "dir.csv")
    assert result.exit_code == 2 and "output folder does not exist" in result.stderr


def test_refuses_to_overwrite_input(cli, tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text("a\n1\n")
    result = cli("convert", src, src)
    assert result.exit_code == 2 and "--in-place" in result.stderr
    assert cli("convert", src, src, "--in-place").exit_code == 0


def test_debug_shows_traceback(cli_subprocess, tmp_path: Path) -> None:
    result = cli_subprocess("convert", tmp_path / "missing.csv", tmp_path / "o.csv", "--debug")
    assert result.exit_code != 0 and "Traceback" in result.stderr


def test_errors_never_echo_values(cli, tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    src.write_text("a;b\n1;2\nsecret-phone-89123456789\n")
    result = cli("convert", src, tmp_path / "o.csv")
    assert result.exit_code == 2 and "89123456789" not in result.stderr


def test_info_reports_detection(cli, examples_dir: Path) -> None:
    result = cli("info", examples_dir / "crm_export.csv", "--json")
    assert result.exit_code == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["encoding"] == "cp1251" and facts["delimiter"] == ";"
    assert facts["detected"]["phone"] == ["Телефон"]
    assert facts["detected"]["email"] == ["Эл. почта"]
    assert facts["detected"]["full_name"] == ["ФИО"]
    assert facts["detected"]["birth_date"] == ["Дата рождения"]
    xlsx = json.loads(cli("info", examples_dir / "shop_customers.xlsx", "--json").stdout)
    assert xlsx["sheets"] == ["customers"]
    assert xlsx["detected"]["first_name"] == ["first_name"]
    table = cli("info", examples_dir / "shop_customers.xlsx")
    assert table.exit_code == 0 and "first_name" in table.text


def test_version_and_module_entry(cli_subprocess) -> None:
    result = cli_subprocess("--version")
    assert result.exit_code == 0 and result.text.startswith("custdata ")


def test_info_shows_kind_source_and_candidates(cli, tmp_path: Path) -> None:
    rows = ["Site Name,Fax,Phone,col_x"] + [
        f"Center {i},+1 212 555 {i:04d},(212) 555-{i:04d},PRV-{i:05d}" for i in range(30)
    ]
    src = tmp_path / "orgs.csv"
    src.write_text("\n".join(rows) + "\n")
    facts = json.loads(cli("info", src, "--json").stdout)
    cols = {c["name"]: (c["kind"], c["from"], c["used"]) for c in facts["columns"]}
    assert cols["Site Name"] == ("org_name", "header", True)
    assert cols["Fax"] == ("fax", "header", False)
    assert cols["Phone"] == ("phone", "header", True)
    assert cols["col_x"] == ("id_candidate", "values", False)
    assert facts["detected"] == {"org_name": ["Site Name"], "phone": ["Phone"]}
    table = cli("info", src)
    assert table.exit_code == 0
    assert "candidate" in table.text and "header" in table.text and "not used" in table.text
