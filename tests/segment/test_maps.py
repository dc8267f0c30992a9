"""Segment map presets and TOML maps."""

from __future__ import annotations

import itertools
from pathlib import Path

import polars as pl
import pytest

from custdata.errors import InvalidOption, UnreadableInput
from custdata.segment import assign_segment, load_segment_map, preset, segment_map_from_dict


def _all_cells() -> pl.DataFrame:
    cells = list(itertools.product(range(1, 6), repeat=3))
    return pl.DataFrame(cells, schema=["r", "f", "m"], orient="row")


def test_rf_map_names_every_cell_once() -> None:
    smap = preset("rf")
    assert [s.name for s in smap.segments] == [
        "Champions", "Loyal", "Potential Loyalists", "New", "Promising", "Need Attention",
        "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating"]
    for r, f in itertools.product(range(1, 6), repeat=2):
        hits = [s.name for s in smap.segments if s.r[0] <= r <= s.r[1] and s.f[0] <= f <= s.f[1]]
        assert len(hits) == 1, (r, f, hits)
    labels = _all_cells().select(assign_segment("r", "f", "m"))["segment"]
    assert "Others" not in labels.to_list()


def test_rfm_package_table() -> None:
    out = _all_cells().with_columns(assign_segment("r", "f", "m", segment_map="rfm"))
    # first match wins, as in rfm::rfm_segment
    assert out.filter((pl.col("r") == 5) & (pl.col("f") == 5) & (pl.col("m") == 5))["segment"].item() == "Champions"
    assert out.filter((pl.col("r") == 1) & (pl.col("f") == 1) & (pl.col("m") == 1))["segment"].item() == "Lost"
    # issue 11: the current rfm package table (the old one had three unreachable segments)
    assert out.filter((pl.col("r") == 5) & (pl.col("f") == 5) & (pl.col("m") == 1))["segment"].item() == "Others"


def test_display_names() -> None:
    assert preset("rf").display_names("uk")["Hibernating"] == "Сплячі"
    assert preset("rfm").display_names("ru")["Others"] == "Прочие"
    with pytest.raises(InvalidOption, match="language"):
        preset("rf").display_names("de")


def test_toml_map(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('name = "mine"\n[[segment]]\nname = "Top"\nr = 5\nf = [4, 5]\nm = [4, 5]\n', encoding="utf-8")
    smap = load_segment_map(path)
    assert smap.name == "mine" and smap.segments[0].r == (5, 5)
    assert load_segment_map("rf") is preset("rf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "at least one"),
        ({"segment": [{"r": [1, 2]}]}, "has no name"),
        ({"segment": [{"name": "x", "r": [4, 2]}]}, "within 1..5"),
        ({"segment": [{"name": "x", "recency": [1, 2]}]}, "unknown key"),
    ],
)
def test_bad_maps(data: dict, message: str) -> None:
    with pytest.raises(InvalidOption, match=message):
        segment_map_from_dict(data)


def test_bad_map_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidOption, match="unknown segment map"):
        load_segment_map("nope")
    with pytest.raises(UnreadableInput, match="not found"):
        load_segment_map(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[segment]\n", encoding="utf-8")
    with pytest.raises(UnreadableInput, match="not valid TOML"):
        load_segment_map(bad)


# --- issue 11: every segment of the R rfm table can be assigned, as rfm_segment() assigns them


def test_rfm_preset_matches_the_r_package_and_reaches_every_segment() -> None:
    import itertools

    from custdata.segment.maps import assign_segment, preset

    smap = preset("rfm")
    cells = list(itertools.product(range(1, 6), repeat=3))
    df = pl.DataFrame(cells, schema=["r", "f", "m"], orient="row")
    got = df.select(assign_segment("r", "f", "m", segment_map="rfm"))["segment"].to_list()

    # rfm::rfm_segment(): rows in order, a customer keeps the first segment that holds them
    names = ["Champions", "Potential Loyalist", "Loyal Customers", "Promising", "New Customers",
             "Can't Lose Them", "At Risk", "Need Attention", "About To Sleep", "Lost"]
    bounds = list(zip([5, 3, 2, 3, 4, 1, 1, 1, 2, 1], [5, 5, 4, 4, 5, 2, 2, 3, 3, 1],
                      [5, 3, 2, 1, 1, 3, 2, 3, 1, 1], [5, 5, 4, 3, 3, 4, 5, 5, 3, 5],
                      [5, 2, 2, 3, 1, 4, 4, 3, 1, 1], [5, 5, 4, 5, 5, 5, 5, 5, 4, 5], strict=True))

    def r_package(r: int, f: int, m: int) -> str:
        for name, (rl, ru, fl, fu, ml, mu) in zip(names, bounds, strict=True):
            if rl <= r <= ru and fl <= f <= fu and ml <= m <= mu:
                return name
        return "Others"

    assert got == [r_package(*c) for c in cells]
    assert {s.name for s in smap.segments} <= set(got)  # New Customers, Promising, Can't Lose Them too
    assert [s.name for s in smap.segments] == names
    assert got[cells.index((5, 1, 1))] == "New Customers"
    assert got[cells.index((1, 3, 5))] == "Can't Lose Them"
