"""Text cells for CSV and Excel output: flattening list/struct columns, the formula guard."""

from __future__ import annotations

import os

import polars as pl

#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_PLAIN_NUMBER = r"^[+-]?[\d\s().,;+-]*\d[\d\s().,;+-]*$"


def flatten_for_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Make list/struct columns text: lists joined by '; ', structs as JSON (CSV, Excel, matching).

    >>> flatten_for_text(pl.DataFrame({"t": [["a", "b"]]}))["t"].to_list()
    ['a; b']
    """
    exprs = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, (pl.List, pl.Array)):
            exprs.append(pl.col(name).cast(pl.List(pl.String)).list.join("; ").alias(name))
        elif isinstance(dtype, pl.Struct):
            exprs.append(pl.col(name).struct.json_encode().alias(name))
        elif dtype == pl.Object:
            exprs.append(pl.col(name).map_elements(str, return_dtype=pl.String).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def default_formula_guard(bom: bool) -> bool:
    """Whether to guard formulas when not told: ``CUSTDATA_FORMULA_GUARD`` (on/off), else ``bom``.

    >>> default_formula_guard(True), default_formula_guard(False)
    (True, False)
    """
    raw = os.environ.get("CUSTDATA_FORMULA_GUARD", "").strip().lower()
    flags = {"1": True, "on": True, "yes": True, "true": True}
    flags.update({"0": False, "off": False, "no": False, "false": False})
    return flags.get(raw, bom)


def guard_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix ``'`` to text cells a spreadsheet would run as a formula (OWASP CSV injection).

    Cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get the prefix,
    except cells made only of digits, spaces and ``( ) . , ; + -`` (numbers, phone numbers,
    lists of them: ``+7 912 345-67-89``, ``-12.5``), which cannot call a function.

    >>> df = pl.DataFrame({"a": ["=1+1", "@SUM(A1)", "+7 912 345", "-3", "ok", None]})
    >>> guard_formulas(df)["a"].to_list()
    ["'=1+1", "'@SUM(A1)", '+7 912 345', '-3', 'ok', None]
    """
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        col = pl.col(name)
        risky = col.str.starts_with(FORMULA_START[0])
        for ch in FORMULA_START[1:]:
            risky = risky | col.str.starts_with(ch)
        risky = risky & ~col.str.contains(_PLAIN_NUMBER)
        exprs.append(pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(name))
    return frame.with_columns(exprs) if exprs else frame
