"""Normalize every contact column of a table at once (what ``custdata normalize all`` runs).

Columns are found by :func:`custdata.schema.detect_columns` unless given; each kind goes to its
normalizer: phones, emails, full names, separate name parts, birth dates and gender values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import polars as pl

from custdata.normalize._common import summarize
from custdata.progress import ProgressCallback, report
from custdata.schema import detect_columns

#: kind -> suffix of the normalized column that the normalizer adds.
NORMALIZED_SUFFIX: dict[str, str] = {
    "phone": "_e164",
    "email": "_normalized",
    "full_name": "_clean",
    "birth_date": "_iso",
    "gender": "_code",
    "org_name": "_normalized",
    "address": "_normalized",
}

#: kind -> the statuses that count as valid in :func:`summaries`, where a value can keep a
#: normalized form under a flag (an address whose street type was not recognized still gets a
#: standard form; it is not a valid address for all that).
VALID_STATUSES: dict[str, tuple[str, ...]] = {"address": ("ok", "no_house"), "org_name": ("ok",)}


def normalize_all(
    frame: pl.DataFrame,
    *,
    columns: Mapping[str, list[str]] | None = None,
    region: str = "RU",
    fallback_region: str | None = None,
    dayfirst: bool = True,
    in_place: bool = False,
    progress: ProgressCallback | None = None,
    regions: Mapping[str, Sequence[str]] | None = None,
    today: dt.date | None = None,
) -> pl.DataFrame:
    """Run every normalizer on the columns of its kind (detected when ``columns`` is None).

    ``columns`` maps kinds (``phone``, ``email``, ``full_name``, ``first_name``, ``last_name``,
    ``middle_name``, ``birth_date``, ``gender``) to column names. ``fallback_region`` is a second
    region tried for phones that ``region`` rejects; without it a national number ``region``
    rejects is read in the one region the data points to (the column's other numbers, the row's
    name, city and address: see :func:`~custdata.normalize.phones`). ``progress`` receives a
    :class:`~custdata.progress.ProgressEvent` before each kind. Row count and order are kept.

    To run it batch by batch (:func:`custdata.streaming.stream`) with the result of the whole
    table, pass ``columns``, ``today`` (birth dates in the future) and ``regions``: each phone
    column's regions found over the whole data (:func:`custdata.streaming.phone_regions`).

    >>> df = pl.DataFrame({"Телефон": ["8 (912) 345-67-89"], "E-mail": [" Ivan@Mail.RU "]})
    >>> out = normalize_all(df)
    >>> out["Телефон_e164"][0], out["E-mail_normalized"][0]
    ('+79123456789', 'ivan@mail.ru')
    """
    from custdata import normalize

    kinds = dict(columns) if columns is not None else detect_columns(frame)
    parts = {
        k: kinds[f"{k}_name"][0] for k in ("first", "last", "middle") if kinds.get(f"{k}_name")
    }
    steps: list[tuple[str, Callable[[pl.DataFrame], pl.DataFrame]]] = []
    # row evidence for a national number's region: the row's name, city and address
    hints = [
        c
        for k in ("full_name", "last_name", "first_name", "middle_name", "city", "address")
        for c in kinds.get(k, [])
        if c in frame.columns
    ]

    def phone_step(f: pl.DataFrame) -> pl.DataFrame:
        options = dict(
            region=region, fallback_region=fallback_region, in_place=in_place, hints=hints
        )
        if regions is None:
            return normalize.phones(f, kinds["phone"], **options)
        for col in kinds["phone"]:  # one column at a time, each with its own column's regions
            f = normalize.phones(f, col, regions=regions.get(col), **options)
        return f

    if kinds.get("phone"):
        steps.append(("phone", phone_step))
    if kinds.get("email"):
        steps.append(("email", lambda f: normalize.emails(f, kinds["email"], in_place=in_place)))
    if kinds.get("full_name"):
        steps.append(
            ("full_name", lambda f: normalize.names(f, kinds["full_name"], in_place=in_place))
        )
    if parts:
        steps.append(("name_parts", lambda f: normalize.name_parts(f, **parts, in_place=in_place)))
    if kinds.get("birth_date"):
        steps.append(
            (
                "birth_date",
                lambda f: normalize.birth_dates(
                    f, kinds["birth_date"], dayfirst=dayfirst, today=today, in_place=in_place
                ),
            )
        )
    if kinds.get("gender"):
        steps.append(("gender", lambda f: normalize.genders(f, kinds["gender"], in_place=in_place)))
    if kinds.get("consent"):
        from custdata.normalize.consent import consent_columns, consents

        found = consent_columns(kinds["consent"])
        steps.append(("consent", lambda f: consents(f, found)))
    out = frame
    for i, (kind, step) in enumerate(steps):
        report(progress, "normalizing", i, len(steps), unit="kinds", detail=kind)
        out = step(out)
    report(progress, "normalizing", len(steps), len(steps), unit="kinds")
    return out


def summaries(
    before: pl.DataFrame,
    after: pl.DataFrame,
    columns: Mapping[str, list[str]],
    *,
    in_place: bool = False,
) -> dict[str, dict[str, int]]:
    """Valid/fixed/invalid/empty counts per normalized column (``"kind:column"`` keys).

    ``before`` is the input and ``after`` the normalized table; with ``in_place=True`` the
    normalized values replaced the originals, so the originals are taken from ``before``.
    """
    result: dict[str, dict[str, int]] = {}
    for kind, suffix in NORMALIZED_SUFFIX.items():
        for col in columns.get(kind, []):
            status = f"{col}_status"
            if status not in after.columns:
                continue
            normalized = col if in_place else f"{col}{suffix}"
            if normalized not in after.columns:
                continue
            same_rows = before.height == after.height
            original = before[col] if in_place and same_rows else after[col]
            view = pl.DataFrame(
                {
                    "orig": original.cast(pl.String),
                    "norm": after[normalized].cast(pl.String),
                    "status": after[status],
                }
            )
            if kind in VALID_STATUSES:  # a value kept under a flag is not a valid one
                view = view.with_columns(
                    pl.when(pl.col("status").is_in(VALID_STATUSES[kind]))
                    .then(pl.col("norm"))
                    .alias("norm")
                )
            result[f"{kind}:{col}"] = summarize(view, "orig", normalized="norm", status="status")
    return result
