"""Records named by their content: the first dedupe stage after the key frame.

Row order never matters to dedupe. Each distinct row content is one *record*; records get
internal ids in the order of their content key (a string made of all the row's values), so:

* every pair is oriented by content: ``row_l`` is the record whose content sorts first, so a
  comparison level never depends on which record came first in the file;
* the u-probability sample is drawn by a hash of the content (:func:`record_hashes`), not by
  position;
* cluster ids are :func:`stable_id` of a member's content: the same on every machine and run.

>>> df = pl.DataFrame({"email": ["b@x.ru", "a@x.ru", "b@x.ru"]})
>>> rec = index_records(df)
>>> rec.n, rec.order.to_list(), rec.inverse.to_list()
(2, [1, 0], [1, 0, 1])
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import polars as pl


def content_key(frame: pl.DataFrame) -> pl.Series:
    """A string per row made of all its values: equal strings = identical rows.

    >>> content_key(pl.DataFrame({"a": ["x", None], "b": [1, 2]})).to_list()
    ['x\\x1f1', '\\x00\\x1f2']
    """
    parts = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        text = (
            pl.struct(col).struct.json_encode()
            if dtype.is_nested() or dtype == pl.Object
            else col.cast(pl.String)
        )
        parts.append(text.fill_null("\x00"))
    if not parts:
        return pl.Series("_content", [""] * frame.height, dtype=pl.String)
    return frame.select(pl.concat_str(parts, separator="\x1f").alias("_content")).to_series()


def stable_id(text: str) -> str:
    """A short id derived from text only (same on every machine and run).

    >>> stable_id("x")
    'c4adf4367f96e584f'
    """
    return "c" + hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def record_keys(frame: pl.DataFrame) -> pl.Series:
    """A stable key per row from its content (used to name rows in review and label files).

    >>> record_keys(pl.DataFrame({"a": ["x", "y"]})).to_list()
    ['c4adf4367f96e584f', 'c0fa38cc58395a65f']
    """
    return pl.Series(
        "record_key", [stable_id(c) for c in content_key(frame).to_list()], dtype=pl.String
    )


def record_hashes(content: pl.Series) -> np.ndarray:
    """A 64-bit hash per content string (blake2b: the same in every engine and process).

    >>> record_hashes(pl.Series(["x"])).tolist()
    [5395104992458594383]
    """
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(c.encode("utf-8"), digest_size=8).digest(), "big")
            for c in content.to_list()
        ],
        dtype=np.uint64,
    )


@dataclass
class Records:
    """Distinct records of a frame, in content order.

    ``content``: content key of each record (internal id = position, sorted). ``order``:
    internal id -> first input row with that content. ``inverse``: input row -> internal id.
    ``rows``: input rows (identical rows collapse to one record).
    """

    content: pl.Series
    order: pl.Series
    inverse: pl.Series
    rows: int

    @property
    def n(self) -> int:
        """Number of distinct records."""
        return self.content.len()

    @property
    def identical_pairs(self) -> int:
        """Input rows that repeat an earlier row exactly."""
        return self.rows - self.n

    def hashes(self) -> np.ndarray:
        """Content hash of each record (for the u sample)."""
        return record_hashes(self.content)


def index_records(frame: pl.DataFrame, *, link_split: int | None = None) -> Records:
    """Records of ``frame`` in content order (see the module docstring).

    ``link_split``: the first ``link_split`` rows are one table and the rest another; the side
    is part of the content (the left table's records come first) and identical rows are not
    collapsed.
    """
    content = content_key(frame)
    if link_split is not None:
        side = pl.Series(np.arange(frame.height) >= link_split).cast(pl.String)
        content = pl.select(pl.concat_str([side, content], separator="\x1e")).to_series()
    cf = pl.DataFrame({"c": content}).with_row_index("orig")
    reps = (
        cf.group_by("c").agg(pl.col("orig").min()).sort("c") if link_split is None else cf.sort("c")
    )
    inverse = cf.join(
        reps.select("c", pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i")),
        on="c",
        how="left",
        maintain_order="left",
    )["_i"]
    return Records(
        content=reps["c"],
        order=reps["orig"].cast(pl.UInt32),
        inverse=inverse,
        rows=frame.height,
    )
