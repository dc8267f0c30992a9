"""Dedupe on Spark: the local dedupe stages, run stage by stage over a Spark DataFrame.

:func:`deduplicate` gives the same pairs, probabilities (to about 1e-12), clusters and
``cluster_id`` as :func:`custdata.dedupe.deduplicate` on the same rows, because every stage
runs the local stage's own code on the executors and only the whole-table decisions are taken
on the driver, from small aggregates:

==============  =============================================================================
prepare         match keys, content key and hash per row (``mapInArrow``); records = distinct
                contents, numbered in content order (a range sort, offsets per partition)
block           block sizes per rule counted with ``groupBy().count()`` first; oversized
                blocks and the pair budget skipped with the local diagnostics; the id pairs of
                all rules at once, each pair credited to the first rule that finds it
compare         the pairs joined to both records' keys, levels per batch
score           households and EM on level-pattern counts (driver), u from the content-hash
                sample, term frequencies counted on Spark; the model and TF tables broadcast
cluster         connected components in DataFrames (:mod:`custdata.spark.components`), then
                the anti-chaining :func:`~custdata.dedupe.clustering.cluster` over whole
                components, one partition of components at a time
assign          ``cluster_id``, ``match_score``, ``match_reason`` per row
golden          :func:`golden_records`: :func:`custdata.dedupe.golden_records` per partition
                of whole clusters, with the kinds decided once on the driver
==============  =============================================================================

Rows are named by an explicit ``row_id`` column (Spark has no row order): records are
numbered by content as locally, a record's row is its smallest ``row_id``. Local dedupe of
the rows in ``row_id`` order without that column is the reference. Not on Spark: labels,
linking, organization-name-only data (its blocking counts words over the whole table).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from custdata.dedupe.blocking import LEFT, RIGHT
from custdata.dedupe.config import DedupeConfig
from custdata.dedupe.diagnostics import Diagnostic, ModelFitted
from custdata.dedupe.model import FellegiSunter
from custdata.dedupe.records import stable_id
from custdata.dedupe.results import CLUSTER_ID, MATCH_SCORE
from custdata.dedupe.scoring import MATCH_REASON
from custdata.errors import InvalidOption
from custdata.spark import _dedupe_steps as steps
from custdata.spark import _empty_frame, _polars_type, _rebatch, _require_pyspark, _spark_type
from custdata.spark._dedupe_blocks import (
    OUTPUT_COLUMNS,
    block_pairs,
    decide,
    fit,
    rule_pairs,
    term_frequencies,
)
from custdata.spark.components import connected_components

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame as SparkDataFrame

__all__ = ["SparkDedupeResult", "deduplicate", "golden_records", "with_row_numbers"]

ID = steps.ID


@dataclass
class SparkDedupeResult:
    """What :func:`deduplicate` found.

    ``frame``: every input row + ``cluster_id``, ``match_score``, ``match_reason``.
    ``scored``: the scored pairs by internal record id (``row_l < row_r``, content order), one
    level column per comparison, ``match_weight``, ``match_probability``, ``distinct``,
    ``rule``, ``veto``. ``records``: ``_id``, ``_row`` (its smallest ``row_id``), ``label``
    (the cluster's smallest record id) and ``cluster_id``.
    """

    frame: SparkDataFrame
    scored: SparkDataFrame
    records: SparkDataFrame
    diagnostics: list[Diagnostic] = field(default_factory=list)
    model: FellegiSunter | None = None


def run_polars(
    sdf: SparkDataFrame,
    fn: Callable[[pl.DataFrame], pl.DataFrame],
    *,
    whole: bool = False,
    batch_rows: int = 500_000,
    schema: pl.Schema | None = None,
) -> SparkDataFrame:
    """``fn`` on polars frames of each partition (``whole``: the partition at once)."""
    from pyspark.sql import types as T
    from pyspark.sql.pandas.types import to_arrow_schema

    names = sdf.columns
    if schema is None:
        empty = _empty_frame(sdf.schema)
        schema = fn(empty).schema
    spark_schema = T.StructType([T.StructField(n, _spark_type(d), True) for n, d in schema.items()])
    arrow = to_arrow_schema(spark_schema)
    casts = {n: _polars_type(d) for n, d in schema.items()}
    rows = 1 << 62 if whole else batch_rows

    def run(batches):
        for frame in _rebatch(batches, rows):
            frame.columns = names
            out = fn(frame).cast(casts)  # type: ignore[arg-type]
            yield from out.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(arrow).to_batches()

    safe = sdf.toDF(*[f"_c{i}" for i in range(len(names))])
    return safe.mapInArrow(run, spark_schema)


def _collect(sdf: SparkDataFrame) -> pl.DataFrame:
    out = pl.from_arrow(sdf.toArrow())
    assert isinstance(out, pl.DataFrame)
    return out


def _checkpoint(sdf: SparkDataFrame) -> SparkDataFrame:
    return sdf.localCheckpoint(eager=True)


def _number_records(rows: SparkDataFrame) -> tuple[SparkDataFrame, int, int]:
    """Distinct contents numbered 0..n-1 in content order (``_content``, ``_row``, ``_rows``,
    ``_id``), the number of records and of rows."""
    from pyspark.sql import functions as F

    rec = rows.groupBy(steps.CONTENT).agg(
        F.min("_rowid").alias("_row"), F.count(F.lit(1)).alias("_rows")
    )
    ranged = _checkpoint(
        rec.repartitionByRange(steps.CONTENT)
        .sortWithinPartitions(steps.CONTENT)
        .withColumn("_part", F.spark_partition_id())
    )
    sizes = {
        r["_part"]: (int(r["n"]), int(r["rows"]))
        for r in ranged.groupBy("_part")
        .agg(F.count(F.lit(1)).alias("n"), F.sum("_rows").alias("rows"))
        .collect()
    }
    offsets, total = {}, 0
    for part in sorted(sizes):
        offsets[part] = total
        total += sizes[part][0]

    def number(frame: pl.DataFrame) -> pl.DataFrame:
        if frame.height == 0:
            return frame.with_columns(pl.lit(0, dtype=pl.Int64).alias(ID)).drop("_part")
        start = offsets[int(frame["_part"][0])]
        return frame.drop("_part").with_columns(
            (pl.int_range(pl.len(), dtype=pl.Int64) + start).alias(ID)
        )

    return run_polars(ranged, number, whole=True), total, sum(r for _, r in sizes.values())


def with_row_numbers(sdf: SparkDataFrame, name: str) -> SparkDataFrame:
    """``sdf`` + ``name``: 0-based row numbers in the order of its partitions and their rows.

    Read from one Parquet file, that is the file's row order (what the local engine calls
    row positions). The frame is materialized once (``localCheckpoint``) so that the numbers
    stay put.
    """
    from pyspark.sql import functions as F

    if name in sdf.columns:
        raise InvalidOption(f"the input already has a column named {name}")
    parted = _checkpoint(sdf.withColumn("_part", F.spark_partition_id()))
    sizes = {r["_part"]: int(r["count"]) for r in parted.groupBy("_part").count().collect()}
    offsets, total = {}, 0
    for part in sorted(sizes):
        offsets[part] = total
        total += sizes[part]

    def number(frame: pl.DataFrame) -> pl.DataFrame:
        start = offsets.get(int(frame["_part"][0]), 0) if frame.height else 0
        idx = pl.int_range(pl.len(), dtype=pl.Int64) + start
        return frame.drop("_part").with_columns(idx.alias(name))

    return run_polars(parted, number, whole=True)


def _unique_ids(sdf: SparkDataFrame, row_id: str, columns: list[str]) -> list[str]:
    """The id ``columns`` whose key is distinct among the records (identical rows are one)."""
    from pyspark.sql import functions as F

    from custdata.dedupe.prepare import _id_key
    from custdata.dedupe.records import content_key

    if not columns:
        return []
    content = [c for c in sdf.columns if c != row_id and c not in OUTPUT_COLUMNS]

    def keys(frame: pl.DataFrame) -> pl.DataFrame:
        ids = frame.select([_id_key(pl.col(c)).alias(f"_i{j}") for j, c in enumerate(columns)])
        return ids.with_columns(content_key(frame.select(content)).alias("_c"))

    records = run_polars(sdf.select(*[f"`{c}`" for c in content]), keys).distinct()
    parts = [
        records.select(F.lit(j).alias("j"), F.col(f"_i{j}").alias("v")).where(
            F.col("v").isNotNull()
        )
        for j in range(len(columns))
    ]
    values = parts[0]
    for p in parts[1:]:
        values = values.unionByName(p)
    stats = values.groupBy("j", "v").count().groupBy("j").agg(F.max("count").alias("most"))
    return [columns[j] for j in sorted(r["j"] for r in stats.collect() if r["most"] == 1)]


def deduplicate(
    sdf: SparkDataFrame,
    *,
    row_id: str,
    columns: Mapping[str, str | list[str]] | None = None,
    rules: Any = None,
    config: Any = None,
    threshold: float | None = None,
    distinct: Any = None,
    comparisons: Sequence | None = None,
    blocking: Sequence | None = None,
    support: float | None = None,
    max_block_size: int | None = None,
    max_pairs: int | None = None,
    max_cluster_size: int | None = None,
    partitions: int | None = None,
) -> SparkDedupeResult:
    """:func:`custdata.dedupe.deduplicate` on a Spark DataFrame, stage by stage.

    ``row_id`` names a column with a distinct id per row (a row number): it is not matched
    on; it stands for the row position the local engine uses (a record's row is its smallest
    ``row_id``). Columns are detected on the driver from a sample when ``columns`` is not
    given. Options as in :func:`custdata.dedupe.deduplicate`; ``partitions``: partitions of
    the component buckets (default: Spark's shuffle partitions).

    ``deduplicate(spark.read.parquet("crm"), row_id="row", columns={"phone": "tel"})``
    """
    _require_pyspark()
    from pyspark.sql import functions as F

    if row_id not in sdf.columns:
        raise InvalidOption("row_id must name a column of the frame (a distinct id per row)")
    sdf = sdf.drop(*[c for c in OUTPUT_COLUMNS if c in sdf.columns])
    plan, cfg, rules_for, scorers, match_rules = decide(
        sdf,
        row_id,
        lambda columns: _unique_ids(sdf, row_id, columns),
        config=config,
        columns=dict(columns) if columns is not None else None,
        rules=rules,
        distinct=distinct,
        comparisons=list(comparisons) if comparisons is not None else None,
        blocking=list(blocking) if blocking is not None else None,
        threshold=threshold,
        support=support,
        max_block_size=max_block_size,
        max_pairs=max_pairs,
        max_cluster_size=max_cluster_size,
    )
    spark = sdf.sparkSession
    # -- prepare: keys per row, records numbered by content
    rows = _checkpoint(run_polars(sdf, lambda f: steps.prepare_rows(f, plan)))
    numbered, n, n_rows = _number_records(rows.select("_rowid", steps.CONTENT))
    keys = _checkpoint(
        numbered.join(rows.drop(steps.CONTENT), numbered["_row"] == rows["_rowid"]).drop("_rowid")
    )
    # -- block
    blocked = block_pairs(keys, plan, cfg)
    # -- compare: levels and rule flags, per batch of pairs joined to both records' keys
    kcols = steps.key_names(len(plan.key_columns))
    left = keys.select(F.col(ID).alias(LEFT), *[F.col(k).alias(f"_l{k[2:]}") for k in kcols])
    right = keys.select(F.col(ID).alias(RIGHT), *[F.col(k).alias(f"_r{k[2:]}") for k in kcols])
    joined = blocked.pairs.join(left, LEFT).join(right, RIGHT)
    joined = joined.select(LEFT, RIGHT, "_rule", *left.columns[1:], *right.columns[1:])
    compared = _checkpoint(run_polars(joined, lambda f: steps.compare_pairs(f, plan, scorers)))
    lv = steps.key_names(len(plan.levels), "_lv")
    flags = [f"_d{i}" for i in range(len(scorers))]
    patterns = _collect(
        compared.groupBy("_rule", *lv, *flags).agg(F.count(F.lit(1)).alias("_count"))
    )
    patterns = patterns.rename(dict(zip(lv, plan.levels, strict=True))).cast(
        {**dict.fromkeys(plan.levels, pl.Int8), "_count": pl.Int64}
    )
    diagnostics: list[Diagnostic] = [*blocked.diagnostics, *rule_pairs(plan, patterns)]
    # -- score: the distinct rules from the households share, EM, u, TF, then the prior
    regime, distinct_rules, households = rules_for(patterns)
    if households is not None:
        diagnostics.append(households)
    chosen = f"_d{regime}"
    train = patterns.filter(~pl.col(chosen)).group_by(plan.levels).agg(pl.col("_count").sum())
    model = fit(keys, plan, train, n)
    tf = term_frequencies(keys, plan)
    compared = compared.withColumnRenamed(chosen, "distinct").withColumnRenamed(
        f"_veto{regime}", "veto"
    )
    tfv = steps.key_names(len(plan.tf_columns), "_tf")
    by_bf = _collect(
        compared.where(~F.col("distinct")).groupBy(*lv, *tfv).agg(F.count(F.lit(1)).alias("n"))
    )
    bf = steps.bayes_factors(by_bf, plan, model, tf)
    order = np.argsort(bf, kind="stable")
    model.set_prior(bf[order], n * (n - 1) // 2, counts=by_bf["n"].to_numpy()[order])
    diagnostics.append(ModelFitted(parameters=model.to_dict(), identical_pairs=n_rows - n))
    shared = spark.sparkContext.broadcast((model, tf))

    def score_of(frame: pl.DataFrame) -> pl.DataFrame:
        m, t = shared.value
        return steps.score_pairs(frame, plan, m, t)

    scored = _checkpoint(run_polars(compared, score_of))
    # -- cluster: strong edges -> components -> anti-chaining per partition of components
    parts = (list(match_rules), distinct_rules, model, tf)
    labels, cdiag = cluster(scored, keys, plan, cfg, parts, partitions)
    diagnostics.extend(cdiag)
    records = _cluster_ids(keys, labels)
    frame = _checkpoint(assign(sdf, row_id, rows, records, scored))
    out_scored = scored.select(
        LEFT,
        RIGHT,
        *[F.col(c).alias(name) for c, name in zip(lv, plan.levels, strict=True)],
        "match_weight",
        "match_probability",
        "distinct",
        "rule",
        "veto",
    )
    return SparkDedupeResult(
        frame=frame,
        scored=out_scored,
        records=records.select(ID, "_row", "label", CLUSTER_ID),
        diagnostics=diagnostics,
        model=model,
    )


def cluster(
    scored: SparkDataFrame,
    keys: SparkDataFrame,
    plan: steps.Plan,
    cfg: DedupeConfig,
    parts: tuple,
    partitions: int | None,
) -> tuple[SparkDataFrame, list[Diagnostic]]:
    """``_id``, ``label`` of every record in a strong edge, and the clustering diagnostics."""
    from pyspark.sql import functions as F

    strong = scored.where((F.col("match_probability") >= cfg.threshold) & ~F.col("distinct"))
    cc = connected_components(strong.select(LEFT, RIGHT))
    big = cc.groupBy("label").count().where(F.col("count") >= 3).select("label")
    comp = cc.join(big, "label", "left_semi")
    labels = cc.select(F.col("node").alias(ID), "label")
    kcols = steps.key_names(len(plan.key_columns))
    members = comp.join(keys, comp["node"] == keys[ID]).select(
        F.lit(0).alias("_kind"), F.col("label").alias("_comp"), ID, *kcols
    )
    cl = comp.select(F.col("node").alias(LEFT), F.col("label").alias("_comp"))
    cr = comp.select(F.col("node").alias(RIGHT), F.col("label").alias("_cr"))
    edges = (
        scored.join(cl, LEFT)
        .join(cr, RIGHT)
        .where(F.col("_comp") == F.col("_cr"))
        .select(F.lit(1).alias("_kind"), "_comp", LEFT, RIGHT, "match_probability", "distinct")
    )
    both = members.unionByName(edges, allowMissingColumns=True)
    both = both.repartition(partitions, "_comp") if partitions else both.repartition("_comp")
    threshold, support, max_size = cfg.threshold, cfg.support, cfg.max_cluster_size
    shared = scored.sparkSession.sparkContext.broadcast(parts)

    def cluster(f: pl.DataFrame) -> pl.DataFrame:
        return steps.cluster_part(
            f, plan, shared.value, threshold=threshold, support=support, max_cluster_size=max_size
        )

    out = _checkpoint(run_polars(both, cluster, whole=True))
    counts = _collect(out.where(F.col(ID) == -1)).drop(ID, "label").to_dicts()
    new = out.where(F.col(ID) >= 0).select(ID, F.col("label").alias("_new"))
    labels = labels.join(new, ID, "left").select(
        ID, F.coalesce(F.col("_new"), F.col("label")).alias("label")
    )
    return labels, steps.merge_diagnostics(counts, cfg.max_cluster_size)


def _cluster_ids(keys: SparkDataFrame, labels: SparkDataFrame) -> SparkDataFrame:
    """Records with ``label`` (smallest member) and ``cluster_id`` (stable id of its content)."""
    from pyspark.sql import functions as F

    rec = keys.select(ID, "_row", "_rows", steps.CONTENT).join(labels, ID, "left")
    rec = rec.withColumn("label", F.coalesce(F.col("label"), F.col(ID)))
    rep = keys.select(F.col(ID).alias("label"), F.col(steps.CONTENT).alias("_lc"))
    named = rec.join(rep, "label")

    def ids(frame: pl.DataFrame) -> pl.DataFrame:
        cid = pl.Series(CLUSTER_ID, [stable_id(c) for c in frame["_lc"].to_list()], dtype=pl.String)
        return frame.drop("_lc").with_columns(cid)

    return _checkpoint(run_polars(named, ids))


def assign(
    sdf: SparkDataFrame,
    row_id: str,
    rows: SparkDataFrame,
    records: SparkDataFrame,
    scored: SparkDataFrame,
) -> SparkDataFrame:
    """Every input row + ``cluster_id``, ``match_score``, ``match_reason`` (the local assign)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    lab = records.select(ID, "label")
    same = (
        scored.join(lab.withColumnRenamed(ID, LEFT).withColumnRenamed("label", "_a"), LEFT)
        .join(lab.withColumnRenamed(ID, RIGHT).withColumnRenamed("label", "_b"), RIGHT)
        .where(F.col("_a") == F.col("_b"))
    )
    ends = same.select(F.col(LEFT).alias(ID), "match_probability", "reason").unionByName(
        same.select(F.col(RIGHT).alias(ID), "match_probability", "reason")
    )
    order = Window.partitionBy(ID).orderBy(
        F.col("match_probability").desc(), F.col("reason").asc_nulls_last()
    )
    best = ends.withColumn("_k", F.row_number().over(order)).where(F.col("_k") == 1).drop("_k")
    per_record = records.select(ID, "_rows", steps.CONTENT, CLUSTER_ID).join(best, ID, "left")
    per_row = rows.select("_rowid", steps.CONTENT).join(per_record, steps.CONTENT)
    per_row = per_row.select(
        "_rowid",
        CLUSTER_ID,
        F.col("match_probability").alias("_p"),
        F.col("reason").alias("_why"),
        (F.col("_rows") > 1).alias("_twin"),
    )
    joined = sdf.join(per_row, sdf[f"`{row_id}`"] == per_row["_rowid"]).drop("_rowid")

    def finish(frame: pl.DataFrame) -> pl.DataFrame:
        twin = pl.col("_twin")
        return frame.with_columns(
            pl.when(twin).then(1.0).otherwise(pl.col("_p").round(4)).alias(MATCH_SCORE),
            pl.coalesce(pl.col("_why"), pl.when(twin).then(pl.lit("identical"))).alias(
                MATCH_REASON
            ),
        ).drop("_p", "_why", "_twin")

    return run_polars(joined, finish)


def golden_records(
    frame: SparkDataFrame,
    *,
    row_id: str,
    cluster: str = CLUSTER_ID,
    kinds: Mapping[str, str | Sequence[str]] | None = None,
    partitions: int | None = None,
    **options: Any,
) -> SparkDataFrame:
    """:func:`custdata.dedupe.golden_records` per partition of whole clusters.

    ``frame`` is :attr:`SparkDedupeResult.frame` (any frame with ``cluster`` and ``row_id``).
    The kinds of the columns are decided once on the driver (from a sample, unless given);
    rows are taken in ``row_id`` order, and a value's ``_source_row`` is ``row_id + 1`` (its
    1-based row) unless the frame has a ``source_row`` column. Options (``date_column``,
    ``rules``...) as in the local function.
    """
    _require_pyspark()
    from custdata.dedupe.golden import _SKIP
    from custdata.dedupe.golden import golden_records as golden
    from custdata.schema import detect_columns
    from custdata.spark import sample

    if row_id not in frame.columns or cluster not in frame.columns:
        raise InvalidOption("the frame needs its row_id and cluster columns")
    fields = [c for c in frame.columns if c != row_id]
    head = sample(frame)
    if kinds is None:
        scan = head.drop([c for c in (row_id, cluster, *_SKIP) if c in head.columns])
        kinds = detect_columns(scan)
    own_row = "source_row" not in fields
    row_column = "_custdata_golden_row" if own_row else "source_row"

    def step(part: pl.DataFrame) -> pl.DataFrame:
        part = part.sort(row_id)
        if own_row:
            part = part.with_columns((pl.col(row_id).cast(pl.Int64) + 1).alias(row_column))
        return golden(
            part.drop(row_id),
            cluster=cluster,
            columns=fields,
            row_column=row_column,
            kinds=kinds,
            detect=False,
            **options,
        )

    schema = step(head).schema
    parted = frame.repartition(partitions, cluster) if partitions else frame.repartition(cluster)
    return run_polars(parted, step, whole=True, schema=schema)
