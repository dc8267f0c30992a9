"""The dedupe pipeline: keys -> blocking -> comparison levels -> model -> clustering -> ids.

Everything here is a pure function of the input frame and the options: no I/O, no printing, no
global state. The rows are processed in an order derived from their content (not their position),
so the same records in another order get the same clusters and the same ``cluster_id``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from custdata.dedupe.blocking import LEFT, RIGHT, block_pairs, default_blocking_rules
from custdata.dedupe.clustering import cluster
from custdata.dedupe.comparison import ComparisonSet, default_comparisons
from custdata.dedupe.config import DedupeConfig, load_config
from custdata.dedupe.model import FellegiSunter, estimate_u, term_frequencies
from custdata.dedupe.prepare import ROW, prepare
from custdata.dedupe.rules import Rule, as_rules, default_distinct_rules, household_evidence
from custdata.errors import InvalidOption

#: Output columns added to every input row.
CLUSTER_ID, MATCH_SCORE, MATCH_REASON = "cluster_id", "match_score", "match_reason"
_TF_BOUNDS = (-10.0, 5.0)
#: Share of "obvious relatives" among contact-sharing pairs above which the data has households.
HOUSEHOLD_SHARE = 0.03
#: Below this share the data has no relatives sharing contacts: the default distinct rules
#: would only cost recall (a duplicate whose first name and birth date were both mistyped).
NO_RELATIVES_SHARE = 0.02


@dataclass
class DedupeResult:
    """Everything a dedupe run found.

    ``frame``: the input rows (same order) + ``cluster_id``, ``match_score``, ``match_reason``.
    ``pairs``: scored candidate pairs (original row numbers ``row_l < row_r``), with the level,
    label and weight of each comparison, ``match_probability``, ``distinct`` (a distinct rule
    forbids the pair), ``rule`` (match rule that fired) and ``same_cluster``.
    ``diagnostics``: skipped blocks, split clusters, model parameters (never customer values).
    """

    frame: pl.DataFrame
    pairs: pl.DataFrame
    diagnostics: list[dict] = field(default_factory=list)
    model: FellegiSunter | None = None
    config: DedupeConfig | None = None

    def summary(self) -> dict[str, int]:
        """Rows, clusters, rows that have a duplicate, and candidate pairs.

        >>> df = pl.DataFrame({"email": ["a@x.ru", "A@x.ru", "b@y.ru"]})
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


def _content_key(frame: pl.DataFrame) -> pl.Series:
    """A string per row made of all its values: equal strings = identical rows."""
    parts = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        text = (
            pl.struct(col).struct.json_encode()
            if dtype.is_nested() or dtype == pl.Object
            else col.cast(pl.String)
        )
        parts.append(text.fill_null("\x00"))
    if not parts:
        return pl.Series("_content", [""] * frame.height, dtype=pl.String)
    return frame.select(pl.concat_str(parts, separator="\x1f").alias("_content")).to_series()


def stable_id(text: str) -> str:
    """A short id derived from text only (same on every machine and run).

    >>> stable_id("x")
    'c4adf4367f96e584f'
    """
    return "c" + hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _resolve_config(config: DedupeConfig | Mapping | str | None, overrides: dict) -> DedupeConfig:
    if config is None:
        cfg = DedupeConfig()
    elif isinstance(config, DedupeConfig):
        cfg = config
    elif isinstance(config, Mapping):
        cfg = DedupeConfig.from_dict(config)
    else:
        cfg = load_config(config)
    given = {k: v for k, v in overrides.items() if v is not None}
    return replace(cfg, **given)


class _Scorer:
    """Scores arbitrary pairs of the key frame with one fitted model and the rules."""

    def __init__(
        self,
        keys: pl.DataFrame,
        cset: ComparisonSet,
        cfg: DedupeConfig,
        match_rules: list[Rule],
        distinct_rules: list[Rule],
    ) -> None:
        self.keys = keys
        self.cset = cset
        self.cfg = cfg
        self.match_rules = match_rules
        self.distinct_rules = distinct_rules
        self.model: FellegiSunter | None = None
        self.tf: dict[str, pl.DataFrame] = {}
        needed: set[str] = set()
        for r in [*match_rules, *distinct_rules]:
            needed |= r.key_columns()
        missing = [c for c in needed if c not in keys.columns]
        if missing:
            raise InvalidOption(
                f"a rule uses the field {missing[0]!r}, which is not in the data; "
                f"available: {', '.join(k for k in keys.columns if not k.startswith('_'))}"
            )
        self.rule_keys = sorted(needed)
        levels_known = {c.output for c in cset.comparisons}
        for r in [*match_rules, *distinct_rules]:
            for lv in r.level_columns():
                if lv not in levels_known:
                    raise InvalidOption(
                        f"a rule uses the comparison {lv!r}, which is not defined; "
                        f"defined: {', '.join(sorted(levels_known))}"
                    )

    def levels(self, left: pl.Series, right: pl.Series) -> pl.DataFrame:
        return self.cset.level_table(self.keys, left, right)

    def context(self, left: pl.Series, right: pl.Series, levels: pl.DataFrame) -> pl.DataFrame:
        cols = [left.alias(LEFT), right.alias(RIGHT), *levels.get_columns()]
        for k in self.rule_keys:
            cols.append(self.keys[k].gather(left).alias(f"{k}_l"))
            cols.append(self.keys[k].gather(right).alias(f"{k}_r"))
        return pl.DataFrame(cols)

    def flags(self, ctx: pl.DataFrame) -> tuple[np.ndarray, pl.Series]:
        """(distinct flag, name of the first match rule that holds or null) per pair."""
        n = ctx.height
        if self.distinct_rules and n:
            distinct = (
                ctx.select(pl.any_horizontal([r.expr() for r in self.distinct_rules]))
                .to_series()
                .to_numpy()
            )
        else:
            distinct = np.zeros(n, dtype=bool)
        if self.match_rules and n:
            rule = pl.lit(None, dtype=pl.String)
            for r in reversed(self.match_rules):
                rule = pl.when(r.expr()).then(pl.lit(f"rule:{r.describe()}")).otherwise(rule)
            fired = ctx.select(rule.alias("rule")).to_series()
        else:
            fired = pl.Series("rule", [None] * n, dtype=pl.String)
        return distinct.astype(bool), fired

    def tf_adjust(self, left: pl.Series, right: pl.Series, levels: pl.DataFrame) -> np.ndarray:
        adj = np.zeros(levels.height)
        assert self.model is not None
        for c in self.cset.comparisons:
            if not c.term_frequency or c.output not in self.tf:
                continue
            top = c.n_levels - 1
            exact = (levels[c.output] == top).to_numpy()
            if not exact.any():
                continue
            vals = self.keys[c.column].gather(left).cast(pl.String)
            tf = (
                vals.to_frame("value")
                .join(self.tf[c.output], on="value", how="left", maintain_order="left")["tf"]
                .fill_null(1.0)
                .to_numpy()
            )
            u_exact = float(self.model.u[c.output][top])
            a = np.log2(u_exact) - np.log2(np.clip(tf, 1e-9, 1.0))
            adj[exact] += np.clip(a[exact], *_TF_BOUNDS)
        return adj

    def score(
        self, left: pl.Series, right: pl.Series
    ) -> tuple[pl.DataFrame, np.ndarray, np.ndarray, np.ndarray, pl.Series]:
        """(levels, weight, probability, distinct, rule) of the pairs."""
        assert self.model is not None
        levels = self.levels(left, right)
        ctx = self.context(left, right, levels)
        distinct, fired = self.flags(ctx)
        weight = self.model.weights(levels, self.tf_adjust(left, right, levels))
        prob = FellegiSunter.probability(weight)
        prob = np.where(fired.is_not_null().to_numpy(), 1.0, prob)
        return levels, weight, prob, distinct, fired

    def score_for_clustering(
        self, left: pl.Series, right: pl.Series
    ) -> tuple[np.ndarray, np.ndarray]:
        _, _, prob, distinct, _ = self.score(left, right)
        return prob, distinct


def _reason(cset: ComparisonSet, levels: pl.DataFrame, fired: pl.Series) -> pl.Series:
    """Short "why" per pair: the rule, or the fields that agree (``~`` = approximately)."""
    parts = []
    for c in cset.comparisons:
        lv = pl.col(c.output)
        top = c.n_levels - 1
        parts.append(
            pl.when(lv == top)
            .then(pl.lit(c.output))
            .when(lv > 0)
            .then(pl.lit(f"{c.output}~"))
            .otherwise(None)
        )
    frame = levels.with_columns(fired.alias("_rule"))
    expr = pl.concat_str(parts, separator="+", ignore_nulls=True) if parts else pl.lit("")
    return frame.select(
        pl.coalesce(pl.col("_rule"), pl.when(expr != "").then(expr)).alias(MATCH_REASON)
    ).to_series()


def deduplicate(
    frame: pl.DataFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    rules: Rule | str | Sequence[Rule | str] | None = None,
    config: DedupeConfig | Mapping | str | None = None,
    threshold: float | None = None,
    distinct: Rule | str | Sequence[Rule | str] | None = None,
    comparisons: Sequence | None = None,
    blocking: Sequence | None = None,
    support: float | None = None,
    max_block_size: int | None = None,
    max_pairs: int | None = None,
    max_cluster_size: int | None = None,
    labels: pl.DataFrame | None = None,
    link_split: int | None = None,
) -> DedupeResult:
    """Find the records that are the same person; the full result (pairs, diagnostics, model).

    ``labels``: pairs a person has labelled (see :mod:`custdata.dedupe.review`): a labelled
    match is always merged, a labelled non-match never, and the threshold moves between the
    scores of the labelled matches and non-matches. ``link_split``: the first ``link_split``
    rows are one table and the rest another; only pairs across them are compared (used by
    :func:`custdata.dedupe.link`).

    Options not given come from ``config`` (a :class:`DedupeConfig`, a dict in the TOML
    vocabulary or the path of a TOML file), else from the defaults. See :func:`find_duplicates`.

    >>> df = pl.DataFrame({"name": ["Иванов Иван", "Ivanov Ivan", "Петрова Анна"],
    ...                    "phone": ["+7 912 345-67-89", "89123456789", "+7 903 111-22-33"]})
    >>> res = deduplicate(df, columns={"full_name": "name", "phone": "phone"})
    >>> res.frame["cluster_id"].n_unique()
    2
    """
    if isinstance(frame, pl.LazyFrame):
        # Matching needs every row at once: collect here (find_duplicates hands back a LazyFrame).
        frame = frame.collect()
    cfg = _resolve_config(
        config,
        {
            "columns": dict(columns) if columns is not None else None,
            "rules": as_rules(rules) if rules is not None else None,
            "distinct": as_rules(distinct) if distinct is not None else None,
            "comparisons": list(comparisons) if comparisons is not None else None,
            "blocking": list(blocking) if blocking is not None else None,
            "threshold": threshold,
            "support": support,
            "max_block_size": max_block_size,
            "max_pairs": max_pairs,
            "max_cluster_size": max_cluster_size,
        },
    )
    cfg.validate()
    for reserved in (CLUSTER_ID, MATCH_SCORE, MATCH_REASON):
        if reserved in frame.columns:
            frame = frame.drop(reserved)
    n = frame.height
    diagnostics: list[dict] = []

    keys0 = prepare(frame, columns=cfg.columns)
    content = _content_key(frame)
    if link_split is not None:
        # Sort within each table, so the left table keeps the internal ids 0..link_split-1.
        side = pl.Series(np.arange(n) >= link_split).cast(pl.String)
        content = pl.select(pl.concat_str([side, content], separator="\x1e")).to_series()
    # Internal ids: one per distinct row content, in content order (row order never matters;
    # exact duplicate rows are one record for the model and always share a cluster).
    cf = pl.DataFrame({"c": content}).with_row_index("orig")
    reps = (
        cf.group_by("c").agg(pl.col("orig").min()).sort("c") if link_split is None else cf.sort("c")
    )
    order = reps["orig"].cast(pl.UInt32)  # internal id -> original (representative) row
    content_sorted = reps["c"]
    inverse = cf.join(
        reps.select("c", pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i")),
        on="c",
        how="left",
        maintain_order="left",
    )["_i"]
    n_all, n = frame.height, reps.height
    keys = keys0[order].with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW))

    cset = ComparisonSet(
        list(cfg.comparisons) if cfg.comparisons is not None else default_comparisons(keys.columns)
    )
    names = [c.output for c in cset.comparisons]
    match_rules = list(cfg.rules or [])

    # Candidate pairs: blocking rules + identical rows (identical rows are always one person).
    brules = (
        list(cfg.blocking) if cfg.blocking is not None else default_blocking_rules(keys.columns)
    )
    pairs, bdiag = block_pairs(
        keys,
        brules,
        max_block_size=cfg.max_block_size,
        max_pairs=cfg.max_pairs,
        link_split=link_split,
    )
    diagnostics.extend(bdiag)
    labelled = _labelled_pairs(labels, content_sorted, link_split) if labels is not None else None
    if labelled is not None and labelled.height:
        pairs = pl.concat([pairs, labelled.select(LEFT, RIGHT)]).unique().sort([LEFT, RIGHT])
    identical_pairs = n_all - n
    left, right = pairs[LEFT], pairs[RIGHT]
    levels = cset.level_table(keys, left, right)
    if cfg.distinct is not None:
        distinct_rules = list(cfg.distinct)
    else:
        share = household_evidence(levels)
        strict = share >= HOUSEHOLD_SHARE
        if share >= NO_RELATIVES_SHARE:
            distinct_rules = default_distinct_rules(names, households=strict)
        else:
            # Only the patronymic rule: a different patronymic and birth date is never a typo.
            distinct_rules = [
                r
                for r in default_distinct_rules(names, households=False)
                if r.level_columns() == {"middle_name", "birth_date"}
            ]
        diagnostics.append(
            {
                "kind": "households",
                "relatives_share": round(share, 4),
                "strict": strict,
                "message": (
                    f"{share:.1%} of candidate pairs sharing a contact look like relatives: "
                    + (
                        "a shared phone/address is treated as weak evidence"
                        if strict
                        else "contacts are treated as personal"
                        if distinct_rules
                        else "no relatives to tell apart, so only the patronymic rule"
                    )
                ),
            }
        )
    scorer = _Scorer(keys, cset, cfg, match_rules, distinct_rules)
    ctx = scorer.context(left, right, levels)
    is_distinct, fired = scorer.flags(ctx)

    # Model: u from random pairs, m by EM on the pairs no distinct rule excludes.
    n_levels = {c.output: c.n_levels for c in cset.comparisons}
    u = estimate_u(keys, scorer.levels, n_levels, {c.output: c.column for c in cset.comparisons})
    train = levels.filter(pl.Series(~is_distinct)) if levels.height else levels
    model = FellegiSunter.fit(train, u=u, n_levels=n_levels)
    scorer.model = model
    for c in cset.comparisons:
        if c.term_frequency:
            scorer.tf[c.output] = term_frequencies(keys[c.column].cast(pl.String).alias("value"))

    tf_adj = scorer.tf_adjust(left, right, levels)
    bf = model.bayes_factors(levels, tf_adj)
    model.set_prior(bf[~is_distinct], n * (n - 1) // 2)
    weight = bf + model.prior_weight
    prob = FellegiSunter.probability(weight)
    prob = np.where(fired.is_not_null().to_numpy(), 1.0, prob)
    diagnostics.append({"kind": "model", **model.to_dict(), "identical_pairs": identical_pairs})
    threshold = cfg.threshold
    if labelled is not None and labelled.height:
        lab = pl.DataFrame({LEFT: left, RIGHT: right, "prob": prob}).join(
            labelled, on=[LEFT, RIGHT], how="inner"
        )
        threshold = _threshold_from_labels(lab, cfg.threshold)
        diagnostics.append(
            {
                "kind": "labels",
                "pairs": lab.height,
                "matches": int(lab["match"].sum()),
                "threshold": threshold,
                "message": f"{lab.height} labelled pairs applied; threshold {cfg.threshold:g} -> {threshold:g}",
            }
        )
        is_match = pl.DataFrame({LEFT: left, RIGHT: right}).join(
            labelled, on=[LEFT, RIGHT], how="left", maintain_order="left"
        )["match"]
        yes = is_match.fill_null(False).to_numpy()
        no = (~is_match).fill_null(False).to_numpy()
        prob = np.where(yes, 1.0, np.where(no, 0.0, prob))
        is_distinct = (is_distinct | no) & ~yes
        fired = (
            pl.select(pl.when(pl.Series(yes)).then(pl.lit("label")).otherwise(fired))
            .to_series()
            .alias("rule")
        )
    edges = pl.DataFrame({LEFT: left, RIGHT: right, "prob": prob, "distinct": is_distinct})
    if link_split is not None:
        # Linking: no clustering inside a table, only pairs across (see custdata.dedupe.link).
        return _link_result(
            frame, order, edges, levels, fired, cset, threshold, diagnostics, model, cfg
        )
    labels, cdiag = cluster(
        n,
        edges,
        scorer.score_for_clustering,
        threshold=threshold,
        support=cfg.support,
        max_cluster_size=cfg.max_cluster_size,
    )
    diagnostics.extend(cdiag)

    # Per pair: same final cluster? Per row: best same-cluster pair's score and reason.
    same = labels[left.to_numpy()] == labels[right.to_numpy()] if n else np.zeros(0, dtype=bool)
    reason = _reason(cset, levels, fired)
    scored = pl.DataFrame(
        {
            LEFT: left,
            RIGHT: right,
            "match_weight": weight,
            "match_probability": prob,
            "distinct": is_distinct,
            "rule": fired,
            "same_cluster": same,
            "reason": reason,
        }
    )
    best = (
        pl.concat(
            [
                scored.filter("same_cluster").select(
                    pl.col(LEFT).alias("r"), "match_probability", "reason"
                ),
                scored.filter("same_cluster").select(
                    pl.col(RIGHT).alias("r"), "match_probability", "reason"
                ),
            ]
        )
        .sort(
            ["r", "match_probability", "reason"], descending=[False, True, False], nulls_last=True
        )
        .unique("r", keep="first")
    )
    rep_content = (
        content_sorted.gather(pl.Series(labels.astype(np.uint32))) if n else content_sorted
    )
    rep = pl.DataFrame({"label": labels, "content": rep_content}).unique("label")
    ids = {
        lab: stable_id(c)
        for lab, c in zip(rep["label"].to_list(), rep["content"].to_list(), strict=True)
    }
    internal = pl.DataFrame(
        {
            "r": pl.int_range(n, dtype=pl.UInt32, eager=True),
            CLUSTER_ID: pl.Series([ids[x] for x in labels.tolist()], dtype=pl.String),
        }
    ).join(best, on="r", how="left", maintain_order="left")
    per_row = pl.DataFrame({"r": inverse}).join(internal, on="r", how="left", maintain_order="left")
    twin = pl.DataFrame({"r": inverse}).select(pl.len().over("r") > 1).to_series()
    out = frame.with_columns(
        per_row[CLUSTER_ID].alias(CLUSTER_ID),
        pl.select(pl.when(twin).then(1.0).otherwise(per_row["match_probability"].round(4)))
        .to_series()
        .alias(MATCH_SCORE),
        pl.select(pl.coalesce(per_row["reason"], pl.when(twin).then(pl.lit("identical"))))
        .to_series()
        .alias(MATCH_REASON),
    )

    # Pairs table in original row numbers, with the explanation per comparison.
    o = order.to_numpy()
    ol, orr = o[left.to_numpy()], o[right.to_numpy()]
    explain: list[pl.Series] = []
    for c in cset.comparisons:
        lv = levels[c.output].to_numpy().astype(np.int64)
        labels_arr = np.array(["null", *c.labels], dtype=object)
        w = np.where(lv >= 0, model.level_weights(c.output)[np.clip(lv, 0, None)], 0.0)
        explain += [
            pl.Series(f"{c.output}_level", lv.astype(np.int8)),
            pl.Series(f"{c.output}_label", labels_arr[lv + 1].tolist(), dtype=pl.String),
            pl.Series(f"{c.output}_weight", np.round(w, 3)),
        ]
    pairs_out = (
        pl.DataFrame(
            [
                pl.Series(LEFT, np.minimum(ol, orr), dtype=pl.UInt32),
                pl.Series(RIGHT, np.maximum(ol, orr), dtype=pl.UInt32),
            ]
            + explain
        )
        .with_columns(
            scored["match_weight"].round(3),
            scored["match_probability"].round(6),
            scored["distinct"],
            scored["rule"],
            scored["same_cluster"],
        )
        .sort([LEFT, RIGHT])
    )
    return DedupeResult(
        frame=out, pairs=pairs_out, diagnostics=diagnostics, model=model, config=cfg
    )


def record_keys(frame: pl.DataFrame) -> pl.Series:
    """A stable key per row from its content (used to name rows in review and label files).

    >>> record_keys(pl.DataFrame({"a": ["x", "y"]})).to_list()
    ['c4adf4367f96e584f', 'c0fa38cc58395a65f']
    """
    return pl.Series(
        "record_key", [stable_id(c) for c in _content_key(frame).to_list()], dtype=pl.String
    )


def _labelled_pairs(
    labels: pl.DataFrame, content_sorted: pl.Series, link_split: int | None
) -> pl.DataFrame:
    """Labelled pairs as internal row ids + a boolean ``match``."""
    from custdata.dedupe.review import parse_labels

    parsed = parse_labels(labels)
    keys = pl.DataFrame(
        {
            "k": [
                stable_id(c.split("\x1e", 1)[1] if link_split is not None else c)
                for c in content_sorted.to_list()
            ],
            "i": pl.int_range(content_sorted.len(), dtype=pl.UInt32, eager=True),
        }
    ).unique("k", keep="first")
    p = (
        parsed.join(keys.rename({"k": "left_key", "i": "a"}), on="left_key", how="inner")
        .join(keys.rename({"k": "right_key", "i": "b"}), on="right_key", how="inner")
        .filter(pl.col("a") != pl.col("b"))
        .select(
            pl.min_horizontal("a", "b").alias(LEFT),
            pl.max_horizontal("a", "b").alias(RIGHT),
            "match",
        )
        .unique([LEFT, RIGHT], keep="last")
    )
    return p


def _threshold_from_labels(lab: pl.DataFrame, current: float) -> float:
    """Threshold between labelled non-matches and matches (model scores, before the labels)."""
    yes = lab.filter("match")["prob"]
    no = lab.filter(~pl.col("match"))["prob"]
    if yes.len() == 0 or no.len() == 0:
        return current
    lo, hi = float(no.max()), float(yes.min())
    if lo < hi:
        t = (lo + hi) / 2
    else:
        # Overlap: the candidate threshold with the fewest labelled errors.
        cands = sorted(set(lab["prob"].to_list()) | {current})
        best = min(
            cands, key=lambda c: (int((yes < c).sum()) + int((no >= c).sum()), abs(c - current))
        )
        t = best
    return float(min(max(t, 0.5), 0.999))


def _link_result(
    frame, order, edges, levels, fired, cset, threshold, diagnostics, model, cfg
) -> DedupeResult:
    o = order.to_numpy()
    reason = _reason(cset, levels, fired)
    scored = edges.with_columns(reason.alias(MATCH_REASON)).filter(
        (pl.col("prob") >= threshold) & ~pl.col("distinct")
    )
    pairs = scored.select(
        pl.Series("row_left", o[scored[LEFT].to_numpy()], dtype=pl.UInt32),
        pl.Series("row_right", o[scored[RIGHT].to_numpy()], dtype=pl.UInt32),
        pl.col("prob").round(6).alias("match_probability"),
        pl.col(MATCH_REASON),
    ).sort(["row_left", "row_right"])
    return DedupeResult(frame=frame, pairs=pairs, diagnostics=diagnostics, model=model, config=cfg)


def find_duplicates(
    frame: pl.DataFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    rules: Rule | str | Sequence[Rule | str] | None = None,
    config: DedupeConfig | Mapping | str | None = None,
    threshold: float | None = None,
    **options,
) -> pl.DataFrame:
    """Every input row plus ``cluster_id``, ``match_score`` and ``match_reason``.

    Rows with the same ``cluster_id`` are the same person. ``columns`` maps kinds (``phone``,
    ``email``, ``full_name``, ``first_name``, ``last_name``, ``middle_name``, ``birth_date``,
    ``gender``, ``address``, ``city``, or any other name for a generic text field) to columns;
    by default they are detected. ``rules`` are match rules (``"email"``: same canonical email is
    the same person). ``threshold`` is the match probability a pair needs (default 0.9).
    Other options: see :func:`deduplicate`. A LazyFrame is collected (matching needs every row)
    and the result handed back as a LazyFrame.

    >>> df = pl.DataFrame({
    ...     "ФИО": ["Иванов Иван Петрович", "Иванова Мария Сергеевна", "Иванов Петр Иванович",
    ...             "Ivanov Ivan Petrovich"],
    ...     "Телефон": ["+7 912 345-67-89"] * 4,
    ...     "Дата рождения": ["01.02.1960", "03.04.1962", "05.06.1990", "01.02.1960"],
    ... })
    >>> out = find_duplicates(df)
    >>> out["cluster_id"].n_unique(), out["cluster_id"][0] == out["cluster_id"][3]
    (3, True)
    """
    lazy = isinstance(frame, pl.LazyFrame)
    out = deduplicate(
        frame, columns=columns, rules=rules, config=config, threshold=threshold, **options
    ).frame
    return out.lazy() if lazy else out
