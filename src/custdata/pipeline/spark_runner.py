"""Run a validated pipeline on Apache Spark (``custdata run PIPELINE --engine spark``).

The same plan, lock, run report and manifest as on one machine
(:func:`custdata.pipeline.run_pipeline` with ``engine="spark"`` calls this module); only the
steps run on Spark and the outputs are Parquet folders. Everything a step would decide from
the whole table is decided once on the driver and passed down, as :mod:`custdata.spark`
requires: the columns of each kind (on a sample, when not given), the regions each phone column
points to, the kinds of the columns to mask, the opt-out list (read on the driver), the key, and
``today`` (the clock is read once, when the run starts: the local steps read it when they run).

What cannot run on Spark is refused when the plan is made, before Spark starts
(:func:`check_plan`): ``households``, ``dedupe.master``, ``segment``, a ``golden`` step that is not
on a dedupe result, a ``read`` of anything but Parquet, a ``write`` of anything but a local
Parquet target. Sources may be URLs Spark reaches (``s3a://``, ``hdfs://``), passed as they are.

Commit: each output is written in full by Spark to a staging folder next to its target; when
all are staged they are swapped into place (:func:`custdata.pipeline.commit.swap_into_place`).
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from custdata import io as cio
from custdata.errors import (
    OutputError,
    UnreadableInput,
    header_is_data,
    mask_name,
    safe_names,
)
from custdata.pipeline.commit import (
    PAUSE_ENV,
    _remove,
    check_replaceable,
    output_entry,
    swap_into_place,
)
from custdata.pipeline.errors import NoInputFiles
from custdata.pipeline.model import Pipeline
from custdata.pipeline.plan import Output, Plan, _expand, make_plan
from custdata.pipeline.registry import ResolvedStep
from custdata.pipeline.report import RunReport, record_step
from custdata.status import EMPTY, VALID

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

log = logging.getLogger("custdata.pipeline")

__all__ = ["REFUSED", "check_outputs", "check_plan", "execute", "make_spark_plan"]

#: The hidden row-number column a dedupe result keeps for a following ``golden`` step.
ROW_ID = "_custdata_row_id"

#: Steps that have no Spark form, and why.
REFUSED: dict[str, str] = {
    "households": "households compares addresses over the whole table; it has no Spark form yet",
    "dedupe.master": "the incremental master update has no Spark form yet",
    "segment": (
        "segment has no pipeline form on Spark yet (currency detection, clusters); "
        "use custdata.spark.rfm from Python"
    ),
}

#: Arguments a step may take on Spark, for steps where that is fewer than locally.
_DEDUPE_ARGS = (
    "columns rules config threshold distinct comparisons blocking support max_block_size "
    "max_pairs max_cluster_size region fallback_region"
)
_GOLDEN_ARGS = (
    "cluster rules default date_column source_column source_priority list_columns groups "
    "kinds region fallback_region"
)
_ALLOWED: dict[str, tuple[str, ...]] = {
    "read": ("source", "format"),
    "write": ("target", "format"),
    "dedupe": tuple(_DEDUPE_ARGS.split()),
    "golden": tuple(_GOLDEN_ARGS.split()),
}

_PARQUET = (".parquet", ".pq")


# ---------------------------------------------------------------------------------------------
# the plan


def make_spark_plan(pipeline: Pipeline) -> Plan:
    """:func:`~custdata.pipeline.plan.make_plan` for Spark: checked by :func:`check_plan`.

    >>> from custdata.pipeline import PipelineError, load_pipeline
    >>> p = load_pipeline("a.toml", text='''[[steps]]
    ... step = "read"
    ... source = "in.parquet"
    ... [[steps]]
    ... step = "write"
    ... target = "out.csv"''')
    >>> try:
    ...     make_spark_plan(p)
    ... except PipelineError as exc:
    ...     print(str(exc)[:60])
    a.toml, line 6, key 'target': step 2 (write): --engine spark
    """
    plan = make_plan(pipeline)
    check_plan(plan)
    return plan


def _is_url(text: str) -> bool:
    return "://" in text


def _patterns(pipeline: Pipeline, r: ResolvedStep, key: str) -> list[str]:
    value = r.config.args.get(key)
    items = value if isinstance(value, list) else [value] if value is not None else []
    return [pipeline.render(v, key=key, step=r.config) for v in items]


def _sources(pipeline: Pipeline, r: ResolvedStep) -> list[str | Path]:
    """A read step's sources: URLs as written, local files and Parquet folders (globs
    expanded, sorted), without repeats."""
    found: list[str | Path] = []
    for rendered in _patterns(pipeline, r, "source"):
        if _is_url(rendered):
            found.append(rendered)
            continue
        full = pipeline.resolve(rendered)
        if glob.has_magic(str(full)):
            found.extend(Path(m) for m in sorted(glob.glob(str(full))))
        elif full.exists():
            found.append(full)
    return list(dict.fromkeys(found))


def _feeder(steps: list[ResolvedStep], i: int) -> ResolvedStep | None:
    """The step whose result step ``i`` works on (a write passes its table on)."""
    c = steps[i].config
    if c.input:
        return next(s for s in steps[:i] if s.config.id == c.input)
    j = i - 1
    while j >= 0 and steps[j].spec.role == "sink":
        j -= 1
    return steps[j] if j >= 0 else None


def check_plan(plan: Plan) -> None:
    """Refuse, before Spark starts, a step or argument that cannot run on Spark.

    Messages name the pipeline file, the step and the key (exit code 2). Marks the plan as a
    Spark plan and lists each read step's sources (URLs and Parquet folders included).
    """
    from custdata.spark import check_parquet_path

    pipeline, file = plan.pipeline, plan.pipeline.file
    for i, r in enumerate(plan.steps):
        c = r.config
        if c.step in REFUSED:
            raise c.error(f"not available with --engine spark: {REFUSED[c.step]}", file=file)
        for key in c.args:
            if c.step in _ALLOWED and key not in _ALLOWED[c.step]:
                raise c.error(f"{key} is not available with --engine spark", key=key, file=file)
        fmt = c.args.get("format") if c.step in ("read", "write") else None
        if fmt is not None and fmt != "parquet":
            raise c.error("--engine spark reads and writes Parquet only", key="format", file=file)
        if c.step == "read":
            for rendered in _patterns(pipeline, r, "source"):
                if not _is_url(rendered) and fmt is None:
                    check_parquet_path(str(pipeline.resolve(rendered)), exists=False)
            sources = _sources(pipeline, r)
            for source in sources:
                if isinstance(source, Path) and fmt is None:
                    check_parquet_path(str(source))
            plan.inputs[c.index] = [s for s in sources if isinstance(s, Path)]
            plan.urls[c.index] = [s for s in sources if isinstance(s, str)]
        elif c.step == "write":
            target = pipeline.render(c.args["target"], key="target", step=c)
            if _is_url(target):
                raise c.error(
                    "--engine spark writes pipeline outputs to local paths (a shared mount "
                    "on a cluster): the crash-safe commit and the manifest need them",
                    key="target",
                    file=file,
                )
            if fmt is None and Path(target).suffix.lower() not in _PARQUET:
                raise c.error(
                    "--engine spark writes Parquet folders; a target of another format "
                    "needs one file: give it a .parquet name, or run with --engine polars",
                    key="target",
                    file=file,
                )
        elif c.step == "golden":
            fed = _feeder(plan.steps, i)
            if fed is None or fed.config.step != "dedupe":
                raise c.error(
                    "on Spark, golden works on the result of a dedupe step (its row order); "
                    'put it right after the dedupe, or set input = "<the dedupe id>"',
                    file=file,
                )
    plan.engine = "spark"


def check_outputs(plan: Plan) -> None:
    """Refuse, before any work, an output the commit could not replace (see
    :func:`~custdata.pipeline.commit.check_replaceable`), or a missing pyspark."""
    from custdata.spark import _require_pyspark

    _require_pyspark()
    for out in plan.outputs:
        check_replaceable(out.target, "output")


# ---------------------------------------------------------------------------------------------
# running the steps


@dataclass
class _Frame:
    """A step's result on Spark: the frame, its row count, and the hidden row numbers a
    dedupe result keeps (for golden and for writing rows in input order)."""

    sdf: SparkDataFrame
    rows: int
    row_id: str | None = None

    def plain(self) -> SparkDataFrame:
        """The table as the next steps see it, without the helper column (a dedupe result is
        kept sorted by it: in input order)."""
        return self.sdf if self.row_id is None else self.sdf.drop(self.row_id)


def _uri(path: Path) -> str:
    """A local path for Spark: ``file://`` so that a cluster's default filesystem is not used."""
    return f"file://{Path(os.path.abspath(path))}"


def _read(spark: SparkSession, pipeline: Pipeline, r: ResolvedStep, report: RunReport):
    from custdata import spark as cs

    c = r.config
    sources = _sources(pipeline, r)
    if not sources:
        raise NoInputFiles(
            f"{c.label}: no file matches {c.args['source']!r}; "
            "nothing was written (rerun when the dump arrives)"
        )
    frames = []
    for source in sources:
        report.inputs.append({"step": c.index, "path": str(source)})
        frames.append(
            cs.read_parquet(source if isinstance(source, str) else _uri(source), spark=spark)
        )
    out = frames[0]
    try:
        for f in frames[1:]:  # files in sorted order, missing columns null (as locally)
            out = out.unionByName(f, allowMissingColumns=True)
    except Exception as exc:
        if not _spark_error(exc):
            raise
        raise UnreadableInput(
            f"{c.label}: Spark cannot stack these files ({type(exc).__name__}): a column has "
            "different types in different files; read them in separate steps"
        ) from None
    return out, {"files": len(sources)}


def _spark_error(exc: BaseException) -> bool:
    """An error Spark reports about the data or a path (not a failure inside a step)."""
    return type(exc).__name__ in ("AnalysisException", "Py4JJavaError") and type(
        exc
    ).__module__.startswith(("py4j", "pyspark"))


def _driver_frame(
    pipeline: Pipeline, r: ResolvedStep, value: str, frames: dict[str, _Frame], report: RunReport
) -> pl.DataFrame:
    """A table argument (the opt-out list) as a polars frame on the driver."""
    if value.startswith("@"):
        table = pl.from_arrow(frames[value[1:]].plain().toArrow())
        assert isinstance(table, pl.DataFrame)
        return table
    files = _expand(pipeline, value, key="optouts", step=r)
    if not files:
        raise NoInputFiles(f"{r.config.label}: optouts matched no file ({value})")
    for f in files:
        report.inputs.append({"step": r.config.index, "argument": "optouts", "path": str(f)})
    parts = [cio.read(f) for f in files]
    return parts[0] if len(parts) == 1 else pl.concat(parts, how="diagonal_relaxed")


def _by_regions(
    sdf: SparkDataFrame, columns: list[str], region: str | None, phones: set[str]
) -> list[tuple[list[str], list[str]]]:
    """Columns grouped by the regions their numbers point to (each phone column its own, as
    locally; other columns need none)."""
    from custdata import spark as cs

    groups: dict[tuple[str, ...], list[str]] = {}
    for col in columns:
        found = cs.phone_regions(sdf, [col], region=region or "RU") if col in phones else []
        groups.setdefault(tuple(found), []).append(col)
    return [(cols, list(regions)) for regions, cols in groups.items()] or [([], [])]


def _as_list(value: Any) -> list[str]:
    """A step's ``columns`` argument as a list."""
    return [value] if isinstance(value, str) else list(value)


def _key(args: dict[str, Any]) -> None:
    """Load the key once on the driver (executors may not see the key file or variable)."""
    from custdata.privacy import load_key

    key_file = args.pop("key_file", None)
    if key_file is not None or args.get("key") is not None or os.environ.get("CUSTDATA_KEY"):
        args["key"] = load_key(args.get("key"), key_file=key_file)


def _row_step(
    sdf: SparkDataFrame, r: ResolvedStep, args: dict[str, Any], today: dt.date
) -> SparkDataFrame:
    """A row step with every whole-table decision taken once on the driver."""
    from custdata import spark as cs
    from custdata.privacy import column_kinds

    step, fn = r.config.step, r.function
    if step == "normalize":
        columns = args.get("columns") or cs.detect_columns(sdf)
        args["columns"] = {k: [v] if isinstance(v, str) else list(v) for k, v in columns.items()}
        args.setdefault("today", today)
        if args.get("regions") is None:
            phones = args["columns"].get("phone", [])
            region = args.get("region", "RU")
            args["regions"] = {c: cs.phone_regions(sdf, [c], region=region) for c in phones}
        return cs.apply(sdf, fn, **args)
    if step == "normalize.birth_dates":
        args.setdefault("today", today)
    if (
        step == "normalize.phones"
        and args.get("regions") is None
        and args.get("infer_region", True)
    ):
        columns = _as_list(args.pop("columns"))
        region = args.get("region", "RU")
        for cols, regions in _by_regions(sdf, columns, region, set(columns)):
            sdf = cs.apply(sdf, fn, columns=cols, **{**args, "regions": regions})
        return sdf
    if step == "mask":
        columns = _as_list(args.pop("columns"))
        method = args.get("method", "hash")
        if method in ("hash", "tokenize"):
            _key(args)
        args["kinds"] = (
            column_kinds(cs.sample(sdf), columns, kinds=args.get("kinds"))
            if method in ("hash", "mask")
            else {}
        )
        if args.get("regions") is not None or method not in ("hash", "mask"):
            return cs.apply(
                sdf, fn, columns=columns, **{**args, "regions": args.get("regions") or []}
            )
        phones = {c for c, k in args["kinds"].items() if k in ("phone", "contact")}
        for cols, regions in _by_regions(sdf, columns, args.get("region"), phones):
            sdf = cs.apply(sdf, fn, columns=cols, **{**args, "regions": regions})
        return sdf
    if step == "suppress":
        _suppress_decisions(sdf, args)
    return cs.apply(sdf, fn, **args)


def _suppress_decisions(sdf: SparkDataFrame, args: dict[str, Any]) -> None:
    """The columns of each kind and the regions of the phone columns, as suppress would
    find them on the whole table (it detects on its own otherwise)."""
    from custdata import spark as cs
    from custdata.privacy import column_kinds
    from custdata.privacy.suppress import SUPPRESS_KINDS, _check_on

    _key(args)
    if args.get("optouts") is None:  # the data's own consent only
        args.setdefault("regions", [])
        return
    kinds = _check_on(args.get("on", SUPPRESS_KINDS))
    given = {k: list(v) for k, v in (args.get("columns") or {}).items()}
    missing = [k for k in kinds if k not in given]
    if missing:
        found = column_kinds(cs.sample(sdf))
        for k in missing:
            given[k] = [c for c, ck in found.items() if ck == k]
    args["columns"] = given
    phones = (given.get("phone") or []) if "phone" in kinds else []
    if args.get("regions") is None:
        region = args.get("region", "RU")
        found_regions = cs.phone_regions(sdf, phones, region=region) if phones else []
        args["regions"] = sorted(set(found_regions))


def _dedupe(sdf: SparkDataFrame, args: dict[str, Any]) -> SparkDataFrame:
    """:func:`custdata.spark.deduplicate` on numbered rows; keeps the row numbers."""
    from custdata import spark as cs
    from custdata.dedupe.core import _config_of

    region, fallback = args.pop("region", None), args.pop("fallback_region", None)
    if region is not None or fallback is not None:  # the Spark dedupe takes them in its config
        args["config"] = _config_of(args.get("config"), region=region, fallback_region=fallback)
    numbered = cs.with_row_numbers(sdf, ROW_ID)
    return cs.deduplicate(numbered, row_id=ROW_ID, **args).frame


def _measure(
    before: SparkDataFrame, after: SparkDataFrame, rows_in: int, step: str
) -> tuple[int, dict[str, Any]]:
    """The rows of ``after`` and the local runner's step counts (invalid values, clusters,
    suppressed, dropped columns), from one aggregation on Spark."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    new = [c for c in after.columns if c not in before.columns and c != ROW_ID]
    hide = header_is_data(before.columns)
    kinds = {f.name: f.dataType for f in after.schema.fields}
    status = [c for c in new if c.endswith("_status") and isinstance(kinds[c], T.StringType)]
    good = [*VALID, EMPTY]
    aggs = [F.count(F.lit(1)).alias("rows")]
    aggs += [
        F.sum(
            F.when(~F.col(f"`{c}`").isin(good) & F.col(f"`{c}`").isNotNull(), 1).otherwise(0)
        ).alias(f"s{i}")
        for i, c in enumerate(status)
    ]
    cluster = next((c for c in ("cluster_id", "customer_id_master", "master_id") if c in new), None)
    if cluster is not None:
        aggs.append(F.count_distinct(F.col(cluster)).alias("clusters"))
        aggs.append(F.max(F.col(cluster).isNull().cast("int")).alias("nulls"))
    flag = "suppressed" in new and isinstance(kinds["suppressed"], T.BooleanType)
    if flag:
        aggs.append(F.sum(F.col("suppressed").cast("long")).alias("suppressed"))
    got = after.agg(*aggs).collect()[0]
    rows = int(got["rows"])
    out: dict[str, Any] = {}
    if status:
        invalid = {c[: -len("_status")]: int(got[f"s{i}"] or 0) for i, c in enumerate(status)}
        names = [mask_name(k) for k in invalid] if hide else safe_names(list(invalid))
        out["invalid"] = dict(zip(names, invalid.values(), strict=True))
    if cluster is not None:
        out["clusters"] = int(got["clusters"]) + int(got["nulls"] or 0)
        out["duplicates"] = rows - out["clusters"]
    if flag:
        out["suppressed"] = int(got["suppressed"] or 0)
    if step == "suppress" and rows < rows_in:
        out["suppressed"] = rows_in - rows
    dropped = [c for c in before.columns if c not in after.columns and c != ROW_ID]
    if dropped:
        out["dropped_columns"] = [mask_name(c) for c in dropped] if hide else safe_names(dropped)
    return rows, out


def _transform(
    plan: Plan,
    r: ResolvedStep,
    source: _Frame,
    frames: dict[str, _Frame],
    report: RunReport,
    today: dt.date,
) -> tuple[SparkDataFrame, str | None]:
    """Run one transform step; returns the result and its hidden row-number column."""
    from custdata import spark as cs

    pipeline = plan.pipeline
    args = dict(r.config.args)
    for key in r.spec.paths:
        if key in args and key not in r.spec.frames and isinstance(args[key], str):
            args[key] = str(pipeline.resolve(args[key]))
    for key in r.spec.frames:
        if key in args:
            args[key] = _driver_frame(pipeline, r, args[key], frames, report)
    if r.config.step == "dedupe":
        return _dedupe(source.plain(), args).orderBy(ROW_ID), ROW_ID
    if r.config.step == "golden":
        assert source.row_id is not None  # check_plan: golden follows a dedupe
        return cs.golden_records(source.sdf, row_id=source.row_id, **args), None
    return _row_step(source.plain(), r, args, today), None


def execute(plan: Plan, *, report: RunReport, spark: SparkSession | None = None) -> None:
    """Run the steps of a checked plan on Spark (the lock must be held) and commit the outputs."""
    from custdata import spark as cs

    session = spark or cs.session()
    today = dt.date.today()  # read once on the driver: executors' clocks may disagree
    frames: dict[str, _Frame] = {}
    current: _Frame | None = None
    kept: list[SparkDataFrame] = []
    staged: list[tuple[Output, _Frame]] = []
    total = len(plan.steps)
    try:
        for r in plan.steps:
            c = r.config
            start = time.perf_counter()
            source = frames[c.input] if c.input else current
            details: dict[str, Any]
            if r.spec.role == "sink":
                assert source is not None  # validate() refuses a write before any read
                out = next(o for o in plan.outputs if o.step is r)
                staged.append((out, source))
                result, details = source, {"target": str(out.target)}
            else:
                row_id = None
                if r.spec.role == "source":
                    sdf, details = _read(session, plan.pipeline, r, report)
                else:
                    assert source is not None
                    sdf, row_id = _transform(plan, r, source, frames, report, today)
                if source is not None and r.spec.role == "transform":
                    sdf = sdf.persist()  # computed once: counted now, used by the next steps
                    kept.append(sdf)
                    rows, details = _measure(source.plain(), sdf, source.rows, c.step)
                else:
                    rows = sdf.count()
                result = _Frame(sdf, rows, row_id)
            elapsed = round(time.perf_counter() - start, 3)
            rows_in = source.rows if source is not None and r.spec.role != "source" else None
            record_step(report, r, total, rows_in, result.rows, elapsed, details, where=" on Spark")
            if c.id:
                frames[c.id] = result
            current = result
        _commit(staged, report, plan.manifest)
    finally:
        for sdf in kept:
            sdf.unpersist()


# ---------------------------------------------------------------------------------------------
# commit


def _commit(outputs: list[tuple[Output, _Frame]], report: RunReport, manifest: Path | None) -> None:
    """Write every output to a staging folder with Spark, then swap them all into place."""
    if manifest is not None:
        manifest.unlink(missing_ok=True)
    try:
        for out, frame in outputs:
            out.target.parent.mkdir(parents=True, exist_ok=True)
            out.staging = out.target.with_name(f".{out.target.name}.{os.getpid()}.partial")
            _remove(out.staging)
            try:
                frame.plain().write.mode("errorifexists").parquet(_uri(out.staging))
            except Exception as exc:
                if not _spark_error(exc):
                    raise
                raise OutputError(
                    f"Spark could not write the output {out.target.name} ({type(exc).__name__})"
                ) from None
        pause = os.environ.get(PAUSE_ENV)
        if pause:
            time.sleep(float(pause))
        for out, frame in outputs:
            assert out.staging is not None
            swap_into_place(out.staging, out.target)
            out.staging = None
            log.info("wrote %s (%s rows, a Parquet folder)", out.target, f"{frame.rows:,}")
    finally:
        for out, _ in outputs:
            if out.staging is not None:
                _remove(out.staging)
                out.staging = None
    for out, frame in outputs:
        report.outputs.append(output_entry(out.target, frame.rows))
