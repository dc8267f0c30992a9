"""Segment customers: RFM scores and segments, rule-based segments, lifetime value, cohorts.

>>> import polars as pl
>>> from custdata import segment
>>> tx = pl.DataFrame({"c": ["a", "a", "b"], "d": ["2024-01-01", "2024-02-01", "2024-01-15"],
...                    "s": [10.0, 20.0, 5.0]})
>>> segment.rfm(tx, customer="c", date="d", amount="s")["rfm_segment"].to_list()
['Need Attention', 'Hibernating']
"""

from __future__ import annotations

from custdata.segment._prep import (
    ROW_STATUSES,
    describe_report,
    guess_column,
    map_clusters,
    parse_amount,
    parse_date,
    prepare_transactions,
    report_from_counts,
    transaction_exceptions,
    transaction_report,
)
from custdata.segment.cohorts import cohorts, retention_matrix
from custdata.segment.lifetime_value import (
    BGNBDParams,
    GammaGammaParams,
    clv,
    expected_order_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    historical_value,
    probability_alive,
    rows_after,
    summary_data,
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
from custdata.segment.report import html_report
from custdata.segment.rfm_model import (
    quantile_score,
    rfm,
    rfm_from_prepared,
    rfm_grid,
    rfm_with_report,
    segment_summary,
)
from custdata.segment.rules import (
    Rule,
    RuleSet,
    apply_rules,
    customer_fields,
    load_rules,
    rules_from_dict,
)

__all__ = [
    "PRESETS",
    "ROW_STATUSES",
    "BGNBDParams",
    "GammaGammaParams",
    "Rule",
    "RuleSet",
    "Segment",
    "SegmentMap",
    "apply_rules",
    "assign_segment",
    "clv",
    "rows_after",
    "cohorts",
    "customer_fields",
    "describe_report",
    "expected_order_value",
    "expected_purchases",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "guess_column",
    "historical_value",
    "html_report",
    "load_rules",
    "load_segment_map",
    "map_clusters",
    "parse_amount",
    "parse_date",
    "prepare_transactions",
    "transaction_exceptions",
    "preset",
    "probability_alive",
    "quantile_score",
    "report_from_counts",
    "retention_matrix",
    "rfm",
    "rfm_from_prepared",
    "rfm_grid",
    "rfm_with_report",
    "rules_from_dict",
    "segment_map_from_dict",
    "segment_summary",
    "summary_data",
    "transaction_report",
]
