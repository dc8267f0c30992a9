"""custdata.io: formats, encodings, delimiters, ragged rows, atomic writes, round trips."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custdata import io as cio
from custdata.errors import InvalidOption, OutputError, UnreadableInput, UnsupportedFormat

CYR = "Код клиента;ФИО;Телефон\n001;Иванов Иван Иванович;8 (912) 345-67-89\n002;Петренко Олена;+380671234567\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "crm.csv"
    path.write_bytes(CYR.encode(encoding))
    frame, info = cio.read_with_info(path)
    assert frame.columns == ["Код клиента", "ФИО", "Телефон"]
    assert frame["ФИО"].to_list() == ["Иванов Иван Иванович", "Петренко Олена"]
    assert info.encoding == encoding
    assert info.delimiter == ";"


def test_koi8r_found_by_charset_normalizer(tmp_path: Path) -> None:
    text = "Фамилия,Город\n" + "".join(f"Иванов{i},Москва и Санкт-Петербург\n" for i in range(50))
    path = tmp_path / "k.csv"
    path.write_bytes(text.encode("koi8-r"))
    frame = cio.read(path, encoding="koi8-r")
    assert frame["Фамилия"][0] == "Иванов0"


def test_encoding_override_and_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_bytes(CYR.encode("cp1251"))
    with pytest.raises(UnreadableInput, match="--encoding"):
        cio.read(path, encoding="utf-8")
    with pytest.raises(InvalidOption, match="unknown encoding"):
        cio.read(path, encoding="no-such-codec")


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(tmp_path: Path, delim: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(delim.join(["id", "phone", "name"]) + "\n" + delim.join(["007", "+7 912", "Ann B"]) + "\n")
    frame = cio.read(path)
    assert frame.row(0) == ("007", "+7 912", "Ann B")


def test_text_is_never_type_guessed(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,phone,amount,date\n007,00441234,1.50,2024-01-02\n010,+79123456789,2,\n")
    frame = cio.read(path)
    assert frame.schema == {c: pl.String for c in frame.columns}
    assert frame["id"].to_list() == ["007", "010"]
    assert frame["phone"].to_list() == ["00441234", "+79123456789"]
    assert frame["date"].to_list() == ["2024-01-02", None]


def test_quoted_newlines_and_delimiters(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('name;address\n"Ann";"Lenina 1;\nflat 2"\n"Bob ""B""";x\n')
    frame = cio.read(path)
    assert frame["address"].to_list() == ["Lenina 1;\nflat 2", "x"]
    assert frame["name"].to_list() == ["Ann", 'Bob "B"']


def test_ragged_rows_report_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,2\n"x\ny",3\n4\n5,6,7\n')
    with pytest.raises(UnreadableInput, match=r"line\(s\) 5, 6") as err:
        cio.read(path)
    assert "--bad-rows reject" in str(err.value)
    result = cio.read_csv_with_rejects(path, bad_rows="reject")
    assert result.frame["a"].to_list() == ["1", "x\ny"]
    assert [(r.line, r.fields, r.text) for r in result.rejects] == [(5, 1, "4"), (6, 3, "5,6,7")]


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'a,b\n1,"unterminated\n2,3\n', "quoted field"),
        (b"\x00\x01\x02\x03binary\xff\xfe\x00junk" * 20, "binary|encoding"),
    ],
)
def test_bad_csv_files(tmp_path: Path, content: bytes, pattern: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableInput, match=pattern):
        cio.read(path)


def test_header_only_gives_empty_frame(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("phone;email\n")
    frame = cio.read(path)
    assert frame.columns == ["phone", "email"] and frame.height == 0


def test_excel_read_sheets_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    frame = pl.DataFrame({"id": ["007", "008"], "phone": ["+7 912", None]})
    cio.write(frame, path, sheet_name="Клиенты")
    assert cio.read(path).equals(frame)
    assert cio.read(path, sheet="Клиенты").equals(frame)
    assert cio.read(path, sheet="1").equals(frame)
    with pytest.raises(InvalidOption, match="sheet 'nope' not found"):
        cio.read(path, sheet="nope")
    with pytest.raises(InvalidOption, match="--sheet 3"):
        cio.read(path, sheet=3)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip at all")
    with pytest.raises(UnreadableInput, match="not an Excel workbook"):
        cio.read(fake)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(UnreadableInput, match="not a readable Excel"):
        cio.read(broken)


def test_excel_row_limit_is_an_error_not_truncation(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": pl.Series(["x"], dtype=pl.String)}).select(pl.col("a").repeat_by(cio.EXCEL_MAX_ROWS).explode())
    target = tmp_path / "big.xlsx"
    with pytest.raises(OutputError, match="do not fit in an Excel sheet"):
        cio.write(frame, target)
    assert not target.exists()
    assert not list(tmp_path.iterdir())


def test_unknown_extension_and_format() -> None:
    with pytest.raises(UnsupportedFormat, match="--from/--to"):
        cio.format_from_path("data.dbf")
    with pytest.raises(UnsupportedFormat, match="unknown format"):
        cio.normalize_format("sqlite")


def test_corrupt_parquet(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(UnreadableInput, match="not a valid parquet"):
        cio.read(path)


def test_write_is_atomic_and_protects_input(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("a\n1\n")
    frame = cio.read(src)
    with pytest.raises(OutputError, match="--in-place"):
        cio.write(frame, src, inputs=[src])
    cio.write(frame.with_columns(pl.lit("2").alias("b")), src, inputs=[src], in_place=True)
    assert src.read_text() == "a,b\n1,2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]  # no temp file left
    umask = os.umask(0)
    os.umask(umask)
    assert src.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": [object()]}, schema={"a": pl.Object})
    target = tmp_path / "out.parquet"
    with pytest.raises(Exception):
        cio.write(frame, target)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_folder(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": ["1"]})
    with pytest.raises(OutputError, match="does not exist"):
        cio.write(frame, tmp_path / "missing" / "out.csv")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(OutputError, match="does not exist"):
        cio.write(frame, a_file / "out.csv")
    with pytest.raises(OutputError, match="cannot write"):
        cio.write(frame, Path("/proc/custdata-out.csv"))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions
            pytest.skip("running as root: permissions are not enforced")
        with pytest.raises(OutputError, match="not writable"):
            cio.write(frame, locked / "out.csv")
    finally:
        locked.chmod(0o700)


def test_bom_and_list_columns_in_csv(tmp_path: Path) -> None:
    frame = pl.DataFrame({"phones": [["+7912", "+7913"], []], "n": ["a", "b"]})
    target = tmp_path / "o.csv"
    cio.write(frame, target, bom=True)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert cio.read(target)["phones"].to_list() == ["+7912; +7913", None]


def test_stdin_bytes_are_sniffed() -> None:
    frame = pl.DataFrame({"a": ["1"], "b": [None]}, schema={"a": pl.String, "b": pl.String})
    for fmt in ("parquet", "arrow", "jsonl", "csv"):
        data = cio.to_bytes(frame, fmt)
        assert cio.sniff_format(data) == fmt
        assert cio.read(data).equals(frame)


def test_scan_is_lazy_where_possible(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": ["1", "2"]})
    for ext in ("parquet", "arrow", "jsonl", "csv", "xlsx"):
        path = tmp_path / f"t.{ext}"
        cio.write(frame, path)
        lazy = cio.scan(path)
        assert isinstance(lazy, pl.LazyFrame)
        assert lazy.collect().equals(frame)


text_cells = st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=20))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(text_cells, text_cells, text_cells), min_size=1, max_size=20),
    fmt=st.sampled_from(["csv", "parquet", "jsonl", "arrow"]),
)
def test_any_unicode_table_round_trips(tmp_path: Path, rows: list, fmt: str) -> None:
    frame = pl.DataFrame(rows, schema={"a": pl.String, "б": pl.String, "c c": pl.String}, orient="row")
    if fmt == "csv":
        # CSV has no null/empty distinction: custdata reads empty cells as null.
        frame = frame.with_columns(pl.all().replace("", None))
    path = tmp_path / f"rt.{fmt}"
    cio.write(frame, path)
    back = cio.read(path, delimiter="," if fmt == "csv" else None)
    assert back.equals(frame), (frame, back)
