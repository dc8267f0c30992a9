"""Tests of custdata.normalize.address."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.errors import ColumnNotFound, InvalidOption
from custdata.normalize import (
    address,
    address_key,
    addresses,
    parse_address,
    postcode,
)
from custdata.normalize.address import ADDRESS_STATUSES, STREET_TYPES

# street type code -> spellings people write, per language
_RU = {
    "street": ["ул.", "ул", "улица", "Ул."],
    "avenue": ["пр-т", "просп.", "проспект", "пр-кт"],
    "lane": ["пер.", "переулок"],
    "boulevard": ["бул.", "б-р", "бульвар"],
    "embankment": ["наб.", "набережная"],
    "highway": ["ш.", "шоссе"],
    "square": ["пл.", "площадь"],
}
_UA = {
    "street": ["вул.", "вул", "вулиця"],
    "avenue": ["просп.", "проспект"],
    "lane": ["пров.", "провулок"],
    "boulevard": ["бульв.", "бульвар"],
}
_EN = {
    "street": ["St", "St.", "Street"],
    "avenue": ["Ave", "Ave.", "Avenue"],
    "road": ["Rd", "Road"],
    "boulevard": ["Blvd", "Boulevard"],
    "drive": ["Dr", "Drive"],
}


def _ru_spellings(name: str, stype: str, types: dict[str, list[str]], ua: bool) -> list[str]:
    out = []
    houses = ["буд.", "б.", ""] if ua else ["д.", "дом", "д", ""]
    flats = ["кв.", "кв", "квартира"]
    cities = ["м. Київ", "Київ"] if ua else ["г. Москва", "Москва", "г Москва", "Москва город"]
    code = "01001" if ua else "101000"
    for tw, hw, fw, city in itertools.product(types[stype], houses, flats, cities):
        street = f"{tw} {name}"
        out.append(f"{code}, {city}, {street}, {hw} 5, {fw} 10")
        out.append(f"{city}, {name} {tw}, {hw}5, {fw}10")
        out.append(f"{street} {hw} 5 {fw} 10, {city}, {code}")
    return out


@pytest.mark.parametrize("stype", sorted(_RU))
def test_russian_spellings_one_key(stype: str) -> None:
    spellings = _ru_spellings("Ленина", stype, _RU, ua=False)
    results = [parse_address(s) for s in spellings]
    keys = {r.key for r in results}
    assert len(keys) == 1, {s: parse_address(s).key for s in spellings}
    for s, r in zip(spellings, results, strict=True):
        assert (r.street, r.street_type, r.house, r.flat, r.status) == (
            "Ленина",
            stype,
            "5",
            "10",
            "ok",
        ), s
        assert r.postcode in (None, "101000") and r.city == "Москва", s
    # the standard form reads back to itself
    normalized = {r.normalized for r in results if r.postcode}
    assert len(normalized) == 1


@pytest.mark.parametrize("stype", sorted(_UA))
def test_ukrainian_spellings_one_key(stype: str) -> None:
    spellings = _ru_spellings("Шевченка", stype, _UA, ua=True)
    results = [parse_address(s) for s in spellings]
    assert len({r.key for r in results}) == 1
    for s, r in zip(spellings, results, strict=True):
        assert (r.street, r.street_type, r.house, r.flat) == ("Шевченка", stype, "5", "10"), s
        assert r.postcode in (None, "01001") and r.city == "Київ", s


@pytest.mark.parametrize("stype", sorted(_EN))
def test_western_spellings_one_key(stype: str) -> None:
    dirs = ["W", "W.", "West"]
    units = ["Apt 4", "Apt. 4", "#4", "Apartment 4", ", Apt 4"]
    tails = ["", ", Springfield, IL 62704", " Springfield, IL 62704-1234"]
    keys = set()
    for tw, d, u, tail in itertools.product(_EN[stype], dirs, units, tails):
        text = f"12 {d} Main {tw} {u}{tail}".replace(" ,", ",")
        r = parse_address(text)
        assert (r.house, r.street, r.street_type, r.flat) == ("12", "W Main", stype, "4"), text
        if tail:
            assert r.city == "Springfield" and r.postcode in ("62704", "62704-1234"), text
        keys.add(r.key)
    assert len(keys) == 1


def test_issue_examples() -> None:
    assert parse_address("12 W. Main St.").key == parse_address("12 W Main Street").key
    assert parse_address("ул. Ленина, д. 5").key == parse_address("вул. Леніна, буд. 5").key
    a = parse_address("123456, г. Москва, ул. Ленина, д. 5, корп. 2, кв. 10")
    assert (a.postcode, a.house, a.building, a.flat) == ("123456", "5", "2", "10")
    assert a.house_key == parse_address("Москва, Ленина 5 к2").house_key
    assert a.key != parse_address("Москва, Ленина 5 к2 кв 11").key


@pytest.mark.parametrize(
    ("raw", "code", "status"),
    [
        ("101000, Москва, ул. Мясницкая, д. 1", "101000", "ok"),
        ("Москва, ул. Мясницкая, д. 1, 101000", "101000", "ok"),
        ("01001, м. Київ, вул. Хрещатик, 22", "01001", "ok"),
        ("вул. Хрещатик, 22, 01001, Київ", "01001", "ok"),
        ("1234567, Москва, ул. Мясницкая, д. 1", None, "invalid_postcode"),
        ("1600 Pennsylvania Ave NW, Washington, DC 20500", "20500", "ok"),
        ("12 Main St, Austin, TX 78701-1234", "78701-1234", "ok"),
        ("10 Downing St, London SW1A 2AA", "SW1A 2AA", "ok"),
        ("221B Baker Street, London NW1 6XE", "NW1 6XE", "ok"),
        ("ул. Мясницкая, д. 1, кв. 12345", None, "ok"),  # a flat number is not a postcode
        ("Москва, ул. Мясницкая", None, "no_house"),
        ("просто текст", None, "unrecognized"),
        ("нет", None, "junk"),
        ("", None, "empty"),
        (None, None, "empty"),
    ],
)
def test_postcode_and_status(raw: str | None, code: str | None, status: str) -> None:
    r = parse_address(raw)
    assert (r.postcode, r.status) == (code, status)


def test_house_and_flat_fields() -> None:
    r = parse_address("Москва, Ленина 5-10")
    assert (r.house, r.flat) == ("5", "10")
    r = parse_address("ул. 8 Марта, д. 12а, оф. 3")
    assert (r.street, r.house, r.flat) == ("8 Марта", "12а", "3")
    assert r.normalized == "ул. 8 Марта, д. 12а, оф. 3"
    r = parse_address("350 Fifth Avenue Suite 3400 New York NY 10118")
    assert (r.house, r.street, r.flat, r.city, r.postcode) == (
        "350",
        "Fifth",
        "3400",
        "New York",
        "10118",
    )
    assert r.normalized == "350 Fifth Ave, Ste 3400, New York, NY 10118"


def test_styles() -> None:
    text = "г Москва ул.Ленина д5 кв10"
    assert parse_address(text).normalized == "г. Москва, ул. Ленина, д. 5, кв. 10"
    assert parse_address(text, style="long").normalized == (
        "город Москва, улица Ленина, дом 5, квартира 10"
    )
    assert parse_address("12 W Main St", style="long").normalized == "12 W Main Street"
    with pytest.raises(InvalidOption):
        parse_address(text, style="medium")


def test_frame_expression_and_lazy() -> None:
    frame = pl.DataFrame(
        {"id": [1, 2, 3], "addr": ["ул. Ленина, д. 5, кв. 1", "вул. Леніна, буд. 5, кв. 1", None]}
    )
    out = addresses(frame, "addr")
    assert out.columns[:3] == ["id", "addr", "addr_normalized"]
    assert out["addr_key"].to_list() == ["lenina||5||1", "lenina||5||1", None]
    assert out["addr_status"].to_list() == ["ok", "ok", "empty"]
    lazy = addresses(frame.lazy(), ["addr"], in_place=True)
    assert isinstance(lazy, pl.LazyFrame)
    got = lazy.collect()
    assert got["addr"].to_list()[0] == "ул. Ленина, д. 5, кв. 1"
    assert "addr_normalized" not in got.columns
    exprs = frame.select(
        address("addr"), address_key("addr").alias("k"), postcode("addr").alias("p")
    )
    assert exprs["k"].to_list() == out["addr_key"].to_list()
    with pytest.raises(ColumnNotFound):
        addresses(frame, "address")
    with pytest.raises(InvalidOption):
        addresses(frame, "addr", in_place=1)  # type: ignore[arg-type]


def test_many_rows_map_back() -> None:
    values = ["ул. Ленина, д. 5", None, "12 Main St", "нет"] * 40
    out = addresses(pl.DataFrame({"a": values}), "a")
    assert out["a_key"].to_list() == [parse_address(v).key for v in values]


_words = [w for langs in STREET_TYPES.values() for forms in langs.values() for w in forms]
_addr_text = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.lists(
        st.one_of(
            st.sampled_from(_words + ["д.", "кв.", "#", ",", "Apt", "101000", "5-10", "W", "г."]),
            st.text(max_size=6),
            st.integers(0, 999999).map(str),
        ),
        max_size=8,
    ).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(_addr_text)
def test_properties_scalar(value: str | None) -> None:
    r = parse_address(value)
    assert r.status in ADDRESS_STATUSES
    assert (r.key is None) == (r.house_key is None)
    if r.normalized is not None and r.status in ("ok", "no_house"):
        again = parse_address(r.normalized)
        # idempotent: the standard form is its own standard form, with the same key
        assert again.normalized == r.normalized, r
        assert again.key == r.key


@settings(max_examples=40, deadline=None)
@given(st.lists(_addr_text, max_size=12))
def test_properties_frame(values: list[str | None]) -> None:
    frame = pl.DataFrame(
        {"id": range(len(values)), "a": values}, schema={"id": pl.Int64, "a": pl.String}
    )
    out = addresses(frame, "a")
    assert out.height == frame.height and out["id"].to_list() == list(range(len(values)))
    assert addresses(frame.reverse(), "a").reverse().equals(out)


# --- issue 10 follow-up: a street type word first, then name, house and a building suffix ---

_TYPE_WORDS = ["переулок", "пер.", "улица", "ул.", "проспект", "пр-т", "бульвар", "вулиця", "пров."]
_STREETS = ["Тверская", "Кирова", "Лесі Українки"]
_BUILDINGS = ["к3", "к 3", "к. 3", "корп. 3", "корпус 3", "стр 3", "стр. 3"]


@pytest.mark.parametrize(
    ("type_word", "building"), list(itertools.product(_TYPE_WORDS, _BUILDINGS))
)
def test_type_word_first_house_and_building(type_word: str, building: str) -> None:
    for street in _STREETS:
        reference = parse_address(f"{type_word} {street}, д. 70, корп. 3")
        for text in (
            f"{type_word} {street} 70 {building}",
            f"{type_word} {street}, 70, {building}",
        ):
            result = parse_address(text)
            assert (result.street, result.house, result.building) == (street, "70", "3"), text
            assert result.house_key == reference.house_key, text


@pytest.mark.parametrize("name", ["Bahnhof", "Haupt", "Garten", "Friedrich-Ebert"])
def test_german_street_type_glued_or_apart(name: str) -> None:
    spellings = [
        f"{name}str. 5",
        f"{name}str 5",
        f"{name}straße 5",
        f"{name}strasse 5",
        f"{name} Straße 5",
        f"{name} Strasse 5",
        f"{name} Str. 5",
        f"{name}straße 5, 10115 Berlin",
        f"{name}-Straße 5",
    ]
    keys = {parse_address(s).house_key for s in spellings}
    assert len(keys) == 1 and None not in keys, keys
    assert parse_address(f"{name}str. 5").house == "5"


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("алл. Осенняя, д. 73 стр. 54", "oseniaia|alley|73|54|"),
        ("ал. Осенняя, д. 73, корп. 54", "oseniaia|alley|73|54|"),
        ("аллея Осенняя, д. 73 к. 54", "oseniaia|alley|73|54|"),
        ("парк Баринштейна, буд. 159", "barinshteina|park|159||"),
        ("сквер Побратимів, буд. 98 кв. 635", "pobratimiv|garden|98||635"),
    ],
)
def test_alley_park_and_garden_square_are_street_types(value: str, key: str) -> None:
    result = parse_address(value)
    assert result.status == "ok" and result.key == key
    assert parse_address(result.normalized).key == key  # the standard form reads back
