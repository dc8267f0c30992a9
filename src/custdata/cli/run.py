"""Command ``run``: execute a TOML pipeline (for cron), or show its plan with ``--dry-run``.

Exit codes: 0 success; 1 internal error; 2 invalid pipeline file or input; 3 rows rejected;
4 no input file matched (nothing written); 5 another run holds the lock; 130 interrupted;
143 terminated (SIGTERM).
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from typing import Annotated

import typer

from custdata.cli._common import DebugAliasOpt, QuietOpt
from custdata.pipeline import check_manifest, load_pipeline, plan_run, run_pipeline
from custdata.pipeline.runner import log as pipeline_log
from custdata.pipeline.runner import open_log


def _configure_logging(log_file: str | None, quiet: bool) -> list[logging.Handler]:
    handlers: list[logging.Handler] = []
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S")
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING if quiet else logging.INFO)
    stderr.setFormatter(fmt)
    handlers.append(stderr)
    if log_file:
        to_file = logging.FileHandler(open_log(log_file), encoding="utf-8")
        to_file.setLevel(logging.INFO)
        to_file.setFormatter(fmt)
        handlers.append(to_file)
    for h in handlers:
        pipeline_log.addHandler(h)
    pipeline_log.setLevel(logging.INFO)
    pipeline_log.propagate = False
    return handlers


def _terminator(stop: threading.Event):
    def _terminate(signum: int, frame: object) -> None:
        """SIGTERM (a scheduler's timeout): unwind, so staging files go and the report says so."""
        if stop.is_set():
            return
        stop.set()
        raise SystemExit(143)

    return _terminate


def run(
    pipeline: Annotated[str, typer.Argument(help="Pipeline file (TOML).", show_default=False)],
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Validate the file and show the plan (inputs, outputs, lock, report); read and write nothing.",
        ),
    ] = False,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help=(
                "Override a value: KEY=VALUE for [pipeline] keys (e.g. date=2026-01-31), "
                "STEP.KEY=VALUE for a step (STEP: id, name or number). Repeatable."
            ),
            show_default=False,
        ),
    ] = None,
    log_file: Annotated[
        str | None,
        typer.Option(
            "--log",
            help="Also append the log to this file (default: [pipeline] log, if set).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Verify the last run's outputs against its manifest (SHA-256 of each); run nothing.",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the run report (or the plan) as JSON on stdout.")
    ] = False,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            help=(
                "polars (this machine) or spark: the steps run on Spark, Parquet in (files, "
                "folders or URLs Spark reaches) and Parquet folders out; steps Spark cannot run "
                "are refused before it starts. Master from the Spark configuration, else "
                "local[*]. Needs custdata[spark] and Java. Default: [pipeline] engine, else polars."
            ),
            metavar="polars|spark",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOpt = False,
    debug: DebugAliasOpt = False,
) -> None:
    """Run a pipeline of steps (read, normalize, dedupe, segment, mask, suppress, write).

    Outputs appear all at once at the end (crash-safe); a JSON run report is written next to the
    first output. Exit codes: 0 ok, 2 invalid file or input, 4 no input file, 5 locked.
    With --engine spark the steps run on Spark and each output is a Parquet folder.

    Examples:

    \b
      custdata run examples/nightly.toml --set date=2026-01-31 --dry-run
      custdata run examples/nightly.toml --set date=2026-03-01 -q
    """
    parsed = load_pipeline(pipeline, overrides=list(set_ or []))
    if check:
        manifest = check_manifest(parsed)
        if as_json:
            typer.echo(json.dumps(manifest, ensure_ascii=False, indent=2))
        elif not quiet:
            typer.echo(
                f"ok: {len(manifest['outputs'])} output(s) match run {manifest['run_id']}", err=True
            )
        return
    if dry_run:
        plan = plan_run(parsed, engine=engine)
        if as_json:
            typer.echo(run_pipeline(parsed, dry_run=True, engine=engine).to_json())
        else:
            typer.echo("\n".join(plan.describe()))
        return
    target = log_file or (
        str(parsed.resolve(parsed.render(parsed.log, key="log"))) if parsed.log else None
    )
    handlers = _configure_logging(target, quiet)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, _terminator(stop))
    try:
        report = run_pipeline(parsed, stop=stop, engine=engine)
    except BaseException:
        if stop.is_set():  # the signal may surface wrapped in a polars error: still 143
            raise SystemExit(143) from None
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        for h in handlers:
            pipeline_log.removeHandler(h)
            h.close()
    if as_json:
        typer.echo(report.to_json())


def register(app: typer.Typer) -> None:
    """Add ``run`` to the root app."""
    app.command("run")(run)
