"""Test kit: a throwaway copy of the project, a real build of it, a local server,
and headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from devtools.quality.browser import CHROMIUM, CHROMIUM_ARGS, serve
from generator.site.build import Project, build

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "ROOT",
    "SEED_ARTICLES",
    "build_copy",
    "copy_project",
    "count_parses",
    "serve",
]

ROOT = Path(__file__).resolve().parent.parent
# The slugs of the six articles the bundled seed sources hold.
SEED_ARTICLES = frozenset(
    {
        "i-am-every-woman",
        "children-of-abraham-v-sons-of-ibrahim",
        "becoming-a-pariah-state",
        "the-facade-cracks",
        "mexicos-disappeared-women",
        "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam",
    }
)


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


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The article files parsed from now on (the article cache's misses), in order."""
    from generator.content import article_cache

    parsed: list[Path] = []
    real = article_cache.load_article

    def load(path: Path) -> object:
        parsed.append(path)
        return real(path)

    monkeypatch.setattr(article_cache, "load_article", load)
    return parsed
