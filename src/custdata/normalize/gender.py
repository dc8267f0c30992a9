"""Gender values (``М``, ``жен.``, ``чол``, ``female``, ``1``...) -> ``"male"``/``"female"``/null.

Values are compared after trimming, lower-casing, dropping trailing dots and collapsing inner
spaces; the Latin ``M`` and the Cyrillic ``М`` are both male.

Choices (see ``docs/normalize/dates-and-gender.md``):

- ``1`` -> male, ``2`` -> female, as in ISO/IEC 5218 (also the first digit convention of many
  CRMs); ``0`` is a junk placeholder and ``9`` ("not applicable" in ISO/IEC 5218) is ``other``;
- ``other``: values that state a gender outside the two codes (``other``, ``non-binary``,
  ``другое``, ``інше``, ``9``) - kept apart from unrecognized text;
- Ukrainian ``ч``/``чол``/``чоловіча`` and ``ж``/``жін``/``жіноча`` are read as well as the
  Russian and English words.

Status codes: ``ok``, ``empty``, ``junk``, ``other``, ``unrecognized``.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from custdata.errors import InvalidOption
from custdata.frames import as_expr, check_columns, refuse_clashes
from custdata.frames import columns_arg as _columns_arg
from custdata.junk import JUNK_VALUES
from custdata.status import EMPTY, JUNK, OK

__all__ = [
    "GENDER_STATUSES",
    "GENDER_VALUES",
    "GENDER_WORDS",
    "gender",
    "genders",
    "parse_gender",
]

OTHER = "other"
UNRECOGNIZED = "unrecognized"
#: Every status code of the gender normalizer.
GENDER_STATUSES: tuple[str, ...] = (OK, EMPTY, JUNK, OTHER, UNRECOGNIZED)

_MALE = (
    "м m male man men mr мр муж мужск мужской мужчина мужчины "
    "мальчик юноша господин г-н ч чол чоловік чоловіча чоловічий чоловіки пан хлопчик "
    "masculine 1 м.п. м/п"
)
_FEMALE = (
    "ж f w female woman women mrs ms miss жен женск женский женщина женщины "
    "девочка девушка госпожа г-жа жін жінка жіноча жіночий жінки пані дівчинка "
    "feminine 2 ж.п. ж/п"
)
_OTHER = "other others non-binary nonbinary nb другое другой иное інше інша 9"

#: Recognized text (lower-case, no trailing dot) -> ``"male"``/``"female"``.
GENDER_VALUES: dict[str, str] = {
    **{v: "male" for v in _MALE.split(" ") if v},
    **{v: "female" for v in _FEMALE.split(" ") if v},
}
for _phrase in ("мужской пол", "женский пол"):
    GENDER_VALUES[_phrase] = "male" if _phrase.startswith("муж") else "female"
for _v in ("мужск.пол", "женск.пол"):
    GENDER_VALUES[_v] = "male" if _v.startswith("муж") else "female"
_OTHER_VALUES = frozenset(_OTHER.split())
#: The recognized words (no digit codes): what the column detector looks for in a gender column.
GENDER_WORDS: frozenset[str] = frozenset(v for v in GENDER_VALUES if not v.isdigit())


def _key(col: str | pl.Expr) -> pl.Expr:
    return (
        as_expr(col)
        .cast(pl.String)
        .str.strip_chars()
        .str.to_lowercase()
        .str.strip_chars_end(".")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def gender(col: str | pl.Expr) -> pl.Expr:
    """``"male"``, ``"female"`` or null for each value.

    >>> df = pl.DataFrame({"g": ["М", "жен.", "Чол", "female", "1", "2", "?", None]})
    >>> df.select(gender("g"))["g"].to_list()
    ['male', 'female', 'male', 'female', 'male', 'female', None, None]
    """
    return (
        _key(col)
        .replace_strict(
            list(GENDER_VALUES), list(GENDER_VALUES.values()), default=None, return_dtype=pl.String
        )
        .name.keep()
    )


def _status(col: str | pl.Expr) -> pl.Expr:
    key = _key(col)
    return (
        pl.when(key.is_null() | (key == ""))
        .then(pl.lit(EMPTY))
        .when(key.is_in(list(GENDER_VALUES)))
        .then(pl.lit(OK))
        .when(key.is_in(list(_OTHER_VALUES)))
        .then(pl.lit(OTHER))
        .when(key.is_in(list(JUNK_VALUES)))
        .then(pl.lit(JUNK))
        .otherwise(pl.lit(UNRECOGNIZED))
    )


@refuse_clashes
def genders(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: str | Iterable[str],
    *,
    in_place: bool = False,
) -> pl.DataFrame | pl.LazyFrame:
    """Add ``<col>_code`` (``male``/``female``/null) and ``<col>_status`` per gender column.

    With ``in_place=True`` the original column is replaced by the code where one was found
    (other cells keep their text); ``<col>_code`` is still added.

    >>> df = pl.DataFrame({"Пол": ["Ж", "муж", "другое", "не указан", "абв"]})
    >>> genders(df, "Пол").rows()  # doctest: +NORMALIZE_WHITESPACE
    [('Ж', 'female', 'ok'), ('муж', 'male', 'ok'), ('другое', None, 'other'),
     ('не указан', None, 'junk'), ('абв', None, 'unrecognized')]
    """
    cols = _columns_arg(columns)
    check_columns(frame, cols)
    if not isinstance(in_place, bool):
        raise InvalidOption("in_place must be True or False")
    new: list[pl.Expr] = []
    for c in cols:
        code = gender(c)
        if in_place:
            new.append(pl.coalesce(code, pl.col(c).cast(pl.String)).alias(c))
        new += [code.alias(f"{c}_code"), _status(c).alias(f"{c}_status")]
    return frame.with_columns(new)


def parse_gender(value: str | int | None) -> tuple[str | None, str]:
    """Read one gender value: ``(code or None, status)``.

    >>> parse_gender("жін."), parse_gender("Male"), parse_gender("n/a")
    (('female', 'ok'), ('male', 'ok'), (None, 'junk'))
    """
    series = pl.Series("g", [None if value is None else str(value)], dtype=pl.String)
    row = pl.DataFrame({"g": series}).select(gender("g").alias("c"), _status("g").alias("s")).row(0)
    return row[0], row[1]
