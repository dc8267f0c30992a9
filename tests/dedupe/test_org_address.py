"""Organizations and addresses as dedupe kinds: org key, token-set comparison, blocking."""

from __future__ import annotations

import itertools

import polars as pl
import pytest

from custdata.dedupe import find_duplicates
from custdata.dedupe.blocking import block_pairs, default_blocking_rules
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
    # the org key alone and the building alone block too (issue 10 follow-up)
    assert rules == ["org_key+postcode", "org_key+address_key", "org_key", "address_key"]
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


# --- issue 10 follow-up: name-only tables, different buildings, other firms at one building ---

_NAMES = ["Northwind Traders", "Contoso Pharmaceuticals", "Fabrikam Robotics", "Adventure Works"]
_FORMS = ["AG", "SE", "N.V.", "S.p.A.", "PLC", "LLC", "ООО"]


def _typo(word: str) -> str:
    return word[:2] + word[3:]


@pytest.mark.parametrize(("form_a", "form_b"), list(itertools.permutations(_FORMS, 2))[::3])
def test_name_only_table_is_compared(form_a: str, form_b: str) -> None:
    # the organization name is the only column: legal form, case and a typo in one word differ
    rows, truth = [], []
    for i, name in enumerate(_NAMES):
        first, *rest = name.split()
        rows += [f"{name} {form_a}", f"{name.upper()} {form_b}", " ".join([_typo(first), *rest])]
        truth += [i, i, i]
    # a second firm sharing one word with the first is a different organization
    rows += ["Northwind Logistics", "NORTHWIND LOGISTICS LLC"]
    truth += [len(_NAMES)] * 2
    # a unique record id, named as an id or not, finds no duplicates and hides none
    frame = pl.DataFrame({"record_id": [f"R{i:03d}" for i in range(len(rows))], "name": rows})
    for named in (None, {"org_name": "name"}, {"org_name": "name", "id": "record_id"}):
        out = find_duplicates(frame, columns=named)
        ids = out["cluster_id"].to_list()
        for i in range(len(_NAMES) + 1):
            group = [k for k, t in enumerate(truth) if t == i]
            assert len({ids[k] for k in group}) == 1, ([rows[k] for k in group], named)
        assert len(set(ids)) == len(_NAMES) + 1


def test_name_only_rules_include_rare_token_and_guard() -> None:
    assert [r.name for r in default_blocking_rules(["org_key"])] == [
        "org_key",
        "org_rare_token1",
        "org_rare_token2",
        "org_rare_token3",
    ]
    # a word shared by every row is never the block of a row that has a rarer shared word,
    # and the block-size guard still applies to the rare-token rules
    keys = pl.DataFrame(
        {"_row": list(range(6)), "org_key": ["acme group", "acme group"] + ["group x"] * 4}
    )
    rules = default_blocking_rules(["org_key"])
    result = block_pairs(keys, rules, max_block_size=3)
    assert (0, 1) in set(result.pairs.rows())
    assert all(not (a >= 2 and b >= 2) for a, b in result.pairs.rows())


@pytest.mark.parametrize(("h1", "h2"), [(5, 7), (12, 120), (3, 30)])
def test_branches_at_close_addresses_stay_apart(h1: int, h2: int) -> None:
    # one company (name, tax id, head office phone) at two houses of one street, written a bit
    # differently: different house keys veto the merge; the head office written twice merges
    for street, kind in [("Oak", "St."), ("Ленина", "ул.")]:
        a = f"{kind} {street}, д. {h1}" if kind == "ул." else f"{h1} {street} {kind}"
        b = f"{street} {kind} {h2}" if kind == "ул." else f"{h2} {street} Street"
        a2 = f"{kind} {street} {h1}" if kind == "ул." else f"{h1} {street} Street"
        frame = pl.DataFrame(
            {
                "company": ["Acme LLC", "ACME, L.L.C.", "Acme LLC"],
                "tax_id": ["13-0992845"] * 3,
                "phone": ["+1 617 631 7749"] * 3,
                "address": [a, b, a2],
            }
        )
        ids = find_duplicates(frame)["cluster_id"].to_list()
        assert ids[0] == ids[2] != ids[1], (a, b, a2)


def test_other_firms_at_one_building_do_not_merge_on_a_shared_phone() -> None:
    frame = pl.DataFrame(
        {
            "company": ['ООО "Ромашка"', 'ООО "Вектор"', "OOO Romashka"],
            "phone": ["+7 495 123-45-67"] * 3,
            "address": ["г. Москва, ул. Ленина, д. 5"] * 3,
        }
    )
    ids = find_duplicates(frame)["cluster_id"].to_list()
    assert ids[0] == ids[2] != ids[1]
