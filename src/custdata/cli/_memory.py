"""The memory a dedupe run may use: ``--memory-limit``, or what the machine has available.

The library estimates (:mod:`custdata.dedupe.memory`); reading the machine's state is the CLI's
job, so the library stays a pure function of its arguments.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from custdata.errors import InvalidOption

if TYPE_CHECKING:  # pragma: no cover
    from custdata.dedupe.memory import MemoryEstimate

MemoryLimitOpt = Annotated[
    str | None,
    typer.Option(
        "--memory-limit",
        help="Memory dedupe may use (e.g. 8G, 500M; 'none' skips the check). Default: what the "
        "machine or its container has available. A run estimated to need more stops at once.",
        show_default=False,
        metavar="SIZE",
    ),
]

_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def parse_size(text: str) -> int | None:
    """Bytes of a size like ``8G``, ``500M``, ``1.5GB``, ``2048``; None for ``none``/``0``.

    >>> parse_size("8G"), parse_size("500m"), parse_size("1.5GB"), parse_size("none")
    (8589934592, 524288000, 1610612736, None)
    """
    if text.strip().lower() in ("none", "off", "0"):
        return None
    match = _SIZE.fullmatch(text)
    if match is None:
        raise InvalidOption("--memory-limit takes a size such as 8G, 500M or 'none'")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def available_memory(root: Path = Path("/")) -> int | None:
    """Bytes this process can still use: MemAvailable, capped by a cgroup (container) limit.

    None when neither is known (not Linux): the check is then skipped.
    """
    found: list[int] = []
    try:
        meminfo = (root / "proc/meminfo").read_text()
    except OSError:
        meminfo = ""
    match = re.search(r"^MemAvailable:\s+(\d+)\s*kB", meminfo, re.MULTILINE)
    if match:
        found.append(int(match.group(1)) * 1024)
    cgroup = root / "sys/fs/cgroup"
    for limit_file, usage_file in (
        ("memory.max", "memory.current"),  # cgroup v2
        ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes"),  # cgroup v1
    ):
        limit, usage = _read_int(cgroup / limit_file), _read_int(cgroup / usage_file)
        if limit is not None and usage is not None and limit < 2**60:
            found.append(max(limit - usage, 0))
            break
    return min(found) if found else None


def check_dedupe_memory(rows: int, memory_limit: str | None) -> MemoryEstimate:
    """Stop before matching when ``rows`` records would not fit (exit code 2, one line)."""
    available = parse_size(memory_limit) if memory_limit is not None else available_memory()
    # imported here: custdata.dedupe costs 0.4 s to import, and most commands never need it
    from custdata.dedupe.memory import check_memory

    return check_memory(rows, available_bytes=available)
