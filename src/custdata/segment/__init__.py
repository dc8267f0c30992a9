"""Segment customers: RFM scores and segments, rule-based segments, lifetime value, cohorts."""

from __future__ import annotations

from custdata.segment._prep import (
    describe_report,
    map_clusters,
    parse_amount,
    parse_date,
    prepare_transactions,
    transaction_report,
)
from custdata.segment.maps import (
    PRESETS,
    Segment,
    SegmentMap,
    assign_segment,
    load_segment_map,
    preset,
    segment_map_from_dict,
)
from custdata.segment.rfm import quantile_score, rfm, rfm_from_prepared, rfm_grid, segment_summary

__all__ = [
    "PRESETS",
    "Segment",
    "SegmentMap",
    "assign_segment",
    "describe_report",
    "load_segment_map",
    "map_clusters",
    "parse_amount",
    "parse_date",
    "prepare_transactions",
    "preset",
    "quantile_score",
    "rfm",
    "rfm_from_prepared",
    "rfm_grid",
    "segment_map_from_dict",
    "segment_summary",
    "transaction_report",
]
