"""No customer value in any message: a canary planted in the header and the cells never reaches
stderr, a log or a run report, across the error paths of every command."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custdata.errors import ColumnNotFound, show_columns

EMAIL, PHONE, NAME = "canary.zz9@example.com", "+79990001122", "Zyqxa Canaryova"
NEEDLES = ("zz9", "79990001122", "9990001122", "Zyqxa", "Canaryova")


def plant(folder: Path, order: tuple[int, ...] = (0, 1, 2)) -> Path:
    """A header-less CSV: its first row (read as the header) holds the canary values."""
    values = [EMAIL, PHONE, NAME]
    row = [values[i] for i in order]
    lines = [",".join(row), ",".join(row), "other@example.com,+79990003344,Ann Lee"]
    path = folder / "crm.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def clean_of_canary(text: str) -> bool:
    low = text.lower()
    return not any(n.lower() in low for n in NEEDLES)


COMMANDS = [
    ["normalize", "phones", "{f}", "-c", "tel"],
    ["normalize", "emails", "{f}", "-c", "mail"],
    ["normalize", "names", "{f}", "-c", "fio"],
    ["normalize", "birth-dates", "{f}", "-c", "dob"],
    ["normalize", "genders", "{f}", "-c", "sex"],
    ["normalize", "phones", "{f}"],
    ["normalize", "organizations", "{f}", "-c", "company"],
    ["normalize", "organizations", "{f}"],
    ["normalize", "addresses", "{f}", "-c", "addr"],
    ["normalize", "addresses", "{f}"],
    ["segment", "rfm", "{f}"],
    ["segment", "rfm", "{f}", "--customer", "id", "--date", "d", "--amount", "a"],
    ["mask", "{f}", "-c", "tel", "--method", "mask"],
    ["mask", "{f}", "--method", "mask", "-o", "{d}/m.csv"],
    ["mask", "{f}", "-c", EMAIL, "--method", "mask", "-o", "{d}/m2.csv"],
    ["unmask", "{f}", "-c", "tel"],
    ["suppress", "{f}", "--list", "{f}", "--on", "email", "--on", "phone"],
    ["dedupe", "{f}", "-c", "phone=tel"],
    ["dedupe", "evaluate", "{f}", "--truth", "{f}", "--blocking", "-k", "phone=tel"],
    ["clean", "{f}", "-o", "{d}/c.csv"],
    ["profile", "{f}"],
    ["convert", "{f}", "{d}/o.xlsx"],
    ["info", "{f}"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_no_canary_on_stderr(inproc, tmp_path, args):
    path = plant(tmp_path)
    res = inproc(*[a.format(f=path, d=tmp_path) for a in args], env={"CUSTDATA_KEY": "k" * 32})
    assert res.exit_code != 1, res.stderr
    assert clean_of_canary(res.stderr), res.stderr


PIPE = """\
[pipeline]
name = "t"
log = "run.log"

[[steps]]
step = "read"
source = "crm.csv"

[[steps]]
step = "{step}"
{args}

[[steps]]
step = "write"
target = "out/o.csv"
"""


@pytest.mark.parametrize(
    "step, args",
    [
        ("normalize.phones", 'columns = "tel"'),
        ("normalize", 'columns = { phone = ["tel"] }'),
        ("segment", ""),
        ("mask", 'columns = ["tel"]\nmethod = "mask"'),
        ("normalize.phones", f'columns = "{PHONE}"'),  # works, and the report stays clean
        ("mask", f'columns = ["{EMAIL}"]\nmethod = "drop"'),
    ],
)
def test_no_canary_in_pipeline_log_or_report(inproc, tmp_path, step, args):
    plant(tmp_path)
    path = tmp_path / "p.toml"
    path.write_text(PIPE.format(step=step, args=args), encoding="utf-8")
    res = inproc("run", path)
    assert res.exit_code != 1, res.stderr
    assert clean_of_canary(res.stderr), res.stderr
    assert clean_of_canary((tmp_path / "run.log").read_text()), (tmp_path / "run.log").read_text()
    report = tmp_path / "out" / "o.report.json"
    assert not report.exists() or clean_of_canary(report.read_text()), report.read_text()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.sampled_from(list(itertools.permutations(range(3)))),
    command=st.sampled_from(COMMANDS[:9]),
)
def test_property_canary_anywhere_in_the_header(inproc, tmp_path, order, command):
    folder = tmp_path / "-".join(map(str, order))
    folder.mkdir(exist_ok=True)
    path = plant(folder, order)
    res = inproc(*[a.format(f=path, d=folder) for a in command], env={"CUSTDATA_KEY": "k" * 32})
    assert res.exit_code != 1 and clean_of_canary(res.stderr), res.stderr


@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=6), st.sampled_from([EMAIL, PHONE]))
def test_property_column_not_found_never_echoes_a_value(names, canary):
    header = [*names, canary]
    assert clean_of_canary(str(ColumnNotFound("x", header)))
    assert clean_of_canary(show_columns(header))
