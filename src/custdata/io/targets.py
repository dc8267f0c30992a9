"""Output targets: file modes, same-file checks, stream targets (devices, FIFOs, /dev/fd/N)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from custdata.errors import InvalidOption, OutputError

#: Environment variable that widens the mode of files custdata creates (octal, e.g. ``0640``).
FILE_MODE_ENV = "CUSTDATA_FILE_MODE"


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
