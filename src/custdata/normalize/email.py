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
from functools import cache, lru_cache

import polars as pl
from email_validator import EmailNotValidError, EmailUndeliverableError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from custdata._workers import check_workers, map_chunks
from custdata.errors import InvalidOption
from custdata.frames import as_expr, check_columns, refuse_clashes
from custdata.frames import columns_arg as _columns_arg
from custdata.junk import JUNK_VALUES
from custdata.normalize import _email_data as data
from custdata.normalize._common import one_chunk
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

#: Characters trimmed around a cell (ASCII and Unicode spaces, zero-width space, BOM).
WHITESPACE = (
    " \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_WS_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"

# Fast path: what email-validator accepts without touching IDNA or Unicode rules.
_ATEXT = r"a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?"
_TLD = r"(?:[a-z]|[a-z0-9][a-z0-9\-]*[a-z])"
# Cyrillic letters (U+0400-U+04FF without the combining marks U+0483-U+0489): all assigned
# for decades, letters or symbols, NFC-stable and with 1:1 case mappings, so email-validator
# accepts them in a local part unchanged (tests check every one of them).
_CYRILLIC = "\\x{0400}-\\x{0482}\\x{048a}-\\x{04ff}"
_LOCAL_RE = rf"^[{_ATEXT}{_CYRILLIC}]+(?:\.[{_ATEXT}{_CYRILLIC}]+)*$"
# applied to the lower-cased domain, with a separate 63-character label limit (a counted
# repetition inside the label pattern makes the regex automaton huge and slow)
_DOMAIN_RE = rf"^(?:{_LABEL}\.)+{_TLD}$"
_LONG_LABEL_RE = r"[^.]{64}"
_SPECIAL_USE_RE = r"\.(?:arpa|invalid|local|localhost|onion|test)$"

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


# --------------------------------------------------------------------------------------
# vectorized pieces
# --------------------------------------------------------------------------------------
def _clean(frame: pl.LazyFrame, source: str, target: str) -> pl.LazyFrame:
    """Add ``target``: ``source`` without pasted wrappers (spaces, ``Name <...>``,
    ``mailto:``, trailing ``.,;``, quotes around the whole cell).

    One ``with_columns`` per step, so that each step reads the previous result once; values
    that no step could change (a letter or digit at both ends, no ``<``, no ``mailto:``) skip
    the steps. Row order is not kept (the frame holds distinct values).
    """
    src = pl.col(source)
    needs = (
        ~src.str.contains(r"^[\p{L}\p{N}][^<]*[\p{L}\p{N}]$")
        | (src.str.slice(0, 7).str.to_lowercase() == "mailto:")
    ).fill_null(True)
    frame = frame.with_columns(needs.alias("_needs_clean"))
    untouched = frame.filter(~pl.col("_needs_clean")).with_columns(src.alias(target))
    return pl.concat(
        [untouched, _clean_steps(frame.filter(pl.col("_needs_clean")), source, target)],
        how="vertical",
    ).drop("_needs_clean")


def _clean_steps(frame: pl.LazyFrame, source: str, target: str) -> pl.LazyFrame:
    c = pl.col(target)
    strip_punct = c.str.strip_chars_end(WHITESPACE + ".,;").str.strip_chars_start(WHITESPACE + ",;")
    return (
        frame.with_columns(
            pl.col(source)
            .str.strip_chars_end(WHITESPACE + ".,;")
            .str.strip_chars_start(WHITESPACE + ",;")
            .alias(target)
        )
        .with_columns(
            pl.when(c.str.contains(r"^[^<>]*<[^<>]*>$"))
            .then(c.str.extract(r"<([^<>]*)>$", 1).str.strip_chars(WHITESPACE))
            .otherwise(c)
            .alias(target)
        )
        .with_columns(
            pl.when(c.str.slice(0, 7).str.to_lowercase() == "mailto:")
            .then(c.str.slice(7).str.replace(r"(?s)\?.*$", "").str.strip_chars(WHITESPACE))
            .otherwise(c)
            .alias(target)
        )
        .with_columns(strip_punct.alias(target))
        .with_columns(
            pl.coalesce(
                pl.coalesce(
                    c.str.extract(r'^"([^"]*)"$', 1), c.str.extract(r"^'([^']*)'$", 1)
                ).str.strip_chars(WHITESPACE),
                c,
            ).alias(target)
        )
    )


def _candidates(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Add ``cand`` (the text to validate) and ``multiple`` to a frame of distinct ``raw``."""
    lazy = _clean(frame.lazy(), "raw", "c1").collect(engine="in-memory").lazy()
    maybe = (pl.col("c1").str.count_matches("@") >= 2) & pl.col("c1").str.contains(
        "[,;" + _WS_CLASS[1:]
    )
    several = (
        _clean(
            lazy.filter(maybe)
            .select(
                "c1",
                pl.col("c1")
                .str.extract_all(r"[^,;" + _WS_CLASS[1:-1] + r"]+")
                .list.eval(pl.element().filter(pl.element().str.contains("@")))
                .alias("tokens"),
            )
            .filter(pl.col("tokens").list.len() >= 2)
            .select("c1", pl.col("tokens").list.first().alias("token")),
            "token",
            "first",
        )
        .select("c1", "first")
        .unique("c1")
    )
    return (
        lazy.join(several, on="c1", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("first", "c1").alias("cand"),
            pl.col("first").is_not_null().alias("multiple"),
        )
        .drop("c1", "first")
    )


def _fast_path(frame: pl.LazyFrame, *, lowercase_local: bool) -> pl.LazyFrame:
    """Add ``fast_status``, ``fast_norm``, ``fast_dom`` for the ``cand`` column of ``frame``.

    ``fast_status`` is set where ASCII rules decide exactly as email-validator, null where
    the value must go to email-validator. The rules mirror ``email_validator.validate_email``
    for text without quotes or angle brackets, with an ASCII domain and an ASCII or Cyrillic
    local part: the local part (before the first ``@``) is validated first and must be a
    dot-atom; then the domain (after the first ``@``): over 253
    characters is ``too_long``, otherwise it must be dot-separated LDH labels of at most 63
    characters ending with a letter, outside the special-use names. Punycode (``xn--``) and
    ``--`` labels, and over-long valid addresses, are left to email-validator.
    """
    cand = pl.col("cand")
    parts = cand.str.splitn("@", 2)
    frame = frame.with_columns(
        parts.struct.field("field_0").alias("_l"),
        parts.struct.field("field_1").alias("_d"),
    ).with_columns(
        pl.col("_d").str.to_lowercase().alias("_dl"),
        (
            ~cand.str.contains(r'["<]')
            & pl.col("_d").is_not_null()
            & ~pl.col("_d").str.contains(r"[^\x00-\x7f]")
            & ~pl.col("_l").str.contains(rf"[^\x00-\x7f{_CYRILLIC}]")
        ).alias("_plain"),
    )
    local, dom_low = pl.col("_l"), pl.col("_dl")
    status = (
        pl.when(~pl.col("_plain").fill_null(False))
        .then(pl.lit(None, pl.String))
        .when(~local.str.contains(_LOCAL_RE).fill_null(False))
        .then(pl.lit("invalid_local_part"))
        .when(dom_low.str.contains("xn--", literal=True))
        .then(pl.lit(None, pl.String))
        .when(pl.col("_d").str.len_bytes() > 253)
        .then(pl.lit("too_long"))
        .when(
            ~dom_low.str.contains(_DOMAIN_RE).fill_null(False)
            | dom_low.str.contains(_LONG_LABEL_RE).fill_null(True)
            | dom_low.str.contains(_SPECIAL_USE_RE).fill_null(True)
        )
        .then(pl.lit("invalid_domain"))
        .when(dom_low.str.contains("--", literal=True) | (cand.str.len_bytes() > 254))
        .then(pl.lit(None, pl.String))
        .otherwise(pl.lit(OK))
    )
    if lowercase_local:
        local = local.str.to_lowercase()
    else:
        local = (
            pl.when(local.str.to_lowercase().is_in(_series("mailbox")))
            .then(local.str.to_lowercase())
            .otherwise(local)
        )
    ok = pl.col("fast_status") == OK
    return (
        frame.with_columns(status.alias("fast_status"))
        .with_columns(
            pl.when(ok).then(local + "@" + dom_low).alias("fast_norm"),
            pl.when(ok).then(dom_low).alias("fast_dom"),
        )
        .drop("_l", "_d", "_dl", "_plain")
    )


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


@lru_cache(maxsize=1)
def _provider_list() -> list[str]:
    return list(data.PROVIDERS)


@lru_cache(maxsize=1)
def _disposable_domains() -> pl.Series:
    from disposable_email_domains import blocklist

    return pl.Series(sorted(blocklist), dtype=pl.String).implode()


@cache
def _series(name: str) -> pl.Series:
    """The constant sets as polars Series (built once: ``is_in`` on a list converts each time)."""
    values = {
        "junk": JUNK_VALUES,
        "mailbox": CASE_INSENSITIVE_MAILBOX_NAMES,
        "plus": data.PLUS_ADDRESSING,
        "dots": data.STRIP_DOTS,
        "role": data.ROLE_LOCAL_PARTS,
    }[name]
    return pl.Series(sorted(values), dtype=pl.String).implode()


def suggest_domain(domain: str) -> str | None:
    """Likely intended domain for a misspelt popular mail domain, else ``None``.

    Rules, in order: known providers and real look-alike domains are never typos; a table of
    known whole-domain typos (``gmail.ru``); a misspelt non-existent TLD is fixed (``.ry``,
    ``.con``, ``.cmo``, ``.nte``...); then the closest popular provider by edit
    distance (optimal string alignment: insertions, deletions, substitutions and
    transpositions; at most 1 edit for domains of up to 7 characters, 2 for longer ones).

    >>> suggest_domain("gmial.com"), suggest_domain("mail.ry"), suggest_domain("ukr.nte")
    ('gmail.com', 'mail.ru', 'ukr.net')
    >>> suggest_domain("firma.con"), suggest_domain("mail.ru"), suggest_domain("inbox.lv")
    ('firma.com', None, None)
    """
    return _suggest_many([domain]).get(domain)


def _suggest_many(domains: list[str]) -> dict[str, str]:
    from rapidfuzz.distance import OSA
    from rapidfuzz.process import cdist

    providers = _provider_list()
    known = set(providers) | data.REAL_LOOKALIKES
    out: dict[str, str] = {}
    fixed: list[str] = []
    originals: list[str] = []
    for d in domains:
        if not d or d in known:
            continue
        if d in data.DOMAIN_TYPOS:
            out[d] = data.DOMAIN_TYPOS[d]
            continue
        head, dot, tld = d.rpartition(".")
        cand = head + "." + data.TLD_TYPOS[tld] if dot and tld in data.TLD_TYPOS else d
        if cand in known:
            out[d] = cand
            continue
        fixed.append(cand)
        originals.append(d)
    if fixed:
        dist = cdist(fixed, providers, scorer=OSA.distance, workers=1)
        for row, cand, d in zip(dist, fixed, originals, strict=True):
            best = int(row.argmin())
            limit = 0 if len(cand) < 6 else 1 if len(cand) <= 7 else 2
            if int(row[best]) <= limit:
                out[d] = providers[best]
            elif cand != d:
                out[d] = cand
    return out


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
