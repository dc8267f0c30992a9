"""custdata.privacy.suppress: opt-outs matched on normalized keys, plain or hashed lists."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.errors import ColumnNotFound, InvalidOption
from custdata.privacy import mask, optout_keys, suppress

KEY = "unit-test key, at least 16 bytes"
COLUMNS = {"phone": ["tel"], "email": ["mail"]}


def people() -> pl.DataFrame:
    return pl.DataFrame({
        "id": ["1", "2", "3", "4", "5"],
        "tel": ["8 (912) 345-67-89", "+7 903 000-00-01", None, "нет", "+7 (921) 111-22-33"],
        "mail": ["a@x.ru", "ivanpetrov@gmail.com", "c@x.ru", "d@x.ru", None],
    })


OPTOUTS = pl.DataFrame({"contact": ["+7 912 345 67 89", "Ivan.Petrov+promo@gmail.com", "нет"]})


def test_drop_matches_normalized_phone_and_email_keys():
    out = suppress(people(), OPTOUTS, columns=COLUMNS)
    assert out["id"].to_list() == ["3", "4", "5"]


def test_flag_keeps_every_row_in_order():
    out = suppress(people(), OPTOUTS, columns=COLUMNS, mode="flag")
    assert out["id"].to_list() == people()["id"].to_list()
    assert out["suppressed"].to_list() == [True, True, False, False, False]


def test_on_limits_the_keys():
    out = suppress(people(), OPTOUTS, columns=COLUMNS, on="email", mode="flag")
    assert out["suppressed"].to_list() == [False, True, False, False, False]


def test_detects_columns_from_headers():
    df = people().rename({"tel": "Телефон", "mail": "Email"})
    assert suppress(df, OPTOUTS)["id"].to_list() == ["3", "4", "5"]


def test_hashed_list_with_same_key():
    hashed_list = pl.concat([
        mask(pl.DataFrame({"v": ["+79123456789"]}), "v", method="hash", key=KEY,
             kinds={"v": "phone"}),
        mask(pl.DataFrame({"v": ["ivan.petrov@gmail.com"]}), "v", method="hash", key=KEY,
             kinds={"v": "email"}),
    ])
    assert optout_keys(hashed_list).keys() == {"hash"}
    out = suppress(people(), hashed_list, columns=COLUMNS, key=KEY)
    assert out["id"].to_list() == ["3", "4", "5"]
    other = suppress(people(), hashed_list, columns=COLUMNS, key="some other key of 16+ bytes")
    assert other.height == people().height


def test_hashed_mixed_contact_list():
    contacts = pl.DataFrame({"c": ["+7 912 345-67-89", "Ivan.Petrov+x@gmail.com", "нет"]})
    hashed_list = mask(contacts, "c", method="hash", key=KEY, kinds={"c": "contact"})
    out = suppress(people(), hashed_list, columns=COLUMNS, key=KEY)
    assert out["id"].to_list() == ["3", "4", "5"]


def test_hashed_list_without_key_is_an_error(monkeypatch):
    monkeypatch.delenv("CUSTDATA_KEY", raising=False)
    with pytest.raises(InvalidOption, match="no key"):
        suppress(people(), ["ab" * 32], columns=COLUMNS)


def test_bad_options():
    with pytest.raises(InvalidOption, match="cannot match"):
        suppress(people(), OPTOUTS, on=["name"])
    with pytest.raises(InvalidOption, match="unknown mode"):
        suppress(people(), OPTOUTS, columns=COLUMNS, mode="delete")  # type: ignore[arg-type]
    with pytest.raises(ColumnNotFound):
        suppress(people(), OPTOUTS, columns={"phone": ["phone"]})
    with pytest.raises(InvalidOption, match="no email or phone column"):
        suppress(pl.DataFrame({"x": ["1"]}), OPTOUTS)


def test_empty_list_suppresses_nothing():
    assert suppress(people(), [], columns=COLUMNS).equals(people())


# ASCII digits: \d would also draw other scripts' digits, which phonenumbers reads as the same number
phones = st.from_regex(r"\+7 9[0-9]{2} [0-9]{3}-[0-9]{2}-[0-9]{2}", fullmatch=True)
emails = st.from_regex(r"[a-z]{1,8}@(mail|yandex|gmail)\.(ru|com)", fullmatch=True)


@settings(max_examples=20, deadline=None)
@given(rows=st.lists(st.tuples(phones, emails), min_size=1, max_size=15),
       listed=st.lists(st.one_of(phones, emails), max_size=6))
def test_never_removes_a_row_whose_keys_are_not_listed(rows, listed):
    df = pl.DataFrame({"tel": [r[0] for r in rows], "mail": [r[1] for r in rows]})
    out = suppress(df, listed, columns=COLUMNS, mode="flag")
    listed_set = {v.replace(" ", "").replace("-", "") for v in listed}
    for (tel, mail), flagged in zip(rows, out["suppressed"].to_list(), strict=True):
        on_list = tel.replace(" ", "").replace("-", "") in listed_set or mail in listed_set
        assert flagged == on_list
    assert suppress(df, listed, columns=COLUMNS).height == df.height - int(out["suppressed"].sum())


def test_suppress_ua_national_numbers_with_region_inference():
    """Issue 11: the data's region evidence must never make an opted-out number slip through."""
    people = pl.DataFrame({"tel": ["+380 50 123 45 67", "+38 067 984 64 52", "0975419469",
                                   "+380 97 541 94 69", "8 912 345-67-89"]})
    # the list writes the number nationally, the data internationally (and vice versa)
    flagged = suppress(people, ["0975419469"], columns={"phone": ["tel"]}, mode="flag")
    assert flagged["suppressed"].to_list() == [False, False, True, True, False]
    flagged = suppress(people.head(3), ["+380975419469"], columns={"phone": ["tel"]}, mode="flag")
    assert flagged["suppressed"].to_list() == [False, False, True]
