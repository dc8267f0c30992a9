"""Spelling-variant folding of Latin text: the one place that says which spellings are "the same".

Applied after transliteration (:mod:`custdata.normalize._translit`, the one place for the
Cyrillic tables), in two strengths:

* the **key fold** (:func:`fold_values`, behind ``surname_key``, ``first_name_key``,
  ``middle_name_key``): ``shch``/``sch`` -> ``sh``, ``kh`` -> ``h``, ``ph`` -> ``f``, ``ck`` ->
  ``k``, ``tz`` -> ``ts``, ``x`` -> ``ks``, ``w`` -> ``v``, ``q`` -> ``k``, ``j``/``y`` -> ``i``,
  doubled letters once. It keeps keys readable (``iurevich``, ``sherbakov``);
* the **skeleton** (:func:`skeleton_expr`, what dedupe compares), applied on top of a key:
  also ``ts`` -> ``c`` (so ``tz``, ``ts`` and ``c`` meet: Schwartz / Shvarts / Švarc) and the
  vowel pairs that transliteration systems write differently, ``ii``/``iu``/``ie``/``io`` ->
  ``i``/``u``/``e``/``e`` (Юлия: Yuliya, Iuliia, Julia -> ``ulia``), then doubled letters once.
"""

from __future__ import annotations

import polars as pl

from custdata.normalize._translit import translit_lower_expr

__all__ = ["KEY_FOLD", "SKELETON_FOLD", "SPECIAL_LATIN", "fold_values", "skeleton_expr"]

#: Latin letters without a decomposition, written as people type them.
SPECIAL_LATIN: dict[str, str] = {
    "ß": "ss",
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ł": "l",
    "đ": "d",
    "ı": "i",
    "þ": "th",
    "ð": "d",
}
#: The key fold: one spelling per sound (applied leftmost-first, three rounds).
KEY_FOLD: tuple[tuple[str, str], ...] = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("kh", "h"),
    ("ph", "f"),
    ("ck", "k"),
    ("tz", "ts"),
    ("x", "ks"),
    ("w", "v"),
    ("q", "k"),
    ("j", "i"),
    ("y", "i"),
)
#: The skeleton's further folds, applied in order on a folded key.
SKELETON_FOLD: tuple[tuple[str, str], ...] = (
    ("ts", "c"),
    ("ii", "i"),
    ("iu", "u"),
    ("ie", "e"),
    ("io", "e"),
)

_KEY_FROM = [a for a, _ in KEY_FOLD]
_KEY_TO = [b for _, b in KEY_FOLD]
_KEY_DOUBLES = "abcdefghiklmnoprstuvz"
_KEY_DOUBLES_FROM = [c + c for c in _KEY_DOUBLES]
_KEY_DOUBLES_TO = list(_KEY_DOUBLES)
_SINGLE = [chr(c) for c in range(ord("a"), ord("z") + 1)]
_DOUBLE = [c + c for c in _SINGLE]


def fold_values(values: pl.Series) -> pl.Series:
    """The key fold of each string: lower case, ё -> е, transliterated, folded, no punctuation.

    >>> fold_values(pl.Series(["Щербаков", "Scherbakov", "Шварц", "Schwartz", None])).to_list()
    ['sherbakov', 'sherbakov', 'shvarts', 'shvarts', None]
    >>> fold_values(pl.Series(["A" * 17, "Acccck"])).to_list()
    ['a', 'ak']
    """
    e = values.cast(pl.String).str.to_lowercase().str.replace_all("ё", "е", literal=True)
    e = pl.select(translit_lower_expr(pl.lit(e))).to_series()
    e = e.str.replace_many(list(SPECIAL_LATIN), list(SPECIAL_LATIN.values()))
    e = e.str.normalize("NFKD").str.replace_all(r"[^a-z\-_\s]", "")
    e = e.str.replace_all(r"[\-_\s]+", " ").str.replace_all(r"(^| )ye", "${1}e")
    # to a fixed point, so that the key of a key is the key itself: each round halves a run of
    # equal letters and applies the folds once (``cck`` needs two rounds, 17 a's five)
    for _ in range(64):
        folded = e.str.replace_many(_KEY_FROM, _KEY_TO).str.replace_many(
            _KEY_DOUBLES_FROM, _KEY_DOUBLES_TO
        )
        if folded.equals(e, null_equal=True):
            break
        e = folded
    return e.str.strip_chars().replace("", None)


def skeleton_expr(key: pl.Expr) -> pl.Expr:
    """The skeleton of a folded key (spaces dropped, :data:`SKELETON_FOLD`, letters once).

    >>> keys = pl.Series(["iuliia", "iulia", "ulia", "shvarts", "svarc", None])
    >>> pl.select(skeleton_expr(pl.lit(keys))).to_series().to_list()
    ['ulia', 'ulia', 'ulia', 'shvarc', 'svarc', None]
    """
    text = key.str.replace_all(" ", "", literal=True)
    for old, new in SKELETON_FOLD:
        text = text.str.replace_all(old, new, literal=True)
    text = text.str.replace_many(_DOUBLE, _SINGLE)
    return pl.when(text == "").then(None).otherwise(text)
