"""The ``custdata`` command: the root Typer app, sub-app registration and error handling.

Exit codes (the README's table; tests/cli/test_exit_codes.py drives every row): 0 success;
1 unexpected internal error (a bug: rerun with --debug); 2 usage or input error; 3 finished but
rows were rejected; 4 a pipeline found no input; 5 a pipeline is locked; 130 interrupted;
143 terminated (SIGTERM).
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
import warnings
from typing import Annotated

import typer

from custdata import __version__
from custdata.cli._common import CliState, set_debug
from custdata.errors import CustdataError

app = typer.Typer(
    name="custdata",
    help="Customer data hygiene: normalize phones, emails and names, deduplicate people, segment customers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"custdata {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback on errors (for bug reports).")
    ] = False,
) -> None:
    """Customer data hygiene: normalize, dedupe, segment. Data on stdout, messages on stderr."""
    set_debug(ctx, debug)


# --- registration block: one line per sub-app or command module -------------------------------
from custdata.cli import commands as _commands  # noqa: E402  (convert, info, clean)

_commands.register(app)
from custdata.cli.normalize import app as _normalize_app

app.add_typer(_normalize_app, name="normalize")  # noqa: E402,E702
from custdata.cli import privacy as _privacy

_privacy.register(app)  # noqa: E402,E702 (mask, unmask, suppress, keygen)
from custdata.cli import profile as _profile

_profile.register(app)  # noqa: E402,E702 (profile)
from custdata.cli import run as _run

_run.register(app)  # noqa: E402,E702 (run)
from custdata.cli.segment import app as _segment_app

app.add_typer(_segment_app, name="segment")  # noqa: E402,E702 (segment rfm|rules|clv|cohorts)
from custdata.cli.dedupe import app as _dedupe_app

app.add_typer(_dedupe_app, name="dedupe")  # noqa: E402,E702 (dedupe [find]|link|evaluate)
from custdata.cli import dedupe_tools as _dedupe_tools  # noqa: E402,F401 (dedupe evaluate|explain)

# --- end of registration block ----------------------------------------------------------------


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """Library warnings (e.g. a key file others can read) as one ``Warning:`` line on stderr."""
    print(f"Warning: {message}", file=sys.stderr)


def run(argv: list[str] | None = None) -> None:
    """Entry point of the console script: run the app, turning custdata errors into one line.

    Usage errors (unknown option, missing argument) are reported by Typer itself with exit
    code 2; :class:`~custdata.errors.CustdataError` becomes ``Error: <message>`` and its exit
    code; anything else is a bug: one line, exit code 1, and the traceback with ``--debug``.
    """
    args = sys.argv[1:] if argv is None else argv
    state = CliState()  # the root callback (or a command's hidden --debug) sets state.debug
    warnings.showwarning = _show_warning
    try:
        app(args=args, prog_name="custdata", obj=state)
    except CustdataError as exc:
        if state.debug:  # the traceback, and still the error's own exit code (never 1)
            traceback.print_exc()
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # the reader of stdout went away (`| head`): not an error of ours
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if state.debug:
            traceback.print_exc()
        print(
            f"Error: internal error ({type(exc).__name__}); rerun with --debug and report it",
            file=sys.stderr,
        )
        sys.exit(1)
