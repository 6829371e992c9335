"""One piece of work run beside the build, in a process of its own.

The build starts the search index and the EPUB downloads while it generates and
renders the pages. The search index's child inherits the edition model (fork)
instead of having it pickled; the EPUB workers are spawned (a fresh interpreter,
sent only a file name and a few settings) so that they share nothing the build
goes on writing to. The child does its work, writes its one outcome into a
file of its own and ends, so that its memory is let go as soon as its work is
done. Where the start method is not offered (fork on Windows, macOS by
default), the work runs in this process on ``wait()``. A failure in the child
comes back as the error's text and is raised in the parent as the job's own
``GeneratorError`` kind, which stops the build.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import multiprocessing.process
import os
import pickle
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from generator.errors import GeneratorError

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
# A job's outcome file: generator-job-<the pid of the process that started it>-*.
_OUT_PREFIX = "generator-job-"
_OUT_SUFFIX = ".pickle"
# How many ``long_lived`` blocks are running (a build inside the live preview's).
_long_lived = 0


@contextlib.contextmanager
def long_lived(young: int) -> Iterator[None]:
    """The garbage collector set for a process that makes millions of objects that
    live as long as it does (a build): collections of the youngest generation every
    ``young`` allocations, and what the caller freezes (``gc.freeze``), or a job
    freezes as it forks, left frozen until the block ends, when all is unfrozen
    (the live preview builds again and again in one process). Not
    ``gc.get_freeze_count``: it counts the frozen objects one by one (0.08 s at
    10,000 articles, at each fork)."""
    global _long_lived
    thresholds = gc.get_threshold()
    gc.set_threshold(young, *thresholds[1:])
    _long_lived += 1
    try:
        yield
    finally:
        _long_lived -= 1
        gc.set_threshold(*thresholds)
        if not _long_lived:
            gc.unfreeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No collection of cycles in the block: for one that makes millions of
    objects which all live as long as the process (a build's loaded edition),
    where each collection of the young generations would walk them in vain."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What the work gave (or the error's text) and how long it took."""

    value: T | None
    seconds: float
    error: str | None


def run_capturing(work: Callable[[], T]) -> Outcome[T]:
    started = time.perf_counter()
    try:
        value = work()
    except Exception as error:  # reported by the parent, which stops the build
        return Outcome(None, time.perf_counter() - started, f"{type(error).__name__}: {error}")
    return Outcome(value, time.perf_counter() - started, None)


def _die_with_parent(parent: int) -> None:
    """In a forked child: end when the build that started it ends without it.

    A build killed outright (SIGKILL, the out-of-memory killer) runs no clean-up:
    its children would go on computing for nobody, holding memory and the build's
    own stdout and stderr, so whoever waits on those (a CI step, a test) waits for
    ever; an EPUB worker waiting for pages that will never be rendered never ends
    at all. Linux's PR_SET_PDEATHSIG kills the child with its parent; elsewhere,
    ``orphaned`` lets a waiting child look. (Linux sends the signal when the
    *thread* that forked ends: jobs are started and waited for by the build's
    main thread.)"""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: waits poll orphaned() instead
    if orphaned(parent):  # the parent died before the line above
        os._exit(1)


def orphaned(parent: int) -> bool:
    """Whether the process ``parent`` that forked this one has ended."""
    return os.getppid() != parent


def receive(channel: Connection, parent: int, poll: float = 0.5) -> Any:
    """The next object from ``channel`` in a forked child, ending the child if its
    parent ends first (nobody would ever send it); None once the parent has
    closed its end."""
    while not channel.poll(poll):
        if orphaned(parent):
            os._exit(1)
    try:
        return channel.recv()
    except EOFError:
        return None


def _child(work: Callable[[], T], out: str, parent: int) -> None:
    """The job's process: run ``work``, write the outcome into the file ``out``
    and end.

    A file, not a pipe: a pipe holds 64 kB, so a child with more to say (the
    search index's listing of its files, 178,203 of them at 100,000 articles)
    waited in ``send`` until the build read it, after the render, holding all
    the memory its work had taken: 7.3 GB for the 15 minutes of MkDocs in a full
    build at 100,000 articles (docs/performance.md). Written whole or not at
    all: the parent reads it once the process has ended with exit code 0."""
    _die_with_parent(parent)
    outcome = run_capturing(work)
    with open(out, "wb") as handle:
        pickle.dump(outcome, handle, protocol=pickle.HIGHEST_PROTOCOL)


def sweep_outcomes(folder: str) -> list[str]:
    """Delete the outcome files in ``folder`` that no process will read: those of
    builds that are no longer running. A build killed outright (SIGKILL, the
    out-of-memory killer) runs no clean-up, so its jobs' files stayed in the
    temporary folder for good, empty or holding a whole outcome (the search
    index's listing of its 178,203 files at 100,000 articles). A file of a build
    still running, this one's or another's, is left alone. Returns the deleted."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if not (name.startswith(_OUT_PREFIX) and name.endswith(_OUT_SUFFIX)):
            continue
        pid = name[len(_OUT_PREFIX) :].partition("-")[0]
        if not pid.isdigit() or _running(int(pid)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, name))
            removed.append(name)
    return removed


def _running(pid: int) -> bool:
    """Whether a process ``pid`` exists (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists
        return True
    return True


class BackgroundJob(Generic[T]):
    """``work`` started now in a forked process; ``wait`` gives its value and its
    seconds, or raises ``error(what ...)``. ``died`` is added to the message when
    the process ended without an answer (killed, out of memory).

    With ``spawn``, the process is a fresh interpreter instead, which inherits
    none of this process's memory: ``work`` (a module-level function, or a
    ``functools.partial`` of one) and what it holds are pickled to it, so it
    should hold little (the EPUB workers: a file name, the site's settings and a
    pipe). Where that start method is not offered, the work runs on ``wait()``."""

    def __init__(
        self,
        work: Callable[[], T],
        *,
        error: type[GeneratorError],
        what: str,
        died: str = "",
        spawn: bool = False,
    ) -> None:
        self._work = work
        self._error, self._what, self._died = error, what, died
        self._process: multiprocessing.process.BaseProcess | None = None
        self._out: str | None = None
        self._parent = os.getpid()
        method = "spawn" if spawn else "fork"
        if method in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context(method)
            folder = tempfile.gettempdir()
            sweep_outcomes(folder)
            handle, self._out = tempfile.mkstemp(
                prefix=f"{_OUT_PREFIX}{self._parent}-", suffix=_OUT_SUFFIX, dir=folder
            )
            os.close(handle)
            self._process = context.Process(
                target=_child, args=(work, self._out, self._parent), daemon=True
            )
            # The parent's objects in the collector's permanent generation while it
            # forks: the child's collections then leave them alone instead of
            # writing to every one of them, which copied the parent's pages into
            # the child (the search index's process at 3,000 synthetic articles:
            # 47 MB added to the summed PSS instead of 60, devtools.index_memory).
            # (A spawned child inherits no objects: nothing to freeze.)
            # Within ``long_lived`` (a build), what is frozen stays frozen.
            if not spawn:
                gc.freeze()
            try:
                self._process.start()
            except BaseException:
                self._discard()
                raise
            finally:
                if not spawn and not _long_lived:
                    gc.unfreeze()

    @property
    def forked(self) -> bool:
        """Whether the work runs in a process of its own (forked or spawned)."""
        return self._process is not None

    def wait(self) -> tuple[T, float]:
        """The work's value and how many seconds it took."""
        outcome: Outcome[T] | None = None
        if self._process is None or self._out is None:
            outcome = run_capturing(self._work)
        else:
            self._process.join()
            try:
                if self._process.exitcode == 0:
                    with open(self._out, "rb") as handle:
                        outcome = pickle.load(handle)
            except (OSError, EOFError, pickle.UnpicklingError):
                outcome = None
            finally:
                self._discard()
            if outcome is None:
                hint = f"; {self._died}" if self._died else ""
                raise self._error(
                    f"the {self._what} process died (exit code {self._process.exitcode}){hint}"
                )
        if outcome.error is not None or outcome.value is None:
            raise self._error(f"the {self._what} could not be written: {outcome.error}")
        return outcome.value, outcome.seconds

    def _discard(self) -> None:
        if self._out is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._out)

    def cancel(self) -> None:
        """Stop the work (the build failed elsewhere); a no-op once it has ended."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._discard()
