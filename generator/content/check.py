"""The checker: every article against the schema, every slug unique, and the
editors' curation files (collections, topics, issue files, edition settings)
against the articles.

Messages are ``path:line: field: message`` so that editors (and CI logs, and
editors' tools) can jump to the place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.content.article_cache import ArticleCache
from generator.content.article_file import LoadedArticle, load_article
from generator.content.curation import Curation, load_curation
from generator.content.curation_check import check_references, check_topics
from generator.content.policy import policy_problems
from generator.content.problems import Problem
from generator.content.schema import Article


@dataclass(frozen=True)
class CheckResult:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def article_paths(content: Path) -> list[Path]:
    return sorted((content / "articles").glob("*.md"))


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

    @property
    def ok(self) -> bool:
        return not self.problems


def check_all(content: Path, cache: ArticleCache | None = None) -> ContentCheck:
    """Articles and curation files; what ``check`` prints and what stops a build.

    With a cache, only articles whose files changed since it last saw them are parsed.
    """
    paths = article_paths(content)
    if cache is None:
        loaded = [load_article(path) for path in paths]
    else:
        loaded = [cache.load(path) for path in paths]
        cache.forget_missing({str(p) for p in paths})
    result = check_loaded(loaded)
    curation, problems = load_curation(content)
    problems += check_topics(curation, loaded)
    problems += check_references(curation, result.articles, (i.path.stem for i in loaded))
    problems += _home_problems(content)
    return ContentCheck(result.articles, curation, result.problems + tuple(problems))


def _home_problems(content: Path) -> list[Problem]:
    """``content/home.md``, the home page's introduction, is Markdown like an article."""
    path = content / "home.md"
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        return [Problem(str(path), 1, "file", f"cannot read: {error}")]
    return policy_problems(text, str(path), 1)
