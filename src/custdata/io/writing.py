"""Writing tables: atomic writes of regular files, streaming into devices and stdout, bytes."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, cast

import polars as pl

from custdata.errors import OutputError, UnsupportedFormat
from custdata.io.cells import default_formula_guard, flatten_for_text, guard_formulas
from custdata.io.excel import EXCEL_MAX_ROWS, _check_excel_cells
from custdata.io.formats import format_from_path, normalize_format
from custdata.io.targets import _fd_of, new_file_mode, same_file


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
            cast(IO[bytes], target),  # a binary file object: hasattr does not narrow the union
            normalize_format(format or "csv"),
            bom=bom,
            delimiter=delimiter,
            stream=True,
            sheet_name=sheet_name,
            formula_guard=formula_guard,
        )
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
