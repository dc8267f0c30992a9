"""`custdata mask / unmask / suppress / keygen` end to end on real files.

Each command runs once for real in a subprocess (`cli`); the other checks call the same entry
point in-process (`inproc`), which is much cheaper on a loaded machine.
"""

from __future__ import annotations

import stat

import polars as pl

KEY = "cli test key, at least sixteen bytes"
CSV = (
    "id;ФИО;Телефон;Эл. почта\n"
    "1;Иванов Иван Иванович;8 (912) 345-67-89;Ivan.Petrov+shop@gmail.com\n"
    "2;Петрова Анна Сергеевна;+7 903 111-22-33;anna@mail.ru\n"
    "3;Сидоров Олег;нет;oleg@yandex.ru\n"
).encode("cp1251")


def test_mask_hash_with_key_file(cli, inproc, tmp_path):
    src = tmp_path / "crm.csv"
    src.write_bytes(CSV)
    res = inproc("mask", src, "-c", "Телефон", "--method", "hash", env={"CUSTDATA_KEY": None})
    assert res.exit_code == 2 and "no key" in res.stderr and "CUSTDATA_KEY" in res.stderr
    key_file = tmp_path / "k.key"
    assert inproc("keygen", "-o", key_file).exit_code == 0
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = inproc("keygen", "-o", key_file)
    assert again.exit_code == 2 and "never overwritten" in again.stderr
    out = tmp_path / "hashed.csv"
    res = cli("mask", src, "--method", "hash", "--key-file", key_file, "-o", out)
    assert res.exit_code == 0, res.stderr
    assert "ФИО, Телефон, Эл. почта" in res.stderr
    data = pl.read_csv(out, infer_schema=False)
    assert data["id"].to_list() == ["1", "2", "3"]  # ids are kept: they join tables
    assert data["Телефон"][2] is None
    assert all(len(v) == 64 for v in data["Эл. почта"].to_list())


def test_mask_readable(inproc, tmp_path):
    src = tmp_path / "crm.csv"
    src.write_bytes(CSV)
    res = inproc("mask", src, "-c", "ФИО,Телефон", "-c", "Эл. почта", "--method", "mask")
    assert res.exit_code == 0, res.stderr
    masked = pl.read_csv(res.stdout, infer_schema=False)
    assert masked["ФИО"][0] == "Иванов И. И." and masked["Телефон"][0] == "+7 912 ***-**-89"
    assert masked["Эл. почта"][1] == "a***@mail.ru"
    res = inproc("mask", src, "-c", "Телефон", "--method", "blur")
    assert res.exit_code == 2 and "--method" in res.stderr


def test_tokenize_round_trip(cli, tmp_path):
    src = tmp_path / "crm.csv"
    src.write_bytes(CSV)
    env = {"CUSTDATA_KEY": KEY}
    tok = tmp_path / "tok.parquet"
    res = cli("mask", src, "-c", "Эл. почта", "--method", "tokenize", "-o", tok, env=env)
    assert res.exit_code == 0, res.stderr
    res = cli("unmask", tok, "-c", "Эл. почта", "--to", "csv", env=env)
    assert res.exit_code == 0, res.stderr
    back = pl.read_csv(res.stdout, infer_schema=False)
    assert back["Эл. почта"].to_list() == [
        "Ivan.Petrov+shop@gmail.com", "anna@mail.ru", "oleg@yandex.ru"]


def test_suppress_drop_and_flag(cli, inproc, tmp_path):
    src = tmp_path / "crm.csv"
    src.write_bytes(CSV)
    optouts = tmp_path / "optouts.csv"
    optouts.write_text("value\n+7 912 345 67 89\nIVANPETROV@gmail.com\nanna@mail.ru\n")
    res = cli("suppress", src, "--list", optouts, "-q")
    assert res.exit_code == 0, res.stderr
    assert "2 of 3 rows matched" in res.stderr  # the count is shown even with -q
    assert pl.read_csv(res.stdout, infer_schema=False)["id"].to_list() == ["3"]
    res = inproc("suppress", src, "--list", optouts, "--on", "phone", "--mode", "flag",
                 "-k", "phone=Телефон")
    assert res.exit_code == 0, res.stderr
    flagged = pl.read_csv(res.stdout, infer_schema=False)
    assert flagged["suppressed"].to_list() == ["true", "false", "false"]
    res = inproc("suppress", src, "--list", optouts, "--on", "name")
    assert res.exit_code == 2 and "cannot match" in res.stderr


def test_commands_have_help_and_docs(inproc):
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text(encoding="utf-8")
    for command in ("mask", "unmask", "suppress", "keygen"):
        res = inproc(command, "--help")
        assert res.exit_code == 0 and b"Usage" in res.stdout
        assert f"custdata {command}" in docs
