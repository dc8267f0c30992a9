"""One yes/no vocabulary for every place a person answers yes or no in a file.

Review labels (:mod:`custdata.dedupe.review`), consent cells (:mod:`custdata.normalize.consent`)
and merge decisions (:mod:`custdata.dedupe.merges`) all read the words below; each adds only the
words of its own domain (``match``/``distinct``, ``subscribed``, ``accept``/``reject``). Words
are compared after stripping and lower-casing.

>>> is_yes("Да"), is_yes(" no "), is_yes("maybe")
(True, False, None)
"""

from __future__ import annotations

__all__ = ["NO", "YES", "is_yes"]

#: Words that mean "yes" (English, Russian, Ukrainian, 1, +).
YES: frozenset[str] = frozenset({"yes", "y", "true", "t", "1", "on", "+", "да", "д", "так"})
#: Words that mean "no".
NO: frozenset[str] = frozenset({"no", "n", "false", "f", "0", "off", "нет", "н", "ні"})


def is_yes(value: object, *, yes: frozenset[str] = YES, no: frozenset[str] = NO) -> bool | None:
    """True for a yes word, False for a no word, None for anything else (or an empty cell).

    >>> is_yes("TRUE"), is_yes(0), is_yes(None)
    (True, False, None)
    """
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in yes:
        return True
    if text in no:
        return False
    return None
