"""A lock file so two cron runs of the same pipeline never overlap.

Mutual exclusion is an ``fcntl.flock`` on the lock file: the kernel drops it when the process
dies, even on SIGKILL, so a crashed run can never block the next one. The file also records
the holder's PID, host and start time: a second run reports who holds the lock, and a lock file
left by a dead process (its PID no longer exists) is taken over and reported as stale.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
from pathlib import Path
from types import TracebackType

from custdata.errors import OutputError
from custdata.io import new_file_mode
from custdata.pipeline.errors import PipelineLocked


def pid_alive(pid: int) -> bool:
    """True when a process with this PID exists (on this host).

    >>> pid_alive(os.getpid())
    True
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _read_holder(fd: int) -> dict[str, object]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, 4096).decode("utf-8", "replace")
        holder = json.loads(data) if data.strip() else {}
        return holder if isinstance(holder, dict) else {}
    except (OSError, ValueError):
        return {}


class PipelineLock:
    """Context manager holding the lock file ``path`` for the duration of a run.

    ``stale`` is set after acquiring when the file was left behind by a dead process.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "demo.lock"
    >>> with PipelineLock(p) as lock:
    ...     p.exists()
    True
    >>> p.exists()
    False
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.fd: int | None = None
        self.stale: dict[str, object] | None = None

    def acquire(self) -> PipelineLock:
        """Take the lock or raise :class:`PipelineLocked` (exit code 5)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(10):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, new_file_mode())
            except OSError as exc:
                raise OutputError(
                    f"cannot create the lock file {self.path} ({exc.strerror})"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                since = holder.get("started", "an unknown time")
                raise PipelineLocked(
                    f"another run (pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
                    f"started {since}) holds the lock {self.path}; nothing was done"
                ) from None
            # the file may have been removed by the previous holder between open and flock
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            previous = _read_holder(fd)
            pid = previous.get("pid")
            if isinstance(pid, int) and pid != os.getpid():
                # the flock was free, so the recorded holder is gone: a crashed or killed run
                same_host = previous.get("host") == socket.gethostname()
                self.stale = {**previous, "alive": pid_alive(pid) if same_host else None}
            record = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(record).encode("utf-8"))
            os.fsync(fd)
            self.fd = fd
            return self
        raise PipelineLocked(f"could not take the lock {self.path}: it keeps changing")

    def release(self) -> None:
        """Remove the lock file and drop the lock."""
        if self.fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> PipelineLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
