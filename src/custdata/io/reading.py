"""Eager reading of any format: :func:`read` and :func:`read_with_info`."""

from __future__ import annotations

from typing import IO

import polars as pl

from custdata.errors import UnreadableInput
from custdata.io.csv_read import read_csv_with_rejects
from custdata.io.excel import read_excel
from custdata.io.formats import Source, SourceInfo, format_from_path, normalize_format, sniff_format
from custdata.io.sources import _read_bytes, _source_name


def read_with_info(
    source: Source | IO[bytes],
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> tuple[pl.DataFrame, SourceInfo]:
    """Like :func:`read`, also returning what was detected (encoding, delimiter, sheets)."""
    name = _source_name(source)
    if format is not None:
        fmt = normalize_format(format)
    elif isinstance(source, bytes) or hasattr(source, "read") or str(source) == "-":
        data = _read_bytes(source)
        source = data
        fmt = sniff_format(data)
    else:
        fmt = format_from_path(source)  # type: ignore[arg-type]
    if fmt in ("csv", "tsv"):
        if fmt == "tsv" and delimiter is None:
            delimiter = "\t"
        result = read_csv_with_rejects(source, encoding=encoding, delimiter=delimiter)
        assert result.info is not None
        return result.frame, result.info
    if fmt == "xlsx":
        return read_excel(source, sheet=sheet)
    data = _read_bytes(source)
    if not data:
        raise UnreadableInput(f"{name} is empty: nothing to read")
    try:
        if fmt == "parquet":
            frame = pl.read_parquet(data)
        elif fmt == "arrow":
            frame = (
                pl.read_ipc_stream(data) if data[:4] == b"\xff\xff\xff\xff" else pl.read_ipc(data)
            )
        else:
            frame = pl.read_ndjson(data, infer_schema_length=None)
    except pl.exceptions.PolarsError as exc:
        raise UnreadableInput(f"{name} is not a valid {fmt} file ({type(exc).__name__})") from None
    except OSError:
        raise UnreadableInput(f"{name} is not a valid {fmt} file") from None
    return frame, SourceInfo(format=fmt)


def read(
    source: Source | IO[bytes],
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> pl.DataFrame:
    """Read a table from a path, ``-`` (stdin) or raw bytes.

    The format comes from the extension (or the magic bytes for stdin) unless ``format`` is
    given. CSV columns are all read as text.

    >>> read(b"tel;name\\n0044 20 7946 0958;Ann\\n", format="csv")["tel"].to_list()
    ['0044 20 7946 0958']
    """
    return read_with_info(
        source, format=format, encoding=encoding, delimiter=delimiter, sheet=sheet
    )[0]
