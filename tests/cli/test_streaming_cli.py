"""normalize phones|emails|dates|genders stream file → file (--batch-rows) with the same output
and the same report as in memory (--batch-rows 0)."""

from __future__ import annotations

from pathlib import Path

import pytest

from custdata import io as cio


@pytest.mark.parametrize(
    ("command", "column", "ext"),
    [
        ("phones", "Телефон", "parquet"),
        ("emails", "Эл. почта", "csv"),
        ("dates", "Дата рождения", "csv"),
        ("genders", "Пол", "jsonl"),
    ],
)
def test_streamed_equals_in_memory(
    inproc, examples_dir: Path, tmp_path: Path, command: str, column: str, ext: str
) -> None:
    src = examples_dir / "crm_export.csv"
    memory = inproc("normalize", command, src, "-c", column, "-o", tmp_path / f"m.{ext}",
                    "--batch-rows", "0")  # fmt: skip
    assert memory.exit_code == 0, memory.stderr
    streamed = inproc("normalize", command, src, "-c", column, "-o", tmp_path / f"s.{ext}",
                      "--batch-rows", "45")  # fmt: skip
    assert streamed.exit_code == 0, streamed.stderr
    assert cio.read(tmp_path / f"s.{ext}").equals(cio.read(tmp_path / f"m.{ext}"))
    assert streamed.stderr == memory.stderr  # the same counts, added up over 11 batches
    assert "of 451 rows" in streamed.stderr


def test_detected_column_and_default_batch(inproc, examples_dir: Path, tmp_path: Path) -> None:
    src = examples_dir / "crm_export.csv"
    streamed = inproc("normalize", "phones", src, "-o", tmp_path / "s.csv")
    memory = inproc("normalize", "phones", src, "-o", tmp_path / "m.csv", "--batch-rows", "0")
    assert streamed.exit_code == memory.exit_code == 0
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "m.csv").read_bytes()


def test_bad_row_fails_cleanly_when_streamed(inproc, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("tel\n" + "8 912 345 67 89\n" * 30 + "1,2\n")
    out = tmp_path / "o.csv"
    result = inproc("normalize", "phones", src, "-c", "tel", "-o", out, "--batch-rows", "7")
    assert result.exit_code == 2
    assert "32" in result.stderr  # the bad line's number
    assert not out.exists()


def test_convert_streams_with_the_same_result(inproc, examples_dir: Path, tmp_path: Path) -> None:
    src = examples_dir / "crm_export.csv"
    streamed = inproc("convert", src, tmp_path / "s.parquet", "--batch-rows", "100")
    memory = inproc("convert", src, tmp_path / "m.parquet", "--batch-rows", "0")
    assert streamed.exit_code == memory.exit_code == 0
    assert streamed.stderr == memory.stderr
    assert "451 rows, 9 columns" in streamed.stderr
    assert cio.read(tmp_path / "s.parquet").equals(cio.read(tmp_path / "m.parquet"))
