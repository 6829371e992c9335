"""A fresh full build of a project, with the memory of every process of its tree.

    python -m devtools.build_memory [--warm] PROJECT [build flags...]

Removes ``site/``, ``build/`` and ``.cache/`` (a fresh clone's state; the content
and the ingest manifest stay), or with ``--warm`` keeps them (the build CI runs
after a generator change, its cache restored: a full build with every cache
warm, the search index's merged state among them), runs ``python -m generator build`` in PROJECT and
prints its wall and CPU time, the peak of the tree's summed PSS
(``scale_bench.PssSampler``, every 0.2 s) and each process's own peak PSS (every
0.5 s). An EPUB worker (a spawned process holding its books' inputs file,
``generator/site/epub.py``) is named, with its PSS over the build. Written for
issue 17's EPUB workers (docs/performance.md, "The EPUB workers' memory").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from devtools.scale_bench import PssSampler, process_children

SAMPLE_SECONDS = 0.5


def _pss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _is_epub_worker(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"multiprocessing.spawn" not in command:
            return False
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any(".inputs-" in link for link in links)


class Peaks:
    """Each process of the tree under ``root``: its command, its own peak PSS
    and, for an EPUB worker, its PSS over time."""

    def __init__(self, root: int, started: float) -> None:
        self.root, self.started = root, started
        self.peak_kb: dict[int, int] = {}
        self.command: dict[int, str] = {}
        self.workers: dict[int, list[tuple[int, int]]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            tree, todo = process_children(), [self.root]
            while todo:
                pid = todo.pop()
                todo.extend(tree.get(pid, ()))
                pss = _pss_kb(pid)
                if pss is None:
                    continue
                if pid not in self.command:
                    try:
                        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
                    except OSError:
                        continue
                    self.command[pid] = raw.replace(b"\0", b" ").decode()[:60]
                if pid not in self.workers and _is_epub_worker(pid):
                    self.workers[pid] = []
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), pss)
                if pid in self.workers:
                    seconds = round(time.perf_counter() - self.started)
                    self.workers[pid].append((seconds, pss // 1024))
            self._stop.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def main(project: Path, flags: list[str], *, warm: bool = False) -> int:
    if not warm:
        for output in ("site", "build", ".cache"):
            shutil.rmtree(project / output, ignore_errors=True)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    build = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", *flags], cwd=project, start_new_session=True
    )
    summed = PssSampler(build.pid)
    peaks = Peaks(build.pid, started)
    _, status, usage = os.wait4(build.pid, 0)
    wall = time.perf_counter() - started
    peak_mb = summed.stop()
    peaks.stop()
    print(f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(
        f"exit {os.waitstatus_to_exitcode(status)}; wall {wall:.1f} s; "
        f"CPU {usage.ru_utime + usage.ru_stime:.1f} s; summed PSS peak {peak_mb:.0f} MB"
    )
    for pid, kb in sorted(peaks.peak_kb.items(), key=lambda item: -item[1])[:12]:
        name = "EPUB worker" if pid in peaks.workers else peaks.command[pid]
        print(f"  {kb / 1024:8.0f} MB  {pid} {name}")
    for pid, points in peaks.workers.items():
        step = max(1, len(points) // 10)
        print(f"  EPUB worker {pid}, (s, PSS MB): {points[::step] + points[-1:]}")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    warm = arguments[:1] == ["--warm"]
    if warm:
        arguments = arguments[1:]
    if not arguments:
        raise SystemExit(__doc__)
    raise SystemExit(main(Path(arguments[0]), arguments[1:], warm=warm))
