"""Fixtures for pipeline tests: a folder with a nightly dump, an opt-out list and a key file."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

PIPELINE = """\
[pipeline]
name = "nightly"
date = "2026-03-01"

[[steps]]
step = "read"
source = "dumps/customers-*.csv"

[[steps]]
step = "normalize"
columns = {{ phone = ["phone"], email = ["email"] }}

[[steps]]
step = "suppress"
optouts = "optouts.csv"
mode = "drop"

[[steps]]
step = "mask"
columns = ["email"]
method = "hash"
key_file = "secret.key"
kinds = {{ email = "email" }}

[[steps]]
step = "write"
target = "out/customers-{{date:%Y-%m-%d}}.{ext}"

[[steps]]
step = "write"
target = "out/customers-{{date:%Y-%m-%d}}-copy.csv"
"""


def write_dump(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    first = ["Иван", "Мария", "Олег", "Anna", "John", "Пётр"]
    last = ["Иванов", "Петрова", "Сидоров", "Smith", "Kowalski", "Ковальчук"]
    lines = ["customer_id,name,phone,email,city"]
    for i in range(rows):
        n = rng.randrange(10_000)
        tel = rng.choice([f"8 (912) {n:03d}-{i % 100:02d}-{n % 100:02d}"[:18], "нет", ""])
        mail = rng.choice([f"user{n}@mail.ru", f"User.{n}+x@gmail.com", ""])
        lines.append(f"C{i:06d},{rng.choice(last)} {rng.choice(first)},{tel},{mail},Москва")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def job(tmp_path: Path):
    """Make a pipeline folder: ``job(rows=200, ext="csv") -> path of nightly.toml``."""

    def make(rows: int = 200, ext: str = "csv") -> Path:
        (tmp_path / "dumps").mkdir(exist_ok=True)
        write_dump(tmp_path / "dumps" / "customers-2026-03-01.csv", rows)
        (tmp_path / "optouts.csv").write_text("contact\n+7 912 000-00-00\nuser1@mail.ru\n",
                                              encoding="utf-8")
        (tmp_path / "secret.key").write_text("pipeline test key, long enough\n")
        path = tmp_path / "nightly.toml"
        path.write_text(PIPELINE.format(ext=ext), encoding="utf-8")
        return path

    return make
