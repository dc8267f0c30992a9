"""Pipeline values of the wrong type, bad paths and unwritable outputs: exit 2 before any work."""

from __future__ import annotations

import threading
from pathlib import Path

import polars as pl
import pytest

from custdata.errors import OutputError
from custdata.pipeline import PipelineError, run_pipeline
from custdata.pipeline import registry

HEAD = '[pipeline]\nname = "t"\n{head}\n[[steps]]\nstep = "read"\nsource = "in.csv"\n{read}\n'
WRITE = '[[steps]]\nstep = "write"\ntarget = "out/o.csv"\n'


def make(tmp_path: Path, *, head: str = "", read: str = "", body: str = "") -> Path:
    (tmp_path / "in.csv").write_text("name,phone,email\nAnn,+79123456789,a@example.com\n")
    path = tmp_path / "p.toml"
    path.write_text(HEAD.format(head=head, read=read) + body + WRITE, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "read, body, key",
    [
        ("encoding = 5", "", "encoding"),
        ("", '[[steps]]\nstep = "dedupe"\nthreshold = "abc"\n', "threshold"),
        ("", '[[steps]]\nstep = "dedupe"\ncolumns = 5\n', "columns"),
        ("", '[[steps]]\nstep = "normalize.phones"\ncolumns = 5\n', "columns"),
        ("", '[[steps]]\nstep = "normalize"\nregion = ["RU"]\n', "region"),
        ("", '[[steps]]\nstep = "normalize.phones"\ncolumns = "phone"\nformats = "yes"\n', "formats"),
        ("", '[[steps]]\nstep = "mask"\ncolumns = [1, 2]\nmethod = "mask"\n', "columns"),
    ],
)
def test_wrong_type_is_a_validation_error(inproc, tmp_path, read, body, key):
    path = make(tmp_path, read=read, body=body)
    with pytest.raises(PipelineError, match=rf"line \d+, key '{key}'.*wrong type"):
        run_pipeline(path, dry_run=True)
    res = inproc("run", path)
    assert res.exit_code == 2, res.stderr
    assert not (tmp_path / "out").exists()


def test_right_types_pass(tmp_path):
    body = (
        '[[steps]]\nstep = "normalize"\ncolumns = { phone = ["phone"] }\n\n'
        '[[steps]]\nstep = "dedupe"\nthreshold = 0.9\n\n'
        '[[steps]]\nstep = "mask"\ncolumns = ["email"]\nmethod = "mask"\n\n'
    )
    report = run_pipeline(make(tmp_path, read="encoding = \"utf-8\"", body=body))
    assert report.status == "ok"


def test_type_ok_examples():
    assert registry.type_ok(1, float) and not registry.type_ok(True, int)
    assert not registry.type_ok("x", list[str]) and registry.type_ok(None, "str | None")


def test_input_naming_the_step_itself(tmp_path):
    body = '[[steps]]\nid = "me"\ninput = "me"\nstep = "dedupe"\n'
    with pytest.raises(PipelineError, match="not the id of an earlier step"):
        run_pipeline(make(tmp_path, body=body), dry_run=True)


def test_missing_base_dir_is_a_configuration_error(inproc, tmp_path):
    path = make(tmp_path, head='base_dir = "nowhere"')
    res = inproc("run", path)
    assert res.exit_code == 2 and "base_dir" in res.stderr and "line 3" in res.stderr


def test_log_path_that_is_a_folder(inproc, tmp_path):
    path = make(tmp_path, head='log = "logs"')
    (tmp_path / "logs").mkdir()
    res = inproc("run", path)
    assert res.exit_code == 2 and "log path is a folder" in res.stderr
    res = inproc("run", make(tmp_path), "--log", tmp_path / "logs")
    assert res.exit_code == 2
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("report", ["out", "in.csv/r.json"])
def test_unwritable_report_is_refused_before_any_output(inproc, tmp_path, report):
    path = make(tmp_path, head=f'report = "{report}"')
    (tmp_path / "out").mkdir()
    res = inproc("run", path)
    assert res.exit_code == 2, res.stderr
    assert not (tmp_path / "out" / "o.csv").exists()


def test_sigterm_surfacing_as_a_polars_error_is_143(tmp_path, monkeypatch):
    stop = threading.Event()

    def interrupted(frame, **kwargs):
        stop.set()  # what the SIGTERM handler does before polars wraps its SystemExit
        raise pl.exceptions.ComputeError("SystemExit: 143")

    spec = registry.STEPS["dedupe"]
    monkeypatch.setattr(spec.__class__, "function", lambda self: interrupted if self is spec else
                        __import__("importlib").import_module(self.target.split(":")[0]).__dict__[self.target.split(":")[1]])
    path = make(tmp_path, body='[[steps]]\nstep = "dedupe"\n')
    with pytest.raises(SystemExit) as info:
        run_pipeline(path, stop=stop)
    assert info.value.code == 143
    report = (tmp_path / "out" / "o.report.json").read_text()
    assert '"exit_code": 143' in report and not (tmp_path / "out" / "o.csv").exists()


def test_check_writable_refuses_a_folder(tmp_path):
    from custdata.pipeline.runner import check_writable

    with pytest.raises(OutputError, match="is a folder"):
        check_writable(tmp_path, "output")
