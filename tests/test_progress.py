"""Progress: the library reports stages through a callback; the CLI draws them only for a person."""

from __future__ import annotations

import io

import polars as pl
from rich.console import Console

from custdata.cleaning import clean
from custdata.dedupe.job import FindOptions, find
from custdata.normalize.auto import normalize_all
from custdata.progress import ProgressEvent

CRM = pl.DataFrame(
    {
        "ФИО": ["Иванов Иван Иванович", "ИВАНОВ ИВАН", "Петрова Анна"],
        "Телефон": ["8 (912) 345-67-89", "+79123456789", "нет"],
        "Эл. почта": ["ivan@mail.ru", "IVAN@MAIL.RU", "anna@yandex.ru"],
    }
)


def test_normalize_all_reports_each_kind_in_order() -> None:
    seen: list[ProgressEvent] = []
    normalize_all(CRM, progress=seen.append)
    assert [e.detail for e in seen[:-1]] == ["phone", "email", "full_name"]
    assert [(e.done, e.total) for e in seen] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert {e.stage for e in seen} == {"normalizing"}


def test_clean_reports_the_stages_with_counts_and_same_result() -> None:
    seen: list[ProgressEvent] = []
    with_progress = clean(CRM, progress=seen.append)
    stages = list(dict.fromkeys(e.stage for e in seen))
    assert stages == ["normalizing", "preparing", "blocking", "comparing", "scoring", "clustering", "golden"]
    scoring = [e for e in seen if e.stage == "scoring"]
    assert scoring[-1].done == scoring[-1].total and scoring[-1].unit == "pairs"
    assert with_progress.frame.equals(clean(CRM).frame)


def test_events_never_carry_customer_values() -> None:
    seen: list[ProgressEvent] = []
    find(CRM, FindOptions(golden=True), progress=seen.append)
    text = " ".join(f"{e.stage} {e.detail} {e.unit}" for e in seen)
    assert "Иван" not in text and "Телефон" not in text and "mail" not in text


def test_cli_draws_stages_on_a_terminal_only() -> None:
    from custdata.cli._common import stages

    buffer = io.StringIO()
    terminal = Console(file=buffer, force_terminal=True, width=100)
    with stages(to=terminal) as on_progress:
        assert on_progress is not None
        on_progress(ProgressEvent("blocking", 0, 10, "rows"))
        on_progress(ProgressEvent("scoring", 40, 80, "pairs"))
    drawn = buffer.getvalue()
    assert "blocking" in drawn and "scoring" in drawn and "80/80" in drawn and "10/10" in drawn
    with stages(quiet=True) as none:  # -q (and a non-terminal stderr under pytest): nothing
        assert none is None
