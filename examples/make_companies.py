"""Regenerate the bundled sample of company customers (deterministic: same file on every run).

    python examples/make_companies.py

Writes ``companies.csv`` (UTF-8, ``;``-separated, Russian headers): about 150 records of
RU/UA/US/UK/DE companies and their branches, legal forms and tax ids written many ways,
addresses with and without postcode, the head office's phone shared by branches
(:func:`custdata.synth.generate_companies`), and ``companies_truth.csv``: which records are the
same site (``Код``, ``true_id``: for ``dedupe evaluate --on Код``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from custdata.synth import generate_companies

HERE = Path(__file__).resolve().parent
SEED = 20261201
HEADERS = {
    "record_id": "Код",
    "company": "Контрагент",
    "tax_id": "ИНН",
    "address": "Адрес",
    "city": "Город",
    "phone": "Телефон",
    "email": "Эл. почта",
}


def main() -> None:
    df = generate_companies(60, seed=SEED)
    data = df.select(list(HEADERS)).rename(HEADERS)
    data.write_csv(HERE / "companies.csv", separator=";")
    truth = df.select(pl.col("record_id").alias("Код"), pl.col("true_id"))
    truth.write_csv(HERE / "companies_truth.csv")


if __name__ == "__main__":
    main()
