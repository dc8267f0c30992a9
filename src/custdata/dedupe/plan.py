"""What a dedupe run uses: columns and their kinds, blocking rules, pair counts ("what I used").

A :class:`DedupePlan` is built after blocking, before any pair is scored. The CLI prints it as
one block on stderr before matching (``custdata dedupe ... --dry-run`` prints only that);
:func:`custdata.dedupe.plan` returns it without matching.

>>> p = DedupePlan(
...     columns=[ColumnUse("tel", "phone", "header", "phone")],
...     blocking={"phone": 12}, comparisons=["phone"], candidates=["client_no"], rows=100, records=100)
>>> print("\\n".join(p.lines()))
dedupe: 100 rows, 100 distinct records
  column tel: phone (from header)
  comparisons: phone
  blocking phone: 12 pairs
  candidate pairs: 12
  not used (looks like an identifier; name it as id=COLUMN to match on it): client_no
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from custdata.dedupe.diagnostics import Diagnostic


@dataclass(frozen=True)
class ColumnUse:
    """One input column in the run: its kind, how the kind was found, the key built from it.

    ``source``: ``named`` (by the user), ``header`` (detected from the column name),
    ``values`` (detected from the values) or ``rule`` (a match rule names it).
    """

    column: str
    kind: str
    source: str
    key: str
    #: What else to say about its use (e.g. an id unique per row: it names rows only).
    note: str = ""


@dataclass
class DedupePlan:
    """The columns, comparisons and blocking rules of a run, with the pairs each rule adds."""

    columns: list[ColumnUse] = field(default_factory=list)
    #: Blocking rule name -> pairs it adds (pairs of earlier rules are not counted again).
    blocking: dict[str, int] = field(default_factory=dict)
    comparisons: list[str] = field(default_factory=list)
    #: Unnamed columns that look like identifiers: reported, never guessed into a kind.
    candidates: list[str] = field(default_factory=list)
    rows: int = 0
    records: int = 0
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def pairs(self) -> int:
        """Candidate pairs of all rules together."""
        return sum(self.blocking.values())

    def lines(self) -> list[str]:
        """The plan as text lines (no customer values: column names, kinds, counts)."""
        out = [f"dedupe: {self.rows} rows, {self.records} distinct records"]
        for c in self.columns:
            note = f"; {c.note}" if c.note else ""
            out.append(f"  column {c.column}: {c.kind} (from {c.source}{note})")
        if self.comparisons:
            out.append(f"  comparisons: {', '.join(self.comparisons)}")
        for name, n in self.blocking.items():
            out.append(f"  blocking {name}: {n} pairs")
        out.append(f"  candidate pairs: {self.pairs}")
        for w in self.warnings:
            out.append(f"  warning: {w.message}")
        if self.candidates:
            out.append(
                "  not used (looks like an identifier; name it as id=COLUMN to match on it): "
                + ", ".join(self.candidates)
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (for JSON)."""
        return {
            "rows": self.rows,
            "records": self.records,
            "columns": [c.__dict__ for c in self.columns],
            "comparisons": self.comparisons,
            "blocking": self.blocking,
            "pairs": self.pairs,
            "candidates": self.candidates,
            "warnings": [w.to_dict() for w in self.warnings],
        }
