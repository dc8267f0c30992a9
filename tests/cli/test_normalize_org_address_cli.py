"""End to end: ``custdata normalize organizations|addresses`` through real files and bad input."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from custdata import io as cio

FIRMS = (
    "Код;Контрагент;Адрес\n"
    '1;ООО "Ромашка";123456, г. Москва, ул. Ленина, д. 5, корп. 2, кв. 10\n'
    "2;Ромашка, ООО;г Москва ул.Ленина д5 корп 2 кв 10\n"
    "3;Общество с ограниченной ответственностью «Ромашка»;Москва город, Ленина улица 5 к2 квартира 10\n"
    "4;ООО;нет\n"
    "5;нет;\n"
    "6;;1234567, Москва, ул. Мясницкая, д. 1\n"
)


@pytest.fixture
def firms_cp1251(tmp_path: Path) -> Path:
    path = tmp_path / "firms.csv"
    path.write_text(FIRMS, encoding="cp1251")
    return path


def test_organizations_detected_in_cp1251_csv(cli, tmp_path: Path, firms_cp1251: Path) -> None:
    out = tmp_path / "o.parquet"
    result = cli("normalize", "organizations", firms_cp1251, "-o", out)
    assert result.exit_code == 0, result.stderr
    frame = pl.read_parquet(out)
    assert frame.height == 6
    assert frame["Контрагент"][0] == 'ООО "Ромашка"'  # the original is kept
    assert frame["Контрагент_key"].to_list()[:3] == ["romashka"] * 3
    assert frame["Контрагент_legal_form"].to_list()[:3] == ["ООО"] * 3
    assert frame["Контрагент_status"].to_list()[3:] == ["no_name", "junk", "empty"]
    # the column used is named on stderr, with honest counts: no_name and junk are not valid
    assert result.stderr.strip() == "Контрагент: 3 valid (3 fixed), 2 invalid, 1 empty of 6 rows"


def test_addresses_parquet_to_xlsx(cli, tmp_path: Path, firms_cp1251: Path) -> None:
    src = tmp_path / "firms.parquet"
    cio.read(firms_cp1251).write_parquet(src)
    out = tmp_path / "a.xlsx"
    result = cli("normalize", "addresses", src, "-c", "Адрес", "-o", out)
    assert result.exit_code == 0, result.stderr
    frame = cio.read(out)
    assert frame.height == 6
    keys = frame["Адрес_key"].to_list()
    assert keys[0] == keys[1] == keys[2] == "lenina||5|2|10"
    assert frame["Адрес_postcode"][0] == "123456"
    statuses = frame["Адрес_status"].to_list()
    assert statuses[3:] == ["junk", "empty", "invalid_postcode"]
    # an invalid postcode keeps the standard form, yet it is not counted as a valid address
    assert frame["Адрес_normalized"][5] is not None
    assert "Адрес: 3 valid" in result.stderr and "2 invalid, 1 empty of 6 rows" in result.stderr


def test_addresses_from_excel_long_style(cli, tmp_path: Path, examples_dir: Path) -> None:
    src = examples_dir / "shop_customers.xlsx"
    out = tmp_path / "a.csv"
    result = cli("normalize", "addresses", src, "--style", "long", "-o", out)  # detected: address
    assert result.exit_code == 0, result.stderr
    frame = cio.read(out)
    assert frame.height == cio.read(src).height
    shown = frame["address_normalized"].drop_nulls().to_list()
    assert shown and not any(" ул. " in s or s.startswith("ул. ") for s in shown)
    assert result.stderr.startswith("address: ")


def test_in_place(cli, tmp_path: Path, firms_cp1251: Path) -> None:
    out = tmp_path / "o.csv"
    result = cli("normalize", "organizations", firms_cp1251, "-c", "Контрагент", "--in-place", "-o", out)
    assert result.exit_code == 0, result.stderr
    frame = cio.read(out)
    assert frame["Контрагент"].to_list()[:4] == ["Ромашка", "Ромашка", "Ромашка", "ООО"]
    assert "Контрагент_normalized" not in frame.columns and "Контрагент_key" in frame.columns
    assert "3 valid (3 fixed), 2 invalid, 1 empty" in result.stderr


@pytest.mark.parametrize(("command", "column"), [("organizations", "Контрагент"), ("addresses", "Адрес")])
def test_streamed_equals_in_memory(cli, tmp_path: Path, examples_dir: Path, command: str, column: str) -> None:
    src = examples_dir / "companies.csv"
    memory = cli("normalize", command, src, "-c", column, "-o", tmp_path / "m.csv", "--batch-rows", "0")
    streamed = cli("normalize", command, src, "-o", tmp_path / "s.csv", "--batch-rows", "40")
    assert memory.exit_code == streamed.exit_code == 0, streamed.stderr
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "m.csv").read_bytes()
    assert streamed.stderr == memory.stderr  # counts added up over 5 batches
    assert streamed.stderr.startswith(f"{column}: ")


@pytest.mark.parametrize("command", ["organizations", "addresses"])
def test_missing_column_is_one_line_without_values(cli, tmp_path: Path, command: str) -> None:
    # no header row: the "columns" are customer values and must not be echoed
    src = tmp_path / "nohead.csv"
    src.write_text('ООО "Ромашка";ул. Ленина, д. 5\nТОВ Сонечко;вул. Хрещатик, 22\n', encoding="cp1251")
    out = tmp_path / "o.csv"
    result = cli("normalize", command, src, "-c", "Company", "-o", out)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "column 'Company' not found" in lines[0], result.stderr
    for value in ("Ромашка", "Ленина", "Сонечко", "Хрещатик"):
        assert value not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("command", "label"), [("organizations", "organization-name"), ("addresses", "address")])
def test_nothing_detected(cli, tmp_path: Path, command: str, label: str) -> None:
    src = tmp_path / "x.csv"
    src.write_text("a,b\n1,2\n")
    result = cli("normalize", command, src, "-o", tmp_path / "o.csv")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"Error: no {label} column found; name it with -c COLUMN"]


def test_bad_style(cli, tmp_path: Path, firms_cp1251: Path) -> None:
    result = cli("normalize", "addresses", firms_cp1251, "--style", "medium", "-o", tmp_path / "o.csv")
    assert result.exit_code == 2 and "--style must be 'short' or 'long'" in result.stderr
