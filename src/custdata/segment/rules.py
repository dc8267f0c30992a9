"""Rule-based segments: named SQL conditions from a TOML file, evaluated in order.

A rule file::

    mode = "first"          # "first": the first matching segment; "all": a list of all matches
    column = "segment"      # output column (default "segment")
    default = "Other"       # label when no rule matches (first mode; default: null)

    [[segment]]
    name = "VIP Москва"
    where = "age >= 18 and city = 'Москва' and rfm_segment in ('Champions', 'Loyal')"

Conditions are polars SQL expressions (``pl.sql_expr``) over the table's columns, plus the
derived fields :func:`customer_fields` adds (age, age band, gender, RFM fields...).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from custdata.config import load_toml
from custdata.errors import InvalidOption, show_column, show_columns
from custdata.frames import check_columns, column_names
from custdata.normalize.gender import gender as normalize_gender
from custdata.segment._prep import as_of_date, parse_date

#: Age bands (lower bound, label); the last band is open.
AGE_BANDS = (
    (0, "<18"),
    (18, "18-24"),
    (25, "25-34"),
    (35, "35-44"),
    (45, "45-54"),
    (55, "55-64"),
    (65, "65+"),
)

#: RFM columns renamed to rule-friendly names by :func:`customer_fields`.
RFM_FIELDS = {
    "recency": "days_since_last_order",
    "frequency": "order_count",
    "monetary": "total_spend",
    "monetary_mean": "average_order_value",
    "r_score": "r_score",
    "f_score": "f_score",
    "m_score": "m_score",
    "rfm_code": "rfm_code",
    "rfm_segment": "rfm_segment",
    "last_order": "last_order",
    "first_order": "first_order",
}


@dataclass(frozen=True)
class Rule:
    """A named condition (a polars SQL expression)."""

    name: str
    where: str


@dataclass(frozen=True)
class RuleSet:
    """Ordered rules with how to apply them."""

    rules: tuple[Rule, ...]
    mode: str = "first"
    column: str = "segment"
    default: str | None = None


def rules_from_dict(data: dict[str, Any]) -> RuleSet:
    """Build a :class:`RuleSet` from parsed TOML (the format in the module docs).

    >>> rules_from_dict({"segment": [{"name": "adults", "where": "age >= 18"}]}).rules[0].name
    'adults'
    """
    items = data.get("segment")
    if not isinstance(items, list) or not items:
        raise InvalidOption("a rule file needs at least one [[segment]] table with name and where")
    rules = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InvalidOption(f"segment number {i} in the rule file has no name")
        if not isinstance(item.get("where"), str) or not item["where"].strip():
            raise InvalidOption(f"rule {item['name']!r}: missing 'where' condition")
        rules.append(Rule(item["name"], item["where"]))
    mode = data.get("mode", "first")
    _check_mode(mode)
    default = data.get("default")
    return RuleSet(
        tuple(rules),
        mode,
        str(data.get("column", "segment")),
        None if default is None else str(default),
    )


def _check_mode(mode: object) -> None:
    if mode not in ("first", "all"):
        raise InvalidOption("mode must be 'first' (first matching segment) or 'all' (list of all)")


def load_rules(path: str | Path) -> RuleSet:
    """Read a TOML rule file."""
    return rules_from_dict(load_toml(path, what="rule file"))


def _compile(rule: Rule, frame: pl.DataFrame | pl.LazyFrame) -> pl.Expr:
    try:
        expr = pl.sql_expr(rule.where)
    except Exception as exc:  # noqa: BLE001 - polars raises several SQL error types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidOption(f"rule {rule.name!r}: cannot read the condition ({first})") from None
    names = column_names(frame)
    for column in expr.meta.root_names():
        if column not in names:
            raise InvalidOption(
                f"rule {rule.name!r}: column {show_column(column, names)} not found; "
                f"available columns: {show_columns(names, limit=30)}"
            )
    try:
        frame.lazy().head(0).select(expr.cast(pl.Boolean)).collect()
    except Exception as exc:  # noqa: BLE001
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        cols = show_columns(expr.meta.root_names())
        raise InvalidOption(
            f"rule {rule.name!r}: the condition does not work on column(s) {cols}: {first}"
        ) from None
    return expr.cast(pl.Boolean)


def apply_rules(
    frame: pl.DataFrame | pl.LazyFrame,
    rules: RuleSet | str | Path,
    *,
    mode: str | None = None,
    column: str | None = None,
    default: str | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Add a segment column from ordered rules (a :class:`RuleSet` or a TOML path).

    ``mode="first"`` gives the first matching segment name (``default`` when none matches);
    ``mode="all"`` gives the list of every matching name. Options override the file.
    A bad rule raises :class:`~custdata.errors.InvalidOption` naming the rule and the column.

    >>> df = pl.DataFrame({"age": [15, 30, 70], "city": ["Москва", "Москва", "Киев"]})
    >>> rs = rules_from_dict({"segment": [{"name": "young Moscow", "where": "age < 35 and city = 'Москва'"},
    ...                                  {"name": "adult", "where": "age >= 18"}], "default": "other"})
    >>> apply_rules(df, rs)["segment"].to_list()
    ['young Moscow', 'young Moscow', 'adult']
    >>> apply_rules(df, rs, mode="all")["segment"].to_list()
    [['young Moscow'], ['young Moscow', 'adult'], ['adult']]
    """
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    mode = mode or ruleset.mode
    _check_mode(mode)
    out_col = column or ruleset.column
    label = default if default is not None else ruleset.default
    conditions = [(rule.name, _compile(rule, frame)) for rule in ruleset.rules]
    if mode == "first":
        expr: Any = None
        for name, cond in conditions:
            expr = (pl.when(cond) if expr is None else expr.when(cond)).then(pl.lit(name))
        result = expr.otherwise(pl.lit(label, dtype=pl.String))
    else:
        result = pl.concat_list(
            [pl.when(cond).then(pl.lit(name)).otherwise(None) for name, cond in conditions]
        ).list.drop_nulls()
    return frame.with_columns(result.alias(out_col))


def _age_band(age: pl.Expr) -> pl.Expr:
    expr: Any = None
    for low, label in reversed(AGE_BANDS):
        cond = age >= low
        expr = (pl.when(cond) if expr is None else expr.when(cond)).then(pl.lit(label))
    return expr.otherwise(None)


def customer_fields(
    customers: pl.DataFrame,
    *,
    id: str | None = None,
    birth_date: str | None = None,
    gender: str | None = None,
    name: str | None = None,
    rfm: pl.DataFrame | None = None,
    as_of: str | dt.date | None = None,
) -> pl.DataFrame:
    """Add the fields rules use: ``age`` and ``age_band`` (from ``birth_date``), ``gender``
    (``male``/``female``/null from a ``gender`` column, or from ``name`` through the name
    normalizer), and, with an ``rfm`` table joined on ``id``, ``days_since_last_order``,
    ``order_count``, ``total_spend``, ``average_order_value``, scores, ``rfm_code`` and
    ``rfm_segment`` (customers without orders get ``order_count`` 0, ``total_spend`` 0 and
    ``rfm_segment`` ``No purchases``).

    >>> people = pl.DataFrame({"id": ["a", "b"], "born": ["1990-05-01", "01.02.2010"]})
    >>> customer_fields(people, birth_date="born", as_of="2024-06-01").select("age", "age_band").rows()
    [(34, '25-34'), (14, '<18')]
    """
    check_columns(customers, [c for c in (id, birth_date, gender, name) if c])
    today = as_of_date(as_of) or dt.date.today()
    out = customers
    if birth_date:
        born = parse_date(birth_date)
        age = (
            pl.lit(today.year)
            - born.dt.year()
            - pl.when(
                (born.dt.month() > today.month)
                | ((born.dt.month() == today.month) & (born.dt.day() > today.day))
            )
            .then(1)
            .otherwise(0)
        ).cast(pl.Int32)
        age = pl.when((age >= 0) & (age <= 120)).then(age)
        out = out.with_columns(age.alias("age")).with_columns(
            _age_band(pl.col("age")).alias("age_band")
        )
    if gender:
        out = out.with_columns(
            normalize_gender(gender).alias("gender" if gender != "gender" else "gender_code")
        )
    elif name:
        from custdata.normalize.name import names as normalize_names

        parsed = normalize_names(out.select(name), name)
        guessed = parsed.get_column(f"{name}_gender")
        out = out.with_columns(
            pl.when(guessed.is_in(["male", "female"])).then(guessed).otherwise(None).alias("gender")
        )
    if rfm is not None:
        if id is None:
            raise InvalidOption("joining RFM fields needs the customer id column (--id)")
        key = rfm.columns[0]
        fields = rfm.select(
            pl.col(key).cast(pl.String).alias("__id"),
            *[pl.col(src).alias(dst) for src, dst in RFM_FIELDS.items() if src in rfm.columns],
        )
        clash = [c for c in fields.columns if c in out.columns and c != "__id"]
        out = (
            out.with_columns(pl.col(id).cast(pl.String).alias("__id"))
            .join(fields.drop(clash), on="__id", how="left", maintain_order="left")
            .drop("__id")
        )
        fill = {"order_count": 0, "total_spend": 0.0, "rfm_segment": "No purchases"}
        out = out.with_columns(
            [pl.col(c).fill_null(v) for c, v in fill.items() if c in out.columns and c not in clash]
        )
    return out
