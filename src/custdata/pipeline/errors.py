"""Errors of pipeline runs, each with the exit code a scheduler can act on.

=====  ==============================================================================
code   meaning
=====  ==============================================================================
0      success (outputs and run report written)
1      unexpected internal error (a bug: rerun with ``--debug`` and report it)
2      invalid pipeline file, option or input structure (fix the file or the data)
3      finished, but rows were rejected
4      no input: a ``read`` glob matched no file (nothing was written; retry later)
5      locked: another run of the same pipeline is in progress (nothing was done)
130    interrupted (Ctrl-C / SIGINT)
143    terminated (SIGTERM, e.g. a scheduler's timeout); staging files removed, report written
=====  ==============================================================================
"""

from __future__ import annotations

from custdata.errors import CustdataError, InvalidOption, UnreadableInput


class PipelineError(InvalidOption):
    """The pipeline file is invalid; the message names the file, line and key.

    >>> str(PipelineError("unknown key 'regoin'", file="p.toml", line=7, key="region"))
    "p.toml, line 7, key 'region': unknown key 'regoin'"
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.file, self.line, self.key = file, line, key
        where = ", ".join(
            x
            for x in (file, f"line {line}" if line else None, f"key {key!r}" if key else None)
            if x
        )
        super().__init__(f"{where}: {message}" if where else message)


class NoInputFiles(UnreadableInput):
    """A ``read`` step's glob matched no file (exit code 4: nothing to do yet)."""

    exit_code = 4


class ManifestMismatch(CustdataError):
    """``run --check``: the outputs are not the complete, unchanged set of one finished run."""


class PipelineLocked(CustdataError):
    """Another run of the same pipeline holds the lock (exit code 5)."""

    exit_code = 5
