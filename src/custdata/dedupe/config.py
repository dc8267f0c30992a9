"""Dedupe settings, in Python and in a TOML file with the same vocabulary.

A TOML file names the same things as the keyword arguments of
:func:`custdata.dedupe.find_duplicates`::

    threshold = 0.9                      # match probability a pair needs
    rules = ["email", "name~0.92,birth_date"]      # match rules (any of them = same person)
    distinct = ["first_name<=0,birth_date<=1"]     # cannot-link rules (replace the defaults)
    blocking = ["phone", "surname_key+birth_date"] # blocking rules (replace the defaults)
    region = "RU"                        # phones without + are read in this region,
    fallback_region = "UA"               # then in this one when it rejects them

    [columns]                            # kind -> input column (default: detected)
    full_name = "ФИО"
    phone = "Телефон"

    [[comparisons]]                      # comparisons (replace the defaults)
    type = "NameComparison"
    column = "first_name_key"
    name = "first_name"
    thresholds = [0.92, 0.8]

>>> cfg = DedupeConfig.from_dict({"threshold": 0.95, "rules": ["email"], "blocking": ["phone"]})
>>> cfg.threshold, cfg.rules, [b.name for b in cfg.blocking]
(0.95, [Exact(field='email')], ['phone'])
>>> DedupeConfig.from_dict(cfg.to_dict()) == cfg
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from custdata.config import load_toml
from custdata.dedupe import comparison as _cmp
from custdata.dedupe.blocking import BlockingRule, block_on
from custdata.dedupe.comparison import Comparison
from custdata.dedupe.rules import Rule, as_rules
from custdata.errors import InvalidOption
from custdata.normalize._region_codes import _check_region

_COMPARISON_TYPES: dict[str, type[Comparison]] = {
    cls.__name__: cls
    for cls in (
        _cmp.ExactMatch,
        _cmp.JaroWinklerAtThresholds,
        _cmp.NameComparison,
        _cmp.DateComparison,
        _cmp.EmailComparison,
        _cmp.PhoneComparison,
        _cmp.AddressComparison,
        _cmp.IdComparison,
        _cmp.TaxIdComparison,
        _cmp.OrgNameComparison,
    )
}


@dataclass(frozen=True)
class DedupeConfig:
    """All dedupe settings; ``None`` means "the default for the columns found"."""

    columns: dict[str, str | list[str]] | None = None
    rules: list[Rule] | None = None
    distinct: list[Rule] | None = None
    comparisons: list[Comparison] | None = None
    blocking: list[BlockingRule] | None = None
    threshold: float = 0.9
    support: float = 0.5
    max_block_size: int = 1000
    max_pairs: int = 20_000_000
    max_cluster_size: int = 50
    region: str = "RU"
    fallback_region: str | None = None

    def validate(self) -> None:
        """Raise :class:`~custdata.errors.InvalidOption` for out-of-range settings."""
        if not 0 < self.threshold < 1:
            raise InvalidOption("threshold must be between 0 and 1 (exclusive), e.g. 0.9")
        if not 0 < self.support <= 1:
            raise InvalidOption("support must be between 0 and 1, e.g. 0.5")
        if self.max_block_size < 2:
            raise InvalidOption("max_block_size must be at least 2")
        if self.max_pairs < 1:
            raise InvalidOption("max_pairs must be at least 1")
        if self.max_cluster_size < 2:
            raise InvalidOption("max_cluster_size must be at least 2")
        # the phone normalizer's check, so a bad region fails whether or not phones are used
        _check_region(self.region)
        _check_region(self.fallback_region)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DedupeConfig:
        """Build from the TOML/dict vocabulary (unknown keys are an error, with the valid ones)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidOption(
                f"unknown dedupe setting {unknown[0]!r}; valid settings: {', '.join(sorted(known))}"
            )
        kw: dict[str, Any] = {}
        for key in ("threshold", "support"):
            if key in data:
                kw[key] = _number(data[key], key, float)
        for key in ("max_block_size", "max_pairs", "max_cluster_size"):
            if key in data:
                kw[key] = _number(data[key], key, int)
        for key in ("region", "fallback_region"):
            if key in data:
                if not isinstance(data[key], str):
                    raise InvalidOption(f'{key} must be a region code, e.g. "RU"')
                kw[key] = data[key]
        if "columns" in data:
            if not isinstance(data["columns"], Mapping):
                raise InvalidOption('columns must be a table: kind = "column name"')
            kw["columns"] = dict(data["columns"])
        if "rules" in data:
            kw["rules"] = as_rules(list(data["rules"]))
        if "distinct" in data:
            kw["distinct"] = as_rules(list(data["distinct"]))
        if "blocking" in data:
            kw["blocking"] = [_blocking(b) for b in data["blocking"]]
        if "comparisons" in data:
            kw["comparisons"] = [_comparison(c) for c in data["comparisons"]]
        return cls(**kw)

    def to_dict(self) -> dict[str, Any]:
        """The settings in the TOML/dict vocabulary (defaults left out)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == f.default:
                continue
            if f.name in ("rules", "distinct"):
                value = [r.describe() for r in value]
            elif f.name == "blocking":
                value = ["+".join(b.to_dict()["keys"]) for b in value]
            elif f.name == "comparisons":
                value = [c.to_dict() for c in value]
            out[f.name] = value
        return out


def _number(value: Any, key: str, kind: type) -> Any:
    try:
        if isinstance(value, bool):
            raise TypeError
        return kind(value)
    except (TypeError, ValueError):
        raise InvalidOption(f"{key} must be a number") from None


def _blocking(item: Any) -> BlockingRule:
    if isinstance(item, str):
        keys = [k.strip() for k in item.split("+") if k.strip()]
    elif isinstance(item, (list, tuple)):
        keys = [str(k) for k in item]
    else:
        raise InvalidOption('a blocking rule is "key+key" or a list of key columns')
    if not keys:
        raise InvalidOption('empty blocking rule: write e.g. "surname_key+birth_date"')
    return block_on(*keys)


def _comparison(item: Any) -> Comparison:
    if not isinstance(item, Mapping) or "type" not in item or "column" not in item:
        raise InvalidOption(
            'a comparison needs type and column, e.g. {type = "ExactMatch", column = "phone"}'
        )
    kind = item["type"]
    cls = _COMPARISON_TYPES.get(kind)
    if cls is None:
        raise InvalidOption(
            f"unknown comparison type {kind!r}; known: {', '.join(_COMPARISON_TYPES)}"
        )
    kw = {k: v for k, v in item.items() if k != "type"}
    if "thresholds" in kw:
        kw["thresholds"] = tuple(float(t) for t in kw["thresholds"])
    try:
        return cls(**kw)
    except TypeError:
        raise InvalidOption(
            f"bad options for comparison {kind!r}: {', '.join(sorted(kw))}"
        ) from None


def load_config(path: str | Path) -> DedupeConfig:
    """Read a dedupe TOML file.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
    ...     _ = f.write('threshold = 0.8\\nrules = ["email"]\\n')
    >>> load_config(f.name).threshold
    0.8
    >>> os.unlink(f.name)
    """
    data = load_toml(path, what="config file")
    section = data.get("dedupe", data)
    return DedupeConfig.from_dict(section)
