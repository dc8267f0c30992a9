"""Plan a run: resolve a validated pipeline's input files, outputs, lock, report and manifest,
and refuse targets that are other targets or inputs of the run.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from custdata import io as cio
from custdata.errors import CustdataError
from custdata.pipeline.model import Pipeline
from custdata.pipeline.registry import ResolvedStep, validate


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
    #: ``polars`` (this machine) or ``spark`` (see :mod:`custdata.pipeline.spark_runner`)
    engine: str = "polars"
    #: per read step, the sources Spark reads as written (``s3a://...``): not checked here
    urls: dict[int, list[str]] = field(default_factory=dict)

    def describe(self) -> list[str]:
        """Human-readable lines of the plan (what ``--dry-run`` shows)."""
        p = self.pipeline
        on = ", on Spark (Parquet folders out)" if self.engine == "spark" else ""
        lines = [f"pipeline {p.name!r} ({p.file}), run date {p.run_date().isoformat()}{on}"]
        for r in self.steps:
            c = r.config
            args = ", ".join(f"{k}={v!r}" for k, v in c.args.items())
            src = f" on @{c.input}" if c.input else ""
            lines.append(f"  {c.index}. {c.step}{src}({args})" + (f" -> @{c.id}" if c.id else ""))
            for path in self.inputs.get(c.index, []):
                lines.append(f"       reads {path}")
            for url in self.urls.get(c.index, []):
                lines.append(f"       reads {url} (on Spark; not checked before the run)")
            if r.spec.role == "source" and not (self.inputs.get(c.index) or self.urls.get(c.index)):
                lines.append("       no file matches yet (a run would exit with code 4)")
            for out in self.outputs:
                if out.step is r:
                    lines.append(f"       writes {out.target}")
        lines.append(f"  lock: {self.lock}")
        lines.append(f"  report: {self.report}")
        lines.append(f"  manifest: {self.manifest}")
        return lines


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
    return list(dict.fromkeys(files))  # without repeats, in first-seen order


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
        absolute = Path(os.path.abspath(out.target))
        if absolute in seen or any(cio.same_file(out.target, o.target) for o in seen.values()):
            first = seen.get(absolute) or next(
                o for o in seen.values() if cio.same_file(out.target, o.target)
            )
            raise out.step.config.error(
                f"writes the same file as {first.step.config.label}; give each write its own target",
                key="target",
                file=pipeline.file,
            )
        seen[absolute] = out
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
