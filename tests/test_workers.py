"""The one worker-pool helper: spawn, one threshold, reused across calls, same results."""

from __future__ import annotations

import warnings

import polars as pl
import pytest

import custdata._workers as workers_module
from custdata._workers import check_workers, map_chunks, worker_count
from custdata.errors import InvalidOption
from custdata.normalize import emails, phones
from custdata.normalize._email_worker import validate_many
from custdata.normalize._phone_core import format_many


def test_workers_option_is_checked_everywhere() -> None:
    frame = pl.DataFrame({"e": ["a@b.ru"], "p": ["+79123456789"]})
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(InvalidOption, match="workers"):
            check_workers(bad)
        with pytest.raises(InvalidOption, match="workers"):
            emails(frame, "e", workers=bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidOption, match="workers"):
            phones(frame, "p", workers=bad)  # type: ignore[arg-type]
    assert worker_count(1) == 1 and 1 <= worker_count(None) <= 2


def test_pool_is_spawned_once_and_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers_module, "POOL_MIN", 4)
    numbers = [f"+7912345{i:04d}" for i in range(40)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fork warning, nothing suppressed
        first = map_chunks(format_many, numbers, workers=2)
        pool = workers_module._POOLS[2]
        second = map_chunks(format_many, numbers, workers=2)
    assert workers_module._POOLS[2] is pool  # the same processes served both calls
    assert pool._mp_context.get_start_method() == "spawn"
    assert first == second == format_many(numbers)


def test_below_the_threshold_no_pool_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers_module, "_POOLS", {})
    texts = ["ivan@почта.рф", "bad@"]
    assert map_chunks(validate_many, texts, True, workers=2) == validate_many(texts, True)
    assert workers_module._POOLS == {}


def test_emails_with_workers_match_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers_module, "POOL_MIN", 10)
    values = [f"Ivan{i}@пример.рф" for i in range(60)] + ["нет", None, "a@"]
    frame = pl.DataFrame({"e": values})
    assert emails(frame, "e", workers=2).equals(emails(frame, "e", workers=1))
