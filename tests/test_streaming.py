"""custdata.streaming.stream: file → file in batches, identical to the in-memory path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata import io as cio
from custdata.errors import InvalidOption, OutputError, UnreadableInput
from custdata.normalize import birth_dates, emails, genders, names, phones, tax_ids
from custdata.privacy import mask, suppress
from custdata.streaming import phone_regions, stream

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CRM = EXAMPLES / "crm_export.csv"  # cp1251, ';'-separated, 451 rows
KEY = "a test key of sixteen bytes or more"
# Phones infer a national number's region from the column's international numbers: found once
# over the whole file and passed down, every batch decides as the whole column would.
REGIONS = phone_regions(cio.scan(CRM), "Телефон", region="RU")

STEPS = {
    "phones": lambda df: phones(df, "Телефон", region="RU", fallback_region="UA", regions=REGIONS),
    "emails": lambda df: emails(df, "Эл. почта"),
    "dates": lambda df: birth_dates(df, "Дата рождения", dayfirst=None, today=dt.date(2025, 1, 1)),
    "genders": lambda df: genders(df, "Пол"),
    "names": lambda df: names(df, "ФИО", order="eastern"),
    "ids": lambda df: tax_ids(df, "Код клиента"),
    "mask": lambda df: mask(
        df,
        ["Телефон", "Эл. почта", "ФИО"],
        method="hash",
        key=KEY,
        kinds={"Телефон": "phone", "Эл. почта": "email", "ФИО": "full_name"},
        regions=REGIONS,
    ),
    "suppress": lambda df: suppress(
        df,
        ["+38 (096) 182-64-24", "TATIANA.BARANOVA@yandex.ru"],
        columns={"phone": ["Телефон"], "email": ["Эл. почта"]},
        mode="flag",
        regions=REGIONS,
    ),
}


def _in_memory(step, source: Path, target: Path) -> pl.DataFrame:
    cio.write(step(cio.read(source)), target)
    return cio.read(target)


@pytest.mark.parametrize(
    ("name", "fmt"), [(n, ("csv", "parquet")[i % 2]) for i, n in enumerate(sorted(STEPS))]
)
def test_stream_equals_in_memory(tmp_path: Path, name: str, fmt: str) -> None:
    step = STEPS[name]
    expected = _in_memory(step, CRM, tmp_path / f"mem.{fmt}")
    # 451 rows: 65 batches with a short last one, 5 batches, one batch (names, mask and suppress
    # have a fixed cost per call of 0.05-0.1 s: fewer, still uneven, batches keep the test fast)
    sizes = (100, 10_000) if name in ("mask", "suppress", "names") else (7, 100, 10_000)
    for batch_rows in sizes:
        out = tmp_path / f"stream-{batch_rows}.{fmt}"
        result = stream(step, CRM, out, batch_rows=batch_rows)
        assert result.rows_in == 451
        assert result.batches == -(-451 // batch_rows)
        assert cio.read(out).equals(expected), (name, fmt, batch_rows)


def test_suppress_drop_mode_streams(tmp_path: Path) -> None:
    step = lambda df: suppress(  # noqa: E731
        df, ["+38 (096) 182-64-24"], columns={"phone": ["Телефон"]}, regions=REGIONS
    )
    expected = _in_memory(step, CRM, tmp_path / "mem.parquet")
    result = stream(step, CRM, tmp_path / "s.parquet", batch_rows=50)
    assert result.rows_out == expected.height < result.rows_in
    assert cio.read(tmp_path / "s.parquet").equals(expected)


@pytest.mark.parametrize("fmt", ["tsv", "jsonl", "arrow"])
def test_other_formats_and_bom(tmp_path: Path, fmt: str) -> None:
    step = STEPS["phones"]
    src = tmp_path / "crm.parquet"
    cio.write(cio.read(CRM), src)
    expected = _in_memory(step, src, tmp_path / f"mem.{fmt}")
    stream(step, src, tmp_path / f"s.{fmt}", batch_rows=33)
    assert cio.read(tmp_path / f"s.{fmt}").equals(expected)


def test_bom_written_once(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    stream(lambda df: df, CRM, out, batch_rows=100, bom=True)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    # identical to the in-memory writer with --bom (which also turns the formula guard on)
    whole = tmp_path / "whole.csv"
    cio.write(cio.read(CRM), whole, bom=True)
    assert data == whole.read_bytes()


def test_header_only_input_writes_header(tmp_path: Path) -> None:
    src = tmp_path / "h.csv"
    src.write_text("tel\n")
    stream(lambda df: phones(df, "tel"), src, tmp_path / "o.csv")
    assert (tmp_path / "o.csv").read_text().splitlines()[0].startswith("tel,tel_e164")


def test_failure_leaves_nothing_behind(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("a,b\n" + "1,2\n" * 100 + "3\n")
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    with pytest.raises(UnreadableInput, match=r"line\(s\) 102"):
        stream(lambda df: df, src, out, batch_rows=10)
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_phone_regions_of_a_whole_file() -> None:
    assert "UA" in REGIONS
    assert __import__("custdata.normalize").normalize.phone_regions(
        cio.read(CRM)["Телефон"], region="RU"
    ) == REGIONS


def test_refusals(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("a\n1\n")
    with pytest.raises(OutputError, match="overwrite the input"):
        stream(lambda df: df, src, src)
    with pytest.raises(InvalidOption, match="batch by batch"):
        stream(lambda df: df, src, tmp_path / "o.xlsx")
    with pytest.raises(InvalidOption, match="batch_rows"):
        stream(lambda df: df, src, tmp_path / "o.csv", batch_rows=0)
    with pytest.raises(OutputError, match="folder does not exist"):
        stream(lambda df: df, src, tmp_path / "nope" / "o.csv")


_NUMBERS = [
    "+380 50 123 45 67", "+38 (067) 984-64-52", "+380931112233", "+1 212 595 7471",
    "+1 (416) 967-1111", "+7 912 345-67-89", "+7 701 123 4567", "0975419469", "8 912 345-67-89",
    "+49 30 1234567", "0049 151 12345678", "нет", None, "+44 20 7946 0958",
]


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.sampled_from(_NUMBERS), min_size=1, max_size=40),
    batch_rows=st.integers(1, 12),
)
def test_regions_in_batches_equal_the_whole_column(values, batch_rows) -> None:
    from custdata.normalize import phone_regions as whole_column
    from custdata.streaming import phone_regions as in_batches

    series = pl.Series("tel", values, dtype=pl.String)
    lazy = series.to_frame().lazy()
    assert in_batches(lazy, "tel", batch_rows=batch_rows) == whole_column(series)
