"""Dedupe: find the records that are the same person, build golden records, link tables.

>>> import polars as pl
>>> from custdata import dedupe
>>> df = pl.DataFrame({"email": ["Ivan.Petrov@gmail.com", "ivanpetrov@gmail.com", "olga@mail.ru"]})
>>> dedupe.find_duplicates(df, rules="email")["cluster_id"].n_unique()
2
"""

from __future__ import annotations

from custdata.dedupe.blocking import BlockingResult, BlockingRule, block_on, default_blocking_rules
from custdata.dedupe.clustering import Clusters
from custdata.dedupe.comparison import (
    AddressComparison,
    Comparison,
    DateComparison,
    EmailComparison,
    ExactMatch,
    IdComparison,
    JaroWinklerAtThresholds,
    NameComparison,
    OrgNameComparison,
    PhoneComparison,
    TaxIdComparison,
)
from custdata.dedupe.config import DedupeConfig, load_config
from custdata.dedupe.core import deduplicate, find_duplicates, plan
from custdata.dedupe.diagnostics import Diagnostic, DiagnosticKind
from custdata.dedupe.evaluate import blocking_recall, error_pairs, evaluate
from custdata.dedupe.golden import golden_records
from custdata.dedupe.link import households, link, match_master
from custdata.dedupe.memory import NotEnoughMemory, check_memory, estimate_memory
from custdata.dedupe.merges import MasterMatch, apply_merges, master_match, parse_decisions
from custdata.dedupe.plan import ColumnUse, DedupePlan
from custdata.dedupe.records import record_keys
from custdata.dedupe.report import explain, explain_lines, pairs_report
from custdata.dedupe.review import parse_labels, review_pairs
from custdata.dedupe.rules import And, Exact, Fuzzy, Level, Not, Or, Rule, YearsApart, parse_rule
from custdata.dedupe.stages import (
    DedupeResult,
    Prepared,
    ScoredPairs,
    assign,
    block,
    cluster_records,
    compare,
    comparison_set,
    prepare_records,
    score,
)

__all__ = [
    "AddressComparison",
    "OrgNameComparison",
    "And",
    "BlockingResult",
    "BlockingRule",
    "Clusters",
    "ColumnUse",
    "Comparison",
    "DateComparison",
    "DedupeConfig",
    "DedupePlan",
    "DedupeResult",
    "Diagnostic",
    "DiagnosticKind",
    "EmailComparison",
    "Exact",
    "ExactMatch",
    "IdComparison",
    "TaxIdComparison",
    "Fuzzy",
    "JaroWinklerAtThresholds",
    "Level",
    "NameComparison",
    "Not",
    "Or",
    "PhoneComparison",
    "Prepared",
    "Rule",
    "ScoredPairs",
    "assign",
    "block",
    "block_on",
    "blocking_recall",
    "cluster_records",
    "compare",
    "comparison_set",
    "deduplicate",
    "default_blocking_rules",
    "error_pairs",
    "evaluate",
    "explain",
    "explain_lines",
    "find_duplicates",
    "golden_records",
    "households",
    "link",
    "load_config",
    "match_master",
    "estimate_memory",
    "check_memory",
    "NotEnoughMemory",
    "master_match",
    "MasterMatch",
    "apply_merges",
    "parse_decisions",
    "pairs_report",
    "parse_labels",
    "parse_rule",
    "plan",
    "prepare_records",
    "record_keys",
    "review_pairs",
    "score",
    "YearsApart",
]
