"""Errors that custdata raises for bad structure (bad values are data, never errors).

Every error message says what went wrong and what to do, and never contains a customer value.
The CLI catches :class:`CustdataError` and prints its message on one line.
"""

from __future__ import annotations


class CustdataError(Exception):
    """Base class of every error custdata raises on purpose."""

    exit_code: int = 2


class ColumnNotFound(CustdataError):
    """A column named by the user is not in the table.

    >>> str(ColumnNotFound("tel", ["phone", "email"]))
    "column 'tel' not found; available columns: phone, email"
    """

    def __init__(self, column: str, available: list[str] | None = None) -> None:
        self.column = column
        self.available = list(available or [])
        msg = f"column {column!r} not found"
        if self.available:
            shown = ", ".join(self.available[:20])
            more = f" (+{len(self.available) - 20} more)" if len(self.available) > 20 else ""
            msg += f"; available columns: {shown}{more}"
        super().__init__(msg)


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
