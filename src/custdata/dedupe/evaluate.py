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

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from custdata.dedupe.blocking import LEFT, RIGHT, block_pairs
from custdata.dedupe.config import DedupeConfig
from custdata.dedupe.core import RESULT_COLUMNS, _config_of
from custdata.dedupe.rules import Rule
from custdata.dedupe.stages import _blocking_rules, block, prepare_records
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
    if pairs.height and p.height == 0:
        raise InvalidOption(
            "no truth for any row: no key of the truth pairs is in the key column given with "
            "on=; check the key (--on)"
        )
    n = keys.len()
    labels = component_ids(n, p["ia"].to_numpy(), p["ib"].to_numpy())
    return pl.Series("true_id", labels)


def _check_truth_found(p: pl.Series, t: pl.Series) -> None:
    """Refuse scores computed against no truth (a join that matched nothing, an empty column)."""
    if t.len() and t.null_count() == t.len():
        raise InvalidOption(
            "no truth for any row: the truth column is empty or on= matched no row; "
            "check the key (--on) and the truth column (--truth-column)"
        )
    frame = pl.DataFrame({"p": p.cast(pl.String), "t": t.cast(pl.String)})
    grouped = frame.filter(pl.len().over("p") > 1)
    if grouped.height and grouped["t"].null_count() == grouped.height:
        raise InvalidOption(
            "no truth for any row the prediction groups: the scores would say nothing; "
            "check the key (--on) and the truth column (--truth-column)"
        )


def _truth_series(
    pred: pl.DataFrame,
    truth: str | pl.Series | pl.DataFrame,
    *,
    truth_column: str,
    on: str | None,
) -> pl.Series:
    if isinstance(truth, str):
        require_columns(pred.columns, [truth])
        return pred[truth]
    if isinstance(truth, pl.Series):
        return truth
    if not isinstance(truth, pl.DataFrame):
        raise InvalidOption("truth must be a column name, a Series or a DataFrame")
    if truth_column in truth.columns:
        if on is not None:
            require_columns(pred.columns, [on])
            require_columns(truth.columns, [on])
            return pred.select(on).join(
                truth.select(on, truth_column), on=on, how="left", maintain_order="left"
            )[truth_column]
        return truth[truth_column]
    if on is not None and truth.width >= 2:
        require_columns(pred.columns, [on])
        return _truth_from_pairs(pred[on], truth)
    raise InvalidOption(
        f"truth needs a {truth_column!r} column (entity id per row), or pass on=KEY "
        "with a two-column table of true matching pairs"
    )


def error_pairs(
    pred: pl.DataFrame,
    truth: str | pl.Series | pl.DataFrame,
    *,
    pred_column: str = "cluster_id",
    truth_column: str = "true_id",
    on: str | None = None,
    columns: list[str] | None = None,
) -> pl.DataFrame:
    """The pairs the prediction got wrong: ``false_positive`` (merged, truly two people) and
    ``false_negative`` (truly one person, kept apart), with both records' ``columns`` side by
    side (``<col>_l``, ``<col>_r``; default: every column of ``pred``). Rows are 0-based
    (``row_l < row_r``); truth is given as in :func:`evaluate`.

    >>> pred = pl.DataFrame({"cluster_id": ["a", "a", "b"], "true_id": [1, 2, 2],
    ...                      "name": ["Ann", "Anna", "Anna"]})
    >>> error_pairs(pred, "true_id", columns=["name"]).rows()
    [('false_positive', 0, 1, 'Ann', 'Anna'), ('false_negative', 1, 2, 'Anna', 'Anna')]
    """
    require_columns(pred.columns, [pred_column])
    t = _truth_series(pred, truth, truth_column=truth_column, on=on)
    if t.len() != pred.height:
        raise InvalidOption(f"truth has {t.len()} rows but the prediction has {pred.height}")
    _check_truth_found(pred[pred_column], t)
    cols = list(pred.columns) if columns is None else list(columns)
    require_columns(pred.columns, cols)
    rows = pl.DataFrame({"p": pred[pred_column].cast(pl.String), "t": t.cast(pl.String)})
    rows = rows.with_row_index("i").with_columns(pl.col("i").cast(pl.Int64))
    rows = rows.with_columns(
        pl.col("t").fill_null(pl.format("_row{}", pl.col("i"))),
        pl.col("p").fill_null(pl.format("_row{}", pl.col("i"))),
    )
    out = []
    for kind, same, other in (("false_positive", "p", "t"), ("false_negative", "t", "p")):
        pairs = (
            rows.join(rows, on=same, suffix="_r")
            .filter((pl.col("i") < pl.col("i_r")) & (pl.col(other) != pl.col(f"{other}_r")))
            .select(
                pl.lit(kind).alias("error"),
                pl.col("i").alias("row_l"),
                pl.col("i_r").alias("row_r"),
            )
        )
        out.append(pairs)
    pairs = pl.concat(out).sort("error", "row_l", "row_r", descending=[True, False, False])
    left = pred.select(cols).with_row_index("row_l").with_columns(pl.col("row_l").cast(pl.Int64))
    right = pred.select(cols).with_row_index("row_r").with_columns(pl.col("row_r").cast(pl.Int64))
    pairs = pairs.join(left, on="row_l", how="left", maintain_order="left").join(
        right, on="row_r", how="left", suffix="_r", maintain_order="left"
    )
    return pairs.rename({c: f"{c}_l" for c in cols}).select(
        "error", "row_l", "row_r", *[x for c in cols for x in (f"{c}_l", f"{c}_r")]
    )


def evaluate(
    pred: pl.DataFrame,
    truth: str | pl.Series | pl.DataFrame,
    *,
    pred_column: str = "cluster_id",
    truth_column: str = "true_id",
    on: str | None = None,
    blocking: bool = False,
    columns: Mapping[str, str | list[str]] | None = None,
    rules: Any = None,
    config: Any = None,
    region: str | None = None,
    fallback_region: str | None = None,
) -> dict[str, float | int]:
    """Pairwise and cluster-level scores of ``pred[pred_column]`` against the truth.

    ``truth`` is a column of ``pred`` (name), a series aligned with ``pred``'s rows, a frame
    with ``truth_column`` aligned by row (or joined on ``on``), or a frame of true matching
    pairs (two columns of values of ``pred[on]``).

    With ``blocking=True`` the blocking rules of the run (``columns``, ``rules``, ``config``,
    ``region``, ``fallback_region`` as given to :func:`~custdata.dedupe.deduplicate`) are
    applied again to ``pred``'s data columns and the scores gain ``blocking_recall`` (the share
    of true pairs that were candidates at all), per rule ``blocking_recall[RULE]`` and
    ``blocking_added[RULE]``: see :func:`~custdata.dedupe.blocking_recall`.

    >>> pred = pl.DataFrame({"id": ["r1", "r2", "r3"], "cluster_id": ["x", "x", "y"]})
    >>> pairs = pl.DataFrame({"left": ["r1"], "right": ["r2"]})
    >>> evaluate(pred, pairs, on="id")["f1"]
    1.0
    """
    require_columns(pred.columns, [pred_column])
    t = _truth_series(pred, truth, truth_column=truth_column, on=on)
    if t.len() != pred.height:
        raise InvalidOption(f"truth has {t.len()} rows but the prediction has {pred.height}")
    _check_truth_found(pred[pred_column], t)

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

    # sorted: float sums in a fixed order, so the same input gives the same digits every run
    c = cont.join(psize, on="p").join(tsize, on="t").sort("p", "t")
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
    } | (
        _blocking(
            pred,
            truth,
            truth_column,
            on,
            columns,
            rules,
            config,
            pred_column,
            region,
            fallback_region,
        )
        if blocking
        else {}
    )


def _blocking(
    pred: pl.DataFrame,
    truth: str | pl.Series | pl.DataFrame,
    truth_column: str,
    on: str | None,
    columns: Mapping[str, str | list[str]] | None,
    rules: Any,
    config: Any,
    pred_column: str,
    region: str | None,
    fallback_region: str | None,
) -> dict[str, float | int]:
    data = pred.drop(pred_column) if pred_column in pred.columns else pred
    return blocking_recall(
        data,
        truth,
        truth_column=truth_column,
        on=on,
        columns=columns,
        rules=rules,
        config=config,
        region=region,
        fallback_region=fallback_region,
    )


def blocking_recall(
    frame: pl.DataFrame | pl.LazyFrame,
    truth: str | pl.Series | pl.DataFrame,
    *,
    truth_column: str = "true_id",
    on: str | None = None,
    columns: Mapping[str, str | list[str]] | None = None,
    rules: Rule | str | Sequence[Rule | str] | None = None,
    config: DedupeConfig | Mapping | str | None = None,
    **options: Any,
) -> dict[str, float | int]:
    """How many true pairs the blocking rules put before the scorer, overall and per rule.

    ``frame`` is the input of a run (or its output: ``cluster_id``, ``match_score``,
    ``match_reason`` and the truth column are left out), ``truth`` as in
    :func:`~custdata.dedupe.evaluate`; ``columns``, ``rules``, ``config`` and ``options`` as in
    :func:`deduplicate`, so the rules are the run's. A true pair that no rule generates is never
    scored: the recall lost before scoring. Keys: ``blocking_true_pairs``, ``blocking_found_pairs``
    (true pairs among the candidates), ``blocking_recall``, ``blocking_candidate_pairs``, and per
    rule ``blocking_recall[RULE]`` (that rule alone, under the same block-size guard) and
    ``blocking_added[RULE]`` (true pairs it finds that no earlier rule does). Two rows with the
    same content are one record: their pair is always found.

    >>> df = pl.DataFrame({"email": ["a@x.ru", "A@x.ru", "b@y.ru", "c@z.ru"], "who": [1, 1, 2, 2]})
    >>> r = blocking_recall(df, "who", columns={"email": "email"})
    >>> r["blocking_true_pairs"], r["blocking_found_pairs"], r["blocking_recall"]
    (2, 1, 0.5)
    >>> r["blocking_recall[email]"], r["blocking_added[email]"]
    (0.5, 1)
    """
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    t = _truth_series(frame, truth, truth_column=truth_column, on=on)
    if t.len() != frame.height:
        raise InvalidOption(f"truth has {t.len()} rows but the table has {frame.height}")
    drop = [*RESULT_COLUMNS, *([truth] if isinstance(truth, str) else [])]
    if isinstance(truth, pl.DataFrame) and on is None:
        drop.append(truth_column)
    data = frame.drop([c for c in drop if c in frame.columns])
    cfg = _config_of(config, columns=columns, rules=rules, **options)
    prepared = prepare_records(data, cfg)
    # true pairs as internal record ids (rows without a true id are nobody's duplicate)
    rows = pl.DataFrame(
        {"t": t.cast(pl.String), "rec": prepared.records.inverse.cast(pl.UInt32)}
    ).filter(pl.col("t").is_not_null())
    rows = rows.with_row_index("i")
    pairs = (
        rows.join(rows, on="t", suffix="_r")
        .filter(pl.col("i") < pl.col("i_r"))
        .select(
            pl.min_horizontal("rec", "rec_r").alias(LEFT),
            pl.max_horizontal("rec", "rec_r").alias(RIGHT),
        )
    )
    total = pairs.height
    same = pairs.filter(pl.col(LEFT) == pl.col(RIGHT)).height
    distinct = pairs.filter(pl.col(LEFT) != pl.col(RIGHT))
    block_rules = _blocking_rules(prepared, cfg)
    union = block(prepared, cfg).pairs

    def found_in(candidates: pl.DataFrame) -> pl.DataFrame:
        return distinct.join(candidates, on=[LEFT, RIGHT], how="semi")

    found = found_in(union).height + same
    out: dict[str, float | int] = {
        "blocking_true_pairs": total,
        "blocking_found_pairs": found,
        "blocking_recall": found / total if total else 1.0,
        "blocking_candidate_pairs": union.height,
    }
    missing = distinct
    for rule in block_rules:
        alone = block_pairs(
            prepared.keys,
            [rule],
            max_block_size=cfg.max_block_size,
            max_pairs=cfg.max_pairs,
            link_split=prepared.link_split,
        ).pairs
        hit = found_in(alone).height + same
        added = missing.join(alone, on=[LEFT, RIGHT], how="semi").height
        missing = missing.join(alone, on=[LEFT, RIGHT], how="anti")
        out[f"blocking_recall[{rule.name}]"] = hit / total if total else 1.0
        out[f"blocking_added[{rule.name}]"] = added
    return out
