"""custdata.privacy.mask: hash, mask, tokenize, drop; keys; determinism properties."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.errors import ColumnNotFound, InvalidOption
from custdata.privacy import (
    Key,
    hash_value,
    load_key,
    mask,
    mask_email,
    mask_phone,
    match_key,
    new_secret,
    unmask,
)

KEY = "unit-test key, at least 16 bytes"
OTHER = "another unit-test key, 16+ bytes"
KINDS = {"tel": "phone", "email": "email", "fio": "full_name", "dob": "birth_date"}


def people() -> pl.DataFrame:
    return pl.DataFrame({
        "tel": ["8 (912) 345-67-89", "+7 912 345 67 89", "нет", None, "12"],
        "email": ["Ivan.Petrov+news@gmail.com", "ivanpetrov@googlemail.com", "", None, "x@y"],
        "fio": ["Иванов Иван Иванович", "иванов иван иванович", None, "Петрова Анна", "-"],
        "dob": ["14.03.1985", "1985-03-14", None, "31.02.1990", ""],
    })


def test_hash_of_normalized_value_joins_across_formats():
    out = mask(people(), ["tel", "email"], method="hash", key=KEY, kinds=KINDS)
    assert out["tel"][0] == out["tel"][1]  # same E.164
    assert out["email"][0] == out["email"][1]  # same gmail key
    assert out["tel"][0] == hash_value("+79123456789", KEY)
    assert out["tel"][2] is None and out["tel"][3] is None  # junk and null stay empty
    assert out["tel"][4] is not None and len(out["tel"][4]) == 64  # invalid phone still hashed


def test_hash_needs_a_key(monkeypatch):
    monkeypatch.delenv("CUSTDATA_KEY", raising=False)
    with pytest.raises(InvalidOption, match="no key"):
        mask(people(), "tel", method="hash", kinds=KINDS)


def test_key_from_env_and_file(monkeypatch, tmp_path):
    monkeypatch.setenv("CUSTDATA_KEY", KEY)
    from_env = mask(people(), "tel", method="hash", kinds=KINDS)
    path = tmp_path / "k"
    path.write_text(KEY + "\n")
    monkeypatch.delenv("CUSTDATA_KEY")
    from_file = mask(people(), "tel", method="hash", key_file=path, kinds=KINDS)
    assert from_env.equals(from_file)


def test_short_or_unreadable_key_is_an_error(tmp_path):
    with pytest.raises(InvalidOption, match="too short"):
        load_key("short")
    with pytest.raises(InvalidOption, match="cannot read the key file"):
        load_key(key_file=tmp_path / "missing.key")
    assert "unit-test" not in repr(load_key(KEY))
    assert len(new_secret()) >= 43


def test_readable_mask():
    out = mask(people(), ["tel", "email", "fio", "dob"], method="mask", kinds=KINDS)
    assert out["tel"][0] == "+7 912 ***-**-89"
    assert out["email"][0].endswith("***@gmail.com")
    assert out["fio"][0] == "Иванов И. И."
    assert out["dob"][0] == "1985-**-**"
    assert out["tel"][2] is None  # junk placeholder


def test_scalar_masks():
    assert mask_phone("+79123456789") == "+7 912 ***-**-89"
    assert mask_email("ivan@mail.ru") == "i***@mail.ru"


def test_tokenize_round_trip_and_determinism():
    df = people()
    tok = mask(df, ["tel", "fio"], method="tokenize", key=KEY)
    assert tok["tel"][0] != df["tel"][0] and tok["tel"][0].startswith("tok_")
    again = mask(df, ["tel", "fio"], method="tokenize", key=KEY)
    assert tok.equals(again)  # deterministic: joins keep working
    back = unmask(tok, ["tel", "fio"], key=KEY)
    # every non-null value comes back exactly, junk-looking ones ("нет", "-") included
    assert back.select("tel", "fio").equals(df.select("tel", "fio"))
    with pytest.raises(InvalidOption, match="not tokens for this key"):
        unmask(tok, ["tel"], key=OTHER)  # other key: refused, nothing half-restored


def test_drop_and_bad_options():
    assert mask(people(), ["tel", "dob"], method="drop").columns == ["email", "fio"]
    with pytest.raises(InvalidOption, match="unknown method"):
        mask(people(), "tel", method="encrypt")  # type: ignore[arg-type]
    with pytest.raises(ColumnNotFound):
        mask(people(), "phone", method="mask")
    with pytest.raises(InvalidOption, match="unknown kind"):
        mask(people(), "tel", method="mask", kinds={"tel": "telephone"})


def test_in_place_false_keeps_originals_and_row_order():
    df = people()
    out = mask(df, "tel", method="hash", key=KEY, kinds=KINDS, in_place=False)
    assert out["tel"].equals(df["tel"]) and "tel_hash" in out.columns
    assert out.height == df.height


def test_lazyframe_in_lazyframe_out():
    lazy = mask(people().lazy(), "email", method="hash", key=KEY, kinds=KINDS)
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect().equals(mask(people(), "email", method="hash", key=KEY, kinds=KINDS))


def test_match_key_generic_text():
    df = pl.DataFrame({"c": ["  New   York ", "N/A"]})
    assert df.select(match_key("c"))["c"].to_list() == ["new york", None]


def test_key_repr_hides_secret():
    assert repr(Key.from_secret(KEY)) == "Key(<secret>)"


texts = st.lists(st.text(max_size=30), min_size=1, max_size=20)


@settings(max_examples=40, deadline=None)
@given(values=texts)
def test_hash_is_deterministic_per_key_and_differs_across_keys(values):
    df = pl.DataFrame({"v": values}, schema={"v": pl.String})
    a = mask(df, "v", method="hash", key=KEY, kinds={"v": "text"})
    b = mask(df, "v", method="hash", key=KEY, kinds={"v": "text"})
    c = mask(df, "v", method="hash", key=OTHER, kinds={"v": "text"})
    assert a.equals(b)
    assert a.height == df.height
    for x, y in zip(a["v"].to_list(), c["v"].to_list(), strict=True):
        assert (x is None) == (y is None)
        if x is not None:
            assert x != y


@settings(max_examples=40, deadline=None)
@given(values=texts)
def test_tokenize_round_trips_any_unicode(values):
    df = pl.DataFrame({"v": values}, schema={"v": pl.String})
    back = unmask(mask(df, "v", method="tokenize", key=KEY), "v", key=KEY)
    assert back["v"].to_list() == df["v"].to_list()


@settings(max_examples=30, deadline=None)
@given(values=st.lists(st.from_regex(r"\+?[78] ?\(?9\d\d\)? ?\d{3}-?\d\d-?\d\d", fullmatch=True),
                       min_size=1, max_size=10))
def test_phone_hash_never_crashes_and_keeps_rows(values):
    df = pl.DataFrame({"tel": values})
    out = mask(df, "tel", method="hash", key=KEY, kinds={"tel": "phone"})
    assert out.height == df.height and out["tel"].null_count() == 0


phone_texts = st.lists(
    st.one_of(
        st.from_regex(r"\+?[78] ?\(?9\d\d\)? ?\d{3}-?\d\d-?\d\d", fullmatch=True),  # RU
        st.from_regex(r"(\+38)?\(?0[5679]\d\)? ?\d{3}-?\d\d-?\d\d", fullmatch=True),  # UA
        st.text(max_size=15),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=12, deadline=None)
@given(values=phone_texts)
def test_fallback_region_only_reads_what_the_region_rejects(values):
    """A number the default region accepts keys the same with or without a fallback region."""
    from custdata.normalize import phones

    df = pl.DataFrame({"tel": values}, schema={"tel": pl.String})
    plain = df.select(match_key("tel", kind="phone"))["tel"]
    with_ua = df.select(match_key("tel", kind="phone", fallback_region="UA"))["tel"]
    assert with_ua.len() == df.height
    accepted = phones(df, "tel", region="RU", infer_region=False)["tel_status"] == "ok"
    for ok, a, b in zip(accepted.to_list(), plain.to_list(), with_ua.to_list(), strict=True):
        if ok:
            assert a == b
        assert (a is None) == (b is None)  # a fallback never empties or fills a cell


JUNK_LOOKING = ["0", "NaN", "-", "нет", "No", "Test", "X", "n/a", " ", "", "null", "=1+1"]


@pytest.mark.parametrize("lazy", [False, True])
def test_tokenize_round_trips_junk_looking_values(lazy):
    df = pl.DataFrame({"v": [*JUNK_LOOKING, None]})
    tok = mask(df.lazy() if lazy else df, "v", method="tokenize", key=KEY)
    back = unmask(tok, "v", key=KEY)
    back = back.collect() if lazy else back
    assert back["v"].to_list() == df["v"].to_list()


def test_unmask_a_never_tokenized_column_fails_and_writes_nothing(inproc, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("tel\n+79123456789\nнет\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    res = inproc("unmask", path, "-c", "tel", "-o", out, env={"CUSTDATA_KEY": KEY})
    assert res.exit_code == 2 and "not tokens for this key" in res.stderr
    assert not out.exists() and "+7912" not in res.stderr


def test_unmask_with_the_wrong_key_fails_and_writes_nothing(inproc, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("tel\n+79123456789\n", encoding="utf-8")
    tok, out = tmp_path / "tok.csv", tmp_path / "o.csv"
    assert inproc("mask", path, "-c", "tel", "--method", "tokenize", "-o", tok,
                  env={"CUSTDATA_KEY": KEY}).exit_code == 0
    res = inproc("unmask", tok, "-c", "tel", "-o", out, env={"CUSTDATA_KEY": OTHER})
    assert res.exit_code == 2 and not out.exists()
