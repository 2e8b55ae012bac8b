"""Reading and parsing a large import file in a second process while this one writes.

Binding values into SQLite holds Python's lock, and so does parsing: threads cannot overlap
them. A forked child can. It reads, checks and parses the file (hashing it as it goes) and
sends the good rows in batches through a pipe; the parent only inserts them. On a machine with
two cores a million-row file then takes about as long as inserting the rows does.

The child never touches the database: it holds no lock on it (POSIX locks are not inherited)
and leaves with `os._exit`, so nothing of the parent's is flushed or closed twice. It stops when
the parent closes the pipe or dies (the next write fails), and the parent kills it when it
stops reading early (a rolled-back direct insert, an interrupt).
"""

from __future__ import annotations

import marshal
import os
import signal
from contextlib import contextmanager
from itertools import chain, islice
from multiprocessing.connection import Connection
from typing import Callable, ContextManager, Iterable, Iterator

from vipcrm.core.text import portable, restored, said
from vipcrm.formats.csvfile import CsvSource, FileRefused

# Smaller files are parsed in this process: forking and the pipe cost more than they save.
MIN_BYTES = 8 << 20
BATCH_ROWS = 2000

# (line, cells, errors) of one rejected row.
Reject = tuple[int, list[str], list[str]]
RejectFn = Callable[[int, list[str], list[str]], None]


def available(source: CsvSource) -> bool:
    """Whether `source` is worth a second process, and there is a second core to run it."""
    return hasattr(os, "fork") and source.size >= MIN_BYTES and usable_cpus() >= 2


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@contextmanager
def rows_from_child(source: CsvSource,
                    produce: Callable[[RejectFn], ContextManager[Iterable[tuple]]],
                    reject: RejectFn,
                    progress: Callable[[int, int], None] | None) -> Iterator[Iterator[tuple]]:
    """The rows of `with produce(reject) as rows`, produced in a forked child.

    Rejects and progress reach `reject` and `progress` here, in the parent, in file order; the
    source's `sha256` and `bytes_read` are set once every row was received.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        _child(Connection(write_end, readable=False), source, produce)
    os.close(write_end)
    pipe = Connection(read_end, writable=False)
    finished = False

    def batches() -> Iterator[list[tuple]]:
        nonlocal finished
        while True:
            try:
                message = marshal.loads(pipe.recv_bytes())
            except EOFError:
                raise RuntimeError("the process reading the file ended unexpectedly") from None
            what = message[0]
            if what in ("rows", "done"):
                for line, cells, errors in message[1]:
                    reject(line, cells, [restored(error) for error in errors])
            if what == "rows":
                _, _, bytes_read, rows = message
                if progress is not None:
                    progress(bytes_read, source.size)
                yield rows
            elif what == "done":
                _, _, source.bytes_read, source.sha256 = message
                finished = True
                return
            elif what == "refused":
                raise FileRefused(restored(message[1]))
            else:
                raise RuntimeError(f"the process reading the file failed: {message[1]}")

    try:
        yield chain.from_iterable(batches())
    finally:
        pipe.close()
        if not finished:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)


def _child(pipe: Connection, source: CsvSource, produce) -> None:
    code = 0
    try:
        rejected: list[Reject] = []
        # Reasons cross the pipe as tuples (marshal knows no Text).
        with produce(lambda line, cells, errors: rejected.append(
                (line, cells, [portable(error) for error in errors]))) as rows:
            rows = iter(rows)
            while batch := list(islice(rows, BATCH_ROWS)):
                pipe.send_bytes(marshal.dumps(("rows", rejected, source.bytes_read, batch)))
                rejected.clear()
        pipe.send_bytes(marshal.dumps(("done", rejected, source.bytes_read, source.sha256)))
    except FileRefused as exc:
        code = _send_quietly(pipe, ("refused", portable(said(exc))))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        code = _send_quietly(pipe, ("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        os._exit(code)


def _send_quietly(pipe: Connection, message: tuple) -> int:
    try:
        pipe.send_bytes(marshal.dumps(message))
    except OSError:  # the parent has gone
        pass
    return 1
