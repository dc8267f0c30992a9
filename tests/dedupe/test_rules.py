"""Rules: the mini-language, composition, and defaults that tell relatives apart."""

import polars as pl
import pytest

from custdata.dedupe.rules import And, Exact, Fuzzy, Level, Not, Or, parse_rule
from custdata.dedupe.vetoes import default_distinct_rules, household_evidence
from custdata.errors import InvalidOption


def test_parse_and_describe_round_trip():
    for text in ["email", "name~0.92,birth_date", "first_name<=0,!birth_date>=4", "email | phone,surname", "birth_date>=10y"]:
        assert parse_rule(parse_rule(text).describe()) == parse_rule(text)


def test_composition_operators():
    r = Exact("email") & ~Exact("phone") | Fuzzy("surname", 0.9)
    assert isinstance(r, Or) and isinstance(r.rules[0], And) and isinstance(r.rules[0].rules[1], Not)


@pytest.mark.parametrize("bad", ["", " , ", "name~x", "email |"])
def test_bad_rules(bad):
    with pytest.raises(InvalidOption):
        parse_rule(bad)


def test_rule_expressions_on_a_pairs_table():
    ctx = pl.DataFrame({
        "email_l": ["a", "a", None], "email_r": ["a", "b", None],
        "full_name_key_l": ["ivanov ivan", "x", "y"], "full_name_key_r": ["ivanov ivn", "z", "y"],
        "first_name": [3, 0, -1],
    })
    assert ctx.select(Exact("email").expr()).to_series().to_list() == [True, False, False]
    assert ctx.select(Fuzzy("name", 0.9).expr()).to_series().to_list() == [True, False, True]
    assert ctx.select(Level("first_name", at_most=0).expr()).to_series().to_list() == [False, True, False]


def test_default_distinct_rules_adapt_to_households():
    # the veto rules are named; what each checks is its ``when`` part
    strict = [r.when.describe() for r in default_distinct_rules(["first_name", "birth_date"], households=True)]
    loose = [r.when.describe() for r in default_distinct_rules(["first_name", "birth_date"], households=False)]
    assert strict == ["first_name<=0,!birth_date>=3", "birth_date<=0,birth_date>=10y"]
    assert loose == ["first_name<=0,birth_date<=1"]


def test_household_evidence_without_names_is_zero():
    assert household_evidence(pl.DataFrame({"phone": [2]})) == 0.0
