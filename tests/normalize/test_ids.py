"""custdata.normalize.ids: RU/UA/BY tax numbers against python-stdnum's own test vectors."""

from __future__ import annotations

import csv

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.errors import InvalidOption
from custdata.normalize.ids import ID_KINDS, id_details, parse_id, tax_id, tax_ids

MODULE_TO_KIND = {v.removeprefix("stdnum.").replace(".", "_"): k for k, v in ID_KINDS.items()}


def _vectors(conformance_dir):
    with open(conformance_dir / "ids_stdnum_ru_ua_by.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_stdnum_vectors_all_pass(conformance_dir) -> None:
    rows = _vectors(conformance_dir)
    assert len(rows) == 430
    failures = []
    for row in rows:
        kind = MODULE_TO_KIND[row["stdnum_module"].replace(".", "_")]
        result = parse_id(row["input"], kind=kind)
        if row["expected_valid"] == "1":
            ok = result.status == "ok" and result.normalized is not None
        else:
            expected = {"InvalidFormat": "invalid_format", "InvalidLength": "invalid_length",
                        "InvalidChecksum": "invalid_checksum", "InvalidComponent": "invalid_component"}[row["expected_error"]]
            ok = result.status == expected and result.normalized is None
        if not ok:
            failures.append((row["stdnum_module"], row["input"], result))
    assert not failures, failures[:5]


def test_frame_step_equals_scalar_on_vectors(conformance_dir) -> None:
    rows = _vectors(conformance_dir)
    inn = [r["input"] for r in rows if r["stdnum_module"] == "ru.inn"]
    out = tax_ids(pl.DataFrame({"inn": inn}), "inn", kind="ru_inn")
    assert out["inn_status"].to_list() == [parse_id(v, kind="ru_inn").status for v in inn]
    assert out.height == len(inn)


def test_auto_kind_and_in_place() -> None:
    df = pl.DataFrame({"id": ["7707083893", "1027700132195", "32855961", None, "нет", "12"]})
    out = tax_ids(df, "id")
    assert out["id_kind"].to_list() == ["ru_inn", "ru_ogrn", "ua_edrpou", None, None, None]
    assert out["id_status"].to_list() == ["ok", "ok", "ok", "empty", "junk", "unknown_kind"]
    inplace = tax_ids(pl.DataFrame({"id": [" 7707083893", "bad"]}), "id", kind="ru_inn", in_place=True)
    assert inplace["id"].to_list() == ["7707083893", "bad"]  # invalid cells keep their text


def test_lazy_in_lazy_out() -> None:
    lf = pl.LazyFrame({"id": ["7707083893"]})
    assert isinstance(tax_ids(lf, "id"), pl.LazyFrame)
    assert lf.select(tax_id("id", kind="ru_inn")).collect()["id"][0] == "7707083893"


def test_unknown_kind_is_an_option_error() -> None:
    with pytest.raises(InvalidOption, match="unknown id kind"):
        tax_ids(pl.DataFrame({"id": ["1"]}), "id", kind="us_ssn")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20), st.from_regex(r"\d{8,15}", fullmatch=True)), max_size=15))
def test_never_raises_keeps_rows_and_is_idempotent(values) -> None:
    df = pl.DataFrame({"v": values}, schema={"v": pl.String})
    out = tax_ids(df, "v")
    assert out.height == df.height and out["v"].to_list() == values
    again = tax_ids(pl.DataFrame({"v": out["v_normalized"]}), "v")
    valid = out["v_status"] == "ok"
    assert again["v_normalized"].filter(valid).to_list() == out["v_normalized"].filter(valid).to_list()
    structs = df.select(id_details("v"))["v"].to_list()
    assert [s["status"] for s in structs] == [parse_id(v).status for v in values]
