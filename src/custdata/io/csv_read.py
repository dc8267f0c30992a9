"""Eager CSV/TSV reading as text: polars' fast path with an exact field-count proof, the
csv-module slow path that names ragged rows, header checks."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import IO, Literal

import polars as pl

from custdata.errors import InvalidOption, UnreadableInput
from custdata.io.encoding import _decode, _detect_encoding_sample, detect_encoding
from custdata.io.formats import Source, SourceInfo, sniff_delimiter
from custdata.io.sources import _read_bytes, _source_name


@dataclass
class BadRow:
    """A CSV record whose number of fields differs from the header's."""

    line: int
    fields: int
    text: str


@dataclass
class CsvRead:
    """Result of :func:`read_csv_with_rejects`: the good rows, the rejected ones, what was detected."""

    frame: pl.DataFrame
    rejects: list[BadRow] = field(default_factory=list)
    info: SourceInfo | None = None

    def rejects_frame(self) -> pl.DataFrame:
        """The rejected records as a table (line number, field count, raw text)."""
        return pl.DataFrame(
            {
                "line": [r.line for r in self.rejects],
                "fields": [r.fields for r in self.rejects],
                "raw": [r.text for r in self.rejects],
            },
            schema={"line": pl.Int64, "fields": pl.Int64, "raw": pl.String},
        )


def read_csv_with_rejects(
    source: Source | IO[bytes],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    bad_rows: Literal["error", "reject"] = "error",
) -> CsvRead:
    """Read a CSV/TSV as text, returning the frame, any rejected rows and what was detected.

    With ``bad_rows="error"`` (default) a record with the wrong number of fields raises
    :class:`~custdata.errors.UnreadableInput` naming its line numbers; with ``"reject"`` the
    good records are read and the bad ones returned in ``.rejects``.

    >>> r = read_csv_with_rejects(b"a,b\\n1,2\\n3\\n4,5\\n", bad_rows="reject")
    >>> r.frame.height, [(b.line, b.fields) for b in r.rejects]
    (2, [(3, 1)])
    """
    name = _source_name(source)
    data = _read_bytes(source)
    if not data.strip():
        raise UnreadableInput(f"{name} is empty: nothing to read")
    if data[:4] in (b"PK\x03\x04", b"PAR1") or data[:6] == b"ARROW1":
        raise UnreadableInput(f"{name} is a binary file, not a CSV; check the extension or --from")
    wide = encoding is not None and encoding.lower().replace("-", "").replace("_", "").startswith(
        ("utf16", "utf32", "ucs2", "ucs4")
    )
    if b"\x00" in data[:4096] and not wide and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableInput(
            f"{name} looks like a binary file, not a CSV (or UTF-16: try --encoding utf-16-le); "
            "check the file or --from"
        )
    declared = encoding
    if wide:  # decode first: the byte-level fast path and line-ending checks assume ASCII bytes
        text_in, _ = _decode(data, encoding, name)
        data, encoding = text_in.encode("utf-8"), "utf-8"
    if b"\r" in data and b"\n" not in data:  # old Mac line endings: CR only
        data = data.replace(b"\r", b"\n")
    enc = encoding or _detect_encoding_sample(data)
    if delimiter is not None:
        delim = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
        if len(delim) != 1:
            raise InvalidOption("--delimiter must be one character (or 'tab')")
        if delim in ('"', "\r", "\n"):
            raise InvalidOption("--delimiter cannot be a quote or a line break; use , ; | or tab")
    frame = None
    text: str | None = None
    if enc.replace("-", "").lower() in ("utf8", "utf8sig") and data.count(b'"') % 2 == 0:
        # Fast path: polars parses the bytes and validates UTF-8 itself.
        payload = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        if delimiter is None:
            delim = sniff_delimiter(payload[:65536].decode("utf-8", errors="ignore"))
        frame = _fast_read(payload, delim)
        if frame is None and encoding is None:
            enc = detect_encoding(data)  # maybe not UTF-8 after all: decide on the whole file
    if frame is None:
        text, enc = _decode(data, enc, name)
        if delimiter is None:
            delim = sniff_delimiter(text)
        if enc.replace("-", "").lower() not in ("utf8", "utf8sig") and text.count('"') % 2 == 0:
            frame = _fast_read(text.encode("utf-8"), delim)
    info = SourceInfo(format="csv", encoding=declared if wide else enc, delimiter=delim)
    if frame is not None:
        _check_header(frame.columns, name)
        return CsvRead(frame=frame, info=info)
    assert text is not None
    header, good, bad = _scan_bad_rows(text, delim, name)
    if bad and bad_rows == "error":
        lines = ", ".join(str(b.line) for b in bad[:10])
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        raise UnreadableInput(
            f"{name}: {len(bad)} row(s) have a wrong number of fields (header has "
            f"{len(header)}): line(s) {lines}{more}; fix them, or use --bad-rows reject "
            "to keep going and write them to a reject file"
        )
    columns = _dedupe_header(header)
    _check_header(columns, name)
    frame = pl.DataFrame(
        {c: [row[i] for row in good] for i, c in enumerate(columns)},
        schema={c: pl.String for c in columns},
    ).with_columns(pl.all().replace("", None))
    return CsvRead(frame=frame, rejects=bad, info=info)


def _scan_bad_rows(
    text: str, delimiter: str, name: str
) -> tuple[list[str], list[list[str]], list[BadRow]]:
    """Slow exact pass with the csv module: header, good rows, bad rows with line numbers."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a 1 MB cell is a cell, not an error
    try:
        return _scan_rows(text, delimiter, name)
    finally:
        csv.field_size_limit(limit)


def _scan_rows(
    text: str, delimiter: str, name: str
) -> tuple[list[str], list[list[str]], list[BadRow]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    good: list[list[str]] = []
    bad: list[BadRow] = []
    header: list[str] | None = None
    start_line = 1
    lines = text.splitlines(keepends=True)
    try:
        for row in reader:
            end_line = reader.line_num
            if header is None:
                header = row
                start_line = end_line + 1
                continue
            if not row:  # blank line: an empty cell in a one-column file (as polars reads it)
                if len(header) == 1:
                    good.append([""])
                start_line = end_line + 1
                continue
            if len(row) != len(header):
                raw = "".join(lines[start_line - 1 : end_line]).rstrip("\r\n")
                bad.append(BadRow(line=start_line, fields=len(row), text=raw))
            else:
                good.append(row)
            start_line = end_line + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc) or "EOF" in str(exc):
            raise UnreadableInput(
                f"{name} ends inside a quoted field that starts on line {start_line}; "
                "the file is cut off or a quote is not closed"
            ) from None
        raise UnreadableInput(f"{name}: malformed CSV near line {reader.line_num}: {exc}") from None
    if header is None:
        raise UnreadableInput(f"{name} is empty: no header row")
    return header, good, bad


def _dedupe_header(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names):
        name = raw.strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


_EMAIL_LIKE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


_PHONE_LIKE = re.compile(r"\+?[\d\s().-]+")


_DATE_LIKE = re.compile(r"\d{4}[./-]\d{1,2}([./-]\d{1,2})?|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def _contact_like(name: str) -> bool:
    text = name.strip()
    if _EMAIL_LIKE.search(text):
        return True
    return (
        bool(_PHONE_LIKE.fullmatch(text))
        and sum(ch.isdigit() for ch in text) >= 7
        and not _DATE_LIKE.fullmatch(text)
    )


def _check_header(columns: list[str], name: str) -> None:
    """Refuse a file whose first row holds contacts (emails, phones): it has no header row.

    Read as a header, that row would be lost from the data and its values become column names.
    """
    if any(_contact_like(c) for c in columns):
        raise UnreadableInput(
            f"{name}: the first row looks like data (an email or phone where column names "
            "should be), so the file seems to have no header row; add one (e.g. name,phone,email)"
        )


def _fast_read(payload: bytes, delim: str) -> pl.DataFrame | None:
    """polars' reader, then an exact check that every record had as many fields as the header.

    A record's structural delimiters = all delimiter bytes in the file minus those that sit
    inside (quoted) cell values, so one pass over the cells proves the shape without a slow
    Python parse. Returns None when the check fails (the slow path then names the lines).
    """
    try:
        frame = pl.read_csv(
            payload,
            separator=delim,
            infer_schema=False,
            has_header=True,
            empty_string_is_null=True,
            raise_if_empty=True,
        )
    except pl.exceptions.PolarsError:
        return None
    header_line = payload.split(b"\n", 1)[0]
    if b'"' in header_line:
        return None
    sep = delim.encode("utf-8")
    total = payload.count(sep)
    inside = 0
    if frame.width > 1 and b'"' in payload:
        sums = frame.select(pl.all().str.count_matches(delim, literal=True).sum()).row(0)
        inside = sum(int(v or 0) for v in sums)
    expected = (frame.width - 1) * frame.height
    if total - inside - header_line.count(sep) != expected:
        return None
    if b'""' in payload:
        frame = frame.with_columns(pl.all().replace("", None))  # quoted "" is empty too: null
    renamed = _dedupe_header(frame.columns)
    if renamed != frame.columns:
        frame = frame.rename(dict(zip(frame.columns, renamed, strict=False)))
    return frame
