"""Lazy scanning: Parquet/Arrow/JSON Lines through polars, CSV in blocks of whole records."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from custdata.errors import InvalidOption, UnreadableInput
from custdata.io.csv_read import _check_header, _dedupe_header, _scan_bad_rows
from custdata.io.encoding import _detect_encoding_sample, _streamable_encoding
from custdata.io.formats import format_from_path, normalize_format, sniff_delimiter
from custdata.io.reading import read

#: Bytes of CSV parsed at a time by :func:`scan` (whole records, so a block may be a bit larger).
SCAN_BLOCK_BYTES = 32 * 1024 * 1024


def scan(
    source: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> pl.LazyFrame:
    """Lazily scan a file: Parquet, Arrow, JSON Lines and CSV/TSV never load it whole.

    CSV is scanned in blocks of whole records (a record's quoted line breaks never split), each
    block decoded on its own, so a cp1251 (or any single-byte encoding) file streams as well as
    UTF-8. Every block is checked like :func:`read` checks the whole file: a record with the
    wrong number of fields raises :class:`~custdata.errors.UnreadableInput` when the frame is
    collected. Other inputs (Excel, UTF-16 CSV, stdin) are read eagerly and returned as a
    LazyFrame.

    >>> import tempfile, pathlib
    >>> from custdata.io import write
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> write(pl.DataFrame({"a": ["1"]}), p)
    >>> scan(p).collect()["a"].to_list()
    ['1']
    >>> c = p.with_name("t.csv")
    >>> _ = c.write_bytes("имя;тел\\nАнна;007\\n".encode("cp1251"))
    >>> scan(c).collect().rows()
    [('Анна', '007')]
    """
    fmt = (
        normalize_format(format)
        if format
        else (None if str(source) == "-" else format_from_path(source))
    )
    path = Path(source)
    if fmt in ("parquet", "arrow", "jsonl") and path.exists():
        try:
            if fmt == "parquet":
                return pl.scan_parquet(path)
            if fmt == "arrow":
                return pl.scan_ipc(path)
            return pl.scan_ndjson(path, infer_schema_length=None)
        except pl.exceptions.PolarsError as exc:
            raise UnreadableInput(
                f"{path.name} is not a valid {fmt} file ({type(exc).__name__})"
            ) from None
    if fmt in ("csv", "tsv") and str(source) != "-" and path.is_file():
        if fmt == "tsv" and delimiter is None:
            delimiter = "\t"
        lazy = _scan_csv(path, encoding=encoding, delimiter=delimiter)
        if lazy is not None:
            return lazy
    return read(source, format=format, encoding=encoding, delimiter=delimiter, sheet=sheet).lazy()


def _scan_csv(path: Path, *, encoding: str | None, delimiter: str | None) -> pl.LazyFrame | None:
    """A lazy, block-wise CSV reader (None: the encoding cannot be streamed; read eagerly)."""
    from polars.io.plugins import register_io_source

    name = path.name
    try:
        with open(path, "rb") as fh:
            head = fh.read(1_000_000)
    except OSError as exc:
        raise UnreadableInput(f"cannot read {path}: {exc.strerror}") from None
    if not head.strip():
        raise UnreadableInput(f"{name} is empty: nothing to read")
    if head[:4] in (b"PK\x03\x04", b"PAR1") or head[:6] == b"ARROW1":
        raise UnreadableInput(f"{name} is a binary file, not a CSV; check the extension or --from")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if b"\x00" in head[:4096]:
        raise UnreadableInput(
            f"{name} looks like a binary file, not a CSV; check the file or --from"
        )
    enc = encoding or _detect_encoding_sample(head)
    if not _streamable_encoding(enc):
        return None
    utf8 = enc.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig")
    offset = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    header_end = _record_end(head, offset, last=False)
    header_bytes = head[offset:header_end] if header_end is not None else head[offset:]
    if header_end is None and len(head) == 1_000_000:
        return None  # a header over a megabyte: leave it to the eager reader
    header_text = _decode_block(header_bytes, enc, name, utf8=utf8).lstrip("\ufeff")
    if delimiter is not None:
        delim = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
        if len(delim) != 1:
            raise InvalidOption("--delimiter must be one character (or 'tab')")
    else:
        delim = sniff_delimiter(_decode_block(head[offset:], enc, name, utf8=utf8, lenient=True))
    try:
        fields = next(csv.reader(io.StringIO(header_text, newline=""), delimiter=delim))
    except (StopIteration, csv.Error):
        raise UnreadableInput(f"{name} is empty: no header row") from None
    columns = _dedupe_header(fields)
    _check_header(columns, name)  # as the eager reader: a first row of contacts is not a header
    schema = {c: pl.String for c in columns}
    body_start = offset + len(header_bytes)

    def blocks(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        left = n_rows
        line = 2 + header_text.count("\n") - (1 if header_text.endswith("\n") else 0)
        for block in _record_blocks(path, body_start):
            frame = _parse_block(block, enc, delim, columns, name, line, utf8=utf8)
            line += block.count(b"\n")
            if with_columns is not None:
                frame = frame.select(with_columns)
            if predicate is not None:
                frame = frame.filter(predicate)
            if left is not None:
                frame = frame.head(left)
                left -= frame.height
            yield frame
            if left is not None and left <= 0:
                return

    return register_io_source(
        blocks, schema=schema, is_pure=True, explain_name="custdata CSV", explain_detail=name
    )


def _record_end(data: bytes, start: int = 0, *, last: bool = True) -> int | None:
    """Index just past the last (or first) newline of ``data[start:]`` outside quotes, or None.

    ``data`` begins at a record boundary, so a newline ends a record exactly when the number of
    quote characters before it is even (an escaped quote ``""`` counts twice).
    """
    if last:
        pos = len(data)
        while True:
            pos = data.rfind(b"\n", start, pos)
            if pos < 0:
                return None
            if data.count(b'"', 0, pos) % 2 == 0:
                return pos + 1
    pos = start - 1
    while True:
        pos = data.find(b"\n", pos + 1)
        if pos < 0:
            return None
        if data.count(b'"', 0, pos) % 2 == 0:
            return pos + 1


def _decode_block(block: bytes, enc: str, name: str, *, utf8: bool, lenient: bool = False) -> str:
    try:
        return block.decode("utf-8" if utf8 else enc, errors="ignore" if lenient else "strict")
    except UnicodeDecodeError as exc:
        hint = "cp1251" if utf8 else "utf-8"
        raise UnreadableInput(
            f"{name} is not valid {enc} (byte {exc.start} of a block); try --encoding {hint}"
        ) from None


def _record_blocks(path: Path, start: int) -> Iterator[bytes]:
    """The file from ``start`` in blocks of about SCAN_BLOCK_BYTES, each ending on a record end."""
    with open(path, "rb") as fh:
        fh.seek(start)
        carry = b""
        while True:
            chunk = fh.read(SCAN_BLOCK_BYTES)
            data = carry + chunk if carry else chunk
            if not chunk:
                if data.strip():
                    yield data
                return
            cut = _record_end(data)
            if cut is None:
                carry = data
                continue
            carry = data[cut:]
            if data[:cut].strip():
                yield data[:cut]


def _parse_block(
    block: bytes, enc: str, delim: str, columns: list[str], name: str, line: int, *, utf8: bool
) -> pl.DataFrame:
    """Parse one block of whole records (``line``: the block's first line number in the file).

    polars parses the block, then the field counts are proven as :func:`read` proves them;
    when that fails the block goes through the exact csv-module pass (blank lines, odd quoting),
    which names the bad lines.
    """
    payload = block if utf8 else _decode_block(block, enc, name, utf8=False).encode("utf-8")
    try:
        frame = pl.read_csv(
            payload,
            separator=delim,
            infer_schema=False,
            has_header=False,
            new_columns=columns,
            schema={c: pl.String for c in columns},
            empty_string_is_null=True,
        )
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower() or "utf8" in str(exc).lower():
            raise UnreadableInput(
                f"{name} is not valid UTF-8 near line {line}; try --encoding cp1251"
            ) from None
        frame = None
    except pl.exceptions.PolarsError:
        frame = None
    if frame is not None:
        sep = delim.encode("utf-8")
        total = payload.count(sep)
        inside = 0
        if frame.width > 1 and b'"' in payload:
            sums = frame.select(pl.all().str.count_matches(delim, literal=True).sum()).row(0)
            inside = sum(int(v or 0) for v in sums)
        if total - inside == (frame.width - 1) * frame.height:
            if b'""' in payload:
                frame = frame.with_columns(pl.all().replace("", None))  # quoted "" is null too
            return frame
    text = _decode_block(block, enc, name, utf8=utf8)
    header = delim.join(f"c{i}" for i in range(len(columns)))
    _, good, bad = _scan_bad_rows(header + "\n" + text, delim, name)
    if bad:
        lines = ", ".join(str(b.line + line - 2) for b in bad[:10])
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        raise UnreadableInput(
            f"{name}: {len(bad)} row(s) have a wrong number of fields (header has "
            f"{len(columns)}): line(s) {lines}{more}; fix them, or read the file in memory "
            "with --bad-rows reject to write them to a reject file"
        )
    return pl.DataFrame(
        {c: [row[i] for row in good] for i, c in enumerate(columns)},
        schema={c: pl.String for c in columns},
    ).with_columns(pl.all().replace("", None))
