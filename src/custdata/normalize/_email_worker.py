"""The slow path of the email normalizer: one ``email_validator.validate_email`` call per value.

Kept in its own small module (no polars import) so that worker processes start quickly.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

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


def validate_one(text: str, lowercase_local: bool) -> tuple[str | None, str | None, str]:
    """Validate one cleaned address: (normalized, normalized domain, status).

    ``status`` is ``"ok"`` or an error code; nothing is looked up in DNS.

    >>> validate_one("Ivan@Пример.РФ", True)
    ('ivan@пример.рф', 'пример.рф', 'ok')
    >>> validate_one("ivan@@mail.ru", True)[2]
    'invalid_domain'
    """
    try:
        v = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return None, None, error_code(str(exc), text)
    normalized, local, domain = v.normalized, v.local_part, v.domain
    if lowercase_local:
        lowered = local.lower()
        if lowered != local:
            try:
                normalized = validate_email(
                    lowered + "@" + domain, check_deliverability=False
                ).normalized
            except EmailNotValidError:
                pass  # lower-casing broke it (exotic Unicode): keep the validated form
    return normalized, domain, "ok"


def validate_many(
    texts: list[str], lowercase_local: bool
) -> list[tuple[str | None, str | None, str]]:
    """:func:`validate_one` over a list (the unit of work of a worker process).

    >>> validate_many(["a@b.com", "a"], True)
    [('a@b.com', 'b.com', 'ok'), (None, None, 'missing_at')]
    """
    return [validate_one(t, lowercase_local) for t in texts]
