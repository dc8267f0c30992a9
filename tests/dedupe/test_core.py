"""find_duplicates: families, typos and transliteration, degenerate data, properties."""

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custdata.dedupe import deduplicate, find_duplicates
from custdata.errors import ColumnNotFound, InvalidOption

FAMILY = pl.DataFrame({
    "ФИО": [
        "Иванов Петр Сергеевич",       # father
        "Иванова Ольга Николаевна",    # mother
        "Иванов Алексей Петрович",     # son
        "Ivanov Aleksei Petrovich",    # the son again: transliterated
        "Иванов Алексей Петрович",     # and again, with a typo in the birth date
        "Сидорова Анна Ивановна",      # a neighbour, unrelated
    ],
    "Телефон": ["+7 912 345-67-89", "8 (912) 345-67-89", "89123456789", "+79123456789", "+7 912 3456789", "+7 903 111-22-33"],
    "Адрес": ["ул. Ленина, д. 5, кв. 12"] * 5 + ["ул. Мира, д. 1"],
    "Дата рождения": ["12.03.1965", "30.07.1968", "05.06.1995", "1995-06-05", "05.06.1996", "01.01.1970"],
})


def test_family_members_are_different_people():
    out = find_duplicates(FAMILY)
    ids = out["cluster_id"].to_list()
    assert len({ids[0], ids[1], ids[2]}) == 3          # father, mother, son: three clusters
    assert ids[2] == ids[3] == ids[4]                  # the son with translit and a typo: one
    assert ids[5] not in ids[:5]
    assert out["match_reason"][3] is not None and out["match_score"][3] >= 0.9
    assert out["match_score"][0] is None               # a person without duplicates


def test_output_keeps_rows_and_order():
    out = find_duplicates(FAMILY)
    assert out.columns == FAMILY.columns + ["cluster_id", "match_score", "match_reason"]
    assert out.drop("cluster_id", "match_score", "match_reason").equals(FAMILY)


def test_ids_are_stable_and_order_independent():
    a = find_duplicates(FAMILY)
    b = find_duplicates(FAMILY.reverse()).reverse()
    assert a["cluster_id"].to_list() == b["cluster_id"].to_list()
    assert a["cluster_id"].to_list() == find_duplicates(FAMILY)["cluster_id"].to_list()


def test_match_rule_and_pairs_table():
    df = pl.DataFrame({"email": ["Ivan.Petrov@gmail.com", "ivanpetrov+shop@gmail.com", "olga@mail.ru"], "name": ["Иван Петров", "I. Petrov", "Ольга"]})
    res = deduplicate(df, columns={"email": "email", "full_name": "name"}, rules="email")
    assert res.frame["cluster_id"][0] == res.frame["cluster_id"][1]
    assert res.frame["match_reason"][0] == "rule:email"
    assert {"row_l", "row_r", "email_level", "email_label", "email_weight", "match_probability"} <= set(res.pairs.columns)


@pytest.mark.parametrize("frame", [
    pl.DataFrame({"email": pl.Series([], dtype=pl.String)}),
    pl.DataFrame({"email": ["a@b.ru"]}),
    pl.DataFrame({"email": [None, None, None], "phone": ["1234567", "1234567", "1234567"]}, schema={"email": pl.String, "phone": pl.String}),
    pl.DataFrame({"email": ["x@y.ru"] * 4, "phone": [None] * 4}, schema={"email": pl.String, "phone": pl.String}),
])
def test_degenerate_frames_never_crash(frame):
    out = find_duplicates(frame, columns={c: c for c in frame.columns})
    assert out.height == frame.height
    assert out["cluster_id"].null_count() == 0


def test_all_equal_rows_are_one_cluster():
    df = pl.DataFrame({"email": ["x@y.ru"] * 4, "name": ["A"] * 4})
    assert find_duplicates(df, columns={"email": "email", "full_name": "name"})["cluster_id"].n_unique() == 1


def test_explosion_guard_end_to_end():
    n = 50_000
    df = pl.DataFrame({"phone": ["0"] * n, "email": [f"user{i}@example.com" for i in range(n)]})
    res = deduplicate(df, columns={"phone": "phone", "email": "email"})
    assert res.frame.height == n and res.pairs.height == 0
    # "0" is junk: it never becomes a key, so nothing even needs skipping.
    df2 = pl.DataFrame({"id": [str(i) for i in range(3000)], "code": ["12345678"] * 3000})
    res2 = deduplicate(df2, columns={"code": "code"}, max_block_size=1000)
    assert res2.pairs.height == 0
    assert any(d.kind == "block_skipped" and d.largest_block == 3000 for d in res2.diagnostics)


def test_bad_structure_errors():
    with pytest.raises(ColumnNotFound):
        find_duplicates(FAMILY, columns={"phone": "nope"})
    with pytest.raises(InvalidOption):
        find_duplicates(FAMILY, threshold=2.0)
    with pytest.raises(InvalidOption):
        find_duplicates(FAMILY, rules="postcode")


def test_lazyframe_in_lazyframe_out():
    out = find_duplicates(FAMILY.lazy())
    assert isinstance(out, pl.LazyFrame)
    assert out.collect()["cluster_id"].to_list() == find_duplicates(FAMILY)["cluster_id"].to_list()


def test_labels_force_pairs():
    res = deduplicate(FAMILY)
    from custdata.dedupe import record_keys
    keys = record_keys(FAMILY)
    labels = pl.DataFrame({"left_key": [keys[0]], "right_key": [keys[5]], "label": ["y"]})
    out = deduplicate(FAMILY, labels=labels).frame
    assert out["cluster_id"][0] == out["cluster_id"][5]
    assert res.frame["cluster_id"][0] != res.frame["cluster_id"][5]


people = st.lists(
    st.tuples(
        st.sampled_from(["Иванов Иван", "Петрова Анна", "John Smith", "Ivanov Ivan", "Smith John", None]),
        st.sampled_from(["+79123456789", "89123456789", "+79031112233", "0", None]),
        st.sampled_from(["a@x.ru", "A@X.RU", "b@y.com", None]),
    ),
    min_size=0,
    max_size=12,
)


def _frame(rows):
    return pl.DataFrame(rows, schema={"name": pl.String, "phone": pl.String, "email": pl.String}, orient="row")


COLS = {"full_name": "name", "phone": "phone", "email": "email"}


def _partition(out):
    groups = {}
    for i, c in enumerate(out["cluster_id"].to_list()):
        groups.setdefault(c, set()).add(i)
    return groups


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people, st.randoms(use_true_random=False))
def test_properties(rows, rnd):
    df = _frame(rows)
    out = find_duplicates(df, columns=COLS)
    # No row lost; clusters are a partition of the rows.
    assert out.height == df.height and out["cluster_id"].null_count() == 0
    parts = _partition(out)
    assert sum(len(p) for p in parts.values()) == df.height
    # The result does not depend on row order.
    perm = list(range(df.height))
    rnd.shuffle(perm)
    shuffled = find_duplicates(df[perm], columns=COLS)
    back = dict(zip(perm, shuffled["cluster_id"].to_list()))
    assert [back[i] for i in range(df.height)] == out["cluster_id"].to_list()
    # Adding an exact duplicate never splits a cluster.
    if df.height:
        k = rnd.randrange(df.height)
        more = find_duplicates(pl.concat([df, df[k]]), columns=COLS)
        ids = more["cluster_id"].to_list()
        assert ids[-1] == ids[k]
        for members in parts.values():
            assert len({ids[i] for i in members}) == 1
