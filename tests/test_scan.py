"""custdata.io.scan: CSV scanned lazily in blocks of whole records, equal to the eager read."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custdata import io as cio
from custdata.errors import UnreadableInput
from custdata.io import lazy as cio_lazy  # where scan reads SCAN_BLOCK_BYTES

CYR = (
    "Код клиента;ФИО;Телефон\n001;Иванов Иван;8 (912) 345-67-89\n002;Петренко Олена;+380671234567\n"
)
QUOTED = '"003";"Сидоров; ""Сидор""\nвторая строка";\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("block", [1, 7, 64, 1 << 20])
def test_csv_scan_equals_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str, block: int
) -> None:
    monkeypatch.setattr(cio_lazy, "SCAN_BLOCK_BYTES", block)
    path = tmp_path / "crm.csv"
    path.write_bytes((CYR + (CYR.split("\n", 1)[1] + QUOTED) * 3).encode(encoding))
    lazy = cio.scan(path)
    assert isinstance(lazy, pl.LazyFrame)
    assert "custdata CSV" in lazy.explain()  # a real scan, not an eager read wrapped
    assert lazy.collect().equals(cio.read(path))
    assert lazy.collect().height == 11


def test_cp1251_named_encoding_streams(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes(CYR.encode("koi8-r"))
    lazy = cio.scan(path, encoding="koi8-r")
    assert "custdata CSV" in lazy.explain()
    assert lazy.collect()["ФИО"].to_list() == ["Иванов Иван", "Петренко Олена"]


def test_projection_and_head_stop_early(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cio_lazy, "SCAN_BLOCK_BYTES", 16)
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,x\n2,y\n" + "3,z\n" * 50 + "4,too,many\n")
    lazy = cio.scan(path)
    assert lazy.select("b").head(2).collect()["b"].to_list() == ["x", "y"]
    with pytest.raises(UnreadableInput, match=r"line\(s\) 54"):
        lazy.collect()


def test_blank_lines_and_crlf_match_read(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b'a;b\r\n1;2\r\n\r\n3;"x\r\ny"\r\n\n4;""\r\n')
    assert cio.scan(path).collect().equals(cio.read(path))


def test_utf16_and_stdin_fall_back_to_eager(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("a,b\n1,2\n".encode("utf-16"))
    assert cio.scan(path).collect().equals(cio.read(path))


def test_empty_and_binary_csv_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"  \n")
    with pytest.raises(UnreadableInput, match="empty"):
        cio.scan(empty)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"PAR1\x00\x00")
    with pytest.raises(UnreadableInput, match="binary"):
        cio.scan(binary)


cells = st.one_of(
    st.none(),
    st.text(alphabet='абвгдеёжзийклмнопрстуфхцчшщъыьэюяABC xyz019";,\n', max_size=12),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=25),
    block=st.integers(min_value=1, max_value=300),
    encoding=st.sampled_from(["utf-8", "cp1251"]),
)
def test_any_table_scans_like_it_reads(
    tmp_path: Path, rows: list, block: int, encoding: str
) -> None:
    frame = pl.DataFrame(
        rows, schema={"a": pl.String, "б": pl.String, "c c": pl.String}, orient="row"
    )
    path = tmp_path / f"rt-{encoding}.csv"
    path.write_bytes(cio.to_bytes(frame, "csv").decode("utf-8").encode(encoding))
    old = cio_lazy.SCAN_BLOCK_BYTES
    cio_lazy.SCAN_BLOCK_BYTES = block
    try:
        scanned = cio.scan(path, encoding=encoding).collect()
    finally:
        cio_lazy.SCAN_BLOCK_BYTES = old
    assert scanned.equals(cio.read(path, encoding=encoding))
    assert scanned.height == len(rows)


@pytest.mark.parametrize(
    "first_row",
    ["ann@example.com,Ann Lee", "+7 912 345-67-89,Ann Lee", "Ann Lee,89123456789"],
)
@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
def test_scan_refuses_a_header_less_file_as_read_does(tmp_path: Path, first_row: str, encoding: str):
    path = tmp_path / "crm.csv"
    path.write_bytes(f"{first_row}\nbob@example.com,Bob\n".encode(encoding))
    with pytest.raises(UnreadableInput, match="no header row") as info:
        cio.scan(path, encoding=encoding).collect()
    assert "example.com" not in str(info.value) and "912" not in str(info.value)


@pytest.mark.parametrize(
    "command",
    [["profile", "{f}"], ["mask", "{f}", "--method", "mask"],
     ["normalize", "phones", "{f}", "-o", "{d}/o.csv"]],
)
def test_streaming_commands_refuse_a_header_less_file(inproc, tmp_path: Path, command: list[str]):
    path = tmp_path / "crm.csv"
    path.write_text("ann@example.com,+79990001122\nbob@example.com,+79990003344\n")
    args = [a.format(f=path, d=tmp_path) for a in command]
    result = inproc(*args, "--batch-rows", "1")
    assert result.exit_code == 2 and "no header row" in result.stderr
    assert "example.com" not in result.stderr and "9990001122" not in result.stderr
