"""Golden records: survivorship per field, provenance, all phones/emails kept."""

import polars as pl
import pytest

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
    assert a["name"] == "Иван Петров" and a["name_source_row"] == 1
    assert a["phone"] == "+79120000001" and a["phone_source_row"] == 0  # newest non-null phone
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
    assert [c for c in g.columns if not c.endswith(("_source_row", "_all"))] == ["cluster_id", "record_count", "name", "phone"]
