"""Progress reports from long library calls, through an optional callback (the library never prints).

A long function takes ``progress: ProgressCallback | None = None`` and calls :func:`report` at
each stage; the caller decides what to show (the CLI draws a rich progress bar on an interactive
stderr; a notebook might log; the default ``None`` costs nothing). Stage names are fixed words
(``reading``, ``normalizing``, ``preparing``, ``blocking``, ``comparing``, ``scoring``,
``clustering``, ``golden``, ``writing``); ``detail`` says which part (a kind such as ``phone``),
never a customer value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a long call: ``stage``, ``done`` of ``total`` units (None when unknown).

    ``unit`` names what is counted (``rows``, ``pairs``, ``columns``); ``detail`` is a short label
    such as the kind of column being normalized.

    >>> ProgressEvent("scoring", done=500, total=2000, unit="pairs").fraction
    0.25
    """

    stage: str
    done: int | None = None
    total: int | None = None
    unit: str = ""
    detail: str = ""

    @property
    def fraction(self) -> float | None:
        """``done / total`` in 0..1, or None when either is unknown (or total is 0)."""
        if self.done is None or not self.total:
            return None
        return min(1.0, self.done / self.total)


#: What a long call accepts: any function taking a :class:`ProgressEvent`.
ProgressCallback = Callable[[ProgressEvent], None]


def report(
    progress: ProgressCallback | None,
    stage: str,
    done: int | None = None,
    total: int | None = None,
    *,
    unit: str = "",
    detail: str = "",
) -> None:
    """Send one event to ``progress`` when there is a callback (else do nothing).

    >>> seen = []
    >>> report(seen.append, "blocking", 0, 10, unit="rows")
    >>> report(None, "blocking")  # no callback: nothing happens
    >>> seen
    [ProgressEvent(stage='blocking', done=0, total=10, unit='rows', detail='')]
    """
    if progress is not None:
        progress(ProgressEvent(stage, done, total, unit, detail))
