"""Run a validated pipeline: read, transform, then commit every output at once.

Crash safety: nothing is written while the steps run. At the end every output is first written
in full to a staging file next to its target (``custdata.io.write``, itself atomic and fsynced),
and only when all of them are staged are they renamed over their targets, one ``os.replace``
each. A run killed at any moment leaves each target either as it was or complete, never half
written; staging files of a dead run are removed by the next run, which can simply be started
again. The lock (:mod:`custdata.pipeline.lock`) is held for the whole run.

Repeatability: input files are read in sorted order, no step adds the time of day to the data,
and the run date used by path templates is fixed by ``date`` (``--set date=...``) when given, so
two runs on the same input write byte-identical outputs. The run report holds the timings.

Messages go to the ``custdata.pipeline`` logger (the CLI sends them to stderr or ``--log``);
they hold counts and file names only, never a customer value.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import glob
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from custdata import io as cio
from custdata.errors import CustdataError, OutputError, header_is_data, mask_name, safe_names
from custdata.pipeline.errors import ManifestMismatch, NoInputFiles, PipelineError
from custdata.pipeline.lock import PipelineLock
from custdata.pipeline.model import Pipeline, load_pipeline
from custdata.pipeline.registry import ResolvedStep, validate
from custdata.pipeline.report import RunReport, StepReport
from custdata.status import EMPTY, VALID

log = logging.getLogger("custdata.pipeline")

#: Environment variable: seconds to sleep after staging all outputs and before renaming them
#: (fault-injection tests kill the run in this window).
PAUSE_ENV = "CUSTDATA_TEST_PIPELINE_PAUSE"


@dataclass
class Output:
    """One planned output file."""

    step: ResolvedStep
    target: Path
    args: dict[str, Any]
    frame: pl.DataFrame | None = None
    staging: Path | None = None


@dataclass
class Plan:
    """What a run will do: resolved steps, input files per read step, outputs, lock, report."""

    pipeline: Pipeline
    steps: list[ResolvedStep]
    inputs: dict[int, list[Path]] = field(default_factory=dict)
    outputs: list[Output] = field(default_factory=list)
    lock: Path | None = None
    report: Path | None = None
    manifest: Path | None = None

    def describe(self) -> list[str]:
        """Human-readable lines of the plan (what ``--dry-run`` shows)."""
        p = self.pipeline
        lines = [f"pipeline {p.name!r} ({p.file}), run date {p.run_date().isoformat()}"]
        for r in self.steps:
            c = r.config
            args = ", ".join(f"{k}={v!r}" for k, v in c.args.items())
            src = f" on @{c.input}" if c.input else ""
            lines.append(f"  {c.index}. {c.step}{src}({args})" + (f" -> @{c.id}" if c.id else ""))
            for path in self.inputs.get(c.index, []):
                lines.append(f"       reads {path}")
            if r.spec.role == "source" and not self.inputs.get(c.index):
                lines.append("       no file matches yet (a run would exit with code 4)")
            for out in self.outputs:
                if out.step is r:
                    lines.append(f"       writes {out.target}")
        lines.append(f"  lock: {self.lock}")
        lines.append(f"  report: {self.report}")
        lines.append(f"  manifest: {self.manifest}")
        return lines


def _expand(
    pipeline: Pipeline, patterns: str | list[str], *, key: str, step: ResolvedStep
) -> list[Path]:
    files: list[Path] = []
    for pattern in [patterns] if isinstance(patterns, str) else patterns:
        rendered = pipeline.render(pattern, key=key, step=step.config)
        full = pipeline.resolve(rendered)
        if glob.has_magic(str(full)):
            files.extend(Path(m) for m in sorted(glob.glob(str(full))) if Path(m).is_file())
        elif full.exists():
            files.append(full)
    seen: set[Path] = set()
    return [f for f in files if not (f in seen or seen.add(f))]


def _check_keys(pipeline: Pipeline, steps: list[ResolvedStep]) -> None:
    """Fail before any work when a mask step that needs the key has none."""
    from custdata.privacy import load_key

    for r in steps:
        args = r.config.args
        if r.config.step == "mask" and args.get("method", "hash") in ("hash", "tokenize"):
            key_file = args.get("key_file")
            try:
                load_key(key_file=pipeline.resolve(key_file) if key_file else None)
            except CustdataError as exc:
                raise r.config.error(
                    str(exc), key="key_file" if key_file else "method", file=pipeline.file
                ) from None


def make_plan(pipeline: Pipeline) -> Plan:
    """Validate the pipeline and resolve its input files, outputs, lock and report paths."""
    steps = validate(pipeline)
    plan = Plan(pipeline, steps)
    for r in steps:
        c = r.config
        if r.spec.role == "source":
            plan.inputs[c.index] = _expand(pipeline, c.args["source"], key="source", step=r)
        elif r.spec.role == "sink":
            target = pipeline.resolve(pipeline.render(c.args["target"], key="target", step=c))
            args = {k: v for k, v in c.args.items() if k != "target"}
            plan.outputs.append(Output(r, target, args))
    _check_keys(pipeline, steps)
    _check_targets(plan)
    first = plan.outputs[0].target
    plan.lock = (
        pipeline.resolve(pipeline.render(pipeline.lock, key="lock"))
        if pipeline.lock
        else first.parent / f".{pipeline.name}.lock"
    )
    plan.report = (
        pipeline.resolve(pipeline.render(pipeline.report, key="report"))
        if pipeline.report
        else first.with_name(f"{first.stem}.report.json")
    )
    plan.manifest = (
        pipeline.resolve(pipeline.render(pipeline.manifest, key="manifest"))
        if pipeline.manifest
        else first.with_name(f"{first.stem}.manifest.json")
    )
    return plan


def _run_inputs(plan: Plan) -> list[tuple[ResolvedStep, str, Path]]:
    """Every file a run may read: (step, key, resolved path or glob pattern)."""
    pipeline = plan.pipeline
    found: list[tuple[ResolvedStep, str, Path]] = []
    for r in plan.steps:
        c = r.config
        keys = ["source"] if r.spec.role == "source" else [*r.spec.frames, *r.spec.paths]
        for key in dict.fromkeys(keys):
            value = c.args.get(key)
            if key == "target" or value is None:
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and not item.startswith("@"):
                    rendered = pipeline.render(item, key=key, step=c)
                    found.append((r, key, pipeline.resolve(rendered)))
    return found


def _check_targets(plan: Plan) -> None:
    """Refuse, at validation, a write target that is another target or any input of the run.

    A target that an input glob would match is refused too: the next run would read it back.
    """
    pipeline = plan.pipeline
    seen: dict[Path, Output] = {}
    for out in plan.outputs:
        key = Path(os.path.abspath(out.target))
        if key in seen or any(cio.same_file(out.target, o.target) for o in seen.values()):
            first = seen.get(key) or next(
                o for o in seen.values() if cio.same_file(out.target, o.target)
            )
            raise out.step.config.error(
                f"writes the same file as {first.step.config.label}; give each write its own target",
                key="target",
                file=pipeline.file,
            )
        seen[key] = out
    inputs = _run_inputs(plan)
    for out in plan.outputs:
        target = Path(os.path.abspath(out.target))
        for r, key, source in inputs:
            pattern = Path(os.path.abspath(source))
            if glob.has_magic(str(source)):
                hit = fnmatch.fnmatchcase(str(target), str(pattern))
            else:
                hit = target == pattern or cio.same_file(target, source)
            if hit:
                raise out.step.config.error(
                    f"the target is an input of this run ({r.config.label}, {key}); "
                    "writing it would replace the input; choose another target",
                    key="target",
                    file=pipeline.file,
                )


def _read_files(files: list[Path], args: dict[str, Any]) -> pl.DataFrame:
    frames = [cio.read(f, **args) for f in files]
    if len(frames) == 1:
        return frames[0]
    return pl.concat(frames, how="diagonal_relaxed")


def _details(before: pl.DataFrame, after: pl.DataFrame, step: str) -> dict[str, Any]:
    """Step-specific counts: invalid values per new status column, duplicates, suppressed."""
    new = [c for c in after.columns if c not in before.columns]
    out: dict[str, Any] = {}
    hide = header_is_data(before.columns)  # a data row as header: never put its values in a report
    invalid = {
        c[: -len("_status")]: int((~after[c].is_in([*VALID, EMPTY]) & after[c].is_not_null()).sum())
        for c in new
        if c.endswith("_status") and after.schema[c] == pl.String
    }
    if invalid:
        out["invalid"] = dict(zip(safe_names(list(invalid)), invalid.values(), strict=True))
        if hide:
            out["invalid"] = {mask_name(k): v for k, v in invalid.items()}
    for c in ("cluster_id", "customer_id_master", "master_id"):
        if c in new:
            out["clusters"] = int(after[c].n_unique())
            out["duplicates"] = after.height - out["clusters"]
            break
    if "household_id" in new:
        out["households"] = int(after["household_id"].n_unique())
    if "suppressed" in new and after.schema["suppressed"] == pl.Boolean:
        out["suppressed"] = int(after["suppressed"].sum())
    if step == "suppress" and after.height < before.height:
        out["suppressed"] = before.height - after.height
    dropped = [c for c in before.columns if c not in after.columns]
    if dropped:
        out["dropped_columns"] = [mask_name(c) for c in dropped] if hide else safe_names(dropped)
    return out


def _frame_arg(
    pipeline: Pipeline,
    r: ResolvedStep,
    key: str,
    value: str,
    frames: dict[str, pl.DataFrame],
    report: RunReport,
) -> pl.DataFrame | None:
    if value.startswith("@"):
        return frames[value[1:]]
    files = _expand(pipeline, value, key=key, step=r)
    if not files and key in r.spec.optional_frames:
        log.info("%s: no %s file yet (%s): starting without one", r.config.label, key, value)
        return None
    if not files:
        raise NoInputFiles(f"{r.config.label}: {key} matched no file ({value})")
    for f in files:
        report.inputs.append({"step": r.config.index, "argument": key, "path": str(f)})
    return _read_files(files, {})


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _clean_leftovers(targets: list[Path]) -> int:
    """Remove staging/temporary files a killed run left next to the targets."""
    removed = 0
    for target in targets:
        folder = target.parent
        if not folder.is_dir():
            continue
        for leftover in folder.glob(f".*{glob.escape(target.name)}.*"):
            if leftover.name.endswith((".partial", ".tmp")) and leftover.is_file():
                leftover.unlink(missing_ok=True)
                removed += 1
    return removed


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
            assert out.staging is not None
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
            {
                "path": str(out.target),
                "rows": out.frame.height if out.frame is not None else None,
                "bytes": out.target.stat().st_size,
                "sha256": _sha256(out.target),
            }
        )


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
        if not out.target.is_file():
            raise ManifestMismatch(f"{out.target.name} is missing (run {data.get('run_id')})")
        if _sha256(out.target) != entry.get("sha256"):
            raise ManifestMismatch(
                f"{out.target.name} does not match the manifest of run {data.get('run_id')}: "
                "changed since, or a later run was interrupted; do not use this set"
            )
    return data


def _exit_code(exc: BaseException) -> int:
    if isinstance(exc, CustdataError):
        return exc.exit_code
    if isinstance(exc, SystemExit):  # e.g. SIGTERM turned into SystemExit(143) by the CLI
        return exc.code if isinstance(exc.code, int) else 1
    if isinstance(exc, KeyboardInterrupt):
        return 130
    return 1


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
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"cannot write the {what} {path.name}: {parent.name} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write the {what} {path.name}: its folder is not writable")
    if path.exists() and not path.is_file() and not cio.is_stream_target(path):
        raise OutputError(f"the {what} path {path.name} is not a regular file")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def execute(plan: Plan, *, report: RunReport) -> None:
    """Run the steps of a plan (the lock must be held) and commit the outputs."""
    pipeline = plan.pipeline
    frames: dict[str, pl.DataFrame] = {}
    current: pl.DataFrame | None = None
    total = len(plan.steps)
    for r in plan.steps:
        c = r.config
        start = time.perf_counter()
        source = frames[c.input] if c.input else current
        rows_in = source.height if source is not None else None
        if r.spec.role == "source":
            files = plan.inputs[c.index]
            if not files:
                raise NoInputFiles(
                    f"{c.label}: no file matches {c.args['source']!r}; "
                    "nothing was written (rerun when the dump arrives)"
                )
            args = {k: v for k, v in c.args.items() if k != "source"}
            result = _read_files(files, args)
            for f in files:
                report.inputs.append({"step": c.index, "path": str(f)})
            details: dict[str, Any] = {"files": len(files)}
        elif r.spec.role == "sink":
            out = next(o for o in plan.outputs if o.step is r)
            out.frame = source
            result = source
            details = {"target": str(out.target)}
        else:
            args = dict(c.args)
            for key in r.spec.paths:
                if key in args and key not in r.spec.frames and isinstance(args[key], str):
                    args[key] = str(pipeline.resolve(args[key]))
            for key in r.spec.frames:
                if key in args:
                    args[key] = _frame_arg(pipeline, r, key, args[key], frames, report)
            assert source is not None
            result = r.function(source, **args)
            if isinstance(result, pl.LazyFrame):
                result = result.collect()
            if not isinstance(result, pl.DataFrame):
                raise PipelineError(
                    f"{c.label}: the step did not return a table", file=pipeline.file, line=c.line
                )
            details = _details(source, result, c.step)
        elapsed = round(time.perf_counter() - start, 3)
        report.steps.append(
            StepReport(c.index, c.step, c.id, rows_in, result.height, elapsed, details)
        )
        log.info(
            "step %d/%d %s: %s rows in, %s out, %.2f s%s",
            c.index,
            total,
            c.step,
            "-" if rows_in is None else f"{rows_in:,}",
            f"{result.height:,}",
            elapsed,
            f" {details}" if details and r.spec.role == "transform" else "",
        )
        if c.id:
            frames[c.id] = result
        current = result
    _commit(plan.outputs, report, plan.manifest)


def run_pipeline(
    pipeline: Pipeline | str | os.PathLike[str],
    *,
    overrides: list[str] | None = None,
    dry_run: bool = False,
    stop: threading.Event | None = None,
) -> RunReport:
    """Validate and run a pipeline (a :class:`Pipeline` or the path of its TOML file).

    With ``dry_run`` only validates it and resolves inputs and outputs (``report`` lists them;
    nothing is read or written). Otherwise takes the lock, runs the steps, commits the outputs
    and writes the run report; on failure the report is written with ``status="failed"`` and the
    error is raised again. ``stop`` is set by a SIGTERM handler: whatever error the signal
    surfaces as, the run then fails with exit code 143. Every output, the report and the lock
    are checked to be writable before anything is read.
    """
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline, overrides=overrides)
    plan = make_plan(pipeline)
    report = RunReport(
        pipeline=pipeline.name,
        file=str(pipeline.path) if pipeline.path else None,
        run_date=pipeline.run_date().isoformat(),
        dry_run=dry_run,
        lock=str(plan.lock),
        report_path=str(plan.report),
    )
    if dry_run:
        report.status = "planned"
        report.inputs = [{"step": i, "path": str(p)} for i, ps in plan.inputs.items() for p in ps]
        report.outputs = [{"path": str(o.target)} for o in plan.outputs]
        report.exit_code = 0
        return report
    started = time.perf_counter()
    report.started_at = _now()
    assert plan.lock is not None and plan.report is not None
    for out in plan.outputs:
        check_writable(out.target, "output")
    check_writable(plan.report, "run report")
    assert plan.manifest is not None
    check_writable(plan.manifest, "manifest")
    report.run_id = uuid.uuid4().hex
    report.manifest = str(plan.manifest)
    check_writable(plan.lock, "lock file")
    with PipelineLock(plan.lock) as lock:
        if lock.stale:
            report.stale_lock = lock.stale
            log.warning(
                "took over a stale lock %s left by pid %s (started %s)",
                plan.lock,
                lock.stale.get("pid"),
                lock.stale.get("started"),
            )
        removed = _clean_leftovers([o.target for o in plan.outputs] + [plan.report, plan.manifest])
        if removed:
            log.warning("removed %d unfinished file(s) left by an interrupted run", removed)
        try:
            # a "running" report replaces the previous run's at once: a run killed by SIGKILL
            # never leaves the last run's "ok" behind
            plan.report.parent.mkdir(parents=True, exist_ok=True)
            report.write(plan.report)
            execute(plan, report=report)
        except BaseException as exc:
            report.status = "failed"
            report.exit_code = _exit_code(exc)
            report.error = str(exc) if isinstance(exc, CustdataError) else type(exc).__name__
            if stop is not None and stop.is_set():
                report.exit_code, report.error = 143, "terminated by SIGTERM"
                log.error("terminated by SIGTERM; each output is either unchanged or complete")
            report.finished_at = _now()
            report.duration_s = round(time.perf_counter() - started, 3)
            try:
                plan.report.parent.mkdir(parents=True, exist_ok=True)
                report.write(plan.report)
            except OSError:
                log.warning("could not write the run report %s", plan.report)
                with contextlib.suppress(OSError):  # never leave the previous run's report
                    plan.report.unlink()
            if report.exit_code == 143 and not isinstance(exc, SystemExit):
                raise SystemExit(143) from None
            raise
        report.status = "ok"
        report.exit_code = 0
        report.finished_at = _now()
        report.duration_s = round(time.perf_counter() - started, 3)
        try:
            plan.report.parent.mkdir(parents=True, exist_ok=True)
            report.write(plan.report)
            write_manifest(plan.manifest, report)
        except OSError as exc:
            raise OutputError(
                f"outputs written, but the run report or manifest could not be: {exc.strerror}"
            ) from None
    log.info("done in %.2f s; report %s", report.duration_s, plan.report)
    return report
