"""How much memory a dedupe run needs, estimated before any matching starts.

Deduplication on one machine holds the records' keys, the candidate pairs and their level
tables in memory at once. Its peak grows with the number of records: measured with
``benchmarks/bench_dedupe.py`` (generated customers, 11 columns, peak RSS of the whole process):

============  =================  ====================
records       peak RSS (GB)      this estimate (GB)
============  =================  ====================
100,000       0.41 - 0.45        0.45
1,000,000     2.67 - 3.07        3.07
3,000,000     12.40              12.40
============  =================  ====================

It grows faster than the records (bigger blocks make more candidate pairs per record), so the
estimate interpolates between the measured points (:data:`MEASURED`) and goes on beyond the
last one with the last slope (4.67 KB per record): 10M records need about 45 GB.

A run that would need more than the memory it may use fails at once, with a message that
says what to change (:class:`NotEnoughMemory`), instead of swapping for an hour or being
killed by the kernel half way. What "may use" means is the caller's to say: the CLI passes the
memory the machine (or its container) has available, or ``--memory-limit``.

>>> estimate_memory(1_000_000).gigabytes
3.07
>>> check_memory(1_000_000, available_bytes=16 * 2**30).rows
1000000
>>> check_memory(10_000_000, available_bytes=16 * 2**30)
Traceback (most recent call last):
...
custdata.dedupe.memory.NotEnoughMemory: deduplicating 10,000,000 records needs about 45.1 GB ...
"""

from __future__ import annotations

from dataclasses import dataclass

from custdata.errors import CustdataError

__all__ = ["MEASURED", "MemoryEstimate", "NotEnoughMemory", "check_memory", "estimate_memory"]

#: (records, peak bytes) measured with ``benchmarks/bench_dedupe.py`` on generated customers
#: with families (11 columns): the whole process, interpreter and libraries included.
MEASURED: tuple[tuple[int, int], ...] = (
    (0, 150 * 10**6),
    (100_000, 451 * 10**6),
    (1_000_000, 3_069 * 10**6),
    (3_000_000, 12_402 * 10**6),
)

_GB = 10**9


@dataclass(frozen=True)
class MemoryEstimate:
    """Estimated peak memory of deduplicating ``rows`` records on one machine."""

    rows: int
    peak_bytes: int

    @property
    def gigabytes(self) -> float:
        """The peak in GB (10^9 bytes), rounded to two decimals.

        >>> MemoryEstimate(rows=10, peak_bytes=1_234_000_000).gigabytes
        1.23
        """
        return round(self.peak_bytes / _GB, 2)


class NotEnoughMemory(CustdataError):
    """The run would need more memory than it may use; nothing was done."""

    def __init__(self, estimate: MemoryEstimate, available_bytes: int) -> None:
        self.estimate, self.available_bytes = estimate, available_bytes
        super().__init__(
            f"deduplicating {estimate.rows:,} records needs about "
            f"{estimate.peak_bytes / _GB:.1f} GB of memory and "
            f"{available_bytes / _GB:.1f} GB is available: run it on Spark "
            "(--engine spark, pip install 'custdata[spark]'), deduplicate parts that cannot "
            "share a person separately (one file per country or region), or give "
            "--memory-limit to go ahead with more (swap)"
        )


def estimate_memory(rows: int) -> MemoryEstimate:
    """Estimated peak memory of a dedupe run over ``rows`` records (see the module's table).

    >>> estimate_memory(100_000).gigabytes, estimate_memory(3_000_000).gigabytes
    (0.45, 12.4)
    """
    if rows < 0:
        raise ValueError("rows must not be negative")
    for (r0, b0), (r1, b1) in zip(MEASURED, MEASURED[1:], strict=False):
        if rows <= r1 or r1 == MEASURED[-1][0]:
            peak = b0 + (b1 - b0) * (rows - r0) / (r1 - r0)
            return MemoryEstimate(rows=rows, peak_bytes=round(peak))
    raise AssertionError("unreachable")  # pragma: no cover


def check_memory(rows: int, *, available_bytes: int | None) -> MemoryEstimate:
    """The estimate for ``rows`` records; raise :class:`NotEnoughMemory` when it exceeds
    ``available_bytes`` (None: unknown, never raises).

    >>> check_memory(500, available_bytes=None).gigabytes
    0.15
    """
    estimate = estimate_memory(rows)
    if available_bytes is not None and estimate.peak_bytes > available_bytes:
        raise NotEnoughMemory(estimate, available_bytes)
    return estimate
