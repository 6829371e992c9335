"""The checker: every article against the schema, every slug unique, and the
editors' curation files (collections, topics, issue files, edition settings)
against the articles.

Messages are ``path:line: field: message`` so that editors (and CI logs, and
editors' tools) can jump to the place.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.boundary import check_entry, inside, walk_names
from generator.content.addresses import (
    Redirect,
    check_addresses,
    declared_redirects,
    ledger_redirects,
    page_addresses,
)
from generator.content.article_cache import ArticleCache
from generator.content.article_file import LoadedArticle, article_paths, load_article
from generator.content.curation import TOPICS_FILE, Curation, load_curation
from generator.content.curation_check import check_references, check_topics
from generator.content.edition import writer_slug
from generator.content.policy import policy_problems
from generator.content.problems import Problem
from generator.content.schema import Article


@dataclass(frozen=True)
class CheckResult:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]


def boundary_problems(content: Path) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings): every entry of ``content`` that is not read, by name. A
    link out of the content folder is a problem wherever it is; anything else
    skipped (a dangling link, a FIFO, an unreadable folder) is a problem where
    editors' files live and a warning among the raw sources (ingest reports those)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    _, skipped = walk_names(content, content)
    for item in skipped:
        problem = Problem(str(item.path), 1, "file", item.reason)
        in_sources = inside(item.path.parent, content / "sources")
        (warnings if in_sources and not item.refused else problems).append(problem)
    return problems, warnings


def check_loaded(loaded: Iterable[LoadedArticle]) -> CheckResult:
    items = list(loaded)
    owners = {item.path.stem: str(item.path) for item in items}
    articles: list[Article] = []
    problems: list[Problem] = []
    for item in items:
        problems.extend(item.problems)
        if item.article is None:
            continue
        slug = item.article.slug
        if slug != item.path.stem:
            where = (str(item.path), item.line_of("slug"), "slug")
            if slug in owners:
                problems.append(Problem(*where, f"duplicate slug {slug!r}: {owners[slug]} has it"))
            else:
                problems.append(
                    Problem(
                        *where,
                        f"{slug!r} does not match the file name {item.path.name}; the slug is "
                        "the article's URL, so rename the file or restore the slug",
                    )
                )
            continue
        articles.append(item.article)
    return CheckResult(tuple(articles), tuple(problems))


def check_content(content: Path) -> CheckResult:
    """Load and validate every article in ``content/articles``."""
    return check_loaded(load_article(path) for path in article_paths(content))


@dataclass(frozen=True)
class ContentCheck:
    """The whole content folder checked: the articles, the curation, every problem."""

    articles: tuple[Article, ...]
    curation: Curation
    problems: tuple[Problem, ...]

    # Things that look wrong but may be right (an editor decides): printed by
    # ``check``, never stopping a build.
    warnings: tuple[Problem, ...] = ()
    # The addresses of the pages that can move, and the redirects the aliases
    # declare (generator/content/addresses.py).
    pages: frozenset[str] = frozenset()
    redirects: tuple[Redirect, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class LoadedContent:
    """The first half of ``check_all``: every article file loaded and checked on
    its own, and the curation files read. All an edition is made from
    (``build_edition(articles, curation.issue_orders(), curation)``); what is
    checked across files (links, references, addresses, the folder's entries)
    is ``check_loaded_content``'s."""

    loaded: tuple[LoadedArticle, ...]
    articles: tuple[Article, ...]
    curation: Curation
    # The articles' own problems, then the curation files'.
    article_problems: tuple[Problem, ...]
    curation_problems: tuple[Problem, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.article_problems + self.curation_problems


def load_content(content: Path, cache: ArticleCache | None = None) -> LoadedContent:
    """Every article of ``content`` loaded and checked on its own, and the
    curation read. With a cache, only articles whose files changed since it last
    saw them are parsed."""
    paths = article_paths(content)
    if cache is None:
        loaded = [load_article(path) for path in paths]
    else:
        loaded = [cache.load(path) for path in paths]
        cache.forget_missing(paths)
    result = check_loaded(loaded)
    curation, problems = load_curation(content)
    return LoadedContent(tuple(loaded), result.articles, curation, result.problems, tuple(problems))


def check_all(content: Path, cache: ArticleCache | None = None) -> ContentCheck:
    """Articles and curation files; what ``check`` prints and what stops a build.

    With a cache, only articles whose files changed since it last saw them are parsed.
    """
    return check_loaded_content(content, load_content(content, cache))


def check_loaded_content(content: Path, first: LoadedContent) -> ContentCheck:
    """``check_all`` for content loaded already (``load_content``): what is checked
    across files. A build makes its edition from ``first`` and starts its search
    index before this half runs (build.py)."""
    outside, skipped = boundary_problems(content)
    loaded, curation = first.loaded, first.curation
    problems = list(first.curation_problems)
    problems += check_topics(curation, loaded)
    problems += check_references(curation, first.articles, (i.path.stem for i in loaded))
    problems += _home_problems(content)
    problems += link_problems(content / "articles", loaded)
    warnings = tuple(
        skipped
        + cue_warnings(loaded)
        + standfirst_todos(
            content / "articles",
            first.articles,
            {i.article.slug: i.line_of("standfirst") for i in loaded if i.article is not None},
        )
    )
    pages = page_addresses(first.articles, curation, writer_slug)
    # A file that failed to load still stands for its pages (its issue's, its
    # writers'), which cannot be known: its front matter is the problem to report,
    # and the ledger is checked once every article reads.
    complete = all(i.article is not None for i in loaded)
    pages |= {f"/articles/{i.path.stem}/" for i in loaded if i.article is None}
    redirects = declared_redirects(
        first.articles,
        curation,
        {i.article.slug: str(i.path) for i in loaded if i.article is not None},
        {i.article.slug: i.lines for i in loaded if i.article is not None},
        str(content / TOPICS_FILE),
    )
    redirects += ledger_redirects(content)
    problems += check_addresses(content, pages, redirects, ledger=complete)
    return ContentCheck(
        first.articles,
        curation,
        tuple(outside + list(first.article_problems) + problems),
        warnings=warnings,
        pages=frozenset(pages),
        redirects=tuple(redirects),
    )


def cue_warnings(loaded: Iterable[LoadedArticle]) -> list[Problem]:
    """Articles whose body still holds a cue ingest could not read (issue #13;
    ``body_checks.cue_problems``, found as each file was loaded), for the
    articles that check accepted."""
    return [
        p
        for item in loaded
        if item.article is not None and item.article.slug == item.path.stem
        for p in item.cues
    ]


def standfirst_todos(
    articles_dir: Path, articles: Iterable[Article], lines: Mapping[str, int] | None = None
) -> list[Problem]:
    """Standfirsts the source cut off (``standfirst_truncated: true``): listings end
    them at their last whole sentence, or mark the cut, until an editor writes the
    rest. Each is an editor's to-do, not an error. ``lines``: each article's line
    of ``standfirst:``, as its loading found it; without it each file is read again
    (8,000 files at 10,000 synthetic articles: a quarter of a rebuild's check)."""
    out: list[Problem] = []
    for article in articles:
        if article.standfirst and article.standfirst_truncated:
            path = articles_dir / f"{article.slug}.md"
            line = lines.get(article.slug) if lines is not None else None
            out.append(
                Problem(
                    str(path),
                    line or _line_of_key(path, "standfirst"),
                    "standfirst",
                    f"to-do: cut off by the source ({article.standfirst[-40:]!r}); write the "
                    "rest and set standfirst_truncated: false",
                )
            )
    return out


def _line_of_key(path: Path, key: str) -> int:
    try:
        lines = path.read_text("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return 1
    for i, line in enumerate(lines, start=1):
        if line.startswith(f"{key}:"):
            return i
    return 1


def _home_problems(content: Path) -> list[Problem]:
    """``content/home.md``, the home page's introduction, is Markdown like an article."""
    path = content / "home.md"
    if check_entry(path, content) is not None:
        return []  # reported by boundary_problems
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        return [Problem(str(path), 1, "file", f"cannot read: {error}")]
    return policy_problems(text, str(path), 1)


def link_problems(articles_dir: Path, loaded: Iterable[LoadedArticle]) -> list[Problem]:
    """Links from an article to another by file name (``other.md``) that name no
    article: the strict build stopped on them with "Aborted with 1 warnings" and
    neither a file nor a line. Links elsewhere in the site are MkDocs' to check.
    Each article's links were found as its file was loaded (``LoadedArticle.links``)."""
    items = [i for i in loaded if i.article is not None and i.article.slug == i.path.stem]
    slugs = {i.path.stem for i in items}
    out: list[Problem] = []
    for item in items:
        assert item.article is not None
        for target, line in item.links:
            if "://" in target or target.startswith("/"):
                continue
            resolved = posixpath.normpath(posixpath.join("articles", target))
            folder, _, name = resolved.rpartition("/")
            if folder != "articles" or name[: -len(".md")] in slugs:
                continue
            out.append(
                Problem(
                    str(articles_dir / f"{item.article.slug}.md"),
                    line,
                    "body",
                    f"the link to {target} names no article; link to another article "
                    "by its file name (other-slug.md), as it is in content/articles",
                )
            )
    return out
