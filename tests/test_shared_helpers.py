"""The neutral helpers every part uses: frames, junk, status codes, TOML loading, date parsing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custdata.normalize
from custdata import config, frames, junk
from custdata.errors import ColumnNotFound, InvalidOption, UnreadableInput
from custdata.normalize.date import parse_date, parse_datetime
from custdata.pipeline.errors import PipelineError


def test_frames_helpers_on_eager_and_lazy() -> None:
    df = pl.DataFrame({"a": [1], "b": [2]})
    assert frames.column_names(df) == frames.column_names(df.lazy()) == ["a", "b"]
    frames.check_columns(df.lazy(), ["a"])
    with pytest.raises(ColumnNotFound, match="'c' not found"):
        frames.check_columns(df.lazy(), ["c"])
    with pytest.raises(InvalidOption, match="no column given"):
        frames.columns_arg([])
    assert frames.as_expr(pl.col("a") + 1).meta.output_name() == "a"


def test_junk_is_reexported_for_compatibility() -> None:
    assert custdata.normalize.JUNK_VALUES is junk.JUNK_VALUES
    assert custdata.normalize.is_junk is junk.is_junk
    out = pl.DataFrame({"v": [" N/A ", "Нет", "Ivan", ""]}).select(junk.junk_expr("v"))
    assert out["v"].to_list() == [True, True, False, False]


def test_load_toml_errors_name_the_file_kind(tmp_path: Path) -> None:
    good = tmp_path / "r.toml"
    good.write_text('name = "vip"\n', encoding="utf-8")
    assert config.load_toml(good, what="rule file") == {"name": "vip"}
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbfname = 1\n")
    assert config.load_toml(bom, what="rule file") == {"name": 1}
    with pytest.raises(UnreadableInput, match="rule file not found"):
        config.load_toml(tmp_path / "missing.toml", what="rule file")
    bad = tmp_path / "bad.toml"
    bad.write_text("a = 1\nname = = 2\n", encoding="utf-8")
    with pytest.raises(UnreadableInput, match=r"map file .*bad\.toml is not valid TOML: .*line"):
        config.load_toml(bad, what="map file")
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "é"'.encode("latin-1"))
    with pytest.raises(PipelineError, match="cannot read the pipeline file"):
        config.load_toml(latin, what="pipeline file", error=PipelineError)


def test_every_toml_reader_uses_the_shared_errors(tmp_path: Path) -> None:
    from custdata.dedupe.config import load_config
    from custdata.pipeline.model import load_pipeline
    from custdata.segment.maps import load_segment_map
    from custdata.segment.rules import load_rules

    bad = tmp_path / "bad.toml"
    bad.write_text("x = \n", encoding="utf-8")
    for load, error in (
        (load_config, UnreadableInput),
        (load_rules, UnreadableInput),
        (load_segment_map, UnreadableInput),
        (load_pipeline, PipelineError),
    ):
        with pytest.raises(error, match="is not valid TOML"):
            load(bad)
        with pytest.raises(error, match="not found"):
            load(tmp_path / "none.toml")


def test_parse_date_reads_every_birth_date_form_without_range() -> None:
    values = ["2031-05-06", "06.05.2031", "6 мая 2031", "May 6, 2031", "20310506", "06.05.31"]
    got = pl.DataFrame({"d": values}).select(parse_date("d"))["d"].to_list()
    assert got == [dt.date(2031, 5, 6)] * len(values)


def test_parse_date_one_reading_wins_over_dayfirst() -> None:
    df = pl.DataFrame({"d": ["13/05/2024", "05/13/2024"]})
    for dayfirst in (True, False):
        got = df.select(parse_date("d", dayfirst=dayfirst))["d"].to_list()
        assert got == [dt.date(2024, 5, 13)] * 2


def test_parse_datetime_keeps_the_time_for_ordering() -> None:
    df = pl.DataFrame({"d": ["01.03.2024 09:00", "2024-03-01 10:00:00", "01/03/2024", "25:99"]})
    got = df.select(parse_datetime("d"))["d"].to_list()
    assert got[:3] == [
        dt.datetime(2024, 3, 1, 9),
        dt.datetime(2024, 3, 1, 10),
        dt.datetime(2024, 3, 1),
    ]
    assert got[3] is None


def test_parse_date_rejects_a_bad_dayfirst() -> None:
    with pytest.raises(InvalidOption):
        parse_date("d", dayfirst=None)  # type: ignore[arg-type]


@given(st.lists(st.one_of(st.none(), st.text(max_size=25)), max_size=30))
@settings(max_examples=80, deadline=None)
def test_parse_date_and_datetime_never_crash_and_agree(values: list[str | None]) -> None:
    df = pl.DataFrame({"v": values}, schema={"v": pl.String})
    out = df.select(parse_date("v").alias("d"), parse_datetime("v").alias("t"))
    assert out.height == len(values)
    # the date of the datetime is the date (the time of day is the only difference)
    assert out["t"].dt.date().to_list() == out["d"].to_list()
