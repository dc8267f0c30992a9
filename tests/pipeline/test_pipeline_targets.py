"""A pipeline write target that is an input of the run (or another target) is refused at validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from custdata.pipeline import PipelineError, run_pipeline

HEAD = '[pipeline]\nname = "t"\n\n[[steps]]\nstep = "read"\nsource = "{source}"\n\n'


def _write(tmp_path: Path, body: str, source: str = "in.csv") -> Path:
    (tmp_path / "in.csv").write_text("name,email\nAnn,a@example.com\n", encoding="utf-8")
    (tmp_path / "optouts.csv").write_text("contact\nb@example.com\n", encoding="utf-8")
    path = tmp_path / "p.toml"
    path.write_text(HEAD.format(source=source) + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "body, source, line",
    [
        ('[[steps]]\nstep = "write"\ntarget = "in.csv"\n', "in.csv", 10),
        ('[[steps]]\nstep = "write"\ntarget = "./in.csv"\n', "*.csv", 10),
        ('[[steps]]\nstep = "write"\ntarget = "new.csv"\n', "*.csv", 10),  # next run reads it back
        (
            '[[steps]]\nstep = "suppress"\noptouts = "optouts.csv"\n\n'
            '[[steps]]\nstep = "write"\ntarget = "optouts.csv"\n',
            "in.csv",
            14,
        ),
    ],
)
def test_target_that_is_an_input(tmp_path, body, source, line):
    path = _write(tmp_path, body, source)
    before = (tmp_path / "in.csv").read_bytes()
    with pytest.raises(PipelineError) as info:
        run_pipeline(path)
    assert f"p.toml, line {line}, key 'target'" in str(info.value)
    assert "input of this run" in str(info.value)
    assert (tmp_path / "in.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "optouts.csv", "p.toml"]


def test_two_targets_same_file(tmp_path):
    body = '[[steps]]\nstep = "write"\ntarget = "o.csv"\n\n[[steps]]\nstep = "write"\ntarget = "./o.csv"\n'
    path = _write(tmp_path, body)
    with pytest.raises(PipelineError, match=r"line 14, key 'target'.*same file as step 2"):
        run_pipeline(path)


def test_run_cli_exits_2_and_dry_run_too(inproc, tmp_path):
    path = _write(tmp_path, '[[steps]]\nstep = "write"\ntarget = "in.csv"\n')
    for extra in ([], ["--dry-run"]):
        res = inproc("run", path, *extra)
        assert res.exit_code == 2 and "line 10" in res.stderr
