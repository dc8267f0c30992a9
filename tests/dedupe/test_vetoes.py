"""Vetoes ("never merge") weigh all the evidence: one class of case per test, generated.

* strong identity (same email key, same phone + same full name, same id) overrides a conflict
  that looks like a typo: a birth year off (same day and month), a first name misspelt;
* a different first name with strong identity is still a different person (a couple sharing an
  email), and a year off without strong identity is still a generation apart;
* a missing value is never a conflict;
* first and last names swapped between columns are compared both ways;
* keys come from the transliterated form (Hryhorevych = Григорьевич).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from custdata.dedupe import NameComparison, deduplicate
from custdata.dedupe.comparison import ComparisonSet
from custdata.dedupe.prepare import prepare
from custdata.dedupe.vetoes import default_distinct_rules

TOPS = {"first_name": 3, "surname": 3, "birth_date": 4, "gender": 1, "phone": 2, "email": 2, "id": 2}
KEYS = ["_first_name_text"]

dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2005, 12, 28))
names = st.sampled_from(["larry", "ivan", "olga", "maria", "petr", "anna", "john", "susan"])


def _vetoed(ctx: dict, households: bool = True) -> list[str]:
    """Names of the default veto rules that fire on one pair described by ``ctx``."""
    rules = default_distinct_rules(TOPS, households=households, keys=KEYS)
    frame = pl.DataFrame({k: [v] for k, v in ctx.items()}).with_columns(
        pl.col("birth_date_l", "birth_date_r").cast(pl.Date),
        pl.col("_first_name_text_l", "_first_name_text_r").cast(pl.String),
    )
    fired = []
    for r in rules:
        if frame.select(r.expr().alias("x"))["x"][0]:
            fired.append(r.describe())
    return fired


def _ctx(**levels) -> dict:
    base = {
        "first_name": 3, "surname": 3, "birth_date": 4, "gender": 1, "phone": 2, "email": 2, "id": -1,
        "_first_name_text_l": "larry", "_first_name_text_r": "larry",
        "birth_date_l": dt.date(1995, 6, 24), "birth_date_r": dt.date(1995, 6, 24),
    }
    base.update(levels)
    return {k: (pl.Series([v], dtype=pl.Int8)[0] if isinstance(v, int) and not k.endswith(("_l", "_r")) else v)
            for k, v in base.items()}


@settings(max_examples=60, deadline=None)
@given(born=dates, decades=st.integers(1, 5), same_email=st.booleans())
@example(born=dt.date(2000, 2, 29), decades=1, same_email=True)  # no 29 February in 1990
def test_year_off_with_same_email_is_not_a_generation(born, decades, same_email):
    if (born.month, born.day) == (2, 29):  # only the year may differ: no leap day then
        born = born.replace(day=28)
    other = born.replace(year=born.year - 10 * decades)
    ctx = _ctx(birth_date=0, email=2 if same_email else 0, phone=0,
               birth_date_l=born, birth_date_r=other)
    fired = _vetoed(ctx)
    if same_email:
        assert "generation_apart" not in fired     # strong identity overrides a year typo
    else:
        assert "generation_apart" in fired         # without it: father and son


@settings(max_examples=60, deadline=None)
@given(name=names, typo_at=st.integers(0, 3))
def test_misspelt_first_name_with_same_email_is_not_vetoed(name, typo_at):
    chars = list(name)
    i = min(typo_at, len(chars) - 2)
    chars[i], chars[i + 1] = chars[i + 1], chars[i]  # two letters swapped: LARYR for LARRY
    typo = "".join(chars)
    # the folded keys differ (level 0); the spelling as written is close
    ctx = _ctx(first_name=0, birth_date=-1, _first_name_text_l=name, _first_name_text_r=typo)
    assert "different_first_name" not in _vetoed(ctx)
    assert "different_first_name" in _vetoed({**ctx, "email": pl.Series([0], dtype=pl.Int8)[0]})


@settings(max_examples=30, deadline=None)
@given(a=names, b=names)
def test_different_first_names_sharing_an_email_stay_apart(a, b):
    if a[:3] == b[:3]:
        return
    ctx = _ctx(first_name=0, birth_date=0, _first_name_text_l=a, _first_name_text_r=b,
               birth_date_l=dt.date(1960, 1, 2), birth_date_r=dt.date(1962, 3, 4))
    assert "different_first_name" in _vetoed(ctx)


@settings(max_examples=40, deadline=None)
@given(missing=st.sampled_from(["first_name", "birth_date", "gender"]), households=st.booleans())
def test_a_missing_value_is_never_a_conflict(missing, households):
    # everything agrees except that one field is missing on one side: nothing may fire
    ctx = _ctx(**{missing: -1})
    if missing == "birth_date":
        ctx["birth_date_r"] = None
    assert _vetoed(ctx, households=households) == []


@settings(max_examples=40, deadline=None)
@given(first=names, last=st.sampled_from(["petrov", "smith", "kovalenko", "ivanova"]))
def test_swapped_first_and_last_names_compare_both_ways(first, last):
    keys = pl.DataFrame({"_row": [0, 1], "first_name_key": [first, last], "surname_key": [last, first]})
    cset = ComparisonSet([NameComparison("first_name_key", name="first_name"),
                          NameComparison("surname_key", name="surname")])
    lv = cset.level_table(keys, pl.Series([0], dtype=pl.UInt32), pl.Series([1], dtype=pl.UInt32))
    lv_back = cset.level_table(keys, pl.Series([1], dtype=pl.UInt32), pl.Series([0], dtype=pl.UInt32))
    assert lv.row(0) == (3, 3) and lv_back.row(0) == (3, 3)


PATRONYMICS = [
    ("Hryhorevych", "Григорьевич"),
    ("Hryhorivna", "Григорівна"),
    ("Mykhailovych", "Михайлович"),
    ("Oleksandrovych", "Олександрович"),
    ("Petrovych", "Петрович"),
]


@pytest.mark.parametrize(("latin", "cyrillic"), PATRONYMICS)
def test_patronymic_keys_come_from_the_transliterated_form(latin, cyrillic):
    df = pl.DataFrame({"f": ["Ivan", "Иван"], "m": [latin, cyrillic]})
    keys = prepare(df, columns={"first_name": "f", "middle_name": "m"})
    assert keys["middle_name_key"][0] == keys["middle_name_key"][1]


def test_end_to_end_year_typo_with_same_email_and_phone_merges():
    # a household (so the generation rule is on), and one person whose year was mistyped
    people = pl.DataFrame({
        "first": ["Larry", "Larry", "Susan", "Tom", "Anna", "Anna", "Petr", "Olga"],
        "last": ["Smith", "Smith", "Smith", "Smith", "Brown", "Brown", "Ivanov", "Ivanova"],
        "dob": ["1995-06-24", "2005-06-24", "1968-01-02", "1990-03-04", "1980-05-05", "1981-07-07",
                "1960-01-01", "1962-02-02"],
        "phone": ["5551234567"] * 4 + ["5559876543"] * 2 + ["5550000001"] * 2,
        "email": ["larry@x.com", "larry@x.com", "susan@x.com", "tom@x.com", "anna@y.com",
                  "annab@y.com", "petr@z.com", "olga@z.com"],
    })
    res = deduplicate(people, columns={"first_name": "first", "last_name": "last",
                                       "birth_date": "dob", "phone": "phone", "email": "email"})
    ids = res.frame["cluster_id"].to_list()
    assert ids[0] == ids[1]                     # the same Larry, year mistyped
    assert len(set(ids[1:4])) == 3              # his relatives stay apart
    assert ids[6] != ids[7]
    vetoed = res.pairs.filter(pl.col("veto").is_not_null())
    assert set(vetoed["veto"].to_list()) <= {"different_first_name", "generation_apart", "different_gender"}


def test_named_id_joins_blocking_and_a_rule_may_name_the_column():
    df = pl.DataFrame({
        "given": ["anna", "ana", "boris", "maria"],
        "family": ["smith", "smyth", "jones", "lopez"],
        "ssn": ["1234567", "1234567", "7654321", "1111112"],
    })
    res = deduplicate(df, columns={"first_name": "given", "last_name": "family", "id": "ssn"})
    assert "id" in res.plan.blocking
    assert res.frame["cluster_id"][0] == res.frame["cluster_id"][1]
    ruled = deduplicate(df, columns={"first_name": "given"}, rules="ssn")
    assert ruled.frame["match_reason"][0] == "rule:ssn"
    assert any(c.column == "ssn" and c.source == "rule" for c in ruled.plan.columns)
