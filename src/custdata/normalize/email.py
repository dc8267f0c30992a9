"""Email addresses: validation, normalized form, matching key, typo/disposable/role flags.

Validation is exactly `email-validator <https://github.com/JoshData/python-email-validator>`_'s
(syntax only, no DNS unless ``check_deliverability=True``), made fast for big tables:

1. only distinct values are processed;
2. the pasted wrappers people leave around an address (spaces, ``mailto:``, ``<...>``,
   ``Name <...>``, quotes around the whole cell, trailing dots/commas/semicolons) are removed
   with vectorized polars string expressions;
3. vectorized regular expressions decide plain ASCII text (no quotes, no ``<``) exactly as
   email-validator would, valid or not, with the same reason (anything unusual - Unicode,
   quotes, ``xn--``/``--`` labels - is left to email-validator);
4. the rest is given to email-validator (``_email_worker``), each distinct local part and
   domain once, on both cores when there are many.

A differential test (``tests/normalize/test_email.py``) checks verdicts, reasons and
normalized forms against ``email_validator.validate_email`` on generated tricky inputs.

Status codes (``<col>_status``): ``ok``, ``empty``, ``junk``, ``missing_at``,
``invalid_local_part``, ``invalid_domain``, ``too_long``, ``invalid_syntax``,
``multiple_emails`` (the cell holds several addresses; the first valid one is kept) and
``undeliverable`` (only with ``check_deliverability=True``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from email_validator import EmailNotValidError, EmailUndeliverableError, validate_email

from custdata._workers import check_workers, map_chunks
from custdata.errors import InvalidOption
from custdata.frames import as_expr, check_columns, refuse_clashes
from custdata.frames import columns_arg as _columns_arg
from custdata.normalize import _email_data as data
from custdata.normalize._common import one_chunk
from custdata.normalize._email_clean import WHITESPACE, _candidates, _fast_path
from custdata.normalize._email_lists import _disposable_domains, _series, _suggest_many
from custdata.normalize._email_lists import suggest_domain as suggest_domain
from custdata.normalize._email_worker import MISSING_AT, validate_many
from custdata.status import EMPTY, JUNK, OK

__all__ = [
    "EMAIL_STATUSES",
    "EmailResult",
    "email",
    "email_key",
    "emails",
    "parse_email",
]

MULTIPLE = "multiple_emails"
UNDELIVERABLE = "undeliverable"

#: Every status code the email normalizer produces.
EMAIL_STATUSES: tuple[str, ...] = (
    OK,
    EMPTY,
    JUNK,
    MISSING_AT,
    "invalid_local_part",
    "invalid_domain",
    "too_long",
    "invalid_syntax",
    MULTIPLE,
    UNDELIVERABLE,
)
_VALID = (OK, MULTIPLE)

_OUT_SCHEMA = {
    "normalized": pl.String,
    "key": pl.String,
    "status": pl.String,
    "suggestion": pl.String,
    "disposable": pl.Boolean,
    "role": pl.Boolean,
}
_STRUCT = pl.Struct(_OUT_SCHEMA)


@dataclass(frozen=True)
class EmailResult:
    """The outcome of :func:`parse_email` for one value.

    ``normalized`` and ``key`` are ``None`` unless ``status`` is ``ok`` or ``multiple_emails``.
    """

    original: str | None
    normalized: str | None
    key: str | None
    status: str
    suggestion: str | None
    disposable: bool | None
    role: bool | None

    @property
    def valid(self) -> bool:
        """True when an address was found (status ``ok`` or ``multiple_emails``)."""
        return self.status in _VALID


def _slow_path(
    texts: list[str], lowercase_local: bool, workers: int | None = None
) -> list[tuple[str | None, str | None, str]]:
    """email-validator on each text, in worker processes when there are many (see _workers)."""
    # grouped by domain, so that a worker's chunk holds few domains (validated once each)
    order = sorted(range(len(texts)), key=lambda i: texts[i].rpartition("@")[2])
    done = map_chunks(validate_many, [texts[i] for i in order], lowercase_local, workers=workers)
    results: list[tuple[str | None, str | None, str]] = [(None, None, "")] * len(texts)
    for i, r in zip(order, done, strict=True):
        results[i] = r
    return results


def _domain_deliverable(domain: str) -> bool:
    """DNS check of one domain through email-validator (MX, else A/AAAA, no null MX)."""
    try:
        validate_email("postmaster@" + domain, check_deliverability=True)
    except EmailUndeliverableError:
        return False
    except EmailNotValidError:
        return False
    return True


def _derived(frame: pl.DataFrame) -> pl.DataFrame:
    """Add key, suggestion, disposable and role to a frame with ``normalized``.

    A normalized address has exactly one ``@`` (quoted local parts are refused).
    """
    parts = pl.col("normalized").str.splitn("@", 2)
    frame = frame.with_columns(
        parts.struct.field("field_0").alias("_nlocal"),
        parts.struct.field("field_1").str.to_lowercase().alias("_dom"),
    ).with_columns(pl.col("_nlocal").str.to_lowercase().alias("_local"))
    frame = frame.with_columns(
        pl.col("_local").str.splitn("+", 2).struct.field("field_0").alias("_base"),
        pl.col("_dom").replace(data.DOMAIN_ALIASES).alias("_canon"),
    )
    canon = pl.col("_canon")
    untagged = (
        pl.when(canon.is_in(_series("plus")) & (pl.col("_base") != ""))
        .then(pl.col("_base"))
        .otherwise(pl.col("_local"))
    )
    key_local = (
        pl.when(canon.is_in(_series("dots")))
        .then(untagged.str.replace_all(".", "", literal=True))
        .otherwise(untagged)
    )
    domains = frame["_dom"].drop_nulls().unique().to_list()
    suggestions = _suggest_many(domains)
    sugg = pl.LazyFrame(
        {"_dom": list(suggestions), "_sugg": list(suggestions.values())},
        schema={"_dom": pl.String, "_sugg": pl.String},
    )
    disposable = _disposable_domains()
    parent = pl.when(pl.col("_dom").str.count_matches(".", literal=True) >= 2).then(
        pl.col("_dom").str.splitn(".", 2).struct.field("field_1")
    )
    valid = pl.col("_dom").is_not_null()
    return (
        frame.lazy()
        .join(sugg, on="_dom", how="left", maintain_order="left")
        .with_columns(
            (key_local + "@" + canon).alias("key"),
            (pl.col("_nlocal") + "@" + pl.col("_sugg")).alias("suggestion"),
            pl.when(valid)
            .then(pl.col("_dom").is_in(disposable) | parent.is_in(disposable).fill_null(False))
            .alias("disposable"),
            pl.when(valid).then(pl.col("_base").is_in(_series("role"))).alias("role"),
        )
        .select("raw", *_OUT_SCHEMA)
        .collect(engine="in-memory")
    )


def _analyze_distinct(
    raw: pl.Series, *, lowercase_local: bool, check_deliverability: bool, workers: int | None
) -> pl.DataFrame:
    """One row per distinct value of ``raw``: raw + the six output columns."""
    empty = pl.col("raw").is_null() | (pl.col("raw").str.strip_chars(WHITESPACE) == "")
    junk = pl.col("raw").str.strip_chars().str.to_lowercase().is_in(_series("junk"))
    no_at = ~pl.col("cand").str.contains(r"[@<\x{ff20}\x{fe6b}]")
    candidates = _candidates(pl.LazyFrame({"raw": raw.cast(pl.String).unique()}))
    u = (
        _fast_path(candidates, lowercase_local=lowercase_local)
        .select(
            "raw",
            "cand",
            "multiple",
            pl.when(empty)
            .then(pl.lit(EMPTY))
            .when(junk)
            .then(pl.lit(JUNK))
            .when(no_at)
            .then(pl.lit(MISSING_AT))
            .otherwise(pl.col("fast_status"))
            .alias("status"),
            pl.col("fast_norm").alias("normalized"),
            pl.col("fast_dom").alias("domain"),
        )
        .collect(engine="in-memory")
    )
    todo = u.filter(pl.col("status").is_null())["cand"].unique().to_list()
    if todo:
        results = _slow_path(todo, lowercase_local, workers)
        slow = pl.DataFrame(
            {
                "cand": todo,
                "s_norm": [r[0] for r in results],
                "s_dom": [r[1] for r in results],
                "s_status": [r[2] for r in results],
            },
            schema=dict.fromkeys(("cand", "s_norm", "s_dom", "s_status"), pl.String),
        )
        u = (
            u.lazy()
            .join(slow.lazy(), on="cand", how="left", maintain_order="left")
            .with_columns(
                pl.coalesce("status", "s_status").alias("status"),
                pl.coalesce("normalized", "s_norm").alias("normalized"),
                pl.coalesce("domain", "s_dom").alias("domain"),
            )
            .drop("s_norm", "s_dom", "s_status")
            .collect(engine="in-memory")
        )
    status = pl.col("status")
    if check_deliverability:
        doms = u.filter(status == OK)["domain"].unique().to_list()
        bad = pl.Series([d for d in doms if not _domain_deliverable(d)], dtype=pl.String).implode()
        status = (
            pl.when((status == OK) & pl.col("domain").is_in(bad))
            .then(pl.lit(UNDELIVERABLE))
            .otherwise(status)
        )
    status = pl.when(pl.col("multiple") & (status == OK)).then(pl.lit(MULTIPLE)).otherwise(status)
    u = u.with_columns(status.alias("status")).with_columns(
        pl.when(pl.col("status").is_in(_VALID)).then(pl.col("normalized")).alias("normalized")
    )
    return _derived(u)


def _analyze(
    series: pl.Series,
    *,
    lowercase_local: bool = True,
    check_deliverability: bool = False,
    workers: int | None = None,
) -> pl.Series:
    """The six outputs for every row of ``series`` as one struct Series (order preserved)."""
    raw = series.cast(pl.String)
    distinct = _analyze_distinct(
        raw,
        lowercase_local=lowercase_local,
        check_deliverability=check_deliverability,
        workers=workers,
    )
    out = pl.DataFrame({"raw": raw}).join(
        distinct, on="raw", how="left", nulls_equal=True, maintain_order="left"
    )
    return out.select(pl.struct(*_OUT_SCHEMA).alias(series.name)).to_series()


def _struct_expr(
    col: str | pl.Expr,
    *,
    lowercase_local: bool,
    check_deliverability: bool,
    workers: int | None = None,
) -> pl.Expr:
    check_workers(workers)
    return as_expr(col).map_batches(
        lambda s: _analyze(
            s,
            lowercase_local=lowercase_local,
            check_deliverability=check_deliverability,
            workers=workers,
        ),
        return_dtype=_STRUCT,
        is_elementwise=True,
    )


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidOption(f"{name} must be True or False")


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------
def email(
    col: str | pl.Expr, *, lowercase_local: bool = True, workers: int | None = None
) -> pl.Expr:
    """Normalized email address; null where the cell holds no valid address.

    Trims spaces and pasted wrappers (``mailto:``, ``<...>``, trailing dots/commas), lower-cases
    the domain (and the local part unless ``lowercase_local=False``; RFC 5321 leaves it
    case-sensitive, but practically every provider ignores case), decodes Punycode domains to
    Unicode. From a cell holding several addresses, the first one. ``workers``: processes for
    the addresses only email-validator can judge (as in :func:`emails`).

    >>> df = pl.DataFrame({"mail": [" Ivan.Petrov@Mail.RU ", "mailto:olga@xn--d1acufc.xn--p1ai",
    ...                             "нет", "ivan@", None]})
    >>> df.with_columns(email("mail").alias("norm"))["norm"].to_list()
    ['ivan.petrov@mail.ru', 'olga@домен.рф', None, None, None]
    """
    _check_bool("lowercase_local", lowercase_local)
    out = _struct_expr(
        col, lowercase_local=lowercase_local, check_deliverability=False, workers=workers
    )
    return out.struct.field("normalized").name.keep()


def email_key(col: str | pl.Expr, *, workers: int | None = None) -> pl.Expr:
    """Canonical matching key for deduplication; null where the address is not valid.

    Lower-cased; ``googlemail.com`` -> ``gmail.com``, Yandex alias domains (``ya.ru``,
    ``yandex.com``, ``narod.ru``...) -> ``yandex.ru``, ``me.com``/``mac.com`` -> ``icloud.com``;
    ``+tag`` removed for providers with plus addressing (Gmail, Yandex, Outlook/Hotmail,
    iCloud, Fastmail, Proton, Zoho); dots removed for Gmail. Not meant for sending mail.
    ``workers`` as in :func:`emails`.

    >>> df = pl.DataFrame({"mail": ["I.Van+shop@googlemail.com", "petrov+1@ya.ru", "a+b@mail.ru"]})
    >>> df.select(email_key("mail"))["mail"].to_list()
    ['ivan@gmail.com', 'petrov@yandex.ru', 'a+b@mail.ru']
    """
    out = _struct_expr(col, lowercase_local=True, check_deliverability=False, workers=workers)
    return out.struct.field("key").name.keep()


@refuse_clashes
def emails(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: str | Iterable[str],
    *,
    lowercase_local: bool = True,
    check_deliverability: bool = False,
    in_place: bool = False,
    workers: int | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Normalize email columns: add ``<col>_normalized``, ``_key``, ``_status``, ``_suggestion``,
    ``_disposable`` and ``_role`` after the original columns.

    ``_suggestion`` holds the likely intended address when the domain looks like a typo of a
    popular provider (``gmial.com``, ``mail.ry``); ``_disposable`` and ``_role`` are null where
    the address is not valid. ``check_deliverability=True`` also asks DNS (once per distinct
    domain) and turns ``ok`` into ``undeliverable`` for domains that accept no mail.
    With ``in_place=True`` the original column is overwritten by the normalized address where
    one was found (other cells keep their original text) and ``<col>_normalized`` is not added.
    ``workers``: processes for the addresses the vectorized path cannot judge (default: up to
    2, only when there are many; 1 = none; see :mod:`custdata._workers`).

    >>> df = pl.DataFrame({"email": ["Ivan@Mail.RY", "info@firma.ru", "x@mailinator.com", "-"]})
    >>> out = emails(df, "email")
    >>> out.select("email_normalized", "email_status", "email_suggestion").rows()
    ... # doctest: +NORMALIZE_WHITESPACE
    [('ivan@mail.ry', 'ok', 'ivan@mail.ru'), ('info@firma.ru', 'ok', None),
     ('x@mailinator.com', 'ok', None), (None, 'junk', None)]
    >>> out["email_role"].to_list(), out["email_disposable"].to_list()
    ([False, True, False, None], [False, False, True, None])
    """
    cols = _columns_arg(columns)
    check_columns(frame, cols)
    frame = one_chunk(frame, cols)
    for name, value in (
        ("lowercase_local", lowercase_local),
        ("check_deliverability", check_deliverability),
        ("in_place", in_place),
    ):
        _check_bool(name, value)
    check_workers(workers)
    tmp = [f"__custdata_email_{i}" for i in range(len(cols))]
    out = frame.with_columns(
        _struct_expr(
            c,
            lowercase_local=lowercase_local,
            check_deliverability=check_deliverability,
            workers=workers,
        ).alias(t)
        for c, t in zip(cols, tmp, strict=True)
    )
    new: list[pl.Expr] = []
    for c, t in zip(cols, tmp, strict=True):
        s = pl.col(t).struct
        if in_place:
            new.append(pl.coalesce(s.field("normalized"), pl.col(c).cast(pl.String)).alias(c))
        else:
            new.append(s.field("normalized").alias(f"{c}_normalized"))
        new.extend(
            s.field(f).alias(f"{c}_{f}")
            for f in ("key", "status", "suggestion", "disposable", "role")
        )
    return out.with_columns(new).drop(tmp)


def parse_email(
    value: str | None, *, lowercase_local: bool = True, check_deliverability: bool = False
) -> EmailResult:
    """Check one address (a web form field, say); same rules as :func:`emails`.

    >>> r = parse_email(" <Olga.Ivanova@Yandex.by>, ")
    >>> r.normalized, r.key, r.status, r.valid
    ('olga.ivanova@yandex.by', 'olga.ivanova@yandex.ru', 'ok', True)
    >>> parse_email("olga@mail.ry").suggestion
    'olga@mail.ru'
    >>> parse_email("olga.mail.ru").status
    'missing_at'
    """
    _check_bool("lowercase_local", lowercase_local)
    _check_bool("check_deliverability", check_deliverability)
    if value is not None and not isinstance(value, str):
        value = str(value)
    try:
        (value or "").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no table can hold it, email-validator rejects it
        return EmailResult(value, None, None, "invalid_syntax", None, None, None)
    row = _analyze(
        pl.Series("v", [value], dtype=pl.String),
        lowercase_local=lowercase_local,
        check_deliverability=check_deliverability,
    )[0]
    return EmailResult(original=value, **row)
