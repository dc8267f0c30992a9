"""Opt-out suppression: drop or flag people who opted out or asked to be forgotten.

Matching is on normalized keys, never on raw text: an opt-out ``+7 912 345-67-89`` catches
``8 (912) 345 67 89``, and ``Ivan.Petrov+news@gmail.com`` catches ``ivanpetrov@gmail.com``.
The opt-out list may hold plain values (emails and phones mixed, in any columns) or keyed hashes
made by ``mask(..., method="hash")`` with the same key, so the list itself carries no personal data.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Literal

import polars as pl

from custdata.errors import InvalidOption
from custdata.frames import check_columns
from custdata.privacy.keys import Key, load_key
from custdata.privacy.mask import column_kinds, looks_hashed, match_key
from custdata.privacy.mask import hashed as hashed_expr

Mode = Literal["drop", "flag"]
#: Kinds an opt-out can be matched on.
SUPPRESS_KINDS: tuple[str, ...] = ("email", "phone")


def _list_values(optouts: pl.DataFrame | pl.Series | Iterable[str]) -> list[str]:
    """Every non-empty value of the list, as text (list cells exploded, struct fields unnested)."""
    if isinstance(optouts, pl.DataFrame):
        values: list[str] = []
        for name in optouts.columns:
            values.extend(_list_values(optouts[name]))
        return values
    if isinstance(optouts, pl.Series):
        if isinstance(optouts.dtype, pl.Array):
            optouts = optouts.cast(pl.List(optouts.dtype.inner))
        if isinstance(optouts.dtype, pl.List):
            return _list_values(optouts.explode())
        if isinstance(optouts.dtype, pl.Struct):
            return _list_values(optouts.struct.unnest())
        if optouts.dtype == pl.Object:
            return [str(v) for v in optouts.to_list() if v]
        return [v for v in optouts.cast(pl.String).to_list() if v]
    return [v for v in optouts if v]


def optout_keys(
    optouts: pl.DataFrame | pl.Series | Iterable[str],
    *,
    on: Iterable[str] = SUPPRESS_KINDS,
    hashed: bool | None = None,
    region: str = "RU",
    regions: list[str] | None = None,
    fallback_region: str | None = None,
) -> dict[str, set[str]]:
    """The set of normalized keys per kind in an opt-out list (``{"email": {...}, ...}``).

    Every non-empty cell of every column is classified by itself: a value with ``@`` is an
    email, anything else a phone. With ``hashed`` (or when every value looks like a hash and
    ``hashed`` is None) the values are returned under the key ``"hash"`` as they are. A national
    phone number gives two keys: as written and read in the one region of ``regions`` (the
    regions the checked data points to) or of the list's own international numbers. "As
    written" is in ``region``, or in ``fallback_region`` when ``region`` rejects the number.

    >>> optout_keys(["+7 912 345-67-89", "Ivan.Petrov+news@gmail.com"])["phone"]
    {'+79123456789'}
    >>> optout_keys(["(073) 346-59-24"], on=["phone"], fallback_region="UA")["phone"]
    {'+380733465924'}
    """
    kinds = _check_on(on)
    values = [v.strip() for v in _list_values(optouts) if v.strip()]
    if hashed is None:
        hashed = bool(values) and all(looks_hashed(v) for v in values)
    if hashed:
        return {"hash": {v.lower() for v in values}}
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    is_email = pl.col("v").str.contains("@", literal=True)
    key_of = partial(match_key, region=region, fallback_region=fallback_region)
    out: dict[str, set[str]] = {}
    for kind in kinds:
        subset = frame.filter(is_email if kind == "email" else ~is_email)
        keys = subset.select(key_of("v", kind=kind, regions=regions))["v"]
        out[kind] = set(keys.drop_nulls().to_list())
        if kind == "phone":  # also as written: a list has less region evidence than the data
            plain = subset.select(key_of("v", kind=kind, infer_region=False))
            out[kind] |= set(plain["v"].drop_nulls().to_list())
    return out


def _check_on(on: Iterable[str] | str) -> list[str]:
    kinds = [on] if isinstance(on, str) else list(on)
    if not kinds:
        raise InvalidOption("nothing to match on: give --on email, phone or both")
    for kind in kinds:
        if kind not in SUPPRESS_KINDS:
            raise InvalidOption(
                f"cannot match opt-outs on {kind!r}; use one of: {', '.join(SUPPRESS_KINDS)}"
            )
    return kinds


def suppress(
    frame: pl.DataFrame | pl.LazyFrame,
    optouts: pl.DataFrame | pl.Series | Iterable[str] | None = None,
    *,
    on: Iterable[str] | str = SUPPRESS_KINDS,
    columns: Mapping[str, Iterable[str]] | None = None,
    mode: Mode = "drop",
    hashed: bool | None = None,
    key: Key | str | bytes | None = None,
    key_file: str | os.PathLike[str] | None = None,
    region: str = "RU",
    flag_column: str = "suppressed",
    regions: list[str] | None = None,
    consent: str | None = None,
    fallback_region: str | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Drop (``mode="drop"``) or flag (``mode="flag"``) rows whose email or phone is opted out.

    ``consent`` (a channel: ``email``, ``sms``, ``phone``, ``post``) also drops or flags the rows
    whose own consent says ``opt_out`` for that channel: the ``consent_<channel>`` column of a
    golden table or of :func:`custdata.normalize.consents` (``consent_all`` when the data has no
    column for the channel). ``optouts`` may then be omitted.

    ``columns`` maps a kind to the input columns to check (``{"phone": ["tel", "tel2"]}``);
    kinds it does not name are found with :func:`custdata.schema.detect_columns`. A hashed list
    (detected when every value is a 64-digit hex hash, or forced with ``hashed=True``) needs
    the same key that hashed it (``key``, ``key_file`` or ``CUSTDATA_KEY``). ``mode="flag"`` adds
    a boolean ``flag_column`` and keeps every row. ``regions``: the regions a national phone
    number may be read in, for the data and the list alike (default: those the data's phone
    columns point to, see :func:`custdata.normalize.phone_regions`; pass them when the frame is
    processed in batches or partitions). A national number also matches as written.
    ``fallback_region``: a second region tried, in the data and the list, for national numbers
    ``region`` rejects (as in :func:`custdata.normalize.phones`).

    >>> people = pl.DataFrame({"tel": ["8 (912) 345-67-89", "8 903 000 00 01"],
    ...                        "mail": ["a@x.ru", "b@x.ru"]})
    >>> suppress(people, ["+7 912 345 67 89"], columns={"phone": ["tel"], "email": ["mail"]},
    ...          mode="flag")["suppressed"].to_list()
    [True, False]
    >>> ua = pl.DataFrame({"tel": ["0975419469"]})
    >>> suppress(ua, ["+380 97 541 94 69"], columns={"phone": ["tel"]}, mode="flag",
    ...          fallback_region="UA")["suppressed"].to_list()
    [True]
    """
    kinds = _check_on(on)
    if mode not in ("drop", "flag"):
        raise InvalidOption(f"unknown mode {mode!r}; use 'drop' or 'flag'")
    names = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
    consent_hit: pl.Expr | None = None
    if consent is not None:
        from custdata.normalize.consent import CHANNELS

        if consent not in CHANNELS:
            raise InvalidOption(
                f"unknown consent channel {consent!r}; use one of: {', '.join(CHANNELS)}"
            )
        cols = [c for c in (f"consent_{consent}", "consent_all") if c in names]
        if not cols:
            raise InvalidOption(
                f"no consent_{consent} (or consent_all) column: run custdata clean --golden, or "
                "normalize.consents, on data with consent columns first"
            )
        consent_hit = pl.col(cols[0]) == "opt_out"
        if optouts is None:
            flag = consent_hit.fill_null(False)
            if mode == "flag":
                return frame.with_columns(flag.alias(flag_column))
            return frame.filter(~flag)
    if optouts is None:
        raise InvalidOption("give an opt-out list, or consent= to use the data's own consent")
    given = {k: list(v) for k, v in (columns or {}).items()}
    for kind in given:
        if kind not in SUPPRESS_KINDS:
            raise InvalidOption(
                f"columns given for {kind!r}; use one of: {', '.join(SUPPRESS_KINDS)}"
            )
    for cols in given.values():
        check_columns(frame, cols)
    by_kind: dict[str, list[str]] = {}
    missing = [k for k in kinds if k not in given]
    detected = {}
    if missing:
        detected_kinds = column_kinds(frame)
        detected = {k: [c for c, ck in detected_kinds.items() if ck == k] for k in missing}
    for kind in kinds:
        by_kind[kind] = given.get(kind) or detected.get(kind, [])
    if not any(by_kind.values()):
        raise InvalidOption(
            f"no {' or '.join(kinds)} column found to match opt-outs on; "
            "name them with --kind (e.g. -k phone=tel)"
        )
    if regions is None and by_kind.get("phone") and "phone" in kinds:
        # the data's regions read the list too
        from custdata.normalize import phone_regions

        sample = frame.select(by_kind["phone"])
        sample = sample.collect() if isinstance(sample, pl.LazyFrame) else sample
        values = pl.concat([sample[c].cast(pl.String) for c in sample.columns])
        regions = sorted(set(phone_regions(values, region=region)))
    keys = optout_keys(
        optouts,
        on=kinds,
        hashed=hashed,
        regions=regions,
        region=region,
        fallback_region=fallback_region,
    )
    hits: list[pl.Expr] = []
    key_of = partial(match_key, region=region, fallback_region=fallback_region)
    if "hash" in keys:
        loaded = load_key(key, key_file=key_file)
        for kind, cols in by_kind.items():
            for c in cols:
                digest = hashed_expr(
                    c,
                    kind=kind,
                    key=loaded,
                    regions=regions,
                    region=region,
                    fallback_region=fallback_region,
                )
                hits.append(digest.is_in(list(keys["hash"])))
    else:
        for kind, cols in by_kind.items():
            for c in cols:
                key_expr = key_of(c, kind=kind, regions=regions)
                hits.append(key_expr.is_in(list(keys[kind])))
                if kind == "phone":  # a national number matches as inferred and as written
                    plain = key_of(c, kind=kind, infer_region=False)
                    hits.append(plain.is_in(list(keys[kind])))
    if consent_hit is not None:
        hits.append(consent_hit)
    flag = pl.any_horizontal(hits).fill_null(False) if hits else pl.lit(False)
    if mode == "flag":
        return frame.with_columns(flag.alias(flag_column))
    return frame.filter(~flag)
