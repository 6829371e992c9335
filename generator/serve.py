"""``make serve``: a live preview for editors.

The generator keeps the docs tree up to date as content/ changes (only the pages
whose bytes change are rewritten), and ``mkdocs serve --dirty`` re-renders just
those pages and reloads the browser. A broken article prints the checker's
``path:line: field: message`` and the preview keeps the last good pages.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from generator.build import BuildError, BuildTimings, Project, load_edition, write_docs

DEBOUNCE_SECONDS = 0.3


def regenerate(project: Project) -> bool:
    started = time.perf_counter()
    try:
        edition = load_edition(project)
    except BuildError as error:
        print(f"\n{error}\n(the preview keeps the last good pages)", file=sys.stderr)
        return False
    write_docs(project, edition, BuildTimings())
    print(f"preview: pages regenerated in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return True


def serve(project: Project, address: str = "127.0.0.1:8000") -> int:
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    regenerate(project)
    pending = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            path = str(event.src_path)
            if "/." in path or path.endswith((".tmp", "~")):
                return  # editors' swap files and our own atomic-write temporaries
            pending.set()

    observer = Observer()
    handler = Handler()
    observer.schedule(handler, str(project.content), recursive=True)
    observer.schedule(handler, str(project.templates), recursive=True)
    observer.start()
    mkdocs = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "-a", address],
        cwd=project.root,
    )
    print(f"preview: http://{address}/ (Ctrl-C stops)", file=sys.stderr)
    try:
        while mkdocs.poll() is None:
            if pending.wait(timeout=0.5):
                time.sleep(DEBOUNCE_SECONDS)
                pending.clear()
                regenerate(project)
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        mkdocs.terminate()
        mkdocs.wait(timeout=10)
        observer.join(timeout=5)
    return 0
