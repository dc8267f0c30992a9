"""Read right or refuse clearly; never a silently wrong table (CR-only, UTF-16, huge cells,
header-less files, odd delimiters, one-column nulls, Excel's cell limit)."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata import io as cio
from custdata.errors import InvalidOption, OutputError, UnreadableInput


@pytest.mark.parametrize("quoted", [False, True])
def test_cr_only_line_endings(quoted):
    text = 'name,tel\r"Ann",1\rBob,2\r' if quoted else "name,tel\rAnn,1\rBob,2\r"
    frame = cio.read(text.encode(), format="csv")
    assert frame.columns == ["name", "tel"] and frame["name"].to_list() == ["Ann", "Bob"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "UTF_16LE"])
def test_explicit_utf16_is_used(encoding):
    data = "имя,тел\nАня,+7 912\n".encode(encoding.replace("UTF_16LE", "utf-16-le"))
    frame = cio.read(data, format="csv", encoding=encoding)
    assert frame.rows() == [("Аня", "+7 912")]


def test_utf16_without_encoding_is_refused_with_a_hint():
    with pytest.raises(UnreadableInput, match="utf-16"):
        cio.read("a,b\n1,2\n".encode("utf-16-le"), format="csv")


def test_megabyte_cell_on_the_slow_path():
    big = "ж" * 1_000_000
    data = f'a,b\n"{big}",1\n"q""",2\n'.encode("cp1251")
    frame = cio.read(data, format="csv", encoding="cp1251")
    assert frame["a"].str.len_chars().to_list() == [1_000_000, 2]
    assert csv.field_size_limit() == 131072  # the module-wide limit is left as it was


@pytest.mark.parametrize("delimiter", ['"', "\n", "\r", ",,"])
def test_impossible_delimiters_are_refused(delimiter):
    with pytest.raises(InvalidOption):
        cio.read(b"a,b\n1,2\n", format="csv", delimiter=delimiter)


@pytest.mark.parametrize(
    "first_row",
    ["ann@example.com,Ann Lee", "+7 912 345-67-89,Ann Lee", "Ann Lee,89123456789"],
)
def test_header_less_file_is_refused(first_row):
    data = f"{first_row}\nbob@example.com,Bob\n".encode()
    with pytest.raises(UnreadableInput, match="no header row") as info:
        cio.read(data, format="csv")
    assert "example.com" not in str(info.value) and "912" not in str(info.value)


def test_header_with_dates_and_ids_is_still_a_header():
    frame = cio.read(b"id,2024-01,2024-02,e-mail\n1,2,3,a@b.example\n", format="csv")
    assert frame.columns == ["id", "2024-01", "2024-02", "e-mail"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="ab ,\"'\n;x", max_size=5)), min_size=1, max_size=8))
def test_one_column_nulls_round_trip_and_readers_agree(values):
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    data = cio.to_bytes(frame, "csv")
    back = cio.read(data, format="csv")
    expected = [None if v in (None, "") else v for v in values]  # empty text is read as null
    assert back.height == frame.height and back["v"].to_list() == expected
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert len(rows) - 1 == frame.height  # Python's csv reader sees every row too


def test_blank_line_in_one_column_file_is_a_null_on_both_paths():
    fast = cio.read(b"a\nx\n\ny\n", format="csv")
    slow = cio.read("a\nж\n\ny\n".encode("cp1251"), format="csv", encoding="cp1251")
    assert fast["a"].to_list() == ["x", None, "y"] and slow["a"].to_list() == ["ж", None, "y"]


def test_excel_cell_limit(tmp_path):
    frame = pl.DataFrame({"note": ["x" * 32_767, "y" * 32_768, "ok"]})
    with pytest.raises(OutputError, match="1 cell.*32,767"):
        cio.write(frame, tmp_path / "o.xlsx")
    assert not list(tmp_path.iterdir())
    cio.write(frame.head(1), tmp_path / "o.xlsx")
    assert cio.read(tmp_path / "o.xlsx")["note"].str.len_chars().to_list() == [32_767]
