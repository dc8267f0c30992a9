"""Reason codes shared by every normalizer, the profile and the pipeline report.

Every normalizer adds one ``<column>_status`` column holding a reason code. These three are
common to all kinds; each normalizer adds its own (``not_a_number``, ``bad_domain``, ...).
"""

from __future__ import annotations

__all__ = ["EMPTY", "JUNK", "OK", "VALID", "is_valid_status"]

#: Status code of a valid value.
OK = "ok"
#: Status code of a null, empty or whitespace-only cell.
EMPTY = "empty"
#: Status code of a placeholder that means "no value" ("нет", "n/a", "-", "0", ...).
JUNK = "junk"

#: Statuses of a cell that yields a usable normalized value: ``ok``, and the flags of a cell
#: holding several values whose first valid one is kept (``multiple_numbers``,
#: ``multiple_emails``). One definition for the CLI summaries, the profile and the pipeline
#: report: these count as valid (flagged, not invalid).
VALID: frozenset[str] = frozenset({OK, "multiple_numbers", "multiple_emails"})


def is_valid_status(status: str | None) -> bool:
    """True for a status whose cell yields a normalized value (see :data:`VALID`).

    >>> is_valid_status("multiple_emails"), is_valid_status("junk")
    (True, False)
    """
    return status in VALID
