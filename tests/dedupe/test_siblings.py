"""Issue 11: siblings and colleagues behind one phone are two people, whatever the file size."""

from __future__ import annotations

import polars as pl

from custdata.dedupe import PhoneComparison, find_duplicates
from custdata.dedupe.prepare import prepare

SOKOLOVY = pl.DataFrame({
    "ФИО": ["Соколов Дмитрий Андреевич", "Соколова Дарья Андреевна", "Иванов Иван", "Петров Пётр"],
    "Телефон": ["+7 495 123-45-67 доб. 123", "+7 495 123-45-67 доб. 124", "+7 912 000-00-01",
                "+7 913 000-00-02"],
    "Адрес": ["ул. Ленина, 5", "ул. Ленина, 5", "ул. Мира 1", "ул. Мира 2"],
})


def test_different_first_name_and_gender_are_two_people_on_a_small_file():
    ids = find_duplicates(SOKOLOVY)["cluster_id"].to_list()
    assert ids[0] != ids[1]
    same_phone = SOKOLOVY.with_columns(pl.lit("+7 495 123-45-67").alias("Телефон"))
    ids = find_duplicates(same_phone)["cluster_id"].to_list()
    assert ids[0] != ids[1]


def test_name_variants_of_one_person_still_merge():
    df = pl.DataFrame({
        "ФИО": ["Соколов Дмитрий Андреевич", "Соколов Дима Андреевич", "Sokolov Dmitrii", "Иванов Иван"],
        "Телефон": ["+7 495 123-45-67", "8 495 123 45 67", "+74951234567", "+7 912 000-00-01"],
    })
    ids = find_duplicates(df)["cluster_id"].to_list()
    assert ids[0] == ids[1] == ids[2] != ids[3]


def test_extensions_make_two_numbers():
    keys = prepare(SOKOLOVY)["phone"].to_list()
    assert keys[:2] == ["4951234567x123", "4951234567x124"]
    c = PhoneComparison("phone")
    levels = c.levels(pl.Series(["4951234567x123", "4951234567x123", "4951234567"]),
                      pl.Series(["4951234567x124", "4951234567x123", "4951234567x9"])).to_list()
    assert levels == [0, 2, 2]  # different extensions: else; one side only: still the number
