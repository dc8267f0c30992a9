"""The golden name of :func:`custdata.dedupe.golden_records`: surname, first name and patronymic
chosen part by part across a cluster (full, Cyrillic, longest, most frequent, most recent), and
the full name built from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

_PARTS = ("last", "first", "middle")
_PART_KIND = {"last": "last_name", "first": "first_name", "middle": "middle_name"}


def _name_part_exprs(
    base: pl.DataFrame, names: Sequence[str], name_cols: list[str], kind_of: Mapping[str, str]
) -> dict[str, pl.Expr]:
    """Per row: surname, first name, patronymic in the normalizer's case."""
    from custdata.normalize.name import _parsed

    found: dict[str, list[pl.Expr]] = {p: [] for p in _PARTS}
    for col in name_cols:
        kind = kind_of[col]
        if kind == "full_name":
            for p in _PARTS:
                if f"{col}_{p}" in names:
                    found[p].append(pl.col(f"{col}_{p}"))
                else:
                    found[p].append(_parsed(col, "auto").struct.field(p))
        else:
            p = kind.split("_")[0]
            if f"{col}_clean" in names:
                found[p].append(pl.col(f"{col}_clean"))
            else:
                found[p].append(_parsed(col, "auto").struct.field("clean"))
    return {
        p: pl.coalesce([e.cast(pl.String).str.strip_chars() for e in exprs])
        for p, exprs in found.items()
        if exprs
    }


def _with_dot(part: pl.Expr) -> pl.Expr:
    """A one-letter name part (an initial) with its dot; other parts as they are."""
    return (
        pl.when(part.str.contains(r"^\p{L}$"))
        .then(pl.concat_str([part, pl.lit(".")]))
        .otherwise(part)
    )


def _golden_name(
    out: pl.DataFrame,
    base: pl.DataFrame,
    cluster: str,
    parts: Mapping[str, pl.Expr],
    name_cols: list[str],
    kind_of: Mapping[str, str],
    source_column: str | None,
    fields: list[str],
) -> pl.DataFrame:
    """Best surname, first name and patronymic across the cluster; the full name built from them."""
    from custdata.normalize.name import full_name

    chosen = {}
    for p in parts:
        v = pl.col(f"_n_{p}")
        cand = base.filter(pl.col(f"_n_{p}_ok")).with_columns(
            (v.str.replace_all(r"[.\s]", "").str.len_chars() > 1).alias("_full"),
            v.str.contains(r"[\p{Cyrillic}]").alias("_cyr"),
            v.str.len_chars().alias("_len"),
            pl.len().over(cluster, v.str.to_lowercase()).alias("_freq"),
        )
        best = cand.sort(
            [cluster, "_full", "_cyr", "_len", "_freq", "_date", "_pos"],
            descending=[False, True, True, True, True, True, False],
            nulls_last=True,
        ).unique(cluster, keep="first", maintain_order=True)
        cols = [
            pl.col(cluster),
            pl.col(f"_n_{p}").alias(f"_name_{p}"),
            pl.col("_row").alias(f"_name_{p}_row"),
        ]
        if source_column:
            cols.append(pl.col(source_column).cast(pl.String).alias(f"_name_{p}_src"))
        chosen[p] = best.select(cols)
        out = out.join(chosen[p], on=cluster, how="left", maintain_order="left")
    pick = {p: pl.col(f"_name_{p}") for p in parts}
    # In the full name an initial keeps its dot, as the normalizer writes it ("Матяш Борис А.");
    # the part columns stay as the normalizer splits them (the letter alone).
    shown = {p: _with_dot(e) if p != "last" else e for p, e in pick.items()}
    full = full_name(
        shown.get("last", pl.lit(None, pl.String)), shown.get("first"), shown.get("middle")
    )
    lead_part = "last" if "last" in parts else next(iter(parts))
    new = []
    for col in name_cols:
        kind = kind_of[col]
        part = lead_part if kind == "full_name" else kind.split("_")[0]
        expr = full if kind == "full_name" else pick[part]
        new += [expr.alias(col), pl.col(f"_name_{part}_row").alias(f"{col}_source_row")]
        if source_column:
            new.append(pl.col(f"_name_{part}_src").alias(f"{col}_source"))
    for p in parts:
        if not any(kind_of[c] == _PART_KIND[p] for c in name_cols) and _PART_KIND[p] not in fields:
            new += [
                pick[p].alias(_PART_KIND[p]),
                pl.col(f"_name_{p}_row").alias(f"{_PART_KIND[p]}_source_row"),
            ]
            if source_column:
                new.append(pl.col(f"_name_{p}_src").alias(f"{_PART_KIND[p]}_source"))
    out = out.with_columns(new)
    return out.drop([c for c in out.columns if c.startswith("_name_")])
