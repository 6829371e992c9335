"""``make serve``: a live preview for editors.

The generator keeps the docs tree up to date as content/ changes and
``mkdocs serve --dirty`` re-renders just the pages whose files changed, then
reloads the browser. After an edit to articles only, the preview re-parses just
the edited files (an in-memory cache), redoes the listing pages (a few per issue
and writer) and only the article pages the edit can show on: the article, the
others of its issue (their previous/next links and the issue's cover title) and
any article that left or joined. A broken article prints the checker's
``path:line: field: message`` and the preview keeps the last good pages.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from generator.content.article_cache import ArticleCache
from generator.content.edition import Edition, Related
from generator.site.build import BuildError, BuildTimings, Project, load_edition, write_docs

DEBOUNCE_SECONDS = 0.3


@dataclass
class PreviewState:
    cache: ArticleCache = field(default_factory=ArticleCache)
    edition: Edition | None = None
    inputs: dict[str, int] = field(default_factory=dict)  # non-article inputs' mtimes


def _other_inputs(project: Project) -> dict[str, int]:
    """Templates and curation files: a change to any of them redoes every page.

    The article and source folders are not walked: at archive scale they are
    thousands of files, and the article cache already follows each article.
    """
    skip = {project.content / "articles", project.content / "sources"}
    found: dict[str, int] = {}
    folders = [project.templates, project.content]
    while folders:
        for path in folders.pop().iterdir():
            if path in skip:
                continue
            if path.is_dir():
                folders.append(path)
            elif path.is_file():
                found[path.relative_to(project.root).as_posix()] = path.stat().st_mtime_ns
    return found


def affected_articles(old: Edition, new: Edition) -> set[str]:
    """The article pages whose HTML an edit to some articles can change."""
    changed = {
        slug
        for slug in old.articles.keys() | new.articles.keys()
        if old.articles.get(slug) is not new.articles.get(slug)
        and old.articles.get(slug) != new.articles.get(slug)
    }
    touched = set(changed)
    for edition in (old, new):
        for slug in changed:
            issue = edition.issue_of.get(slug)
            if issue is not None:
                touched.update(issue.slugs)
    if changed:
        # Related reading: the pages whose lists changed, and those that list an
        # article whose title or date changed (both are shown there). One pass, a
        # few slugs a page.
        shown = {s for s in changed if _card(old, s) != _card(new, s)}
        for slug, related in new.related.items():
            if related != old.related.get(slug) or not shown.isdisjoint(related_slugs(related)):
                touched.add(slug)
    return touched


def _card(edition: Edition, slug: str) -> tuple[str, object] | None:
    a = edition.articles.get(slug)
    return (a.title, a.issue) if a is not None else None


def related_slugs(related: Related) -> list[str]:
    return [
        *related.issue,
        *(s for _, slugs in related.writers for s in slugs),
        *(s for _, slugs in related.topics for s in slugs),
        *related.nearby,
    ]


def regenerate(project: Project, state: PreviewState | None = None) -> bool:
    state = state or PreviewState()
    started = time.perf_counter()
    try:
        edition = load_edition(project, state.cache)
    except BuildError as error:
        print(f"\n{error}\n(the preview keeps the last good pages)", file=sys.stderr)
        return False
    inputs = _other_inputs(project)
    only = None
    if state.edition is not None and inputs == state.inputs:
        only = affected_articles(state.edition, edition)
    # The preview makes no EPUBs (a build does): its pages do not link them.
    try:
        write_docs(project, edition, BuildTimings(), only_articles=only, books=False)
    except BuildError as error:
        # An article saved again while its page was made (content/body.py): the
        # save itself starts the next regeneration.
        print(f"\n{error}\n(the preview keeps the last good pages)", file=sys.stderr)
        return False
    state.edition, state.inputs = edition, inputs
    scope = "every page" if only is None else f"{len(only)} article page(s) and the listings"
    print(f"preview: {scope} regenerated in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return True


def serve(project: Project, address: str = "127.0.0.1:8000") -> int:
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    state = PreviewState()
    regenerate(project, state)
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
                regenerate(project, state)
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        mkdocs.terminate()
        mkdocs.wait(timeout=10)
        observer.join(timeout=5)
    return 0
