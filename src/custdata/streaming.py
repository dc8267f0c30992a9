"""Run a frame → frame step from file to file in large batches, in bounded memory.

:func:`stream` scans the input lazily (:func:`custdata.io.scan`: CSV in any single-byte
encoding or UTF-8, Parquet, Arrow, JSON Lines), hands the step one batch of ``batch_rows`` rows
at a time (polars' ``collect_batches``) and appends each result to the output (Parquet row
groups, CSV/TSV and JSON Lines lines, Arrow IPC record batches). The output is a temporary file
in the target folder, renamed over the target at the end: it appears complete or not at all.

Only steps that treat each row on its own may be streamed (normalizers with explicit columns,
masking with explicit ``kinds``, suppression with explicit ``columns``, birth dates with
``today``, phones with ``regions`` from :func:`phone_regions`); the result is then the same as
running the step on the whole table (the tests check that, with batch sizes that cut the file
at odd places). A step that needs the whole table (dedupe, RFM scores, a ``detect_columns``
on the data) must run in memory. :func:`profile_file` profiles a file batch by batch, merging
every figure exactly.

>>> import tempfile, pathlib, polars as pl
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "in.csv").write_text("tel\\n8 912 345-67-89\\n+44 20 7946 0958\\n")
>>> from custdata.normalize import phones
>>> step = lambda df: phones(df, "tel", region="RU")
>>> stream(step, folder / "in.csv", folder / "out.parquet", batch_rows=1).rows_out
2
>>> pl.read_parquet(folder / "out.parquet")["tel_e164"].to_list()
['+79123456789', '+442079460958']
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import polars as pl

from custdata import io as cio
from custdata.errors import InvalidOption, OutputError, UnreadableInput

if TYPE_CHECKING:
    import pyarrow.ipc
    import pyarrow.parquet

    from custdata.profiling import Profile

#: Rows per batch when none is given: big enough that a normalizer's fixed cost per call is
#: lost in the work, small enough that the whole run stays near a gigabyte. Measured on 20M
#: phones (docs/benchmarks.md): 250k rows 1.43x the in-memory time at 1.07 GB peak; 500k rows
#: 1.26x at 1.58 GB (the in-memory run peaks at 18 GB).
DEFAULT_BATCH_ROWS = 250_000

#: Output formats written batch by batch (Excel needs the whole sheet: write it in memory).
STREAM_FORMATS: tuple[str, ...] = ("csv", "tsv", "parquet", "jsonl", "arrow")

Step = Callable[[pl.DataFrame], pl.DataFrame]


@dataclass(frozen=True)
class StreamResult:
    """What :func:`stream` did: rows read, rows written, batches run."""

    rows_in: int
    rows_out: int
    batches: int


def stream(
    step: Step,
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    to: str | None = None,
    bom: bool = False,
    in_place: bool = False,
    observe: Callable[[pl.DataFrame, pl.DataFrame], None] | None = None,
) -> StreamResult:
    """Run ``step`` over ``source`` in batches of ``batch_rows`` rows, writing ``target``.

    ``format``/``encoding``/``delimiter`` describe the input (detected when None), ``to`` the
    output format (else from the extension). ``observe(batch_in, batch_out)`` is called after
    each batch (a report can count statuses there). Writing over ``source`` is refused unless
    ``in_place``. The output schema is the step's result on the first batch; every later batch
    must have the same column names (dtypes are cast to the first batch's).

    >>> import tempfile, pathlib, polars as pl
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("x\\n1\\n2\\n3\\n")
    >>> stream(lambda df: df.with_columns(y=pl.col("x") + "!"), d / "a.csv", d / "b.csv",
    ...        batch_rows=2)
    StreamResult(rows_in=3, rows_out=3, batches=2)
    >>> (d / "b.csv").read_text()
    'x,y\\n1,1!\\n2,2!\\n3,3!\\n'
    """
    if isinstance(batch_rows, bool) or not isinstance(batch_rows, int) or batch_rows < 1:
        raise InvalidOption("batch_rows must be a whole number of rows, at least 1")
    if str(target) == "-":
        raise InvalidOption("streaming writes a file; give an output path, not stdout")
    path = Path(target)
    if to:
        fmt = cio.normalize_format(to)
    elif cio.is_stream_target(path) and not path.suffix:
        fmt = "csv"  # /dev/null, a named pipe: CSV as on stdout
    else:
        fmt = cio.format_from_path(path)
    if fmt not in STREAM_FORMATS:
        raise InvalidOption(
            f"{fmt} output cannot be written batch by batch; write {', '.join(STREAM_FORMATS)}"
        )
    if not in_place and cio.same_file(path, source):
        raise OutputError(
            f"refusing to overwrite the input file {path.name}; choose another -o or pass --in-place"
        )
    lazy = cio.scan(source, format=format, encoding=encoding, delimiter=delimiter)
    rows_in = rows_out = batches = 0
    with _atomic(path) as fh:
        writer = _BatchWriter(fh, fmt, bom=bom)
        try:
            for batch in _batches(lazy, batch_rows, Path(source).name):
                out = step(batch.rechunk())  # one chunk: one call of each UDF
                if not isinstance(out, pl.DataFrame):
                    raise TypeError("a streamed step must return a DataFrame for a DataFrame")
                writer.write(out)
                if observe is not None:
                    observe(batch, out)
                rows_in += batch.height
                rows_out += out.height
                batches += 1
            if batches == 0:  # an input with a header and no rows: still write the header
                empty = lazy.clear().collect()
                out = step(empty)
                writer.write(out)
                if observe is not None:
                    observe(empty, out)
        finally:
            writer.close()
    return StreamResult(rows_in=rows_in, rows_out=rows_out, batches=batches)


def phone_regions(
    lazy: pl.LazyFrame,
    column: str | Sequence[str],
    *,
    region: str | None = "RU",
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> list[str]:
    """:func:`custdata.normalize.phone_regions` of a whole (lazily scanned) column.

    Only the values written with a country code count as evidence; they are read in batches
    of ``batch_rows`` and only the first distinct numbers that decide each region are kept, so
    this streams in flat memory. Pass the result as ``regions=`` to
    :func:`custdata.normalize.phones` so that every batch infers regions as the whole column
    would. Several columns pool their evidence (as :func:`custdata.privacy.suppress` does).

    >>> import polars as pl
    >>> lf = pl.LazyFrame({"tel": ["+380 50 123 45 67", "+38 (067) 984-64-52", "8 912 345-67-89"]})
    >>> phone_regions(lf, "tel")
    ['UA']
    """
    from custdata.frames import check_columns
    from custdata.normalize._phone_region import MIN_EVIDENCE
    from custdata.normalize.phone import phone_region_numbers

    columns = [column] if isinstance(column, str) else list(column)
    check_columns(lazy, columns)  # a missing column is exit 2, not a polars error
    if not columns:
        return []
    written_intl = pl.col("v").str.strip_chars().str.contains(r"^(\+|00|810)")
    values = pl.concat(
        [lazy.select(pl.col(name).cast(pl.String).alias("v")) for name in columns]
    ).filter(written_intl)
    # batch by batch, keeping per region only the first distinct numbers that decide it:
    # memory stays flat however many distinct international numbers the file holds
    found: dict[str, set[str]] = {}
    for batch in _batches(values, batch_rows, "the input"):
        evidence = phone_region_numbers(batch["v"].unique(), region=region)
        for reg, e164 in evidence.iter_rows():
            kept = found.setdefault(reg, set())
            if len(kept) < MIN_EVIDENCE:
                kept.add(e164)
    return sorted(r for r, kept in found.items() if len(kept) >= MIN_EVIDENCE)


def profile_file(
    source: str | os.PathLike[str],
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    kinds: Mapping[str, str] | None = None,
    top: int = 5,
    show_values: bool = False,
    region: str = "RU",
    fallback_region: str | None = None,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Profile:
    """:func:`custdata.profiling.profile` of a file, read in batches of ``batch_rows`` rows.

    The result equals the profile of the whole table read in memory: column kinds are detected
    on the first rows as in memory, each phone column's regions are found over the whole file
    first (:func:`phone_regions`), and every figure is merged exactly across batches
    (:class:`custdata.profiling.ProfileBuilder`). Memory grows with the number of distinct
    values per column (exact distinct counts and top values need them), not with the rows.
    ``region`` and ``fallback_region`` read phones as in :func:`custdata.profiling.profile`.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("email\\na@x.ru\\nA@x.ru\\nнет\\n")
    >>> p = profile_file(d / "a.csv", batch_rows=1)
    >>> p.rows, p.column("email").junk, p.duplicates.duplicate_rows
    (3, 1, 1)
    """
    from custdata.privacy.mask import column_kinds
    from custdata.profiling import ProfileBuilder

    if isinstance(batch_rows, bool) or not isinstance(batch_rows, int) or batch_rows < 1:
        raise InvalidOption("batch_rows must be a whole number of rows, at least 1")
    lazy = cio.scan(source, format=format, encoding=encoding, delimiter=delimiter)
    col_kinds = column_kinds(lazy, kinds=kinds)
    regions = {
        c: phone_regions(lazy, c, region=region) for c, k in col_kinds.items() if k == "phone"
    }
    builder = ProfileBuilder(
        lazy.collect_schema(),
        col_kinds,
        regions=regions,
        region=region,
        fallback_region=fallback_region,
    )
    for batch in _batches(lazy, batch_rows, Path(source).name):
        builder.add(batch.rechunk())
    return builder.result(top=top, show_values=show_values)


def _batches(lazy: pl.LazyFrame, batch_rows: int, name: str) -> Iterator[pl.DataFrame]:
    try:
        for batch in lazy.collect_batches(chunk_size=batch_rows, maintain_order=True):
            if batch.height:
                yield batch
    except pl.exceptions.PolarsError as exc:
        raise UnreadableInput(f"{name} cannot be read ({type(exc).__name__})") from None


class _BatchWriter:
    """Appends frames to an open binary file in one output format."""

    def __init__(self, fh: IO[bytes], fmt: str, *, bom: bool) -> None:
        self.fh, self.fmt, self.bom = fh, fmt, bom
        self.schema: pl.Schema | None = None
        self._arrow_writer: (
            pyarrow.parquet.ParquetWriter | pyarrow.ipc.RecordBatchFileWriter | None
        ) = None

    def write(self, frame: pl.DataFrame) -> None:
        first = self.schema is None
        if first:
            self.schema = frame.schema
        else:
            assert self.schema is not None
            if frame.columns != list(self.schema):
                raise OutputError("a batch came out with other columns than the first one")
            if frame.schema != self.schema:
                frame = frame.cast(dict(self.schema))  # type: ignore[arg-type]
        if self.fmt in ("csv", "tsv"):
            if first and self.bom:
                self.fh.write(b"\xef\xbb\xbf")
            sep = "\t" if self.fmt == "tsv" else ","
            flat = cio.flatten_for_text(frame)
            if cio.default_formula_guard(self.bom):  # for Excel: OWASP guard, as io.write does
                flat = cio.guard_formulas(flat)
            nulls = '""' if flat.width == 1 else ""  # a blank line would lose a one-column null
            flat.write_csv(self.fh, separator=sep, include_header=first, null_value=nulls)
        elif self.fmt == "jsonl":
            frame.write_ndjson(self.fh)
        else:
            table = frame.to_arrow()
            if self._arrow_writer is None:
                if self.fmt == "parquet":
                    import pyarrow.parquet as pq

                    self._arrow_writer = pq.ParquetWriter(self.fh, table.schema)
                else:
                    import pyarrow.ipc as ipc

                    self._arrow_writer = ipc.new_file(self.fh, table.schema)
            self._arrow_writer.write_table(table)

    def close(self) -> None:
        if self._arrow_writer is not None:
            self._arrow_writer.close()
            self._arrow_writer = None


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside ``path``, renamed over it when the block ends without error.

    A device, FIFO or socket (``/dev/null``, a named pipe) is written into, never replaced; a
    folder is refused; a symbolic link is followed.
    """
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name for the output")
    if cio.is_stream_target(path):
        try:
            with open(path, "wb") as fh:
                yield fh
        except BrokenPipeError:
            return
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror}") from None
        return
    if path.is_symlink():
        path = path.resolve()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"output folder does not exist: {folder}")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write to the folder {folder}: {exc.strerror}") from None
    try:  # a replaced file keeps its mode; a new one is private (custdata.io.file_mode)
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = cio.new_file_mode()
    os.chmod(tmp, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write {path.name}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
