"""Test kit: a throwaway copy of the project, a real build of it, a local server,
and headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

from generator.build import Project, build

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# The machine's network is closed: without these, Chromium tries (and fails) to reach
# Google's services at every start.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def copy_project(dest: Path, *, with_articles: bool = True) -> Project:
    """A copy of the project's inputs (not its venv or site) to build in isolation."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    ignore = None if with_articles else shutil.ignore_patterns("articles")
    shutil.copytree(ROOT / "content", dest / "content", ignore=ignore)
    return Project(dest)


def build_copy(dest: Path, **kwargs: object) -> Project:
    project = copy_project(dest)
    build(project, **kwargs)  # type: ignore[arg-type]
    return project


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 (a free port); yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()
