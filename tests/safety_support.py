"""Shared by the data-safety tests: vipcrm as a real process in a folder, a fingerprint of every
file in it, the one-line-refusal check, a small disk that really fills up, and a process that
cannot write a read-only file even as root."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from test_nightly_support import vipcrm_env

DAMAGED_HINT = ("restore it from a backup (the latest good vipcrm-DATE.db of the nightly "
                "--backup-dir folder, or a copy taken with `vipcrm backup`)")


def vipcrm(folder: Path, *args, db: str = "vipcrm.db", preexec_fn=None, **env: str
           ) -> subprocess.CompletedProcess:
    """`python -m vipcrm --db DB ARGS` run in FOLDER (so messages show the relative names)."""
    return subprocess.run([sys.executable, "-m", "vipcrm", "--db", db, *map(str, args)],
                          cwd=folder, capture_output=True, text=True, timeout=300,
                          env=vipcrm_env(folder / db, **env), preexec_fn=preexec_fn)


def fingerprint(folder: Path) -> dict[str, str]:
    """Every entry of FOLDER (recursively): sha256 of a file, the target of a link."""
    prints = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            prints[name] = f"-> {os.readlink(path)}"
        elif path.is_file():
            prints[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            prints[name] = "folder"
    return prints


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_refused(result: subprocess.CompletedProcess, *fragments: str, code: int = 1) -> str:
    """Exit CODE and exactly one `Error: …` line on stderr holding every fragment."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def integrity_ok(db_path: Path) -> bool:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


class SmallDisk:
    """A tmpfs of a few megabytes: a real full disk (ENOSPC, SQLITE_FULL) on demand."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.filler = folder / "filler"

    def fill(self, leave: int = 0) -> None:
        """Take all free space but about LEAVE bytes."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            block = b"\0" * 4096
            while True:
                try:
                    os.write(fd, block)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


@pytest.fixture
def small_disk(tmp_path):
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs",
                              str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here to fill a disk for real "
                    f"({mounted.stderr.strip() or 'mount failed'}); needs root in a "
                    "container that allows mounts")
    try:
        yield SmallDisk(folder)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _drop_file_permission_override() -> None:
    # Root writes any file whatever its mode; without CAP_DAC_OVERRIDE and
    # CAP_DAC_READ_SEARCH (dropped from the bounding set before exec) it is held to the modes
    # like any user.
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def read_only_runner():
    """A preexec_fn under which a file without write permission cannot be written, or skip."""
    if os.geteuid() != 0:
        return None  # an ordinary user is held to the file modes already
    probe = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=_try_drop,
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE here, so no file is "
                    "read-only to this test")
    return _drop_file_permission_override


def _try_drop() -> None:
    try:
        _drop_file_permission_override()
    except OSError:
        os._exit(3)


def copy_db(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    return target
