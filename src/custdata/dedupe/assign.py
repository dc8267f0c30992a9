"""Stage 6 of dedupe: cluster ids, scores and reasons per input row, and the pairs table.

Re-exported by :mod:`custdata.dedupe.stages` (see there for the stages in order).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from custdata.dedupe.blocking import LEFT, RIGHT
from custdata.dedupe.clustering import Clusters
from custdata.dedupe.config import DedupeConfig
from custdata.dedupe.records import Records, stable_id
from custdata.dedupe.results import CLUSTER_ID, MATCH_SCORE, DedupeResult, Prepared, ScoredPairs
from custdata.dedupe.scoring import MATCH_REASON, reason


def assign(
    frame: pl.DataFrame,
    prepared: Prepared,
    scored: ScoredPairs,
    clusters: Clusters,
    cfg: DedupeConfig,
) -> DedupeResult:
    """Stage 6: every input row with ``cluster_id``, ``match_score``, ``match_reason``; pairs."""
    records = prepared.records
    n = prepared.n
    labels = clusters.labels
    sf = scored.frame
    left, right = sf[LEFT], sf[RIGHT]
    cset = scored.scorer.cset
    same = labels[left.to_numpy()] == labels[right.to_numpy()] if n else np.zeros(0, dtype=bool)
    why = reason(cset, scored.levels, sf["rule"])
    best = _best_pair_per_record(left, right, sf["match_probability"], why, same)
    rep_content = (
        records.content.gather(pl.Series(labels.astype(np.uint32))) if n else records.content
    )
    rep = pl.DataFrame({"label": labels, "content": rep_content}).unique("label")
    ids = {
        lab: stable_id(c)
        for lab, c in zip(rep["label"].to_list(), rep["content"].to_list(), strict=True)
    }
    internal = pl.DataFrame(
        {
            "r": pl.int_range(n, dtype=pl.UInt32, eager=True),
            CLUSTER_ID: pl.Series([ids[x] for x in labels.tolist()], dtype=pl.String),
        }
    ).join(best, on="r", how="left", maintain_order="left")
    inverse = records.inverse
    per_row = pl.DataFrame({"r": inverse}).join(internal, on="r", how="left", maintain_order="left")
    twin = pl.DataFrame({"r": inverse}).select(pl.len().over("r") > 1).to_series()
    out = frame.with_columns(
        per_row[CLUSTER_ID].alias(CLUSTER_ID),
        pl.select(pl.when(twin).then(1.0).otherwise(per_row["match_probability"].round(4)))
        .to_series()
        .alias(MATCH_SCORE),
        pl.select(pl.coalesce(per_row["reason"], pl.when(twin).then(pl.lit("identical"))))
        .to_series()
        .alias(MATCH_REASON),
    )
    pairs_out = _pairs_table(records, scored, same)
    return DedupeResult(
        frame=out,
        pairs=pairs_out,
        diagnostics=[*scored.diagnostics, *clusters.diagnostics],
        model=scored.model,
        config=cfg,
        prepared=prepared,
        scorer=scored.scorer,
    )


def _best_pair_per_record(
    left: pl.Series, right: pl.Series, prob: pl.Series, why: pl.Series, same: np.ndarray
) -> pl.DataFrame:
    """Per record: probability and reason of its best pair inside its cluster."""
    scored = pl.DataFrame(
        {LEFT: left, RIGHT: right, "match_probability": prob, "reason": why, "same": same}
    ).filter("same")
    return (
        pl.concat(
            [
                scored.select(pl.col(LEFT).alias("r"), "match_probability", "reason"),
                scored.select(pl.col(RIGHT).alias("r"), "match_probability", "reason"),
            ]
        )
        .sort(
            ["r", "match_probability", "reason"], descending=[False, True, False], nulls_last=True
        )
        .unique("r", keep="first")
    )


def _pairs_table(records: Records, scored: ScoredPairs, same: np.ndarray) -> pl.DataFrame:
    """Pairs in original row numbers, with level, label and weight per comparison."""
    sf = scored.frame
    o = records.order.to_numpy()
    ol, orr = o[sf[LEFT].to_numpy()], o[sf[RIGHT].to_numpy()]
    explain: list[pl.Series] = []
    for c in scored.scorer.cset.comparisons:
        lv = sf[c.output].to_numpy().astype(np.int64)
        labels_arr = np.array(["null", *c.labels], dtype=object)
        w = np.where(lv >= 0, scored.model.level_weights(c.output)[np.clip(lv, 0, None)], 0.0)
        explain += [
            pl.Series(f"{c.output}_level", lv.astype(np.int8)),
            pl.Series(f"{c.output}_label", labels_arr[lv + 1].tolist(), dtype=pl.String),
            pl.Series(f"{c.output}_weight", np.round(w, 3)),
        ]
    return (
        pl.DataFrame(
            [
                pl.Series(LEFT, np.minimum(ol, orr), dtype=pl.UInt32),
                pl.Series(RIGHT, np.maximum(ol, orr), dtype=pl.UInt32),
            ]
            + explain
        )
        .with_columns(
            sf["match_weight"].round(3),
            sf["match_probability"].round(6),
            sf["distinct"],
            sf["rule"],
            sf["veto"],
            pl.Series("same_cluster", same, dtype=pl.Boolean),
        )
        .sort([LEFT, RIGHT])
    )


def _link_result(
    frame: pl.DataFrame, prepared: Prepared, scored: ScoredPairs, cfg: DedupeConfig
) -> DedupeResult:
    """Linking: the pairs across the two tables at or above the threshold, in original rows."""
    o = prepared.records.order.to_numpy()
    sf = scored.frame.with_columns(reason(scored.scorer.cset, scored.levels, scored.frame["rule"]))
    hits = sf.filter((pl.col("match_probability") >= scored.threshold) & ~pl.col("distinct"))
    pairs = hits.select(
        pl.Series("row_left", o[hits[LEFT].to_numpy()], dtype=pl.UInt32),
        pl.Series("row_right", o[hits[RIGHT].to_numpy()], dtype=pl.UInt32),
        pl.col("match_probability").round(6),
        pl.col(MATCH_REASON),
    ).sort(["row_left", "row_right"])
    return DedupeResult(
        frame=frame, pairs=pairs, diagnostics=scored.diagnostics, model=scored.model, config=cfg
    )
