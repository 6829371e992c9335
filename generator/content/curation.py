"""Editors' curation: collections, topics, issue introductions and edition settings.

Everything here is a small file an editor writes in a pull request, next to the
articles (docs/curation.md is their guide):

- ``content/topics.yml``: the controlled list of topics an article may name;
- ``content/collections/<slug>.md``: a title, an ordered list of articles (each
  with an optional note) and an introduction in Markdown;
- ``content/issues/<YYYY-MM-DD>.md``: an issue's introduction and, optionally,
  the running order of its articles;
- ``content/edition.yml``: the edition's settings (the home page's featured block).

This module reads each file and checks its own shape, reporting problems as
``path:line: field: message`` at the line where the field is; whether the slugs and
topics it names exist is checked against the articles by ``curation_check``. Editor
text (titles, notes, descriptions) is text, escaped by the templates; only the
introductions are Markdown, like the articles themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slugify import slugify

from generator.boundary import check_entry, inside
from generator.content.policy import policy_problems, strip_comments

# The article reader's YAML plumbing, shared so that curation files report lines
# (and impossible dates) exactly as article files do.
from generator.content.problems import Problem, Validator, kind_of
from generator.content.schema import RESERVED_SLUGS, SLUG_RE
from generator.content.yamlio import YamlDoc, parse_front_matter, parse_yaml, read_text

TOPICS_FILE = "topics.yml"
SETTINGS_FILE = "edition.yml"
COLLECTIONS_DIR = "collections"
ISSUES_DIR = "issues"
# A page of that name already lists them: /topics/index/ would overwrite /topics/.

# -- the model -------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    name: str  # exactly as articles write it
    slug: str  # derived from the name: the page is /topics/<slug>/
    description: str | None
    line: int = field(default=1, compare=False)  # in topics.yml
    # Earlier names of the topic (``aliases:`` in topics.yml): each one's page
    # address redirects to this topic's page.
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def url(self) -> str:
        return f"topics/{self.slug}/"


@dataclass(frozen=True)
class Pick:
    """One article chosen by the editors, with their note on why (or none)."""

    slug: str
    note: str | None
    line: int = field(default=1, compare=False)


@dataclass(frozen=True)
class Collection:
    slug: str
    title: str
    intro: str  # Markdown
    items: tuple[Pick, ...]
    path: str = field(default="", compare=False)

    @property
    def url(self) -> str:
        return f"collections/{self.slug}/"

    @property
    def summary(self) -> str:
        """The introduction's first paragraph, for listings."""
        return first_paragraph(strip_comments(self.intro))


@dataclass(frozen=True)
class IssueNote:
    date: dt.date
    intro: str  # Markdown
    order: tuple[Pick, ...]  # notes are not allowed here; Pick keeps each slug's line
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class Featured:
    """The home page's featured block: one collection, or a list of articles."""

    title: str | None
    collection: str | None
    articles: tuple[Pick, ...]
    path: str = field(default="", compare=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class EditionSettings:
    featured: Featured | None = None


@dataclass
class Curation:
    topics: dict[str, Topic] = field(default_factory=dict)  # by name, in file order
    collections: dict[str, Collection] = field(default_factory=dict)  # by slug, by title
    issue_notes: dict[dt.date, IssueNote] = field(default_factory=dict)
    settings: EditionSettings = field(default_factory=EditionSettings)
    has_topics_file: bool = False

    def issue_orders(self) -> dict[dt.date, list[str]]:
        return {d: [p.slug for p in n.order] for d, n in self.issue_notes.items() if n.order}


def first_paragraph(markdown: str) -> str:
    for block in markdown.strip().split("\n\n"):
        block = block.strip()
        if block and not block.startswith("#"):
            return block
    return ""


def topic_slug(name: str) -> str:
    # Straight apostrophes are dropped, as python-slugify already drops curly ones:
    # "Women's rights" -> womens-rights, not women-s-rights.
    return slugify(name, replacements=[["'", ""]])


def topic_key(name: str) -> str:
    """What two topic names share if they differ only by case or spacing."""
    return "".join(name.split()).casefold()


# -- reading the files ---------------------------------------------------------------


def _read_yaml_file(path: Path, shown: str) -> tuple[YamlDoc | None, list[Problem]]:
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    return parse_yaml(text, shown)


def _read_front_matter_file(
    path: Path, shown: str, *, required: bool
) -> tuple[YamlDoc | None, list[Problem]]:
    """A Markdown file with YAML front matter (optional unless ``required``)."""
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    doc, problems = parse_front_matter(text, shown, field="yaml", required=required)
    if doc is None:
        return doc, problems
    refused = policy_problems(doc.body, shown, doc.body_line)
    if refused:
        return None, refused
    if doc.data is not None:
        return doc, problems
    return YamlDoc({}, doc.body, doc.lines, doc.body_line), problems


def _top_keys(v: Validator, data: Any, keys: tuple[str, ...], what: str) -> bool:
    """Check that ``data`` is a mapping of only ``keys``; report what is not."""
    if not isinstance(data, dict):
        v.fail(what, f"must be a mapping with {', '.join(keys)}, not {kind_of(data)}")
        return False
    for key in data:
        if key not in keys:
            v.fail(str(key), f"unknown key; expected {' or '.join(keys)}")
    return True


def _picks(v: Validator, value: Any, where: str, *, notes: bool) -> tuple[Pick, ...]:
    """A list of article slugs, each either ``slug`` or (with notes) ``{slug, note}``."""
    if not isinstance(value, list):
        v.fail(where, f"must be a list of article slugs, not {kind_of(value)}")
        return ()
    picks: list[Pick] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        here = f"{where}.{i}"
        note = None
        if isinstance(item, dict) and notes:
            data = v.mapping(item, here, {"slug", "note"})
            if data is None:
                continue
            slug = v.text(data.get("slug"), f"{here}.slug", nullable=False)
            note = v.text(data.get("note"), f"{here}.note", nullable=True)
        elif isinstance(item, dict):
            v.fail(here, "must be an article slug; notes belong in collections")
            continue
        else:
            slug = v.text(item, here, nullable=False)
        if slug is None:
            continue
        line = v.line_of(here)
        if not SLUG_RE.match(slug):
            v.fail(here, f"{slug!r} is not an article slug (the file name without .md)")
        elif slug in seen:
            v.fail(here, f"{slug!r} is listed twice (also on line {seen[slug]})")
        else:
            seen[slug] = line
            picks.append(Pick(slug, note, line))
    return tuple(picks)


def load_topics(path: Path, shown: str) -> tuple[dict[str, Topic], list[Problem]]:
    doc, problems = _read_yaml_file(path, shown)
    if doc is None:
        return {}, problems
    v = Validator(shown, doc.lines)
    if not _top_keys(v, doc.data, ("topics",), "file"):
        return {}, v.problems
    items = doc.data.get("topics")
    if not isinstance(items, list):
        v.fail("topics", f"must be a list of topics, not {kind_of(items)}")
        return {}, v.problems
    topics: dict[str, Topic] = {}
    by_key: dict[str, Topic] = {}
    by_slug: dict[str, Topic] = {}
    for i, item in enumerate(items):
        here = f"topics.{i}"
        description = None
        aliases: tuple[str, ...] = ()
        if isinstance(item, dict):
            data = v.mapping(item, here, {"name", "description", "aliases"})
            if data is None:
                continue
            name = v.name(data.get("name"), f"{here}.name")
            description = v.text(data.get("description"), f"{here}.description", nullable=True)
            aliases = v.text_list(data.get("aliases"), f"{here}.aliases")
        else:
            name = v.name(item, here)
        if name is None:
            continue
        line = v.line_of(here)
        slug = topic_slug(name)
        twin = by_key.get(topic_key(name))
        if twin is not None and twin.name == name:
            v.fail(here, f"{name!r} is listed twice (also on line {twin.line})")
        elif twin is not None:
            v.fail(
                here,
                f"{name!r} differs from {twin.name!r} (line {twin.line}) only by case or "
                "spacing; keep one name for one topic",
            )
        elif not slug or slug in RESERVED_SLUGS:
            v.fail(here, f"{name!r} cannot be a topic name: it gives no usable page address")
        elif slug in by_slug:
            v.fail(
                here,
                f"{name!r} and {by_slug[slug].name!r} (line {by_slug[slug].line}) would share "
                f"the page /topics/{slug}/; rename one",
            )
        else:
            topic = Topic(name, slug, description, line, aliases)
            topics[name] = by_key[topic_key(name)] = by_slug[slug] = topic
    return topics, v.problems


def load_collection(path: Path, shown: str) -> tuple[Collection | None, list[Problem]]:
    doc, problems = _read_front_matter_file(path, shown, required=True)
    if doc is None:
        return None, problems
    v = Validator(shown, doc.lines)
    slug = path.stem
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        message = (
            f"{path.name!r}: a collection's file name is its address, /collections/<slug>/; "
            "use lower-case letters, digits and single hyphens (and not 'index')"
        )
        v.problems.append(Problem(shown, 1, "file name", message))
    if not _top_keys(v, doc.data, ("title", "articles"), "front matter"):
        return None, v.problems
    title = v.text(doc.data.get("title"), "title", nullable=False)
    value = doc.data.get("articles")
    if value is None or value == []:
        v.fail("articles", "is required: the list of the collection's article slugs, in order")
        items: tuple[Pick, ...] = ()
    else:
        items = _picks(v, value, "articles", notes=True)
    if v.problems or title is None:
        return None, v.problems
    return Collection(slug, title, doc.body, items, shown), []


def load_issue_note(path: Path, shown: str) -> tuple[IssueNote | None, list[Problem]]:
    try:
        date = dt.date.fromisoformat(path.stem)
    except ValueError:
        date = None
    if date is None or len(path.stem) != 10:
        message = f"{path.name!r}: name an issue's file by its date, YYYY-MM-DD.md"
        return None, [Problem(shown, 1, "file name", message)]
    doc, problems = _read_front_matter_file(path, shown, required=False)
    if doc is None:
        return None, problems
    v = Validator(shown, doc.lines)
    if not _top_keys(v, doc.data, ("order",), "front matter"):
        return None, v.problems
    value = doc.data.get("order")
    order = () if value is None else _picks(v, value, "order", notes=False)
    if v.problems:
        return None, v.problems
    return IssueNote(date, doc.body, order, shown), []


def load_settings(path: Path, shown: str) -> tuple[EditionSettings, list[Problem]]:
    doc, problems = _read_yaml_file(path, shown)
    if doc is None:
        return EditionSettings(), problems
    if doc.data is None:  # an empty settings file: nothing set
        return EditionSettings(), []
    v = Validator(shown, doc.lines)
    if not _top_keys(v, doc.data, ("featured",), "file"):
        return EditionSettings(), v.problems
    value = doc.data.get("featured")
    if value is None:
        return EditionSettings(), v.problems
    data = v.mapping(value, "featured", {"title", "collection", "articles"})
    if data is None:
        return EditionSettings(), v.problems
    title = v.text(data.get("title"), "featured.title", nullable=True)
    collection = None
    if "collection" in data:
        collection = v.text(data.get("collection"), "featured.collection", nullable=False)
    articles: tuple[Pick, ...] = ()
    if "articles" in data:
        articles = _picks(v, data.get("articles"), "featured.articles", notes=True)
    if "collection" in data and "articles" in data:
        v.fail("featured", "choose a collection or a list of articles, not both")
    elif "collection" not in data and "articles" not in data:
        v.fail("featured", "needs a collection (its slug) or articles (a list of slugs)")
    if v.problems:
        return EditionSettings(), v.problems
    return EditionSettings(Featured(title, collection, articles, shown, doc.lines)), []


def _md_files(folder: Path, shown: str) -> tuple[list[Path], list[Problem]]:
    """The folder's .md files; anything else there is reported, not silently skipped."""
    if not folder.is_dir() or not inside(folder, folder.parent):
        return [], []  # a link out of content/ is reported by check.boundary_problems
    files, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue  # editors' tools' own files (.DS_Store, swap files)
        if check_entry(path, folder.parent) is not None:
            continue  # reported, with its reason, by check.boundary_problems
        if path.is_file() and path.suffix == ".md":
            files.append(path)
        else:
            message = "only .md files belong here; this one is not read"
            problems.append(Problem(f"{shown}/{path.name}", 1, "file name", message))
    return files, problems


def load_curation(content: Path) -> tuple[Curation, list[Problem]]:
    """Read every curation file under ``content``; never raises on bad input."""
    curation = Curation()
    problems: list[Problem] = []
    topics_path = content / TOPICS_FILE
    if topics_path.exists() and check_entry(topics_path, content) is None:
        curation.has_topics_file = True
        curation.topics, found = load_topics(topics_path, str(topics_path))
        problems += found

    collections: list[Collection] = []
    paths, found = _md_files(content / COLLECTIONS_DIR, str(content / COLLECTIONS_DIR))
    problems += found
    for path in paths:
        collection, found = load_collection(path, str(path))
        problems += found
        if collection is not None:
            collections.append(collection)
    collections.sort(key=lambda c: (c.title.casefold(), c.slug))
    curation.collections = {c.slug: c for c in collections}

    paths, found = _md_files(content / ISSUES_DIR, str(content / ISSUES_DIR))
    problems += found
    for path in paths:
        note, found = load_issue_note(path, str(path))
        problems += found
        if note is not None:
            curation.issue_notes[note.date] = note

    settings_path = content / SETTINGS_FILE
    if settings_path.exists() and check_entry(settings_path, content) is None:
        curation.settings, found = load_settings(settings_path, str(settings_path))
        problems += found
    return curation, problems
