"""Worker processes that keep state between rounds of work: each owns a shard.

``concurrent.futures`` sends every task to whichever process is free, so anything a
task produces must travel back to the main process before the next task may use
it. Ingest parses a file in one round and writes its article in the next, and a
parsed article is large (moving every one to the main process and out again cost
as much CPU as parsing them), so here each process keeps one ``state`` object for
its whole life and the main process says which process does what.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any

# Results travel in batches: one message per item costs more than the item's work
# for small items, and one message per round would leave a progress bar still.
_BATCH = 16


def _serve(conn: Connection, make_state: Callable[[], Any], inherited: list[Connection]) -> None:
    # A forked worker holds copies of the main process's ends of every pipe made
    # before it. Closed, they let the main process's death reach the workers as a
    # broken pipe, instead of leaving them blocked on a pipe nobody reads.
    for other in inherited:
        other.close()
    state = make_state()
    try:
        while True:
            request = conn.recv()
            if request is None:
                return
            method, items = request
            run = getattr(state, method)
            batch: list[Any] = []
            for item in items:
                batch.append(run(item))
                if len(batch) == _BATCH:
                    conn.send(("part", batch))
                    batch = []
            conn.send(("done", batch))
    except (KeyboardInterrupt, BrokenPipeError, EOFError):
        # The main process got the same Ctrl-C and reports it, or it is gone; a
        # traceback from every worker would only bury its message.
        return
    except BaseException as error:  # every failure must reach the main process
        try:
            conn.send(("error", error))
        except Exception:  # the error itself may not pickle
            conn.send(("error", RuntimeError(traceback.format_exc())))


class ShardPool:
    """``workers`` processes, each holding the object ``make_state()`` returned.

    With one worker the state lives in this process and nothing is started: the
    small inputs of tests and of an editor's machine run without process start-up.
    """

    def __init__(self, make_state: Callable[[], Any], workers: int) -> None:
        self.workers = workers
        self._local = make_state() if workers == 1 else None
        self._procs: list[multiprocessing.process.BaseProcess] = []
        self._conns: list[Connection] = []
        if workers > 1:
            for _ in range(workers):
                mine, theirs = multiprocessing.Pipe()
                proc = multiprocessing.Process(
                    target=_serve, args=(theirs, make_state, [*self._conns, mine])
                )
                proc.daemon = True
                proc.start()
                theirs.close()
                self._procs.append(proc)
                self._conns.append(mine)

    def run(self, method: str, shares: Sequence[Sequence[Any]]) -> Iterator[tuple[int, list[Any]]]:
        """Call ``state.method(item)`` for every item of ``shares[k]`` in worker ``k``,
        in order; yield ``(k, results)`` in batches as they arrive."""
        if self._local is not None:
            run = getattr(self._local, method)
            yield 0, [run(item) for item in shares[0]]
            return
        for conn, share in zip(self._conns, shares, strict=True):
            conn.send((method, list(share)))
        pending = set(range(self.workers))
        while pending:
            for conn in multiprocessing.connection.wait([self._conns[k] for k in pending]):
                k = self._conns.index(conn)  # type: ignore[arg-type]
                try:
                    kind, payload = conn.recv()  # type: ignore[union-attr]
                except EOFError:
                    raise RuntimeError(f"ingest worker {k} stopped unexpectedly") from None
                if kind == "error":
                    raise payload
                yield k, payload
                if kind == "done":
                    pending.discard(k)

    def run_all(self, method: str, shares: Sequence[Sequence[Any]]) -> list[list[Any]]:
        """``run``, gathered: the results of each share, in the share's order."""
        out: list[list[Any]] = [[] for _ in shares]
        for k, batch in self.run(method, shares):
            out[k].extend(batch)
        return out

    def close(self, *, failed: bool = False) -> None:
        if not failed:
            for conn in self._conns:
                conn.send(None)
        for proc in self._procs:
            if failed:
                # A Ctrl-C reached the workers too: give them a moment to stop.
                proc.join(timeout=0.2)
                if proc.is_alive():
                    # Another worker failed, or Ctrl-C came while this one was busy:
                    # SIGINT, not SIGTERM, so that a write in progress removes its
                    # temporary file on the way out.
                    os.kill(proc.pid, signal.SIGINT)
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        for conn in self._conns:
            conn.close()

    def __enter__(self) -> ShardPool:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(failed=kind is not None)
