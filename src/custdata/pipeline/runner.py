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

The plan (inputs, outputs, target checks) is built in :mod:`custdata.pipeline.plan`; staging,
commit and manifest are in :mod:`custdata.pipeline.commit`; this module runs the steps.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import polars as pl

from custdata import io as cio
from custdata.errors import (
    CustdataError,
    InvalidOption,
    OutputError,
    header_is_data,
    mask_name,
    safe_names,
)
from custdata.pipeline.commit import (
    PAUSE_ENV,
    _clean_leftovers,
    _commit,
    check_manifest,
    check_writable,
    open_log,
    write_manifest,
)
from custdata.pipeline.errors import NoInputFiles, PipelineError
from custdata.pipeline.lock import PipelineLock
from custdata.pipeline.model import Pipeline, load_pipeline
from custdata.pipeline.plan import Output, Plan, _expand, make_plan
from custdata.pipeline.registry import ResolvedStep
from custdata.pipeline.report import RunReport, record_step
from custdata.status import EMPTY, VALID

log = logging.getLogger("custdata.pipeline")

__all__ = [
    "PAUSE_ENV",
    "Output",
    "Plan",
    "check_manifest",
    "check_writable",
    "execute",
    "log",
    "make_plan",
    "open_log",
    "plan_run",
    "run_pipeline",
    "write_manifest",
]


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


def _exit_code(exc: BaseException) -> int:
    if isinstance(exc, CustdataError):
        return exc.exit_code
    if isinstance(exc, SystemExit):  # e.g. SIGTERM turned into SystemExit(143) by the CLI
        return exc.code if isinstance(exc.code, int) else 1
    if isinstance(exc, KeyboardInterrupt):
        return 130
    return 1


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
            assert source is not None  # validate() refuses a write before any read
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
        record_step(report, r, total, rows_in, result.height, elapsed, details)
        if c.id:
            frames[c.id] = result
        current = result
    _commit(plan.outputs, report, plan.manifest)


#: The engines a pipeline runs on.
ENGINES = ("polars", "spark")


def plan_run(pipeline: Pipeline, *, engine: str | None = None) -> Plan:
    """The plan of a run on ``engine`` (default: the file's ``[pipeline] engine``, else
    ``polars``): :func:`make_plan`, and for ``spark`` the refusals of what cannot run there
    (:func:`custdata.pipeline.spark_runner.check_plan`; Spark is not started).

    >>> plan_run(Pipeline("p", []), engine="dask")
    Traceback (most recent call last):
    ...
    custdata.errors.InvalidOption: --engine must be 'polars' or 'spark', not 'dask'
    """
    engine = engine or pipeline.engine or "polars"
    if engine not in ENGINES:
        raise InvalidOption(f"--engine must be 'polars' or 'spark', not {engine!r}")
    if engine == "spark":
        from custdata.pipeline import spark_runner

        return spark_runner.make_spark_plan(pipeline)
    return make_plan(pipeline)


def run_pipeline(
    pipeline: Pipeline | str | os.PathLike[str],
    *,
    overrides: list[str] | None = None,
    dry_run: bool = False,
    stop: threading.Event | None = None,
    engine: str | None = None,
) -> RunReport:
    """Validate and run a pipeline (a :class:`Pipeline` or the path of its TOML file).

    With ``dry_run`` only validates it and resolves inputs and outputs (``report`` lists them;
    nothing is read or written). Otherwise takes the lock, runs the steps, commits the outputs
    and writes the run report; on failure the report is written with ``status="failed"`` and the
    error is raised again. ``stop`` is set by a SIGTERM handler: whatever error the signal
    surfaces as, the run then fails with exit code 143. Every output, the report and the lock
    are checked to be writable before anything is read. ``engine="spark"`` (default: the file's
    ``[pipeline] engine``, else ``polars``) runs the steps on
    Spark and writes Parquet folders (:mod:`custdata.pipeline.spark_runner`); steps that cannot
    run there are refused before Spark starts.
    """
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline, overrides=overrides)
    plan = plan_run(pipeline, engine=engine)
    engine = plan.engine
    report = RunReport(
        pipeline=pipeline.name,
        file=str(pipeline.path) if pipeline.path else None,
        run_date=pipeline.run_date().isoformat(),
        dry_run=dry_run,
        engine=engine,
        lock=str(plan.lock),
        report_path=str(plan.report),
    )
    if dry_run:
        report.status = "planned"
        report.inputs = [{"step": i, "path": str(p)} for i, ps in plan.inputs.items() for p in ps]
        report.inputs += [{"step": i, "path": u} for i, us in plan.urls.items() for u in us]
        report.outputs = [{"path": str(o.target)} for o in plan.outputs]
        report.exit_code = 0
        return report
    started = time.perf_counter()
    report.started_at = _now()
    assert plan.lock is not None and plan.report is not None
    if engine == "spark":
        from custdata.pipeline import spark_runner

        spark_runner.check_outputs(plan)
    for out in plan.outputs if engine == "polars" else []:
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
            if engine == "spark":
                spark_runner.execute(plan, report=report)
            else:
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
