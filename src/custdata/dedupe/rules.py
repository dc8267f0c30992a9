"""Deterministic rules the user states, composable with ``&``, ``|``, ``~`` (And/Or/Not).

Two uses:

* **match rules**: a pair satisfying any of them is a match whatever the model says
  (``Exact("email")``: same canonical email -> same person);
* **distinct rules** ("cannot-link"): a pair satisfying any of them is never merged, directly or
  through a chain. The defaults encode what tells relatives apart: a different first name *and*
  a different birth date is a different person, even at the same phone, address and surname.

A rule reads the pairs table: ``<key>_l`` / ``<key>_r`` key columns and one level column per
comparison (see :mod:`custdata.dedupe.comparison`). Field names accept the short aliases used
on the command line and in TOML files: ``email``, ``phone``, ``name``, ``first_name``,
``surname``, ``middle_name``, ``birth_date``, ``address``, ``city``, ``gender``.

>>> r = parse_rule("email") | parse_rule("name~0.9,birth_date")
>>> r
Or(rules=(Exact(field='email'), And(rules=(Fuzzy(field='name', threshold=0.9), Exact(field='birth_date')))))
>>> sorted(r.key_columns())
['birth_date', 'email', 'full_name_key']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from custdata.errors import InvalidOption

#: Short field names -> key columns of the key frame.
FIELD_ALIASES: dict[str, str] = {
    "email": "email",
    "phone": "phone",
    "name": "full_name_key",
    "full_name": "full_name_key",
    "first_name": "first_name_key",
    "first": "first_name_key",
    "surname": "surname_key",
    "last_name": "surname_key",
    "last": "surname_key",
    "middle_name": "middle_name_key",
    "patronymic": "middle_name_key",
    "birth_date": "birth_date",
    "dob": "birth_date",
    "address": "address_key",
    "city": "city_key",
    "gender": "gender",
}


def key_column(field: str) -> str:
    """The key column a field name refers to.

    >>> key_column("surname"), key_column("postcode")
    ('surname_key', 'postcode')
    """
    return FIELD_ALIASES.get(field, field)


class Rule:
    """Base class of rules: an expression over the pairs table, true where the rule holds."""

    def expr(self) -> pl.Expr:  # pragma: no cover - abstract
        raise InvalidOption(f"{type(self).__name__} is not a usable rule")

    def key_columns(self) -> set[str]:
        """Key columns (without ``_l``/``_r``) the rule reads."""
        return set()

    def level_columns(self) -> set[str]:
        """Comparison level columns the rule reads."""
        return set()

    def __and__(self, other: Rule) -> Rule:
        return And((self, other))

    def __or__(self, other: Rule) -> Rule:
        return Or((self, other))

    def __invert__(self) -> Rule:
        return Not(self)

    def describe(self) -> str:
        """Short text used in ``match_reason`` (``rule:email``)."""
        return repr(self)


@dataclass(frozen=True, repr=True)
class Exact(Rule):
    """Both key values present and equal."""

    field: str

    def expr(self) -> pl.Expr:
        k = key_column(self.field)
        return (pl.col(f"{k}_l") == pl.col(f"{k}_r")).fill_null(False)

    def key_columns(self) -> set[str]:
        return {key_column(self.field)}

    def describe(self) -> str:
        return self.field


@dataclass(frozen=True, repr=True)
class Fuzzy(Rule):
    """Jaro-Winkler similarity of the two key values at least ``threshold``."""

    field: str
    threshold: float = 0.9

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1:
            raise InvalidOption(f"fuzzy threshold must be in (0, 1], e.g. {self.field}~0.9")

    def expr(self) -> pl.Expr:
        k = key_column(self.field)
        t = self.threshold

        def score(s: pl.Series) -> pl.Series:
            left, right = s.struct.field("l"), s.struct.field("r")
            ok = (left.is_not_null() & right.is_not_null()).to_numpy()
            out = np.zeros(len(s), dtype=bool)
            idx = np.flatnonzero(ok)
            if idx.size:
                sel = pl.Series(idx)
                sims = process.cpdist(
                    left.gather(sel).cast(pl.String).to_list(),
                    right.gather(sel).cast(pl.String).to_list(),
                    scorer=JaroWinkler.normalized_similarity,
                    workers=-1,
                )
                out[idx] = sims >= t
            return pl.Series(out)

        return pl.struct(l=pl.col(f"{k}_l"), r=pl.col(f"{k}_r")).map_batches(
            score, return_dtype=pl.Boolean
        )

    def key_columns(self) -> set[str]:
        return {key_column(self.field)}

    def describe(self) -> str:
        return f"{self.field}~{self.threshold:g}"


@dataclass(frozen=True, repr=True)
class Level(Rule):
    """The comparison's level is within ``[at_least, at_most]`` (a null level never is)."""

    comparison: str
    at_least: int | None = None
    at_most: int | None = None

    def expr(self) -> pl.Expr:
        lv = pl.col(self.comparison)
        cond = lv >= 0
        if self.at_least is not None:
            cond = cond & (lv >= self.at_least)
        if self.at_most is not None:
            cond = cond & (lv <= self.at_most)
        return cond.fill_null(False)

    def level_columns(self) -> set[str]:
        return {self.comparison}

    def describe(self) -> str:
        lo = "" if self.at_least is None else f">={self.at_least}"
        hi = "" if self.at_most is None else f"<={self.at_most}"
        return f"{self.comparison}{lo}{hi}"


@dataclass(frozen=True, repr=True)
class YearsApart(Rule):
    """Both dates present and at least ``years`` apart (a generation, not a typo).

    >>> import datetime as dt
    >>> ctx = pl.DataFrame({"birth_date_l": [dt.date(1960, 1, 1), dt.date(1990, 1, 1)],
    ...                     "birth_date_r": [dt.date(1990, 1, 1), dt.date(1991, 1, 1)]})
    >>> ctx.select(YearsApart("birth_date", 10).expr()).to_series().to_list()
    [True, False]
    """

    field: str
    years: int = 10

    def expr(self) -> pl.Expr:
        k = key_column(self.field)
        days = (pl.col(f"{k}_l") - pl.col(f"{k}_r")).dt.total_days().abs()
        return (days >= int(self.years * 365.25)).fill_null(False)

    def key_columns(self) -> set[str]:
        return {key_column(self.field)}

    def describe(self) -> str:
        return f"{self.field}>={self.years}y"


@dataclass(frozen=True, repr=True)
class And(Rule):
    """All rules hold."""

    rules: tuple[Rule, ...]

    def expr(self) -> pl.Expr:
        return pl.all_horizontal([r.expr() for r in self.rules])

    def key_columns(self) -> set[str]:
        return set().union(*(r.key_columns() for r in self.rules))

    def level_columns(self) -> set[str]:
        return set().union(*(r.level_columns() for r in self.rules))

    def describe(self) -> str:
        return ",".join(r.describe() for r in self.rules)


@dataclass(frozen=True, repr=True)
class Or(Rule):
    """At least one rule holds."""

    rules: tuple[Rule, ...]

    def expr(self) -> pl.Expr:
        return pl.any_horizontal([r.expr() for r in self.rules])

    def key_columns(self) -> set[str]:
        return set().union(*(r.key_columns() for r in self.rules))

    def level_columns(self) -> set[str]:
        return set().union(*(r.level_columns() for r in self.rules))

    def describe(self) -> str:
        return " | ".join(r.describe() for r in self.rules)


@dataclass(frozen=True, repr=True)
class Not(Rule):
    """The rule does not hold."""

    rule: Rule

    def expr(self) -> pl.Expr:
        return ~self.rule.expr()

    def key_columns(self) -> set[str]:
        return self.rule.key_columns()

    def level_columns(self) -> set[str]:
        return self.rule.level_columns()

    def describe(self) -> str:
        return f"!{self.rule.describe()}"


_LEVEL_TERM = re.compile(r"^([\w.-]+)\s*(<=|>=)\s*(-?\d+)$")
_YEARS_TERM = re.compile(r"^([\w.-]+)\s*>=\s*(\d+)y$")


def parse_rule(text: str) -> Rule:
    """Parse the rule mini-language of the CLI and TOML files.

    ``field`` = exact, ``field~0.9`` = Jaro-Winkler at least 0.9, ``comparison<=0`` /
    ``comparison>=2`` = the comparison's level, ``!term`` = not, ``a,b`` = both, ``a | b`` =
    either.

    >>> parse_rule("surname,first_name~0.9,!birth_date")
    And(rules=(Exact(field='surname'), Fuzzy(field='first_name', threshold=0.9), Not(rule=Exact(field='birth_date'))))
    >>> parse_rule("first_name<=0,birth_date<=1")  # doctest: +NORMALIZE_WHITESPACE
    And(rules=(Level(comparison='first_name', at_least=None, at_most=0),
               Level(comparison='birth_date', at_least=None, at_most=1)))
    >>> parse_rule("")
    Traceback (most recent call last):
    ...
    custdata.errors.InvalidOption: empty rule: write e.g. 'email' or 'name~0.92,birth_date'
    """
    alternatives = [a.strip() for a in text.split("|")]
    if not text.strip() or any(not a for a in alternatives):
        raise InvalidOption("empty rule: write e.g. 'email' or 'name~0.92,birth_date'")
    parsed: list[Rule] = []
    for alt in alternatives:
        terms: list[Rule] = []
        for raw in alt.split(","):
            term = raw.strip()
            negate = term.startswith("!")
            term = term.lstrip("!").strip()
            if not term:
                raise InvalidOption(f"empty term in rule {text!r}: write e.g. 'email,phone'")
            level = _LEVEL_TERM.match(term)
            years = _YEARS_TERM.match(term)
            rule: Rule
            if years:
                rule = YearsApart(years.group(1), int(years.group(2)))
            elif level:
                cmp_name, op, num = level.group(1), level.group(2), int(level.group(3))
                rule = Level(cmp_name, at_least=num) if op == ">=" else Level(cmp_name, at_most=num)
            elif "~" in term:
                fld, _, thr = term.partition("~")
                try:
                    threshold = float(thr)
                except ValueError:
                    raise InvalidOption(
                        f"bad threshold in rule term {term!r}: write e.g. {fld.strip()}~0.9"
                    ) from None
                rule = Fuzzy(fld.strip(), threshold)
            else:
                rule = Exact(term)
            terms.append(Not(rule) if negate else rule)
        parsed.append(terms[0] if len(terms) == 1 else And(tuple(terms)))
    return parsed[0] if len(parsed) == 1 else Or(tuple(parsed))


def rule_exact_keys(rule: Rule) -> list[tuple[str, ...]]:
    """Key tuples on which a match rule can only hold when equal (for blocking on the rule).

    An exact term gives its key; an And of exact terms their tuple; an Or each alternative.
    A rule with a fuzzy or negated part gives nothing (it would not block safely).

    >>> rule_exact_keys(parse_rule("email | soc_sec_id,birth_date"))
    [('email',), ('soc_sec_id', 'birth_date')]
    >>> rule_exact_keys(parse_rule("name~0.9,birth_date"))
    []
    """
    if isinstance(rule, Exact):
        return [(key_column(rule.field),)]
    if isinstance(rule, Or):
        return [k for r in rule.rules for k in rule_exact_keys(r)]
    if isinstance(rule, And) and all(isinstance(r, Exact) for r in rule.rules):
        return [tuple(key_column(r.field) for r in rule.rules if isinstance(r, Exact))]
    return []


def as_rules(rules: Rule | str | Sequence[Rule | str] | None) -> list[Rule]:
    """Accept one rule, a rule string or a list of them.

    >>> as_rules("email")
    [Exact(field='email')]
    """
    if rules is None:
        return []
    if isinstance(rules, (Rule, str)):
        rules = [rules]
    return [parse_rule(r) if isinstance(r, str) else r for r in rules]
