"""custdata.profiling: fill, validity, junk, duplicates, masking of top values; the CLI reports."""

from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.profiling import Profile, profile, profile_html


def people() -> pl.DataFrame:
    return pl.DataFrame({
        "Телефон": ["8 (912) 345-67-89", "+7 912 345 67 89", "нет", None, "12345", "+7 903 111-22-33"],
        "Email": ["ivan@mail.ru", "IVAN@mail.ru", "n/a", "", "bad@", "olga@yandex.ru"],
        "Город": ["Москва", "Москва", "-", "Тверь", "Москва", None],
    })


def test_column_figures():
    p = profile(people())
    tel = p.column("Телефон")
    assert (tel.kind, tel.rows, tel.empty, tel.junk, tel.filled) == ("phone", 6, 1, 1, 4)
    assert tel.fill_rate == round(4 / 6, 4) and tel.junk_share == round(1 / 6, 4)
    assert tel.valid == 3 and tel.invalid == 1 and tel.validity_rate == 0.75
    assert tel.invalid_reasons and tel.invalid_reasons[0][1] == 1
    assert tel.distinct == 4
    mail = p.column("Email")
    assert (mail.valid, mail.invalid, mail.junk, mail.empty) == (3, 1, 1, 1)
    city = p.column("Город")
    assert city.validity_rate is None and city.top_values[0] == ("Москва", 3)
    assert not city.top_values_masked


def test_pii_top_values_are_masked_unless_asked():
    p = profile(people())
    shown = [v for v, _ in p.column("Телефон").top_values + p.column("Email").top_values]
    assert p.column("Телефон").top_values_masked
    assert all("*" in v for v in shown)
    assert not any("345-67-89" in v or "ivan@" in v for v in shown)
    full = profile(people(), show_values=True)
    assert any("ivan@" in v for v, _ in full.column("Email").top_values)


def test_duplicate_estimate_uses_normalized_keys():
    d = profile(people()).duplicates
    assert d.keys == ["Телефон", "Email"]
    assert d.duplicate_rows == 1 and d.estimated_people == 5
    assert d.by_key == {"Телефон": 1, "Email": 1}
    assert d.rows_without_key == 3  # junk, empty, and unparseable values


def test_json_and_html_are_self_contained():
    p = profile(people())
    data = json.loads(p.to_json())
    assert data["rows"] == 6 and data["columns"][0]["name"] == "Телефон"
    assert p.to_dict() == data
    page = profile_html(p, title="t <b>")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "t &lt;b&gt;" in page
    assert "<script" not in page and "https://" not in page and "src=" not in page
    assert "345-67-89" not in page


def test_lazyframe_and_kinds_override():
    p = profile(pl.DataFrame({"x": ["ivan@mail.ru", "bad"]}).lazy(), kinds={"x": "email"})
    assert p.column("x").kind == "email" and p.column("x").valid == 1
    with pytest.raises(KeyError):
        p.column("nope")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=0, max_size=25))
def test_never_crashes_and_counts_add_up(values):
    p = profile(pl.DataFrame({"notes": values}, schema={"notes": pl.String}))
    assert isinstance(p, Profile)
    c = p.column("notes")
    assert c.filled + c.empty + c.junk == len(values)


def test_cli_profile_writes_reports(cli, examples_dir, tmp_path):
    res = cli("profile", examples_dir / "crm_export.csv", "--json-file", tmp_path / "p.json",
              "--html", tmp_path / "p.html")
    assert res.exit_code == 0, res.stderr
    assert "Телефон" in res.stderr and "duplicate rows" in res.stderr
    data = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    phone = next(c for c in data["columns"] if c["kind"] == "phone")
    assert 0 < phone["validity_rate"] <= 1 and phone["top_values_masked"]
    assert "<svg" in (tmp_path / "p.html").read_text(encoding="utf-8")
    assert res.stdout == b""
