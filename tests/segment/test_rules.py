"""Rule-based segments and derived customer fields."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from custdata.errors import InvalidOption, UnreadableInput
from custdata.segment import apply_rules, customer_fields, load_rules, rfm, rules_from_dict


def _people() -> pl.DataFrame:
    return pl.DataFrame({
        "id": ["a", "b", "c", "d"],
        "born": ["1990-05-01", "01.02.2010", None, "1950-12-31"],
        "sex": ["М", "female", "ж", None],
        "city": ["Москва", "Москва", "Київ", "Москва"],
    })


def _orders() -> pl.DataFrame:
    return pl.DataFrame({
        "cust": ["a", "a", "b", "c"],
        "d": ["2024-05-01", "2024-06-01", "2024-01-01", "2024-05-15"],
        "s": [100, 200, 10, 50],
    })


def test_customer_fields() -> None:
    table = rfm(_orders(), customer="cust", date="d", amount="s")
    out = customer_fields(_people(), id="id", birth_date="born", gender="sex", rfm=table, as_of="2024-06-01")
    assert out.height == 4 and out["id"].to_list() == ["a", "b", "c", "d"]
    assert out["age"].to_list() == [34, 14, None, 73]
    assert out["age_band"].to_list() == ["25-34", "<18", None, "65+"]
    assert out["gender"].to_list() == ["male", "female", "female", None]
    assert out["order_count"].to_list() == [2, 1, 1, 0]
    assert out["total_spend"].to_list() == [300.0, 10.0, 50.0, 0.0]
    assert out["days_since_last_order"].to_list()[:3] == [0, 152, 17]
    assert out["rfm_segment"].to_list()[3] == "No purchases"


def test_first_and_all_modes() -> None:
    people = customer_fields(_people(), birth_date="born", as_of="2024-06-01")
    rules = rules_from_dict({
        "segment": [
            {"name": "Adults in Moscow", "where": "age >= 18 and city = 'Москва'"},
            {"name": "Seniors", "where": "age >= 65"},
            {"name": "Kyiv", "where": "city IN ('Київ')"},
        ],
        "default": "Other",
    })
    assert apply_rules(people, rules)["segment"].to_list() == ["Adults in Moscow", "Other", "Kyiv", "Adults in Moscow"]
    all_ = apply_rules(people, rules, mode="all", column="tags")["tags"].to_list()
    assert all_ == [["Adults in Moscow"], [], ["Kyiv"], ["Adults in Moscow", "Seniors"]]


def test_rules_with_rfm_segment_from_file(tmp_path: Path) -> None:
    table = rfm(_orders(), customer="cust", date="d", amount="s")
    people = customer_fields(_people(), id="id", rfm=table)
    path = tmp_path / "r.toml"
    path.write_text(
        'mode = "first"\ncolumn = "seg"\n[[segment]]\nname = "Best"\n'
        "where = \"rfm_segment in ('Champions', 'Loyal', 'Need Attention') and order_count >= 2\"\n",
        encoding="utf-8",
    )
    out = apply_rules(people, path)
    assert out["seg"].to_list() == ["Best", None, None, None]


def test_unknown_column_names_rule_and_column() -> None:
    rules = rules_from_dict({"segment": [{"name": "ok", "where": "city = 'x'"},
                                         {"name": "VIP", "where": "agee >= 18"}]})
    with pytest.raises(InvalidOption) as err:
        apply_rules(_people(), rules)
    text = str(err.value)
    assert "rule 'VIP'" in text and "'agee'" in text and "\n" not in text


def test_syntax_error_names_rule() -> None:
    rules = rules_from_dict({"segment": [{"name": "broken", "where": "city = = 'x' and"}]})
    with pytest.raises(InvalidOption, match="rule 'broken'"):
        apply_rules(_people(), rules)


def test_type_error_names_rule_and_column() -> None:
    rules = rules_from_dict({"segment": [{"name": "typed", "where": "city > 5"}]})
    with pytest.raises(InvalidOption, match="rule 'typed'.*city"):
        apply_rules(_people(), rules)


def test_bad_rule_files(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput):
        load_rules(tmp_path / "nope.toml")
    with pytest.raises(InvalidOption, match="missing 'where'"):
        rules_from_dict({"segment": [{"name": "x"}]})
    with pytest.raises(InvalidOption, match="mode"):
        rules_from_dict({"segment": [{"name": "x", "where": "true"}], "mode": "any"})


def test_sample_rule_file(examples_dir: Path) -> None:
    rules = load_rules(examples_dir / "segments.toml")
    assert len(rules.rules) >= 3 and rules.mode == "first"


def test_gender_from_names() -> None:
    df = pl.DataFrame({"n": ["Иванов Иван Иванович", "Петрова Анна Сергеевна", None]})
    assert customer_fields(df, name="n")["gender"].to_list() == ["male", "female", None]
