"""Atomic file writes: a crash or Ctrl-C leaves the old file or the new one, never half."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

# Temporary names are this process's id and a count: unique among the processes
# alive now (each worker has its own id), with no random name to draw, which made
# tempfile.mkstemp half the cost of writing an article. O_EXCL still refuses a
# name that a process with the same id left behind when it died.
_count = itertools.count()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _create_temporary(path: Path) -> tuple[int, str]:
    folder = path.parent
    for _ in range(100):
        tmp = os.path.join(folder, f".{path.name}.{os.getpid()}-{next(_count)}.tmp")
        try:
            return os.open(tmp, _FLAGS, 0o600), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:
            folder.mkdir(parents=True, exist_ok=True)
    # Leftovers at every name tried: let tempfile find a free one.
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)


def write_atomic(path: Path, data: str | bytes) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            # No fsync: the rename already guarantees that a crash or Ctrl-C of this
            # process leaves the old file or the new one, and an fsync per article
            # made ingest fifteen times slower. A power cut is git's job to survive.
            handle.write(raw)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        if error.filename is None and error.errno is not None:
            # A write to the open file (a full disk) names no file: name it.
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
