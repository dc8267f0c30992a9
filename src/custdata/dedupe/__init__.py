"""Dedupe: find the records that are the same person, build golden records, link tables.

>>> import polars as pl
>>> from custdata import dedupe
>>> df = pl.DataFrame({"email": ["Ivan.Petrov@gmail.com", "ivanpetrov@gmail.com", "olga@mail.ru"]})
>>> dedupe.find_duplicates(df, rules="email")["cluster_id"].n_unique()
2
"""

from __future__ import annotations

from custdata.dedupe.blocking import BlockingRule, block_on, default_blocking_rules
from custdata.dedupe.comparison import (
    AddressComparison,
    Comparison,
    DateComparison,
    EmailComparison,
    ExactMatch,
    JaroWinklerAtThresholds,
    NameComparison,
    PhoneComparison,
)
from custdata.dedupe.config import DedupeConfig, load_config
from custdata.dedupe.core import DedupeResult, deduplicate, find_duplicates, record_keys
from custdata.dedupe.evaluate import evaluate
from custdata.dedupe.golden import golden_records
from custdata.dedupe.link import households, link, match_master
from custdata.dedupe.review import parse_labels, review_pairs
from custdata.dedupe.rules import And, Exact, Fuzzy, Level, Not, Or, Rule, YearsApart, parse_rule

__all__ = [
    "AddressComparison",
    "And",
    "BlockingRule",
    "Comparison",
    "DateComparison",
    "DedupeConfig",
    "DedupeResult",
    "EmailComparison",
    "Exact",
    "ExactMatch",
    "Fuzzy",
    "JaroWinklerAtThresholds",
    "Level",
    "NameComparison",
    "Not",
    "Or",
    "PhoneComparison",
    "Rule",
    "block_on",
    "deduplicate",
    "default_blocking_rules",
    "evaluate",
    "find_duplicates",
    "golden_records",
    "households",
    "link",
    "load_config",
    "match_master",
    "parse_labels",
    "parse_rule",
    "record_keys",
    "review_pairs",
    "YearsApart",
]
