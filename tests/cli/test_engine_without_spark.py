"""``--engine spark`` on a machine without the spark extra or without Java: one line, exit 2.

Nothing of Spark starts in these tests (they run outside the Spark group).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest


@pytest.fixture
def people(tmp_path: Path) -> Path:
    src = tmp_path / "people.parquet"
    pl.DataFrame({"tel": ["+7 912 345-67-89"], "email": ["A@B.RU"]}).write_parquet(src)
    return src


COMMANDS = [
    ["normalize", "phones", "-c", "tel"],
    ["normalize", "emails", "-c", "email"],
    ["normalize", "all"],
    ["dedupe"],
]


def _one_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:"), stderr
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_without_the_spark_extra(
    inproc, people: Path, tmp_path: Path, monkeypatch, command
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark fails
    result = inproc(*command, people, "-o", tmp_path / "out", "--engine", "spark")
    assert result.exit_code == 2
    assert "pip install 'custdata[spark]'" in _one_error(result.stderr)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", COMMANDS[:1] + COMMANDS[-1:], ids=lambda c: c[0])
def test_without_java(inproc, people: Path, tmp_path: Path, monkeypatch, command) -> None:
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    result = inproc(*command, people, "-o", tmp_path / "out", "--engine", "spark")
    assert result.exit_code == 2
    assert "needs a Java runtime" in _one_error(result.stderr)
    assert not (tmp_path / "out").exists()


class _Builder:
    """Stands for ``SparkSession.builder``: records the configuration, starts nothing."""

    def __init__(self) -> None:
        self.conf: dict[str, str] = {}

    def appName(self, name: str) -> _Builder:  # noqa: N802 - pyspark's name
        return self

    def master(self, master: str) -> _Builder:
        self.conf["spark.master"] = master
        return self

    def config(self, key: str, value: str) -> _Builder:
        self.conf[key] = value
        return self

    def getOrCreate(self) -> dict[str, str]:  # noqa: N802 - pyspark's name
        return self.conf


def test_a_session_custdata_starts_keeps_sparks_log_off(monkeypatch) -> None:
    """Spark logs an executor's exception with the values it carried: custdata's sessions
    switch that log off (errors still reach the caller as exceptions), unless configured."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    from custdata import spark as cs

    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.setenv("JAVA_HOME", "/usr/lib/jvm/any")
    builder = _Builder()
    monkeypatch.setattr(SparkSession, "builder", builder)
    conf = cs.session()
    assert conf["spark.log.level"] == "OFF"
    assert conf["spark.master"] == "local[*]"
