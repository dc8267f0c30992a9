"""The synthetic company generator: deterministic, valid tax ids, a branch is its own entity."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ru import inn
from stdnum.ua import edrpou, rntrc

from custdata.errors import InvalidOption
from custdata.synth import generate_companies
from custdata.synth.companies import TRUTH_COLUMNS, render_address, render_name, translit


@pytest.fixture(scope="module")
def companies() -> pl.DataFrame:
    return generate_companies(600, seed=5)


def test_deterministic_for_a_seed(companies: pl.DataFrame) -> None:
    assert companies.equals(generate_companies(600, seed=5))
    assert not companies.equals(generate_companies(600, seed=6))


def test_columns_and_record_ids(companies: pl.DataFrame) -> None:
    assert companies.columns == [
        "record_id", "company", "tax_id", "address", "city", "phone", "email", *TRUTH_COLUMNS
    ]  # fmt: skip
    assert companies["record_id"].to_list() == list(range(companies.height))
    assert companies["company"].null_count() == 0


def test_tax_ids_have_valid_check_digits(companies: pl.DataFrame) -> None:
    digits = companies["tax_id"].drop_nulls().str.replace_all(r"\D", "")
    by_len = digits.str.len_chars()
    ru = digits.filter(by_len == 12).to_list() + [
        d for d in digits.filter(by_len == 10).to_list() if inn.is_valid(d)
    ]
    ua_company = [d for d in digits.filter(by_len == 8).to_list() if edrpou.is_valid(d)]
    assert ru and ua_company
    assert all(inn.is_valid(d) for d in digits.filter(by_len == 12).to_list())
    # a 10-digit id is a Russian company's ИНН or a Ukrainian ФОП's РНОКПП, always valid as one
    assert all(inn.is_valid(d) or rntrc.is_valid(d) for d in digits.filter(by_len == 10).to_list())


def test_a_site_belongs_to_one_company_and_branches_share_the_tax_id(
    companies: pl.DataFrame,
) -> None:
    per_site = companies.group_by("true_id").agg(
        pl.col("company_id").n_unique().alias("c"), pl.col("site").n_unique().alias("s")
    )
    assert (per_site["c"] == 1).all() and (per_site["s"] == 1).all()
    sites = companies.group_by("company_id").agg(pl.col("true_id").n_unique().alias("n"))
    assert (sites["n"] > 1).any(), "some companies have branches"
    ids = (
        companies.filter(pl.col("tax_id").is_not_null())
        .with_columns(pl.col("tax_id").str.replace_all(r"\D", ""))
        .group_by("company_id")
        .agg(pl.col("tax_id").n_unique())
    )
    assert (ids["tax_id"] == 1).all()


def test_branches_carry_the_head_office_phone(companies: pl.DataFrame) -> None:
    tagged = companies.filter(pl.col("corruption").str.contains("head_phone"))
    assert tagged.height > 0 and (tagged["site"] > 0).all()


def test_spellings_of_one_site_differ() -> None:
    import random

    rng = random.Random(1)
    names = {render_name(rng, "Ромашка", "ООО") for _ in range(60)}
    assert {'ООО "Ромашка"', "Ромашка, ООО", "OOO Romashka"} <= names
    assert any(n.startswith("Общество с ограниченной ответственностью") for n in names)
    assert translit("Світанок", ukrainian=True) == "Svitanok"
    site = {
        "city": ("Москва", ["Москва"], "495", "1"), "street": "Ленина", "type": 0,
        "direction": None, "house": "5", "korpus": None, "office": None, "postcode": "101000",
    }  # fmt: skip
    company = {"country": "ru", "types": [("улица", ["ул.", "улица"])]}
    addresses = {render_address(rng, company, site)[0] for _ in range(80)}
    assert "ул. Ленина, д. 5" in addresses and "улица Ленина 5" in addresses


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(0, 25),
    seed=st.integers(0, 2**32),
    dup=st.floats(0, 1),
    bc=st.floats(0, 1),
)
def test_any_size_and_rates(n: int, seed: int, dup: float, bc: float) -> None:
    df = generate_companies(n, seed=seed, dup_rate=dup, business_centre_rate=bc)
    assert df.height >= df["true_id"].n_unique() >= n
    assert df["company_id"].n_unique() == n
    if dup == 0:
        assert df.height == df["true_id"].n_unique()


@pytest.mark.parametrize(
    "kwargs",
    [{"n_companies": -1}, {"n_companies": 1.5}, {"dup_rate": 2.0}, {"max_duplicates": 0}],
)
def test_bad_arguments_raise(kwargs: dict) -> None:
    args = {"n_companies": 3} | kwargs
    with pytest.raises(InvalidOption):
        generate_companies(**args)
