"""Table formats: names, extensions, magic-number sniffing, delimiter sniffing, source info."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from custdata.errors import UnsupportedFormat

Format = Literal["csv", "tsv", "parquet", "xlsx", "jsonl", "arrow"]


FORMATS: tuple[str, ...] = ("csv", "tsv", "parquet", "xlsx", "jsonl", "arrow")


_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".arrow": "arrow",
    ".ipc": "arrow",
    ".feather": "arrow",
}


_FORMAT_ALIASES: dict[str, str] = {
    "csv": "csv",
    "tsv": "tsv",
    "parquet": "parquet",
    "pq": "parquet",
    "xlsx": "xlsx",
    "excel": "xlsx",
    "xls": "xlsx",
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "json": "jsonl",
    "arrow": "arrow",
    "ipc": "arrow",
    "feather": "arrow",
}


DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")


Source = str | os.PathLike[str] | bytes


@dataclass(frozen=True)
class SourceInfo:
    """What was detected about an input: format, encoding, delimiter, sheets."""

    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheets: tuple[str, ...] = ()
    sheet: str | None = None


def normalize_format(name: str) -> str:
    """Canonical format name for a ``--from``/``--to`` value.

    >>> normalize_format("Excel"), normalize_format("ndjson")
    ('xlsx', 'jsonl')
    """
    key = name.strip().lower().lstrip(".")
    if key not in _FORMAT_ALIASES:
        raise UnsupportedFormat(f"unknown format {name!r}; use one of: {', '.join(FORMATS)}")
    return _FORMAT_ALIASES[key]


def format_from_path(path: str | os.PathLike[str]) -> str:
    """Format implied by a file name's extension.

    >>> format_from_path("crm.CSV"), format_from_path("x/out.parquet")
    ('csv', 'parquet')
    """
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        shown = suffix or "(none)"
        raise UnsupportedFormat(
            f"cannot tell the format of {Path(path).name!r} from its extension {shown}; "
            f"use --from/--to with one of: {', '.join(FORMATS)}"
        )
    return _EXTENSIONS[suffix]


def sniff_format(data: bytes) -> str:
    """Format of raw bytes, by magic number (used for stdin); CSV when nothing else fits.

    >>> sniff_format(b"PAR1...."), sniff_format(b"a;b\\n1;2\\n")
    ('parquet', 'csv')
    """
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:6] == b"ARROW1" or data[:4] == b"\xff\xff\xff\xff":
        return "arrow"
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    stripped = data.lstrip()[:1]
    if stripped == b"{":
        return "jsonl"
    return "csv"


def sniff_delimiter(text: str, *, candidates: Sequence[str] = DELIMITERS) -> str:
    """The delimiter that splits the first lines of ``text`` into the most consistent fields.

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    >>> sniff_delimiter("name\\tphone\\nx\\t1\\n")
    '\\t'
    """
    lines = text[:65536].splitlines()
    if len(text) > 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    sample = "\n".join(lines[:200])
    best, best_score = ",", (0.0, 1)
    for delim in candidates:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delim))
        except csv.Error:
            continue
        counts = [len(r) for r in rows if r]
        if not counts:
            continue
        header = counts[0]
        if header < 2:
            continue
        consistent = sum(1 for c in counts if c == header) / len(counts)
        score = (consistent, header)
        if score > best_score:
            best, best_score = delim, score
    return best
