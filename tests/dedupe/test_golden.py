"""Golden records: survivorship per field, provenance, all phones/emails kept."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata.dedupe import find_duplicates, golden_records
from custdata.errors import ColumnNotFound, InvalidOption

DF = pl.DataFrame({
    "cluster_id": ["a", "a", "a", "b"],
    "name": ["Иван", "Иван Петров", "Иван", "Ольга"],
    "phone": ["+79120000001", "+79120000002", None, "+79030000000"],
    "email": ["i@x.ru", None, "i@x.ru", None],
    "source": ["shop", "crm", "web", "crm"],
    "updated": ["2021-01-01", "2020-01-01", "2023-01-01", "2022-02-02"],
})


def test_strategies_and_provenance():
    g = golden_records(
        DF, date_column="updated", source_column="source", source_priority=["crm", "shop"],
        rules={"name": "longest", "phone": "most_recent", "email": "most_frequent", "source": "source_priority"},
    )
    a = g.filter(pl.col("cluster_id") == "a").row(0, named=True)
    assert a["record_count"] == 3
    # provenance rows are 1-based, like source_row (they were 0-based output indexes before)
    assert a["name"] == "Иван Петров" and a["name_source_row"] == 2
    assert a["phone"] == "+79120000001" and a["phone_source_row"] == 1  # newest non-null phone
    assert a["email"] == "i@x.ru"
    assert a["source"] == "crm"
    assert a["phone_all"] == ["+79120000001", "+79120000002"]


def test_first_non_null_and_one_row_per_cluster():
    g = golden_records(DF, default="first_non_null")
    assert g.height == 2 and g["cluster_id"].to_list() == ["a", "b"]
    assert g.filter(pl.col("cluster_id") == "b")["email"].to_list() == [None]


def test_bad_options():
    with pytest.raises(InvalidOption):
        golden_records(DF, default="newest")
    with pytest.raises(InvalidOption):
        golden_records(DF, rules={"name": "most_recent"})
    with pytest.raises(ColumnNotFound):
        golden_records(DF.drop("cluster_id"))


def test_after_find_duplicates():
    df = pl.DataFrame({"name": ["Иванов Иван", "Ivanov Ivan", "Петрова Анна"], "phone": ["+79123456789", "89123456789", "+79031112233"]})
    out = find_duplicates(df, columns={"full_name": "name", "phone": "phone"})
    g = golden_records(out)
    assert g.height == 2 and g["record_count"].sum() == 3
    assert "phone_all" in g.columns


def test_columns_limit_fields():
    g = golden_records(DF, columns=["name", "phone"])
    # a full name also yields its parts (built across the cluster) and the members are listed
    extra = ("_source_row", "_source", "_all")
    values = [c for c in g.columns if not c.endswith(extra) and not c.startswith("member_")]
    assert values == ["cluster_id", "record_count", "name", "last_name", "first_name", "middle_name", "phone"]


# --- issue 11: valid normalized values win, coherent rows, built names, members, no identity


def test_junk_and_invalid_never_win_and_all_lists_hold_distinct_normalized_values():
    df = pl.DataFrame({
        "cluster_id": ["a"] * 5,
        "phone": ["+7 (___) ___-__-__", "нет", "+38 (096) 182-64-24", "00380961826424", "123"],
        "email": ["n/a", "Ivan@Mail.RU", "-", None, "not an email"],
        "updated": ["2024-01-01", "2023-01-01", "2020-01-01", "2019-01-01", "2025-01-01"],
    })
    for default in ("most_recent", "most_frequent", "longest", "first_non_null"):
        g = golden_records(df, date_column="updated", default=default).row(0, named=True)
        assert g["phone"] == "+380961826424", default
        assert g["email"] == "ivan@mail.ru", default
        assert g["phone_all"] == ["+380961826424"]  # one number, however it was spelt
        assert g["email_all"] == ["ivan@mail.ru"]


def test_junk_text_field_never_wins():
    df = pl.DataFrame({"cluster_id": ["a", "a", "a"], "phone": ["+79120000001"] * 3,
                       "city": ["нет", "Москва", "---"]})
    for default in ("longest", "first_non_null", "most_frequent"):
        assert golden_records(df, default=default)["city"].to_list() == ["Москва"]


def test_record_fields_and_address_parts_come_from_one_row():
    df = pl.DataFrame({
        "cluster_id": ["a", "a", "a"],
        "source": ["crm.csv", "shop.xlsx", "shop.xlsx"],
        "source_row": [1, 7, 9],
        "source_id": ["CRM-1", None, "S-9"],
        "email": ["i@x.ru", "i@x.ru", "i@x.ru"],
        "city": ["Москва", "Киев", None],
        "address": [None, "ул. Крещатик, 1", "нет"],
        "updated": ["2021-01-01", "2022-01-01", "2023-01-01"],
    })
    g = golden_records(df, date_column="updated").row(0, named=True)
    rows = df.rows_by_key("source_row", named=True, unique=True)
    rec = rows[g["source_row"]]
    assert (g["source"], g["source_id"]) == (rec["source"], rec["source_id"]) == ("shop.xlsx", "S-9")
    assert g["address_source_row"] == g["city_source_row"] == 7
    assert (g["city"], g["address"]) == ("Киев", "ул. Крещатик, 1")
    assert g["email_source"] == "shop.xlsx" and g["email_source_row"] == 9


def test_golden_name_is_built_from_the_best_parts_in_normalized_case():
    df = pl.DataFrame({
        "cluster_id": ["a", "a", "a"],
        "full_name": ["Матяш Б.А.", None, "МАТЯШ БОРИС"],
        "first_name": [None, "  борис", None],
        "last_name": [None, "Matiash", None],
        "middle_name": [None, None, None],
        "phone": ["+380961826424"] * 3,
    })
    g = golden_records(df).row(0, named=True)
    assert g["first_name"] == "Борис" and g["last_name"] == "Матяш"
    assert g["full_name"] == "Матяш Борис А."  # the initial keeps its dot (it had none before)
    assert g["first_name_source_row"] in (2, 3)


def test_members_are_listed_and_source_row_means_the_same_everywhere():
    df = pl.DataFrame({
        "cluster_id": ["a", "b", "a"],
        "source": ["crm.csv", "crm.csv", "shop.xlsx"],
        "source_row": [10, 11, 4],
        "source_id": ["CRM-10", "CRM-11", "S-4"],
        "phone": ["+79120000001", "+79120000002", "8 912 000-00-01"],
    })
    g = golden_records(df).sort("cluster_id")
    a = g.row(0, named=True)
    assert a["member_ids"] == ["CRM-10", "S-4"] and a["member_sources"] == ["crm.csv", "shop.xlsx"]
    assert a["member_rows"] == [10, 4]
    assert a["phone_source_row"] in a["member_rows"] and a["source_row"] in a["member_rows"]


def test_rows_without_identity_get_no_golden_record():
    df = pl.DataFrame({
        "cluster_id": ["a", "b", "c", "c"],
        "full_name": ["Иванов Иван", "нет", None, "-"],
        "phone": ["+79120000001", "-", None, "нет"],
        "email": [None, "n/a", None, ""],
    })
    g = golden_records(df)
    assert g["cluster_id"].to_list() == ["a"] and g["record_count"].to_list() == [1]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["нет", "n/a", "-", "+7 (___) ___-__-__", "", None, "0", "xxx",
                                 "8 912 345-67-89", "+79123456789", "a@b.ru", "junk@"]),
                min_size=1, max_size=6))
def test_property_no_golden_value_is_junk(values):
    df = pl.DataFrame({"cluster_id": ["a"] * len(values), "phone": values, "email": values},
                      schema={"cluster_id": pl.String, "phone": pl.String, "email": pl.String})
    g = golden_records(df)
    for row in g.iter_rows(named=True):
        assert row["phone"] in (None, "+79123456789")
        assert row["email"] in (None, "a@b.ru")
        assert set(row["phone_all"]) <= {"+79123456789"} and set(row["email_all"]) <= {"a@b.ru"}


def test_an_initial_keeps_its_dot_in_the_golden_full_name():
    """An initial-only middle (or first) name is written as the normalizer writes it: 'А.'."""
    df = pl.DataFrame(
        {
            "ФИО": ["Матяш Б.А.", "Матяш Борис", "Иванов И. И.", "Smith J."],
            "Телефон": ["+79123456789", "+79123456789", "+79031112233", "+79035557788"],
        }
    )
    g = golden_records(find_duplicates(df)).sort("ФИО")
    assert g.select("ФИО", "first_name", "middle_name").rows() == [
        ("Smith J.", "J", None),
        ("Иванов И. И.", "И", "И"),
        ("Матяш Борис А.", "Борис", "А"),
    ]
