"""Comparison levels: null, else, fuzzy, exact."""

import datetime as dt

import polars as pl
import pytest

from custdata.dedupe.comparison import (
    AddressComparison, ComparisonSet, DateComparison, EmailComparison, ExactMatch,
    JaroWinklerAtThresholds, NameComparison, PhoneComparison,
)
from custdata.errors import InvalidOption


def s(*v):
    return pl.Series(list(v))


def test_null_is_minus_one_everywhere():
    for c in (ExactMatch("x"), JaroWinklerAtThresholds("x"), NameComparison("x"), EmailComparison("x"), PhoneComparison("x"), AddressComparison("x")):
        assert c.levels(s(None, "a"), s("a", None)).to_list() == [-1, -1]


def test_date_levels():
    d = dt.date
    left = pl.Series([d(1980, 2, 1)] * 5 + [None])
    right = pl.Series([d(1980, 2, 1), d(1980, 2, 7), d(1980, 1, 2), d(1980, 11, 20), d(1975, 6, 15), d(1980, 2, 1)])
    assert DateComparison("b").levels(left, right).to_list() == [4, 3, 2, 1, 0, -1]


def test_date_comparison_needs_dates():
    with pytest.raises(InvalidOption):
        DateComparison("b").levels(s("x"), s("y"))


def test_bad_thresholds():
    with pytest.raises(InvalidOption):
        JaroWinklerAtThresholds("x", thresholds=(1.5,))


def test_swapped_first_and_last_names_compare_exact():
    keys = pl.DataFrame({"first_name_key": ["ivan", "petrov"], "surname_key": ["petrov", "ivan"]})
    cs = ComparisonSet([NameComparison("first_name_key", name="first_name"), NameComparison("surname_key", name="surname")])
    lv = cs.level_table(keys, pl.Series([0], dtype=pl.UInt32), pl.Series([1], dtype=pl.UInt32))
    assert lv.row(0) == (3, 3)


def test_duplicate_names_rejected():
    with pytest.raises(InvalidOption):
        ComparisonSet([ExactMatch("a"), ExactMatch("a")])


def test_phone_typo_and_swap():
    c = PhoneComparison("p")
    assert c.levels(s("9123456789", "9123456789"), s("9123456780", "9123456798")).to_list() == [1, 1]
