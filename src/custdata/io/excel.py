"""Excel workbooks: reading one sheet as text, Excel's row and cell limits."""

from __future__ import annotations

from typing import IO

import polars as pl

from custdata.errors import InvalidOption, OutputError, UnreadableInput, show_column
from custdata.io.formats import Source, SourceInfo
from custdata.io.sources import _read_bytes, _source_name

#: Excel's sheet limit: 1,048,576 rows including the header row.
EXCEL_MAX_ROWS = 1_048_576


#: Excel's cell limit: 32,767 characters.
EXCEL_MAX_CELL = 32_767


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
