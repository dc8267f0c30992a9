"""Match keys: one normalized key per field, junk never a key."""

import datetime as dt

import polars as pl
import pytest

from custdata.dedupe.prepare import prepare, resolve_columns
from custdata.errors import ColumnNotFound, InvalidOption


def test_full_name_split_and_keys():
    df = pl.DataFrame({
        "ФИО": ["Иванова Мария Петровна", "Мария Петровна Иванова", "Ivanova Mariya", "Curry, Kevin Charles", "Kevin Charles Curry"],
    })
    k = prepare(df, columns={"full_name": "ФИО"})
    assert k["surname_key"].to_list()[:3] == ["ivanov"] * 3
    assert k["first_name_key"][0] == k["first_name_key"][1] == k["first_name_key"][2]
    assert k["middle_name_key"].to_list()[:2] == ["petr", "petr"]
    assert k["surname_key"][3] == k["surname_key"][4]
    assert k["first_name_key"][3] == k["first_name_key"][4]


def test_gender_endings_share_a_surname_key():
    df = pl.DataFrame({"last": ["Иванов", "Иванова", "Ковальский", "Ковальская"], "first": ["a", "b", "c", "d"]})
    k = prepare(df, columns={"last_name": "last", "first_name": "first"})
    assert k["surname_key"][0] == k["surname_key"][1]
    assert k["surname_key"][2] == k["surname_key"][3]


def test_junk_values_are_null_keys():
    df = pl.DataFrame({"phone": ["0", "нет", "0000000", "+7 912 345-67-89", None], "email": ["n/a", "x", "a@b.ru", "", None]})
    k = prepare(df, columns={"phone": "phone", "email": "email"})
    assert k["phone"].to_list() == [None, None, None, "9123456789", None]
    assert k["email"].to_list() == [None, None, "a@b.ru", None, None]


def test_birth_dates_in_several_formats():
    df = pl.DataFrame({"d": ["1980-02-01", "01.02.1980", "19800201", "garbage", None]})
    k = prepare(df, columns={"birth_date": "d"})
    assert k["birth_date"].to_list() == [dt.date(1980, 2, 1)] * 3 + [None, None]


def test_several_address_columns_are_one_address():
    df = pl.DataFrame({"street_number": ["16"], "address_1": ["couvreur street"], "address_2": ["kimberley park"]})
    k = prepare(df, columns={"address": ["street_number", "address_1", "address_2"]})
    assert k["address_key"][0] == "16 couvreur kimberley park"


def test_missing_column_is_an_error():
    with pytest.raises(ColumnNotFound):
        prepare(pl.DataFrame({"a": ["x"]}), columns={"phone": "tel"})


def test_nothing_to_match_is_an_error():
    with pytest.raises(InvalidOption):
        prepare(pl.DataFrame({"notes": ["hello"]}))


def test_extra_kinds_from_headers():
    df = pl.DataFrame({"given_name": ["a"], "surname": ["b"], "postcode": ["2000"], "suburb": ["x"], "state": ["nsw"]})
    found = resolve_columns(df)
    assert found["postcode"] == ["postcode"] and found["city"] == ["suburb"] and found["region"] == ["state"]


def test_empty_frame():
    k = prepare(pl.DataFrame({"email": []}, schema={"email": pl.String}), columns={"email": "email"})
    assert k.height == 0 and "email" in k.columns


from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=20), st.text(max_size=15), st.text(max_size=15), st.text(max_size=12)), max_size=8))
def test_prepare_never_crashes_on_any_unicode(rows):
    df = pl.DataFrame(rows, schema={"n": pl.String, "p": pl.String, "e": pl.String, "d": pl.String}, orient="row")
    k = prepare(df, columns={"full_name": "n", "phone": "p", "email": "e", "birth_date": "d"})
    assert k.height == df.height
    assert k["_row"].to_list() == list(range(df.height))


def test_reuses_the_normalizers_columns_when_present():
    from custdata.normalize import birth_dates, emails, genders, phones

    raw = pl.DataFrame({"tel": ["050 123 45 67"], "mail": ["Ivan.Petrov@Gmail.com"],
                        "dob": ["03/04/1985"], "sex": ["ж"]})
    # normalized with other options than dedupe's defaults: prepare must take these values
    done = phones(raw, "tel", region="UA")
    done = emails(done, "mail")
    done = birth_dates(done, "dob", dayfirst=False)
    done = genders(done, "sex")
    cols = {"phone": "tel", "email": "mail", "birth_date": "dob", "gender": "sex"}
    k = prepare(done, columns=cols).row(0, named=True)
    assert k["phone"] == "0501234567"[-10:] and done["tel_e164"][0] == "+380501234567"
    assert k["email"] == "ivanpetrov@gmail.com"
    assert k["birth_date"] == dt.date(1985, 3, 4)  # month first, as normalized
    assert k["gender"] == "f"
    # without the normalized columns the same frame is normalized with dedupe's defaults
    assert prepare(raw, columns=cols).row(0, named=True)["birth_date"] == dt.date(1985, 4, 3)


def test_gender_words_are_the_normalizers():
    df = pl.DataFrame({"g": ["Mrs", "Ms", "1", "2", "чол.", "maybe", None]})
    k = prepare(df, columns={"gender": "g"})
    assert k["gender"].to_list() == ["f", "f", "m", "f", "m", None, None]


def test_name_keys_come_from_the_normalizer_keys():
    from custdata.dedupe._text import name_skeleton
    from custdata.normalize import first_name_key, middle_name_key, surname_key

    df = pl.DataFrame({"f": ["Юлия", "Iuliia"], "l": ["Щербакова", "Shcherbakov"],
                       "m": ["Юрьевна", "Yurievich"]})
    k = prepare(df, columns={"first_name": "f", "last_name": "l", "middle_name": "m"})
    assert k["first_name_key"].n_unique() == 1 and k["surname_key"].n_unique() == 1
    assert k["middle_name_key"].n_unique() == 1
    expected = df.select(name_skeleton(first_name_key("f")))["f"].to_list()
    assert k["first_name_key"].to_list() == expected
    assert df.select(name_skeleton(surname_key("l")))["l"][1] == "sherbakov"
    assert df.select(name_skeleton(middle_name_key("m")))["m"][0].startswith("ur")
