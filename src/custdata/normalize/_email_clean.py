"""Vectorized pieces of the email normalizer: unwrap pasted cells, split a cell into candidate
addresses and settle the plain ones with polars expressions (the fast path); the rest go to
email-validator in :mod:`custdata.normalize.email`.
"""

from __future__ import annotations

import polars as pl

from custdata.normalize._email_lists import _series
from custdata.status import OK

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
