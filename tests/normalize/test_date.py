"""Tests of custdata.normalize.date (birth dates)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.errors import ColumnNotFound, InvalidOption
from custdata.normalize import birth_date, birth_dates, parse_birth_date
from custdata.normalize.date import DATE_STATUSES

TODAY = dt.date(2025, 6, 1)
D = dt.date(1985, 12, 31)


@pytest.mark.parametrize(
    "raw",
    [
        "31.12.1985", " 31.12.1985 ", "31/12/1985", "31-12-1985", "12/31/1985", "1985-12-31",
        "1985/12/31", "1985.12.31", "31.12.85", "31. 12. 1985", "1985-12-31T00:00:00",
        "1985-12-31 10:20:30+03:00", "31.12.1985 0:00:00", "19851231", "31121985", "31412",
        "31412.0", "31412.75", "31 декабря 1985", "31 декабря 1985 г.", "31-го декабря 1985 года",
        "31 дек. 1985", "31 грудня 1985 р.", "31 грудня 1985 року", "Dec 31, 1985",
        "December 31st 1985", "31 Dec 1985", "31 December, 1985", "dec. 31 1985",
    ],
)
def test_forms(raw: str) -> None:
    assert parse_birth_date(raw, today=TODAY) == (D, "ok")


@pytest.mark.parametrize(
    ("raw", "dayfirst", "expected"),
    [
        ("03/04/1985", True, (dt.date(1985, 4, 3), "ok")),
        ("03/04/1985", False, (dt.date(1985, 3, 4), "ok")),
        ("03/04/1985", None, (None, "ambiguous")),
        ("04/04/1985", None, (dt.date(1985, 4, 4), "ok")),
        ("13/04/1985", False, (dt.date(1985, 4, 13), "ok")),
        ("04/13/1985", True, (dt.date(1985, 4, 13), "ok")),
        ("03.04.1985", False, (dt.date(1985, 4, 3), "ok")),  # dots are day first
        ("03.04.1985", None, (dt.date(1985, 4, 3), "ok")),
    ],
)
def test_dayfirst(raw: str, dayfirst: bool | None, expected: tuple) -> None:
    assert parse_birth_date(raw, dayfirst=dayfirst, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01.01.25", (dt.date(2025, 1, 1), "ok")),  # pivot: 2025 is not after today
        ("01.01.26", (dt.date(1926, 1, 1), "ok")),
        ("15.06.05", (dt.date(2005, 6, 15), "ok")),
        ("", (None, "empty")),
        ("   ", (None, "empty")),
        (None, (None, "empty")),
        ("нет", (None, "junk")),
        ("-", (None, "junk")),
        ("30.02.1985", (None, "unparseable")),
        ("31.13.1985", (None, "unparseable")),
        ("1985", (None, "unparseable")),
        ("abc", (None, "unparseable")),
        ("31 smarch 1985", (None, "unparseable")),
        ("31.12.1899", (None, "out_of_range")),
        ("02.06.2025", (None, "out_of_range")),
        ("01.06.2025", (dt.date(2025, 6, 1), "ok")),
        (dt.date(1985, 12, 31), (D, "ok")),
        (dt.datetime(1985, 12, 31, 10, 0), (D, "ok")),
        (31412, (D, "ok")),
    ],
)
def test_statuses(raw: object, expected: tuple) -> None:
    assert parse_birth_date(raw, today=TODAY) == expected


def test_min_year() -> None:
    assert parse_birth_date("01.01.1899", min_year=1850, today=TODAY) == (dt.date(1899, 1, 1), "ok")


def test_date_and_datetime_columns() -> None:
    frame = pl.DataFrame({"d": [D, None, dt.date(1800, 1, 1)]})
    out = birth_dates(frame, "d", today=TODAY)
    assert out["d_iso"].to_list() == [D, None, None]
    assert out["d_status"].to_list() == ["ok", "empty", "out_of_range"]
    frame = pl.DataFrame({"d": [dt.datetime(1985, 12, 31, 23, 59)]})
    assert birth_dates(frame, "d", today=TODAY)["d_iso"].to_list() == [D]


def test_frame_step() -> None:
    frame = pl.DataFrame({"id": [1, 2, 3], "dob": ["31.12.1985", "x", "31.12.1985"]})
    out = birth_dates(frame, "dob", today=TODAY)
    assert out.columns == ["id", "dob", "dob_iso", "dob_status"]
    assert out.schema["dob_iso"] == pl.Date
    assert out["dob_status"].to_list() == ["ok", "junk", "ok"]
    inplace = birth_dates(frame, "dob", today=TODAY, in_place=True)
    assert inplace["dob"].to_list() == ["1985-12-31", "x", "1985-12-31"]
    lazy = birth_dates(frame.lazy(), "dob", today=TODAY)
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect().equals(out)


def test_errors() -> None:
    frame = pl.DataFrame({"dob": ["31.12.1985"]})
    with pytest.raises(ColumnNotFound):
        birth_dates(frame, "birthday")
    with pytest.raises(InvalidOption):
        birth_dates(frame, "dob", dayfirst="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidOption):
        birth_dates(frame, "dob", min_year="1900")  # type: ignore[arg-type]
    with pytest.raises(InvalidOption):
        birth_dates(frame, "dob", today="2025-01-01")  # type: ignore[arg-type]


_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
_formats = st.sampled_from(["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d.%m.%Y 0:00:00"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_dates, _formats), min_size=1, max_size=20))
def test_round_trip(pairs: list[tuple[dt.date, str]]) -> None:
    values = [d.strftime(f) for d, f in pairs]
    out = birth_dates(pl.DataFrame({"d": values}), "d", today=TODAY)
    assert out["d_iso"].to_list() == [d for d, _ in pairs]
    # idempotent: the ISO text reads back to the same date
    iso = pl.DataFrame({"d": out["d_iso"].dt.to_string("%Y-%m-%d")})
    assert birth_dates(iso, "d", today=TODAY)["d_iso"].to_list() == out["d_iso"].to_list()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=25)), max_size=20))
def test_never_crashes_preserves_rows_and_matches_scalar(values: list[str | None]) -> None:
    frame = pl.DataFrame({"id": range(len(values)), "d": values},
                         schema={"id": pl.Int64, "d": pl.String})
    out = birth_dates(frame, "d", today=TODAY)
    assert out["id"].to_list() == list(range(len(values)))
    assert set(out["d_status"].to_list()) <= set(DATE_STATUSES)
    assert (out["d_iso"].is_not_null() == (out["d_status"] == "ok")).all()
    expr = frame.select(birth_date("d", today=TODAY))["d"].to_list()
    assert expr == out["d_iso"].to_list()
    assert [parse_birth_date(v, today=TODAY)[0] for v in values[:3]] == expr[:3]
