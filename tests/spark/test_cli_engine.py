"""custdata normalize phones --engine spark: Parquet in, Parquet folder out, same rows as polars."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from custdata import io as cio

# one worker runs every Spark test under pytest-xdist (one JVM, one session)
pytestmark = pytest.mark.xdist_group("spark")


def test_normalize_phones_engine_spark(spark, inproc, examples_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "crm.parquet"
    cio.write(cio.read(examples_dir / "crm_export.csv"), src)
    local = inproc("normalize", "phones", src, "-c", "Телефон", "-o", tmp_path / "local.parquet")
    assert local.exit_code == 0, local.stderr
    out = tmp_path / "spark_out"
    result = inproc("normalize", "phones", src, "-c", "Телефон", "-o", out, "--engine", "spark")
    assert result.exit_code == 0, result.stderr
    got = pl.read_parquet(out / "*.parquet").sort("Код клиента")
    expected = pl.read_parquet(tmp_path / "local.parquet").sort("Код клиента")
    assert got.equals(expected)
    again = inproc("normalize", "phones", src, "-c", "Телефон", "-o", out, "--engine", "spark")
    assert again.exit_code == 2  # never writes over an existing folder
    assert "exists" in again.stderr


def test_engine_spark_needs_an_output_path(spark, inproc, tmp_path: Path) -> None:
    src = tmp_path / "t.parquet"
    pl.DataFrame({"tel": ["8 912 345 67 89"]}).write_parquet(src)
    result = inproc("normalize", "phones", src, "--engine", "spark")
    assert result.exit_code == 2
    assert "-o PATH" in result.stderr


@pytest.mark.parametrize("command", [["normalize", "phones"], ["dedupe"]])
def test_engine_spark_refuses_what_is_not_parquet(spark, inproc, tmp_path: Path, command) -> None:
    csv = tmp_path / "crm.csv"
    csv.write_text("tel\n+79123456789\n", encoding="utf-8")
    fake = tmp_path / "crm.parquet"  # a CSV with a Parquet name: Spark itself fails to read it
    fake.write_bytes(csv.read_bytes())
    for src, says in (
        (csv, "reads Parquet; convert it first"),
        (fake, "cannot be read as Parquet"),
    ):
        result = inproc(
            *command, src, "-o", tmp_path / f"out-{src.suffix[1:]}", "--engine", "spark"
        )
        assert result.exit_code == 2, result.stderr
        error = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert len(error) == 1 and says in error[0]
        assert "79123456789" not in result.stderr


def _names_parquet(path: Path) -> Path:
    pl.DataFrame(
        {
            "row": [str(i) for i in range(6)],
            "fio": ["Иванов Иван Иванович", "ivanov i.", "", None, "JOHN SMITH", "Петренко Олена"],
            "first": ["иван", "Ivan", None, "анна", "John", "олена"],
            "last": ["ИВАНОВ", "ivanov", "", "Петрова", "smith", "Петренко"],
        }
    ).write_parquet(path)
    return path


@pytest.mark.parametrize(
    ("sample", "args"),
    [
        ("crm", ["all"]),  # every kind, phone regions and today decided on the driver
        ("companies", ["ids"]),  # status counts per value
        ("companies", ["addresses", "-c", "Адрес", "--in-place"]),  # the shared single-kind path
        ("names", ["names", "-c", "fio", "--first", "first", "--last", "last"]),
    ],
    ids=["all", "ids", "addresses-in-place", "names-parts"],
)
def test_normalizers_on_spark_equal_polars(
    spark, inproc, examples_dir: Path, tmp_path: Path, sample: str, args: list[str]
) -> None:
    if sample == "names":
        src, key = _names_parquet(tmp_path / "names.parquet"), "row"
    else:
        src = tmp_path / f"{sample}.parquet"
        name = {"crm": "crm_export.csv", "companies": "companies.csv"}[sample]
        cio.write(cio.read(examples_dir / name), src)
        key = {"crm": "Код клиента", "companies": "Код"}[sample]
    local = inproc("normalize", *args, src, "-o", tmp_path / "local.parquet")
    assert local.exit_code == 0, local.stderr
    out = tmp_path / "spark_out"
    result = inproc("normalize", *args, src, "-o", out, "--engine", "spark")
    assert result.exit_code == 0, result.stderr
    got = pl.read_parquet(out / "*.parquet").sort(key)
    assert got.equals(pl.read_parquet(tmp_path / "local.parquet").sort(key))
    said = set(result.stderr.splitlines())
    summary = [line for line in local.stderr.splitlines() if line.strip()]
    if "--in-place" in args:  # the originals are gone: Spark's count pass cannot say "fixed"
        summary = [re.sub(r" \(\d[\d,]* fixed\)", "", line) for line in summary]
    assert summary and set(summary) <= said, (summary, result.stderr)
    assert f"written to {out}" in said


def test_engine_spark_checks_columns_and_the_engine_name(spark, inproc, tmp_path: Path) -> None:
    src = _names_parquet(tmp_path / "names.parquet")
    missing = inproc(
        "normalize", "emails", src, "-c", "nope", "-o", tmp_path / "o1", "--engine", "spark"
    )
    assert missing.exit_code == 2 and "not found" in missing.stderr
    none = inproc("normalize", "ids", src, "-o", tmp_path / "o2", "--engine", "spark")
    assert none.exit_code == 2 and "no tax-number column" in none.stderr
    wrong = inproc(
        "normalize", "names", src, "-c", "fio", "-o", tmp_path / "o3", "--engine", "dask"
    )
    assert wrong.exit_code == 2 and "--engine must be" in wrong.stderr
    assert not any((tmp_path / d).exists() for d in ("o1", "o2", "o3"))
