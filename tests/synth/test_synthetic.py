"""The synthetic customer generator: deterministic, consistent ground truth, realistic families."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.synth import CORRUPTIONS, generate_customers, pairs_from_ids, translit
from custdata.errors import InvalidOption

pytest.importorskip("faker")


@pytest.fixture(scope="module")
def plain() -> pl.DataFrame:
    return generate_customers(3000, dup_rate=0.3, seed=11)


@pytest.fixture(scope="module")
def fam() -> pl.DataFrame:
    return generate_customers(3000, dup_rate=0.3, families=True, seed=12, name_format="both")


def test_deterministic_for_a_seed(plain: pl.DataFrame) -> None:
    again = generate_customers(3000, dup_rate=0.3, seed=11)
    assert plain.equals(again)
    other = generate_customers(3000, dup_rate=0.3, seed=12)
    assert not plain.equals(other)


def test_columns_and_row_ids(plain: pl.DataFrame) -> None:
    assert plain.columns == ["record_id", "true_id", "household_id", "full_name", "phone", "email",
                             "birth_date", "gender", "city", "address", "source", "corruption"]
    assert plain["record_id"].to_list() == list(range(plain.height))
    assert plain["full_name"].null_count() == 0


def test_one_original_per_person_and_dup_rate(plain: pl.DataFrame) -> None:
    originals = plain.filter(pl.col("corruption").is_null())
    assert originals.height == 3000
    assert originals["true_id"].n_unique() == 3000
    assert plain["true_id"].n_unique() == 3000
    per_person = plain.group_by("true_id").len()
    share_with_dups = (per_person["len"] > 1).mean()
    assert 0.25 < share_with_dups < 0.35
    assert per_person["len"].max() <= 1 + 3
    assert pairs_from_ids(plain["true_id"]) == int(
        (per_person["len"] * (per_person["len"] - 1) // 2).sum()
    )


def test_rows_are_shuffled(plain: pl.DataFrame) -> None:
    # duplicates are not all at the bottom
    first_half = plain.head(plain.height // 2)
    assert first_half["corruption"].is_not_null().sum() > 100


def test_corruption_codes(plain: pl.DataFrame) -> None:
    codes = set()
    for value in plain["corruption"].drop_nulls().to_list():
        codes.update(value.split(","))
    assert codes <= set(CORRUPTIONS) | {"format"}
    assert set(CORRUPTIONS) - {"translit"} <= codes | {"translit"}
    assert "translit" in codes


def test_translit_duplicates_are_latin(plain: pl.DataFrame) -> None:
    tr = plain.filter(pl.col("corruption").str.contains("translit"))
    assert tr.height > 20
    assert all(not re.search("[А-Яа-яЁёІіЇїЄєҐґ]", name) for name in tr["full_name"].to_list())


def test_n_rows_is_exact() -> None:
    df = generate_customers(n_rows=1234, dup_rate=0.3, seed=5)
    assert df.height == 1234
    df0 = generate_customers(500, dup_rate=0.0, seed=5)
    assert df0.height == 500 and df0["corruption"].null_count() == 500


def test_no_families_means_households_of_one(plain: pl.DataFrame) -> None:
    sizes = plain.group_by("household_id").agg(pl.col("true_id").n_unique())
    assert sizes["true_id"].max() == 1


def test_true_id_in_one_household(fam: pl.DataFrame) -> None:
    per_person = fam.group_by("true_id").agg(pl.col("household_id").n_unique())
    assert per_person["household_id"].max() == 1


def test_families_share_address_surname_phone_not_first_name_or_dob(fam: pl.DataFrame) -> None:
    orig = fam.filter(pl.col("corruption").is_null())
    sizes = orig.group_by("household_id").len()
    families = sizes.filter(pl.col("len") > 1)
    # default families=True puts about 40 % of people in households of 2..5
    in_family = families["len"].sum() / orig.height
    assert 0.3 < in_family < 0.5
    assert families["len"].max() <= 5
    members = orig.join(families.select("household_id"), on="household_id")
    agg = members.group_by("household_id").agg(
        pl.col("city").n_unique().alias("cities"),
        pl.col("address").drop_nulls().n_unique().alias("addresses"),
        pl.col("first_name").n_unique().alias("first_names"),
        pl.col("birth_date").drop_nulls().str.replace_all(r"\D", "").n_unique().alias("dobs"),
        pl.col("birth_date").drop_nulls().len().alias("n_dobs"),
        pl.len().alias("n"),
        pl.col("phone").str.replace_all(r"\D", "").str.slice(-7).n_unique().alias("phones"),
        # the surname without a female ending is the family's
        pl.col("last_name").str.replace(r"(ая|а)$", "").n_unique().alias("surnames"),
        pl.col("middle_name").n_unique().alias("patronymics"),
    )
    assert (agg["cities"] == 1).all()
    assert (agg["addresses"] <= 1).all()
    assert (agg["first_names"] == agg["n"]).all()
    # each relative has their own birth date (the same date in another format would be a bug)
    assert (agg["dobs"] >= agg["n_dobs"] - 1).mean() > 0.99
    assert (agg["surnames"] <= 2).all()  # Ukrainian -ський/-ська differ in more than one letter
    assert (agg["surnames"] == 1).mean() > 0.9
    # phones are often shared, patronymics of siblings too
    assert (agg["phones"] < agg["n"]).mean() > 0.4
    assert (agg["patronymics"] < agg["n"]).mean() > 0.2


def test_birth_dates_spread_out(fam: pl.DataFrame) -> None:
    # no pile-up on one date (children born after the cut-off year must not be clamped to it)
    dates = fam.filter(pl.col("corruption").is_null()).select(
        pl.coalesce(
            pl.col("birth_date").str.strptime(pl.Date, fmt, strict=False)
            for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
        ).alias("d")
    )["d"].drop_nulls()
    assert dates.value_counts()["count"].max() <= 5
    assert dates.min().year >= 1940 and dates.max().year <= 2007


def test_female_surname_forms(fam: pl.DataFrame) -> None:
    ru = fam.filter(pl.col("corruption").is_null() & pl.col("phone").str.contains(r"^(\+7|8|7)"))
    women = ru.filter(pl.col("gender") == "Ж")["last_name"].to_list()
    men = ru.filter(pl.col("gender") == "М")["last_name"].to_list()
    assert sum(w.endswith(("ова", "ева", "ина", "ая", "ёва", "ына")) for w in women) > 0.8 * len(women)
    assert sum(m.endswith(("ова", "ева", "ина")) for m in men) < 0.05 * len(men)


def test_emails_distinct_between_people(plain: pl.DataFrame) -> None:
    orig = plain.filter(pl.col("corruption").is_null() & pl.col("email").is_not_null())
    assert orig["email"].n_unique() == orig.height
    assert orig["email"].str.contains(r"^[a-z0-9._]+@[a-z0-9.]+$").all()


def test_phone_formats_vary(plain: pl.DataFrame) -> None:
    phones = plain["phone"].drop_nulls()
    shapes = phones.str.replace_all(r"\d", "9").n_unique()
    assert shapes > 10
    digits = phones.str.replace_all(r"\D", "").str.len_chars()
    assert digits.is_between(10, 12).all()


def test_name_formats() -> None:
    parts = generate_customers(50, name_format="parts", seed=1)
    assert {"first_name", "middle_name", "last_name"} <= set(parts.columns)
    assert "full_name" not in parts.columns
    both = generate_customers(50, name_format="both", seed=1)
    assert {"full_name", "first_name", "last_name"} <= set(both.columns)


def test_locales_option() -> None:
    en = generate_customers(200, locales={"en_US": 1.0}, seed=2)
    assert not en["full_name"].str.contains("[А-Яа-я]").any()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_people": 0},
        {"dup_rate": 1.5},
        {"families": 2.0},
        {"name_format": "fio"},
        {"locales": {"de_DE": 1.0}},
        {"max_duplicates": 0},
        {"n_rows": 0},
        {"missing_rate": -0.1},
    ],
)
def test_bad_options_raise(kwargs: dict) -> None:
    with pytest.raises(InvalidOption):
        generate_customers(**kwargs)


def test_translit() -> None:
    assert translit("Иванов") == "Ivanov"
    assert translit("Щукин Юрий", system="popular") == "Shchukin Yuriy"
    assert translit("Гнатюк Олег", system="uk") == "Hnatiuk Oleh"
    with pytest.raises(InvalidOption):
        translit("x", system="klingon")


@settings(max_examples=10, deadline=None)
@given(
    n_people=st.integers(1, 120),
    dup_rate=st.floats(0.0, 1.0),
    families=st.one_of(st.booleans(), st.floats(0.0, 1.0)),
    seed=st.sampled_from([11, 12]),  # the fixtures' seeds: Faker pools are cached
    name_format=st.sampled_from(["full", "parts", "both"]),
)
def test_ground_truth_invariants(n_people: int, dup_rate: float, families: bool | float,
                                 seed: int, name_format: str) -> None:
    df = generate_customers(n_people, dup_rate=dup_rate, families=families, seed=seed,
                            name_format=name_format)
    assert df["record_id"].to_list() == list(range(df.height))
    originals = df.filter(pl.col("corruption").is_null())
    assert sorted(originals["true_id"].to_list()) == list(range(n_people))
    assert df.height <= n_people * 4
    per_person = df.group_by("true_id").agg(pl.col("household_id").n_unique())
    assert (per_person["household_id"] == 1).all()
    if dup_rate == 0.0:
        assert df.height == n_people
