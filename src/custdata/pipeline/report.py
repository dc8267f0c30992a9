"""The JSON run report a pipeline run writes next to its output."""

from __future__ import annotations

import json
import logging
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from custdata.pipeline.registry import ResolvedStep


def versions() -> dict[str, str]:
    """Versions of custdata, Python and the main libraries, for the report.

    >>> sorted(versions())[:3]
    ['custdata', 'polars', 'pyarrow']
    """
    import polars

    from custdata import __version__

    out = {"custdata": __version__, "polars": polars.__version__}
    try:
        import pyarrow

        out["pyarrow"] = pyarrow.__version__
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        pass
    out["python"] = platform.python_version()
    return out


@dataclass
class StepReport:
    """What one step did: rows in and out, seconds, and step-specific counts."""

    index: int
    step: str
    id: str | None
    rows_in: int | None
    rows_out: int | None
    duration_s: float
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunReport:
    """The whole run: status, exit code, inputs, steps, outputs, timings, versions."""

    pipeline: str
    file: str | None
    run_date: str
    status: str = "running"
    exit_code: int | None = None
    error: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    duration_s: float | None = None
    dry_run: bool = False
    engine: str = "polars"
    lock: str | None = None
    stale_lock: dict[str, Any] | None = None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    steps: list[StepReport] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    report_path: str | None = None
    run_id: str | None = None
    manifest: str | None = None
    versions: dict[str, str] = field(default_factory=versions)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    def to_json(self) -> str:
        """Indented JSON (non-ASCII kept)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str)

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the report atomically (temporary file, then rename)."""
        target = Path(path)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        from custdata.io import new_file_mode

        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, new_file_mode())
            with open(fd, "w", encoding="utf-8") as fh:
                fh.write(self.to_json() + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()


def record_step(
    report: RunReport,
    r: ResolvedStep,
    total: int,
    rows_in: int | None,
    rows_out: int,
    elapsed: float,
    details: dict[str, Any],
    *,
    where: str = "",
) -> None:
    """Add a step to the run report and log its line on the ``custdata.pipeline`` logger
    (counts and names only, no values); ``where`` is said after the seconds (`` on Spark``)."""
    c = r.config
    log = logging.getLogger("custdata.pipeline")
    report.steps.append(StepReport(c.index, c.step, c.id, rows_in, rows_out, elapsed, details))
    log.info(
        "step %d/%d %s: %s rows in, %s out, %.2f s%s%s",
        c.index,
        total,
        c.step,
        "-" if rows_in is None else f"{rows_in:,}",
        f"{rows_out:,}",
        elapsed,
        where,
        f" {details}" if details and r.spec.role == "transform" else "",
    )
