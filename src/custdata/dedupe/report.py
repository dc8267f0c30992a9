"""Explanations a user can act on: the scored pairs, readable, and why two records match or not.

* :func:`pairs_report`: every scored pair with the records named by the id column (not by
  0-based positions), the normalized keys that were compared side by side, the level and weight
  per field, and for a vetoed pair the name of the rule that fired.
* :func:`explain`: the same for any two records, including a pair blocking never generated,
  with the blocking rules it failed and why (a key differs, or is missing on one side).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from custdata.dedupe.blocking import LEFT, RIGHT
from custdata.dedupe.stages import DedupeResult
from custdata.errors import InvalidOption, require_columns


def _id_column(result: DedupeResult, frame: pl.DataFrame, id_column: str | None) -> str | None:
    if id_column is not None:
        require_columns(frame.columns, [id_column])
        return id_column
    prepared = result.prepared
    if prepared is not None:
        named = prepared.columns.get("id") or prepared.candidates
        for c in named:
            if c in frame.columns and frame[c].n_unique() == frame.height:
                return c
    return None


def _record_ids(frame: pl.DataFrame, rows: pl.Series, id_column: str | None) -> pl.Series:
    if id_column is None:
        return (rows.cast(pl.Int64) + 1).cast(pl.String)  # 1-based row numbers
    return frame[id_column].cast(pl.String).gather(rows)


def pairs_report(
    result: DedupeResult, frame: pl.DataFrame, *, id_column: str | None = None
) -> pl.DataFrame:
    """The scored pairs of ``result`` (a run on ``frame``) as a person reads them.

    ``id_l``/``id_r``: the records' ids (``id_column``, else the named id column, else a
    detected unique identifier-like column, else 1-based row numbers). Per comparison: the
    normalized keys compared (``<name>_key_l``/``<name>_key_r``), the level label and weight.
    Then ``match_probability``, ``rule`` (match rule that fired), ``veto`` (the "never merge"
    rule that fired) and ``same_cluster``.

    >>> from custdata.dedupe import deduplicate
    >>> df = pl.DataFrame({"client": ["A1", "B2"], "email": ["Ivan.Petrov@gmail.com", "ivanpetrov@gmail.com"]})
    >>> res = deduplicate(df, columns={"email": "email"})
    >>> pairs_report(res, df, id_column="client").select("id_l", "id_r", "email_key_l", "email_label").rows()
    [('A1', 'B2', 'ivanpetrov@gmail.com', 'exact')]
    """
    pairs = result.pairs
    ident = _id_column(result, frame, id_column)
    rl, rr = pairs[LEFT], pairs[RIGHT]
    cols: list[pl.Series] = [
        _record_ids(frame, rl, ident).alias("id_l"),
        _record_ids(frame, rr, ident).alias("id_r"),
    ]
    prepared = result.prepared
    comparisons = []
    if result.config is not None and prepared is not None:
        from custdata.dedupe.stages import comparison_set

        comparisons = comparison_set(prepared, result.config).comparisons
    for c in comparisons:
        if prepared is not None and c.column in prepared.keys.columns:
            key = prepared.keys[c.column].cast(pl.String)
            inv = prepared.records.inverse
            cols.append(key.gather(inv.gather(rl)).alias(f"{c.output}_key_l"))
            cols.append(key.gather(inv.gather(rr)).alias(f"{c.output}_key_r"))
        for suffix in ("label", "weight"):
            name = f"{c.output}_{suffix}"
            if name in pairs.columns:
                cols.append(pairs[name])
    for name in ("match_probability", "rule", "veto", "same_cluster"):
        if name in pairs.columns:
            cols.append(pairs[name])
    return pl.DataFrame(cols)


def explain(
    frame: pl.DataFrame,
    first: Any,
    second: Any,
    *,
    id_column: str | None = None,
    result: DedupeResult | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Why two records (by id, or by 0-based row when there is no id column) match or not.

    Runs :func:`custdata.dedupe.deduplicate` on ``frame`` (with ``options``) unless ``result``
    is given. Returns ``compared`` (blocking generated the pair), ``blocking`` (per rule:
    ``pair``, or why not: ``different`` / ``missing``), ``fields`` (per comparison: the two
    keys, level label and weight), ``match_probability``, ``rule``, ``veto``,
    ``same_cluster``. No value leaves this function except the two records' own keys.

    >>> df = pl.DataFrame({"id": ["a", "b", "c"], "email": ["x@y.ru", "X@y.ru", "z@y.ru"]})
    >>> why = explain(df, "a", "c", id_column="id", columns={"email": "email"})
    >>> why["compared"], why["blocking"], why["same_cluster"]
    (False, {'email': 'different'}, False)
    """
    from custdata.dedupe.core import deduplicate

    res = result if result is not None else deduplicate(frame, **options)
    prepared, cfg = res.prepared, res.config
    if prepared is None or cfg is None:
        raise InvalidOption("explain needs a deduplication result (not a link result)")
    rows = _find_rows(frame, [first, second], id_column)
    inv = prepared.records.inverse
    a, b = sorted(int(inv[r]) for r in rows)
    if a == b:
        return {"compared": True, "identical": True, "same_cluster": True, "blocking": {}}
    scorer_keys = prepared.keys
    from custdata.dedupe.stages import _blocking_rules, comparison_set

    blocking: dict[str, str] = {}
    for block_rule in _blocking_rules(prepared, cfg):
        k = scorer_keys[[a, b]].select(block_rule.key_expr())["_key"]
        if k.null_count():
            blocking[block_rule.name] = "missing"
        else:
            blocking[block_rule.name] = "pair" if k[0] == k[1] else "different"
    o = prepared.records.order
    row_l, row_r = sorted((int(o[a]), int(o[b])))
    hit = res.pairs.filter((pl.col(LEFT) == row_l) & (pl.col(RIGHT) == row_r))
    cset = comparison_set(prepared, cfg)
    fields: dict[str, dict[str, Any]] = {}
    if hit.height:
        info = hit.row(0, named=True)
        prob, rule, veto = info["match_probability"], info["rule"], info.get("veto")
        for c in cset.comparisons:
            fields[c.output] = {
                "label": info.get(f"{c.output}_label"),
                "weight": info.get(f"{c.output}_weight"),
            }
    else:
        prob, rule, veto = _score_one(res, prepared, a, b, fields)
    for c in cset.comparisons:
        if c.column in scorer_keys.columns:
            fields.setdefault(c.output, {})["keys"] = (
                scorer_keys[c.column][a],
                scorer_keys[c.column][b],
            )
    cid = res.frame["cluster_id"] if "cluster_id" in res.frame.columns else None
    same = bool(cid is not None and cid[rows[0]] == cid[rows[1]])
    return {
        "compared": bool(hit.height),
        "blocking": blocking,
        "fields": fields,
        "match_probability": prob,
        "rule": rule,
        "veto": veto,
        "same_cluster": same,
    }


def _score_one(
    res: DedupeResult, prepared: Any, a: int, b: int, fields: dict[str, dict[str, Any]]
) -> tuple[float | None, str | None, str | None]:
    """Score one pair blocking never generated (with the run's model and rules)."""
    scorer = res.scorer
    if scorer is None:
        return None, None, None
    s = scorer.score(pl.Series([a], dtype=pl.UInt32), pl.Series([b], dtype=pl.UInt32))
    model = scorer.model
    assert model is not None  # score() raises without a fitted model
    for c in scorer.cset.comparisons:
        lv = int(s.levels[c.output][0])
        labels = ["null", *c.labels]
        w = float(model.level_weights(c.output)[lv]) if lv >= 0 else 0.0
        fields[c.output] = {"label": labels[lv + 1], "weight": round(w, 3)}
    veto = s.vetoes[0] if s.vetoes is not None else None
    return round(float(np.asarray(s.probability)[0]), 6), s.rule[0], veto


def _find_rows(frame: pl.DataFrame, ids: list[Any], id_column: str | None) -> list[int]:
    out = []
    for i, value in enumerate(ids):
        if id_column is None:
            try:
                r = int(value)
            except (TypeError, ValueError):
                raise InvalidOption(
                    "without an id column, name records by 0-based row number"
                ) from None
            if not 0 <= r < frame.height:
                raise InvalidOption(f"record {i + 1}: row number out of range")
            out.append(r)
            continue
        require_columns(frame.columns, [id_column])
        hits = frame.with_row_index("_r").filter(pl.col(id_column).cast(pl.String) == str(value))[
            "_r"
        ]
        if hits.len() == 0:
            raise InvalidOption(f"record {i + 1}: no row has this id in column {id_column!r}")
        out.append(int(hits[0]))
    return out


def explain_lines(why: dict[str, Any]) -> list[str]:
    """:func:`explain`'s answer as text lines.

    >>> explain_lines({"compared": False, "blocking": {"email": "different"}, "fields": {},
    ...                "match_probability": 0.01, "rule": None, "veto": None, "same_cluster": False})
    ['same person: no (match probability 0.01)', 'never compared: blocking rule email: different']
    """
    prob = why.get("match_probability")
    verdict = "yes" if why.get("same_cluster") else "no"
    lines = [
        f"same person: {verdict}" + (f" (match probability {prob:g})" if prob is not None else "")
    ]
    if why.get("identical"):
        return [*lines, "the two rows are identical"]
    if why.get("compared"):
        passed = [n for n, v in why["blocking"].items() if v == "pair"]
        lines.append("compared: blocking rule(s) " + ", ".join(passed))
    else:
        failed = [f"{n}: {v}" for n, v in why["blocking"].items()]
        lines.append("never compared: blocking rule " + "; ".join(failed))
    for name, f in why.get("fields", {}).items():
        keys = f.get("keys")
        shown = f" {keys[0]!s} | {keys[1]!s}" if keys else ""
        lines.append(f"  {name}: {f.get('label')} (weight {f.get('weight')}){shown}")
    if why.get("rule"):
        lines.append(f"match rule: {why['rule']}")
    if why.get("veto"):
        lines.append(f"never merged: {why['veto']}")
    return lines
