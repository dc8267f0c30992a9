"""Marketing consent and opt-outs (152-FZ, GDPR): which channel, which state, since when.

A consent column is recognised by its header (``consent``, ``opt-in``, ``opt-out``,
``unsubscribed``, ``согласие``, ``рассылка``, ``отписка``, ``згода``, ``розсилка``...). The
header also names the channel when it says so (``email``, ``sms``, ``phone``/``звонки``,
``post``/``почтовая``; otherwise the column counts for every channel, ``all``) and its polarity:
an opt-out column (``opt-out``, ``unsubscribed``, ``отписка``, ``відписка``, ``не звонить``)
turns a "yes" into an opt-out.

Values: ``yes/no``, ``true/false``, ``да/нет``, ``так/ні``, ``y/n``, ``1/0``, ``+``, and dates (a
date in a consent column means "consented on that date"; in an opt-out column, "opted out on that
date"). Anything else is ``unknown`` and decides nothing.

:func:`consents` adds, per channel, ``consent_<channel>`` (``opt_in``/``opt_out``/null) and
``consent_<channel>_date``; golden records then keep per channel the most restrictive state of
the person's records (see ``docs/consent.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import partial
from typing import overload

import polars as pl

from custdata.errors import InvalidOption
from custdata.frames import check_columns
from custdata.yesno import NO, YES

__all__ = ["CHANNELS", "OPT_IN", "OPT_OUT", "consent_columns", "consents", "parse_consent"]

OPT_IN = "opt_in"
OPT_OUT = "opt_out"
#: Channels a consent may be given for; ``all`` is a column that names none.
CHANNELS: tuple[str, ...] = ("email", "sms", "phone", "post", "all")

_CONSENT = re.compile(
    r"(consent|opt.?in\b|opt.?out|unsubscri|newsletter|gdpr|"
    r"согласи|рассылк|отписк|отписан|не звонить|згод|розсилк|відписк)"
)
_NEGATIVE = re.compile(r"(opt.?out|unsubscri|отписк|отписан|відписк|не звонить|do not|dnc)")
_CHANNEL_PATTERNS = [
    ("sms", re.compile(r"(sms|смс)")),
    ("post", re.compile(r"(\bpost\b|postal|почтов|поштов)")),
    ("email", re.compile(r"(e.?mail|почт|пошт|емейл)")),
    ("phone", re.compile(r"(phone|call|звон|дзвін|телефон)")),
]
#: The shared yes/no words (:mod:`custdata.yesno`) plus the words of a consent cell.
_YES = YES | {"subscribed", "согласен", "согласна", "згоден", "згодна"}
_NO = NO | {"не согласен", "не согласна"}


def consent_columns(names: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """Consent columns among ``names``: column -> (channel, is an opt-out column).

    >>> consent_columns(["email", "Согласие на SMS", "unsubscribed", "Отписка от email-рассылки"])
    {'Согласие на SMS': ('sms', False), 'unsubscribed': ('all', True), 'Отписка от email-рассылки': ('email', True)}
    """
    out = {}
    for name in names:
        key = name.casefold().replace("_", " ")
        if not _CONSENT.search(key):
            continue
        channel = next((c for c, p in _CHANNEL_PATTERNS if p.search(key)), "all")
        out[name] = (channel, bool(_NEGATIVE.search(key)))
    return out


def _state_struct(values: pl.Series, negative: bool) -> pl.Series:
    return _state(values, negative).to_struct(values.name)


def _state(values: pl.Series, negative: bool) -> pl.DataFrame:
    """Per value: the state it gives (opt_in/opt_out/null) and the date it carries."""
    from custdata.normalize.date import parse_date

    text = values.cast(pl.String).str.strip_chars().str.to_lowercase()
    frame = pl.DataFrame({"t": text})
    yes, no = (OPT_OUT, OPT_IN) if negative else (OPT_IN, OPT_OUT)
    return frame.select(
        pl.when(pl.col("t").is_in(list(_YES)))
        .then(pl.lit(yes))
        .when(pl.col("t").is_in(list(_NO)))
        .then(pl.lit(no))
        .otherwise(None)
        .alias("state"),
        parse_date(pl.col("t")).alias("date"),
    ).with_columns(
        pl.when(pl.col("state").is_null() & pl.col("date").is_not_null())
        .then(pl.lit(yes))
        .otherwise(pl.col("state"))
        .alias("state")
    )


def parse_consent(value: object, *, opt_out_column: bool = False) -> tuple[str | None, str | None]:
    """(state, ISO date) of one consent cell; state is ``opt_in``, ``opt_out`` or None.

    >>> parse_consent("да"), parse_consent("0"), parse_consent("2024-03-01")
    (('opt_in', None), ('opt_out', None), ('opt_in', '2024-03-01'))
    >>> parse_consent("yes", opt_out_column=True)
    ('opt_out', None)
    """
    row = _state(pl.Series([None if value is None else str(value)]), opt_out_column).row(0)
    return row[0], None if row[1] is None else row[1].isoformat()


@overload
def consents(
    frame: pl.DataFrame, columns: Mapping[str, str | tuple[str, bool]] | None = ...
) -> pl.DataFrame: ...


@overload
def consents(
    frame: pl.LazyFrame, columns: Mapping[str, str | tuple[str, bool]] | None = ...
) -> pl.LazyFrame: ...


@overload
def consents(
    frame: pl.DataFrame | pl.LazyFrame, columns: Mapping[str, str | tuple[str, bool]] | None = ...
) -> pl.DataFrame | pl.LazyFrame: ...


def consents(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: Mapping[str, str | tuple[str, bool]] | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Add ``consent_<channel>`` and ``consent_<channel>_date`` from the consent columns.

    ``columns`` maps a column to its channel (``"email"``, ``"sms"``, ``"phone"``, ``"post"``,
    ``"all"``; an opt-out column as ``(channel, True)``); default: :func:`consent_columns`.
    Several columns of one channel in a row: an opt-out wins (the most restrictive). A column
    for ``all`` counts for every channel present. Row count and order are kept.

    >>> df = pl.DataFrame({"Согласие на рассылку email": ["да", "нет", "2024-05-01"],
    ...                    "SMS opt-out": ["yes", None, "no"]})
    >>> consents(df).select("consent_email", "consent_email_date", "consent_sms").rows()
    [('opt_in', None, 'opt_out'), ('opt_out', None, None), ('opt_in', datetime.date(2024, 5, 1), 'opt_in')]
    """
    names = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
    found = (
        consent_columns(names)
        if columns is None
        else {c: (v, False) if isinstance(v, str) else (v[0], v[1]) for c, v in columns.items()}
    )
    check_columns(frame, list(found))
    for channel, _ in found.values():
        if channel not in CHANNELS:
            raise InvalidOption(
                f"unknown consent channel {channel!r}; use one of {', '.join(CHANNELS)}"
            )
    if not found:
        return frame
    channels = sorted({ch for ch, _ in found.values()} - {"all"}) or ["all"]
    per: dict[str, list[tuple[pl.Expr, pl.Expr]]] = {ch: [] for ch in channels}
    tmp = []
    for i, (col, (channel, negative)) in enumerate(found.items()):
        st = pl.col(col).map_batches(
            partial(_state_struct, negative=negative),
            return_dtype=pl.Struct({"state": pl.String, "date": pl.Date}),
            is_elementwise=True,
        )
        tmp.append(st.alias(f"__consent_{i}"))
        for ch in channels if channel == "all" else [channel]:
            per[ch].append(
                (
                    pl.col(f"__consent_{i}").struct.field("state"),
                    pl.col(f"__consent_{i}").struct.field("date"),
                )
            )
    out = frame.with_columns(tmp)
    exprs = []
    for ch, items in per.items():
        states = [s for s, _ in items]
        any_out = pl.any_horizontal([s == OPT_OUT for s in states])
        any_in = pl.any_horizontal([s == OPT_IN for s in states])
        state = pl.when(any_out).then(pl.lit(OPT_OUT)).when(any_in).then(pl.lit(OPT_IN))
        date_of = [pl.when(s == pl.lit(OPT_OUT)).then(d) for s, d in items]
        date_in = [pl.when(s == pl.lit(OPT_IN)).then(d) for s, d in items]
        date = (
            pl.when(any_out)
            .then(pl.max_horizontal(date_of))
            .when(any_in)
            .then(pl.max_horizontal(date_in))
        )
        exprs += [state.alias(f"consent_{ch}"), date.alias(f"consent_{ch}_date")]
    return out.with_columns(exprs).drop([f"__consent_{i}" for i in range(len(found))])
