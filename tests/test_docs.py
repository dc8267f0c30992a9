"""Every example in docs/ and README.md runs: ```bash blocks as shell commands, ```python blocks exec'd.

Each block runs in a fresh temporary folder holding a copy of examples/ (so paths like
``examples/crm_export.csv`` work). A bash block made only of plain ``custdata ...`` commands
(no pipes, redirections, variables or other programs) runs in this process, one command after
another, which saves a Python start per command; any other bash block runs in a real shell
with the installed ``custdata`` on PATH. Python blocks are exec'd in this process. A block
fenced as ```bash norun (or ```python norun) is shown to readers but not run.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]
FENCE = re.compile(r"^```(bash|python)([^\n]*)\n(.*?)^```", re.S | re.M)
KEY = "docs-example-key-0123456789abcdef"
SHELL_SYNTAX = re.compile(r"[|<>;&`$(){}*?~]|^\s*\w+=")


def _blocks() -> list[tuple[str, int, str, str]]:
    found = []
    for path in DOC_FILES:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            lang, flags, body = match.group(1), match.group(2), match.group(3)
            if "norun" in flags:
                continue
            line = text[: match.start()].count("\n") + 1
            found.append((str(path.relative_to(ROOT)), line, lang, body))
    return found


def custdata_commands(body: str) -> list[list[str]] | None:
    """The argv of each command when a bash block is only plain ``custdata`` calls, else None.

    >>> custdata_commands('custdata info a.csv  # facts\\ncustdata convert a.csv b.parquet \\\\\\n  -q')
    [['info', 'a.csv'], ['convert', 'a.csv', 'b.parquet', '-q']]
    >>> custdata_commands("custdata info a.csv | head") is None
    True
    """
    commands = []
    for line in re.sub(r"\\\n", " ", body).splitlines():
        argv = shlex.split(line, comments=True)
        if not argv:
            continue
        unquoted = re.sub(r"'[^']*'|\"[^\"]*\"", "", line.split(" #", 1)[0])
        if argv[0] != "custdata" or SHELL_SYNTAX.search(unquoted):
            return None
        commands.append(argv[1:])
    return commands


BLOCKS = _blocks()


def test_plain_custdata_blocks_are_recognised() -> None:
    body = 'custdata info a.csv  # facts\ncustdata convert a.csv "b c.parquet" \\\n  -q\n'
    assert custdata_commands(body) == [["info", "a.csv"], ["convert", "a.csv", "b c.parquet", "-q"]]
    assert custdata_commands('custdata dedupe a.csv --rule "name~0.9,phone"') == [
        ["dedupe", "a.csv", "--rule", "name~0.9,phone"]
    ]
    for shell in ("custdata info a.csv | head", "custdata info a.csv > x", "cat x.csv",
                  "custdata info $FILE", "custdata info a.csv && ls"):
        assert custdata_commands(shell) is None, shell


@pytest.mark.parametrize(
    ("doc", "line", "lang", "body"), BLOCKS, ids=[f"{d}:{n}" for d, n, _, _ in BLOCKS]
)
def test_doc_example_runs(
    tmp_path: Path, monkeypatch, inproc, doc: str, line: int, lang: str, body: str
) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    key = os.environ.get("CUSTDATA_KEY", KEY)
    commands = custdata_commands(body) if lang == "bash" else None
    if commands is not None:
        monkeypatch.chdir(tmp_path)
        for argv in commands:
            result = inproc(*argv, env={"CUSTDATA_KEY": key})
            assert result.exit_code == 0, (
                f"{doc}:{line} `custdata {shlex.join(argv)}` failed with exit code "
                f"{result.exit_code}\n--- stderr ---\n{result.stderr[-3000:]}"
            )
        return
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    if lang == "python":
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("CUSTDATA_KEY", key)
        monkeypatch.setenv("PATH", path)
        exec(compile(body, f"{doc}:{line}", "exec"), {"__name__": "__docs__"})  # noqa: S102
        return
    env = {**os.environ, "PATH": path, "CUSTDATA_KEY": key}
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", body], cwd=tmp_path, env=env, capture_output=True, timeout=240
    )
    assert proc.returncode == 0, (
        f"{doc}:{line} ({lang}) failed with exit code {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout.decode(errors='replace')[-3000:]}\n"
        f"--- stderr ---\n{proc.stderr.decode(errors='replace')[-3000:]}"
    )
