"""Review loop: export the borderline pairs for a person to label, feed the labels back.

:func:`review_pairs` picks the pairs the model is least sure about (match probability closest
to the threshold, both sides of it) and lays the two records side by side with an empty
``label`` column. A person fills in ``label`` (``y``/``n``, ``yes``/``no``, ``1``/``0``,
``match``/``distinct``, ``да``/``нет``) and gives the file back as ``labels=``
(CLI: ``--labels FILE``): labelled matches are always merged, labelled non-matches never, and the
threshold moves to separate the labelled matches from the non-matches. Records are named by a
key derived from their content (``left_key``/``right_key``), so the labels still apply when the
input is re-exported in another order.

>>> df = pl.DataFrame({"name": ["Ivan Petrov", "Ivan Petrov", "Olga Ivanova"], "phone": ["1111111", None, "1111111"]})
>>> from custdata.dedupe import deduplicate
>>> res = deduplicate(df, columns={"full_name": "name", "phone": "phone"})
>>> review_pairs(res, df, low=0.0, high=1.0).columns[:4]
['left_key', 'right_key', 'match_probability', 'label']
"""

from __future__ import annotations

import polars as pl

from custdata.dedupe.records import record_keys
from custdata.errors import InvalidOption
from custdata.yesno import NO, YES

#: The shared yes/no words (:mod:`custdata.yesno`) plus the words of a match label.
_YES = YES | {"match", "same"}
_NO = NO | {"distinct", "different", "-"}


def review_pairs(
    result,
    frame: pl.DataFrame,
    *,
    low: float = 0.2,
    high: float = 0.98,
    limit: int = 200,
) -> pl.DataFrame:
    """Borderline pairs (probability in ``[low, high]``), closest to the threshold first.

    ``result`` is a :class:`~custdata.dedupe.core.DedupeResult` of ``frame``. Columns:
    ``left_key``, ``right_key``, ``match_probability``, ``label`` (empty), ``reason``, then every
    input column as ``<column>_left`` / ``<column>_right``.
    """
    if not 0 <= low <= high <= 1:
        raise InvalidOption("review range must satisfy 0 <= low <= high <= 1")
    threshold = result.config.threshold if result.config is not None else 0.9
    pairs = result.pairs.filter(
        pl.col("match_probability").is_between(low, high) & pl.col("rule").is_null()
    )
    pairs = (
        pairs.with_columns((pl.col("match_probability") - threshold).abs().alias("_d"))
        .sort(["_d", "row_l", "row_r"])
        .head(limit)
    )
    keys = record_keys(frame)
    li, ri = pairs["row_l"], pairs["row_r"]
    left = frame[li.to_list()] if pairs.height else frame.clear()
    right = frame[ri.to_list()] if pairs.height else frame.clear()
    level_cols = [c for c in pairs.columns if c.endswith("_label")]
    reason = (
        pl.concat_str([pl.format(f"{c[:-6]}={{}}", pl.col(c)) for c in level_cols], separator=" ")
        if level_cols
        else pl.lit("")
    )
    out = pl.DataFrame(
        {
            "left_key": keys.gather(li),
            "right_key": keys.gather(ri),
            "match_probability": pairs["match_probability"],
            "label": pl.Series([None] * pairs.height, dtype=pl.String),
            "reason": pairs.select(reason.alias("reason")).to_series()
            if pairs.height
            else pl.Series([], dtype=pl.String),
        }
    )
    return pl.concat(
        [
            out,
            left.select(pl.all().name.suffix("_left")),
            right.select(pl.all().name.suffix("_right")),
        ],
        how="horizontal",
    )


def parse_labels(labels: pl.DataFrame) -> pl.DataFrame:
    """``left_key``, ``right_key``, ``match`` (bool) from a filled-in review file.

    Unlabelled rows are skipped; an unknown label is an error (which row, never its values).

    >>> parse_labels(pl.DataFrame({"left_key": ["a", "b", "c"], "right_key": ["d", "e", "f"],
    ...                            "label": ["y", "нет", None]})).rows()
    [('a', 'd', True), ('b', 'e', False)]
    """
    for col in ("left_key", "right_key", "label"):
        if col not in labels.columns:
            raise InvalidOption(
                f"labels file needs columns left_key, right_key, label (missing {col!r}): "
                "use the file written by --review"
            )
    lab = (
        labels.select(
            pl.col("left_key").cast(pl.String),
            pl.col("right_key").cast(pl.String),
            pl.col("label").cast(pl.String).str.strip_chars().str.to_lowercase().alias("label"),
        )
        .with_row_index("_line")
        .filter(pl.col("label").is_not_null() & (pl.col("label") != ""))
    )
    bad = lab.filter(~pl.col("label").is_in(sorted(_YES | _NO)))
    if bad.height:
        raise InvalidOption(
            f"labels file row {int(bad['_line'][0]) + 1}: unknown label; use y/n (yes/no, 1/0, да/нет)"
        )
    return lab.select("left_key", "right_key", pl.col("label").is_in(sorted(_YES)).alias("match"))
