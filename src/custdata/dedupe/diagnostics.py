"""Typed diagnostics of a dedupe run: what was skipped, split, fitted (never a customer value).

Every stage reports what it did as small frozen dataclasses. Each has a :attr:`kind`
(:class:`DiagnosticKind`), a human :attr:`message` and a :attr:`warning` flag (something the
user should act on: a skipped block, a cut cluster). :meth:`to_dict` gives the plain-dict form
for JSON.

>>> d = BlockSkipped(rule="phone", blocks=1, rows=3000, largest_block=3000, pairs_avoided=4498500,
...                  max_block_size=1000)
>>> d.kind, d.warning
(<DiagnosticKind.BLOCK_SKIPPED: 'block_skipped'>, True)
>>> d.message
'blocking rule phone: 1 key value(s) shared by more than 1000 rows (largest 3000) skipped; probably a placeholder value'
>>> d.to_dict()["largest_block"]
3000
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar


class DiagnosticKind(StrEnum):
    """What a diagnostic is about."""

    BLOCK_SKIPPED = "block_skipped"
    PAIR_BUDGET = "pair_budget"
    RULE = "rule"
    HOUSEHOLDS = "households"
    MODEL = "model"
    LABELS = "labels"
    OVERSIZED_CLUSTER = "oversized_cluster"
    SPLIT_CLUSTERS = "split_clusters"
    SECOND_LOOK = "second_look"


@dataclass(frozen=True)
class Diagnostic:
    """Base class of the typed diagnostics."""

    kind: ClassVar[DiagnosticKind]
    #: True when the user should act on it (shown as a warning by the CLI).
    warning: ClassVar[bool] = False

    @property
    def message(self) -> str:  # pragma: no cover - every subclass overrides it
        return self.kind.value

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form: ``kind``, the fields, ``message``."""
        return {"kind": self.kind.value, **dataclasses.asdict(self), "message": self.message}


@dataclass(frozen=True)
class BlockSkipped(Diagnostic):
    """A blocking rule's key values shared by too many rows (placeholders) were skipped."""

    kind: ClassVar[DiagnosticKind] = DiagnosticKind.BLOCK_SKIPPED
    warning: ClassVar[bool] = True
    rule: str
    blocks: int
    rows: int
    largest_block: int
    pairs_avoided: int
    max_block_size: int

    @property
    def message(self) -> str:
        return (
            f"blocking rule {self.rule}: {self.blocks} key value(s) shared by more than "
            f"{self.max_block_size} rows (largest {self.largest_block}) skipped; "
            "probably a placeholder value"
        )


@dataclass(frozen=True)
class PairBudget(Diagnostic):
    """All rules together exceeded ``max_pairs``: the largest blocks were skipped."""

    kind: ClassVar[DiagnosticKind] = DiagnosticKind.PAIR_BUDGET
    warning: ClassVar[bool] = True
    total: int
    budget: int
    blocks: int
    pairs_avoided: int
    largest_block: int

    @property
    def message(self) -> str:
        return (
            f"blocking would compare {self.total} pairs (budget {self.budget}); the {self.blocks} "
            "largest blocks were skipped: add more specific blocking rules or raise max_pairs"
        )


@dataclass(frozen=True)
class RulePairs(Diagnostic):
    """Pairs one blocking rule added (pairs of earlier rules are not counted again)."""

    kind: ClassVar[DiagnosticKind] = DiagnosticKind.RULE
    rule: str
    pairs: int

    @property
    def message(self) -> str:
        return f"blocking rule {self.rule}: {self.pairs} new pairs"


@dataclass(frozen=True)
class Households(Diagnostic):
    """How many contact-sharing candidate pairs look like relatives, and what that implies."""

    kind: ClassVar[DiagnosticKind] = DiagnosticKind.HOUSEHOLDS
    relatives_share: float
    strict: bool
    patronymic_only: bool

    @property
    def message(self) -> str:
        if self.strict:
            tail = "a shared phone/address is treated as weak evidence"
        elif not self.patronymic_only:
            tail = "contacts are treated as personal"
        else:
            tail = "no relatives to tell apart, so only the patronymic rule"
        return (
            f"{self.relatives_share:.1%} of candidate pairs sharing a contact look like "
            f"relatives: {tail}"
        )


@dataclass(frozen=True)
class ModelFitted(Diagnostic):
    """The fitted Fellegi-Sunter parameters (m, u, lambda, prior)."""

    kind: ClassVar[DiagnosticKind] = DiagnosticKind.MODEL
    parameters: dict[str, Any] = field(default_factory=dict)
    identical_pairs: int = 0

    @property
    def message(self) -> str:
        return (
            f"model fitted in {self.parameters.get('iterations', 0)} EM iterations; "
            f"{self.identical_pairs} identical rows"
        )


@dataclass(frozen=True)
class LabelsApplied(Diagnostic):
    """Labelled pairs forced and the threshold moved between them."""

    kind: ClassVar[DiagnosticKind] = DiagnosticKind.LABELS
    pairs: int
    matches: int
    threshold: float
    previous: float

    @property
    def message(self) -> str:
        return (
            f"{self.pairs} labelled pairs applied; threshold {self.previous:g} -> "
            f"{self.threshold:g}"
        )


@dataclass(frozen=True)
class OversizedCluster(Diagnostic):
    """Groups bigger than ``max_cluster_size`` were cut at their weakest links."""

    kind: ClassVar[DiagnosticKind] = DiagnosticKind.OVERSIZED_CLUSTER
    warning: ClassVar[bool] = True
    components: int
    largest: int
    max_cluster_size: int

    @property
    def message(self) -> str:
        return (
            f"{self.components} group(s) of more than {self.max_cluster_size} records "
            f"(largest {self.largest}) were cut at their weakest links; "
            "check the blocking keys for placeholder values"
        )


@dataclass(frozen=True)
class SplitClusters(Diagnostic):
    """Groups whose records did not all match each other, and how many were split."""

    kind: ClassVar[DiagnosticKind] = DiagnosticKind.SPLIT_CLUSTERS
    components: int
    split: int

    @property
    def message(self) -> str:
        return (
            f"{self.components} group(s) linked records that do not all match each other "
            f"(e.g. relatives sharing a phone); {self.split} were split into several people"
        )


@dataclass(frozen=True)
class SecondLook(Diagnostic):
    """Near-certain pairs a split left apart, and the records moved to where they belong."""

    kind: ClassVar[DiagnosticKind] = DiagnosticKind.SECOND_LOOK
    pairs: int
    moved: int

    @property
    def message(self) -> str:
        return (
            f"{self.pairs} near-certain pair(s) were left apart by a split; on a second look "
            f"{self.moved} record(s) moved to the group their evidence points to"
        )
