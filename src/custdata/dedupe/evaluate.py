"""Scores of a deduplication against the truth: pairwise and cluster-level.

* pairwise precision / recall / F1 over all pairs of rows put in one cluster;
* B-cubed precision / recall / F1 (per row: how much of its predicted cluster is really it, and
  how much of it the predicted cluster holds; forgiving of one wrong row in a big cluster);
* adjusted Rand index (agreement of the two partitions, 0 = chance, 1 = identical).

All computed from the contingency table of (predicted, true) cluster sizes: no pair is ever
materialized, so it works for millions of rows.

>>> pred = pl.DataFrame({"cluster_id": ["a", "a", "b", "c"], "true_id": [1, 1, 1, 2]})
>>> s = evaluate(pred, "true_id")
>>> s["precision"], s["recall"], round(s["f1"], 4)
(1.0, 0.3333333333333333, 0.5)
"""

from __future__ import annotations

import polars as pl

from custdata.errors import InvalidOption, require_columns
from custdata.graph import component_ids


def _pairs(n: pl.Expr) -> pl.Expr:
    n = n.cast(pl.Float64)
    return n * (n - 1) / 2


def _truth_from_pairs(keys: pl.Series, pairs: pl.DataFrame) -> pl.Series:
    """Entity id per row from true matching pairs of record keys (connected components)."""
    a, b = pairs.columns[:2]
    index = pl.DataFrame({"k": keys.cast(pl.String)}).with_row_index("i")
    if index["k"].n_unique() != index.height:
        raise InvalidOption(
            "the key column given with on= must be unique to map truth pairs to rows"
        )
    p = (
        pairs.select(pl.col(a).cast(pl.String).alias("ka"), pl.col(b).cast(pl.String).alias("kb"))
        .join(index.rename({"k": "ka", "i": "ia"}), on="ka", how="inner")
        .join(index.rename({"k": "kb", "i": "ib"}), on="kb", how="inner")
    )
    n = keys.len()
    labels = component_ids(n, p["ia"].to_numpy(), p["ib"].to_numpy())
    return pl.Series("true_id", labels)


def evaluate(
    pred: pl.DataFrame,
    truth: str | pl.Series | pl.DataFrame,
    *,
    pred_column: str = "cluster_id",
    truth_column: str = "true_id",
    on: str | None = None,
) -> dict[str, float | int]:
    """Pairwise and cluster-level scores of ``pred[pred_column]`` against the truth.

    ``truth`` is a column of ``pred`` (name), a series aligned with ``pred``'s rows, a frame
    with ``truth_column`` aligned by row (or joined on ``on``), or a frame of true matching
    pairs (two columns of values of ``pred[on]``).

    >>> pred = pl.DataFrame({"id": ["r1", "r2", "r3"], "cluster_id": ["x", "x", "y"]})
    >>> pairs = pl.DataFrame({"left": ["r1"], "right": ["r2"]})
    >>> evaluate(pred, pairs, on="id")["f1"]
    1.0
    """
    require_columns(pred.columns, [pred_column])
    if isinstance(truth, str):
        require_columns(pred.columns, [truth])
        t = pred[truth]
    elif isinstance(truth, pl.Series):
        t = truth
    elif isinstance(truth, pl.DataFrame):
        if truth_column in truth.columns:
            if on is not None:
                require_columns(pred.columns, [on])
                require_columns(truth.columns, [on])
                t = pred.select(on).join(
                    truth.select(on, truth_column), on=on, how="left", maintain_order="left"
                )[truth_column]
            else:
                t = truth[truth_column]
        elif on is not None and truth.width >= 2:
            require_columns(pred.columns, [on])
            t = _truth_from_pairs(pred[on], truth)
        else:
            raise InvalidOption(
                f"truth needs a {truth_column!r} column (entity id per row), or pass on=KEY "
                "with a two-column table of true matching pairs"
            )
    else:
        raise InvalidOption("truth must be a column name, a Series or a DataFrame")
    if t.len() != pred.height:
        raise InvalidOption(f"truth has {t.len()} rows but the prediction has {pred.height}")

    frame = pl.DataFrame({"p": pred[pred_column].cast(pl.String), "t": t.cast(pl.String)})
    # Rows without a true id are their own entity (unknown = not a duplicate of anyone).
    frame = frame.with_row_index("_i").with_columns(
        pl.col("t").fill_null(pl.format("_row{}", pl.col("_i"))),
        pl.col("p").fill_null(pl.format("_row{}", pl.col("_i"))),
    )
    n = frame.height
    cont = frame.group_by("p", "t").agg(pl.len().alias("n"))
    psize = frame.group_by("p").agg(pl.len().alias("np"))
    tsize = frame.group_by("t").agg(pl.len().alias("nt"))
    tp = float(cont.select(_pairs(pl.col("n")).sum()).item() or 0)
    pp = float(psize.select(_pairs(pl.col("np")).sum()).item() or 0)
    tt = float(tsize.select(_pairs(pl.col("nt")).sum()).item() or 0)
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    c = cont.join(psize, on="p").join(tsize, on="t")
    b = c.select(
        (pl.col("n") * pl.col("n") / pl.col("np")).sum().alias("bp"),
        (pl.col("n") * pl.col("n") / pl.col("nt")).sum().alias("br"),
    )
    bp = float(b["bp"][0]) / n if n else 1.0
    br = float(b["br"][0]) / n if n else 1.0
    bf = 2 * bp * br / (bp + br) if bp + br else 0.0
    total = n * (n - 1) / 2
    expected = pp * tt / total if total else 0.0
    maximum = (pp + tt) / 2
    ari = (tp - expected) / (maximum - expected) if maximum != expected else 1.0
    return {
        "rows": n,
        "true_pairs": int(tt),
        "predicted_pairs": int(pp),
        "true_positive_pairs": int(tp),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "bcubed_precision": bp,
        "bcubed_recall": br,
        "bcubed_f1": bf,
        "adjusted_rand": ari,
        "predicted_clusters": psize.height,
        "true_clusters": tsize.height,
    }
