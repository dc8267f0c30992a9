"""Reading TOML files (dedupe configs, segment rules and maps, pipelines) with one set of errors.

A missing, unreadable or invalid file raises a :class:`~custdata.errors.CustdataError` (by
default :class:`~custdata.errors.UnreadableInput`) whose message names the kind of file and its
path, never its content.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from custdata.errors import CustdataError, UnreadableInput

__all__ = ["load_toml", "parse_toml", "read_config_text"]


def read_config_text(
    path: str | Path, *, what: str, error: type[CustdataError] = UnreadableInput
) -> str:
    """The text of a configuration file (UTF-8, a byte-order mark allowed).

    ``what`` names the kind of file in error messages ("rule file", "config file"...).

    >>> read_config_text("/no/such.toml", what="rule file")
    Traceback (most recent call last):
    ...
    custdata.errors.UnreadableInput: rule file not found: /no/such.toml
    """
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{what} not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read the {what} {path} ({type(exc).__name__})") from None


def parse_toml(
    text: str,
    *,
    what: str,
    source: str | Path | None = None,
    error: type[CustdataError] = UnreadableInput,
) -> dict[str, Any]:
    """Parse TOML text; a syntax error becomes ``error`` naming the file and the line.

    >>> parse_toml('threshold = 0.8', what="config file")
    {'threshold': 0.8}
    >>> parse_toml('threshold = ', what="config file", source="d.toml")
    Traceback (most recent call last):
    ...
    custdata.errors.UnreadableInput: config file d.toml is not valid TOML: Invalid value (at end of document)
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        name = f"{what} {source}" if source is not None else what
        raise error(f"{name} is not valid TOML: {exc}") from None


def load_toml(
    path: str | Path, *, what: str, error: type[CustdataError] = UnreadableInput
) -> dict[str, Any]:
    """Read and parse a TOML file; every failure raises ``error`` (``UnreadableInput``).

    >>> import os, tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
    ...     _ = f.write('name = "vip"\\n')
    >>> load_toml(f.name, what="rule file")
    {'name': 'vip'}
    >>> os.unlink(f.name)
    """
    return parse_toml(
        read_config_text(path, what=what, error=error), what=what, source=path, error=error
    )
