"""Config: Python and TOML share one vocabulary."""

import polars as pl
import pytest

from custdata.dedupe import DedupeConfig, NameComparison, block_on, load_config, parse_rule
from custdata.errors import InvalidOption, UnreadableInput

TOML = """
threshold = 0.85
rules = ["email"]
distinct = ["first_name<=0,!birth_date>=4"]
blocking = ["phone", "surname_key+birth_date"]

[columns]
full_name = "ФИО"
phone = "Телефон"

[[comparisons]]
type = "NameComparison"
column = "first_name_key"
name = "first_name"
thresholds = [0.9]
"""


def test_toml_equals_python(tmp_path):
    path = tmp_path / "dedupe.toml"
    path.write_text(TOML, encoding="utf-8")
    cfg = load_config(path)
    py = DedupeConfig(
        columns={"full_name": "ФИО", "phone": "Телефон"},
        rules=[parse_rule("email")],
        distinct=[parse_rule("first_name<=0,!birth_date>=4")],
        comparisons=[NameComparison("first_name_key", name="first_name", thresholds=(0.9,))],
        blocking=[block_on("phone"), block_on("surname_key", "birth_date")],
        threshold=0.85,
    )
    assert cfg == py
    assert DedupeConfig.from_dict(cfg.to_dict()) == cfg


def test_dedupe_section_is_accepted(tmp_path):
    path = tmp_path / "all.toml"
    path.write_text("[dedupe]\nthreshold = 0.7\n", encoding="utf-8")
    assert load_config(path).threshold == 0.7


@pytest.mark.parametrize("data", [{"thresold": 0.9}, {"threshold": "high"}, {"comparisons": [{"type": "Nope", "column": "x"}]}, {"blocking": [""]}])
def test_bad_settings(data):
    with pytest.raises(InvalidOption):
        DedupeConfig.from_dict(data).validate()


def test_out_of_range_threshold():
    with pytest.raises(InvalidOption):
        DedupeConfig(threshold=1.5).validate()


def test_unreadable_files(tmp_path):
    with pytest.raises(UnreadableInput):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("threshold = = 1", encoding="utf-8")
    with pytest.raises(UnreadableInput):
        load_config(bad)


def test_phone_regions_in_the_toml_vocabulary(tmp_path):
    path = tmp_path / "ua.toml"
    path.write_text('region = "RU"\nfallback_region = "UA"\n', encoding="utf-8")
    cfg = load_config(path)
    assert (cfg.region, cfg.fallback_region) == ("RU", "UA")
    assert cfg.to_dict() == {"fallback_region": "UA"}  # the default region is left out
    assert DedupeConfig.from_dict(cfg.to_dict()) == cfg
    assert DedupeConfig().fallback_region is None


@pytest.mark.parametrize("data", [{"region": 7}, {"fallback_region": ["UA"]}])
def test_a_region_must_be_a_code(data):
    with pytest.raises(InvalidOption, match="region code"):
        DedupeConfig.from_dict(data)


@pytest.mark.parametrize("key", ["region", "fallback_region"])
def test_unknown_region_is_refused_whether_or_not_phones_are_used(key):
    from custdata.dedupe import find_duplicates

    frame = pl.DataFrame({"email": ["a@x.ru", "A@x.ru"]})  # no phone column at all
    with pytest.raises(InvalidOption, match="unknown region"):
        find_duplicates(frame, config=DedupeConfig(**{key: "XX"}))
