"""Merge proposals against a master table: a new record that bridges two master clusters.

:func:`~custdata.dedupe.match_master` never merges or renames master clusters. When a new
record matches two (or more) of them above the threshold, the master probably holds one person
under two ids; :func:`master_match` says so with a **merge proposal** per pair of master ids,
for a person to review:

* ``proposal_id``: derived from the two master ids only (the same on every run and in any row
  order, whichever id is kept);
* ``decision``: empty, for the reviewer (``accept``/``reject``; ``yes``/``no``, ``да``/``нет``,
  ``1``/``0``: the words of :mod:`custdata.yesno`);
* ``master_id_keep`` / ``master_id_retire``: the id that survives is the smaller of the two
  (string order), so the surviving id does not depend on the night or the row order; a
  reviewer may swap the two ids to keep the other one;
* the bridging record (``record_key``: a key of its content, as in review files;
  ``record_row``: its 1-based row in the new input; ``bridges``: how many new rows bridge the
  pair, the strongest one shown), its match probability and the fields that agreed
  (``reason_*``, as ``match_reason``) with each master cluster, the 1-based rows of the
  master it matched (``master_row_*``), and the values of the fields compared
  (``<column>_new``, ``<column>_keep``, ``<column>_retire``).

The bridging record itself gets one ``cluster_id``, its best match's, as before.

Given back as ``reviewed=`` (CLI: ``--accept-proposals FILE``), accepted proposals are applied
before matching: every master row of a retired id is re-pointed to the surviving id (the old id
kept in ``merged_from``), so new rows get the surviving id too, and :attr:`MasterMatch.merges`
maps each retired id to its surviving id (chains A→B, B→C resolve to C) for a CRM to remap.
Rejected pairs are never proposed again while the reviewed file is given. Conflicting decisions
(one id retired into two, a cycle, a rejected pair that accepted merges join) and a surviving
id the master does not know are errors (never showing a customer value); a retired id the
master no longer holds was merged before, so the same reviewed file can be given every night.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from custdata.dedupe.core import CLUSTER_ID, DedupeResult
from custdata.dedupe.link import MERGED_FROM, match_master_result
from custdata.dedupe.records import record_keys, stable_id
from custdata.dedupe.scoring import reason
from custdata.errors import InvalidOption, require_columns
from custdata.yesno import NO, YES

__all__ = [
    "MERGED_FROM",
    "MasterMatch",
    "apply_merges",
    "master_match",
    "merge_proposal_id",
    "parse_decisions",
    "resolve_merges",
]

PROPOSAL_ID, DECISION = "proposal_id", "decision"
KEEP, RETIRE = "master_id_keep", "master_id_retire"
#: Words of an accepted / a rejected proposal: the shared yes/no words plus these.
ACCEPT: frozenset[str] = YES | {"accept", "accepted", "approve", "approved", "merge", "ok"}
REJECT: frozenset[str] = NO | {"reject", "rejected", "decline", "declined", "-"}

_PROPOSAL_SCHEMA = {
    PROPOSAL_ID: pl.String,
    DECISION: pl.String,
    KEEP: pl.String,
    RETIRE: pl.String,
    "record_key": pl.String,
    "record_row": pl.UInt32,
    "probability_keep": pl.Float64,
    "probability_retire": pl.Float64,
    "reason_keep": pl.String,
    "reason_retire": pl.String,
    "bridges": pl.UInt32,
    "master_row_keep": pl.UInt32,
    "master_row_retire": pl.UInt32,
}
_MERGE_SCHEMA = {
    "retired_id": pl.String,
    "surviving_id": pl.String,
    PROPOSAL_ID: pl.String,
    "master_rows": pl.UInt32,
}
_DECISION_SCHEMA = {
    PROPOSAL_ID: pl.String,
    KEEP: pl.String,
    RETIRE: pl.String,
    "accept": pl.Boolean,
    "line": pl.UInt32,
}


@dataclass(frozen=True)
class MasterMatch:
    """What a run against a master found (see the module docstring).

    ``frame``: the new rows with ``cluster_id``, ``match_score``, ``match_reason``.
    ``master``: the master rows with accepted merges applied (``merged_from``: the id a
    re-pointed row had before). ``proposals``: one merge proposal per pair of master ids.
    ``merges``: ``retired_id``, ``surviving_id``, ``proposal_id``, ``master_rows`` (master rows
    re-pointed now). ``suppressed``: proposals left out because the reviewed file rejects them.
    """

    frame: pl.DataFrame
    master: pl.DataFrame
    proposals: pl.DataFrame
    merges: pl.DataFrame
    suppressed: int = 0

    @property
    def bridging_rows(self) -> int:
        """New rows that match two or more master clusters (distinct rows, not proposals)."""
        return int(self.proposals["bridges"].sum()) if self.proposals.height else 0


def merge_proposal_id(a: str, b: str) -> str:
    """The id of the proposal to merge master ids ``a`` and ``b`` (either order).

    >>> merge_proposal_id("c1", "c2") == merge_proposal_id("c2", "c1")
    True
    >>> merge_proposal_id("c1", "c2")
    'p7be792c4adc82f81'
    """
    lo, hi = sorted((str(a), str(b)))
    return "p" + stable_id(f"{lo}\x1f{hi}")[1:]


def master_match(
    new: pl.DataFrame,
    master: pl.DataFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    reviewed: pl.DataFrame | None = None,
    **options,
) -> MasterMatch:
    """Match ``new`` against ``master`` (:func:`~custdata.dedupe.match_master`), with merge proposals.

    ``reviewed``: an earlier proposals table with its ``decision`` column filled in: accepted
    merges are applied to the master first, rejected pairs are not proposed again. Other
    options go to the dedupe (``rules``, ``threshold``, ...).

    >>> master = pl.DataFrame({"cluster_id": ["cA", "cB"],
    ...                        "email": ["ivan@mail.ru", None], "phone": [None, "+79123456789"]})
    >>> new = pl.DataFrame({"email": ["ivan@mail.ru"], "phone": ["89123456789"]})
    >>> m = master_match(new, master, rules=["email", "phone"])
    >>> m.proposals.select("master_id_keep", "master_id_retire", "reason_keep").rows()
    [('cA', 'cB', 'rule:email')]
    >>> accepted = m.proposals.with_columns(decision=pl.lit("accept"))
    >>> again = master_match(new, master, rules=["email", "phone"], reviewed=accepted)
    >>> again.master["cluster_id"].to_list(), again.merges["retired_id"].to_list(), again.proposals.height
    (['cA', 'cA'], ['cB'], 0)
    """
    require_columns(master.columns, [CLUSTER_ID])
    decisions = parse_decisions(reviewed) if reviewed is not None else _empty(_DECISION_SCHEMA)
    merges = resolve_merges(decisions, master)
    merged = apply_merges(master, merges)
    frame, res = match_master_result(new, merged, columns=columns, **options)
    proposals = _proposals(res, merged, new)
    rejected = _rejected_pairs(decisions, merges, master)
    kept = proposals.filter(
        ~pl.concat_str([pl.col(KEEP), pl.col(RETIRE)], separator="\x1f").is_in(sorted(rejected))
        & ~pl.concat_str([pl.col(RETIRE), pl.col(KEEP)], separator="\x1f").is_in(sorted(rejected))
    )
    return MasterMatch(
        frame=frame,
        master=merged,
        proposals=kept,
        merges=merges,
        suppressed=proposals.height - kept.height,
    )


def _empty(schema: dict) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def _proposals(res: DedupeResult, master: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """One proposal per pair of master ids that a new record matches both of."""
    n_master = master.height
    prepared = res.prepared
    if prepared is None or res.config is None or not n_master or n_master == res.frame.height:
        return _empty(_PROPOSAL_SCHEMA)
    threshold = res.config.threshold
    inv = prepared.records.inverse
    rows = pl.DataFrame({"row": pl.int_range(inv.len(), dtype=pl.UInt32, eager=True), "rec": inv})
    rec_mid = (
        rows.head(n_master)
        .with_columns(master[CLUSTER_ID].cast(pl.String).alias("mid"))
        .filter(pl.col("mid").is_not_null())
        .group_by("rec", "mid")
        .agg(pl.col("row").min().alias("mrow"))
    )
    new_rows = rows.slice(n_master)
    hits = res.pairs.filter((pl.col("match_probability") >= threshold) & ~pl.col("distinct"))
    why = _reasons(res, hits)
    hits = hits.select(
        inv.gather(hits["row_l"]).alias("a"),
        inv.gather(hits["row_r"]).alias("b"),
        pl.col("match_probability").alias("p"),
        why.alias("why"),
    )
    links = pl.concat(
        [
            hits,
            hits.select(pl.col("b").alias("a"), pl.col("a").alias("b"), "p", "why"),
            # a new row identical to a master row is that master row's record
            new_rows.select(
                pl.col("rec").alias("a"),
                pl.col("rec").alias("b"),
                pl.lit(1.0).alias("p"),
                pl.lit("identical").alias("why"),
            ).unique(),
        ]
    )
    best = (
        new_rows.join(links, left_on="rec", right_on="a")
        .join(rec_mid, left_on="b", right_on="rec")
        .sort(["row", "mid", "p", "b"], descending=[False, False, True, False])
        .unique(["row", "mid"], keep="first")
        .filter(pl.len().over("row") >= 2)
        .select("row", "mid", "p", "why", "mrow")
    )
    keys = record_keys(_plain(new))
    both = best.join(best, on="row", suffix="_r").filter(pl.col("mid") < pl.col("mid_r"))
    both = both.with_columns(
        pl.Series("record_key", keys.gather(both["row"] - n_master), dtype=pl.String)
    )
    ranked = both.with_columns(
        pl.min_horizontal("p", "p_r").alias("_weak"),
        (pl.col("p") + pl.col("p_r")).alias("_sum"),
        pl.len().over("mid", "mid_r").cast(pl.UInt32).alias("bridges"),
    ).sort(
        ["mid", "mid_r", "_weak", "_sum", "record_key", "row"],
        descending=[False, False, True, True, False, False],
    )
    top = ranked.unique(["mid", "mid_r"], keep="first").sort("mid", "mid_r")
    out = top.select(
        pl.struct("mid", "mid_r")
        .map_elements(lambda s: merge_proposal_id(s["mid"], s["mid_r"]), return_dtype=pl.String)
        .alias(PROPOSAL_ID),
        pl.lit(None, dtype=pl.String).alias(DECISION),
        pl.col("mid").alias(KEEP),
        pl.col("mid_r").alias(RETIRE),
        "record_key",
        (pl.col("row") - n_master + 1).cast(pl.UInt32).alias("record_row"),
        pl.col("p").round(6).alias("probability_keep"),
        pl.col("p_r").round(6).alias("probability_retire"),
        pl.col("why").alias("reason_keep"),
        pl.col("why_r").alias("reason_retire"),
        "bridges",
        (pl.col("mrow") + 1).cast(pl.UInt32).alias("master_row_keep"),
        (pl.col("mrow_r") + 1).cast(pl.UInt32).alias("master_row_retire"),
    )
    return pl.concat([out, _evidence(res, prepared, top)], how="horizontal")


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """The input columns of a frame (without what a dedupe run adds)."""
    from custdata.dedupe.core import MATCH_REASON, MATCH_SCORE

    own = (CLUSTER_ID, MATCH_SCORE, MATCH_REASON, MERGED_FROM)
    return frame.drop([c for c in own if c in frame.columns])


def _reasons(res: DedupeResult, hits: pl.DataFrame) -> pl.Series:
    """``match_reason`` of each pair of the pairs table (the rule, or the fields that agree)."""
    if res.scorer is None:
        return pl.Series("why", [None] * hits.height, dtype=pl.String)
    cset = res.scorer.cset
    levels = hits.select(pl.col(f"{c.output}_level").alias(c.output) for c in cset.comparisons)
    return reason(cset, levels, hits["rule"]).alias("why")


def _evidence(res: DedupeResult, prepared, top: pl.DataFrame) -> pl.DataFrame:
    """The values of the fields compared: bridging record, kept and retired master rows."""
    used = {c for cols in prepared.columns.values() for c in cols}
    stacked = res.frame
    names = [c for c in stacked.columns if c in used]
    parts = []
    for suffix, col in (("new", "row"), ("keep", "mrow"), ("retire", "mrow_r")):
        picked = (
            stacked.select(names)[top[col].to_list()]
            if top.height
            else stacked.select(names).clear()
        )
        parts.append(picked.select(pl.all().cast(pl.String).name.suffix(f"_{suffix}")))
    return pl.concat(parts, how="horizontal")


def parse_decisions(reviewed: pl.DataFrame) -> pl.DataFrame:
    """``proposal_id``, the two ids, ``accept`` (bool) and ``line`` of each decided proposal.

    Undecided rows (empty ``decision``) are skipped. A decision that is not a yes/no word, a
    missing id, or ids that do not match the ``proposal_id`` are errors naming the row (1-based,
    after the header), never its values.

    >>> parse_decisions(pl.DataFrame({"proposal_id": [merge_proposal_id("c1", "c2")] * 2,
    ...     "master_id_keep": ["c1", "c1"], "master_id_retire": ["c2", "c2"],
    ...     "decision": ["да", None]})).select("master_id_keep", "accept").rows()
    [('c1', True)]
    """
    require_columns(reviewed.columns, [PROPOSAL_ID, KEEP, RETIRE, DECISION])
    dec = (
        reviewed.select(
            pl.col(PROPOSAL_ID).cast(pl.String).str.strip_chars(),
            pl.col(KEEP).cast(pl.String).str.strip_chars(),
            pl.col(RETIRE).cast(pl.String).str.strip_chars(),
            pl.col(DECISION).cast(pl.String).str.strip_chars().str.to_lowercase(),
        )
        .with_row_index("line", offset=1)
        .filter(pl.col(DECISION).is_not_null() & (pl.col(DECISION) != ""))
    )
    words = sorted(ACCEPT | REJECT)
    for line, pid, keep, retire, decision in dec.select(
        "line", PROPOSAL_ID, KEEP, RETIRE, DECISION
    ).iter_rows():
        where = f"proposals file row {line}"
        if decision not in words:
            raise InvalidOption(
                f"{where}: unknown decision; use accept or reject (yes/no, да/нет, 1/0) "
                "or leave it empty"
            )
        if not keep or not retire or not pid:
            raise InvalidOption(f"{where}: a master id or the proposal_id is empty")
        if keep == retire:
            raise InvalidOption(f"{where}: the kept and the retired master id are the same")
        if pid != merge_proposal_id(keep, retire):
            raise InvalidOption(
                f"{where}: proposal_id does not belong to its two master ids; edit only the "
                "decision column (or swap the two ids to keep the other one)"
            )
    out = dec.select(
        PROPOSAL_ID, KEEP, RETIRE, pl.col(DECISION).is_in(sorted(ACCEPT)).alias("accept"), "line"
    ).cast({"line": pl.UInt32})
    clash = out.group_by(PROPOSAL_ID).agg(
        pl.col("accept").n_unique().alias("n"), pl.col("line").min().alias("first")
    )
    clash = clash.filter(pl.col("n") > 1)
    if clash.height:
        first_row = int(clash.select(pl.col("first").min()).item())
        raise InvalidOption(
            f"proposals file row {first_row}: the same proposal is both accepted "
            "and rejected in the file; keep one decision per proposal"
        )
    return out


def resolve_merges(decisions: pl.DataFrame, master: pl.DataFrame) -> pl.DataFrame:
    """Accepted proposals as ``retired_id`` -> final ``surviving_id`` (chains followed).

    ``decisions`` is :func:`parse_decisions`' output; ``master`` the master table: its
    ``cluster_id`` values are the known ids, and its ``merged_from`` values say where ids
    retired on an earlier run went. A retired id the master no longer holds was merged before
    (``master_rows`` 0: nothing to re-point; its ``proposal_id`` guards against a mistyped id).
    An id retired into two different ids, a cycle, and a surviving id the master does not know
    are errors.

    >>> d = pl.DataFrame({"proposal_id": ["p1", "p2"], "master_id_keep": ["b", "c"],
    ...                   "master_id_retire": ["a", "b"], "accept": [True, True], "line": [1, 2]})
    >>> resolve_merges(d, pl.DataFrame({"cluster_id": ["a", "b", "c"]})).rows()
    [('a', 'c', 'p1', 1), ('b', 'c', 'p2', 1)]
    """
    require_columns(master.columns, [CLUSTER_ID])
    current = set(master[CLUSTER_ID].cast(pl.String).drop_nulls().to_list())
    history = _history(master)
    target: dict[str, tuple[str, str, int]] = {}
    accepted = decisions.filter("accept").sort("line")
    for pid, keep, retire, line in accepted.select(PROPOSAL_ID, KEEP, RETIRE, "line").iter_rows():
        if retire in target and target[retire][0] != keep:
            raise InvalidOption(
                f"proposals file rows {target[retire][2]} and {line}: one master id is retired "
                "into two different ids; accept only one of the two proposals"
            )
        target.setdefault(retire, (keep, pid, line))
    rows_of = master.group_by(pl.col(CLUSTER_ID).cast(pl.String)).len()
    count = dict(rows_of.rows())
    out = []
    for retired in sorted(target):
        seen, cur = {retired}, retired
        while cur in target or (cur not in current and cur in history):
            cur = target[cur][0] if cur in target else history[cur]
            if cur in seen:
                raise InvalidOption(
                    f"proposals file row {target[retired][2]}: accepted proposals retire master "
                    "ids in a circle; reject one of them"
                )
            seen.add(cur)
        if cur not in current:
            raise InvalidOption(
                f"proposals file row {target[retired][2]}: the surviving master id is not in "
                f"the master (neither a {CLUSTER_ID} nor a {MERGED_FROM}); give the proposals "
                "written against this master or its predecessors"
            )
        out.append((retired, cur, target[retired][1], count.get(retired, 0)))
    return pl.DataFrame(out, schema=_MERGE_SCHEMA, orient="row")


def apply_merges(
    frame: pl.DataFrame, merges: pl.DataFrame, *, column: str = CLUSTER_ID
) -> pl.DataFrame:
    """Re-point retired ids to their surviving ids; ``merged_from`` keeps the id a row had.

    ``merges`` is :func:`resolve_merges`' output (``retired_id``, ``surviving_id``). Rows not
    re-pointed keep their ``merged_from`` (null when the frame had none).

    >>> m = pl.DataFrame({"retired_id": ["b"], "surviving_id": ["a"]})
    >>> apply_merges(pl.DataFrame({"cluster_id": ["a", "b"]}), m).rows()
    [('a', None), ('a', 'b')]
    """
    require_columns(frame.columns, [column])
    old = pl.col(column).cast(pl.String)
    before = (
        pl.col(MERGED_FROM).cast(pl.String)
        if MERGED_FROM in frame.columns
        else pl.lit(None, dtype=pl.String)
    )
    if not merges.height:
        return frame.with_columns(before.alias(MERGED_FROM))
    mapping = dict(merges.select("retired_id", "surviving_id").rows())
    moved = old.is_in(sorted(mapping))
    return frame.with_columns(
        old.replace(mapping).alias(column),
        pl.when(moved).then(old).otherwise(before).alias(MERGED_FROM),
    )


def _history(master: pl.DataFrame) -> dict[str, str]:
    """Ids retired on earlier runs (``merged_from``) -> the id their rows carry now."""
    if MERGED_FROM not in master.columns:
        return {}
    past = master.select(pl.col(MERGED_FROM).cast(pl.String), pl.col(CLUSTER_ID).cast(pl.String))
    return dict(
        past.drop_nulls().sort(MERGED_FROM, CLUSTER_ID).unique(MERGED_FROM, keep="first").rows()
    )


def _rejected_pairs(
    decisions: pl.DataFrame, merges: pl.DataFrame, master: pl.DataFrame
) -> set[str]:
    """Rejected pairs as ``keep\\x1fretire`` of their ids after every merge (earlier and now)."""
    mapping = dict(merges.select("retired_id", "surviving_id").rows())
    current = set(master[CLUSTER_ID].cast(pl.String).drop_nulls().to_list())
    history = _history(master)

    def final(mid: str) -> str:
        now = mid if mid in current else history.get(mid, mid)
        return mapping.get(now, now)

    out = set()
    rejected = decisions.filter(~pl.col("accept")).select(KEEP, RETIRE, "line")
    for keep, retire, line in rejected.iter_rows():
        a, b = final(keep), final(retire)
        if a == b:
            raise InvalidOption(
                f"proposals file row {line}: a rejected proposal joins ids that accepted "
                "proposals merge; accept or reject both"
            )
        out.add(f"{a}\x1f{b}")
    return out
