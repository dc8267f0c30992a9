"""Linking two tables, incremental matching against a master table, and households.

* :func:`link`: which records of ``right`` are which records of ``left`` (CRM vs web-shop).
  Same keys, comparisons, model and rules as deduplication, but only pairs across the tables.
* :func:`match_master`: assign cluster ids to new records (a nightly dump) against an existing
  table that already has them: a new record of a known person gets that person's id, a new
  person a new id; existing ids never change.
* :func:`households`: group different people who share an address (and surname) under one
  ``household_id`` (one letter per family).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from custdata.dedupe._text import address_key, surname_stem
from custdata.dedupe.core import CLUSTER_ID, MATCH_REASON, MATCH_SCORE, DedupeResult, deduplicate
from custdata.dedupe.records import stable_id
from custdata.errors import InvalidOption, require_columns

#: Column of a master row re-pointed by an accepted merge: the id it had before
#: (see :mod:`custdata.dedupe.merges`).
MERGED_FROM = "merged_from"


def link(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    best_only: bool = True,
    **options,
) -> pl.DataFrame:
    """Matching pairs between two tables: ``row_left``, ``row_right``, ``match_probability``,
    ``match_reason``.

    Tables may have different columns; ``columns`` (kind -> column) applies to both, by default
    detected on both stacked. With ``best_only`` each right row keeps only its best left match.

    >>> crm = pl.DataFrame({"name": ["Иванов Иван", "Петрова Анна"], "phone": ["+79123456789", "+79031112233"]})
    >>> shop = pl.DataFrame({"name": ["Ivanov Ivan"], "phone": ["8 912 345-67-89"]})
    >>> link(crm, shop, columns={"full_name": "name", "phone": "phone"}).select("row_left", "row_right").rows()
    [(0, 0)]
    """
    stacked = pl.concat([left, right], how="diagonal_relaxed")
    res = deduplicate(stacked, columns=columns, link_split=left.height, **options)
    pairs = res.pairs.with_columns((pl.col("row_right") - left.height).cast(pl.UInt32))
    if best_only and pairs.height:
        pairs = (
            pairs.sort(
                ["row_right", "match_probability", "row_left"], descending=[False, True, False]
            )
            .unique("row_right", keep="first", maintain_order=True)
            .sort(["row_left", "row_right"])
        )
    return pairs


def match_master(
    new: pl.DataFrame,
    master: pl.DataFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    **options,
) -> pl.DataFrame:
    """The ``new`` rows with ``cluster_id``: the master's id when the person is known.

    ``master`` is an earlier output (every row with its ``cluster_id``) or a golden table (one
    row per ``cluster_id``). New rows matching several master clusters take the one they match
    best (on a tie, the smaller id); master clusters are never merged or renamed here (a record
    bridging two of them is a merge proposal: :func:`custdata.dedupe.master_match`). New people
    get new stable ids.

    >>> master = pl.DataFrame({"cluster_id": ["c1"], "email": ["ivan@mail.ru"]})
    >>> new = pl.DataFrame({"email": ["IVAN@mail.ru", "olga@mail.ru"]})
    >>> match_master(new, master, rules="email")["cluster_id"].to_list()[0]
    'c1'
    """
    return match_master_result(new, master, columns=columns, **options)[0]


def match_master_result(
    new: pl.DataFrame,
    master: pl.DataFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    **options,
) -> tuple[pl.DataFrame, DedupeResult]:
    """:func:`match_master` and the dedupe result of the master rows + the new rows stacked.

    In the result, rows ``0 .. master.height - 1`` are the master's and the rest the new rows
    (its pairs are what :mod:`custdata.dedupe.merges` reads to propose merges).

    >>> master = pl.DataFrame({"cluster_id": ["c1"], "email": ["ivan@mail.ru"]})
    >>> frame, res = match_master_result(pl.DataFrame({"email": ["IVAN@mail.ru"]}), master, rules="email")
    >>> frame["cluster_id"].to_list(), res.frame.height
    (['c1'], 2)
    """
    require_columns(master.columns, [CLUSTER_ID])
    drop = [c for c in (MATCH_SCORE, MATCH_REASON, MERGED_FROM) if c in master.columns]
    base = master.drop(drop).rename({CLUSTER_ID: "_master_id"})
    n_master = base.height
    own = (CLUSTER_ID, MATCH_SCORE, MATCH_REASON, MERGED_FROM)
    new_clean = new.drop([c for c in own if c in new.columns])
    stacked = pl.concat([base.drop("_master_id"), new_clean], how="diagonal_relaxed")
    res = deduplicate(stacked, columns=columns, **options)
    out = res.frame
    ids = out[CLUSTER_ID].to_numpy()
    master_ids = base["_master_id"].cast(pl.String).to_numpy()
    # Each predicted cluster that holds master rows: the master id of its best-linked master row.
    pairs = res.pairs.filter("same_cluster").select("row_l", "row_r", "match_probability")
    m_rows = np.arange(n_master)
    link_tab = pl.concat(
        [
            pairs.filter((pl.col("row_l") < n_master) & (pl.col("row_r") >= n_master)).select(
                pl.col("row_r").alias("new"), pl.col("row_l").alias("m"), "match_probability"
            ),
        ]
    )
    # Ties (two master clusters matched equally well) go to the smaller master id: row order
    # never decides.
    link_tab = link_tab.with_columns(
        pl.Series("mid", master_ids, dtype=pl.String).gather(link_tab["m"])
        if link_tab.height
        else pl.lit(None, dtype=pl.String).alias("mid")
    )
    best = link_tab.sort(
        ["new", "match_probability", "mid", "m"], descending=[False, True, False, False]
    ).unique("new", keep="first")
    cluster_master = (
        pl.DataFrame({"cid": ids[m_rows], "mid": master_ids})
        .group_by("cid")
        .agg(pl.col("mid").min())
        if n_master
        else pl.DataFrame(schema={"cid": pl.String, "mid": pl.String})
    )
    new_part = out[n_master:].with_columns(
        pl.int_range(n_master, stacked.height, dtype=pl.UInt32).alias("_i")
    )
    new_part = new_part.join(
        best.select(pl.col("new").alias("_i"), pl.col("m")),
        on="_i",
        how="left",
        maintain_order="left",
    ).join(
        cluster_master.rename({"cid": CLUSTER_ID}), on=CLUSTER_ID, how="left", maintain_order="left"
    )
    direct = pl.Series(
        [master_ids[m] if m is not None else None for m in new_part["m"].to_list()], dtype=pl.String
    )
    new_part = new_part.with_columns(
        pl.coalesce(direct, pl.col("mid"), pl.col(CLUSTER_ID)).alias(CLUSTER_ID)
    )
    frame = new_part.select(list(new_clean.columns) + [CLUSTER_ID, MATCH_SCORE, MATCH_REASON])
    return frame, res


def households(
    frame: pl.DataFrame,
    *,
    address: str | list[str] | None = None,
    surname: str | None = None,
    use_surname: bool = True,
    cluster: str = CLUSTER_ID,
) -> pl.DataFrame:
    """Add ``household_id``: people sharing an address (and, by default, a surname stem).

    Иванов and Иванова at one address are one household; a person's records (same
    ``cluster_id``) always share one household. Rows without an address are a household of
    their own person. Columns are detected when not given.

    >>> df = pl.DataFrame({"ФИО": ["Иванов Иван", "Иванова Мария", "Петров Олег"],
    ...                    "Адрес": ["ул. Ленина, д. 5", "Ленина 5", "ул. Ленина, д. 5"]})
    >>> h = households(df)["household_id"].to_list()
    >>> h[0] == h[1], h[0] == h[2]
    (True, False)
    """
    from custdata.dedupe.prepare import resolve_columns

    if address is None or (use_surname and surname is None):
        found = resolve_columns(
            frame.drop([c for c in (cluster, MATCH_SCORE, MATCH_REASON) if c in frame.columns])
        )
        address = address or found.get("address")
        if use_surname and surname is None:
            names = found.get("last_name") or found.get("full_name")
            surname = names[0] if names else None
    if not address:
        raise InvalidOption(
            "no address column found: name it with address= (CLI: -k address=COLUMN)"
        )
    addr_cols = [address] if isinstance(address, str) else list(address)
    require_columns(frame.columns, addr_cols + ([surname] if surname else []))
    joined = pl.concat_str(
        [pl.col(c).cast(pl.String) for c in addr_cols], separator=" ", ignore_nulls=True
    )
    parts = [address_key(joined)]
    if use_surname and surname:
        from custdata.dedupe.name_split import _split_full_name_words

        parts.append(surname_stem(_split_full_name_words(pl.col(surname))))
    hkey = pl.concat_str(parts, separator="|")
    work = frame.with_row_index("_i").with_columns(hkey.alias("_h"))
    if cluster in frame.columns:
        work = work.with_columns(pl.col("_h").min().over(cluster).alias("_h"))
        fallback = pl.col(cluster).cast(pl.String)
    else:
        fallback = pl.format("row{}", pl.col("_i"))
    work = work.with_columns(
        pl.coalesce(pl.col("_h"), pl.concat_str([pl.lit("\x00"), fallback])).alias("_h")
    )
    uniq = work["_h"].unique().to_list()
    ids = {k: "h" + stable_id(k)[1:] for k in uniq}
    return frame.with_columns(
        pl.Series("household_id", [ids[k] for k in work["_h"].to_list()], dtype=pl.String)
    )
