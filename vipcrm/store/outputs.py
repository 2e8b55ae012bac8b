"""Every file vipcrm writes beside the database: checked first, owner-only, whole or not at all.

`Guard.check` is the one test of an output path: it never resolves (symlinks followed, hard
links compared by inode) to the database or its companions (write-ahead log, shared memory,
rollback journal, the nightly lock), to an input of the command, or, unless it is a backup, to
any other SQLite database. `Guard.open` is the one writer: a temporary owner-only file beside
the target, renamed over it when complete, so a crash, a full disk or an error never leaves a
half-written file under the final name, nor a stray temporary one. An output that exists and is
not a regular file (`/dev/stdout`, a fifo) is written to directly: renaming over it would
replace the device node itself.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator

from vipcrm.core.text import Text
from vipcrm.store.db import DiskFull, StoreError, is_sqlite_file, store_error

COMPANIONS = (
    ("", Text("the database")),
    ("-wal", Text("the database's write-ahead log")),
    ("-shm", Text("the database's shared-memory file")),
    ("-journal", Text("the database's rollback journal")),
    (".lock", Text("the nightly run's lock file")),
)


class OutputRefused(StoreError):
    """An output path that would overwrite the database, an input or a database file."""


class Guard:
    """What the outputs of one command must never overwrite: its database and its inputs."""

    def __init__(self, database: str | os.PathLike | None, inputs: Iterable[os.PathLike] = ()):
        self._protected: list[tuple[str, Text]] = []  # (real path, what it is)
        if database is not None:
            for base in dict.fromkeys((os.fspath(database), os.path.realpath(database))):
                for suffix, what in COMPANIONS:
                    self._protected.append((os.path.realpath(base + suffix), what))
        for path in inputs:
            self._protected.append((os.path.realpath(path), Text("an input of this command")))

    def what(self, path: str | os.PathLike) -> Text | None:
        """What `path` is among the protected files (the database, its log …), or None."""
        real = os.path.realpath(path)
        try:
            identity = os.stat(path)
        except OSError:
            identity = None
        for protected, what in self._protected:
            if protected == real or (identity is not None and _same_file(protected, identity)):
                return what
        return None

    def check(self, path: str | os.PathLike, role: Text | str, *, backup: bool = False) -> Path:
        """The file to write for `path`, or OutputRefused saying why it may not be written.

        A new or regular file comes back resolved (the rename lands on the link's target, not
        in place of the link); any other existing file comes back as given.
        """
        path = Path(path)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            info = None
            if not path.parent.is_dir():
                raise OutputRefused(Text("folder {folder} does not exist; create it first or "
                                         "choose another path for {role}", folder=path.parent,
                                         role=role)) from None
        except OSError:
            info = None  # unreadable: the write itself fails with its own line
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise OutputRefused(Text("{path} is a folder; give {role} a file name", path=path,
                                     role=role))
        what = self.what(path)
        if what is not None:
            raise OutputRefused(Text("{path} is {what}; {role} must never be written there: "
                                     "choose another file", path=path, what=what, role=role))
        if info is not None and not stat.S_ISREG(info.st_mode):
            if backup:
                raise OutputRefused(Text("{path} is not a regular file; a backup must be a file "
                                         "of its own: choose a file name", path=path))
            return path
        if info is not None and backup and info.st_size and not is_sqlite_file(path):
            raise OutputRefused(Text("{path} exists and is not a database backup; a backup "
                                     "only replaces an older backup: choose another file",
                                     path=path))
        if info is not None and not backup and is_sqlite_file(path):
            raise OutputRefused(Text("{path} is an SQLite database (a backup?); {role} is "
                                     "never written over one: choose another file", path=path,
                                     role=role))
        return Path(os.path.realpath(path))

    def open(self, path: str | os.PathLike, role: Text | str, *, binary: bool = False,
             encoding: str = "utf-8") -> "PrivateFile":
        return PrivateFile(path, self.check(path, role), binary=binary, encoding=encoding)

    @contextmanager
    def temp_path(self, path: str | os.PathLike, role: Text | str) -> Iterator[Path]:
        """A private temporary path beside a backup `path`, for SQLite to write; renamed over
        `path` when the block ends, removed when it fails."""
        target = self.check(path, role, backup=True)
        try:
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            os.close(fd)
        except OSError as exc:
            raise _disk_error(exc, path) from None
        tmp = Path(name)
        try:
            yield tmp
            os.replace(tmp, target)
        except BaseException as exc:
            tmp.unlink(missing_ok=True)
            error = _disk_error(exc, path) if isinstance(exc, (OSError, sqlite3.Error)) else exc
            if error is exc:
                raise
            raise error from None


class PrivateFile:
    """One output being written: `with guard.open(path, role) as handle: …` renames it into
    place when the block ends and drops it when the block fails; `commit()` and `discard()` do
    the same by hand for a file written over a longer stretch (the rejects of an import)."""

    def __init__(self, path: Path, target: Path, *, binary: bool, encoding: str):
        self.path = path
        self.target = target
        self.tmp: Path | None = None
        mode, text = ("wb", {}) if binary else ("w", {"encoding": encoding, "newline": ""})
        try:
            if target.exists() and not target.is_file():
                self.handle: IO = open(target, mode, **text)
            else:
                fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
                self.tmp = Path(name)  # mkstemp makes it owner-only
                self.handle = os.fdopen(fd, mode, **text)
        except OSError as exc:
            self.discard()
            raise _disk_error(exc, path) from None

    def __enter__(self) -> IO:
        return self.handle

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None:
            self.commit()
        elif isinstance(exc, OSError):
            raise self.failed(exc) from None
        else:
            self.discard()
        return False

    def failed(self, exc: OSError) -> Exception:
        """The error to raise for `exc` met while writing; the partial file is dropped."""
        self.discard()
        return _disk_error(exc, self.path)

    def close(self) -> None:
        """Write out everything buffered (a full disk shows here, before anything is renamed)."""
        try:
            self.handle.close()
        except OSError as exc:
            raise self.failed(exc) from None

    def commit(self) -> Path:
        self.close()
        if self.tmp is not None:
            try:
                os.replace(self.tmp, self.target)
            except OSError as exc:
                raise self.failed(exc) from None
            self.tmp = None
        return self.path

    def discard(self) -> None:
        handle = getattr(self, "handle", None)
        if handle is not None and not handle.closed:
            try:
                handle.close()
            except OSError:
                pass  # the same fault again (the disk is still full); the file goes anyway
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
            self.tmp = None


def _same_file(path: str, info: os.stat_result) -> bool:
    try:
        other = os.stat(path)
    except OSError:
        return False
    return (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino)


def _disk_error(exc: BaseException, path: str | os.PathLike) -> BaseException:
    """A full disk names the output; any other fault stays what it was."""
    error = store_error(exc, path)
    return error if isinstance(error, DiskFull) else exc
