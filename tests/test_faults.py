"""Faults leave nothing behind: real signals to real processes, a real second
build, a real full disk and a real read-only folder (small tmpfs mounts, where
the machine lets the tests mount; skipped, and said so, where it does not)."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.content.check import check_all
from generator.lock import LOCK_NAME
from tests.sitekit import ROOT, copy_project

pytestmark = pytest.mark.slow

SEEDS = ROOT / "content" / "sources"


def _as_a_shell_starts_it() -> None:
    """The signal state a command typed at a shell starts with: Ctrl-C's default
    handling, nothing blocked. A child inherits its parent's blocked signals and
    ignored ones, and a test worker's may not be a shell's (a Ctrl-C test on a
    fresh clone's `make test` saw its build run to the end)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def generator(*args: str | Path, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_a_shell_starts_it,
    )


def _signal_state(pid: int) -> str:
    """The process's pending, blocked, ignored and caught signals (for a message)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "(gone)"
    lines = [line.replace("\t", "") for line in status.splitlines()]
    return " ".join(line for line in lines if line.startswith("Sig"))


def finish(proc: subprocess.Popen[str], timeout: float = 300) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def wait_for(condition: object, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def leftovers(root: Path) -> list[str]:
    """Temporary names any run may leave: .site.*, build/.render.*, *.tmp."""
    found = [p.name for p in root.glob(".site.*")]
    found += [p.name for p in (root / "build").glob(".render.*")]
    found += [str(p.relative_to(root)) for p in root.rglob(".*.tmp")]
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project with the seed sources and no articles yet."""
    return copy_project(tmp_path / "p", with_articles=False).root


def test_a_second_build_in_the_same_tree_stops_with_a_message(project: Path) -> None:
    first = generator("build", "--root", project, "--no-search", cwd=project)
    lock = project / LOCK_NAME
    wait_for(lambda: lock.exists() and lock.read_text().startswith("build (process"))
    second = generator("build", "--root", project, "--no-search", cwd=project)
    code, err = finish(second)
    assert code == 1, err
    assert f"build (process {first.pid}) is already writing in this project" in err
    assert "Traceback" not in err
    code, err = finish(first)
    assert code == 0, err
    assert (project / "site" / "index.html").is_file()
    assert leftovers(project) == []


@pytest.fixture
def slow_project(project: Path) -> Path:
    """The project with 400 synthetic scrapes more: MkDocs renders for seconds, not
    the second or so that the seeds take, in which a signal sent once the site
    folder fills could arrive after the build had ended (it did, once, on a fresh
    clone's `make test`: exit 0 where 130 was expected)."""
    from devtools.synth import synthesize

    synthesize(400, project / "content" / "sources" / "synthetic", seed=7)
    return project


def test_ctrl_c_during_a_build_leaves_nothing_and_says_so(slow_project: Path) -> None:
    project = slow_project
    proc = generator("build", "--root", project, "--no-search", cwd=project)
    # Interrupted while MkDocs renders into the half-built site folder.
    wait_for(lambda: any(project.glob(".site.*/*")))
    proc.send_signal(signal.SIGINT)
    state = _signal_state(proc.pid)
    code, err = finish(proc)
    assert code == 130, f"{err}\nsignal state after the Ctrl-C: {state}"
    assert "interrupted; no file was left half-written" in err
    assert "Traceback" not in err
    assert leftovers(project) == []
    assert not (project / "site").exists()


def test_sigkill_leftovers_are_removed_by_the_next_run(slow_project: Path) -> None:
    project = slow_project
    proc = generator("build", "--root", project, "--no-search", cwd=project)
    wait_for(lambda: any(project.glob(".site.*/*")))
    proc.send_signal(signal.SIGKILL)
    finish(proc)
    left = leftovers(project)
    assert any(name.startswith(".site.") for name in left), left
    # A writer killed between creating its temporary file and renaming it.
    articles = project / "content" / "articles"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal; from pathlib import Path; "
            "from generator.atomic import _create_temporary; "
            f"fd, _ = _create_temporary(Path({str(articles / 'half.md')!r})); "
            "os.write(fd, b'half an art'); os.kill(os.getpid(), signal.SIGKILL)",
        ],
        cwd=ROOT,
    )
    assert killed.returncode == -signal.SIGKILL
    assert list(articles.glob(".half.md.*.tmp"))
    code, err = finish(generator("build", "--root", project, "--no-search", cwd=project))
    assert code == 0, err
    assert (project / "site" / "index.html").is_file()
    # The killed build's site folder is deleted by a process of its own
    # (build.discard), which may outlive the build by a moment.
    assert not list(articles.glob(".half.md.*.tmp"))
    wait_for(lambda: leftovers(project) == [], timeout=60)


def test_every_leftover_name_is_git_ignored() -> None:
    names = [
        ".site.ab12cd34/index.html",
        "site.old/index.html",
        "build/.render.ab12cd34/x",
        "content/articles/.some-slug.md.1234-5.tmp",
        "content/.ingest-manifest.json.99-0.tmp",
        ".cache/articles/.12.pickle.7-1.tmp",
        LOCK_NAME,
    ]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=ROOT, capture_output=True, text=True
    )
    assert sorted(result.stdout.split()) == sorted(names)


def test_an_unreadable_article_stops_ingest_instead_of_a_second_copy(project: Path) -> None:
    code, err = finish(generator("ingest", SEEDS, "--content", "content", cwd=project))
    assert code == 0, err
    articles = project / "content" / "articles"
    before = sorted(p.name for p in articles.glob("*.md"))
    # Root reads any file whatever its mode, so "unreadable" is an article whose
    # read fails another way: a folder where the file was (EISDIR).
    victim = articles / "the-facade-cracks.md"
    saved = victim.read_bytes()
    victim.unlink()
    victim.mkdir()
    code, err = finish(generator("ingest", SEEDS, "--content", "content", "--force", cwd=project))
    assert code == 1, err
    assert "the-facade-cracks.md: cannot be read" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in articles.glob("*.md")) == before
    victim.rmdir()
    victim.write_bytes(saved)
    code, err = finish(generator("ingest", SEEDS, "--content", "content", cwd=project))
    assert code == 0, err
    assert sorted(p.name for p in articles.glob("*.md")) == before


# --- a real full disk and a real read-only folder: tmpfs mounts --------------------


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[None]:
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"this machine does not let the tests mount a tmpfs: {mounted.stderr}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_is_a_message_and_leaves_no_temporary_file(project: Path) -> None:
    articles = project / "content" / "articles"
    with tmpfs(articles, "48k"):
        code, err = finish(generator("ingest", SEEDS, "--content", "content", cwd=project))
        assert code == 1, err
        assert "ingest: content/articles/" in err
        assert "No space left on device" in err
        assert "Traceback" not in err
        assert list(articles.glob(".*.tmp")) == []
        # What was written is whole: every article file there passes check (the
        # collections name articles the full disk kept out, which is right).
        problems = check_all(project / "content").problems
        assert [p for p in problems if p.path.startswith(str(articles))] == []
        assert list(articles.glob("*.md"))


def test_read_only_content_builds_and_a_write_to_it_is_a_message(project: Path) -> None:
    content = project / "content"
    sources = project.parent / "sources"
    shutil.move(content / "sources", sources)
    shutil.rmtree(content)
    with tmpfs(content, "8m"):
        shutil.copytree(sources, content / "sources")
        code, err = finish(
            generator("ingest", content / "sources", "--content", content, cwd=project)
        )
        assert code == 0, err
        subprocess.run(["mount", "-o", "remount,ro", str(content)], check=True)
        # Nothing to ingest: the build reads content/ and writes only outside it.
        code, err = finish(generator("build", "--root", project, "--no-search", cwd=project))
        assert code == 0, err
        assert (project / "site" / "index.html").is_file()
        # A new scrape must be written, into a read-only folder.
        extra = project.parent / "extra"
        extra.mkdir()
        seed = (SEEDS / "000_16a189a49fb77abf.txt").read_text("utf-8")
        (extra / "new.txt").write_text(seed.replace("I am every woman", "A new headline", 1))
        code, err = finish(
            generator("ingest", content / "sources", extra, "--content", content, cwd=project)
        )
        assert code == 1, err
        assert "Read-only file system" in err
        assert "Traceback" not in err


def test_a_template_that_asks_for_a_missing_value_is_named_with_its_line(project: Path) -> None:
    """A template in overrides/ older (or newer) than the generator asks for a
    value the pages do not give: the build stops with the template's file and
    line and what it missed, not a Jinja traceback, and leaves no half site."""
    template = project / "overrides" / "edition" / "issues.html"
    lines = template.read_text("utf-8").splitlines(keepends=True)
    lines.insert(1, "{{ a_value_no_page_gives }}\n")
    template.write_text("".join(lines), "utf-8")
    code, err = finish(generator("build", "--no-search", "--no-epub", cwd=project))
    assert code != 0
    assert f"{template}:2: 'a_value_no_page_gives' is undefined" in err, err
    assert "Traceback" not in err, err
    assert not (project / "site").exists()
    assert leftovers(project) == []


# --- an incremental build stopped while it changes site/ in place ------------------

# A build in a process of its own, killed by SIGKILL after its ``stop_after``-th
# change to site/ (incremental.apply_in_place): a real kill at a real moment of the
# journal's plan, the one moment a copied-and-swapped site never had.
_KILLED_MIDWAY = """
import os, signal, sys
from pathlib import Path
from generator.site import incremental
from generator.site.build import Project, build

stop_after = int(sys.argv[2])
real_replace, real_apply = os.replace, incremental.apply_in_place
applying = False
count = 0

def replace(src, dst):
    global count
    real_replace(src, dst)
    if applying:
        count += 1
        if count == stop_after:
            os.kill(os.getpid(), signal.SIGKILL)

def apply(*args, **kwargs):
    global applying
    applying = True
    return real_apply(*args, **kwargs)

incremental.os.replace = replace
incremental.apply_in_place = apply
import generator.site.build as build_module
build_module.apply_in_place = apply
build(Project(Path(sys.argv[1])), ingest_sources=False)
"""


def _killed_midway(project: Path, stop_after: int) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_MIDWAY, str(project), str(stop_after)],
        cwd=ROOT,
        preexec_fn=_as_a_shell_starts_it,
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr


def test_a_build_killed_while_it_changes_site_leaves_the_previous_site(tmp_path: Path) -> None:
    from generator.site.build import Project, build
    from generator.site.incremental import JOURNAL, recover
    from tests.test_incremental import (
        assert_same_site,
        edit_body,
        edit_title,
        full_build_of,
        synthetic_project,
        tree,
    )

    project = synthetic_project(tmp_path / "project", n=12)
    build(project, ingest_sources=False)
    site = project.site_dir()
    before = tree(site)
    # A title: its page, the pages that show its card, the search index, the
    # issue's book; the second change kills the build, halfway through the plan.
    edit_title(project)
    _killed_midway(project.root, 2)
    journals = list(project.root.glob(f".site.*/{JOURNAL}"))
    assert len(journals) == 1
    assert tree(site) != before  # the kill came after a change: a mixed site/
    # What the next build does first, under the project's lock: the previous site
    # back, byte for byte, and nothing of the plan left to roll back.
    assert recover(site) == [journals[0].parent]
    assert tree(site) == before
    assert recover(site) == []
    # The killed build had taken the manifest: the next one renders in full, as
    # after any failed build.
    assert build(project, ingest_sources=False).incremental is None
    # Killed again, after its first change, and the next build left to find it.
    edit_body(project)
    _killed_midway(project.root, 1)
    assert list(project.root.glob(f".site.*/{JOURNAL}"))
    build(Project(project.root), ingest_sources=False)
    assert not list(project.root.glob(f".site.*/{JOURNAL}"))
    assert_same_site(site, full_build_of(project, tmp_path / "full"))
    wait_for(lambda: leftovers(project.root) == [], timeout=60)
