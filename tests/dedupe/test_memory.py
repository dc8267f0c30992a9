"""Dedupe stops before matching when the records would not fit in memory (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custdata.cli import _memory
from custdata.cli._memory import available_memory, parse_size
from custdata.dedupe.memory import NotEnoughMemory, check_memory, estimate_memory
from custdata.errors import InvalidOption

CSV = (
    "ФИО;Телефон;Email\n"
    "Иванов Иван;+7 912 345-67-89;canary.zz9@example.com\n"
    "Иванов Иван Иванович;8 (912) 345-67-89;canary.zz9@example.com\n"
    "Петрова Анна;+7 913 000-11-22;anna@example.com\n"
)


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_estimate_grows_with_the_records(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert estimate_memory(lo).peak_bytes <= estimate_memory(hi).peak_bytes


@given(st.integers(0, 10**8), st.integers(0, 2**45))
def test_check_raises_exactly_when_the_estimate_exceeds_what_is_available(
    rows: int, available: int
) -> None:
    need = estimate_memory(rows).peak_bytes
    if need > available:
        with pytest.raises(NotEnoughMemory) as info:
            check_memory(rows, available_bytes=available)
        assert info.value.exit_code == 2 and "--engine spark" in str(info.value)
    else:
        assert check_memory(rows, available_bytes=available).peak_bytes == need


def test_unknown_memory_never_stops_a_run() -> None:
    assert check_memory(10**9, available_bytes=None).rows == 10**9


def test_measured_points_are_covered() -> None:
    # benchmarks/bench_dedupe.py (peak RSS in bytes): 0.45 GB at 100k, 3.07 GB at 1M, 12.4 GB at 3M
    assert 0.44 <= estimate_memory(100_000).gigabytes <= 0.5
    assert 3.06 <= estimate_memory(1_000_000).gigabytes <= 3.3
    assert 12.4 <= estimate_memory(3_000_000).gigabytes <= 13


@pytest.mark.parametrize(
    ("text", "expected"),
    [("8G", 8 * 2**30), ("8g", 8 * 2**30), ("500M", 500 * 2**20), ("1.5GB", int(1.5 * 2**30)),
     ("2048", 2048), ("512KiB", 512 * 2**10), ("none", None), ("0", None)],
)
def test_sizes(text: str, expected: int | None) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "lots", "8X", "-1G", "G"])
def test_bad_sizes(text: str) -> None:
    with pytest.raises(InvalidOption):
        parse_size(text)


def test_available_memory_reads_meminfo_and_the_container_limit(tmp_path: Path) -> None:
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc/meminfo").write_text("MemTotal: 100 kB\nMemAvailable:    2048 kB\n")
    assert available_memory(tmp_path) == 2048 * 1024
    cg = tmp_path / "sys/fs/cgroup"
    cg.mkdir(parents=True)
    (cg / "memory.max").write_text("1048576\n")
    (cg / "memory.current").write_text("524288\n")
    assert available_memory(tmp_path) == 524288  # the container's limit is the tighter one
    (cg / "memory.max").write_text("max\n")  # no limit
    assert available_memory(tmp_path) == 2048 * 1024
    assert available_memory(tmp_path / "nowhere") is None


@pytest.fixture
def crm(tmp_path: Path) -> Path:
    path = tmp_path / "crm.csv"
    path.write_bytes(CSV.encode("cp1251"))
    return path


@pytest.mark.parametrize("command", ["dedupe", "clean"])
def test_cli_stops_before_matching(inproc, crm: Path, tmp_path: Path, command: str) -> None:
    out = tmp_path / "out.csv"
    result = inproc(command, crm, "-o", out, "--memory-limit", "1M")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: deduplicating 3 records")
    assert "--engine spark" in lines[0] and "canary" not in result.stderr
    assert not out.exists()


def test_cli_uses_what_the_machine_has(inproc, crm: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(_memory, "available_memory", lambda: 1000)
    assert inproc("dedupe", crm, "-o", tmp_path / "o.csv").exit_code == 2
    monkeypatch.setattr(_memory, "available_memory", lambda: None)
    assert inproc("dedupe", crm, "-o", tmp_path / "o.csv", "-q").exit_code == 0


def test_cli_bad_memory_limit(inproc, crm: Path, tmp_path: Path) -> None:
    result = inproc("dedupe", crm, "-o", tmp_path / "o.csv", "--memory-limit", "lots")
    assert result.exit_code == 2 and "--memory-limit" in result.stderr


def test_clean_without_dedupe_is_not_checked(inproc, crm: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    result = inproc("clean", crm, "-o", out, "--no-dedupe", "--memory-limit", "1M", "-q")
    assert result.exit_code == 0 and out.exists()
