"""``custdata clean``: the README's main job, read back the way a CRM import would."""

from __future__ import annotations

import polars as pl
import pytest

from custdata.cleaning import clean
from custdata.normalize import is_junk, parse_email, parse_phone


def _split(cell: str | None) -> list[str]:
    return [] if cell is None or cell == "" else cell.split("; ")


def test_readme_job_outputs_load_into_a_crm(inproc, examples_dir, tmp_path):
    out, golden = tmp_path / "customers.csv", tmp_path / "golden.csv"
    r = inproc(
        "clean", examples_dir / "crm_export.csv", examples_dir / "shop_customers.xlsx",
        "-o", out, "--golden", golden,
    )
    assert r.exit_code == 0, r.stderr
    rows = pl.read_csv(out, infer_schema=False)
    g = pl.read_csv(golden, infer_schema=False)
    by_row = {(x["source"], x["source_row"]): x for x in rows.iter_rows(named=True)}

    # the sample's Ukrainian national numbers are read as Ukrainian (region inferred from the data)
    assert rows.filter(pl.col("phone_status") == "invalid_for_region").height == 0
    inferred = rows.filter(pl.col("phone_reason") == "region_inferred")
    assert inferred.filter(pl.col("phone_region") == "UA").height >= 70
    for x in inferred.iter_rows(named=True):  # each is a valid reading in its region
        if x["phone_status"] == "multiple_numbers":  # several numbers: each read in its region
            numbers = [x["phone_e164"], *x["phone_extra"].split(", ")]
            assert len(numbers) >= 2 and all(parse_phone(n).e164 == n for n in numbers)
            continue
        assert parse_phone(x["phone"], region=x["phone_region"]).e164 == x["phone_e164"]
        assert x["phone_status"] == "ok"

    # one golden record per person, every person has one, members listed
    people = rows.filter(pl.col("record_status") == "ok")
    assert g["cluster_id"].is_unique().all()
    assert set(g["cluster_id"]) == set(people["cluster_id"])
    for rec in g.iter_rows(named=True):
        members = people.filter(pl.col("cluster_id") == rec["cluster_id"])
        assert sorted(_split(rec["member_ids"])) == sorted(members["source_id"].to_list())
        assert int(rec["record_count"]) == members.height
        assert len(_split(rec["member_sources"])) == len(_split(rec["member_rows"])) == members.height

    # no junk or invalid value in any golden field
    for rec in g.iter_rows(named=True):
        for col, value in rec.items():
            for v in _split(value) if col.endswith("_all") else [value]:
                assert v is None or not (is_junk(v) or "__" in v), (col, rec["cluster_id"])
        for v in [rec["phone"], *_split(rec["phone_all"])]:
            if v is not None:
                p = parse_phone(v)
                assert p.status == "ok" and p.e164 == v
        for v in [rec["email"], *_split(rec["email_all"])]:
            if v is not None:
                assert parse_email(v).normalized == v
        if rec["birth_date"] is not None:
            pl.Series([rec["birth_date"]]).str.to_date("%Y-%m-%d")  # ISO, parses strictly
        assert rec["first_name"] is None or rec["first_name"] == rec["first_name"].strip()

    # every golden field is coherent with the row it names
    for rec in g.iter_rows(named=True):
        src = by_row[(rec["source"], rec["source_row"])]
        assert src["source_id"] == rec["source_id"] and src["cluster_id"] == rec["cluster_id"]
        checks = {
            "phone": "phone_e164",
            "email": "email_normalized",
            "birth_date": "birth_date_iso",
            "gender": "gender_code",
            "city": "city",
            "address": "address",
        }
        for field, column in checks.items():
            if rec[field] is None:
                continue
            row = by_row[(rec[f"{field}_source"], rec[f"{field}_source_row"])]
            assert row["cluster_id"] == rec["cluster_id"]
            assert row[column] == rec[field], field
        if rec["address"] is not None and rec["city"] is not None:
            assert (rec["address_source"], rec["address_source_row"]) == (
                rec["city_source"],
                rec["city_source_row"],
            )
        for part, cols in {
            "first_name": ("full_name_first", "first_name_clean"),
            "last_name": ("full_name_last", "last_name_clean"),
        }.items():
            if rec[part] is not None:
                row = by_row[(rec[f"{part}_source"], rec[f"{part}_source_row"])]
                assert rec[part] in [row[c] for c in cols]
    # names: a first name known somewhere in the cluster is never an initial in the golden name
    initials = g.filter(pl.col("first_name").str.len_chars() == 1)
    for rec in initials.iter_rows(named=True):
        members = people.filter(pl.col("cluster_id") == rec["cluster_id"])
        known = pl.concat([members["full_name_first"], members["first_name_clean"]]).drop_nulls()
        assert (known.str.len_chars() <= 1).all()


def test_junk_only_rows_are_not_people():
    crm = pl.DataFrame({
        "ФИО": ["Иванов Иван Иванович", "нет", None, "ИВАНОВ ИВАН", "-"],
        "Телефон": ["8 (912) 345-67-89", "нет", None, "+79123456789", "+7 (___) ___-__-__"],
        "Email": ["ivan@mail.ru", "n/a", None, None, "-"],
    })
    result = clean(crm)
    status = result.frame["record_status"].to_list()
    assert status == ["ok", "no_identity", "no_identity", "ok", "no_identity"]
    assert result.frame.height == 5  # nothing lost
    assert result.frame.filter(pl.col("record_status") == "no_identity")["cluster_id"].null_count() == 3
    assert result.dedupe["no_identity"] == 3 and result.dedupe["clusters"] == 1
    assert result.golden is not None and result.golden.height == 1


def test_clean_no_dedupe_with_golden_is_refused(inproc, tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("phone\n+79123456789\n", encoding="utf-8")
    r = inproc("clean", src, "--no-dedupe", "--golden", tmp_path / "g.csv", "-o", tmp_path / "o.csv")
    assert r.exit_code == 2
    assert "--golden" in r.stderr and "--no-dedupe" in r.stderr
    assert not (tmp_path / "g.csv").exists()


@pytest.mark.parametrize("dedupe", [True, False])
def test_clean_keeps_every_row(dedupe):
    df = pl.DataFrame({"phone": ["+79123456789", "нет", None], "email": ["a@b.ru", None, "x"]})
    result = clean(df, dedupe=dedupe, golden=dedupe)
    assert result.frame.height == 3


def test_clean_golden_carries_consent_per_channel(tmp_path):
    crm = pl.DataFrame({
        "ФИО": ["Иванов Иван Иванович", "Петрова Анна"],
        "Телефон": ["8 (912) 345-67-89", "+7 903 111-22-33"],
        "Согласие на рассылку email": ["да", "да"],
        "Дата регистрации": ["01.01.2020", "01.01.2020"],
    })
    shop = pl.DataFrame({
        "full_name": ["Ivanov Ivan", "Petrova Anna"],
        "phone": ["+79123456789", "+79031112233"],
        "email_opt_in": ["no", "2024-05-01"],
        "created_at": ["2021-01-01", "2024-05-01"],
    })
    result = clean({"crm.csv": crm, "shop.csv": shop})
    assert "email_opt_in" in result.frame.columns  # a consent header is kept, not made an email
    g = result.golden.sort("full_name")
    assert g["consent_email"].to_list() == ["opt_out", "opt_in"]
    assert g["consent_email_source"].to_list() == ["shop.csv", "shop.csv"]
    from custdata.privacy import suppress

    kept = suppress(result.golden, consent="email")
    assert kept.height == 1 and kept["consent_email"].to_list() == ["opt_in"]
