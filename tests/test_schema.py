"""Column detection from headers (en/ru/uk) and from values."""

from __future__ import annotations

import polars as pl
import pytest

from custdata.schema import detect_columns, kind_from_header, kind_from_values


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Телефон", "phone"),
        ("Моб. тел.", "phone"),
        ("mobile_phone", "phone"),
        ("Tel", "phone"),
        ("E-mail", "email"),
        ("Эл. почта", "email"),
        ("Електронна пошта", "email"),
        ("ФИО", "full_name"),
        ("ПІБ", "full_name"),
        ("Full Name", "full_name"),
        ("Фамилия", "last_name"),
        ("Прізвище", "last_name"),
        ("last_name", "last_name"),
        ("Имя", "first_name"),
        ("Ім'я", "first_name"),
        ("First name", "first_name"),
        ("Отчество", "middle_name"),
        ("По батькові", "middle_name"),
        ("Дата рождения", "birth_date"),
        ("Дата народження", "birth_date"),
        ("DOB", "birth_date"),
        ("Пол", "gender"),
        ("Стать", "gender"),
        ("Gender", "gender"),
        ("Город", "city"),
        ("Місто", "city"),
        ("Адрес", "address"),
        ("Street address", "address"),
        ("Код клиента", "id"),
        ("customer_id", "id"),
        ("ИНН", "tax_id"),
        ("Дата регистрации", "date"),
        ("created_at", "date"),
        ("Комментарий", None),
        ("notes", None),
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


# --- organizations, addresses, identifiers, fax (issue 10, issue 12 "wide files") ---

from custdata.schema import REPORTED_ONLY, detect  # noqa: E402


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Company", "org_name"),
        ("company_name", "org_name"),
        ("Organization", "org_name"),
        ("Site Name", "org_name"),
        ("Agency", "org_name"),
        ("Агентство", "org_name"),
        ("Организация", "org_name"),
        ("Компания", "org_name"),
        ("Контрагент", "org_name"),
        ("Наименование", "org_name"),
        ("Назва", "org_name"),
        ("Employer", "org_name"),
        ("Fax", "fax"),
        ("Fax Number", "fax"),
        ("Факс", "fax"),
        ("Provider ID", "id"),
        ("provider_id", "id"),
        ("soc_sec_id", "tax_id"),
        ("SSN", "tax_id"),
        ("ИНН", "tax_id"),
        ("Код ЄДРПОУ", "tax_id"),
        ("УНП", "tax_id"),
        ("rec_id", "id"),
        ("Company ID", "id"),
        ("Zip", "postcode"),
        ("ZIP code", "postcode"),
        ("Postal code", "postcode"),
        ("Почтовый индекс", "postcode"),
        ("Индекс", "postcode"),
        ("Email type", None),
        ("Phone status", None),
        ("Service Type", None),
        ("Company code", None),
    ],
)
def test_headers_org_ids_fax_postcode(header: str, kind: str | None) -> None:
    assert kind_from_header(header) == kind


def test_org_values_are_never_a_person() -> None:
    orgs = [
        'ООО "Ромашка"',
        "ТОВ «Сонечко»",
        "Head Start Center",
        "Lincoln Elementary School",
        "Магазин Продукты",
        "Acme Inc",
        "Community Services Agency",
        "Детский центр Радуга",
    ]
    assert kind_from_values(pl.Series(orgs)) == "org_name"
    # a column of program names: names, but the header says they are not people's
    frame = pl.DataFrame({"Program Name": ["Head Start", "Early Learn", "Summer Youth"] * 10})
    assert "full_name" not in detect_columns(frame)
    # people's names stay people's names
    assert kind_from_values(pl.Series(["Иванов Иван", "John Smith", "Петренко Олена"])) == (
        "full_name"
    )


def test_addresses_from_values() -> None:
    values = ["ул. Ленина, д. 5", "12 W Main St", "вул. Шевченка 3, кв. 4", "350 Fifth Avenue"]
    assert kind_from_values(pl.Series(values)) == "address"


def test_identifier_candidates_are_reported_not_used_and_never_phones() -> None:
    n = 60
    frame = pl.DataFrame(
        {
            "col_a": [f"{1000000 + i * 7919}" for i in range(n)],  # soc_sec_id-like digits
            "col_b": [f"PRV-{i:05d}" for i in range(n)],  # provider id-like codes
            "col_c": [f"+7 912 345-{i // 100:02d}-{i % 100:02d}" for i in range(n)],
            "rec": list(range(n)),  # integer, all distinct
            "notes": ["call back" if i % 2 else "ok" for i in range(n)],
            "Fax": [f"+1 212 555 {i:04d}" for i in range(n)],
        }
    )
    det = detect(frame)
    kinds = {d.column: (d.kind, d.source, d.used) for d in det.columns}
    assert kinds["col_a"] == ("id_candidate", "values", False)
    assert kinds["col_b"] == ("id_candidate", "values", False)
    assert kinds["rec"] == ("id_candidate", "values", False)
    assert kinds["col_c"] == ("phone", "values", True)
    assert kinds["Fax"] == ("fax", "header", False)
    assert "notes" not in kinds
    assert det.kinds() == {"phone": ["col_c"]}
    assert detect_columns(frame) == det.kinds()
    assert set(REPORTED_ONLY) == {"fax", "id_candidate"}
    lines = det.describe()
    assert any(line.startswith("col_b: id_candidate (values") for line in lines)


def test_given_columns_win_and_are_typed() -> None:
    frame = pl.DataFrame({"a": ["x@y.ru"], "Fax": ["+1 212 555 0100"], "b": ["ООО Ромашка"]})
    det = detect(frame, overrides={"phone": "Fax"})
    assert det.of("Fax").kind == "phone" and det.of("Fax").source == "given"
    assert det.kinds() == {"org_name": ["b"], "phone": ["Fax"], "email": ["a"]}


def test_detection_is_linear_in_columns() -> None:
    # 4,000 columns of 30 rows: the old per-column schema lookup made this quadratic
    import time

    def timed(n: int) -> float:
        frame = pl.DataFrame({f"c{i}": [f"v{i}-{r}" for r in range(30)] for i in range(n)})
        start = time.perf_counter()
        detect(frame)
        return time.perf_counter() - start

    small, big = timed(500), timed(4000)
    assert big < small * 8 * 2.5 + 1.0  # 8x the columns, far from 64x


def test_name_header_holding_companies_is_org_name() -> None:
    # a "name" header over European company names (legal forms AG/SE/SA/N.V./PLC...) is read
    # as organizations from the values, not as a person's name
    companies = [
        "Siemens AG",
        "Allianz SE",
        "Sanofi S.A.",
        "ASML Holding N.V.",
        "Unilever PLC",
        "Eni S.p.A.",
        "Nokia Oyj",
        "Volvo AB",
        "Equinor ASA",
        "Merck KGaA",
    ]
    det = detect(pl.DataFrame({"name": companies * 3}))
    assert det.of("name") is not None and det.of("name").kind == "org_name"
    people = ["Ivan Petrov", "John Smith", "Anna Schmidt", "Olga Ivanova", "Hans Weber"]
    det = detect(pl.DataFrame({"name": people * 3}))
    assert det.of("name") is not None and det.of("name").kind == "full_name"
