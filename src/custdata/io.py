"""Read and write customer tables: CSV/TSV, Parquet, Excel, JSON Lines, Arrow IPC; stdin/stdout.

* CSV is read **as text**: every column is ``pl.String`` so ``0044...``, ``007`` and ``+7...``
  survive untouched. The encoding (UTF-8, UTF-8 with BOM, cp1251, whatever charset-normalizer
  finds) and the delimiter (``,`` ``;`` tab ``|``) are detected unless given.
* Rows with the wrong number of fields are an error naming their line numbers, unless
  ``bad_rows="reject"``: then the good rows are read and the bad ones are returned separately
  (see :func:`read_csv_with_rejects`).
* Writes are atomic: a temporary file in the target folder, then a rename.

>>> import polars as pl, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write(pl.DataFrame({"tel": ["007", "+7 912"]}), folder / "t.csv")
>>> read(folder / "t.csv")["tel"].to_list()
['007', '+7 912']
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

import polars as pl

from custdata.errors import (
    InvalidOption,
    OutputError,
    UnreadableInput,
    UnsupportedFormat,
    show_column,
)

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

#: Environment variable that widens the mode of files custdata creates (octal, e.g. ``0640``).
FILE_MODE_ENV = "CUSTDATA_FILE_MODE"
#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"^[+-]?[\d\s().,;+-]*\d[\d\s().,;+-]*$"

#: Excel's sheet limit: 1,048,576 rows including the header row.
EXCEL_MAX_ROWS = 1_048_576

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


# ---------------------------------------------------------------------------------------------
# format detection


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


# ---------------------------------------------------------------------------------------------
# encoding and delimiter


def detect_encoding(data: bytes) -> str:
    """Best encoding for ``data``: ``utf-8-sig`` with a BOM, ``utf-8`` when it decodes, else a guess.

    The guess comes from charset-normalizer (a maintained detector), with a preference for
    cp1251 when the text reads as Cyrillic in it, since that is what 1C and Russian Excel write.

    >>> detect_encoding("Фамилия;Имя".encode("cp1251"))
    'cp1251'
    >>> detect_encoding(b"\\xef\\xbb\\xbfname")
    'utf-8-sig'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # Judge the text where the non-UTF-8 bytes are, not an ASCII-only head of the file.
    begin = max(0, first_bad - 2000)
    sample = data[begin : begin + 200_000]
    if _looks_cp1251(sample):
        return "cp1251"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or best.encoding in ("ascii", "utf_8"):
        raise UnreadableInput(
            "cannot detect the file's text encoding (is it a binary file?); "
            "name it with --encoding, e.g. --encoding cp1251"
        )
    return str(best.encoding)


def _looks_cp1251(sample: bytes) -> bool:
    text = sample.decode("cp1251", errors="replace")
    high = [c for c in text if ord(c) > 127]
    if not high:
        return False
    cyrillic = sum(1 for c in high if "\u0400" <= c <= "\u04ff")
    lower = sum(1 for c in high if "\u0430" <= c <= "\u044f" or c in "ёіїєґ")
    return cyrillic / len(high) > 0.95 and lower / max(cyrillic, 1) > 0.4


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


# ---------------------------------------------------------------------------------------------
# reading


def _read_bytes(source: Source | IO[bytes]) -> bytes:
    if isinstance(source, bytes):
        return source
    if hasattr(source, "read"):
        return source.read()  # type: ignore[union-attr]
    if str(source) == "-":
        with contextlib.suppress(OSError, ValueError, AttributeError):
            mode = os.fstat(sys.stdin.fileno()).st_mode
            if stat.S_ISCHR(mode) and not os.isatty(sys.stdin.fileno()):
                raise UnreadableInput(_DEVICE_INPUT.format(name="stdin"))
        return sys.stdin.buffer.read()
    path = Path(source)  # type: ignore[arg-type]
    if not path.exists():
        raise UnreadableInput(f"file not found: {path}")
    if path.is_dir():
        raise UnreadableInput(f"{path} is a folder, not a file")
    with contextlib.suppress(OSError):
        mode = os.stat(path).st_mode
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            raise UnreadableInput(_DEVICE_INPUT.format(name=path))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"cannot read {path}: {exc.strerror}") from None


_DEVICE_INPUT = (
    "{name} is a device, not a file (it may never end, like /dev/zero); "
    "save the data to a file or pipe it in with -"
)


def _source_name(source: object) -> str:
    if isinstance(source, bytes) or hasattr(source, "read") or str(source) == "-":
        return "stdin"
    return Path(source).name  # type: ignore[arg-type]


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    enc = encoding or detect_encoding(data)
    try:
        text = data.decode(enc)
    except LookupError:
        raise InvalidOption(f"unknown encoding {enc!r}; try utf-8, cp1251 or koi8-r") from None
    except UnicodeDecodeError as exc:
        hint = "cp1251" if enc.lower().replace("-", "") in ("utf8", "utf8sig") else "utf-8"
        raise UnreadableInput(
            f"{name} is not valid {enc} (byte {exc.start}); try --encoding {hint}"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text[:4096]:
        raise UnreadableInput(
            f"{name} looks like a binary file, not a CSV; check the file or --from"
        )
    return text, enc


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


def _detect_encoding_sample(data: bytes) -> str:
    """Encoding from the first megabyte (UTF-8 is confirmed on the whole file by polars)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    sample = data[:1_000_000]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if len(sample) == 1_000_000 and exc.start >= len(sample) - 3:
            return "utf-8"  # a character cut by the sample's end
    return detect_encoding(sample)


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


def read_excel(
    source: Source | IO[bytes], *, sheet: str | int | None = None
) -> tuple[pl.DataFrame, SourceInfo]:
    """Read one sheet of an .xlsx file as text (fastexcel/calamine, a fast Rust reader).

    ``sheet`` is a name or a 1-based number; default: the first sheet.
    """
    import fastexcel

    name = _source_name(source)
    data = _read_bytes(source)
    if not data:
        raise UnreadableInput(f"{name} is empty: nothing to read")
    if data[:4] != b"PK\x03\x04" and data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableInput(f"{name} is not an Excel workbook (an .xlsx is a zip file)")
    try:
        reader = fastexcel.read_excel(data)
    except Exception:
        raise UnreadableInput(
            f"{name} is not a readable Excel workbook (corrupt or encrypted?)"
        ) from None
    sheets = tuple(reader.sheet_names)
    if sheet is None:
        target: str | int = 0
    elif isinstance(sheet, int) or str(sheet).isdigit():
        number = int(sheet)
        if not 1 <= number <= len(sheets):
            raise InvalidOption(
                f"{name} has {len(sheets)} sheet(s); --sheet {number} does not exist "
                f"(sheets: {', '.join(sheets)})"
            )
        target = number - 1
    else:
        if sheet not in sheets:
            raise InvalidOption(f"sheet {sheet!r} not found in {name}; sheets: {', '.join(sheets)}")
        target = sheet
    try:
        frame = reader.load_sheet(target, dtypes="string").to_polars()
    except Exception as exc:
        if "no data" in str(exc).lower() or "empty" in str(exc).lower():
            raise UnreadableInput(f"{name}: the sheet is empty") from None
        raise UnreadableInput(f"{name}: cannot read the sheet ({type(exc).__name__})") from None
    # Date cells come out as "1985-12-31 00:00:00": drop a midnight time, keep real times.
    frame = frame.with_columns(
        pl.all().cast(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1")
    )
    chosen = sheets[target] if isinstance(target, int) else target
    return frame, SourceInfo(format="xlsx", sheets=sheets, sheet=chosen)


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


#: Bytes of CSV parsed at a time by :func:`scan` (whole records, so a block may be a bit larger).
SCAN_BLOCK_BYTES = 32 * 1024 * 1024


def _streamable_encoding(enc: str) -> bool:
    """UTF-8 or a single-byte ASCII-compatible encoding: a block cut at a newline decodes alone."""
    import codecs

    try:
        name = codecs.lookup(enc).name
    except LookupError:
        raise InvalidOption(f"unknown encoding {enc!r}; try utf-8, cp1251 or koi8-r") from None
    if name in ("utf-8", "utf-8-sig"):
        return True
    all_bytes = bytes(range(256))
    decoded = all_bytes.decode(name, errors="replace")
    return len(decoded) == 256 and decoded[:128] == all_bytes[:128].decode("ascii")


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


# ---------------------------------------------------------------------------------------------
# writing


def flatten_for_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Make list/struct columns text: lists joined by '; ', structs as JSON (CSV, Excel, matching).

    >>> flatten_for_text(pl.DataFrame({"t": [["a", "b"]]}))["t"].to_list()
    ['a; b']
    """
    exprs = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, (pl.List, pl.Array)):
            exprs.append(pl.col(name).cast(pl.List(pl.String)).list.join("; ").alias(name))
        elif isinstance(dtype, pl.Struct):
            exprs.append(pl.col(name).struct.json_encode().alias(name))
        elif dtype == pl.Object:
            exprs.append(pl.col(name).map_elements(str, return_dtype=pl.String).alias(name))
    return frame.with_columns(exprs) if exprs else frame


_flatten_for_text = flatten_for_text  # the old private name (custdata.streaming uses it)


def to_bytes(
    frame: pl.DataFrame,
    format: str,
    *,
    bom: bool = False,
    delimiter: str | None = None,
    formula_guard: bool | None = None,
) -> bytes:
    """Serialize ``frame`` in ``format`` to bytes (used for stdout).

    >>> to_bytes(pl.DataFrame({"a": ["x"]}), "csv")
    b'a\\nx\\n'
    """
    buf = io.BytesIO()
    _write_to(
        frame,
        buf,
        normalize_format(format),
        bom=bom,
        delimiter=delimiter,
        stream=True,
        formula_guard=formula_guard,
    )
    return buf.getvalue()


def _write_to(
    frame: pl.DataFrame,
    target: IO[bytes] | str,
    fmt: str,
    *,
    bom: bool,
    delimiter: str | None,
    stream: bool = False,
    sheet_name: str = "Sheet1",
    formula_guard: bool | None = None,
) -> None:
    guard = formula_guard if formula_guard is not None else default_formula_guard(bom)
    if guard and fmt in ("csv", "tsv", "xlsx"):
        frame = guard_formulas(flatten_for_text(frame))
    if fmt in ("csv", "tsv"):
        sep = delimiter or ("\t" if fmt == "tsv" else ",")
        # one column: a null would be a blank line, which many readers skip; write "" instead
        nulls = '""' if frame.width == 1 else ""
        if bom:
            if isinstance(target, str):
                with open(target, "wb") as fh:
                    fh.write(b"\xef\xbb\xbf")
                    flatten_for_text(frame).write_csv(fh, separator=sep, null_value=nulls)
                return
            target.write(b"\xef\xbb\xbf")
        flatten_for_text(frame).write_csv(target, separator=sep, null_value=nulls)
    elif fmt == "parquet":
        frame.write_parquet(target)
    elif fmt == "arrow":
        if stream:
            frame.write_ipc_stream(target)
        else:
            frame.write_ipc(target)
    elif fmt == "jsonl":
        frame.write_ndjson(target)
    elif fmt == "xlsx":
        if frame.height + 1 > EXCEL_MAX_ROWS:
            raise OutputError(
                f"{frame.height:,} rows do not fit in an Excel sheet (max {EXCEL_MAX_ROWS - 1:,} "
                "data rows); write CSV or Parquet instead"
            )
        flat = flatten_for_text(frame)
        _check_excel_cells(flat)
        flat.write_excel(target, worksheet=sheet_name, autofit=frame.height <= 10_000)
    else:  # pragma: no cover - normalize_format guards this
        raise UnsupportedFormat(f"cannot write format {fmt!r}")


#: Excel's cell limit: 32,767 characters.
EXCEL_MAX_CELL = 32_767


def _check_excel_cells(frame: pl.DataFrame) -> None:
    """Refuse cells longer than Excel allows (xlsxwriter would cut them without a word)."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    if not text or frame.height == 0:
        return
    counts = frame.select(
        (pl.col(c).str.len_chars() > EXCEL_MAX_CELL).sum().alias(c) for c in text
    ).row(0)
    long = {c: int(n or 0) for c, n in zip(text, counts, strict=True) if n}
    if long:
        where = ", ".join(f"{n:,} in {show_column(c, frame.columns)}" for c, n in long.items())
        raise OutputError(
            f"{sum(long.values()):,} cell(s) are longer than Excel's {EXCEL_MAX_CELL:,}-character "
            f"limit ({where}); Excel would cut them: write CSV or Parquet instead"
        )


def file_mode() -> int:
    """Mode of new files custdata writes (outputs, reports, logs, lock): 0600 unless widened.

    Files with personal data are private by default, as ``ssh`` and ``gpg`` do for secrets; set
    ``CUSTDATA_FILE_MODE=0640`` (or ``0644``) to widen. The umask still applies.

    >>> oct(file_mode())
    '0o600'
    """
    raw = os.environ.get(FILE_MODE_ENV)
    if not raw:
        return 0o600
    try:
        mode = int(raw, 8)
    except ValueError:
        raise InvalidOption(f"{FILE_MODE_ENV} must be an octal mode such as 0640") from None
    if not 0 <= mode <= 0o777 or not mode & 0o600 == 0o600:
        raise InvalidOption(
            f"{FILE_MODE_ENV} must be a mode such as 0640 that the owner can read and write"
        )
    return mode


def new_file_mode() -> int:
    """:func:`file_mode` with the process umask applied."""
    umask = os.umask(0)
    os.umask(umask)
    return file_mode() & ~umask


def default_formula_guard(bom: bool) -> bool:
    """Whether to guard formulas when not told: ``CUSTDATA_FORMULA_GUARD`` (on/off), else ``bom``.

    >>> default_formula_guard(True), default_formula_guard(False)
    (True, False)
    """
    raw = os.environ.get("CUSTDATA_FORMULA_GUARD", "").strip().lower()
    flags = {"1": True, "on": True, "yes": True, "true": True}
    flags.update({"0": False, "off": False, "no": False, "false": False})
    return flags.get(raw, bom)


def guard_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix ``'`` to text cells a spreadsheet would run as a formula (OWASP CSV injection).

    Cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get the prefix,
    except cells made only of digits, spaces and ``( ) . , ; + -`` (numbers, phone numbers,
    lists of them: ``+7 912 345-67-89``, ``-12.5``), which cannot call a function.

    >>> df = pl.DataFrame({"a": ["=1+1", "@SUM(A1)", "+7 912 345", "-3", "ok", None]})
    >>> guard_formulas(df)["a"].to_list()
    ["'=1+1", "'@SUM(A1)", '+7 912 345', '-3', 'ok', None]
    """
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        col = pl.col(name)
        risky = col.str.starts_with(FORMULA_START[0])
        for ch in FORMULA_START[1:]:
            risky = risky | col.str.starts_with(ch)
        risky = risky & ~col.str.contains(_PLAIN_NUMBER)
        exprs.append(pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when two paths name the same existing file.

    >>> same_file("-", "-")
    False
    """
    if str(a) == "-" or str(b) == "-":
        return False
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except OSError:
        return False


def _same_target(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Same file, or (when neither exists yet) the same resolved path."""
    if str(a) == "-" or str(b) == "-":
        return False
    if same_file(a, b):
        return True
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def is_stream_target(path: str | os.PathLike[str]) -> bool:
    """A path that must be written into, never renamed over (device, FIFO, socket, /dev/fd/N).

    >>> is_stream_target("/dev/null"), is_stream_target("/no/such/file.csv")
    (True, False)
    """
    if _fd_of(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def check_outputs(
    outputs: Sequence[tuple[str, str | os.PathLike[str] | None]],
    inputs: Sequence[str | os.PathLike[str]] = (),
    *,
    in_place: bool = False,
) -> None:
    """Refuse, before anything is written, two outputs that are one file or an output that is an input.

    ``outputs`` are ``(option, path)`` pairs (``None`` and ``-`` are skipped; devices such as
    ``/dev/null`` may be named twice). ``in_place`` allows the *first* output to be an input.

    >>> check_outputs([("-o", "a.csv"), ("--golden", "b.csv")], ["in.csv"])
    >>> check_outputs([("-o", "a.csv"), ("--golden", "a.csv")])
    Traceback (most recent call last):
    ...
    custdata.errors.OutputError: -o and --golden name the same file a.csv; give each output its own file
    """
    named = [(opt, p) for opt, p in outputs if p is not None and str(p) != "-"]
    for i, (opt, path) in enumerate(named):
        if is_stream_target(path):
            continue
        for other_opt, other in named[i + 1 :]:
            if _same_target(path, other):
                raise OutputError(
                    f"{opt} and {other_opt} name the same file {Path(path).name}; "
                    "give each output its own file"
                )
        if in_place and i == 0:
            continue
        for source in inputs:
            if str(source) != "-" and _same_target(path, source):
                hint = "; choose another file" + (" or pass --in-place" if i == 0 else "")
                raise OutputError(
                    f"refusing to overwrite the input file {Path(path).name} ({opt}){hint}"
                )


def _fd_of(path: str | os.PathLike[str]) -> int | None:
    """The file descriptor named by ``/dev/stdout``, ``/dev/fd/N`` or ``/proc/self/fd/N``."""
    text = str(path)
    named = {"/dev/stdout": 1, "/dev/stderr": 2}
    if text in named:
        return named[text]
    m = re.fullmatch(r"/(?:dev|proc/self)/fd/(\d+)", text)
    return int(m.group(1)) if m else None


def _stream_into(
    frame: pl.DataFrame,
    path: str | os.PathLike[str],
    fmt: str,
    *,
    bom: bool,
    delimiter: str | None,
    sheet_name: str,
    formula_guard: bool | None = None,
) -> None:
    """Write into a character device, FIFO, socket or inherited descriptor (no rename)."""
    buf = io.BytesIO()
    _write_to(
        frame,
        buf,
        fmt,
        bom=bom,
        delimiter=delimiter,
        stream=True,
        sheet_name=sheet_name,
        formula_guard=formula_guard,
    )
    payload = buf.getvalue()
    name = str(path)
    fd = _fd_of(path)
    try:
        if fd is not None:
            with os.fdopen(os.dup(fd), "wb") as fh:
                fh.write(payload)
                fh.flush()
            return
        with open(path, "wb", buffering=0) as fh:
            view = memoryview(payload)
            while view:
                view = view[fh.write(view) or 0 :]
    except BrokenPipeError:
        return  # the reader went away, as with `| head`
    except OSError as exc:
        raise OutputError(f"cannot write {name}: {_os_error_text(exc)}") from None


def _os_error_text(exc: BaseException) -> str:
    """A message for a failed write that never prints ``None`` (polars' OSError has no errno)."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    if code == errno.ENOSPC or "os error 28" in text or "No space left" in text:
        return "no space left on the device; free some space or write elsewhere"
    if code == errno.EDQUOT or "os error 122" in text:
        return "disk quota exceeded; free some space or write elsewhere"
    return getattr(exc, "strerror", None) or type(exc).__name__


def _is_disk_full(exc: BaseException) -> bool:
    return _os_error_text(exc).startswith(("no space", "disk quota"))


def write(
    frame: pl.DataFrame | pl.LazyFrame,
    target: str | os.PathLike[str] | IO[bytes],
    *,
    format: str | None = None,
    bom: bool = False,
    delimiter: str | None = None,
    sheet_name: str = "Sheet1",
    inputs: Sequence[str | os.PathLike[str]] = (),
    in_place: bool = False,
    formula_guard: bool | None = None,
) -> None:
    """Write ``frame`` atomically to a path, ``-`` (stdout) or a binary file object.

    A regular file appears complete or not at all (temporary file in the target folder, then
    rename; a symbolic link is followed, so the link stays and its target is replaced). A
    character device, FIFO or socket (``/dev/null``, ``/dev/stdout``, a named pipe) is written
    into, never replaced; a folder is refused. Writing over one of ``inputs`` is refused unless
    ``in_place=True``. CSV output is UTF-8 (``bom=True`` adds the byte-order mark Excel wants);
    list columns are joined with ``"; "``. ``formula_guard`` prefixes ``'`` to cells a
    spreadsheet would run as formulas (:func:`guard_formulas`); default: on for ``bom=True``
    CSV (written for Excel), off otherwise. .xlsx cells are always written as text cells,
    never as formulas, so they need no prefix. A new file is created with mode 0600 (:func:`file_mode`);
    a replaced file keeps its mode.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.jsonl"
    >>> write(pl.DataFrame({"a": ["1"]}), p)
    >>> p.read_text()
    '{"a":"1"}\\n'
    >>> write(pl.DataFrame({"a": ["1"]}), "/dev/null", format="csv")  # streamed, not replaced
    """
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    if hasattr(target, "write"):
        _write_to(
            frame,
            target,
            normalize_format(format or "csv"),
            bom=bom,
            delimiter=delimiter,
            stream=True,
            sheet_name=sheet_name,
            formula_guard=formula_guard,
        )  # type: ignore[arg-type]
        return
    if str(target) == "-" or _fd_of(target) == 1:
        fmt = normalize_format(format or "csv")
        payload = to_bytes(frame, fmt, bom=bom, delimiter=delimiter, formula_guard=formula_guard)
        try:
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # the reader went away (e.g. `| head`)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return
    path = Path(target)  # type: ignore[arg-type]
    fmt = normalize_format(format) if format else format_from_path(path)
    if not in_place and any(same_file(path, i) for i in inputs):
        raise OutputError(
            f"refusing to overwrite the input file {path.name}; choose another -o or pass --in-place"
        )
    try:
        mode: int | None = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None  # the folder checks below say what is wrong
    except OSError as exc:
        raise OutputError(f"cannot write {path.name}: {_os_error_text(exc)}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{path} is a folder; give a file name for the output")
    if _fd_of(path) is not None or (
        mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode))
    ):
        _stream_into(
            frame,
            path,
            fmt,
            bom=bom,
            delimiter=delimiter,
            sheet_name=sheet_name,
            formula_guard=formula_guard,
        )
        return
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputError(f"{path} is not a regular file; refusing to replace it")
    if mode is not None and path.is_symlink():
        path = path.resolve()  # replace the file the link points to, keep the link
    _atomic_write(
        frame,
        path,
        fmt,
        bom=bom,
        delimiter=delimiter,
        sheet_name=sheet_name,
        formula_guard=formula_guard,
    )


def _atomic_write(
    frame: pl.DataFrame,
    path: Path,
    fmt: str,
    *,
    bom: bool,
    delimiter: str | None,
    sheet_name: str,
    formula_guard: bool | None = None,
) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"output folder does not exist: {folder}")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"output folder is not writable: {folder}")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write to the folder {folder}: {_os_error_text(exc)}") from None
    os.close(fd)
    try:  # replacing a file keeps its mode; a new file gets file_mode() (0600 by default)
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = new_file_mode()
    os.chmod(tmp, mode)
    try:
        _write_to(
            frame,
            tmp,
            fmt,
            bom=bom,
            delimiter=delimiter,
            sheet_name=sheet_name,
            formula_guard=formula_guard,
        )
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if os.environ.get("CUSTDATA_TEST_SLOW_RENAME"):  # fault-injection hook for tests
            import time

            time.sleep(float(os.environ["CUSTDATA_TEST_SLOW_RENAME"]))
        os.replace(tmp, path)
    except Exception as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        chain = [exc, exc.__cause__, exc.__context__]
        full = next((e for e in chain if e is not None and _is_disk_full(e)), None)
        if full is not None or isinstance(exc, OSError):
            text = _os_error_text(full or exc)
            raise OutputError(f"cannot write {path.name}: {text}") from None
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
