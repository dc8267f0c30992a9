"""Tests of custdata.normalize.gender."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.errors import ColumnNotFound, InvalidOption
from custdata.normalize import genders, parse_gender

# ``gender`` from its module, not the package: collecting the module's doctests (pytest
# --import-mode=importlib) sets the package attribute ``gender`` to the module itself
from custdata.normalize.gender import GENDER_STATUSES, GENDER_VALUES, gender


@pytest.mark.parametrize(
    ("raw", "code", "status"),
    [
        ("М", "male", "ok"), ("M", "male", "ok"), ("м.", "male", "ok"), ("муж", "male", "ok"),
        ("Муж.", "male", "ok"), ("мужской", "male", "ok"), ("Мужской  пол", "male", "ok"),
        ("ч", "male", "ok"), ("Чол.", "male", "ok"), ("чоловіча", "male", "ok"),
        ("male", "male", "ok"), ("MAN", "male", "ok"), ("Mr", "male", "ok"), ("1", "male", "ok"),
        ("Ж", "female", "ok"), ("жен.", "female", "ok"), ("женский", "female", "ok"),
        ("жін", "female", "ok"), ("Жіноча", "female", "ok"), ("F", "female", "ok"),
        ("female", "female", "ok"), ("Woman", "female", "ok"), ("mrs", "female", "ok"),
        ("2", "female", "ok"), ("другое", None, "other"), ("non-binary", None, "other"),
        ("9", None, "other"), ("x", None, "junk"), ("0", None, "junk"), ("нет", None, "junk"),
        ("", None, "empty"), ("  ", None, "empty"), (None, None, "empty"),
        ("абв", None, "unrecognized"), ("3", None, "unrecognized"),
    ],
)
def test_values(raw: str | None, code: str | None, status: str) -> None:
    assert parse_gender(raw) == (code, status)


def test_integer_column() -> None:
    out = genders(pl.DataFrame({"g": [1, 2, None, 5]}), "g")
    assert out["g_code"].to_list() == ["male", "female", None, None]
    assert out["g_status"].to_list() == ["ok", "ok", "empty", "unrecognized"]


def test_in_place_and_lazy() -> None:
    frame = pl.DataFrame({"g": ["Ж", "??"]})
    out = genders(frame, "g", in_place=True)
    assert out.columns == ["g", "g_code", "g_status"]
    assert out["g"].to_list() == ["female", "??"]
    lazy = genders(frame.lazy(), ["g"])
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect()["g_code"].to_list() == ["female", None]


def test_errors() -> None:
    frame = pl.DataFrame({"g": ["Ж"]})
    with pytest.raises(ColumnNotFound):
        genders(frame, "sex")
    with pytest.raises(InvalidOption):
        genders(frame, "g", in_place=1)  # type: ignore[arg-type]


_values = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(sorted(GENDER_VALUES)))


@settings(max_examples=100, deadline=None)
@given(st.lists(_values, max_size=20))
def test_properties(values: list[str | None]) -> None:
    frame = pl.DataFrame({"id": range(len(values)), "g": values},
                         schema={"id": pl.Int64, "g": pl.String})
    out = genders(frame, "g")
    assert out.height == frame.height and out["id"].to_list() == list(range(len(values)))
    assert set(out["g_status"].to_list()) <= set(GENDER_STATUSES)
    assert set(out["g_code"].drop_nulls().to_list()) <= {"male", "female"}
    assert (out["g_code"].is_not_null() == (out["g_status"] == "ok")).all()
    # idempotent: a code normalizes to itself
    again = frame.select(gender(gender("g")).alias("c"))["c"]
    assert again.to_list() == out["g_code"].to_list()
    # expression == scalar helper
    assert out["g_code"].to_list() == [parse_gender(v)[0] for v in values]
