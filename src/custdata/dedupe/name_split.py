"""Full-name cells split into surname, first name and patronymic, for the match keys.

Word order is decided per row (comma, patronymic position, known first names, surname
endings, script); :func:`custdata.dedupe.prepare.prepare` builds its name keys from the parts.
"""

from __future__ import annotations

import functools

import polars as pl

from custdata import normalize as _normalize
from custdata.dedupe._text import name_skeleton
from custdata.junk import JUNK_VALUES

_PATRONYMIC_END = r"(?i)(вич|вна|ична|инична|ич|vich|vna|ichna|ovych|ivna|ych)$"
_JUNK = sorted(JUNK_VALUES)


def _name_text(expr: pl.Expr) -> pl.Expr:
    raw = expr.cast(pl.String).str.strip_chars()
    return pl.when(raw.str.to_lowercase().is_in(_JUNK) | (raw == "")).then(None).otherwise(raw)


# Surname endings (Cyrillic, and Latin transliterations of them): a weak vote for word order.
_SURNAME_END = (
    r"(?i)(ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|енко|ук|юк|чук|ых|их|"
    r"ov|ova|ev|eva|sky|skaya|skiy|skii|skyi|ska|enko|chuk|iuk|yuk)$"
)


@functools.lru_cache(maxsize=1)
def _known_first_names() -> list[str]:
    """Skeletons of known first names and diminutives (to tell "Имя Фамилия" from the reverse)."""
    names: set[str] = set()
    try:
        from custdata.normalize._diminutives import diminutive_table

        table = diminutive_table()
        names |= set(table) | set(table.values())
    except ImportError:  # pragma: no cover - the name normalizer is part of the package
        pass
    names |= {
        "john",
        "james",
        "robert",
        "michael",
        "william",
        "david",
        "richard",
        "joseph",
        "thomas",
        "charles",
        "mary",
        "patricia",
        "jennifer",
        "linda",
        "elizabeth",
        "barbara",
        "susan",
        "jessica",
        "sarah",
        "karen",
        "nancy",
        "lisa",
        "daniel",
        "matthew",
        "anthony",
        "mark",
        "donald",
        "steven",
        "paul",
        "andrew",
        "joshua",
        "kenneth",
        "kevin",
        "brian",
        "george",
        "emily",
        "michelle",
        "amanda",
        "melissa",
        "deborah",
        "stephanie",
        "rebecca",
        "laura",
    }
    frame = pl.DataFrame({"n": sorted(names)})
    skeletons = frame.select(name_skeleton(_normalize.surname_key("n")))
    return skeletons.to_series().drop_nulls().unique().sort().to_list()


_TITLES = r"(?i)(^|\s)(mr|mrs|ms|miss|dr|prof|sir|г-н|г-жа|гр|пан|пані)\.?(\s|$)"

#: > 0: the first word looks like a surname; < 0: like a first name.
_ORDER_VOTE = 2 * (pl.col("_k1") - pl.col("_k0")) + pl.col("_s0") - pl.col("_s1")


def _split_stages(col: str, known: list[str]) -> list[dict[str, pl.Expr]]:
    """Stages (each a dict of new columns) that split a full name into ``_last/_first/_middle``.

    Word order is decided per row: a comma means "Last, First Middle"; a patronymic at the end
    means "Фамилия Имя Отчество", right after the first word "Имя Отчество Фамилия"; otherwise
    known first names and surname endings vote, and the script breaks ties (Cyrillic: surname
    first, Latin: first name first). Comparison also checks swapped first/last names.
    """
    return [
        {
            # "О.А." -> "О. А." (initials are words); titles dropped ("Mr", "Dr.", "г-н").
            "_fn": _name_text(pl.col(col))
            .str.replace_all(r"(\p{L})\.\s*(\p{L})\.?", "$1. $2.")
            .str.replace_all(_TITLES, " ")
            .str.replace_all(r"\s+", " ")
            .str.strip_chars(),
        },
        {
            "_comma": pl.col("_fn").str.contains(","),
            "_parts": pl.col("_fn")
            .str.replace_all(r"[,\s]+", " ")
            .str.strip_chars()
            .str.split(" "),
            "_cyr": pl.col("_fn").str.contains(r"[А-Яа-яЁёІіЇїЄєҐґ]"),
        },
        {
            "_n": pl.col("_parts").list.len(),
            "_w0": pl.col("_parts").list.get(0, null_on_oob=True),
            "_w1": pl.col("_parts").list.get(1, null_on_oob=True),
            "_w2": pl.col("_parts").list.get(2, null_on_oob=True),
            "_wl": pl.col("_parts").list.last(),
        },
        {
            "_k0": pl.col("_w0").is_in(known).fill_null(False).cast(pl.Int8),
            "_k1": pl.col("_w1").is_in(known).fill_null(False).cast(pl.Int8),
            "_s0": pl.col("_w0").str.contains(_SURNAME_END).fill_null(False).cast(pl.Int8),
            "_s1": pl.col("_w1").str.contains(_SURNAME_END).fill_null(False).cast(pl.Int8),
            "_p1": pl.col("_w1").str.contains(_PATRONYMIC_END).fill_null(False),
            "_pl": pl.col("_wl").str.contains(_PATRONYMIC_END).fill_null(False),
        },
        {
            "_east": (
                pl.when(pl.col("_comma"))
                .then(True)
                .when((pl.col("_n") >= 3) & pl.col("_pl"))
                .then(True)
                .when(pl.col("_p1"))
                .then(False)
                .when((pl.col("_n") >= 3) & ~pl.col("_cyr"))
                .then(False)
                .when(_ORDER_VOTE > 0)
                .then(True)
                .when(_ORDER_VOTE < 0)
                .then(False)
                .otherwise(pl.col("_cyr"))
            ),
        },
        {
            "_last": (
                pl.when(pl.col("_n") <= 1)
                .then(None)
                .when((pl.col("_n") == 2) & pl.col("_p1"))
                .then(None)
                .when(pl.col("_east"))
                .then(pl.col("_w0"))
                .otherwise(pl.col("_wl"))
            ),
            "_first": (
                pl.when(pl.col("_n") <= 1)
                .then(pl.col("_w0"))
                .when((pl.col("_n") == 2) & pl.col("_p1"))
                .then(pl.col("_w0"))
                .when(pl.col("_east"))
                .then(pl.col("_w1"))
                .otherwise(pl.col("_w0"))
            ),
            "_middle": (
                pl.when((pl.col("_n") == 2) & pl.col("_p1"))
                .then(pl.col("_w1"))
                .when((pl.col("_n") >= 3) & pl.col("_east"))
                .then(pl.col("_w2"))
                .when(pl.col("_n") >= 3)
                .then(pl.col("_w1"))
                .otherwise(None)
            ),
        },
    ]


def _patronymic_gender(middle: pl.Expr) -> pl.Expr:
    """``"m"``/``"f"`` from a patronymic's ending (-вич/-ич, -вна/-ична, and Latin forms), else null.

    >>> pl.select(_patronymic_gender(pl.lit("Андреевна"))).item()
    'f'
    """
    text = middle.cast(pl.String).str.to_lowercase().str.strip_chars(" .")
    return (
        pl.when(text.str.contains(r"(вна|ична|инична|івна|ївна|ovna|evna|ivna|ichna)$"))
        .then(pl.lit("f"))
        .when(text.str.contains(r"(вич|ич|ович|евич|ovich|evich|ovych|ych|ich)$"))
        .then(pl.lit("m"))
    )


def _split_full_name_words(expr: pl.Expr) -> pl.Expr:
    """The surname word of a name cell: the value itself when one word, else the first word of a
    Cyrillic name ("Фамилия Имя") or the last word of a Latin one ("First Last").

    >>> pl.DataFrame({"n": ["Иванова Мария", "John Smith", "Petrov"]}).select(
    ...     _split_full_name_words(pl.col("n")))["n"].to_list()
    ['Иванова', 'Smith', 'Petrov']
    """
    text = expr.cast(pl.String).str.strip_chars().str.replace_all(r"[,\s]+", " ")
    parts = text.str.split(" ")
    cyr = text.str.contains(r"[А-Яа-яЁёІіЇїЄєҐґ]")
    return pl.when(cyr).then(parts.list.first()).otherwise(parts.list.last())
