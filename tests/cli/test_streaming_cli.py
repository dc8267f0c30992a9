"""normalize, mask, suppress and convert stream file → file (--batch-rows) with the same output
and the same report as in memory (--batch-rows 0); profile reads a file in batches and merges
its figures into the same profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custdata import io as cio


@pytest.mark.parametrize(
    ("command", "column", "ext"),
    [
        ("phones", "Телефон", "parquet"),
        ("emails", "Эл. почта", "csv"),
        ("dates", "Дата рождения", "csv"),
        ("genders", "Пол", "jsonl"),
    ],
)
def test_streamed_equals_in_memory(
    inproc, examples_dir: Path, tmp_path: Path, command: str, column: str, ext: str
) -> None:
    src = examples_dir / "crm_export.csv"
    memory = inproc("normalize", command, src, "-c", column, "-o", tmp_path / f"m.{ext}",
                    "--batch-rows", "0")  # fmt: skip
    assert memory.exit_code == 0, memory.stderr
    streamed = inproc("normalize", command, src, "-c", column, "-o", tmp_path / f"s.{ext}",
                      "--batch-rows", "45")  # fmt: skip
    assert streamed.exit_code == 0, streamed.stderr
    assert cio.read(tmp_path / f"s.{ext}").equals(cio.read(tmp_path / f"m.{ext}"))
    assert streamed.stderr == memory.stderr  # the same counts, added up over 11 batches
    assert "of 451 rows" in streamed.stderr


def test_detected_column_and_default_batch(inproc, examples_dir: Path, tmp_path: Path) -> None:
    src = examples_dir / "crm_export.csv"
    streamed = inproc("normalize", "phones", src, "-o", tmp_path / "s.csv")
    memory = inproc("normalize", "phones", src, "-o", tmp_path / "m.csv", "--batch-rows", "0")
    assert streamed.exit_code == memory.exit_code == 0
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "m.csv").read_bytes()


def test_bad_row_fails_cleanly_when_streamed(inproc, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("tel\n" + "8 912 345 67 89\n" * 30 + "1,2\n")
    out = tmp_path / "o.csv"
    result = inproc("normalize", "phones", src, "-c", "tel", "-o", out, "--batch-rows", "7")
    assert result.exit_code == 2
    assert "32" in result.stderr  # the bad line's number
    assert not out.exists()


def test_convert_streams_with_the_same_result(inproc, examples_dir: Path, tmp_path: Path) -> None:
    src = examples_dir / "crm_export.csv"
    streamed = inproc("convert", src, tmp_path / "s.parquet", "--batch-rows", "100")
    memory = inproc("convert", src, tmp_path / "m.parquet", "--batch-rows", "0")
    assert streamed.exit_code == memory.exit_code == 0
    assert streamed.stderr == memory.stderr
    assert "451 rows, 9 columns" in streamed.stderr
    assert cio.read(tmp_path / "s.parquet").equals(cio.read(tmp_path / "m.parquet"))


# --------------------------------------------------------------------------- names, ids, all,
# mask, suppress: 53 rows of the CRM export (cp1251, ';') and the same rows as Parquet, cut into
# batches of 7 (8 batches, a short last one; 11 to 17 for the slower steps). The first rows hold
# Ukrainian numbers written both with +380 and nationally, so a batch that guessed regions from
# its own rows would differ.

KEY = "a test key of sixteen bytes or more"


@pytest.fixture(scope="module")
def small_inputs(tmp_path_factory, examples_dir_module: Path) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("small")
    frame = cio.read(examples_dir_module / "crm_export.csv").head(53)
    csv = folder / "crm53.csv"
    csv.write_bytes(frame.write_csv(separator=";").encode("cp1251"))
    parquet = folder / "crm53.parquet"
    frame.write_parquet(parquet)
    return {"csv": csv, "parquet": parquet}


@pytest.fixture(scope="module")
def examples_dir_module() -> Path:
    return Path(__file__).resolve().parents[2] / "examples"


STREAMED_COMMANDS = {
    "names": ["normalize", "names"],
    "name-parts": ["normalize", "names", "--last", "ФИО", "--first", "Город"],
    "ids": ["normalize", "ids", "-c", "Код клиента"],
    "all": ["normalize", "all", "--fallback-region", "UA"],
    "organizations": ["normalize", "organizations", "-c", "ФИО"],
    "addresses": ["normalize", "addresses"],
    "mask-hash": ["mask"],
    "mask-mask": ["mask", "--method", "mask", "-k", "contact=Эл. почта"],
    "mask-tokenize": ["mask", "--method", "tokenize", "-c", "Телефон"],
    "mask-drop": ["mask", "--method", "drop", "-c", "Телефон,Адрес"],
    "suppress-drop": ["suppress", "--list", "{optouts}"],
    "suppress-flag": ["suppress", "--list", "{optouts}", "--on", "phone", "--mode", "flag"],
}
# a batch costs `all` ~0.15 s, names ~0.13 s and mask ~0.1 s whatever its size: fewer, still
# odd, batches
BATCH_ROWS = {"all": 13, "mask-hash": 11, "mask-mask": 11, "names": 17, "name-parts": 17}


# the slow steps through one input format each (both formats are covered among them), the rest
# through both
ONE_FORMAT = {"all": "csv", "names": "csv", "mask-hash": "csv", "name-parts": "parquet",
              "mask-mask": "parquet"}  # fmt: skip
CASES = [(n, f) for n in sorted(STREAMED_COMMANDS) for f in ("csv", "parquet")
         if ONE_FORMAT.get(n, f) == f]  # fmt: skip


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_more_commands_stream_as_in_memory(
    inproc, small_inputs: dict[str, Path], examples_dir: Path, tmp_path: Path, name: str, fmt: str
) -> None:
    args = [
        a.replace("{optouts}", str(examples_dir / "optouts.csv")) for a in STREAMED_COMMANDS[name]
    ]
    src = small_inputs[fmt]
    out_ext = "parquet" if fmt == "csv" else "csv"  # the other format out
    env = {"CUSTDATA_KEY": KEY}
    memory = inproc(*args, src, "-o", tmp_path / f"m.{out_ext}", "--batch-rows", "0", env=env)
    assert memory.exit_code == 0, memory.stderr
    batch = BATCH_ROWS.get(name, 7)
    streamed = inproc(*args, src, "-o", tmp_path / f"s.{out_ext}", "--batch-rows", batch, env=env)
    assert streamed.exit_code == 0, streamed.stderr
    expected = cio.read(tmp_path / f"m.{out_ext}")
    assert cio.read(tmp_path / f"s.{out_ext}").equals(expected)
    assert (tmp_path / f"s.{out_ext}").read_bytes() == (tmp_path / f"m.{out_ext}").read_bytes() or (
        out_ext == "parquet"  # row groups differ; the table does not
    )
    assert streamed.stderr == memory.stderr


def test_batches_guessing_regions_alone_would_differ(
    small_inputs: dict[str, Path], tmp_path: Path
) -> None:
    """The tests above can fail: without the whole file's regions, batches of 7 read a phone
    differently (so `normalize all`, `mask` and `suppress` must find them first, as they do)."""
    from custdata.normalize import phones
    from custdata.streaming import stream

    src = small_inputs["csv"]
    step = lambda f: phones(f, "Телефон", region="RU")  # noqa: E731 - regions left to each batch
    stream(step, src, tmp_path / "naive.parquet", batch_rows=7)
    whole = step(cio.read(src))
    naive = cio.read(tmp_path / "naive.parquet")
    assert naive.height == whole.height
    assert not naive.equals(whole)


def test_suppress_counts_added_up_over_batches(
    inproc, small_inputs: dict[str, Path], examples_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "s.csv"
    result = inproc("suppress", small_inputs["csv"], "--list", examples_dir / "optouts.csv",
                    "-o", out, "--batch-rows", "7")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    kept = cio.read(out).height
    assert f"suppress: {53 - kept:,} of 53 rows matched" in result.stderr
    assert 0 < kept < 53


def test_mask_streams_in_place_only_when_asked(
    inproc, small_inputs: dict[str, Path], tmp_path: Path
) -> None:
    src = tmp_path / "crm.parquet"
    src.write_bytes(small_inputs["parquet"].read_bytes())
    args = ["mask", "--method", "drop", "-c", "Адрес", src, "-o", src, "--batch-rows", "7"]
    refused = inproc(*args)
    assert refused.exit_code == 2
    assert "Адрес" in cio.read(src).columns
    done = inproc(*args, "--in-place")
    assert done.exit_code == 0, done.stderr
    written = cio.read(src)
    assert written.height == 53 and "Адрес" not in written.columns


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_profile_streams_as_in_memory(inproc, small_inputs: dict[str, Path], fmt: str) -> None:
    src = small_inputs[fmt]
    memory = inproc("profile", src, "--json", "--batch-rows", "0")
    streamed = inproc("profile", src, "--json", "--batch-rows", "7" if fmt == "csv" else "13")
    assert memory.exit_code == streamed.exit_code == 0, streamed.stderr
    assert streamed.stdout == memory.stdout  # every figure, merged over 8 (5) batches
    assert streamed.stderr == memory.stderr  # the terminal table
    assert json.loads(streamed.stdout)["duplicates"]["keys"] == ["Телефон", "Эл. почта"]


@pytest.mark.parametrize(
    "args",
    [["normalize", "all"], ["normalize", "ids", "-c", "ИНН"], ["suppress", "--list", "{optouts}"]],
)
def test_header_only_input_reports_as_in_memory(
    inproc, examples_dir: Path, tmp_path: Path, args
) -> None:
    src = tmp_path / "empty.csv"
    src.write_text("ИНН,Телефон,email\n")
    args = [a.replace("{optouts}", str(examples_dir / "optouts.csv")) for a in args]
    memory = inproc(*args, src, "-o", tmp_path / "m.csv", "--batch-rows", "0")
    streamed = inproc(*args, src, "-o", tmp_path / "s.csv", "--batch-rows", "7")
    assert memory.exit_code == streamed.exit_code == 0, streamed.stderr
    assert streamed.stderr == memory.stderr
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "m.csv").read_bytes()
