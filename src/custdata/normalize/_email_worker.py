"""The slow path of the email normalizer: one ``email_validator.validate_email`` call per value.

Kept in its own small module (no polars import) so that worker processes start quickly.
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import (
    CASE_INSENSITIVE_MAILBOX_NAMES,
    DOT_ATOM_TEXT,
    EMAIL_MAX_LENGTH,
)

#: Status codes of an invalid address (see ``docs/normalize/emails.md``).
MISSING_AT = "missing_at"
INVALID_LOCAL_PART = "invalid_local_part"
INVALID_DOMAIN = "invalid_domain"
TOO_LONG = "too_long"
INVALID_SYNTAX = "invalid_syntax"

_DOMAIN_HINTS = (
    "after the @-sign",
    "cannot end with",
    "top-level domain",
    "period and a hyphen",
    "should have a period",
    "two letters followed by two dashes",
)
_LOCAL_HINTS = ("before the @-sign", "cannot start with", "quoting the part")


def error_code(message: str, text: str) -> str:
    """Map an email-validator error message to a custdata status code.

    >>> error_code("An email address must have an @-sign.", "ab")
    'missing_at'
    >>> error_code("An email address cannot have two periods in a row.", "a..b@c.com")
    'invalid_local_part'
    """
    message = message.lower()
    if "must have an @-sign" in message or "instead of a regular at-sign" in message:
        return MISSING_AT
    if "too long" in message:
        return TOO_LONG
    if "two periods in a row" in message:
        local = text.rpartition("@")[0]
        return INVALID_LOCAL_PART if ".." in local else INVALID_DOMAIN
    if "unsafe characters" in message:
        local = text.rpartition("@")[0]
        return INVALID_LOCAL_PART if any(not c.isprintable() for c in local) else INVALID_DOMAIN
    if any(h in message for h in _DOMAIN_HINTS) or "idna" in message:
        return INVALID_DOMAIN
    if any(h in message for h in _LOCAL_HINTS):
        return INVALID_LOCAL_PART
    return INVALID_SYNTAX


Outcome = tuple[str | None, str | None, str]

# An address splits into parts validated on their own, as email-validator does (local part
# first, then the domain, then the length of the whole), so each distinct local part and domain
# is validated once: "local@example.com" checks a local part, "a@domain" a domain.
_PROBE_DOMAIN = "@example.com"
_PROBE_LOCAL = "a@"
_MAX_PART = 200  # longer parts: the probe's own length could fail; validate the whole text


class _Cache:
    """Per-call memo of part validations (no state survives a call)."""

    def __init__(self) -> None:
        self.local: dict[str, tuple[str, str | None] | str] = {}
        self.domain: dict[str, tuple[str, str] | str] = {}

    def check_local(self, local: str) -> tuple[str, str | None] | str:
        """(normalized local part, ASCII form or None), or the error message."""
        if local not in self.local:
            if DOT_ATOM_TEXT.match(local):
                # what validate_email_local_part returns for a plain ASCII dot-atom, with
                # validate_email's lower-casing of RFC 2142 mailbox names
                lp = local.lower() if local.lower() in CASE_INSENSITIVE_MAILBOX_NAMES else local
                self.local[local] = (lp, lp)
                return self.local[local]
            try:
                v = validate_email(local + _PROBE_DOMAIN, check_deliverability=False)
                self.local[local] = (v.local_part, v.ascii_local_part)
            except EmailNotValidError as exc:
                self.local[local] = str(exc)
        return self.local[local]

    def check_domain(self, domain: str) -> tuple[str, str] | str:
        """(Unicode form, ASCII form) of the domain, or the error message."""
        if domain not in self.domain:
            try:
                v = validate_email(_PROBE_LOCAL + domain, check_deliverability=False)
                self.domain[domain] = (v.domain, v.ascii_domain)
            except EmailNotValidError as exc:
                self.domain[domain] = str(exc)
        return self.domain[domain]


def _split(text: str) -> tuple[str, str] | None:
    """(local, domain) when email-validator splits ``text`` at its first ``@`` and nothing
    else (no quotes, no angle brackets, no combining mark after the ``@``); else None."""
    if '"' in text or "<" in text:
        return None
    local, at, domain = text.partition("@")
    if not at or len(local) > _MAX_PART or len(domain) > _MAX_PART:
        return None
    if domain and unicodedata.category(domain[0]).startswith("M"):
        return None
    return local, domain


def _validate(text: str, cache: _Cache | None) -> tuple[str, str, str] | str:
    """(normalized, local part, domain) or the error message, as ``validate_email(text)``."""
    parts = _split(text) if cache is not None else None
    if parts is None or cache is None:
        try:
            v = validate_email(text, check_deliverability=False)
        except EmailNotValidError as exc:
            return str(exc)
        return v.normalized, v.local_part, v.domain
    local, domain = parts
    lres = cache.check_local(local)
    if isinstance(lres, str):
        return lres
    dres = cache.check_domain(domain)
    if isinstance(dres, str):
        return dres
    (lp, ascii_lp), (d_i18n, d_ascii) = lres, dres
    # email_validator.syntax.validate_email_length: original, normalized and ASCII forms
    for addr in (text, lp + "@" + d_i18n, (ascii_lp or lp) + "@" + d_ascii):
        if len(addr.encode("utf-8")) > EMAIL_MAX_LENGTH:
            return "The email address is too long."
    return lp + "@" + d_i18n, lp, d_i18n


def validate_one(text: str, lowercase_local: bool, cache: _Cache | None = None) -> Outcome:
    """Validate one cleaned address: (normalized, normalized domain, status).

    ``status`` is ``"ok"`` or an error code; nothing is looked up in DNS. The verdict and the
    normalized form are those of ``email_validator.validate_email(text)``.

    >>> validate_one("Ivan@Пример.РФ", True)
    ('ivan@пример.рф', 'пример.рф', 'ok')
    >>> validate_one("ivan@@mail.ru", True)[2]
    'invalid_domain'
    """
    result = _validate(text, cache)
    if isinstance(result, str):
        return None, None, error_code(result, text)
    normalized, local, domain = result
    if lowercase_local:
        lowered = local.lower()
        if lowered != local:
            again = _validate(lowered + "@" + domain, cache)
            if not isinstance(again, str):  # else lower-casing broke it: keep the validated form
                normalized = again[0]
    return normalized, domain, "ok"


def validate_many(texts: list[str], lowercase_local: bool) -> list[Outcome]:
    """:func:`validate_one` over a list (the unit of work of a worker process).

    Distinct local parts and domains are validated once per call.

    >>> validate_many(["a@b.com", "a"], True)
    [('a@b.com', 'b.com', 'ok'), (None, None, 'missing_at')]
    """
    cache = _Cache()
    return [validate_one(t, lowercase_local, cache) for t in texts]
