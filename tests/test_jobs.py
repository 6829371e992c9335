"""The background-job helper both the search index and the EPUB downloads use:
a value comes back from the forked process, a failure comes back as the job's own
error, a process that dies is reported, and without fork the work runs on wait()."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from generator.errors import EpubError, SearchIndexError
from generator.jobs import BackgroundJob


def test_the_value_and_its_seconds_come_back_from_the_child() -> None:
    parent = os.getpid()
    job = BackgroundJob(lambda: {"pid": os.getpid()}, error=EpubError, what="test")
    value, seconds = job.wait()
    assert job.forked
    assert value["pid"] != parent  # it ran in another process
    assert seconds >= 0


def test_a_failure_is_raised_as_the_jobs_own_error() -> None:
    def broken() -> int:
        raise OSError("disk full")

    job = BackgroundJob(broken, error=SearchIndexError, what="search index")
    with pytest.raises(SearchIndexError, match="index could not be written: OSError: disk full"):
        job.wait()


def test_a_process_that_dies_is_reported_with_the_hint() -> None:
    def die() -> int:
        os.kill(os.getpid(), signal.SIGKILL)
        return 1

    job = BackgroundJob(die, error=EpubError, what="EPUB files", died="try --no-epub")
    with pytest.raises(EpubError, match=r"EPUB files process died \(exit code -9\); try --no-epub"):
        job.wait()


def test_a_child_with_much_to_say_ends_before_it_is_waited_for() -> None:
    # A pipe holds 64 kB: a child sending more waited, holding all its memory,
    # until the build read it after the render (the search index at 100,000
    # articles: 7.3 GB for 15 minutes).
    job = BackgroundJob(lambda: b"x" * 4_000_000, error=SearchIndexError, what="test")
    process = job._process
    assert process is not None
    process.join(timeout=60)
    assert process.exitcode == 0  # ended, not waiting for a reader
    out = job._out
    assert out is not None and os.path.getsize(out) > 4_000_000
    value, _ = job.wait()
    assert value == b"x" * 4_000_000
    assert not os.path.exists(out)  # the outcome's file is not left behind


def test_a_cancelled_job_leaves_no_file() -> None:
    job = BackgroundJob(lambda: time.sleep(30), error=EpubError, what="test")
    out = job._out
    assert out is not None and os.path.exists(out)
    job.cancel()
    assert not os.path.exists(out)


def test_the_outcome_files_of_a_build_killed_outright_are_swept_by_the_next_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build killed with SIGKILL runs no clean-up: its job's outcome file stays.
    The next job started on the machine deletes the files of builds no longer
    running, and leaves those of a build that runs (its own, another's)."""
    import subprocess
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    script = (
        "import sys, tempfile, time; tempfile.tempdir = sys.argv[1]\n"
        "from generator.errors import EpubError\n"
        "from generator.jobs import BackgroundJob\n"
        "job = BackgroundJob(lambda: time.sleep(60), error=EpubError, what='test')\n"
        "print(job._out, flush=True); time.sleep(60)\n"
    )
    killed = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    running = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert killed.stdout is not None and running.stdout is not None
        left, other = killed.stdout.readline().strip(), running.stdout.readline().strip()
        killed.kill()
        killed.wait()
        assert os.path.exists(left) and os.path.exists(other)
        job = BackgroundJob(lambda: 1, error=EpubError, what="test")
        assert not os.path.exists(left)
        assert os.path.exists(other) and job._out is not None and os.path.exists(job._out)
        assert job.wait()[0] == 1
    finally:
        running.kill()
        running.wait()


def test_without_fork_the_work_runs_on_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])
    ran: list[int] = []
    job = BackgroundJob(lambda: ran.append(os.getpid()) or 7, error=EpubError, what="test")
    assert not job.forked and ran == []  # nothing ran yet
    assert job.wait()[0] == 7
    assert ran == [os.getpid()]
    job.cancel()  # a no-op: nothing to stop


# Set in the test below after import: a forked child would see it, a spawned one
# (a fresh interpreter importing this module again) cannot.
MARK = "as imported"


def _mark_and_pid() -> tuple[str, int]:
    return MARK, os.getpid()


def test_a_spawned_job_inherits_nothing_of_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    """The EPUB workers are spawned so that they hold none of the build's memory:
    the work is pickled to a fresh interpreter, which sees the module as imported,
    not as the parent changed it."""
    monkeypatch.setattr(sys.modules[__name__], "MARK", "changed in the parent")
    job = BackgroundJob(_mark_and_pid, error=EpubError, what="test", spawn=True)
    assert job.forked
    (mark, pid), _ = job.wait()
    assert (mark, pid != os.getpid()) == ("as imported", True)
    forked = BackgroundJob(_mark_and_pid, error=EpubError, what="test")
    assert forked.wait()[0][0] == "changed in the parent"


def test_a_build_keeps_what_it_froze_until_it_ends() -> None:
    """``long_lived``: a fork in it leaves the frozen objects frozen (the build's
    edition stays out of the collector's sight); at its end all is unfrozen, and
    the collector's thresholds are as they were. Outside it, a fork unfreezes."""
    import gc

    from generator.jobs import long_lived

    before = gc.get_threshold()
    BackgroundJob(lambda: 1, error=EpubError, what="test").wait()
    assert gc.get_freeze_count() == 0
    with long_lived(50_000):
        assert gc.get_threshold()[0] == 50_000
        kept = [[] for _ in range(10)]
        gc.freeze()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # A frozen object still dies when its last reference goes (CI once saw
        # 151,436 of 151,437 left), so the test asks that most stay frozen:
        # unfreezing would leave none.
        BackgroundJob(lambda: 1, error=EpubError, what="test").wait()
        assert gc.get_freeze_count() > frozen // 2
        with long_lived(50_000):  # a build inside the live preview's process
            pass
        assert gc.get_freeze_count() > frozen // 2
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
    del kept


def test_the_collector_is_paused_for_a_block_and_left_as_it_was() -> None:
    """``collector_paused``: no collection inside (the build's loading), the
    collector as it was after, even when the block raises."""
    import gc

    from generator.jobs import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a bad article")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_build_loads_its_edition_with_the_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from generator.site import build as build_module
    from tests.test_incremental import synthetic_project

    seen: list[bool] = []
    real = build_module.load_content

    def noting(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    real_freeze = gc.freeze

    def freezing() -> None:
        # Frozen before the collector runs again: its first collection would
        # walk every object made while it was paused.
        seen.append(gc.isenabled())
        real_freeze()

    monkeypatch.setattr(build_module, "load_content", noting)
    monkeypatch.setattr(gc, "freeze", freezing)
    project = synthetic_project(tmp_path / "project", n=4)
    build_module.build(project, ingest_sources=False, search=False, epub=False)
    assert seen == [False, False] and gc.isenabled()
