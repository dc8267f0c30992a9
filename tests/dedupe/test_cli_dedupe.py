"""``custdata dedupe`` end to end on real files (subprocess, real exit codes)."""

import json

import polars as pl

FAMILY_CSV = (
    "ФИО;Телефон;Адрес;Дата рождения\n"
    "Иванов Петр Сергеевич;+7 912 345-67-89;ул. Ленина, д. 5;12.03.1965\n"
    "Иванова Ольга Николаевна;8 (912) 345-67-89;ул. Ленина, д. 5;30.07.1968\n"
    "Иванов Алексей Петрович;89123456789;ул. Ленина, д. 5;05.06.1995\n"
    "Ivanov Aleksei Petrovich;+79123456789;Lenina 5;1995-06-05\n"
)
SHOP_CSV = "full_name,phone,email\nAleksei Ivanov,+7 912 345 67 89,a.ivanov@mail.ru\nOlga Kim,+7 999 111 22 33,kim@mail.ru\n"


def _write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_default_command_with_several_inputs(cli, tmp_path):
    a = _write(tmp_path, "crm.csv", FAMILY_CSV, "cp1251")
    b = _write(tmp_path, "shop.csv", SHOP_CSV)
    out = tmp_path / "out.csv"
    golden = tmp_path / "golden.csv"
    pairs = tmp_path / "pairs.parquet"
    r = cli("dedupe", a, b, "-o", out, "--golden", golden, "--pairs", pairs, "--households")
    assert r.exit_code == 0, r.stderr
    df = pl.read_csv(out)
    assert df.height == 6 and {"cluster_id", "match_score", "match_reason", "source", "household_id"} <= set(df.columns)
    assert set(df["source"]) == {"crm.csv", "shop.csv"}  # the file names, as in `custdata clean`
    ids = df["cluster_id"].to_list()
    assert len({ids[0], ids[1], ids[2]}) == 3 and ids[2] == ids[3]
    assert pl.read_csv(golden).height == df["cluster_id"].n_unique()
    assert pl.read_parquet(pairs).height > 0
    assert "dedupe:" in r.stderr and "rows ->" in r.stderr


def test_link_subcommand(cli, tmp_path):
    a = _write(tmp_path, "crm.csv", FAMILY_CSV, "cp1251")
    b = _write(tmp_path, "shop.csv", SHOP_CSV)
    r = cli("dedupe", "link", a, b, "-k", "full_name=ФИО", "-k", "full_name=full_name", "-k", "phone=Телефон", "-k", "phone=phone")
    assert r.exit_code == 0, r.stderr
    lines = r.text.strip().splitlines()
    assert lines[0].startswith("row_left,row_right,match_probability")
    assert len(lines) == 2  # one match: Aleksei Ivanov


def test_evaluate_subcommand(cli, tmp_path):
    pred = _write(tmp_path, "pred.csv", "id,cluster_id,true_id\n1,a,x\n2,a,x\n3,b,y\n")
    r = cli("dedupe", "evaluate", pred, "--truth", pred, "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.text)["f1"] == 1.0


def test_review_and_labels_loop(cli, tmp_path):
    a = _write(tmp_path, "crm.csv", FAMILY_CSV, "cp1251")
    review = tmp_path / "review.csv"
    r = cli("dedupe", a, "-o", tmp_path / "o.csv", "--review", review, "-q")
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""
    rev = pl.read_csv(review)
    assert "label" in rev.columns
    labelled = tmp_path / "labels.csv"
    rev.with_columns(pl.lit("n").alias("label")).write_csv(labelled)
    r2 = cli("dedupe", a, "--labels", labelled, "-q")
    assert r2.exit_code == 0, r2.stderr


def test_master_mode(cli, tmp_path):
    a = _write(tmp_path, "crm.csv", FAMILY_CSV, "cp1251")
    first = tmp_path / "first.csv"
    assert cli("dedupe", a, "-o", first, "-q").exit_code == 0
    new = _write(tmp_path, "new.csv", "ФИО;Телефон;Адрес;Дата рождения\nИванов Алексей Петрович;+7 912 345 67 89;ул. Ленина 5;05.06.1995\n")
    r = cli("dedupe", new, "--master", first, "-q")
    assert r.exit_code == 0, r.stderr
    out = pl.read_csv(r.stdout)
    master = pl.read_csv(first)
    assert out["cluster_id"][0] == master["cluster_id"][2]


def test_config_file(cli, tmp_path):
    a = _write(tmp_path, "crm.csv", FAMILY_CSV, "cp1251")
    cfg = _write(tmp_path, "dedupe.toml", 'threshold = 0.95\n[columns]\nfull_name = "ФИО"\nphone = "Телефон"\nbirth_date = "Дата рождения"\n')
    r = cli("dedupe", a, "--config", cfg, "-q")
    assert r.exit_code == 0, r.stderr
    assert pl.read_csv(r.stdout).height == 4


def test_missing_column_is_one_clear_line(cli, tmp_path):
    a = _write(tmp_path, "crm.csv", FAMILY_CSV, "cp1251")
    r = cli("dedupe", a, "-k", "phone=tel")
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: column 'tel' not found")
    assert "Иванов" not in r.stderr


def test_bad_options(cli, tmp_path):
    a = _write(tmp_path, "crm.csv", FAMILY_CSV, "cp1251")
    assert cli("dedupe", a, "-c", "phone").exit_code == 2
    assert cli("dedupe", a, "--threshold", "3").exit_code == 2
    assert cli("dedupe", tmp_path / "missing.csv").exit_code == 2


def test_help_lists_subcommands(cli):
    r = cli("dedupe", "--help")
    assert r.exit_code == 0 and "link" in r.text and "evaluate" in r.text


CLIENTS_CSV = (
    "client_id,first,last,dob,email\n"
    "K-001,Larry,Smith,1995-06-24,larry@x.com\n"
    "K-002,LARYR,Smith,,larry@x.com\n"
    "K-003,Susan,Smith,1968-01-02,susan@x.com\n"
)


def test_dry_run_prints_only_what_would_be_used(inproc, tmp_path):
    src = _write(tmp_path, "clients.csv", CLIENTS_CSV)
    out = tmp_path / "out.csv"
    r = inproc("dedupe", src, "-o", out, "--dry-run", "-k", "first_name=first", "-k", "last_name=last",
               "-k", "birth_date=dob", "-k", "email=email", "-k", "id=client_id")
    assert r.exit_code == 0, r.stderr
    assert not out.exists() and r.stdout == b""
    # the ids are all different: they name rows, they are not evidence (issue 10 follow-up)
    assert "column client_id: id (from named; unique per row: names rows, not compared)" in r.stderr
    assert "blocking email:" in r.stderr and "candidate pairs:" in r.stderr
    assert "Larry" not in r.stderr  # column names and counts only, never values


def test_plan_block_before_matching_and_readable_pairs(inproc, tmp_path):
    src = _write(tmp_path, "clients.csv", CLIENTS_CSV)
    out, pairs = tmp_path / "out.csv", tmp_path / "pairs.csv"
    r = inproc("dedupe", src, "-o", out, "--pairs", pairs)
    assert r.exit_code == 0, r.stderr
    assert r.stderr.index("candidate pairs:") < r.stderr.index("rows ->")
    assert "not used (looks like an identifier" in r.stderr and "client_id" in r.stderr
    p = pl.read_csv(pairs)
    # records named by the id column, the keys compared side by side, the veto rule by name
    assert {"id_l", "id_r", "email_key_l", "email_key_r", "veto"} <= set(p.columns)
    assert set(p["id_l"]) | set(p["id_r"]) <= {"K-001", "K-002", "K-003"}


def test_explain_a_pair_never_compared(inproc, tmp_path):
    src = _write(tmp_path, "clients.csv", CLIENTS_CSV)
    r = inproc("dedupe", "explain", src, "K-001", "K-003", "--id-column", "client_id", "--json")
    assert r.exit_code == 0, r.stderr
    why = json.loads(r.stdout)
    assert why["same_cluster"] is False
    assert all(v in ("pair", "different", "missing") for v in why["blocking"].values())
    text = inproc("dedupe", "explain", src, "K-001", "K-002", "--id-column", "client_id")
    assert text.exit_code == 0 and b"same person: yes" in text.stdout
