"""Comparisons: how two values of one field agree, as an ordered level (Splink's vocabulary).

Each comparison turns two aligned columns (left and right record of every candidate pair) into
one small integer per pair: ``-1`` when either side is null (no evidence either way), ``0`` when
the values disagree, and higher levels for stronger agreement, the top level being an exact
match. String similarity is computed in batch with :func:`rapidfuzz.process.cpdist` (C++,
all cores), only for pairs that are neither null nor exactly equal.

>>> import polars as pl
>>> c = NameComparison("first_name_key")
>>> c.levels(pl.Series(["ivan", "ivan", "ivan", None]), pl.Series(["ivan", "ivn", "olga", "x"])).to_list()
[3, 2, 0, -1]
>>> c.labels
('else', 'jaro_winkler>=0.8', 'jaro_winkler>=0.92', 'exact')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler

from custdata.errors import InvalidOption

NULL_LEVEL = -1


def _batch_scores(left: pl.Series, right: pl.Series, mask: np.ndarray, scorer) -> np.ndarray:
    """Scores of ``scorer`` for the pairs where ``mask`` is true (0 elsewhere), vectorized."""
    out = np.zeros(len(left), dtype=np.float32)
    idx = np.flatnonzero(mask)
    if not idx.size:
        return out
    sel = pl.Series(idx)
    pairs = pl.DataFrame(
        {"l": left.gather(sel).cast(pl.String), "r": right.gather(sel).cast(pl.String)}
    )
    # each distinct pair of values scored once: names and cities repeat across pairs
    distinct = pairs.unique()
    if distinct.height > 0.8 * pairs.height:
        distinct = pairs
    scores = process.cpdist(
        distinct["l"].to_list(),
        distinct["r"].to_list(),
        scorer=scorer,
        workers=-1,
        dtype=np.float32,
    )
    if distinct is not pairs:
        scored = distinct.with_columns(_s=pl.Series(scores, dtype=pl.Float32))
        joined = pairs.join(
            scored, on=["l", "r"], how="left", nulls_equal=True, maintain_order="left"
        )
        scores = joined["_s"].to_numpy()
    out[idx] = scores
    return out


def _null_and_equal(left: pl.Series, right: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    null = (left.is_null() | right.is_null()).to_numpy()
    equal = (left == right).fill_null(False).to_numpy()
    return null, equal


@dataclass(frozen=True)
class Comparison:
    """Base class: a named comparison of one key column. Subclasses define :meth:`levels`."""

    column: str
    name: str | None = None
    #: Apply a term-frequency adjustment to the exact level (common values weigh less).
    term_frequency: bool = False

    @property
    def output(self) -> str:
        """Name of the level column in the pairs table (defaults to the key column)."""
        return self.name or self.column

    @property
    def labels(self) -> tuple[str, ...]:
        """Label of each level, index = level (0 = values differ, last = exact)."""
        return ("else", "exact")

    @property
    def n_levels(self) -> int:
        return len(self.labels)

    @property
    def monotone(self) -> bool:
        """True when no level may weigh more than a level above it (the model caps it)."""
        return False

    def levels(self, left: pl.Series, right: pl.Series) -> pl.Series:
        """Level of every pair (``-1`` null, ``0`` else, last = exact) as an Int8 series."""
        null, equal = _null_and_equal(left, right)
        return self._finish(np.where(equal, 1, 0), null)

    def _finish(self, level: np.ndarray, null: np.ndarray) -> pl.Series:
        return pl.Series(self.output, np.where(null, NULL_LEVEL, level).astype(np.int8))

    def to_dict(self) -> dict:
        """The comparison as the TOML/dict vocabulary (see :mod:`custdata.dedupe.config`)."""
        out: dict[str, str | bool] = {"type": type(self).__name__, "column": self.column}
        if self.name:
            out["name"] = self.name
        if self.term_frequency:
            out["term_frequency"] = True
        return out


@dataclass(frozen=True)
class ExactMatch(Comparison):
    """Two levels: exact or not.

    >>> ExactMatch("gender").levels(pl.Series(["m", "m", None]), pl.Series(["m", "f", "f"])).to_list()
    [1, 0, -1]
    """


@dataclass(frozen=True)
class JaroWinklerAtThresholds(Comparison):
    """Exact, then Jaro-Winkler similarity at each threshold (highest first), else.

    >>> c = JaroWinklerAtThresholds("city_key", thresholds=(0.9,))
    >>> c.levels(pl.Series(["moskva", "moskva", "kiev"]), pl.Series(["moskva", "moskwa", "lviv"])).to_list()
    [2, 1, 0]
    """

    thresholds: tuple[float, ...] = (0.92, 0.8)

    def __post_init__(self) -> None:
        ts = tuple(float(t) for t in self.thresholds)
        if any(not 0 < t <= 1 for t in ts):
            raise InvalidOption("thresholds must be between 0 and 1, e.g. (0.92, 0.8)")
        object.__setattr__(self, "thresholds", tuple(sorted(ts, reverse=True)))

    @property
    def labels(self) -> tuple[str, ...]:
        return ("else", *[f"jaro_winkler>={t:g}" for t in reversed(self.thresholds)], "exact")

    def similarity(self, left: pl.Series, right: pl.Series, mask: np.ndarray) -> np.ndarray:
        return _batch_scores(left, right, mask, JaroWinkler.normalized_similarity)

    def levels(self, left: pl.Series, right: pl.Series) -> pl.Series:
        null, equal = _null_and_equal(left, right)
        sim = self.similarity(left, right, ~null & ~equal)
        level = np.zeros(len(left), dtype=np.int8)
        for i, t in enumerate(reversed(self.thresholds), start=1):
            level[sim >= t] = i
        level[equal] = len(self.thresholds) + 1
        return self._finish(level, null)

    def to_dict(self) -> dict:
        return super().to_dict() | {"thresholds": list(self.thresholds)}


@dataclass(frozen=True)
class NameComparison(JaroWinklerAtThresholds):
    """Names on their keys (transliterated, diminutives folded): exact, Jaro-Winkler, initials.

    An initial ("I.") agreeing with the other side's first letter, one typo (``Lia``/``Lisa``)
    or one name starting the other (``Tim``/``Timofei``) count as the lowest fuzzy level.
    Term-frequency adjustment is on by default: "Иванов" = "Иванов" weighs less than a rare
    surname.

    >>> c = NameComparison("first_name_key")
    >>> c.levels(pl.Series(["i", "aleksandr"]), pl.Series(["ivan", "aleksandra"])).to_list()
    [1, 2]
    """

    term_frequency: bool = True

    def levels(self, left: pl.Series, right: pl.Series) -> pl.Series:
        base = super().levels(left, right).to_numpy().copy()
        initial = (
            (
                ((left.str.len_chars() == 1) | (right.str.len_chars() == 1))
                & (left.str.slice(0, 1) == right.str.slice(0, 1))
            )
            .fill_null(False)
            .to_numpy()
        )
        base[(base == 0) & initial] = 1
        rest = base == 0
        if rest.any():
            typo = _batch_scores(left, right, rest, OSA.distance) <= 1
            prefix = (
                (
                    (left.str.len_chars() >= 3)
                    & (right.str.len_chars() >= 3)
                    # polars' stubs say str | Expr; a Series of prefixes works (row by row)
                    & (
                        left.str.starts_with(right)  # type: ignore[arg-type]
                        | right.str.starts_with(left)  # type: ignore[arg-type]
                    )
                )
                .fill_null(False)
                .to_numpy()
            )
            base[rest & (typo | prefix)] = 1
        return pl.Series(self.output, base.astype(np.int8))


@dataclass(frozen=True)
class DateComparison(Comparison):
    """Birth dates: exact, one typo, day and month swapped, within a year, else.

    >>> import datetime as dt
    >>> d = lambda s: dt.date.fromisoformat(s)
    >>> left = pl.Series([d("1980-02-01"), d("1980-02-01"), d("1980-02-01"), d("1980-02-01"), d("1980-02-01")])
    >>> right = pl.Series([d("1980-02-01"), d("1980-02-07"), d("1980-01-02"), d("1980-11-20"), d("1975-06-15")])
    >>> DateComparison("birth_date").levels(left, right).to_list()
    [4, 3, 2, 1, 0]
    """

    @property
    def labels(self) -> tuple[str, ...]:
        return ("else", "within_year", "day_month_swapped", "one_typo", "exact")

    def levels(self, left: pl.Series, right: pl.Series) -> pl.Series:
        if left.dtype != pl.Date or right.dtype != pl.Date:
            raise InvalidOption(f"DateComparison needs a date column; {self.column!r} is not")
        null, equal = _null_and_equal(left, right)
        frame = pl.DataFrame({"l": left, "r": right})
        flags = frame.select(
            swapped=(
                (pl.col("l").dt.day() == pl.col("r").dt.month())
                & (pl.col("l").dt.month() == pl.col("r").dt.day())
                & (pl.col("l").dt.year() == pl.col("r").dt.year())
            ).fill_null(False),
            near=((pl.col("l") - pl.col("r")).dt.total_days().abs() <= 366).fill_null(False),
            ls=pl.col("l").dt.strftime("%Y%m%d"),
            rs=pl.col("r").dt.strftime("%Y%m%d"),
        )
        mask = ~null & ~equal
        typo = _batch_scores(flags["ls"], flags["rs"], mask, OSA.distance) == 1
        typo &= mask
        level = np.zeros(len(left), dtype=np.int8)
        level[flags["near"].to_numpy()] = 1
        level[flags["swapped"].to_numpy()] = 2
        level[typo] = 3
        level[equal] = 4
        return self._finish(level, null)


@dataclass(frozen=True)
class EmailComparison(Comparison):
    """Canonical emails: exact, one typo (``gmial.com``, ``yandex.ry``; not in a digit), else.

    The same mailbox name at another domain is *not* a level of its own: name-based mailboxes
    (``ivanov1962@mail.ru`` / ``ivanov1962@gmail.com``) are shared by namesakes far more often
    than random pairs suggest.

    >>> c = EmailComparison("email")
    >>> c.levels(pl.Series(["ivan@mail.ru", "ivan@mail.ru", "ivan@mail.ru"]),
    ...          pl.Series(["ivan@mail.ru", "ivan@mial.ru", "ivan@yandex.ru"])).to_list()
    [2, 1, 0]
    """

    @property
    def labels(self) -> tuple[str, ...]:
        return ("else", "one_typo", "exact")

    def levels(self, left: pl.Series, right: pl.Series) -> pl.Series:
        null, equal = _null_and_equal(left, right)
        mask = ~null & ~equal
        near = _batch_scores(left, right, mask, OSA.distance) == 1
        # ivanov1@ vs ivanov2@ are two mailboxes, not a typo: the digits must agree.
        same_digits = (
            (left.str.replace_all(r"\D", "") == right.str.replace_all(r"\D", ""))
            .fill_null(False)
            .to_numpy()
        )
        level = np.zeros(len(left), dtype=np.int8)
        level[near & mask & same_digits] = 1
        level[equal] = 2
        return self._finish(level, null)


@dataclass(frozen=True)
class PhoneComparison(Comparison):
    """Phones (digits keys): exact, one digit wrong or two swapped, else.

    A key may end in ``x<extension>``: two different extensions on one number are two numbers
    (``else``); an extension on one side only does not count against the pair.

    >>> c = PhoneComparison("phone")
    >>> c.levels(pl.Series(["9123456789", "9123456789", "9123456789"]),
    ...          pl.Series(["9123456789", "9123456798", "9031112233"])).to_list()
    [2, 1, 0]
    >>> c.levels(pl.Series(["4951234567x123", "4951234567x123", "4951234567"]),
    ...          pl.Series(["4951234567x124", "4951234567x123", "4951234567x7"])).to_list()
    [0, 2, 2]
    """

    @property
    def labels(self) -> tuple[str, ...]:
        return ("else", "one_digit", "exact")

    def levels(self, left: pl.Series, right: pl.Series) -> pl.Series:
        lext = left.str.extract(r"x(\d+)$", 1)
        rext = right.str.extract(r"x(\d+)$", 1)
        left, right = left.str.replace(r"x\d+$", ""), right.str.replace(r"x\d+$", "")
        other_ext = (lext.is_not_null() & rext.is_not_null() & (lext != rext)).to_numpy()
        null, equal = _null_and_equal(left, right)
        mask = ~null & ~equal
        # Optimal string alignment: one wrong, missing or extra digit, or two adjacent swapped.
        close = mask & (_batch_scores(left, right, mask, OSA.distance) == 1)
        level = np.zeros(len(left), dtype=np.int8)
        level[close] = 1
        level[equal] = 2
        level[other_ext] = 0
        return self._finish(level, null)


@dataclass(frozen=True)
class AddressComparison(Comparison):
    """Addresses (sorted-token keys): exact, token-sort similarity at thresholds, else.

    Token *sort* (not token set): "16" is not "16 launceston street" just because it is a subset.

    >>> c = AddressComparison("address_key")
    >>> c.levels(pl.Series(["12 5 lenina", "12 5 lenina", "12 5 lenina"]),
    ...          pl.Series(["12 5 lenina", "12 5 lenin", "3 7 mira"])).to_list()
    [2, 1, 0]
    """

    thresholds: tuple[float, ...] = (0.85,)

    @property
    def labels(self) -> tuple[str, ...]:
        return ("else", *[f"token_sort>={t:g}" for t in sorted(self.thresholds)], "exact")

    def levels(self, left: pl.Series, right: pl.Series) -> pl.Series:
        null, equal = _null_and_equal(left, right)
        sim = _batch_scores(left, right, ~null & ~equal, fuzz.token_sort_ratio) / 100.0
        level = np.zeros(len(left), dtype=np.int8)
        for i, t in enumerate(sorted(self.thresholds), start=1):
            level[sim >= t] = i
        level[equal] = len(self.thresholds) + 1
        return self._finish(level, null)

    def to_dict(self) -> dict:
        return super().to_dict() | {"thresholds": list(self.thresholds)}


@dataclass(frozen=True)
class IdComparison(Comparison):
    """Identifiers (a customer number, a tax id): exact, one character wrong or two swapped, else.

    An equal identifier is strong evidence; a different one only weak evidence against (ids are
    mistyped, reissued, or filled with another person's number): the weight of ``else`` is never
    below ``min_weight`` bits.

    >>> c = IdComparison("id")
    >>> c.levels(pl.Series(["7707083893", "7707083893", "7707083893"]),
    ...          pl.Series(["7707083893", "7707083839", "5001234567"])).to_list()
    [2, 1, 0]
    """

    min_weight: float = -4.0

    @property
    def labels(self) -> tuple[str, ...]:
        return ("else", "one_typo", "exact")

    def levels(self, left: pl.Series, right: pl.Series) -> pl.Series:
        null, equal = _null_and_equal(left, right)
        mask = ~null & ~equal
        close = mask & (_batch_scores(left, right, mask, OSA.distance) == 1)
        level = np.zeros(len(left), dtype=np.int8)
        level[close] = 1
        level[equal] = 2
        return self._finish(level, null)

    def to_dict(self) -> dict:
        return super().to_dict() | {"min_weight": self.min_weight}


@dataclass(frozen=True)
class TaxIdComparison(IdComparison):
    """Tax ids (compact keys, see :func:`custdata.normalize.ids.compact_id`): ``exact`` when the
    number passes its checksum (ИНН, ОГРН, ЄДРПОУ, РНОКПП, УНП), ``exact_unconfirmed`` when it is
    equal but no checksum confirms it (mistyped, made up, or a foreign number custdata cannot
    check), one character wrong or two swapped, else.

    An unconfirmed equal number is weaker evidence than a confirmed one: the model never weighs
    a level above the level over it (see :attr:`monotone`).

    >>> c = TaxIdComparison("tax_id")
    >>> c.levels(pl.Series(["7707083893", "7707083894", "7707083893", "7707083893"]),
    ...          pl.Series(["7707083893", "7707083894", "7707083839", "5001234567"])).to_list()
    [3, 2, 1, 0]
    """

    @property
    def monotone(self) -> bool:
        return True

    @property
    def labels(self) -> tuple[str, ...]:
        return ("else", "one_typo", "exact_unconfirmed", "exact")

    def levels(self, left: pl.Series, right: pl.Series) -> pl.Series:
        from custdata.normalize.ids import checksum_valid

        null, equal = _null_and_equal(left, right)
        mask = ~null & ~equal
        close = mask & (_batch_scores(left, right, mask, OSA.distance) == 1)
        level = np.zeros(len(left), dtype=np.int8)
        level[close] = 1
        level[equal] = 2
        if equal.any():
            values = left.cast(pl.String).filter(pl.Series(equal))
            valid = {v for v in values.unique().to_list() if checksum_valid(v)}
            confirmed = np.zeros(len(left), dtype=bool)
            confirmed[np.flatnonzero(equal)] = [v in valid for v in values.to_list()]
            level[confirmed] = 3
        return self._finish(level, null)


def is_id_key(column: str) -> bool:
    """Whether a key column holds an identifier (``id``, ``id_2``, ..., or a ``tax_id``).

    >>> is_id_key("id"), is_id_key("id_2"), is_id_key("tax_id"), is_id_key("idea")
    (True, True, True, False)
    """
    return re.fullmatch(r"(id|tax_id)(_\d+)?", column) is not None


@dataclass(frozen=True)
class OrgNameComparison(Comparison):
    """Organization keys: exact, same words give or take typos, one name inside the other, else.

    Levels: ``exact``; ``token_sort>=T`` (the same words, give or take a typo: ``romashka trade`` /
    ``romashka trada``); ``token_set>=S`` (one name's words are all in the other: ``romashka`` /
    ``plus romashka``, a branch named with a suffix: its own level, so the model weighs it apart
    from a real match); ``else``.

    >>> c = OrgNameComparison("org_key")
    >>> c.levels(pl.Series(["romashka", "plus romashka", "romashka trade", "romashka"]),
    ...          pl.Series(["romashka", "romashka", "romashka trada", "lutik"])).to_list()
    [3, 1, 2, 0]
    """

    thresholds: tuple[float, ...] = (0.9, 0.95)

    def __post_init__(self) -> None:
        ts = tuple(float(t) for t in self.thresholds)
        if len(ts) != 2 or any(not 0 < t <= 1 for t in ts):
            raise InvalidOption(
                "thresholds must be two numbers between 0 and 1: (token_sort, token_set)"
            )
        object.__setattr__(self, "thresholds", ts)

    @property
    def labels(self) -> tuple[str, ...]:
        sort_t, set_t = self.thresholds
        return ("else", f"token_set>={set_t:g}", f"token_sort>={sort_t:g}", "exact")

    def levels(self, left: pl.Series, right: pl.Series) -> pl.Series:
        sort_t, set_t = self.thresholds
        null, equal = _null_and_equal(left, right)
        todo = ~null & ~equal
        by_sort = _batch_scores(left, right, todo, fuzz.token_sort_ratio) / 100.0
        by_set = _batch_scores(left, right, todo, fuzz.token_set_ratio) / 100.0
        level = np.zeros(len(left), dtype=np.int8)
        level[by_set >= set_t] = 1
        level[by_sort >= sort_t] = 2
        level[equal] = 3
        return self._finish(level, null)

    def to_dict(self) -> dict:
        return super().to_dict() | {"thresholds": list(self.thresholds)}


def _swapped(fl: pl.Series, fr: pl.Series, sl: pl.Series, sr: pl.Series) -> np.ndarray:
    """Pairs whose first and last names are (approximately) in each other's columns."""
    full = (fl.is_not_null() & fr.is_not_null() & sl.is_not_null() & sr.is_not_null()).to_numpy()
    same = ((fl == fr) & (sl == sr)).fill_null(False).to_numpy()
    mask = full & ~same
    if not mask.any():
        return np.zeros(len(fl), dtype=bool)
    jw = JaroWinkler.normalized_similarity
    direct = _batch_scores(fl, fr, mask, jw) + _batch_scores(sl, sr, mask, jw)
    cross = _batch_scores(fl, sr, mask, jw) + _batch_scores(sl, fr, mask, jw)
    return mask & (cross >= 1.6) & (cross > direct + 0.1)


#: Comparison used for each standard key column when the user gives none.
DEFAULT_COMPARISONS: dict[str, Comparison] = {
    "first_name_key": NameComparison("first_name_key", name="first_name"),
    "surname_key": NameComparison("surname_key", name="surname"),
    "middle_name_key": NameComparison("middle_name_key", name="middle_name", thresholds=(0.88,)),
    "birth_date": DateComparison("birth_date"),
    "gender": ExactMatch("gender"),
    "phone": PhoneComparison("phone"),
    "email": EmailComparison("email"),
    "address_key": AddressComparison("address_key", name="address"),
    "city_key": JaroWinklerAtThresholds("city_key", name="city", thresholds=(0.9,)),
    "org_key": OrgNameComparison("org_key", name="org_name"),
}


def default_comparisons(key_columns: Sequence[str]) -> list[Comparison]:
    """The default comparison of each key column present (generic columns: Jaro-Winkler).

    >>> [c.output for c in default_comparisons(["_row", "phone", "postcode"])]
    ['phone', 'postcode']
    """
    out: list[Comparison] = []
    for col in key_columns:
        if col.startswith("_") or col == "full_name_key":
            continue
        if is_id_key(col):
            out.append(TaxIdComparison(col) if col.startswith("tax_id") else IdComparison(col))
            continue
        out.append(DEFAULT_COMPARISONS.get(col) or JaroWinklerAtThresholds(col, thresholds=(0.9,)))
    return out


@dataclass
class ComparisonSet:
    """Comparisons applied together; computes the level table of a set of pairs."""

    comparisons: list[Comparison] = field(default_factory=list)

    def __post_init__(self) -> None:
        names = [c.output for c in self.comparisons]
        if len(set(names)) != len(names):
            raise InvalidOption("two comparisons have the same name: give each a distinct name=")

    def level_table(
        self,
        keys: pl.DataFrame,
        left_rows: pl.Series,
        right_rows: pl.Series,
        *,
        chunk: int = 500_000,
    ) -> pl.DataFrame:
        """One Int8 level column per comparison for the pairs (left_rows[i], right_rows[i]).

        First and last names that are swapped between the two records (``Ivan Petrov`` vs
        ``Petrov Ivan``) are compared after swapping back. Works in chunks of ``chunk`` pairs
        so that memory stays flat however many pairs there are.
        """
        if len(left_rows) > chunk:
            parts = [
                self.level_table(
                    keys, left_rows.slice(i, chunk), right_rows.slice(i, chunk), chunk=chunk
                )
                for i in range(0, len(left_rows), chunk)
            ]
            return pl.concat(parts)
        gathered: dict[str, tuple[pl.Series, pl.Series]] = {}
        for c in self.comparisons:
            if c.column not in keys.columns:
                raise InvalidOption(
                    f"comparison {c.output!r} needs key column {c.column!r}, which was not built; "
                    f"available: {', '.join(k for k in keys.columns if not k.startswith('_'))}"
                )
            gathered[c.column] = (
                keys[c.column].gather(left_rows),
                keys[c.column].gather(right_rows),
            )
        if "first_name_key" in gathered and "surname_key" in gathered:
            fl, fr = gathered["first_name_key"]
            sl, sr = gathered["surname_key"]
            swap = _swapped(fl, fr, sl, sr)
            if swap.any():
                sw = pl.Series(swap)
                gathered["first_name_key"] = (
                    fl,
                    pl.select(pl.when(sw).then(sr).otherwise(fr)).to_series(),
                )
                gathered["surname_key"] = (
                    sl,
                    pl.select(pl.when(sw).then(fr).otherwise(sr)).to_series(),
                )
        return pl.DataFrame([c.levels(*gathered[c.column]) for c in self.comparisons])
