"""In-process CLI runner for the cheaper checks (the `cli` fixture spawns a process per call)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class InprocResult:
    exit_code: int
    stdout: bytes
    stderr: str


@pytest.fixture
def inproc(capsysbinary, monkeypatch):
    """``inproc(*args, env=None)`` runs ``custdata.cli.main.run(args)`` in this process."""
    from custdata.cli.main import run

    def call(*args: object, env: dict[str, str | None] | None = None) -> InprocResult:
        capsysbinary.readouterr()
        with monkeypatch.context() as m:
            for k, v in (env or {}).items():
                if v is None:
                    m.delenv(k, raising=False)
                else:
                    m.setenv(k, v)
            try:
                run([str(a) for a in args])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsysbinary.readouterr()
        return InprocResult(code, out, err.decode("utf-8", "replace"))

    return call
