"""The whole ``custdata dedupe`` job in one call: find (or match a master), households, extra tables.

:func:`find` takes the options of the command as one :class:`FindOptions` and returns every
table the command can write (:class:`FindOutput`), so the CLI only reads, calls and writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from custdata.dedupe.config import DedupeConfig, load_config
from custdata.dedupe.core import DedupeResult, deduplicate
from custdata.dedupe.golden import golden_records
from custdata.dedupe.link import households as add_households
from custdata.dedupe.merges import master_match
from custdata.dedupe.plan import DedupePlan
from custdata.dedupe.report import pairs_report
from custdata.dedupe.review import review_pairs
from custdata.progress import ProgressCallback


@dataclass(frozen=True)
class FindOptions:
    """What to match on and which extra tables to build (the options of ``custdata dedupe``).

    ``columns``: kind -> column(s) (``{"phone": ["Телефон"]}``; default: detected). ``rules``,
    ``threshold``, ``config``, ``region``, ``fallback_region``: as in
    :func:`~custdata.dedupe.deduplicate`. ``households``: add a
    ``household_id``. ``golden`` (with ``date_column``), ``pairs``, ``review``: also build the
    golden records, the scored pairs and the borderline pairs to label.
    """

    columns: Mapping[str, str | list[str]] | None = None
    rules: Sequence[str] | None = None
    threshold: float | None = None
    config: str | None = None
    region: str | None = None
    fallback_region: str | None = None
    households: bool = False
    golden: bool = False
    date_column: str | None = None
    pairs: bool = False
    review: bool = False


@dataclass(frozen=True)
class FindOutput:
    """Every input row with ``cluster_id`` (``frame``) and the extra tables asked for.

    ``result`` is the full dedupe result (None when matching against a master table, which
    returns only the frame); ``pairs`` and ``review`` are None then too. Against a master,
    ``proposals`` holds the merge proposals, ``merges`` the accepted merges applied
    (``retired_id`` -> ``surviving_id``) and ``suppressed`` the proposals a reviewed file
    rejected (see :mod:`custdata.dedupe.merges`).
    """

    frame: pl.DataFrame
    result: DedupeResult | None = None
    golden: pl.DataFrame | None = None
    pairs: pl.DataFrame | None = None
    review: pl.DataFrame | None = None
    proposals: pl.DataFrame | None = None
    merges: pl.DataFrame | None = None
    suppressed: int = 0

    @property
    def people(self) -> int:
        """Distinct people (clusters)."""
        return self.frame["cluster_id"].n_unique() if self.frame.height else 0

    @property
    def duplicate_rows(self) -> int:
        """Rows whose person has more than one row."""
        if not self.frame.height:
            return 0
        return self.frame.filter(pl.len().over("cluster_id") > 1).height

    @property
    def households(self) -> int | None:
        """Distinct households, or None when households were not asked for."""
        if "household_id" not in self.frame.columns:
            return None
        return self.frame["household_id"].n_unique()


def find(
    frame: pl.DataFrame,
    options: FindOptions | None = None,
    *,
    labels: pl.DataFrame | None = None,
    master: pl.DataFrame | None = None,
    reviewed: pl.DataFrame | None = None,
    progress: ProgressCallback | None = None,
    on_plan: Callable[[DedupePlan], None] | None = None,
) -> FindOutput:
    """Find the records of the same person and build the tables ``options`` asks for.

    With ``master`` (an earlier result with ``cluster_id``), the rows are matched against it
    and keep its ids (:func:`~custdata.dedupe.master_match`: with merge proposals, and
    ``reviewed`` proposals applied); ``labels`` are labelled review
    pairs (see :mod:`custdata.dedupe.review`). ``progress`` receives the dedupe stages;
    ``on_plan`` what the run uses, before matching (:class:`~custdata.dedupe.DedupePlan`).
    The pairs table names records by their id column (:func:`~custdata.dedupe.pairs_report`).

    >>> df = pl.DataFrame({"email": ["Ivan.Petrov@gmail.com", "ivanpetrov@gmail.com", "olga@mail.ru"]})
    >>> out = find(df, FindOptions(rules=["email"], golden=True))
    >>> out.people, out.duplicate_rows, out.golden.height
    (2, 2, 2)
    """
    opts = options or FindOptions()
    rules = list(opts.rules) if opts.rules else None
    result = None
    matched = None
    if master is not None:
        matched = master_match(
            frame,
            master,
            columns=opts.columns,
            reviewed=reviewed,
            rules=rules,
            threshold=opts.threshold,
            config=opts.config,
            region=opts.region,
            fallback_region=opts.fallback_region,
        )
        out = matched.frame
    else:
        result = deduplicate(
            frame,
            columns=opts.columns,
            rules=rules,
            threshold=opts.threshold,
            config=opts.config,
            region=opts.region,
            fallback_region=opts.fallback_region,
            labels=labels,
            progress=progress,
            on_plan=on_plan,
        )
        out = result.frame
    if opts.households:
        out = add_households(out)
    golden = None
    if opts.golden:  # raw phones read as matching read them: the options, else the config's
        cfg = load_config(opts.config) if opts.config else DedupeConfig()
        golden = golden_records(
            out,
            date_column=opts.date_column,
            region=opts.region or cfg.region,
            fallback_region=opts.fallback_region or cfg.fallback_region,
        )
    return FindOutput(
        frame=out,
        result=result,
        golden=golden,
        pairs=pairs_report(result, frame) if result is not None and opts.pairs else None,
        review=review_pairs(result, frame) if result is not None and opts.review else None,
        proposals=matched.proposals if matched is not None else None,
        merges=matched.merges if matched is not None else None,
        suppressed=matched.suppressed if matched is not None else 0,
    )
