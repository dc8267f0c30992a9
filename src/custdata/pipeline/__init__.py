"""Declarative pipelines for cron: TOML steps named after the Python API, run crash-safely.

>>> from custdata.pipeline import STEPS
>>> "normalize" in STEPS and "write" in STEPS
True
"""

from __future__ import annotations

from custdata.pipeline.errors import ManifestMismatch, NoInputFiles, PipelineError, PipelineLocked
from custdata.pipeline.lock import PipelineLock
from custdata.pipeline.model import Pipeline, StepConfig, load_pipeline
from custdata.pipeline.registry import STEPS, StepSpec, validate
from custdata.pipeline.report import RunReport, StepReport
from custdata.pipeline.runner import Plan, check_manifest, make_plan, plan_run, run_pipeline

__all__ = [
    "STEPS",
    "ManifestMismatch",
    "NoInputFiles",
    "Pipeline",
    "PipelineError",
    "PipelineLock",
    "PipelineLocked",
    "Plan",
    "RunReport",
    "StepConfig",
    "StepReport",
    "StepSpec",
    "check_manifest",
    "load_pipeline",
    "make_plan",
    "plan_run",
    "run_pipeline",
    "validate",
]
