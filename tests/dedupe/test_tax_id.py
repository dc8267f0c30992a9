"""Tax ids in dedupe: compared as ``normalize ids`` compacts them; a checksum confirms a match."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.dedupe import find_duplicates
from custdata.dedupe.comparison import TaxIdComparison, default_comparisons
from custdata.dedupe.model import FellegiSunter
from custdata.dedupe.prepare import prepare
from custdata.dedupe.vetoes import strong_identity
from custdata.normalize.ids import compact_id, compact_id_expr, parse_id

SPELLINGS = ["7707 083 893", "ИНН 7707083893", "7707-083-893", "инн: 7707083893", "7707083893"]


def test_spellings_give_one_key() -> None:
    frame = pl.DataFrame({"company": ['ООО "Ромашка"'] * 5, "ИНН": SPELLINGS})
    keys = prepare(frame, columns={"org_name": "company", "tax_id": "ИНН"})
    assert keys["tax_id"].to_list() == ["7707083893"] * 5
    # the same cleaner as `normalize ids`: what it validates is what dedupe compares
    assert [parse_id(v).normalized for v in SPELLINGS] == ["7707083893"] * 5


def test_junk_and_zeros_are_no_evidence() -> None:
    frame = pl.DataFrame(
        {"company": ["A", "B", "C", "D"], "ИНН": ["нет", "0000000000", " - ", None]}
    )
    keys = prepare(frame, columns={"org_name": "company", "tax_id": "ИНН"})
    assert keys["tax_id"].to_list() == [None] * 4


def test_records_with_differently_written_tax_ids_are_one_company() -> None:
    frame = pl.DataFrame(
        {
            "company": ['ООО "Ромашка"', "Ромашка, ООО", "OOO Romashka", 'ООО "Лютик"'],
            "inn": ["7707 083 893", "ИНН 7707083893", "7707-083-893", "5001234567"],
            "city": ["Москва", "Moskva", "г. Москва", "Москва"],
        }
    )
    ids = find_duplicates(frame, columns={"org_name": "company", "tax_id": "inn", "city": "city"})[
        "cluster_id"
    ].to_list()
    assert ids[0] == ids[1] == ids[2] != ids[3]


def test_levels_confirmed_unconfirmed_typo_else() -> None:
    c = default_comparisons(["tax_id"])[0]
    assert isinstance(c, TaxIdComparison)
    assert c.labels == ("else", "one_typo", "exact_unconfirmed", "exact")
    left = pl.Series(["7707083893", "7707083894", "32855961", "7707083893", None, "12-3456789"])
    right = pl.Series(["7707083893", "7707083894", "32855961", "7707083839", "1", "12-3456789"])
    # valid ИНН; an ИНН with a wrong check digit; a valid ЄДРПОУ; a swap; a missing side; an
    # EIN custdata cannot check (equal, unconfirmed: weaker, not against)
    assert c.levels(left, right).to_list() == [3, 2, 3, 1, -1, 2]


def test_unconfirmed_never_weighs_more_than_confirmed() -> None:
    # EM alone could give the unconfirmed level more weight (few pairs reach it); it is capped
    levels = pl.DataFrame({"tax_id": [3] * 5 + [2] * 40 + [0] * 100}, schema={"tax_id": pl.Int8})
    model = FellegiSunter.fit(
        levels,
        u={"tax_id": [0.98, 0.01, 0.0001, 0.01]},
        n_levels={"tax_id": 4},
        monotone={"tax_id"},
    )
    w = model.level_weights("tax_id")
    assert np.all(np.diff(w) >= 0)
    free = FellegiSunter.fit(
        levels, u={"tax_id": [0.98, 0.01, 0.0001, 0.01]}, n_levels={"tax_id": 4}
    )
    assert (
        free.level_weights("tax_id")[2] > free.level_weights("tax_id")[3]
    )  # what the cap prevents


def test_only_a_confirmed_number_overrides_a_veto() -> None:
    # the strong identity that overrides a typo-like conflict: a placeholder number such as
    # 1234567890 shared by two people is not one
    rule = strong_identity({"tax_id": TaxIdComparison("tax_id").n_levels - 1})
    levels = pl.DataFrame({"tax_id": [3, 2, 1, 0]}, schema={"tax_id": pl.Int8})
    assert levels.select(rule.expr()).to_series().to_list() == [True, False, False, False]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=18)), max_size=12))
def test_compact_is_idempotent_and_expression_equals_scalar(values: list[str | None]) -> None:
    once = [compact_id(v) for v in values]
    assert [compact_id(v) for v in once] == once
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    assert frame.select(compact_id_expr("v"))["v"].to_list() == once


@pytest.mark.parametrize("value", ["ЄДРПОУ 32855961", "ЕГРПОУ: 3285 5961", "32-85-59-61"])
def test_edrpou_spellings(value: str) -> None:
    assert compact_id(value) == "32855961" and parse_id(value).status == "ok"
