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

The package's modules, each importing only :mod:`custdata.errors` and each other:
:mod:`~custdata.io.formats` (format names, sniffing), :mod:`~custdata.io.encoding`,
:mod:`~custdata.io.sources` (paths, stdin, bytes), :mod:`~custdata.io.csv_read` (eager CSV with
ragged-row checks), :mod:`~custdata.io.excel`, :mod:`~custdata.io.reading` (:func:`read`),
:mod:`~custdata.io.lazy` (:func:`scan`), :mod:`~custdata.io.cells` (flattening, formula guard),
:mod:`~custdata.io.targets` (file modes, output checks) and :mod:`~custdata.io.writing`.
"""

from __future__ import annotations

from custdata.io.cells import (
    FORMULA_START,
    default_formula_guard,
    flatten_for_text,
    guard_formulas,
)
from custdata.io.csv_read import BadRow, CsvRead, read_csv_with_rejects
from custdata.io.encoding import detect_encoding
from custdata.io.excel import EXCEL_MAX_CELL, EXCEL_MAX_ROWS, read_excel
from custdata.io.formats import (
    DELIMITERS,
    FORMATS,
    Format,
    Source,
    SourceInfo,
    format_from_path,
    normalize_format,
    sniff_delimiter,
    sniff_format,
)
from custdata.io.lazy import SCAN_BLOCK_BYTES, scan
from custdata.io.reading import read, read_with_info
from custdata.io.targets import (
    FILE_MODE_ENV,
    check_outputs,
    file_mode,
    is_stream_target,
    new_file_mode,
    same_file,
)
from custdata.io.writing import to_bytes, write

_flatten_for_text = flatten_for_text  # the old private name

__all__ = [
    "DELIMITERS",
    "EXCEL_MAX_CELL",
    "EXCEL_MAX_ROWS",
    "FILE_MODE_ENV",
    "FORMATS",
    "FORMULA_START",
    "SCAN_BLOCK_BYTES",
    "BadRow",
    "CsvRead",
    "Format",
    "Source",
    "SourceInfo",
    "check_outputs",
    "default_formula_guard",
    "detect_encoding",
    "file_mode",
    "flatten_for_text",
    "format_from_path",
    "guard_formulas",
    "is_stream_target",
    "new_file_mode",
    "normalize_format",
    "read",
    "read_csv_with_rejects",
    "read_excel",
    "read_with_info",
    "same_file",
    "scan",
    "sniff_delimiter",
    "sniff_format",
    "to_bytes",
    "write",
]
