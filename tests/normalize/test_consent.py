"""Consent columns: recognised by header, read per channel, merged without losing an opt-out."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.dedupe import golden_records
from custdata.normalize import consent_columns, consents, parse_consent


def test_headers_channels_and_polarity():
    found = consent_columns([
        "consent", "email_opt_in", "SMS opt-out", "unsubscribed", "Согласие на рассылку",
        "Отписка от SMS", "згода на дзвінки", "Почтовая рассылка", "phone", "email",
    ])
    assert found == {
        "consent": ("all", False), "email_opt_in": ("email", False), "SMS opt-out": ("sms", True),
        "unsubscribed": ("all", True), "Согласие на рассылку": ("all", False),
        "Отписка от SMS": ("sms", True), "згода на дзвінки": ("phone", False),
        "Почтовая рассылка": ("post", False),
    }


def test_values():
    for v in ("yes", "Y", "true", "1", "да", "так", "+"):
        assert parse_consent(v) == ("opt_in", None), v
    for v in ("no", "false", "0", "нет", "ні"):
        assert parse_consent(v) == ("opt_out", None), v
    assert parse_consent("01.03.2024") == ("opt_in", "2024-03-01")
    assert parse_consent("01.03.2024", opt_out_column=True) == ("opt_out", "2024-03-01")
    assert parse_consent("yes", opt_out_column=True) == ("opt_out", None)
    assert parse_consent("может быть") == (None, None) and parse_consent(None) == (None, None)


def test_frame_step_keeps_rows_and_opt_out_wins_within_a_row():
    df = pl.DataFrame({"email consent": ["yes", "yes", None], "unsubscribed": ["yes", None, "no"]})
    out = consents(df)
    assert out.height == 3
    assert out["consent_email"].to_list() == ["opt_out", "opt_in", "opt_in"]


def _golden(states):
    df = pl.DataFrame({
        "cluster_id": ["a"] * len(states),
        "phone": ["+79123456789"] * len(states),
        "source": [f"s{i}" for i in range(len(states))],
        "consent_email": [s for s, _ in states],
        "consent_email_date": [d for _, d in states],
    }, schema_overrides={"consent_email": pl.String, "consent_email_date": pl.Date})
    return golden_records(df).row(0, named=True)


def test_golden_opt_out_anywhere_wins_unless_a_later_dated_opt_in():
    d = dt.date
    g = _golden([("opt_in", d(2023, 1, 1)), ("opt_out", d(2022, 1, 1)), (None, None)])
    assert (g["consent_email"], g["consent_email_date"], g["consent_email_source"]) == (
        "opt_in", d(2023, 1, 1), "s0")
    g = _golden([("opt_in", d(2021, 1, 1)), ("opt_out", d(2022, 1, 1))])
    assert (g["consent_email"], g["consent_email_source"], g["consent_email_source_row"]) == (
        "opt_out", "s1", 2)
    g = _golden([("opt_in", d(2024, 1, 1)), ("opt_out", None)])  # undated opt-out is never overridden
    assert g["consent_email"] == "opt_out" and g["consent_email_date"] is None
    g = _golden([("opt_in", None), ("opt_in", d(2020, 5, 5))])
    assert g["consent_email"] == "opt_in" and g["consent_email_date"] == d(2020, 5, 5)
    assert _golden([(None, None)])["consent_email"] is None


STATE = st.tuples(
    st.sampled_from(["opt_in", "opt_out", None]),
    st.one_of(st.none(), st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 1, 1))),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(STATE, min_size=1, max_size=6))
def test_property_merging_never_turns_an_opt_out_into_an_opt_in(states):
    g = _golden(states)
    outs = [dd for s, dd in states if s == "opt_out"]
    ins = [dd for s, dd in states if s == "opt_in"]
    if not outs and not ins:
        assert g["consent_email"] is None  # consent is never invented
    elif outs:
        if g["consent_email"] == "opt_in":  # only with a dated opt-in after every opt-out
            assert None not in outs and g["consent_email_date"] is not None
            assert g["consent_email_date"] > max(outs)
        else:
            assert g["consent_email"] == "opt_out"
    else:
        assert g["consent_email"] == "opt_in"
    # the deciding record really says what the golden record says
    if g["consent_email"] is not None:
        i = g["consent_email_source_row"] - 1
        assert states[i][0] == g["consent_email"] and states[i][1] == g["consent_email_date"]
