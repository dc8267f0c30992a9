"""Worker processes for the scalar parts of the normalizers (one rule for every caller).

The vectorized polars paths cover most values; what is left (phones the fast path cannot read,
addresses only ``email-validator`` can judge) runs value by value in Python. When there is a
lot of it, :func:`map_chunks` spreads it over worker processes:

* processes are **spawned**, never forked: forking a process whose polars thread pool is busy
  can deadlock the child (and Python warns about it);
* a pool is used only from :data:`POOL_MIN` items and with more than one worker;
* ``workers=None`` means up to two processes (the CPU count, if lower), ``1`` no pool;
* the pool is started on first use and **reused** by every later call in the process (a spawned
  worker pays for a Python start and its imports once, not per call); it is shut down at exit.
  A broken pool (a killed worker) is dropped and the work is done in-process, so the result
  never depends on whether workers were used; the process then stops using workers.

Spawned workers import the main module again, as ``multiprocessing`` always does with spawn: a
script that calls custdata at its top level needs the usual ``if __name__ == "__main__":``
guard to use workers (without it the workers fail to start, and the work runs in-process).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, TypeVar

from custdata.errors import InvalidOption

__all__ = ["POOL_MIN", "check_workers", "map_chunks", "shutdown", "worker_count"]

T = TypeVar("T")
R = TypeVar("R")

#: Fewest items for which worker processes are used.
POOL_MIN = 20_000
#: Chunks per worker (several, so that a slow chunk does not leave a worker idle).
CHUNKS_PER_WORKER = 4

_LOCK = threading.Lock()
_POOLS: dict[int, ProcessPoolExecutor] = {}
_OWNER = os.getpid()
_BROKEN: set[int] = set()  # processes whose pool broke: no more workers there


def check_workers(workers: object) -> None:
    """Raise :class:`~custdata.errors.InvalidOption` unless ``workers`` is None or >= 1.

    >>> check_workers(None), check_workers(2)
    (None, None)
    >>> check_workers(0)
    Traceback (most recent call last):
    ...
    custdata.errors.InvalidOption: workers must be a positive whole number (1 = no worker processes)
    """
    if workers is not None and (
        not isinstance(workers, int) or isinstance(workers, bool) or workers < 1
    ):
        raise InvalidOption("workers must be a positive whole number (1 = no worker processes)")


def worker_count(workers: int | None) -> int:
    """Processes to use: ``workers``, or by default up to two (fewer on a one-CPU machine).

    >>> worker_count(3), worker_count(None) <= 2
    (3, True)
    """
    check_workers(workers)
    return min(2, os.cpu_count() or 1) if workers is None else workers


def _pool(n_workers: int) -> ProcessPoolExecutor:
    global _OWNER
    with _LOCK:
        if os.getpid() != _OWNER:  # a forked child must not use its parent's pools
            _POOLS.clear()
            _OWNER = os.getpid()
        pool = _POOLS.get(n_workers)
        if pool is None:
            pool = ProcessPoolExecutor(n_workers, mp_context=get_context("spawn"))
            _POOLS[n_workers] = pool
        return pool


def _drop(n_workers: int, pool: ProcessPoolExecutor) -> None:
    with _LOCK:
        if _POOLS.get(n_workers) is pool:
            del _POOLS[n_workers]
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    """Stop the worker processes (done automatically at exit)."""
    with _LOCK:
        pools = list(_POOLS.values()) if os.getpid() == _OWNER else []
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)


def map_chunks(
    func: Callable[..., list[R]],
    items: Sequence[T],
    *args: Any,
    workers: int | None = None,
) -> list[R]:
    """``func(items, *args)`` (one result per item, in order), in worker processes if many.

    ``func`` must be a module-level function (spawned workers import it by name) taking a list
    of items and the extra ``args`` and returning one result per item.

    >>> from custdata.normalize._phone_core import format_many
    >>> map_chunks(format_many, ["+79123456789"], workers=2)
    [('8 (912) 345-67-89', '+7 912 345-67-89')]
    """
    n_workers = worker_count(workers)
    if n_workers <= 1 or len(items) < POOL_MIN or os.getpid() in _BROKEN:
        return func(list(items), *args)
    size = -(-len(items) // (n_workers * CHUNKS_PER_WORKER))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    pool = _pool(n_workers)
    try:
        results = list(pool.map(func, chunks, *[[a] * len(chunks) for a in args]))
    except BrokenProcessPool:
        _BROKEN.add(os.getpid())
        _drop(n_workers, pool)
        return func(list(items), *args)
    return [row for chunk in results for row in chunk]
