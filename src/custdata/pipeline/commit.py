"""Commit a run's outputs crash-safely (stage all, then rename), write and check the manifest,
and check before any work that outputs, logs and reports can be written.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

from custdata import io as cio
from custdata.errors import OutputError
from custdata.pipeline.errors import ManifestMismatch
from custdata.pipeline.model import Pipeline, load_pipeline
from custdata.pipeline.plan import Output, make_plan
from custdata.pipeline.report import RunReport

log = logging.getLogger("custdata.pipeline")


#: Environment variable: seconds to sleep after staging all outputs and before renaming them
#: (fault-injection tests kill the run in this window).
PAUSE_ENV = "CUSTDATA_TEST_PIPELINE_PAUSE"


def _commit(outputs: list[Output], report: RunReport, manifest: Path | None = None) -> None:
    """Stage every output in full, then rename them all over their targets.

    The previous run's manifest is removed before staging, so a run killed between
    two renames leaves no manifest that would vouch for a mixed set of outputs.
    """
    if manifest is not None:
        manifest.unlink(missing_ok=True)
    try:
        for out in outputs:
            assert out.frame is not None
            out.target.parent.mkdir(parents=True, exist_ok=True)
            fmt = out.args.get("format") or cio.format_from_path(out.target)
            out.staging = out.target.with_name(f".{out.target.name}.{os.getpid()}.partial")
            cio.write(out.frame, out.staging, **{**out.args, "format": fmt})
        pause = os.environ.get(PAUSE_ENV)
        if pause:
            time.sleep(float(pause))
        for out in outputs:
            assert out.staging is not None and out.frame is not None
            os.replace(out.staging, out.target)
            out.staging = None
            log.info("wrote %s (%s rows)", out.target, f"{out.frame.height:,}")
    finally:
        for out in outputs:
            if out.staging is not None:
                out.staging.unlink(missing_ok=True)
    for folder in {o.target.parent for o in outputs}:
        try:
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:
            pass
    for out in outputs:
        report.outputs.append(
            output_entry(out.target, out.frame.height if out.frame is not None else None)
        )


def output_entry(target: Path, rows: int | None) -> dict[str, Any]:
    """The report's and manifest's record of one committed output (a file or a folder).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "people.parquet"
    >>> folder.mkdir()
    >>> _ = (folder / "part-00000.parquet").write_bytes(b"rows")
    >>> entry = output_entry(folder, 1)
    >>> entry["rows"], entry["bytes"], len(entry["sha256"])
    (1, 4, 64)
    """
    files = [f for f in target.rglob("*") if f.is_file()] if target.is_dir() else [target]
    size = sum(f.stat().st_size for f in files)
    return {"path": str(target), "rows": rows, "bytes": size, "sha256": _sha256(target)}


def _sha256(path: Path) -> str:
    """SHA-256 of a file; of a folder (Spark's Parquet output): of the list of its files,
    each as its relative path and its own SHA-256, in path order."""
    h = hashlib.sha256()
    if path.is_dir():
        files = sorted((f.relative_to(path).as_posix(), f) for f in path.rglob("*") if f.is_file())
        for name, f in files:
            h.update(f"{name}\t{_sha256(f)}\n".encode())
        return h.hexdigest()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: Suffix of a previous output moved aside while a folder output takes its place
#: (:mod:`custdata.pipeline.spark_runner`); the next run restores it if the swap was cut short.
ASIDE = ".old"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _clean_leftovers(targets: list[Path]) -> int:
    """Remove staging/temporary files (and folders) a killed run left next to the targets.

    A previous output a killed run had moved aside (``ASIDE``) is put back when its target is
    missing (the run died between the two renames of a swap), else removed.
    """
    removed = 0
    for target in targets:
        folder = target.parent
        if not folder.is_dir():
            continue
        for leftover in folder.glob(f".*{glob.escape(target.name)}.*"):
            if leftover.name.endswith(ASIDE) and leftover.name.startswith(f".{target.name}."):
                if not target.exists() and not target.is_symlink():
                    os.rename(leftover, target)
                    log.warning("restored %s, moved aside by an interrupted run", target)
                else:
                    _remove(leftover)
                removed += 1
            elif leftover.name.endswith((".partial", ".tmp")) and (
                leftover.is_file() or leftover.is_dir()
            ):
                _remove(leftover)
                removed += 1
    return removed


def write_manifest(path: Path, report: RunReport) -> None:
    """Write the run manifest last, atomically: run id and the SHA-256 of every output.

    A consumer trusts a set of outputs only when every file matches the manifest
    (:func:`check_manifest`, ``custdata run --check``).
    """
    data = {
        "run_id": report.run_id,
        "pipeline": report.pipeline,
        "run_date": report.run_date,
        "finished_at": report.finished_at,
        "report": report.report_path,
        "outputs": [
            {k: o.get(k) for k in ("path", "rows", "bytes", "sha256")} for o in report.outputs
        ],
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, cio.new_file_mode())
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def check_manifest(
    pipeline: Pipeline | str | os.PathLike[str], *, overrides: list[str] | None = None
) -> dict[str, Any]:
    """Verify that the outputs of a pipeline's last run are complete and unchanged.

    Reads the manifest the last successful run wrote and compares every output's SHA-256.
    Returns the manifest; raises :class:`~custdata.pipeline.errors.ManifestMismatch` (exit
    code 2) when the manifest is missing (no finished run, or one was interrupted) or an
    output is missing or differs (a mixed or changed set).
    """
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline, overrides=overrides)
    plan = make_plan(pipeline)
    assert plan.manifest is not None
    try:
        data = json.loads(plan.manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestMismatch(
            f"no manifest {plan.manifest.name}: no run has finished since the last one started "
            "(or none ran); do not use the outputs"
        ) from None
    except (OSError, ValueError) as exc:
        raise ManifestMismatch(
            f"cannot read the manifest {plan.manifest.name} ({type(exc).__name__})"
        ) from None
    listed = {o["path"]: o for o in data.get("outputs", [])}
    for out in plan.outputs:
        entry = listed.get(str(out.target))
        if entry is None:
            raise ManifestMismatch(
                f"{out.target.name} is not in the manifest of run {data.get('run_id')}"
            )
        if not (out.target.is_file() or out.target.is_dir()):
            raise ManifestMismatch(f"{out.target.name} is missing (run {data.get('run_id')})")
        if _sha256(out.target) != entry.get("sha256"):
            raise ManifestMismatch(
                f"{out.target.name} does not match the manifest of run {data.get('run_id')}: "
                "changed since, or a later run was interrupted; do not use this set"
            )
    return data


def open_log(path: str | os.PathLike[str]) -> str:
    """Check that a log file can be appended to (creating its folder); return its path.

    A folder, or a folder that cannot be created or written, is an
    :class:`~custdata.errors.OutputError` (exit code 2) before anything runs.

    >>> import tempfile
    >>> open_log(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    custdata.errors.OutputError: the log path is a folder; give a file name
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError("the log path is a folder; give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, cio.new_file_mode())
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"cannot open the log file {target.name}: {exc.strerror}") from None
    return str(target)


def check_writable(path: Path, what: str) -> None:
    """Refuse, before any work, a file the run could not write: a folder, or an unwritable folder.

    The nearest existing folder above ``path`` must be a writable folder (missing ones are
    created at commit time).
    """
    if path.is_dir():
        raise OutputError(f"the {what} path {path.name} is a folder; give a file name")
    _check_parent(path, what)
    if path.exists() and not path.is_file() and not cio.is_stream_target(path):
        raise OutputError(f"the {what} path {path.name} is not a regular file")


def _check_parent(path: Path, what: str) -> None:
    """The nearest existing folder above ``path`` must be a writable folder."""
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"cannot write the {what} {path.name}: {parent.name} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write the {what} {path.name}: its folder is not writable")


def check_replaceable(path: Path, what: str) -> None:
    """Refuse, before any work, a folder output the run could not put in place: the path may
    be missing, a folder (the last run's output) or a file; its nearest existing parent folder
    must be writable.

    >>> import pathlib, tempfile
    >>> check_replaceable(pathlib.Path(tempfile.mkdtemp()) / "new" / "people.parquet", "output")
    """
    if path.exists() and not (path.is_dir() or path.is_file()):
        raise OutputError(f"the {what} path {path.name} is not a folder or a regular file")
    _check_parent(path, what)


def swap_into_place(staging: Path, target: Path) -> None:
    """Put a staged folder (or file) in place of ``target``: the old output aside, the new one
    in, the old one removed. Killed between the two renames, the next run puts the old one
    back (:func:`_clean_leftovers`).

    >>> import pathlib, tempfile
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> (base / "out").mkdir(); (base / ".out.1.partial").mkdir()
    >>> _ = (base / ".out.1.partial" / "part-0.parquet").write_bytes(b"new")
    >>> swap_into_place(base / ".out.1.partial", base / "out")
    >>> [p.name for p in base.iterdir()], [p.name for p in (base / "out").iterdir()]
    (['out'], ['part-0.parquet'])
    """
    if target.exists() or target.is_symlink():
        aside = target.with_name(f".{target.name}.{os.getpid()}{ASIDE}")
        _remove(aside)
        os.rename(target, aside)
        os.rename(staging, target)
        _remove(aside)
    else:
        os.rename(staging, target)
