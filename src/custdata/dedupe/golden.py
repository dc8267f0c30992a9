"""Golden records: one row per cluster, each field chosen by a survivorship rule.

Strategies (per field, ``rules={"phone": "most_recent", ...}``, default for all via ``default``):

* ``most_recent``: the value of the newest record by ``date_column`` (registration date...);
* ``most_frequent``: the value most records agree on (ties: the newest, then the longest);
* ``longest``: the most complete (longest) value;
* ``first_non_null``: the value of the first record in input order;
* ``source_priority``: the value from the best source in ``source_priority`` (then the newest).

Every chosen value comes with ``<field>_source_row``: the input row (0-based) it came from.
Phones and emails are also kept whole: ``<field>_all`` lists every distinct value of the person.

>>> df = pl.DataFrame({"cluster_id": ["a", "a", "b"], "phone": ["1", "2", None],
...                    "name": ["Ivan", "Ivan Petrov", "Olga"], "updated": ["2020-01-01", "2023-05-01", None]})
>>> g = golden_records(df, date_column="updated", rules={"name": "longest"}, list_columns=["phone"])
>>> g.select("cluster_id", "phone", "phone_source_row", "name", "record_count").rows()
[('a', '2', 1, 'Ivan Petrov', 2), ('b', None, None, 'Olga', 1)]
>>> g["phone_all"].to_list()
[['1', '2'], []]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from custdata.errors import InvalidOption, require_columns
from custdata.normalize.date import parse_datetime

STRATEGIES = ("most_recent", "most_frequent", "longest", "first_non_null", "source_priority")
_SKIP = {"match_score", "match_reason", "household_id"}


def _as_date(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return parse_datetime(expr)  # the shared parser: any date form, with its time of day


def golden_records(
    frame: pl.DataFrame,
    *,
    cluster: str = "cluster_id",
    rules: Mapping[str, str] | None = None,
    default: str | None = None,
    date_column: str | None = None,
    source_column: str | None = None,
    source_priority: Sequence[str] | None = None,
    list_columns: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> pl.DataFrame:
    """One golden record per cluster, with provenance columns.

    ``frame`` is the output of :func:`~custdata.dedupe.find_duplicates` (any frame with a
    ``cluster`` column). ``default`` is ``most_recent`` when ``date_column`` is given, else
    ``most_frequent``. ``list_columns`` (default: detected phone and email columns) also get a
    ``<column>_all`` list of every distinct value. Output: ``cluster_id``, ``record_count``, then
    per field the value and ``<field>_source_row``.
    """
    require_columns(frame.columns, [cluster])
    if date_column is not None:
        require_columns(frame.columns, [date_column])
    if source_column is not None:
        require_columns(frame.columns, [source_column])
    default = default or ("most_recent" if date_column else "most_frequent")
    rules = dict(rules or {})
    for field, strategy in [*rules.items(), ("(default)", default)]:
        if strategy not in STRATEGIES:
            raise InvalidOption(
                f"unknown survivorship rule {strategy!r} for {field}; use one of {', '.join(STRATEGIES)}"
            )
        if strategy == "most_recent" and date_column is None:
            raise InvalidOption(f"{field}: most_recent needs date_column= (CLI: --date-column)")
        if strategy == "source_priority" and (source_column is None or not source_priority):
            raise InvalidOption(
                f"{field}: source_priority needs source_column= and source_priority=[...]"
            )
    unknown = [f for f in rules if f not in frame.columns]
    if unknown:
        require_columns(frame.columns, unknown)
    if list_columns is None:
        from custdata.schema import detect_columns

        kinds = detect_columns(frame.drop([c for c in (cluster, *_SKIP) if c in frame.columns]))
        list_columns = [*kinds.get("phone", []), *kinds.get("email", [])]
        if columns is not None:
            list_columns = [c for c in list_columns if c in columns]
    require_columns(frame.columns, list(list_columns))

    base = frame.with_row_index("_src").with_columns(pl.col("_src").cast(pl.Int64))
    base = base.with_columns(
        (
            _as_date(pl.col(date_column), frame.schema[date_column])
            if date_column
            else pl.lit(None, dtype=pl.Datetime("us"))
        ).alias("_date"),
    )
    if source_column and source_priority:
        order = {s: i for i, s in enumerate(source_priority)}
        base = base.with_columns(
            pl.col(source_column)
            .cast(pl.String)
            .replace_strict(order, default=len(order), return_dtype=pl.Int64)
            .alias("_prio")
        )
    else:
        base = base.with_columns(pl.lit(0, dtype=pl.Int64).alias("_prio"))

    out = (
        base.group_by(cluster)
        .agg(pl.len().alias("record_count"), pl.col("_src").min().alias("_first"))
        .sort("_first")
    )
    if columns is not None:
        require_columns(frame.columns, list(columns))
    wanted = frame.columns if columns is None else list(columns)
    fields = [c for c in wanted if c != cluster and c not in _SKIP]
    for field in fields:
        strategy = rules.get(field, default)
        value = pl.col(field)
        present = value.is_not_null()
        if frame.schema[field] == pl.String:
            present = present & (value.str.strip_chars() != "")
        cand = base.filter(present).select(cluster, field, "_src", "_date", "_prio")
        cand = cand.with_columns(
            pl.col(field).cast(pl.String).str.len_chars().fill_null(0).alias("_len"),
            pl.len().over(cluster, field).alias("_freq"),
        )
        if strategy == "most_recent":
            keys, desc = ["_date", "_len", "_src"], [True, True, False]
        elif strategy == "most_frequent":
            keys, desc = ["_freq", "_date", "_len", "_src"], [True, True, True, False]
        elif strategy == "longest":
            keys, desc = ["_len", "_date", "_src"], [True, True, False]
        elif strategy == "first_non_null":
            keys, desc = ["_src"], [False]
        else:  # source_priority
            keys, desc = ["_prio", "_date", "_src"], [False, True, False]
        best = (
            cand.sort([cluster, *keys], descending=[False, *desc], nulls_last=True)
            .unique(cluster, keep="first", maintain_order=True)
            .select(cluster, pl.col(field), pl.col("_src").alias(f"{field}_source_row"))
        )
        out = out.join(best, on=cluster, how="left", maintain_order="left")
        if field in list_columns:
            allv = (
                cand.sort("_src")
                .group_by(cluster, maintain_order=True)
                .agg(
                    pl.col(field).cast(pl.String).unique(maintain_order=True).alias(f"{field}_all")
                )
            )
            out = out.join(allv, on=cluster, how="left", maintain_order="left").with_columns(
                pl.col(f"{field}_all").fill_null(pl.lit([], dtype=pl.List(pl.String)))
            )
    return out.drop("_first")
