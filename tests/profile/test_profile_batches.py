"""ProfileBuilder and streaming.profile_file: a profile built batch by batch equals the profile
of the whole table (counts, distinct counts, top values, validity, duplicates across batches)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from custdata import io as cio
from custdata.privacy.mask import column_kinds
from custdata.profiling import Profile, ProfileBuilder, phone_key_regions, profile
from custdata.streaming import profile_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KINDS = {"tel": "phone", "mail": "email", "name": "full_name", "city": "text"}
TELS = ["8 912 345-67-89", "+7 912 345 67 89", "+380 50 123 45 67", "+380 67 984 64 52",
        "050 123 45 67", "нет", "", None, "12345"]  # fmt: skip
MAILS = ["ivan@mail.ru", "IVAN@mail.ru", "bad@", "n/a", None, "olga@yandex.ru"]
NAMES = ["Иванов Иван", "иванов иван", "-", None, "Olga Petrova"]
CITIES = ["Москва", "Тверь", " ", None, "Київ"]


def _built(frame: pl.DataFrame, cuts: list[int], *, kinds: dict = KINDS, **kw) -> Profile:
    kinds = column_kinds(frame, kinds=kinds)
    builder = ProfileBuilder(frame.schema, kinds, regions=phone_key_regions(frame, kinds))
    edges = [0, *sorted(set(cuts)), frame.height]
    for start, end in zip(edges, edges[1:], strict=False):
        builder.add(frame.slice(start, max(0, end - start)))
    return builder.result(**kw)


# the merge is what is under test (validity is judged once, on the merged distinct values):
# an email key column and free text keep each example cheap (a phone or name batch costs more)
CHEAP = {"mail": "email", "city": "text"}
rows = st.lists(
    st.tuples(st.sampled_from(MAILS), st.sampled_from(CITIES) | st.text(max_size=3)), max_size=40
)


@settings(max_examples=15, deadline=None)
@given(rows=rows, cuts=st.lists(st.integers(0, 40), max_size=5), top=st.integers(1, 4))
def test_any_cut_into_batches_gives_the_whole_profile(rows, cuts, top) -> None:
    frame = pl.DataFrame(rows, schema=list(CHEAP), orient="row")
    cuts = [c for c in cuts if c <= frame.height]
    whole = profile(frame, kinds=CHEAP, top=top)
    assert _built(frame, cuts, kinds=CHEAP, top=top).to_dict() == whole.to_dict()


def test_every_kind_cut_into_batches_gives_the_whole_profile() -> None:
    frame = pl.DataFrame(
        [(TELS[i % 9], MAILS[i % 6], NAMES[i % 5], CITIES[i % 4]) for i in range(37)],
        schema=list(KINDS),
        orient="row",
    )
    assert _built(frame, [5, 6, 19]).to_dict() == profile(frame, kinds=KINDS).to_dict()


def test_a_key_repeated_in_a_later_batch_is_a_duplicate() -> None:
    frame = pl.DataFrame({"tel": ["8 912 345-67-89", None, "+7 912 345 67 89", "+7 912 345 67 89"],
                          "mail": ["a@x.ru", "b@x.ru", "c@x.ru", "B@x.ru"]})  # fmt: skip
    p = _built(frame.with_columns(name=pl.lit(None), city=pl.lit("x")), [1, 2, 3])
    d = p.duplicates
    assert (d.duplicate_rows, d.by_key) == (2, {"tel": 2, "mail": 1})
    assert d.estimated_people == 2 and d.rows_without_key == 0
    assert p.column("tel").distinct == 2 and p.column("tel").valid == 3


def test_profile_file_equals_profile_of_the_read_table(tmp_path: Path) -> None:
    rows = cio.read(EXAMPLES / "crm_export.csv").head(60)
    src = tmp_path / "crm60.csv"  # cp1251, ';' as a 1C export
    src.write_bytes(rows.write_csv(separator=";").encode("cp1251"))
    whole = profile(cio.read(src), top=3)
    assert profile_file(src, batch_rows=7, top=3).to_dict() == whole.to_dict()
    parquet = tmp_path / "crm60.parquet"
    rows.write_parquet(parquet)
    assert profile_file(parquet, batch_rows=13, top=3).to_dict() == whole.to_dict()


def test_header_only_file(tmp_path: Path) -> None:
    src = tmp_path / "h.csv"
    src.write_text("tel,mail\n")
    p = profile_file(src, batch_rows=5)
    assert p.rows == 0 and [c.distinct for c in p.columns] == [0, 0]
    assert p.to_dict() == profile(cio.read(src)).to_dict()
