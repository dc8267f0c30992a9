"""Composite steps that have no single library function of their own."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping

import polars as pl

from custdata.errors import InvalidOption

#: Column kind -> name of the frame-level normalizer in :mod:`custdata.normalize`.
NORMALIZERS: dict[str, str] = {
    "phone": "phones",
    "email": "emails",
    "full_name": "names",
    "birth_date": "birth_dates",
    "gender": "genders",
}


def normalize(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    kinds: Iterable[str] = tuple(NORMALIZERS),
    columns: Mapping[str, str | list[str]] | None = None,
    region: str = "RU",
    in_place: bool = False,
) -> pl.DataFrame | pl.LazyFrame:
    """Run every normalizer on its columns: phones, emails, full names, birth dates, genders.

    Columns are found with :func:`custdata.schema.detect_columns`; ``columns`` (kind -> column
    or columns) overrides detection, ``kinds`` limits which normalizers run. Each normalizer adds
    its ``<column>_...`` and ``<column>_status`` columns (or replaces the column with
    ``in_place=True``).

    >>> df = pl.DataFrame({"city": ["Москва"]})
    >>> normalize(df).columns
    ['city']
    """
    from custdata import normalize as norm
    from custdata.schema import detect_columns

    wanted = [kinds] if isinstance(kinds, str) else list(kinds)
    for kind in wanted:
        if kind not in NORMALIZERS:
            raise InvalidOption(f"cannot normalize kind {kind!r}; use: {', '.join(NORMALIZERS)}")
    found = detect_columns(frame, overrides=columns)
    for kind in wanted:
        cols = found.get(kind, [])
        if not cols:
            continue
        step = getattr(norm, NORMALIZERS[kind])
        accepted = inspect.signature(step).parameters
        options = {k: v for k, v in (("region", region), ("in_place", in_place)) if k in accepted}
        frame = step(frame, cols, **options)
    return frame
