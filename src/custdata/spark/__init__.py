"""Run custdata's frame steps on Apache Spark (the ``spark`` extra: ``pip install 'custdata[spark]'``).

The same functions that run on one machine run on each Spark partition: :func:`apply` hands
every partition to the step through ``mapInArrow`` (Arrow batch → polars → step → Arrow), in
batches of ``batch_rows`` rows whatever Spark's ``spark.sql.execution.arrow.maxRecordsPerBatch``.
The output schema is the step's result on an empty frame, computed once on the driver.

Anything a step would decide from the data as a whole is decided once on the driver and passed
down explicitly, so that every executor does the same thing: which columns hold phones or
emails (:func:`detect_columns` on a sample), which kind of data a column holds for masking
(:func:`column_kinds`), the date steps' ``today`` and the regions national phone numbers may be
read in (:func:`phone_regions`, for ``regions=``). :func:`rfm` aggregates per customer on
the executors and scores on the driver (quantile scores need every customer).

Nothing else in custdata imports pyspark: this package is only imported when used.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from custdata.errors import CustdataError, InvalidOption

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
    from polars.datatypes import DataTypeClass
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DataType, StructType

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "SparkDedupeResult",
    "SparkUnavailable",
    "read_parquet",
    "apply",
    "check_parquet_path",
    "column_kinds",
    "deduplicate",
    "detect_columns",
    "golden_records",
    "output_schema",
    "phone_regions",
    "rfm",
    "run_parquet",
    "sample",
    "session",
    "with_row_numbers",
    "write_parquet",
]

#: Rows handed to a step at a time on an executor: a normalizer's fixed cost per call is lost
#: in the work (Spark's default of 10,000-row Arrow batches made 1M phones 5x slower).
DEFAULT_BATCH_ROWS = 500_000

#: Rows of the sample that :func:`detect_columns` and :func:`column_kinds` look at.
SAMPLE_ROWS = 1000


class SparkUnavailable(CustdataError):
    """pyspark (the ``spark`` extra) or a Java runtime is missing."""


def _require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailable(
            "the Spark engine needs the spark extra: pip install 'custdata[spark]' "
            "(and a Java 17+ runtime)"
        ) from None


def session(master: str | None = None, *, app_name: str = "custdata") -> SparkSession:
    """The active SparkSession, or a new one (master from the Spark config, else ``local[*]``).

    ``spark-submit``, Databricks and EMR give a session with their master; run from a plain
    Python process, ``spark.master`` (or ``--master`` of ``pyspark``) decides, else all the
    local cores. Arrow is switched on for the conversions custdata does on the driver.
    """
    _require_pyspark()
    import os
    import shutil

    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailable(
            "the Spark engine needs a Java runtime (17 or newer): install one "
            "(Debian: apt-get install default-jre-headless) or set JAVA_HOME"
        )
    builder = SparkSession.builder.appName(app_name)
    from pyspark import SparkConf

    conf = SparkConf()
    if master is None and not conf.contains("spark.master"):
        master = "local[*]"
    if master is not None:
        builder = builder.master(master)
    if (master or conf.get("spark.master", "")).startswith("local") and not (
        conf.contains("spark.pyspark.python") or os.environ.get("PYSPARK_PYTHON")
    ):
        import sys

        # local workers run this interpreter (with polars and custdata), not the system python
        os.environ["PYSPARK_PYTHON"] = sys.executable
    if not conf.contains("spark.log.level"):
        # The library never prints: Spark's log would put an executor's error, values and
        # all, on stderr. Errors still reach the caller as exceptions.
        builder = builder.config("spark.log.level", "OFF")
    return (
        builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


# ---------------------------------------------------------------------------------------------
# types


def _spark_type(dtype: pl.DataType | DataTypeClass) -> DataType:
    """The Spark SQL type that holds a polars dtype (unsigned ints widen; Null becomes string)."""
    from pyspark.sql import types as T

    simple: dict[type, Any] = {
        pl.String: T.StringType,
        pl.Categorical: T.StringType,
        pl.Enum: T.StringType,
        pl.Null: T.StringType,
        pl.Boolean: T.BooleanType,
        pl.Int8: T.ByteType,
        pl.Int16: T.ShortType,
        pl.Int32: T.IntegerType,
        pl.Int64: T.LongType,
        pl.UInt8: T.ShortType,
        pl.UInt16: T.IntegerType,
        pl.UInt32: T.LongType,
        pl.UInt64: T.LongType,
        pl.Float32: T.FloatType,
        pl.Float64: T.DoubleType,
        pl.Date: T.DateType,
        pl.Binary: T.BinaryType,
    }
    base = dtype.base_type()
    if base in simple:
        return simple[base]()
    if isinstance(dtype, pl.Datetime):
        return T.TimestampType() if dtype.time_zone else T.TimestampNTZType()
    if isinstance(dtype, pl.Decimal):
        return T.DecimalType(dtype.precision or 38, dtype.scale or 0)
    if isinstance(dtype, (pl.List, pl.Array)):
        return T.ArrayType(_spark_type(dtype.inner), True)
    if isinstance(dtype, pl.Struct):
        return T.StructType(
            [T.StructField(f.name, _spark_type(f.dtype), True) for f in dtype.fields]
        )
    raise InvalidOption(f"a step returned a column type Spark cannot hold ({dtype})")


def _polars_type(dtype: pl.DataType | DataTypeClass) -> pl.DataType | DataTypeClass:
    """The polars dtype that matches :func:`_spark_type` exactly (for the cast before Arrow)."""
    widen: dict[type, pl.DataType] = {
        pl.Categorical: pl.String(),
        pl.Enum: pl.String(),
        pl.Null: pl.String(),
        pl.UInt8: pl.Int16(),
        pl.UInt16: pl.Int32(),
        pl.UInt32: pl.Int64(),
        pl.UInt64: pl.Int64(),
    }
    base = dtype.base_type()
    if base in widen:
        return widen[base]
    if isinstance(dtype, (pl.List, pl.Array)):
        return pl.List(_polars_type(dtype.inner))
    if isinstance(dtype, pl.Struct):
        return pl.Struct({f.name: _polars_type(f.dtype) for f in dtype.fields})
    return dtype


def _empty_frame(schema: StructType) -> pl.DataFrame:
    """An empty polars frame typed as the executors will see ``schema``'s Arrow batches."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow = to_arrow_schema(schema)
    return pl.from_arrow(pa.Table.from_batches([], schema=arrow))  # type: ignore[return-value]


def output_schema(
    sdf: SparkDataFrame, step: Callable[..., pl.DataFrame], **options: Any
) -> StructType:
    """The Spark schema of ``step``'s output: the step run on an empty frame, on the driver.

    >>> import polars as pl
    >>> _polars_type(pl.Struct({"n": pl.UInt32}))
    Struct({'n': Int64})
    """
    from pyspark.sql import types as T

    out = step(_empty_frame(sdf.schema), **options)
    if not isinstance(out, pl.DataFrame):
        raise InvalidOption("a step for Spark must return a DataFrame for a DataFrame")
    return T.StructType([T.StructField(n, _spark_type(d), True) for n, d in out.schema.items()])


# ---------------------------------------------------------------------------------------------
# running a step per partition


def _rebatch(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pl.DataFrame]:
    """Spark's Arrow batches regrouped into polars frames of about ``rows`` rows."""
    pending: list[pl.DataFrame] = []
    count = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        pending.append(frame)
        count += frame.height
        if count >= rows:
            yield pl.concat(pending, how="vertical", rechunk=True)
            pending, count = [], 0
    if pending:
        yield pl.concat(pending, how="vertical", rechunk=True)


def _partition_runner(
    step: Callable[..., pl.DataFrame],
    options: Mapping[str, Any],
    schema: StructType,
    batch_rows: int,
    names: Sequence[str],
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow_schema = to_arrow_schema(schema)
    names = list(names)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for frame in _rebatch(batches, batch_rows):
            frame.columns = names  # the real names back (Spark saw placeholders)
            out = step(frame, **options)
            out = out.cast({n: _polars_type(d) for n, d in out.schema.items()})
            table = out.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(arrow_schema)
            yield from table.to_batches()

    return run


def apply(
    sdf: SparkDataFrame,
    step: Callable[..., pl.DataFrame],
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    **options: Any,
) -> SparkDataFrame:
    """Run the frame step ``step(frame, **options)`` on every partition of ``sdf``.

    Each partition's rows go to the step in polars frames of about ``batch_rows`` rows; the
    result is a Spark DataFrame with the step's output schema. Only steps that treat each row
    on its own give the same result as on one machine: normalizers with explicit columns,
    :func:`custdata.privacy.mask` with explicit ``kinds``, :func:`custdata.privacy.suppress`
    with explicit ``columns``. A step with a ``today`` parameter must be given it (executors'
    clocks may disagree); columns are found once with :func:`detect_columns`.

    ``apply(sdf, custdata.normalize.phones, columns="tel", region="RU")``
    """
    _require_pyspark()
    if isinstance(batch_rows, bool) or not isinstance(batch_rows, int) or batch_rows < 1:
        raise InvalidOption("batch_rows must be a whole number of rows, at least 1")
    params = _parameters(step)
    if "today" in params and options.get("today") is None:
        raise InvalidOption(
            "pass today= explicitly (a date): on Spark every executor must use the same day"
        )
    if (
        "regions" in params
        and options.get("regions") is None
        and options.get("infer_region", True) is not False
    ):
        raise InvalidOption(
            "pass regions= explicitly (custdata.spark.phone_regions finds them once on the "
            "driver), or infer_region=False: a partition alone may not show where its phone "
            "numbers are from"
        )
    if "kinds" in params and "columns" in options and options.get("kinds") is None:
        raise InvalidOption(
            "pass kinds= explicitly (custdata.spark.column_kinds finds them once on the driver)"
        )
    schema = output_schema(sdf, step, **options)
    # mapInArrow resolves every input column by name, which fails on names with dots or
    # backticks ("Эл. почта"): hand it placeholders and restore the names in the worker.
    names = sdf.columns
    safe = sdf.toDF(*[f"_custdata_{i}" for i in range(len(names))])
    return safe.mapInArrow(_partition_runner(step, options, schema, batch_rows, names), schema)


def _parameters(step: Callable[..., Any]) -> set[str]:
    try:
        return set(inspect.signature(step).parameters)
    except (TypeError, ValueError):
        return set()


# ---------------------------------------------------------------------------------------------
# decisions taken once on the driver


def sample(sdf: SparkDataFrame, rows: int = SAMPLE_ROWS) -> pl.DataFrame:
    """The first ``rows`` rows of ``sdf`` as a polars frame (on the driver)."""
    _require_pyspark()
    table = sdf.limit(rows).toArrow()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def detect_columns(sdf: SparkDataFrame, *, rows: int = SAMPLE_ROWS) -> dict[str, list[str]]:
    """Which columns hold which kind of data (:func:`custdata.schema.detect_columns` on a sample).

    Run once on the driver; pass the result down as explicit ``columns=``.
    """
    from custdata.schema import detect_columns as detect

    found = detect(sample(sdf, rows))
    return {k: list(v) if not isinstance(v, str) else [v] for k, v in dict(found).items()}


def phone_regions(sdf: SparkDataFrame, columns: Sequence[str], *, region: str = "RU") -> list[str]:
    """The regions the phone ``columns`` point to (:func:`custdata.normalize.phone_regions`
    over all their rows), for ``regions=`` of phones, mask and suppress.

    Only the distinct values written with a country code travel to the driver.
    """
    _require_pyspark()
    from pyspark.sql import functions as F

    from custdata.normalize import phone_regions as regions_of

    parts = [sdf.select(F.col(f"`{c}`").cast("string").alias("v")) for c in columns]
    if not parts:
        return []
    values = parts[0]
    for p in parts[1:]:
        values = values.unionByName(p)
    intl = values.where(F.trim(F.col("v")).rlike(r"^(\+|00|810)")).distinct().toArrow()
    frame = pl.from_arrow(intl)
    assert isinstance(frame, pl.DataFrame)
    return regions_of(frame["v"] if frame.height else pl.Series([], dtype=pl.String), region=region)


def column_kinds(
    sdf: SparkDataFrame, columns: Sequence[str] | None = None, *, rows: int = SAMPLE_ROWS
) -> dict[str, str]:
    """Kind of each column for :func:`custdata.privacy.mask` (``kinds=``), from a sample."""
    from custdata.privacy import column_kinds as kinds

    return kinds(sample(sdf, rows), columns)


# ---------------------------------------------------------------------------------------------
# RFM


def rfm(
    sdf: SparkDataFrame,
    *,
    customer: str,
    date: str,
    amount: str,
    as_of: str | dt.date | None = None,
    bins: int = 5,
    segment_map: str = "rf",
    order: str | None = None,
    currency: str | None = None,
    rates: Mapping[str, float] | None = None,
    dayfirst: bool = True,
    partitions: int | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> pl.DataFrame:
    """:func:`custdata.segment.rfm` for transactions in Spark: one polars row per customer.

    Transactions are cleaned per partition, shuffled by customer, summed per customer on the
    executors; the per-customer table (one row per customer) comes to the driver, where the
    quantile scores are computed over all customers. ``currency`` is not detected here: give
    the currency column and ``rates`` when there are several currencies.
    """
    _require_pyspark()
    from custdata.segment._prep import CUSTOMER, prepare_transactions
    from custdata.segment.rfm_model import rfm_aggregate, rfm_score

    def prepare(frame: pl.DataFrame) -> pl.DataFrame:
        out = prepare_transactions(
            frame,
            customer=customer,
            date=date,
            amount=amount,
            currency=currency,
            rates=rates,
            dayfirst=dayfirst,
            order=order,
        )
        assert isinstance(out, pl.DataFrame)
        return out

    def aggregate(frame: pl.DataFrame) -> pl.DataFrame:
        out = rfm_aggregate(frame, as_of=as_of)
        assert isinstance(out, pl.DataFrame)
        return out

    prepared = apply(sdf, prepare, batch_rows=batch_rows)
    shuffled = (
        prepared.repartition(partitions, CUSTOMER) if partitions else prepared.repartition(CUSTOMER)
    )
    per_customer = apply(shuffled, aggregate, batch_rows=1 << 62)
    table = pl.from_arrow(per_customer.toArrow())
    assert isinstance(table, pl.DataFrame)
    table = table.cast(rfm_aggregate(prepare(_empty_frame(sdf.schema)), as_of=as_of).schema)
    out = rfm_score(table, as_of=as_of, bins=bins, segment_map=segment_map, customer_name=customer)
    assert isinstance(out, pl.DataFrame)
    return out


# ---------------------------------------------------------------------------------------------
# file to file


def check_parquet_path(source: str, *, exists: bool = True) -> None:
    """Refuse, before Spark starts, a local file (``exists=False``: a name) that is not Parquet.

    >>> check_parquet_path("dumps/*.parquet", exists=False)
    >>> try:
    ...     check_parquet_path("dumps/*.csv", exists=False)
    ... except CustdataError as exc:
    ...     print(exc)
    *.csv: --engine spark reads Parquet; convert it first (custdata convert IN OUT.parquet)
    """
    from pathlib import Path

    from custdata.errors import UnreadableInput

    local = Path(source)
    if "://" in source or local.is_dir() or (exists and not local.is_file()):
        return
    if local.suffix.lower() not in (".parquet", ".pq") and (exists or local.suffix):
        raise UnreadableInput(
            f"{local.name or source}: --engine spark reads Parquet; convert it first "
            "(custdata convert IN OUT.parquet)"
        )


def read_parquet(source: str, *, spark: SparkSession | None = None) -> SparkDataFrame:
    """Parquet at ``source`` (a file or a folder Spark reaches) as a Spark DataFrame, or
    :class:`~custdata.errors.UnreadableInput` when it is not Parquet (exit code 2 in the CLI).

    A local file with another extension is refused before Spark starts; what Spark itself
    cannot read (a CSV named ``.parquet``, a missing path) is refused when its schema is read.
    """
    from pathlib import Path

    from custdata.errors import UnreadableInput

    name = Path(source).name or source
    check_parquet_path(source)
    session_ = spark or session()
    try:
        sdf = session_.read.parquet(source)
        sdf.schema  # noqa: B018 - resolved now, so a bad file fails here, not mid-job
    except Exception as exc:
        if not type(exc).__module__.startswith(("py4j", "pyspark")):
            raise
        raise UnreadableInput(
            f"{name} cannot be read as Parquet by Spark ({type(exc).__name__}); --engine spark "
            "reads Parquet files or folders"
        ) from None
    return sdf


def write_parquet(sdf: SparkDataFrame, target: str, *, overwrite: bool = False) -> None:
    """Write ``sdf`` as a Parquet folder at ``target`` (Spark's commit protocol), or raise
    :class:`~custdata.errors.OutputError` (exit code 2 in the CLI) when Spark cannot: the
    folder exists (and ``overwrite`` is false) or is not writable.
    """
    from custdata.errors import OutputError

    try:
        sdf.write.mode("overwrite" if overwrite else "errorifexists").parquet(target)
    except Exception as exc:
        if type(exc).__name__ != "AnalysisException":
            raise
        raise OutputError(
            f"Spark cannot write {target} (it exists already, or is not writable)"
        ) from None


def run_parquet(
    step: Callable[..., pl.DataFrame],
    source: str,
    target: str,
    *,
    spark: SparkSession | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    overwrite: bool = False,
    **options: Any,
) -> int:
    """Read Parquet at ``source``, :func:`apply` the step, write Parquet at ``target``.

    Paths are anything Spark reaches (``hdfs://``, ``s3a://``, ``abfss://``, local folders);
    ``target`` is a folder of part files, as Spark writes it (Spark's commit protocol makes it
    appear whole). Returns the number of rows written.
    """
    sdf = read_parquet(source, spark=spark)
    out = apply(sdf, step, batch_rows=batch_rows, **options).cache()
    try:
        rows = out.count()
        write_parquet(out, target, overwrite=overwrite)
    finally:
        out.unpersist()
    return rows


# the dedupe pipeline (its modules import the helpers above)
from custdata.spark.dedupe import (  # noqa: E402
    SparkDedupeResult,
    deduplicate,
    golden_records,
    with_row_numbers,
)
