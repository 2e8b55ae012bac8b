"""One nightly run at a time: an exclusive lock the kernel releases when the process dies.

A PID file would survive a crash and block every later run; `flock` cannot.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from vipcrm.core.text import Text


class Locked(RuntimeError):
    """Another run holds the lock."""


class RunLock:
    def __init__(self, db_path: Path):
        self.path = Path(str(db_path) + ".lock")
        self.fd: int | None = None

    def __enter__(self) -> "RunLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise Locked(Text("another vipcrm nightly run holds {path}; it exits when done",
                              path=self.path)) from None
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
