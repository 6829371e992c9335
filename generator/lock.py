"""One writer at a time in a project, and nothing left behind by the last one.

Two builds in one tree raced in the swap (FileNotFoundError, 2 runs in 7), and
a build or ingest killed (SIGKILL, or Ctrl-C while worker processes were being
stopped) left its temporary files: ``.<name>.<pid>-<n>.tmp`` beside the files it
was writing, ``.site.*`` in the project and ``build/.render.*`` (up to 71 MB).

So ``project_lock`` takes an exclusive lock on ``.generator.lock`` in the project
(fcntl.flock: the kernel drops it when its holder dies, however it dies) and a
second build or ingest stops with a message instead of racing; and once the lock
is held nothing else is writing, so ``sweep`` removes whatever a dead run left.
Every such name is git-ignored (.gitignore).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.errors import GeneratorError

LOCK_NAME = ".generator.lock"
# What generator/atomic.py names a temporary file: ".<name>.<pid>-<n>.tmp", or
# tempfile's ".<name>.<8 characters>.tmp" when those are taken.
_ATOMIC_TMP = re.compile(r"^\..+\.(?:\d+-\d+|[A-Za-z0-9_]{8})\.tmp$")
# What tempfile.mkdtemp adds to a build's prefix (".site.", ".render.").
_MKDTEMP_TAIL = re.compile(r"^[A-Za-z0-9_]{8}$")

_held: dict[str, int] = {}


class Busy(GeneratorError):
    """Another build or ingest holds the project's lock."""


@contextlib.contextmanager
def project_lock(root: Path, what: str) -> Iterator[None]:
    """Hold the project's lock for ``what`` ("build", "ingest"); re-entrant in one
    process (a build runs ingest). Raises Busy at once if another process holds it."""
    key = os.path.realpath(root)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise Busy(
                f"{path}: {holder} is already writing in this project; wait for it to "
                f"finish, then run the {what} again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what} (process {os.getpid()})\n".encode(), 0)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def sweep(
    folder: Path,
    prefixes: tuple[str, ...] = (),
    remove: Callable[[Path], None] | None = None,
) -> int:
    """Remove what a dead run left in ``folder`` (call it holding the lock):
    atomic writes' temporary files, and the folders a build made with
    ``tempfile.mkdtemp(prefix=...)`` for each of ``prefixes``, deleted by
    ``remove`` if given (the build deletes them in the background), else here.
    Returns how many entries went."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not name.startswith("."):
            continue
        try:
            if _ATOMIC_TMP.match(name) and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
            elif any(
                name.startswith(p) and _MKDTEMP_TAIL.match(name[len(p) :]) for p in prefixes
            ) and entry.is_dir(follow_symlinks=False):
                if remove is not None:
                    remove(Path(entry.path))
                else:
                    shutil.rmtree(entry.path, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
