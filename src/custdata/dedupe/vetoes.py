"""The default "never merge" rules (vetoes) and the evidence that switches them on.

A pair a veto holds is never merged, directly or through a chain: different first names with a
different gender, a generation between two birth dates, two sites of one organization at
different houses, and so on; strong identity agreement (same email key, same phone and full name,
same id) overrides a conflict that looks like a typo. The rule language itself (``Exact``,
``Level``, ``And``...) is in :mod:`custdata.dedupe.rules`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from custdata.dedupe.rules import (
    And,
    Exact,
    Fuzzy,
    Level,
    Not,
    Or,
    Rule,
    YearsApart,
    key_column,
)


@dataclass(frozen=True, repr=True)
class SameDayMonth(Rule):
    """Both dates present with the same day and month (only the year differs: a typo-like slip).

    >>> import datetime as dt
    >>> ctx = pl.DataFrame({"birth_date_l": [dt.date(1995, 6, 24), dt.date(1995, 6, 24)],
    ...                     "birth_date_r": [dt.date(2005, 6, 24), dt.date(1995, 7, 1)]})
    >>> ctx.select(SameDayMonth("birth_date").expr()).to_series().to_list()
    [True, False]
    """

    field: str

    def expr(self) -> pl.Expr:
        k = key_column(self.field)
        left, right = pl.col(f"{k}_l"), pl.col(f"{k}_r")
        same = (left.dt.month() == right.dt.month()) & (left.dt.day() == right.dt.day())
        return same.fill_null(False)

    def key_columns(self) -> set[str]:
        return {key_column(self.field)}

    def describe(self) -> str:
        return f"{self.field}:same_day_month"


@dataclass(frozen=True, repr=True)
class Veto(Rule):
    """A named cannot-link rule: ``when`` holds and ``unless`` does not.

    ``unless`` is the evidence that overrides the conflict (strong identity agreement on a
    conflict that looks like a typo). :meth:`describe` is the name, which the pairs table shows.
    """

    name: str
    when: Rule
    unless: Rule | None = None

    def expr(self) -> pl.Expr:
        fires = self.when.expr()
        if self.unless is not None:
            fires = fires & ~self.unless.expr().fill_null(False)
        return fires

    def key_columns(self) -> set[str]:
        extra = self.unless.key_columns() if self.unless is not None else set()
        return self.when.key_columns() | extra

    def level_columns(self) -> set[str]:
        extra = self.unless.level_columns() if self.unless is not None else set()
        return self.when.level_columns() | extra

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True, repr=True)
class DifferentHouse(Rule):
    """Both address keys are parsed buildings (``street|type|house|building``, the
    ``house_key`` of :mod:`custdata.normalize.address`) and they are different buildings: the
    numbers of the houses or of the buildings differ (both present). The street's name is left
    to the address comparison (a typo in it is not another building).

    >>> ctx = pl.DataFrame({"address_key_l": ["oak||165|", "oak||165|", "oak||170|2", "12 oak st"],
    ...                     "address_key_r": ["oak||154|", "oak|street|165-3|", "oak||170|3", "14 oak st"]})
    >>> ctx.select(DifferentHouse("address").expr()).to_series().to_list()
    [True, False, True, False]
    """

    field: str

    def expr(self) -> pl.Expr:
        k = key_column(self.field)
        left, right = pl.col(f"{k}_l"), pl.col(f"{k}_r")

        def part(side: pl.Expr, i: int) -> pl.Expr:
            return side.str.split("|").list.get(i, null_on_oob=True)

        def differ(i: int) -> pl.Expr:
            # the number itself: "170" = "170-519" (a flat written onto the house number)
            a = part(left, i).str.extract(r"^(\d+)")
            b = part(right, i).str.extract(r"^(\d+)")
            return a != b

        parsed = left.str.contains("|", literal=True) & right.str.contains("|", literal=True)
        return (parsed & (differ(2) | differ(3))).fill_null(False)

    def key_columns(self) -> set[str]:
        return {key_column(self.field)}

    def describe(self) -> str:
        return f"{self.field}:different_house"


@dataclass(frozen=True, repr=True)
class Unlike(Rule):
    """Both key values present and not even partly alike: the best-matching substring
    similarity (``rapidfuzz.fuzz.partial_ratio``) below ``threshold``. ``alfa`` / ``alfaservis``
    and ``ap smirnov`` / ``aleksei petrovich smirnov`` are alike; ``romashka`` / ``lutik`` not.

    >>> ctx = pl.DataFrame({"org_key_l": ["alfa", "romashka", None], "org_key_r": ["alfaservis", "lutik", "x"]})
    >>> ctx.select(Unlike("org_key", 0.6).expr()).to_series().to_list()
    [False, True, False]
    """

    field: str
    threshold: float = 0.6

    def expr(self) -> pl.Expr:
        k = key_column(self.field)
        t = self.threshold * 100

        def score(s: pl.Series) -> pl.Series:
            left, right = s.struct.field("l").to_list(), s.struct.field("r").to_list()
            return pl.Series(
                [
                    a is not None and b is not None and fuzz.partial_ratio(a, b) < t
                    for a, b in zip(left, right, strict=True)
                ],
                dtype=pl.Boolean,
            )

        return pl.struct(l=pl.col(f"{k}_l"), r=pl.col(f"{k}_r")).map_batches(
            score, return_dtype=pl.Boolean
        )

    def key_columns(self) -> set[str]:
        return {key_column(self.field)}

    def describe(self) -> str:
        return f"{self.field}:unlike<{self.threshold:g}"


def _abbreviates(short: str, long: str) -> bool:
    """``short`` is ``long`` shortened: same first letter, its letters in order (``intl``)."""
    if len(short) < 3 or len(short) >= len(long) or short[0] != long[0]:
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


def _own_words(words: list[str], other: list[str]) -> list[str]:
    """Words of ``words`` (3+ letters) with no counterpart in ``other``: not equal, not a typo
    away (one edit or swap, or ratio >= 70: ``souz``/``osuz``, ``poiner``/``pener``), not an
    abbreviation of it either way (``intl`` / ``international``)."""
    out = []
    for w in words:
        if len(w) < 3 or not w.isalpha():
            continue
        if any(
            w == o
            or fuzz.ratio(w, o) >= 70
            or OSA.distance(w, o) <= 1
            or _abbreviates(w, o)
            or _abbreviates(o, w)
            for o in other
        ):
            continue
        out.append(w)
    return out


def word_conflict(a: str | None, b: str | None) -> bool:
    """Both names have a word of their own the other lacks: two names for two things
    (``cafe ritz carlton`` / ``restaurant ritz carlton``), not one name written longer
    (``ritz carlton`` / ``ritz carlton restaurant``) or with a typo (``granite`` / ``grainte``).

    >>> word_conflict("cafe carlton ritz", "carlton restaurant ritz")
    True
    >>> word_conflict("carlton ritz", "atlanta carlton restaurant ritz")
    False
    >>> word_conflict("granite labs", "grainte labs"), word_conflict("intl trade", "international trade")
    (False, False)
    """
    if a is None or b is None:
        return False
    wa, wb = a.split(), b.split()
    return bool(_own_words(wa, wb)) and bool(_own_words(wb, wa))


@dataclass(frozen=True, repr=True)
class WordConflict(Rule):
    """Both key values present and each has a word of its own (see :func:`word_conflict`).

    >>> ctx = pl.DataFrame({"org_key_l": ["cafe ritz", "ritz", None], "org_key_r": ["dining ritz", "ritz room", "x"]})
    >>> ctx.select(WordConflict("org_key").expr()).to_series().to_list()
    [True, False, False]
    """

    field: str

    def expr(self) -> pl.Expr:
        k = key_column(self.field)

        def score(s: pl.Series) -> pl.Series:
            left, right = s.struct.field("l").to_list(), s.struct.field("r").to_list()
            return pl.Series(
                [word_conflict(a, b) for a, b in zip(left, right, strict=True)], dtype=pl.Boolean
            )

        return pl.struct(l=pl.col(f"{k}_l"), r=pl.col(f"{k}_r")).map_batches(
            score, return_dtype=pl.Boolean
        )

    def key_columns(self) -> set[str]:
        return {key_column(self.field)}

    def describe(self) -> str:
        return f"{self.field}:word_conflict"


@dataclass(frozen=True, repr=True)
class SameDigits(Rule):
    """Both values are the same number once compacted by ``normalize ids``' cleaner
    (``ИНН 7707083893`` = ``7707 083 893``; letters of a УНП or UK company number count).

    >>> ctx = pl.DataFrame({"tax_id_l": ["inn 7707083893", "12"], "tax_id_r": ["7707 083 893", "13"]})
    >>> ctx.select(SameDigits("tax_id").expr()).to_series().to_list()
    [True, False]
    """

    field: str

    def expr(self) -> pl.Expr:
        from custdata.normalize.ids import compact_id_expr

        k = key_column(self.field)
        a = compact_id_expr(pl.col(f"{k}_l"))
        b = compact_id_expr(pl.col(f"{k}_r"))
        return (a == b).fill_null(False)

    def key_columns(self) -> set[str]:
        return {key_column(self.field)}

    def describe(self) -> str:
        return f"{self.field}:same_digits"


#: Top level (exact) of the standard comparisons, when only their names are known.
_TOP_LEVEL = {"email": 2, "phone": 2, "first_name": 3, "surname": 3}
#: Key of the first name without diminutive folding (built by prepare; see FIRST_NAME_TEXT).
_FIRST_TEXT = "_first_name_text"


def strong_identity(tops: Mapping[str, int]) -> Rule | None:
    """Agreement that identifies a person whatever one other field says.

    The same email key, the same phone with the same first name and surname, or the same named
    identifier (``id``, ``id_2``, ...). ``tops`` maps the comparisons present to their top level.

    >>> strong_identity({"email": 2, "phone": 2, "first_name": 3, "surname": 3}).describe()
    'email>=2 | phone>=2,first_name>=3,surname>=3'
    """
    parts: list[Rule] = []
    if "email" in tops:
        parts.append(Level("email", at_least=tops["email"]))
    if {"phone", "first_name", "surname"} <= set(tops):
        parts.append(
            And(tuple(Level(n, at_least=tops[n]) for n in ("phone", "first_name", "surname")))
        )
    for name in sorted(tops):
        if re.fullmatch(r"(id|tax_id)(_\d+)?", name):
            parts.append(Level(name, at_least=tops[name]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Or(tuple(parts))


def default_distinct_rules(
    comparisons: Sequence[str] | Mapping[str, int],
    *,
    households: bool = True,
    keys: Sequence[str] = (),
) -> list[Rule]:
    """Cannot-link rules that tell relatives apart, for the comparisons present.

    ``comparisons``: their names, or names -> top level. ``keys``: key columns built (the
    overrides need the unfolded first name, ``_first_name_text``).

    Always (both values present and not even a fuzzy/translit/diminutive/initial match):

    * ``different_first_name``: different first names and birth dates more than a typo apart;
    * ``different_patronymic``: different patronymics and birth dates more than a typo apart
      (father and son, both Ivan);
    * ``different_gender``: different first name and different gender (twins of opposite sex);
    * ``different_site``: with an organization name, different addresses (branches of one
      company are different sites, though they share its name, tax id and head office phone);
    * ``different_house``: with an organization name, two parsed buildings with different
      house or building numbers, however close the addresses' spelling;
    * ``other_org_same_site``: clearly different organization names at one building (a shared
      phone alone does not merge them) unless the tax id or the e-mail agrees;
    * ``other_org_same_phone``: organization names that each have a word of their own
      (:func:`word_conflict`) behind one phone (a switchboard) unless the tax id or the e-mail
      agrees.

    With ``households=True`` (the data has relatives sharing contacts, see
    :func:`household_evidence`), stricter, because a shared phone and address then prove
    nothing:

    * ``different_first_name``: different first names (or patronymics) unless the birth dates
      agree up to one typo (a missing birth date no longer saves the pair);
    * ``generation_apart``: birth dates a generation apart (10+ years, not a typo or a
      day/month swap): father and son with the same name.

    A missing value is never a conflict (a rule on a null level does not hold). Strong identity
    (:func:`strong_identity`) overrides a conflict that looks like a typo: first names close in
    spelling before diminutive folding (``LARYR``/``Larry``), or birth dates that differ only in
    the year (``1995-06-24``/``2005-06-24``).

    >>> [r.describe() for r in default_distinct_rules(["first_name", "birth_date", "gender"])]
    ['different_first_name', 'generation_apart', 'different_gender']
    >>> [r.when.describe() for r in default_distinct_rules(["first_name", "birth_date"], households=False)]
    ['first_name<=0,birth_date<=1']
    """
    tops = (
        dict(comparisons)
        if isinstance(comparisons, Mapping)
        else {c: _TOP_LEVEL.get(c, 1) for c in comparisons}
    )
    have = set(tops)
    strong = strong_identity(tops)
    first_typo: Rule | None = None
    if strong is not None and _FIRST_TEXT in keys:
        first_typo = strong & Fuzzy(_FIRST_TEXT, 0.85)
    out: list[Rule] = []
    dob = "birth_date" in have
    for name in ("first_name", "middle_name"):
        if name not in have:
            continue
        rule_name = "different_first_name" if name == "first_name" else "different_patronymic"
        unless = first_typo if name == "first_name" else None
        conflict = Level(name, at_most=0)
        if not dob:
            if households:
                out.append(Veto(rule_name, conflict, unless))
        elif households:
            out.append(Veto(rule_name, conflict & Not(Level("birth_date", at_least=3)), unless))
        else:
            if unless is not None:
                unless = unless & SameDayMonth("birth_date")
            out.append(Veto(rule_name, conflict & Level("birth_date", at_most=1), unless))
    if dob and households:
        unless = strong & SameDayMonth("birth_date") if strong is not None else None
        out.append(
            Veto(
                "generation_apart",
                Level("birth_date", at_most=0) & YearsApart("birth_date", 10),
                unless,
            )
        )
    if {"first_name", "gender"} <= have:
        out.append(
            Veto(
                "different_gender",
                Level("first_name", at_most=0) & Level("gender", at_most=0),
                first_typo,
            )
        )
    if {"org_name", "address"} <= have:
        # Organizations: branches share the name, the tax id, the head office's phone and
        # e-mail; two different street addresses (both present) are two sites.
        out.append(Veto("different_site", Level("address", at_most=0)))
        # two parsed buildings that differ (the street's spelling may be close: Oak St 165 /
        # Oak Street 154) are two sites too
        out.append(Veto("different_house", DifferentHouse("address")))
        # two clearly different names at one building are two organizations, whatever phone
        # they share (a business centre's switchboard), unless a tax id or e-mail says otherwise
        same_id: list[Rule] = [SameDigits("tax_id")] if "tax_id" in have else []
        same_id += [Exact("email")] if "email" in have else []
        out.append(
            Veto(
                "other_org_same_site",
                Level("org_name", at_most=0) & Unlike("org_key", 0.6) & Exact("address"),
                (same_id[0] if len(same_id) == 1 else Or(tuple(same_id))) if same_id else None,
            )
        )
    if {"org_name", "phone"} <= have:
        # A shared phone is a switchboard (a hotel's restaurants, a business centre, a group's
        # head office): two names that each have a word of their own behind it are two
        # organizations (Ritz-Carlton Cafe / Ritz-Carlton Dining Room), as two first names
        # behind one phone are two people; unless the tax id or the e-mail agrees.
        ids: list[Rule] = [SameDigits("tax_id")] if "tax_id" in have else []
        ids += [Exact("email")] if "email" in have else []
        out.append(
            Veto(
                "other_org_same_phone",
                WordConflict("org_key") & Level("phone", at_least=tops["phone"]),
                (ids[0] if len(ids) == 1 else Or(tuple(ids))) if ids else None,
            )
        )
    return out


def household_evidence(levels: pl.DataFrame, *, counts: str | None = None) -> float:
    """Share of obvious relatives among candidate pairs that share a phone, email or address.

    "Obvious relatives": first names and birth dates both present and both different. When
    more than a few percent of the pairs sharing contacts are such pairs, the data has
    households, and a shared contact is weak evidence (:func:`default_distinct_rules` becomes
    stricter). Returns 0.0 when the data has no first names or birth dates. ``counts``: the
    column saying how many pairs have each row's levels (a pattern-count table).

    >>> lv = pl.DataFrame({"phone": [2, 2, 2, 0], "first_name": [3, 0, 0, 0], "birth_date": [4, 0, 1, 0]})
    >>> household_evidence(lv)
    0.6666666666666666
    """
    if not {"first_name", "birth_date"} <= set(levels.columns) or levels.height == 0:
        return 0.0
    contact = pl.lit(False)
    for name in ("phone", "email", "address"):
        if name in levels.columns:
            top = cast("int | None", levels[name].max())
            if top is not None and top > 0:
                contact = contact | (pl.col(name) == top)
    both = (pl.col("first_name") >= 0) & (pl.col("birth_date") >= 0)
    rel = (pl.col("first_name") == 0) & (pl.col("birth_date") <= 1)
    if counts is None:
        stats = levels.filter(contact & both).select(n=pl.len(), rel=rel.sum())
    else:  # a pattern-count table: ``counts`` pairs have each row's levels
        weight = pl.col(counts).cast(pl.Int64)
        stats = levels.filter(contact & both).select(
            n=weight.sum(), rel=pl.when(rel).then(weight).otherwise(0).sum()
        )
    n, rel = stats.row(0)
    return float(rel) / n if n else 0.0
