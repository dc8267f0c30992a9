"""Shared fixtures: run the real CLI (in this process, or in a subprocess), find the bundled examples."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

if os.environ.get("PYTEST_XDIST_WORKER") and "polars" not in sys.modules:
    # Under pytest-xdist every worker is one process per core: one polars thread each, or the
    # workers' thread pools fight over the cores (the suite ran 6:47 with polars' default
    # pool, 6:11 with one thread per worker on 2 cores). Set before polars is imported.
    os.environ.setdefault("POLARS_MAX_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
#: Public test vectors copied into the repo (sources and licences: tests/data/conformance/README.md).
CONFORMANCE = ROOT / "tests" / "data" / "conformance"


@dataclass
class Result:
    exit_code: int
    stdout: bytes
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8")


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None, env: dict | None = None) -> Result:
    """Run ``python -m custdata ARGS`` in a subprocess and capture everything."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    full_env.pop("FORCE_COLOR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "custdata", *map(str, args)],
        input=input if input is not None else b"",
        capture_output=True,
        cwd=cwd,
        env=full_env,
        timeout=300,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", errors="replace"))


@pytest.fixture
def cli_subprocess():
    """``cli_subprocess(*args, input=None)`` runs ``python -m custdata`` in a real process.

    For the few things only a process shows: the module entry point, stdin/stdout pipes,
    tracebacks with --debug, exit codes seen by a shell, signals and locks across processes.
    Everything else uses the in-process ``cli`` (about 1 s cheaper per call).
    """
    return run_cli


@dataclass
class InprocResult:
    exit_code: int
    stdout: bytes
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8")


@pytest.fixture
def inproc(capsysbinary, monkeypatch):
    """``inproc(*args, env=None)`` runs ``custdata.cli.main.run(args)`` in this process (cheaper than a subprocess)."""
    from custdata.cli import _common
    from custdata.cli.main import run

    def call(*args: object, env: dict[str, str | None] | None = None) -> InprocResult:
        capsysbinary.readouterr()
        with monkeypatch.context() as m:
            m.setenv("COLUMNS", "200")  # as run_cli: wide tables, no wrapping of names
            m.delenv("FORCE_COLOR", raising=False)
            m.setattr(_common.console, "width", 200)
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


@pytest.fixture
def cli(inproc):
    """``cli(*args, env=None)`` runs the real custdata command line, in this process."""
    return inproc


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def conformance_dir() -> Path:
    assert CONFORMANCE.is_dir(), f"conformance vectors missing: {CONFORMANCE}"
    return CONFORMANCE


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Hand the Spark tests out first under pytest-xdist (``-n``): they share one worker
    (``pytestmark = xdist_group("spark")`` in each file: one JVM, one session) and are the
    longest group, so the other workers take the rest of the suite meanwhile."""
    spark_dir = ROOT / "tests" / "spark"
    items.sort(key=lambda item: spark_dir not in Path(str(item.path)).parents)  # stable
    if getattr(config.option, "loadgroup", False):
        # pytest-xdist 3.8 groups by a "@group" suffix it writes to ``item._nodeid``, which
        # pytest 9 no longer reads: write the suffix where pytest 9 keeps the id (if this
        # private detail moves again, the Spark tests only spread over more JVMs)
        try:
            from _pytest.nodeid import coerce_node_id
        except ImportError:
            return
        for item in items:
            mark = item.get_closest_marker("xdist_group")
            if mark is not None and "@" not in item.nodeid and hasattr(item, "_id"):
                item._id = coerce_node_id(f"{item.nodeid}@{mark.args[0]}")
