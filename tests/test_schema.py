"""Column detection from headers (en/ru/uk) and from values."""

from __future__ import annotations

import polars as pl
import pytest

from custdata.schema import detect_columns, kind_from_header, kind_from_values


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Телефон", "phone"), ("Моб. тел.", "phone"), ("mobile_phone", "phone"), ("Tel", "phone"),
        ("E-mail", "email"), ("Эл. почта", "email"), ("Електронна пошта", "email"),
        ("ФИО", "full_name"), ("ПІБ", "full_name"), ("Full Name", "full_name"),
        ("Фамилия", "last_name"), ("Прізвище", "last_name"), ("last_name", "last_name"),
        ("Имя", "first_name"), ("Ім'я", "first_name"), ("First name", "first_name"),
        ("Отчество", "middle_name"), ("По батькові", "middle_name"),
        ("Дата рождения", "birth_date"), ("Дата народження", "birth_date"), ("DOB", "birth_date"),
        ("Пол", "gender"), ("Стать", "gender"), ("Gender", "gender"),
        ("Город", "city"), ("Місто", "city"), ("Адрес", "address"), ("Street address", "address"),
        ("Код клиента", "id"), ("customer_id", "id"), ("ИНН", "id"),
        ("Дата регистрации", "date"), ("created_at", "date"),
        ("Комментарий", None), ("notes", None),
    ],
)
def test_headers(header: str, kind: str | None) -> None:
    assert kind_from_header(header) == kind


def test_values_decide_unnamed_columns() -> None:
    assert kind_from_values(pl.Series(["a@b.ru", " X@Y.COM ", None])) == "email"
    assert kind_from_values(pl.Series(["8 (912) 345-67-89", "+380671234567"])) == "phone"
    assert kind_from_values(pl.Series(["М", "ж", "F"])) == "gender"
    assert kind_from_values(pl.Series(["Иванов Иван", "John Smith"])) == "full_name"
    assert kind_from_values(pl.Series(["31.12.1985", "1990-01-02"])) == "date"
    assert kind_from_values(pl.Series(["12", "abc", "x y z 1"])) is None
    assert kind_from_values(pl.Series([None, None], dtype=pl.String)) is None


def test_overrides_win() -> None:
    frame = pl.DataFrame({"a": ["x@y.ru"], "tel2": ["+79123456789"]})
    found = detect_columns(frame, overrides={"phone": "tel2", "email": ["a"]})
    assert found == {"phone": ["tel2"], "email": ["a"]}
