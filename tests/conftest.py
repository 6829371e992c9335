"""Shared test fixtures.

Each fixture is one clearly named function; add new ones in their own section.
Nothing here writes outside pytest's temporary folders.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = REPO_ROOT / "content" / "sources"


# --- article files, read without the generator's own reader -----------------------


@dataclass(frozen=True)
class ArticleFile:
    """One written ``articles/<slug>.md``: its raw text, front matter and body."""

    path: Path
    text: str
    meta: dict[str, Any]
    body: str


def read_article_file(path: Path) -> ArticleFile:
    text = path.read_text("utf-8")
    assert text.startswith("---\n"), f"{path} does not start with front matter"
    front, sep, body = text[4:].partition("\n---\n")
    assert sep, f"{path}: front matter is not closed"
    return ArticleFile(path, text, yaml.safe_load(front), body.strip("\n"))


@pytest.fixture(scope="session")
def article_file_reader() -> Callable[[Path], ArticleFile]:
    """``reader(path) -> ArticleFile``: parse an article file with plain PyYAML."""
    return read_article_file


# --- the five real seeds, ingested once per session -----------------------------


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The bundled raw scrapes (content/sources)."""
    return SEED_DIR


@dataclass(frozen=True)
class IngestedSeeds:
    content: Path
    report: Any  # generator.ingest.pipeline.IngestReport
    by_title: dict[str, ArticleFile]


@pytest.fixture(scope="session")
def ingested_seeds(tmp_path_factory: pytest.TempPathFactory) -> IngestedSeeds:
    """The seeds ingested into a fresh content folder. Read-only: do not modify it."""
    from generator.ingest.pipeline import ingest

    content = tmp_path_factory.mktemp("seeds-content")
    report = ingest([SEED_DIR], content)
    files = [read_article_file(p) for p in sorted((content / "articles").glob("*.md"))]
    return IngestedSeeds(content, report, {f.meta["title"]: f for f in files})


# --- the site's own Markdown engine -------------------------------------------------


def site_markdown_extensions() -> tuple[list[str], dict[str, dict[str, Any]]]:
    """``markdown_extensions`` from mkdocs.yml as (extensions, extension_configs)."""
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text("utf-8"))
    names: list[str] = []
    configs: dict[str, dict[str, Any]] = {}
    for entry in config.get("markdown_extensions") or []:
        if isinstance(entry, str):
            names.append(entry)
        else:
            ((name, options),) = entry.items()
            names.append(name)
            if options:
                configs[name] = options
    return names, configs


@pytest.fixture(scope="session")
def render_markdown() -> Callable[[str], BeautifulSoup]:
    """``render(markdown_text) -> BeautifulSoup`` with the site's Markdown extensions."""
    names, configs = site_markdown_extensions()

    def render(text: str) -> BeautifulSoup:
        engine = markdown.Markdown(extensions=names, extension_configs=configs)
        return BeautifulSoup(engine.convert(text), "lxml")

    return render


# --- running the command line ---------------------------------------------------


@pytest.fixture(scope="session")
def run_generator() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run(*args, cwd=...)``: ``python -m generator ARGS`` in a fresh interpreter."""

    def run(*args: str | Path, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "generator", *map(str, args)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


# --- the built site, a local server and headless Chromium ---------------------------


@pytest.fixture(scope="session")
def seed_project(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The real edition, built once per test process from a copy of the project."""
    from tests.sitekit import build_copy

    return build_copy(tmp_path_factory.mktemp("edition"))


@pytest.fixture(scope="session")
def seed_site(seed_project: Any) -> Path:
    return seed_project.site_dir()


@pytest.fixture(scope="session")
def site_url(seed_site: Path) -> Any:
    from tests.sitekit import serve

    with serve(seed_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Any:
    from devtools.quality.browser import chromium
    from devtools.quality.common import GateError

    try:
        with chromium() as b:
            yield b
    except GateError as error:
        pytest.fail(str(error))


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()
