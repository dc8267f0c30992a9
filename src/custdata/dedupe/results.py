"""What the dedupe stages hand each other: the prepared records, the scored pairs, the result.

The stage functions are in :mod:`custdata.dedupe.stages` (which re-exports these classes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from custdata.dedupe.config import DedupeConfig
from custdata.dedupe.diagnostics import Diagnostic
from custdata.dedupe.model import FellegiSunter
from custdata.dedupe.plan import DedupePlan
from custdata.dedupe.records import Records
from custdata.dedupe.scoring import Scorer

#: Output columns added to every input row.
CLUSTER_ID, MATCH_SCORE = "cluster_id", "match_score"


@dataclass
class DedupeResult:
    """Everything a dedupe run found.

    ``frame``: the input rows (same order) + ``cluster_id``, ``match_score``, ``match_reason``.
    ``pairs``: scored candidate pairs (original row numbers ``row_l < row_r``), with the level,
    label and weight of each comparison, ``match_probability``, ``distinct`` (a distinct rule
    forbids the pair), ``rule`` (match rule that fired) and ``same_cluster``.
    ``diagnostics``: typed diagnostics (:mod:`custdata.dedupe.diagnostics`), never customer values.
    """

    frame: pl.DataFrame
    pairs: pl.DataFrame
    diagnostics: list[Diagnostic] = field(default_factory=list)
    model: FellegiSunter | None = None
    config: DedupeConfig | None = None
    #: What the run used (columns, kinds, blocking rules, pair counts).
    plan: DedupePlan | None = None
    #: The prepare stage (key frame), for explanations of pairs.
    prepared: Prepared | None = None
    #: Scores any pair the way the run did (for explanations of pairs never compared).
    scorer: Scorer | None = None

    def summary(self) -> dict[str, int]:
        """Rows, clusters, rows that have a duplicate, and candidate pairs.

        >>> df = pl.DataFrame({"email": ["a@x.ru", "A@x.ru", "b@y.ru"]})
        >>> from custdata.dedupe import deduplicate
        >>> deduplicate(df, columns={"email": "email"}, rules="email").summary()
        {'rows': 3, 'clusters': 2, 'duplicate_rows': 2, 'pairs': 1}
        """
        f = self.frame
        dup = f.filter(pl.len().over(CLUSTER_ID) > 1).height if f.height else 0
        return {
            "rows": f.height,
            "clusters": f[CLUSTER_ID].n_unique() if f.height else 0,
            "duplicate_rows": dup,
            "pairs": self.pairs.height,
        }


@dataclass
class Prepared:
    """The prepare stage: match keys of each distinct record, in content order.

    ``keys``: one row per record, ``_row`` = internal id (0..n-1), one key column per field.
    ``records``: how records map to input rows. ``link_split``: first internal id of the
    second table when linking, else None.
    """

    keys: pl.DataFrame
    records: Records
    link_split: int | None = None
    #: Kind -> input columns used.
    columns: dict[str, list[str]] = field(default_factory=dict)
    #: Input column -> how its kind was found: ``named``, ``header``, ``values`` or ``rule``.
    sources: dict[str, str] = field(default_factory=dict)
    #: Input column -> the key column built from it (rules may name input columns).
    aliases: dict[str, str] = field(default_factory=dict)
    #: Unnamed columns that look like identifiers (reported, not used).
    candidates: list[str] = field(default_factory=list)
    #: Named ``id`` columns whose values are unique per record: they name rows (``--pairs``,
    #: ``explain``) but are never compared or blocked on (they could only ever disagree).
    row_ids: list[str] = field(default_factory=list)

    def keys_of_kind(self, *kinds: str) -> list[str]:
        """Key columns built from input columns of these kinds (e.g. ``"id", "other"``)."""
        return [
            self.aliases[c]
            for k in kinds
            for c in self.columns.get(k, [])
            if self.aliases.get(c) in self.keys.columns
        ]

    @property
    def n(self) -> int:
        """Number of distinct records."""
        return self.keys.height


@dataclass
class ScoredPairs:
    """Stage 4: every compared pair with its score, and what produced it.

    ``frame``: ``row_l``, ``row_r`` (internal ids), the level columns, ``match_weight``,
    ``match_probability``, ``distinct``, ``rule`` (match rule or label), ``veto`` (distinct rule).
    ``scorer`` scores any other pair the same way (clustering needs it).
    """

    frame: pl.DataFrame
    scorer: Scorer
    model: FellegiSunter
    threshold: float
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def levels(self) -> pl.DataFrame:
        """The level columns only."""
        return self.frame.select([c.output for c in self.scorer.cset.comparisons])
