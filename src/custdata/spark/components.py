"""Connected components of an edge list in plain Spark DataFrames (no GraphFrames).

The algorithm of :func:`custdata.graph.component_min_labels`, on DataFrames: every node ends
labelled by the smallest node id of its component. Each round, every root with a smaller
neighbour hooks onto its smallest one, pointer jumping takes every hooked node to its root,
and the edges are rewritten between roots; edges inside a finished component disappear, so
the graph shrinks round by round and converged components drop out of play. Each round's
tables are cut from their lineage with ``localCheckpoint`` (a plan that grows with every round
is what makes iterative Spark jobs slow down and fail).

Rounds: about log2 of the longest chain of ids in a component for the hooking, and log2 of
a hooked chain for each pointer jump; a component of two records converges in one round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame as SparkDataFrame

__all__ = ["connected_components"]

#: Safety net: rounds of hooking (each at least halves the roots that have an edge).
MAX_ROUNDS = 200


def _checkpoint(sdf: SparkDataFrame) -> SparkDataFrame:
    return sdf.localCheckpoint(eager=True)


def _jump(parent: SparkDataFrame) -> SparkDataFrame:
    """Pointer jumping: ``node -> parent`` until every parent is a root (not itself hooked)."""
    from pyspark.sql import functions as F

    for _ in range(MAX_ROUNDS):
        up = parent.select(F.col("node").alias("_p"), F.col("parent").alias("_pp"))
        joined = parent.join(up, parent["parent"] == up["_p"], "left")
        if joined.where(F.col("_pp").isNotNull()).limit(1).count() == 0:
            return parent
        parent = _checkpoint(
            joined.select("node", F.coalesce(F.col("_pp"), F.col("parent")).alias("parent"))
        )
    raise RuntimeError("pointer jumping did not converge")  # pragma: no cover


def connected_components(
    edges: SparkDataFrame, left: str = "row_l", right: str = "row_r"
) -> SparkDataFrame:
    """``node``, ``label`` for every node of an edge: label = smallest node of its component.

    ``edges`` holds undirected edges between integer node ids (either orientation, repeats
    and self-loops allowed). Nodes without an edge are not in the result (they are their own
    component).
    """
    from pyspark.sql import functions as F

    a, b = F.col(left).cast("long"), F.col(right).cast("long")
    work = _checkpoint(
        edges.select(F.least(a, b).alias("a"), F.greatest(a, b).alias("b"))
        .where(F.col("a") != F.col("b"))
        .distinct()
    )
    labels = (
        work.select(F.col("a").alias("node"))
        .union(work.select(F.col("b").alias("node")))
        .distinct()
        .withColumn("label", F.col("node"))
    )
    for _ in range(MAX_ROUNDS):
        if work.limit(1).count() == 0:
            return labels
        # hook: each root with a smaller neighbour points at the smallest one
        hooked = _jump(work.groupBy(F.col("b").alias("node")).agg(F.min("a").alias("parent")))
        root = hooked.select(F.col("node").alias("_n"), F.col("parent").alias("_root"))
        labels = _checkpoint(
            labels.join(root, labels["label"] == root["_n"], "left").select(
                "node", F.coalesce(F.col("_root"), F.col("label")).alias("label")
            )
        )
        # the edges between the new roots (inside one component they vanish)
        ra = root.select(F.col("_n").alias("_na"), F.col("_root").alias("_ra"))
        rb = root.select(F.col("_n").alias("_nb"), F.col("_root").alias("_rb"))
        moved = (
            work.join(ra, work["a"] == ra["_na"], "left")
            .join(rb, work["b"] == rb["_nb"], "left")
            .select(
                F.coalesce(F.col("_ra"), F.col("a")).alias("x"),
                F.coalesce(F.col("_rb"), F.col("b")).alias("y"),
            )
        )
        work = _checkpoint(
            moved.select(F.least("x", "y").alias("a"), F.greatest("x", "y").alias("b"))
            .where(F.col("a") != F.col("b"))
            .distinct()
        )
    raise RuntimeError("connected components did not converge")  # pragma: no cover
