"""Linking, incremental master matching, households, review loop."""

import polars as pl

from custdata.dedupe import households, link, match_master, parse_labels, review_pairs, deduplicate

CRM = pl.DataFrame({
    "ФИО": ["Иванов Иван Петрович", "Петрова Анна Сергеевна", "Сидоров Олег"],
    "Телефон": ["+7 912 345-67-89", "+7 903 111-22-33", "+7 999 000-11-22"],
    "Дата рождения": ["01.02.1980", "03.04.1975", "05.06.1990"],
})
SHOP = pl.DataFrame({
    "full_name": ["Ivan Ivanov", "Anna Petrova", "Maria Kim"],
    "phone": ["89123456789", "+79031112233", "+79995554433"],
    "birth_date": ["1980-02-01", "1975-04-03", "1999-09-09"],
})


def test_link_two_tables():
    cols = {"full_name": ["ФИО", "full_name"], "phone": ["Телефон", "phone"], "birth_date": ["Дата рождения", "birth_date"]}
    pairs = link(CRM, SHOP, columns=cols)
    assert pairs.select("row_left", "row_right").rows() == [(0, 0), (1, 1)]
    assert pairs["match_probability"].min() >= 0.9


def test_master_keeps_ids_and_gives_new_ones():
    master = CRM.with_columns(pl.Series("cluster_id", ["P1", "P2", "P3"]))
    new = pl.DataFrame({
        "ФИО": ["Иванов Иван Петрович", "Новиков Пётр"],
        "Телефон": ["8 (912) 345-67-89", "+7 911 222-33-44"],
        "Дата рождения": ["1980-02-01", "07.07.1977"],
    })
    out = match_master(new, master)
    assert out.height == 2
    assert out["cluster_id"][0] == "P1"
    assert out["cluster_id"][1] not in ("P1", "P2", "P3")
    again = match_master(new, master)
    assert again["cluster_id"].to_list() == out["cluster_id"].to_list()


def test_households_group_family_not_neighbours():
    df = pl.DataFrame({
        "ФИО": ["Иванов Иван", "Иванова Мария", "Петров Олег", "Иванов Иван"],
        "Адрес": ["ул. Ленина, д. 5", "Ленина 5", "ул. Ленина, д. 5", None],
    })
    h = households(df)["household_id"].to_list()
    assert h[0] == h[1] and h[0] != h[2] and h[3] not in (h[0], h[2])


def test_review_file_round_trip():
    df = pl.DataFrame({
        "name": ["Иванов Иван", "Иванов Иван", "Ivanov I.", "Петрова Анна"],
        "phone": ["+79123456789", None, "+79123456789", "+79031112233"],
        "city": ["Москва", "Тверь", "Москва", "Москва"],
    })
    cols = {"full_name": "name", "phone": "phone", "city": "city"}
    res = deduplicate(df, columns=cols)
    rev = review_pairs(res, df, low=0.0, high=1.0)
    assert {"left_key", "right_key", "label", "name_left", "name_right"} <= set(rev.columns)
    assert rev["label"].null_count() == rev.height
    labelled = rev.with_columns(pl.lit("n").alias("label"))
    parsed = parse_labels(labelled)
    assert parsed.height == rev.height and not parsed["match"].any()
    out = deduplicate(df, columns=cols, labels=labelled).frame
    for a, b in zip(rev["left_key"], rev["right_key"]):
        from custdata.dedupe import record_keys
        keys = record_keys(df).to_list()
        assert out["cluster_id"][keys.index(a)] != out["cluster_id"][keys.index(b)]
