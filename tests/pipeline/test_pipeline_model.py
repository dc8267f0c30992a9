"""Pipeline files: parsing, line numbers in errors, --set overrides, templates, validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from custdata.pipeline import PipelineError, load_pipeline, make_plan, validate
from custdata.pipeline.model import parse_value

GOOD = """\
# nightly job
[pipeline]
name = "nightly"
date = "2026-03-01"

[[steps]]
step = "read"
source = "dumps/*.csv"

[[steps]]
step = "mask"
id = "masked"
columns = ["email"]
method = "mask"

[[steps]]
step = "write"
target = "out/customers-{date:%Y-%m-%d}.csv"
"""


def load(text: str, overrides: list[str] | None = None, name: str = "p.toml"):
    return load_pipeline(Path("/data") / name, text=text, overrides=overrides)


def test_parse_good_file():
    p = load(GOOD)
    assert p.name == "nightly" and p.date == dt.date(2026, 3, 1)
    assert [s.step for s in p.steps] == ["read", "mask", "write"]
    assert p.steps[1].id == "masked" and p.steps[1].args == {"columns": ["email"], "method": "mask"}
    assert p.steps[1].line == 10 and p.steps[1].key_lines["method"] == 14
    assert p.base_dir == Path("/data")
    assert len(validate(p)) == 3


def test_overrides():
    p = load(GOOD, ["date=2026-04-02", "mask.method=hash", "1.source=x.csv", "masked.columns=[\"a\",\"b\"]"])
    assert p.date == dt.date(2026, 4, 2)
    assert p.steps[0].args["source"] == "x.csv"
    assert p.steps[1].args == {"columns": ["a", "b"], "method": "hash"}
    with pytest.raises(PipelineError, match="no step"):
        load(GOOD, ["dedupe.rules=email"])
    with pytest.raises(PipelineError, match="not a \\[pipeline\\] key"):
        load(GOOD, ["colour=red"])
    with pytest.raises(PipelineError, match="KEY=VALUE"):
        load(GOOD, ["date"])


def test_parse_value():
    assert parse_value("1.5") == 1.5 and parse_value("false") is False
    assert parse_value("hello world") == "hello world"


def test_render_templates():
    p = load(GOOD)
    assert p.render("{name}/{date:%d.%m.%Y}/{yesterday:%Y%m%d}", key="target") == "nightly/01.03.2026/20260228"
    with pytest.raises(PipelineError, match="bad template"):
        p.render("{when}", key="target")


@pytest.mark.parametrize(
    ("edit", "line", "message"),
    [
        (('method = "mask"', 'metod = "mask"'), 14, "unknown argument 'metod'.*did you mean 'method'"),
        (('method = "mask"', 'method = "blur"'), 14, "not one of"),
        (('step = "mask"', 'step = "maks"'), 11, "unknown step 'maks'.*did you mean 'mask'"),
        (('method = "mask"', 'key = "secret"'), 14, "never put a key"),
        (('target = "out/customers-{date:%Y-%m-%d}.csv"', 'target = "out/{day}.csv"'), 18, "bad template"),
        (('source = "dumps/*.csv"', 'sorce = "dumps/*.csv"'), 8, "unknown argument 'sorce'"),
    ],
)
def test_errors_name_line_and_key(edit, line, message):
    p = load(GOOD.replace(*edit))
    with pytest.raises(PipelineError, match=message) as info:
        validate(p)
    assert info.value.line == line
    assert f"line {line}" in str(info.value) and "p.toml" in str(info.value)


def test_missing_required_argument():
    with pytest.raises(PipelineError, match="missing required argument 'source'") as info:
        validate(load(GOOD.replace('source = "dumps/*.csv"\n', "")))
    assert info.value.line == 6


def test_structure_errors():
    with pytest.raises(PipelineError, match="not valid TOML.*line"):
        load("[pipeline\nname = 1")
    with pytest.raises(PipelineError, match="no steps"):
        load("[pipeline]\nname = 'x'\n")
    with pytest.raises(PipelineError, match="unknown \\[pipeline\\] key") as info:
        load(GOOD.replace('name = "nightly"', 'nmae = "nightly"'))
    assert info.value.line == 3
    with pytest.raises(PipelineError, match="date must be"):
        load(GOOD.replace("2026-03-01", "yesterday"))
    with pytest.raises(PipelineError, match="not the id of an earlier step"):
        load(GOOD.replace('id = "masked"', 'input = "nothing"'))
    with pytest.raises(PipelineError, match="start the pipeline with a read"):
        validate(load(GOOD.replace('step = "read"\nsource = "dumps/*.csv"', 'step = "mask"\ncolumns = "a"')))
    with pytest.raises(PipelineError, match="writes nothing"):
        validate(load(GOOD.split("[[steps]]\nstep = \"write\"")[0]))
    with pytest.raises(PipelineError, match="not found"):
        load_pipeline("/nonexistent/p.toml")


def test_plan_resolves_paths(tmp_path):
    (tmp_path / "dumps").mkdir()
    for name in ("b.csv", "a.csv", "notes.txt"):
        (tmp_path / "dumps" / name).write_text("email\nx@y.ru\n")
    (tmp_path / "p.toml").write_text(GOOD)
    plan = make_plan(load_pipeline(tmp_path / "p.toml"))
    assert [p.name for p in plan.inputs[1]] == ["a.csv", "b.csv"]
    assert plan.outputs[0].target == tmp_path / "out" / "customers-2026-03-01.csv"
    assert plan.report == tmp_path / "out" / "customers-2026-03-01.report.json"
    assert plan.lock == tmp_path / "out" / ".nightly.lock"
    assert any("writes" in line for line in plan.describe())
