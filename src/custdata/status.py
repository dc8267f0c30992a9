"""Reason codes shared by every normalizer, the profile and the pipeline report.

Every normalizer adds one ``<column>_status`` column holding a reason code. These three are
common to all kinds; each normalizer adds its own (``not_a_number``, ``bad_domain``, ...).
"""

from __future__ import annotations

__all__ = ["EMPTY", "JUNK", "OK"]

#: Status code of a valid value.
OK = "ok"
#: Status code of a null, empty or whitespace-only cell.
EMPTY = "empty"
#: Status code of a placeholder that means "no value" ("нет", "n/a", "-", "0", ...).
JUNK = "junk"
