"""Errors that custdata raises for bad structure (bad values are data, never errors).

Every error message says what went wrong and what to do, and never contains a customer value.
The CLI catches :class:`CustdataError` and prints its message on one line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


class CustdataError(Exception):
    """Base class of every error custdata raises on purpose."""

    exit_code: int = 2


_VALUE_LIKE = re.compile(
    r"@"  # an email
    r"|\d[\d\s().+-]{4,}\d"  # a phone or a long number: 6+ digits with separators
    r"|\d{5,}"  # a long run of digits
    r"|^\s*[-+]?\d+([.,]\d+)?\s*$"  # a bare number
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"  # a date
    r"|://|^www\."  # a URL
    r"|[\"«»“”„]"  # a quoted name: a company (ООО "Ромашка"), headers are not quoted
    r"|(^|\s)(ООО|ОАО|ЗАО|ПАО|ТОВ|ФОП|LLC|GmbH)(\s|,|$)"  # a legal form: a company
    r"|(^|\s)(ул|вул|просп|пр-т|пер|буд|кв)\.\s?\w"  # a street or flat marker: an address
)


def looks_like_value(name: str) -> bool:
    """True when a column name looks like a cell value (an email, phone, number, date, URL).

    >>> looks_like_value("phone_e164"), looks_like_value("canary.zz9@example.com")
    (False, True)
    >>> looks_like_value("+7 999 000-11-22"), looks_like_value("1985-03-14"), looks_like_value("42")
    (True, True, True)
    >>> looks_like_value('ООО "Ромашка"'), looks_like_value("ул. Ленина"), looks_like_value("Адрес")
    (True, True, False)
    """
    return len(name) > 64 or "\n" in name or bool(_VALUE_LIKE.search(name))


def header_is_data(names: Sequence[str]) -> bool:
    """True when any column name looks like a value: then the "header" is really a data row.

    >>> header_is_data(["name", "phone"]), header_is_data(["Ann Lee", "+79990001122"])
    (False, True)
    """
    return any(looks_like_value(str(n)) for n in names)


def mask_name(name: str) -> str:
    """A column name that may be a customer value, as first character + length.

    >>> mask_name("canary.zz9@example.com")
    '<c…, 22 chars>'
    """
    text = str(name)
    return f"<{text[:1]}…, {len(text)} chars>" if text else "<empty>"


def show_column(name: str, names: Sequence[str] | None = None) -> str:
    """A column name for a message: quoted when it looks like a header, else masked.

    ``names`` is the whole header: when any of it looks like data, every name is masked (the
    header row is then really a row of customer values).

    >>> show_column("tel"), show_column("Ann Lee", ["Ann Lee", "ann@example.com"])
    ("'tel'", '<A…, 7 chars>')
    """
    text = str(name)
    if looks_like_value(text) or (names is not None and header_is_data(names)):
        return mask_name(text)
    return repr(text)


def show_columns(names: Sequence[str], *, limit: int = 20, quote: bool = False) -> str:
    """A comma-separated list of column names for a message, masked as :func:`show_column` does.

    >>> show_columns(["phone", "email"])
    'phone, email'
    >>> show_columns(["Ann Lee", "+79990001122"])
    '<A…, 7 chars>, <+…, 12 chars>'
    """
    whole = [str(n) for n in names]
    data = header_is_data(whole)
    shown = []
    for n in whole[:limit]:
        if data or looks_like_value(n):
            shown.append(mask_name(n))
        else:
            shown.append(repr(n) if quote else n)
    more = f" (+{len(whole) - limit} more)" if len(whole) > limit else ""
    return ", ".join(shown) + more


def safe_names(names: Sequence[str]) -> list[str]:
    """Column names for a report or log: as they are, or all masked when the header is data.

    >>> safe_names(["a", "b"]), safe_names(["x", "a@b.example"])
    (['a', 'b'], ['<x…, 1 chars>', '<a…, 11 chars>'])
    """
    whole = [str(n) for n in names]
    if header_is_data(whole):
        return [mask_name(n) for n in whole]
    return whole


def column_labels(names: Sequence[str]) -> dict[str, str]:
    """Each column name -> how a message may show it (see :func:`safe_names`).

    >>> column_labels(["tel", "a@b.example"])["tel"]
    '<t…, 3 chars>'
    """
    whole = [str(n) for n in names]
    return dict(zip(whole, safe_names(whole), strict=True))


class ColumnNotFound(CustdataError):
    """A column named by the user is not in the table.

    Column names are shown only when they look like headers (see :func:`show_column`): a
    "header" that is really a data row would otherwise put customer values in the message.

    >>> str(ColumnNotFound("tel", ["phone", "email"]))
    "column 'tel' not found; available columns: phone, email"
    >>> print(ColumnNotFound("tel", ["Ann", "ann@example.com"]))
    column 'tel' not found; available columns: <A…, 3 chars>, <a…, 15 chars> (data, no header?)
    """

    def __init__(self, column: str, available: list[str] | None = None) -> None:
        self.column = column
        self.available = list(available or [])
        msg = f"column {show_column(column)} not found"
        if self.available:
            msg += f"; available columns: {show_columns(self.available)}"
            if header_is_data(self.available):
                msg += " (data, no header?)"
        super().__init__(msg)


class ColumnClash(CustdataError):
    """A step would write a column that is already in the input (nothing is replaced silently).

    >>> str(ColumnClash("phones", ["phone_e164"])).split(";")[0]
    "phones would write column 'phone_e164', which is already in the input"
    """

    def __init__(
        self, step: str, columns: Sequence[str], names: Sequence[str] | None = None
    ) -> None:
        self.columns = list(columns)
        shown = ", ".join(show_column(c, names) for c in self.columns[:5])
        more = f" (+{len(self.columns) - 5} more)" if len(self.columns) > 5 else ""
        super().__init__(
            f"{step} would write column {shown}{more}, which is already in the input; rename or "
            "drop it first, or pass overwrite=True (in a pipeline: overwrite = true)"
        )


class UnreadableInput(CustdataError):
    """A file cannot be read: missing, empty, corrupt, wrong encoding, ragged rows."""


class UnsupportedFormat(CustdataError):
    """A file format custdata does not know (by extension or ``--from``/``--to``)."""


class InvalidOption(CustdataError):
    """An option value is wrong or conflicts with another option."""


class OutputError(CustdataError):
    """The output cannot be written (folder missing or unwritable, would overwrite the input...)."""


class RowsRejected(CustdataError):
    """Finished, but some input rows were rejected (written to a reject file).

    Raised only by the CLI layer after the output is written, so that cron sees exit code 3.
    """

    exit_code = 3


def require_columns(frame_columns: list[str], columns: list[str] | tuple[str, ...]) -> None:
    """Raise :class:`ColumnNotFound` for the first name in ``columns`` missing from the frame.

    >>> require_columns(["a", "b"], ["a"])
    >>> require_columns(["a", "b"], ["c"])
    Traceback (most recent call last):
    ...
    custdata.errors.ColumnNotFound: column 'c' not found; available columns: a, b
    """
    for column in columns:
        if column not in frame_columns:
            raise ColumnNotFound(column, list(frame_columns))


class MissingDependency(CustdataError):
    """A feature needs an optional package that is not installed; the message names the extra.

    >>> str(MissingDependency("the HTML report", "matplotlib", "report"))
    "the HTML report needs the package 'matplotlib': pip install 'custdata[report]'"
    """

    def __init__(self, feature: str, package: str, extra: str) -> None:
        self.feature, self.package, self.extra = feature, package, extra
        super().__init__(
            f"{feature} needs the package {package!r}: pip install 'custdata[{extra}]'"
        )


def require_package(module: str, *, feature: str, extra: str, package: str | None = None) -> None:
    """Raise :class:`MissingDependency` unless ``module`` can be imported.

    >>> require_package("json", feature="JSON", extra="core")
    >>> require_package("no_such_module_xyz", feature="magic", extra="magic")
    Traceback (most recent call last):
    ...
    custdata.errors.MissingDependency: magic needs the package 'no_such_module_xyz': pip install 'custdata[magic]'
    """
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingDependency(feature, package or module, extra)
