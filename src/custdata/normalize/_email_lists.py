"""Reference lists of the email normalizer: mail providers, disposable domains, the constant
sets as polars Series, and typo suggestions for popular mail domains (:func:`suggest_domain`).

Split out of :mod:`custdata.normalize.email`, which re-exports :func:`suggest_domain`.
"""

from __future__ import annotations

from functools import cache, lru_cache

import polars as pl
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from custdata.junk import JUNK_VALUES
from custdata.normalize import _email_data as data


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
