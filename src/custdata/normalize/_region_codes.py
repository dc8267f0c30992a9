"""Region codes for phones: a ``region=`` argument or a region column holds ISO 3166 alpha-2
codes or a few known country names (``Россия``, ``Ukraine``, ``USA``...); both are read to the
code phonenumbers uses. Split out of :mod:`custdata.normalize.phone`.
"""

from __future__ import annotations

from typing import overload

import phonenumbers as pn
import polars as pl

from custdata.errors import InvalidOption

#: Country names accepted in a region column besides ISO 3166 alpha-2 codes (compared casefolded).
REGION_NAMES: dict[str, str] = {
    "россия": "RU",
    "рф": "RU",
    "russia": "RU",
    "russian federation": "RU",
    "rus": "RU",
    "украина": "UA",
    "україна": "UA",
    "ukraine": "UA",
    "ukr": "UA",
    "казахстан": "KZ",
    "kazakhstan": "KZ",
    "kaz": "KZ",
    "беларусь": "BY",
    "белоруссия": "BY",
    "belarus": "BY",
    "blr": "BY",
    "сша": "US",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "великобритания": "GB",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "gbr": "GB",
    "германия": "DE",
    "germany": "DE",
    "deutschland": "DE",
    "deu": "DE",
}
_SUPPORTED = sorted(pn.SUPPORTED_REGIONS)


@overload
def _check_region(region: str) -> str: ...
@overload
def _check_region(region: None) -> None: ...
@overload
def _check_region(region: str | None) -> str | None: ...
def _check_region(region: str | None) -> str | None:
    if region is None:
        return None
    code = REGION_NAMES.get(region.strip().casefold(), region.strip().upper())
    if code not in pn.SUPPORTED_REGIONS:
        raise InvalidOption(
            f"unknown region {region!r}: give an ISO 3166 two-letter code such as RU, UA, KZ, "
            "US, GB or DE"
        )
    return code


def _region_values(regions: pl.Series, default: str | None) -> pl.Series:
    """Per-row region codes: ISO codes or known country names; unknown or empty -> default."""
    r = regions.cast(pl.String).str.strip_chars()
    low = r.str.to_lowercase()
    code = pl.Series(low).replace(REGION_NAMES).str.to_uppercase()
    code = pl.select(
        pl.when(code.is_in(_SUPPORTED)).then(code).otherwise(pl.lit(default, dtype=pl.String))
    ).to_series()
    return code
