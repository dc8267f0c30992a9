"""--fallback-region means one thing on every command that reads phones: a second region tried
for a national number (no +) the default --region rejects, as normalize.phones(fallback_region=).

Each command runs end to end (in process) on a real CSV of Ukrainian national numbers read with
--region RU, once without and once with --fallback-region UA: without it RU rejects them, with
it they are read as +380 (the numbers are those of the issue: 0975419469, (073) 346-59-24).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from custdata import io as cio

KEY = "fallback test key, sixteen+ bytes"
UA = ["--region", "RU", "--fallback-region", "UA"]
RU_ONLY = ["--region", "RU"]


def _csv(path: Path, rows: dict[str, list[str]]) -> Path:
    pl.DataFrame(rows).write_csv(path)
    return path


@pytest.fixture
def national(tmp_path: Path) -> Path:
    """A Russian CRM export with two Ukrainian customers written the Ukrainian national way."""
    return _csv(
        tmp_path / "crm.csv",
        {
            "name": ["Шевченко Тарас", "Коваленко Олена", "Иванов Иван"],
            "phone": ["0975419469", "(073) 346-59-24", "8 912 345-67-89"],
            "email": ["taras@ukr.net", "olena@ukr.net", "ivan@mail.ru"],
        },
    )


@pytest.mark.parametrize(
    ("flags", "valid", "batch_rows"),
    [(RU_ONLY, 1, "0"), (UA, 3, "0"), (UA, 3, "1")],  # in memory, and a file read in batches
)
def test_profile_counts_the_national_numbers_valid(
    inproc, national, flags, valid, batch_rows
) -> None:
    res = inproc("profile", national, "--json", "-q", "--batch-rows", batch_rows, *flags)
    assert res.exit_code == 0, res.stderr
    phone = next(c for c in json.loads(res.text)["columns"] if c["name"] == "phone")
    assert phone["kind"] == "phone" and phone["valid"] == valid
    assert phone["invalid"] == 3 - valid


@pytest.mark.parametrize("batch_rows", ["0", "1"])
def test_mask_hash_equals_the_hash_of_the_international_form(
    inproc, national, tmp_path, batch_rows
) -> None:
    intl = _csv(tmp_path / "intl.csv", {"phone": ["+380975419469", "+380 73 346 59 24"]})
    env = {"CUSTDATA_KEY": KEY}
    ref = inproc("mask", intl, "-c", "phone", "--method", "hash", "-o", tmp_path / "i.csv", env=env)
    assert ref.exit_code == 0, ref.stderr
    expected = cio.read(tmp_path / "i.csv")["phone"].to_list()
    hashes = {}
    for name, flags in (("ru", RU_ONLY), ("ua", UA)):
        out = tmp_path / f"{name}.csv"
        res = inproc("mask", national, "-c", "phone", "--method", "hash", "-o", out,
                     "--batch-rows", batch_rows, *flags, env=env)  # fmt: skip
        assert res.exit_code == 0, res.stderr
        hashes[name] = cio.read(out)["phone"].to_list()[:2]
    assert hashes["ua"] == expected
    assert not set(hashes["ru"]) & set(expected)  # RU alone hashes the text as written


def test_mask_partial_shows_the_ukrainian_country_code(inproc, national, tmp_path) -> None:
    out = tmp_path / "m.csv"
    res = inproc("mask", national, "-c", "phone", "--method", "mask", "-o", out, *UA)
    assert res.exit_code == 0, res.stderr
    assert cio.read(out)["phone"].to_list()[:2] == ["+380 97 5** **69", "+380 73 3** **24"]


@pytest.mark.parametrize(("flags", "kept"), [(RU_ONLY, 3), (UA, 2)])
@pytest.mark.parametrize("batch_rows", ["0", "1"])
def test_suppress_catches_the_national_form(
    inproc, national, tmp_path, flags, kept, batch_rows
) -> None:
    optouts = _csv(tmp_path / "optouts.csv", {"contact": ["+380 97 541 94 69"]})
    out = tmp_path / "mailing.csv"
    res = inproc("suppress", national, "--list", optouts, "--on", "phone", "-o", out,
                 "--batch-rows", batch_rows, *flags)  # fmt: skip
    assert res.exit_code == 0, res.stderr
    left = cio.read(out)
    assert left.height == kept
    assert ("0975419469" in left["phone"].to_list()) == (kept == 3)


@pytest.fixture
def two_spellings(tmp_path: Path) -> Path:
    """One Ukrainian customer twice, with two emails: the phone written with and without the
    trunk 0. (0975419469 against +380975419469 would match even under RU alone: dedupe's
    phone key is the last 10 digits, and those agree for Ukrainian numbers.)"""
    return _csv(
        tmp_path / "people.csv",
        {
            "phone": ["0975419469", "(97) 541-94-69", "(073) 346-59-24"],
            "email": ["taras@ukr.net", "t.shevchenko@gmail.com", "olena@ukr.net"],
        },
    )


@pytest.mark.parametrize(("flags", "same"), [(RU_ONLY, False), (UA, True)])
def test_dedupe_clusters_the_two_spellings(inproc, two_spellings, tmp_path, flags, same) -> None:
    out, golden = tmp_path / "people_out.csv", tmp_path / "golden.csv"
    res = inproc("dedupe", two_spellings, "-o", out, "--golden", golden, "-q", *flags)
    assert res.exit_code == 0, res.stderr
    ids = cio.read(out)["cluster_id"].to_list()
    assert (ids[0] == ids[1]) is same and ids[2] not in ids[:2]
    phones = set(cio.read(golden)["phone"].drop_nulls().to_list())
    assert ("+380975419469" in phones) is same  # golden reads raw phones the same way


def test_dedupe_config_file_sets_the_regions(inproc, two_spellings, tmp_path) -> None:
    config = tmp_path / "dedupe.toml"
    config.write_text('region = "RU"\nfallback_region = "UA"\n', encoding="utf-8")
    out = tmp_path / "o.csv"
    res = inproc("dedupe", two_spellings, "--config", config, "-o", out, "-q")
    assert res.exit_code == 0, res.stderr
    ids = cio.read(out)["cluster_id"].to_list()
    assert ids[0] == ids[1]


@pytest.mark.parametrize(("flags", "matched"), [(RU_ONLY, 0), (UA, 1)])
def test_dedupe_link_matches_across_tables(inproc, tmp_path, flags, matched) -> None:
    left = _csv(tmp_path / "l.csv", {"phone": ["0975419469", "8 912 345-67-89"],
                                     "email": ["taras@ukr.net", "ivan@mail.ru"]})  # fmt: skip
    right = _csv(tmp_path / "r.csv", {"phone": ["(97) 541-94-69"], "email": ["t@gmail.com"]})
    out = tmp_path / "links.csv"
    res = inproc("dedupe", "link", left, right, "-o", out, "-q", *flags)
    assert res.exit_code == 0, res.stderr
    links = cio.read(out)
    assert links.height == matched
    if matched:
        assert links.row(0, named=True)["phone_left"] == "0975419469"


@pytest.mark.parametrize(("flags", "same"), [(RU_ONLY, False), (UA, True)])
def test_dedupe_explain_reads_the_same_keys(inproc, two_spellings, flags, same) -> None:
    res = inproc("dedupe", "explain", two_spellings, "0", "1", "--json", "-q", *flags)
    assert res.exit_code == 0, res.stderr
    why = json.loads(res.text)
    assert why["same_cluster"] is same
    assert (why["blocking"].get("phone") == "pair") is same


def test_a_bad_fallback_region_is_a_user_error(inproc, national) -> None:
    res = inproc("profile", national, "-q", "--region", "RU", "--fallback-region", "XX")
    assert res.exit_code == 2 and "unknown region" in res.stderr


@pytest.mark.parametrize(("flags", "recall"), [(RU_ONLY, 0.0), (UA, 1.0)])
def test_dedupe_evaluate_blocks_again_with_the_same_regions(
    inproc, two_spellings, tmp_path, flags, recall
) -> None:
    pred = tmp_path / "pred.csv"  # any prediction: the recall of blocking is about the keys
    pl.read_csv(two_spellings).with_columns(cluster_id=pl.Series(["a", "b", "c"])).write_csv(pred)
    truth = _csv(tmp_path / "truth.csv", {"true_id": ["taras", "taras", "olena"]})
    res = inproc("dedupe", "evaluate", pred, "--truth", truth, "--blocking", "--json", "-q",
                 *flags)  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.text)["blocking_recall"] == recall
    refused = inproc("dedupe", "evaluate", pred, "--truth", truth, *flags)
    assert refused.exit_code == 2 and "--blocking" in refused.stderr
