"""Organizations and addresses as dedupe kinds: org key, token-set comparison, blocking."""

from __future__ import annotations

import polars as pl

from custdata.dedupe import find_duplicates
from custdata.dedupe.blocking import default_blocking_rules
from custdata.dedupe.comparison import OrgNameComparison, default_comparisons
from custdata.dedupe.config import DedupeConfig
from custdata.dedupe.prepare import prepare


def _companies() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "Компания": [
                'ООО "Ромашка"',
                "Общество с ограниченной ответственностью «Ромашка»",
                "OOO Romashka",
                'ООО "Лютик"',
                "ТОВ «Сонечко»",
                "Sonechko LLC",
            ],
            "Индекс": ["101000", "101000", "101000", "101000", "01001", "01001"],
            "Адрес": [
                "г. Москва, ул. Мясницкая, д. 1, оф. 5",
                "Москва, Мясницкая ул., 1, офис 5",
                "Moskva, ul. Myasnitskaya 1",
                "г. Москва, ул. Мясницкая, д. 1, оф. 7",
                "м. Київ, вул. Хрещатик, 22",
                "Kyiv, Khreshchatyk St 22",
            ],
        }
    )


def test_prepare_builds_org_key_from_detected_column() -> None:
    keys = prepare(_companies())
    assert "org_key" in keys.columns
    assert keys["org_key"].to_list() == ["romashka"] * 3 + ["lutik"] + ["sonechko"] * 2


def test_default_rules_and_comparisons_use_the_org_key() -> None:
    rules = [r.name for r in default_blocking_rules(["org_key", "postcode", "address_key"])]
    assert rules == ["org_key+postcode", "org_key+address_key"]
    outputs = {c.output: c for c in default_comparisons(["org_key", "postcode"])}
    assert isinstance(outputs["org_name"], OrgNameComparison)
    assert DedupeConfig.from_dict(  # the comparison is part of the config vocabulary
        {"comparisons": [OrgNameComparison("org_key").to_dict()]}
    ).comparisons


def test_companies_spelled_differently_are_found() -> None:
    out = find_duplicates(_companies())
    ids = out["cluster_id"].to_list()
    assert out.height == 6
    assert ids[0] == ids[1] == ids[2]  # one company, three spellings
    assert ids[3] != ids[0]  # another company in the same business centre
    assert ids[4] == ids[5]  # ТОВ «Сонечко» = Sonechko LLC


def test_org_name_column_named_by_hand() -> None:
    frame = _companies().rename({"Компания": "c1", "Индекс": "zip"})
    out = find_duplicates(frame, columns={"org_name": "c1", "postcode": "zip", "address": "Адрес"})
    ids = out["cluster_id"].to_list()
    assert ids[0] == ids[1] == ids[2] and ids[3] != ids[0]


def test_branches_at_different_addresses_stay_apart() -> None:
    # one company, one tax id and head-office phone, two sites; the head office written twice
    frame = pl.DataFrame(
        {
            "company": ['ООО "Ромашка"', "OOO Romashka", 'ООО "Ромашка" (Казань)'],
            "tax_id": ["7707083893", "7707083893", "7707083893"],
            "phone": ["+7 495 123-45-67"] * 3,
            "address": [
                "г. Москва, ул. Ленина, д. 5, оф. 3",
                "Moskva, Lenina ul. 5",
                "г. Казань, ул. Баумана, д. 10",
            ],
        }
    )
    ids = find_duplicates(frame)["cluster_id"].to_list()
    assert ids[0] == ids[1] != ids[2]
