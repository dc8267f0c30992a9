"""custdata: customer data hygiene (normalize, dedupe, segment) as a library and a CLI.

The facade: ``custdata.read`` / ``write`` / ``scan`` (files of every format),
``custdata.normalize``, ``custdata.dedupe``, ``custdata.segment``, ``custdata.privacy``
(packages), ``custdata.profile(frame)`` (a quality profile), ``custdata.clean(sources)`` (the
main job) and ``custdata.errors``. Heavy parts are imported on first use, so ``import custdata``
and the CLI start fast.

>>> import polars as pl, custdata
>>> custdata.normalize.phone  # doctest: +ELLIPSIS
<function phone at ...>
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from custdata import errors

try:
    __version__ = version("custdata")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

_LAZY_MODULES = {
    "io",
    "normalize",
    "dedupe",
    "segment",
    "privacy",
    "pipeline",
    "schema",
    "profiling",
    "cleaning",
}
_LAZY_FUNCTIONS = {
    "read": ("custdata.io", "read"),
    "write": ("custdata.io", "write"),
    "scan": ("custdata.io", "scan"),
    "profile": ("custdata.profiling", "profile"),
    "clean": ("custdata.cleaning", "clean"),
    "detect_columns": ("custdata.schema", "detect_columns"),
}

__all__ = ["__version__", "errors", *sorted(_LAZY_MODULES), *sorted(_LAZY_FUNCTIONS)]


def __getattr__(name: str) -> Any:
    if name in _LAZY_FUNCTIONS:
        module, attr = _LAZY_FUNCTIONS[name]
        return getattr(importlib.import_module(module), attr)
    if name in _LAZY_MODULES:
        return importlib.import_module(f"custdata.{name}")
    raise AttributeError(f"module 'custdata' has no attribute {name!r}")
