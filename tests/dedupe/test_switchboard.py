"""Organizations behind one switchboard phone: a name conflict means two entities."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.dedupe import deduplicate, find_duplicates
from custdata.dedupe.report import pairs_report
from custdata.dedupe.vetoes import word_conflict

KINDS = {"org_name": "name", "address": "addr", "city": "city", "phone": "phone"}


def _hotel() -> pl.DataFrame:
    # a hotel's restaurants, each listed by two guides; one switchboard number, one address
    rows = [
        ("Ritz-Carlton Cafe (Buckhead)", "3434 Peachtree Rd. NE", "404-237-2700"),
        ("Cafe, Ritz-Carlton, Buckhead", "3434 Peachtree Rd.", "404/237-2700"),
        ("Ritz-Carlton Dining Room (Buckhead)", "3434 Peachtree Rd. NE", "404-237-2700"),
        ("Dining Room, Ritz-Carlton, Buckhead", "3434 Peachtree Rd.", "404/237-2700"),
        ("Bistro", "3400 Las Vegas Blvd. S", "702/791-7111"),
        ("Mikado", "3400 Las Vegas Blvd. S", "702/791-7111"),
        ("Mikado", "3400 Las Vegas Blvd. S.", "702-791-7111"),
    ]
    return pl.DataFrame(
        {
            "name": [r[0] for r in rows],
            "addr": [r[1] for r in rows],
            "city": ["Atlanta"] * 4 + ["Las Vegas"] * 3,
            "phone": [r[2] for r in rows],
        }
    )


def test_restaurants_in_one_hotel_stay_apart() -> None:
    ids = find_duplicates(_hotel(), columns=KINDS)["cluster_id"].to_list()
    assert ids[0] == ids[1]  # one cafe, two spellings
    assert ids[2] == ids[3]  # one dining room
    assert ids[0] != ids[2]  # the cafe and the dining room share name part, phone and address
    assert ids[5] == ids[6] != ids[4]  # Bistro and Mikado share only the hotel's number


def test_same_email_overrides_the_conflict() -> None:
    frame = pl.DataFrame(
        {
            "name": ["Alfa Trade LLC", "Alfa Logistics LLC", "Beta Foods Inc", "Gamma Tools Ltd"],
            "phone": ["+1 212 555 0100"] * 2 + ["+1 212 555 0101", "+1 212 555 0102"],
            "email": ["info@alfa.example"] * 2 + ["a@beta.example", "b@gamma.example"],
        }
    )

    def vetoes(columns: dict[str, str]) -> list:
        res = deduplicate(frame, columns=columns)
        pr = pairs_report(res, frame)
        return pr.filter((pl.col("id_l") == "1") & (pl.col("id_r") == "2"))["veto"].to_list()

    named = {"org_name": "name", "phone": "phone"}
    assert vetoes(named) == ["other_org_same_phone"]  # two names behind one phone
    assert vetoes({**named, "email": "email"}) == [None]  # the same mailbox says one firm


def test_word_conflict_cases() -> None:
    assert word_conflict("cafe carlton ritz", "dining carlton ritz room")
    assert not word_conflict("carlton ritz", "carlton restaurant ritz")  # one name inside the other
    assert not word_conflict("labs poiner", "labs pener")  # typos
    assert not word_conflict("romashka souz", "osuz romashka")  # a swap
    assert not word_conflict("intl trade", "international trade")  # an abbreviation
    assert not word_conflict("st johns", "johns saint")  # short words never conflict
    assert not word_conflict(None, "x")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=25), st.text(max_size=25))
def test_word_conflict_is_symmetric_and_never_fires_on_itself(a: str, b: str) -> None:
    assert word_conflict(a, b) == word_conflict(b, a)
    assert not word_conflict(a, a)
