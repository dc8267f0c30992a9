"""Every example in docs/ and README.md runs: ```bash blocks in a shell, ```python blocks exec'd.

Each block runs in a fresh temporary folder holding a copy of examples/ (so paths like
``examples/crm_export.csv`` work) with the installed ``custdata`` on PATH. A block fenced as
```bash norun (or ```python norun) is shown to readers but not run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]
FENCE = re.compile(r"^```(bash|python)([^\n]*)\n(.*?)^```", re.S | re.M)


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


BLOCKS = _blocks()


@pytest.mark.parametrize(
    ("doc", "line", "lang", "body"), BLOCKS, ids=[f"{d}:{n}" for d, n, _, _ in BLOCKS]
)
def test_doc_example_runs(tmp_path: Path, doc: str, line: int, lang: str, body: str) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "CUSTDATA_KEY": os.environ.get("CUSTDATA_KEY", "docs-example-key-0123456789abcdef")}
    if lang == "bash":
        cmd = ["bash", "-euo", "pipefail", "-c", body]
    else:
        cmd = [sys.executable, "-c", body]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, timeout=240)
    assert proc.returncode == 0, (
        f"{doc}:{line} ({lang}) failed with exit code {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout.decode(errors='replace')[-3000:]}\n"
        f"--- stderr ---\n{proc.stderr.decode(errors='replace')[-3000:]}"
    )
