"""Pipeline steps that compose library functions: the incremental master update.

These are public Python functions too, so a pipeline step and a Python call stay one vocabulary.
"""

from __future__ import annotations

import polars as pl

from custdata.errors import require_columns

_DEDUPE_COLUMNS = ("cluster_id", "match_score", "match_reason")


def update_master(
    frame: pl.DataFrame,
    master: pl.DataFrame | None = None,
    *,
    id_column: str | None = None,
    reviewed: pl.DataFrame | None = None,
    **options: object,
) -> pl.DataFrame:
    """Yesterday's master + tonight's dump -> the updated master, with stable ``cluster_id``.

    New rows get the ``cluster_id`` of the known person they match
    (:func:`custdata.dedupe.match_master`); new people get new stable ids; master ids never
    change. Rows of the dump already in the master are not added twice: with ``id_column`` (a
    source record id) a dump row replaces the master row with the same id, otherwise a dump row
    equal to a master row on every shared column is skipped. Without a master (the first
    night) this is :func:`custdata.dedupe.find_duplicates`. ``reviewed``: a reviewed merge
    proposals table (``custdata dedupe --master ... --proposals FILE``, decisions filled in):
    accepted merges re-point the master rows of each retired id to the surviving id, and the
    updated master keeps the old id in ``merged_from`` (see :mod:`custdata.dedupe.merges`).
    ``options`` go to the dedupe (``rules``, ``columns``, ``threshold``, ...). Master rows come
    first, then the new rows, in input order.

    >>> day1 = pl.DataFrame({"id": ["1", "2"], "email": ["ivan@mail.ru", "olga@mail.ru"]})
    >>> master = update_master(day1, rules="email")
    >>> day2 = pl.DataFrame({"id": ["2", "3"], "email": ["olga@mail.ru", "IVAN@mail.ru"]})
    >>> new = update_master(day2, master, rules="email")
    >>> new["id"].to_list()
    ['1', '2', '3']
    >>> new["cluster_id"][2] == master["cluster_id"][0]
    True
    """
    from custdata.dedupe import find_duplicates, master_match

    if master is None or master.height == 0:
        return find_duplicates(frame, **options)  # type: ignore[arg-type]
    require_columns(master.columns, ["cluster_id"])
    if id_column is not None:
        require_columns(frame.columns, [id_column])
        require_columns(master.columns, [id_column])
    found = master_match(frame, master, reviewed=reviewed, **options)  # type: ignore[arg-type]
    matched = found.frame
    if reviewed is not None:
        master = found.master
    if id_column is not None:
        incoming = matched[id_column].unique().implode()
        kept = master.filter(~pl.col(id_column).is_in(incoming))
    else:
        shared = [c for c in frame.columns if c in master.columns and c not in _DEDUPE_COLUMNS]
        known = master.select(shared).unique()
        cast = {c: master.schema[c] for c in shared if matched.schema[c] != master.schema[c]}
        probe = matched.with_columns(pl.col(c).cast(t) for c, t in cast.items())
        matched = (
            probe.join(known, on=shared, how="anti", nulls_equal=True, maintain_order="left")
            if shared
            else matched
        )
        kept = master
    return pl.concat([kept, matched], how="diagonal_relaxed")
