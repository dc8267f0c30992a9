"""Segment maps: named ranges of R, F and M scores, as presets or from a TOML file.

A map is an ordered list of segments; a customer gets the first segment whose score ranges
hold their scores, else the map's ``default`` label. Ranges are written on a 1-5 scale; scores
computed with other bin counts are rescaled to 1-5 before matching (see :func:`to_scale5`).

Presets:

``rf``   the common R x F grid (Champions, Loyal, Potential Loyalists, New, Promising,
         Need Attention, About to Sleep, At Risk, Can't Lose Them, Hibernating). It covers all
         25 cells of the grid, so every scored customer gets a named segment.
``rfm``  the R/F/M range table from the example of the current R package ``rfm``
         (``rfm_segment``: the first matching row wins), with its ``Others`` label for the
         customers no range holds. Every one of its ten segments can be assigned.

TOML format of a custom map::

    name = "my map"
    default = "Other"            # optional
    [[segment]]
    name = "Champions"
    r = [4, 5]                   # inclusive range of R scores; omitted = any
    f = [4, 5]
    m = [1, 5]
    ru = "Чемпионы"              # optional display names
    uk = "Чемпіони"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from custdata.config import load_toml
from custdata.errors import InvalidOption

#: Languages of display names.
LANGUAGES = ("en", "ru", "uk")


@dataclass(frozen=True)
class Segment:
    """One named segment: inclusive 1-5 ranges of R, F and M scores and display names."""

    name: str
    r: tuple[int, int] = (1, 5)
    f: tuple[int, int] = (1, 5)
    m: tuple[int, int] = (1, 5)
    names: Mapping[str, str] = field(default_factory=dict)

    def display(self, language: str = "en") -> str:
        """The segment's name in ``language`` (English when there is no translation)."""
        return self.names.get(language, self.name) if language != "en" else self.name


@dataclass(frozen=True)
class SegmentMap:
    """An ordered list of segments; the first match wins, else ``default``."""

    name: str
    segments: tuple[Segment, ...]
    default: str = "Others"
    default_names: Mapping[str, str] = field(default_factory=dict)

    def labels(self) -> list[str]:
        """Every label the map can give, in order, the default last.

        >>> preset("rf").labels()[:3]
        ['Champions', 'Loyal', 'Potential Loyalists']
        """
        return [s.name for s in self.segments] + [self.default]

    def display_names(self, language: str = "en") -> dict[str, str]:
        """English label -> display name in ``language``.

        >>> preset("rf").display_names("ru")["Champions"]
        'Чемпионы'
        """
        if language not in LANGUAGES:
            raise InvalidOption(f"language must be one of {', '.join(LANGUAGES)}")
        out = {s.name: s.display(language) for s in self.segments}
        out[self.default] = (
            self.default_names.get(language, self.default) if language != "en" else self.default
        )
        return out


def _seg(
    name: str,
    r: tuple[int, int],
    f: tuple[int, int],
    m: tuple[int, int] = (1, 5),
    ru: str = "",
    uk: str = "",
) -> Segment:
    return Segment(name, r, f, m, {"ru": ru, "uk": uk})


_RF = SegmentMap(
    "rf",
    (
        _seg("Champions", (5, 5), (4, 5), ru="Чемпионы", uk="Чемпіони"),
        _seg("Loyal", (3, 4), (4, 5), ru="Лояльные", uk="Лояльні"),
        _seg(
            "Potential Loyalists",
            (4, 5),
            (2, 3),
            ru="Потенциально лояльные",
            uk="Потенційно лояльні",
        ),
        _seg("New", (5, 5), (1, 1), ru="Новые", uk="Нові"),
        _seg("Promising", (4, 4), (1, 1), ru="Перспективные", uk="Перспективні"),
        _seg("Need Attention", (3, 3), (3, 3), ru="Требуют внимания", uk="Потребують уваги"),
        _seg("About to Sleep", (3, 3), (1, 2), ru="Засыпающие", uk="Засинають"),
        _seg("At Risk", (1, 2), (3, 4), ru="В зоне риска", uk="У зоні ризику"),
        _seg("Can't Lose Them", (1, 2), (5, 5), ru="Нельзя потерять", uk="Не можна втратити"),
        _seg("Hibernating", (1, 2), (1, 2), ru="Спящие", uk="Сплячі"),
    ),
    default="Others",
    default_names={"ru": "Прочие", "uk": "Інші"},
)

# The segment table of the example of the R package rfm (rsquaredacademy/rfm, R/rfm-segment.R,
# current version), in its order: rfm_segment() assigns the first matching row, as here. (The
# older example table had "New Customers" and "Promising" inside "Potential Loyalist" and "Can't
# Lose Them" inside "At Risk", so those three could never be assigned.)
_RFM_PACKAGE = SegmentMap(
    "rfm",
    (
        _seg("Champions", (5, 5), (5, 5), (5, 5), ru="Чемпионы", uk="Чемпіони"),
        _seg(
            "Potential Loyalist",
            (3, 5),
            (3, 5),
            (2, 5),
            ru="Потенциально лояльные",
            uk="Потенційно лояльні",
        ),
        _seg("Loyal Customers", (2, 4), (2, 4), (2, 4), ru="Лояльные", uk="Лояльні"),
        _seg("Promising", (3, 4), (1, 3), (3, 5), ru="Перспективные", uk="Перспективні"),
        _seg("New Customers", (4, 5), (1, 3), (1, 5), ru="Новые", uk="Нові"),
        _seg(
            "Can't Lose Them", (1, 2), (3, 4), (4, 5), ru="Нельзя потерять", uk="Не можна втратити"
        ),
        _seg("At Risk", (1, 2), (2, 5), (4, 5), ru="В зоне риска", uk="У зоні ризику"),
        _seg(
            "Need Attention", (1, 3), (3, 5), (3, 5), ru="Требуют внимания", uk="Потребують уваги"
        ),
        _seg("About To Sleep", (2, 3), (1, 3), (1, 4), ru="Засыпающие", uk="Засинають"),
        _seg("Lost", (1, 1), (1, 5), (1, 5), ru="Потерянные", uk="Втрачені"),
    ),
    default="Others",
    default_names={"ru": "Прочие", "uk": "Інші"},
)

PRESETS: dict[str, SegmentMap] = {"rf": _RF, "rfm": _RFM_PACKAGE}


def preset(name: str) -> SegmentMap:
    """A built-in segment map by name (``rf`` or ``rfm``).

    >>> len(preset("rf").segments), preset("rfm").default
    (10, 'Others')
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise InvalidOption(
            f"unknown segment map {name!r}; use one of {', '.join(PRESETS)} or a .toml file"
        ) from None


def _range(value: Any, key: str, segment: str) -> tuple[int, int]:
    if value is None:
        return (1, 5)
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value, value]
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not 1 <= value[0] <= value[1] <= 5
    ):
        raise InvalidOption(
            f"segment {segment!r}: {key} must be a score or a range [low, high] within 1..5"
        )
    return (value[0], value[1])


def segment_map_from_dict(data: Mapping[str, Any], *, name: str = "custom") -> SegmentMap:
    """Build a map from parsed TOML/JSON data (the format in the module docs).

    >>> m = segment_map_from_dict({"segment": [{"name": "Best", "r": [5, 5], "f": 5}]})
    >>> m.segments[0].f, m.default
    ((5, 5), 'Others')
    """
    items = data.get("segment")
    if not isinstance(items, list) or not items:
        raise InvalidOption("a segment map needs at least one [[segment]] table with a name")
    segments = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            raise InvalidOption(f"segment number {i} has no name")
        label = item["name"]
        unknown = set(item) - {"name", "r", "f", "m", "ru", "uk"}
        if unknown:
            raise InvalidOption(
                f"segment {label!r}: unknown key(s) {', '.join(sorted(unknown))}; "
                "use name, r, f, m, ru, uk"
            )
        segments.append(
            Segment(
                label,
                _range(item.get("r"), "r", label),
                _range(item.get("f"), "f", label),
                _range(item.get("m"), "m", label),
                {k: str(item[k]) for k in ("ru", "uk") if k in item},
            )
        )
    default = data.get("default", "Others")
    return SegmentMap(str(data.get("name", name)), tuple(segments), str(default))


def load_segment_map(source: str | Path) -> SegmentMap:
    """A preset name (``rf``, ``rfm``) or the path of a TOML map file."""
    text = str(source)
    if text in PRESETS:
        return PRESETS[text]
    path = Path(text)
    if path.suffix.lower() != ".toml":
        return preset(text)
    data = load_toml(path, what="segment map file")
    return segment_map_from_dict(data, name=path.stem)


def to_scale5(score: pl.Expr, bins: int) -> pl.Expr:
    """Rescale scores 1..bins onto 1..5 (identity for 5 bins) so 1-5 ranges apply to any bins.

    >>> pl.select(to_scale5(pl.Series([1, 2, 3, 4]), 4)).to_series().to_list()
    [1, 2, 4, 5]
    """
    if bins == 5:
        return score
    return (1 + ((score - 1) * 4 / (bins - 1)).round(0)).cast(pl.Int8)


def assign_segment(
    r: str | pl.Expr,
    f: str | pl.Expr,
    m: str | pl.Expr,
    *,
    segment_map: SegmentMap | str = "rf",
    bins: int = 5,
) -> pl.Expr:
    """Expression: the segment label for R, F and M score columns (null where scores are null).

    >>> df = pl.DataFrame({"r": [5, 1, None], "f": [5, 1, None], "m": [5, 1, None]})
    >>> df.select(assign_segment("r", "f", "m"))["segment"].to_list()
    ['Champions', 'Hibernating', None]
    """
    smap = preset(segment_map) if isinstance(segment_map, str) else segment_map
    rx, fx, mx = (to_scale5(pl.col(c) if isinstance(c, str) else c, bins) for c in (r, f, m))
    expr: Any = None
    for seg in smap.segments:
        cond = rx.is_between(*seg.r) & fx.is_between(*seg.f) & mx.is_between(*seg.m)
        expr = (
            pl.when(cond).then(pl.lit(seg.name))
            if expr is None
            else expr.when(cond).then(pl.lit(seg.name))
        )
    scored = rx.is_not_null() & fx.is_not_null() & mx.is_not_null()
    expr = expr.otherwise(pl.lit(smap.default))
    return pl.when(scored).then(expr).otherwise(None).alias("segment")
