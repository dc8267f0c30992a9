"""``custdata segment ...`` end to end on real files, in a subprocess."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

RATES = ["--rate", "UAH=2.3", "--rate", "USD=92"]


def test_rfm_to_file_with_report(cli, examples_dir: Path, tmp_path: Path) -> None:
    out, report = tmp_path / "rfm.parquet", tmp_path / "rfm.html"
    res = cli("segment", "rfm", examples_dir / "orders.csv", *RATES, "--as-of", "2025-12-31",
              "--language", "ru", "-o", out, "--report", report)
    assert res.exit_code == 0, res.stderr
    table = pl.read_parquet(out)
    assert table.height == 300 and table["customer_id"].n_unique() == 300
    assert {"r_score", "rfm_code", "rfm_segment", "rfm_segment_name"} <= set(table.columns)
    assert "RFM segments" in res.stderr and "revenue share" in res.stderr  # the rich table
    assert "returns" in res.stderr and "missing dates" in res.stderr  # what was left out is said
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_rfm_stdout_csv_quiet_and_options(cli, examples_dir: Path) -> None:
    res = cli("segment", "rfm", examples_dir / "orders.csv", "--customer", "customer_id",
              "--date", "order_date", "--amount", "amount", "--order", "order_id", *RATES,
              "--bins", "4", "--map", "rfm", "-q")
    assert res.exit_code == 0, res.stderr
    assert res.stderr == ""
    rows = list(csv.DictReader(io.StringIO(res.text)))
    assert len(rows) == 300
    assert {r["r_score"] for r in rows} <= {"1", "2", "3", "4", ""}


def test_rfm_currencies_without_rates_is_an_error(cli, examples_dir: Path) -> None:
    res = cli("segment", "rfm", examples_dir / "orders.csv")
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and "--rate" in lines[0]


def test_rfm_missing_column(cli, examples_dir: Path) -> None:
    res = cli("segment", "rfm", examples_dir / "orders.csv", "--amount", "total", *RATES)
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        "Error: column 'total' not found; available columns: order_id, customer_id, order_date, amount, currency"
    )


def test_rfm_with_clusters(cli, examples_dir: Path, tmp_path: Path) -> None:
    # the lead's truth file maps every record id to a person: count each person once
    truth = examples_dir / "truth.csv"
    if not truth.exists():
        truth = tmp_path / "clusters.csv"
        truth.write_text("record_id,cluster_id\nCRM-00001,P1\n", encoding="utf-8")
        column = "cluster_id"
    else:
        column = "person_id"
    res = cli("segment", "rfm", examples_dir / "orders.csv", *RATES, "--clusters", truth,
              "--cluster-column", column, "-o", tmp_path / "p.csv")
    assert res.exit_code == 0, res.stderr
    assert "clusters:" in res.stderr
    people = pl.read_csv(tmp_path / "p.csv")
    assert people.height <= 300


def test_rules_command(cli, examples_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "seg.csv"
    res = cli("segment", "rules", examples_dir / "crm_export.csv", "--rules", examples_dir / "segments.toml",
              "--id", "Код клиента", "--birth-date", "Дата рождения", "--gender", "Пол",
              "--transactions", examples_dir / "orders.csv", *RATES, "--as-of", "2025-12-31", "-o", out)
    assert res.exit_code == 0, res.stderr
    table = pl.read_csv(out, infer_schema=False)
    assert table.height == 451
    assert {"age", "age_band", "gender", "order_count", "rfm_segment", "segment"} <= set(table.columns)
    assert set(table["segment"]) <= {"VIP", "Win back", "Young and new", "Seniors", "Never bought", "Everyone else"}
    assert "rules: 451 customers" in res.stderr


def test_bad_rule_is_one_clear_line(cli, examples_dir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text('[[segment]]\nname = "Adults"\nwhere = "agee >= 18"\n', encoding="utf-8")
    res = cli("segment", "rules", examples_dir / "crm_export.csv", "--rules", rules)
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: rule 'Adults': column 'agee' not found")
    assert "Traceback" not in res.stderr


def test_clv_command(cli, examples_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "clv.csv"
    res = cli("segment", "clv", examples_dir / "orders.csv", *RATES, "--horizon", "6", "-o", out)
    assert res.exit_code == 0, res.stderr
    table = pl.read_csv(out)
    assert {"expected_purchases", "probability_alive", "expected_order_value", "clv"} <= set(table.columns)
    assert "clv:" in res.stderr


def test_cohorts_command(cli, examples_dir: Path) -> None:
    res = cli("segment", "cohorts", examples_dir / "orders.csv", *RATES, "--shape", "long", "--to", "jsonl")
    assert res.exit_code == 0, res.stderr
    table = pl.read_ndjson(io.BytesIO(res.stdout))
    assert {"cohort", "period", "customers", "active", "retention", "revenue"} <= set(table.columns)
    res = cli("segment", "cohorts", examples_dir / "orders.csv", *RATES, "--shape", "square")
    assert res.exit_code == 2 and "--shape" in res.stderr


def test_help_lists_every_command(cli) -> None:
    res = cli("segment", "--help")
    assert res.exit_code == 0
    for command in ("rfm", "rules", "clv", "cohorts"):
        assert command in res.text


def test_every_command_has_help_text() -> None:
    from custdata.cli.segment import app

    for command in app.registered_commands:
        assert command.callback is not None and (command.callback.__doc__ or "").strip()


def test_rfm_cp1251_semicolon_russian_headers(cli, tmp_path: Path) -> None:
    src = tmp_path / "заказы.csv"
    text = ("Код клиента;Дата;Сумма\n"
            "CRM-00001;01.03.2025;1 200,50\n"
            "CRM-00001;2025-04-01;300\n"
            "CRM-00002;15.02.2025;-100\n"
            "CRM-00002;10.02.2025;900\n"
            "CRM-00003;;50\n")
    src.write_bytes(text.encode("cp1251"))
    res = cli("segment", "rfm", src, "--encoding", "cp1251", "--to", "jsonl")  # columns found by name
    assert res.exit_code == 0, res.stderr
    table = pl.read_ndjson(io.BytesIO(res.stdout))
    rows = {r["Код клиента"]: r for r in table.iter_rows(named=True)}
    assert rows["CRM-00001"]["monetary"] == 1500.5 and rows["CRM-00001"]["frequency"] == 2
    assert rows["CRM-00002"]["monetary"] == 800.0 and rows["CRM-00002"]["returns"] == 1
    assert rows["CRM-00003"]["rfm_segment"] == "No purchases"
    assert "1 missing dates" in res.stderr
