"""Input sources: a path, ``-`` (stdin), raw bytes or a binary file object, read to bytes."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path
from typing import IO

from custdata.errors import UnreadableInput
from custdata.io.formats import Source

_DEVICE_INPUT = (
    "{name} is a device, not a file (it may never end, like /dev/zero); "
    "save the data to a file or pipe it in with -"
)


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


def _source_name(source: object) -> str:
    if isinstance(source, bytes) or hasattr(source, "read") or str(source) == "-":
        return "stdin"
    return Path(source).name  # type: ignore[arg-type]
