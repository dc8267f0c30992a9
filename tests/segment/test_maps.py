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
    assert out.filter((pl.col("r") == 5) & (pl.col("f") == 1) & (pl.col("m") == 5))["segment"].item() == "Others"


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
