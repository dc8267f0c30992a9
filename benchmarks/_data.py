"""Deterministic synthetic customer tables for the benchmarks (no Faker: fast at 1M rows)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

DATA = Path(__file__).resolve().parent / "data"

LAST = ["Иванов", "Петров", "Сидорова", "Шевченко", "Коваленко", "Smith", "Johnson", "Кузнецова",
        "Бондаренко", "Ткаченко", "Brown", "Попов", "Васильева", "Мельник", "Williams", "Соколов"]
FIRST = ["Иван", "Мария", "Александр", "Олена", "Дмитро", "John", "Анна", "Сергей", "Mary",
         "Наталья", "Андрій", "Екатерина", "Robert", "Ольга", "Михаил", "Тарас"]
MIDDLE = ["Иванович", "Петровна", "Сергеевич", "Олександрівна", "", "Андреевич", "Миколайович", ""]
CITY = ["Москва", "Санкт-Петербург", "Київ", "Львів", "London", "New York", "Казань", "Одеса"]
STREET = ["ул. Ленина", "просп. Мира", "вул. Шевченка", "Baker Street", "ул. Гагарина, корп. 2"]
DOMAIN = ["mail.ru", "yandex.ru", "gmail.com", "ukr.net", "bk.ru", "outlook.com", "GMAIL.COM", "gmial.com"]


def customers(rows: int, *, seed: int = 42, distinct_share: float = 0.6) -> pl.DataFrame:
    """A customer table with ``rows`` rows, ~``distinct_share`` distinct people, 8 text columns."""
    rng = np.random.default_rng(seed)
    people = max(1, int(rows * distinct_share))
    idx = rng.integers(0, people, rows)
    p = pl.DataFrame({"p": np.arange(people)})
    r = np.random.default_rng(seed + 1)
    base = p.with_columns(
        last=pl.Series(r.choice(LAST, people)),
        first=pl.Series(r.choice(FIRST, people)),
        middle=pl.Series(r.choice(MIDDLE, people)),
        digits=pl.Series(r.integers(0, 10_000_000, people)).cast(pl.String).str.zfill(7),
        op=pl.Series(r.choice(["912", "916", "903", "67", "50", "2125"], people)),
        fmt=pl.Series(r.integers(0, 6, people)),
        domain=pl.Series(r.choice(DOMAIN, people)),
        city=pl.Series(r.choice(CITY, people)),
        street=pl.Series(r.choice(STREET, people)),
        house=pl.Series(r.integers(1, 200, people)).cast(pl.String),
        birth=pl.Series(r.integers(0, 20000, people)),
        created=pl.Series(r.integers(0, 1500, people)),
    )
    phone = (
        pl.when(pl.col("fmt") == 0).then(pl.concat_str(pl.lit("8 ("), pl.col("op"), pl.lit(") "), pl.col("digits")))
        .when(pl.col("fmt") == 1).then(pl.concat_str(pl.lit("+7"), pl.col("op"), pl.col("digits")))
        .when(pl.col("fmt") == 2).then(pl.concat_str(pl.lit("+380 "), pl.col("op"), pl.lit(" "), pl.col("digits")))
        .when(pl.col("fmt") == 3).then(pl.concat_str(pl.lit("7"), pl.col("op"), pl.lit("-"), pl.col("digits")))
        .when(pl.col("fmt") == 4).then(pl.lit("нет"))
        .otherwise(pl.concat_str(pl.lit("+1 "), pl.col("op"), pl.lit(" "), pl.col("digits")))
    )
    table = base.select(
        customer_id=pl.concat_str(pl.lit("C"), pl.col("p").cast(pl.String).str.zfill(8)),
        full_name=pl.concat_str(pl.col("last"), pl.lit(" "), pl.col("first"), pl.lit(" "), pl.col("middle")).str.strip_chars(),
        phone=phone,
        email=pl.concat_str(pl.col("first").str.to_lowercase(), pl.lit("."), pl.col("p").cast(pl.String), pl.lit("@"), pl.col("domain")),
        birth_date=(pl.date(1950, 1, 1) + pl.duration(days=pl.col("birth"))).dt.strftime("%d.%m.%Y"),
        city=pl.col("city"),
        address=pl.concat_str(pl.col("street"), pl.lit(", д. "), pl.col("house")),
        created_at=(pl.date(2021, 1, 1) + pl.duration(days=pl.col("created"))).dt.strftime("%Y-%m-%d"),
    )
    return table[idx]


def customers_csv(rows: int, *, seed: int = 42) -> Path:
    """Write (once) and return a UTF-8 CSV of :func:`customers`."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"customers_{rows}_{seed}.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        customers(rows, seed=seed).write_csv(tmp)
        tmp.rename(path)
    return path
