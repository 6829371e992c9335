"""The article front matter: the one contract between ingest, check, build and editors.

``FIELDS`` declares every field once (its name, its type, whether it is required
and what it means); each field type knows how to read (validate) a value an
editor wrote and how to write the value back. From that one table come the
checker's reading of a file (``article_from_front_matter``), the mapping ingest
writes (``Article.front_matter``) and the table in docs/front-matter.md
(``markdown_table``, kept equal to the doc by tests/test_docs.py). The shape is
MkDocs' config options: a field is a name plus a type object that validates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from generator.content import event_dates
from generator.content.body import BodyRef
from generator.content.problems import MAX_NAME, Problem, Validator, kind_of

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Slugs that are a section's own page (articles/index.md is /articles/): an
# article, writer, topic or collection there would replace or hide it.
RESERVED_SLUGS = frozenset({"index"})
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


# -- the values --------------------------------------------------------------------


@dataclass(frozen=True)
class IssueRef:
    date: dt.date
    title: str


@dataclass(frozen=True)
class Image:
    caption: str | None
    credit: str | None


@dataclass(frozen=True)
class TimelineEvent:
    # YYYY-MM-DD, YYYY-MM, YYYY, a decade 199X or a span START/END, as the print
    # timeline gave it (generator/content/event_dates.py).
    date: str
    text: str

    @property
    def sort_key(self) -> str:
        # The start: partial dates sort before full dates of the same period
        # ("2008" < "2008-01"), a decade or a span with its first year.
        return event_dates.sort_key(self.date)


@dataclass(frozen=True)
class Timeline:
    title: str
    credit: str | None
    events: tuple[TimelineEvent, ...]


@dataclass(frozen=True)
class Correction:
    """An editorial correction and the day it was made (None: not recorded, as for
    a correction ingest found in the scrape of a web-only piece)."""

    date: dt.date | None
    text: str


@dataclass(frozen=True)
class Source:
    file: str
    sha256: str


# -- the field types ---------------------------------------------------------------

T = TypeVar("T")


class FieldType(Generic[T]):
    """How one field's value is read from YAML (reporting problems) and written."""

    kind = ""  # as docs/front-matter.md names it
    # What a file that leaves the field out means (a null is read as written).
    missing: Any = None

    def read(self, v: Validator, value: Any, where: str) -> T:
        raise NotImplementedError

    def write(self, value: T) -> Any:
        """The value as plain YAML types (text, dates, booleans, lists, mappings)."""
        return value


class Text(FieldType[str | None]):
    def __init__(self, *, required: bool = False) -> None:
        self.required = required
        self.kind = "text" if required else "text or null"

    def read(self, v: Validator, value: Any, where: str) -> str | None:
        return v.text(value, where, nullable=not self.required)


class Slug(Text):
    kind = "slug"

    def __init__(self) -> None:
        super().__init__(required=True)
        self.kind = "slug"

    def read(self, v: Validator, value: Any, where: str) -> str | None:
        slug = super().read(v, value, where)
        if slug is not None and not SLUG_RE.match(slug):
            v.fail(where, f"{slug!r} must be lower-case letters, digits and single hyphens")
        elif slug in RESERVED_SLUGS:
            v.fail(where, f"{slug!r} is the address of a section page; choose another slug")
        elif slug is not None and len(slug) > MAX_NAME:
            v.fail(where, f"is {len(slug)} characters long; a slug may have {MAX_NAME}")
        return slug


class Flag(FieldType[bool]):
    kind = "true/false"
    missing = False

    def read(self, v: Validator, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            v.fail(where, f"must be true or false, not {value!r}")
            return False
        return value


class TextList(FieldType[tuple[str, ...]]):
    kind = "list of text"

    def __init__(self, *, names: bool = False) -> None:
        # Names become addresses (authors/<slug>/), so their length is bounded.
        self.names = names

    def read(self, v: Validator, value: Any, where: str) -> tuple[str, ...]:
        items = v.text_list(value, where)
        if self.names:
            for i, item in enumerate(items):
                v.name(item, f"{where}.{i}")
        return items

    def write(self, value: tuple[str, ...]) -> list[str]:
        return list(value)


class Issue(FieldType[IssueRef | None]):
    kind = "mapping or null"

    def read(self, v: Validator, value: Any, where: str) -> IssueRef | None:
        if value is None:
            return None
        data = v.mapping(value, where, {"date", "title"})
        if data is None:
            return None
        date = v.date(data.get("date"), f"{where}.date")
        title = v.text(data.get("title"), f"{where}.title", nullable=False)
        if date is None or title is None:
            return None
        return IssueRef(date, title)

    def write(self, value: IssueRef | None) -> dict[str, Any] | None:
        return {"date": value.date, "title": value.title} if value else None


class ImageField(FieldType[Image | None]):
    kind = "mapping or null"

    def read(self, v: Validator, value: Any, where: str) -> Image | None:
        if value is None:
            return None
        data = v.mapping(value, where, {"caption", "credit"})
        if data is None:
            return None
        caption = v.text(data.get("caption"), f"{where}.caption", nullable=True)
        credit = v.text(data.get("credit"), f"{where}.credit", nullable=True)
        return Image(caption, credit) if caption or credit else None

    def write(self, value: Image | None) -> dict[str, Any] | None:
        return {"caption": value.caption, "credit": value.credit} if value else None


def _event_date(v: Validator, value: Any, where: str) -> str | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        v.fail(where, f"every timeline event needs a date ({event_dates.FORMS})")
        return None
    text = str(value).strip()
    if event_dates.valid(text):
        return text
    v.fail(where, f"{value!r} is not a date; write {event_dates.FORMS}")
    return None


def _event_date_value(date: str) -> dt.date | str:
    # A full date is written as a YAML date so that it reads like the issue date.
    if len(date) == 10:
        return dt.date.fromisoformat(date)
    return date


class Timelines(FieldType[tuple[Timeline, ...]]):
    kind = "list of mappings"

    def read(self, v: Validator, value: Any, where: str) -> tuple[Timeline, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            v.fail(where, f"must be a list of timelines, not {kind_of(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            here = f"{where}.{i}"
            data = v.mapping(item, here, {"title", "credit", "events"})
            if data is None:
                continue
            title = v.text(data.get("title"), f"{here}.title", nullable=False)
            credit = v.text(data.get("credit"), f"{here}.credit", nullable=True)
            events = self._events(v, data.get("events"), f"{here}.events")
            if title:
                out.append(Timeline(title, credit, events))
        return tuple(out)

    @staticmethod
    def _events(v: Validator, value: Any, where: str) -> tuple[TimelineEvent, ...]:
        if not isinstance(value, list) or not value:
            v.fail(where, "must be a non-empty list of {date, text} events")
            return ()
        events = []
        for j, event in enumerate(value):
            here = f"{where}.{j}"
            data = v.mapping(event, here, {"date", "text"})
            if data is None:
                continue
            date = _event_date(v, data.get("date"), f"{here}.date")
            text = v.text(data.get("text"), f"{here}.text", nullable=False)
            if date and text:
                events.append(TimelineEvent(date, text))
        return tuple(events)

    def write(self, value: tuple[Timeline, ...]) -> list[dict[str, Any]]:
        return [
            {
                "title": t.title,
                "credit": t.credit,
                "events": [{"date": _event_date_value(e.date), "text": e.text} for e in t.events],
            }
            for t in value
        ]


def _clip(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


class Corrections(FieldType[tuple[Correction, ...]]):
    kind = "list of mappings"

    def read(self, v: Validator, value: Any, where: str) -> tuple[Correction, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            v.fail(where, f"must be a list of {{date, text}}, not {kind_of(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            here = f"{where}.{i}"
            if isinstance(item, str):
                # The form before corrections had dates: read, and say how to date it.
                v.fail(
                    here,
                    "a correction is now dated: write it as `- date: YYYY-MM-DD` (the day "
                    f"it was made) and `  text: {_clip(item)}` on the next line",
                )
                continue
            data = v.mapping(item, here, {"date", "text"})
            if data is None:
                continue
            if "date" not in data:
                v.fail(f"{here}.date", "is required: the day it was made (YYYY-MM-DD)")
                continue
            raw = data["date"]
            date = None if raw is None else v.date(raw, f"{here}.date")
            text = v.text(data.get("text"), f"{here}.text", nullable=False)
            if text and (raw is None or date):
                out.append(Correction(date, text))
        return tuple(out)

    def write(self, value: tuple[Correction, ...]) -> list[dict[str, Any]]:
        return [{"date": c.date, "text": c.text} for c in value]


class Aliases(FieldType[tuple[str, ...]]):
    kind = "list of slugs"

    def read(self, v: Validator, value: Any, where: str) -> tuple[str, ...]:
        out: list[str] = []
        for i, alias in enumerate(v.text_list(value, where)):
            if not SLUG_RE.match(alias):
                v.fail(
                    f"{where}.{i}",
                    f"{alias!r} must be lower-case letters, digits and single hyphens",
                )
            elif alias in out:
                v.fail(f"{where}.{i}", f"{alias!r} is listed twice")
            else:
                out.append(alias)
        return tuple(out)

    def write(self, value: tuple[str, ...]) -> list[str]:
        return list(value)


class Sources(FieldType[tuple[Source, ...]]):
    kind = "list of mappings"

    def read(self, v: Validator, value: Any, where: str) -> tuple[Source, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            v.fail(where, f"must be a list of {{file, sha256}}, not {kind_of(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            here = f"{where}.{i}"
            data = v.mapping(item, here, {"file", "sha256"})
            if data is None:
                continue
            file = v.text(data.get("file"), f"{here}.file", nullable=False)
            sha = v.text(data.get("sha256"), f"{here}.sha256", nullable=False)
            if sha and not SHA256_RE.match(sha):
                v.fail(f"{here}.sha256", "must be 64 lower-case hex digits")
            elif file and sha:
                out.append(Source(file, sha))
        return tuple(out)

    def write(self, value: tuple[Source, ...]) -> list[dict[str, str]]:
        return [{"file": s.file, "sha256": s.sha256} for s in value]


# -- the table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType[Any]
    help: str
    # Left out of the file when empty: only for fields editors fill in later.
    omit_empty: bool = False

    @property
    def required(self) -> bool:
        return bool(getattr(self.type, "required", False))

    @property
    def kind(self) -> str:
        return self.type.kind


# Order matters: ingest writes the keys in this order, so diffs stay readable, and
# the checker reports a file's problems in it.
FIELDS: tuple[Field, ...] = (
    Field("title", Text(required=True), "The headline."),
    Field("slug", Slug(), "URL name, [a-z0-9-]+, equal to the file name; never change it."),
    Field("standfirst", Text(), "The dek under the headline."),
    Field("standfirst_truncated", Flag(), "The scrape cut the standfirst mid-word."),
    Field("authors", TextList(names=True), "Writers' names, as printed. May be empty."),
    Field("author_bio", Text(), "The closing 'Name is ...' paragraph."),
    Field("issue", Issue(), "{date: YYYY-MM-DD, title: cover title}; null = web-only."),
    Field(
        "image",
        ImageField(),
        "{caption: text or null, credit: text or null} of the picture above the headline "
        "(or, when there is none, the first one between paragraphs).",
    ),
    Field(
        "credits",
        TextList(),
        "Inline credits, e.g. ILLUSTRATION BY DAN MURRELL, or a further picture's caption "
        "and credit as printed.",
    ),
    Field(
        "timelines",
        Timelines(),
        "{title, credit, events: [{date, text}]}; dates YYYY-MM-DD, YYYY-MM, YYYY, "
        "decade 199X or span 1914/1918 (see below); source order.",
    ),
    Field("notes", TextList(), "Reader notes printed after the article."),
    Field(
        "corrections",
        Corrections(),
        "{date: YYYY-MM-DD or null if unknown, text}; shown, dated, as a notice.",
    ),
    # The file shows an empty list of every other kind where it belongs; topics are
    # new to most articles, so an empty one stays out.
    Field("topics", TextList(names=True), "Topics from content/topics.yml.", omit_empty=True),
    Field(
        "aliases",
        Aliases(),
        "Earlier slugs of this article; each old address redirects here (301).",
        omit_empty=True,
    ),
    Field("sources", Sources(), "{file, sha256} of every scrape it was found in."),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)


@dataclass(frozen=True)
class Article:
    """One article as stored in ``content/articles/<slug>.md``: the body and one
    attribute per field of ``FIELDS``, in its order (checked below).

    ``body`` is the Markdown text, or, for an article loaded from its file, a
    reference to it there (``BodyRef``: the build holds no bodies; read one with
    ``generator.content.body.body_text``)."""

    title: str
    slug: str
    body: str | BodyRef
    standfirst: str | None = None
    standfirst_truncated: bool = False
    authors: tuple[str, ...] = ()
    author_bio: str | None = None
    issue: IssueRef | None = None
    image: Image | None = None
    credits: tuple[str, ...] = ()
    timelines: tuple[Timeline, ...] = ()
    notes: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()
    topics: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()

    def front_matter(self) -> dict[str, Any]:
        """The mapping ingest writes, keys in schema order, plain YAML types only."""
        data: dict[str, Any] = {}
        for f in FIELDS:
            value = getattr(self, f.name)
            if f.omit_empty and not value:
                continue
            data[f.name] = f.type.write(value)
        return data


# The dataclass spells out the types for readers and type checkers; this keeps it
# the table's twin.
if tuple(f.name for f in dataclasses.fields(Article) if f.name != "body") != FIELD_NAMES:
    raise TypeError("Article's attributes and schema.FIELDS must name the same fields in order")


def article_from_front_matter(
    data: Any, body: str | BodyRef, *, path: str, lines: dict[str, int]
) -> tuple[Article | None, list[Problem]]:
    """Validate a parsed front matter mapping; return the Article or the problems."""
    v = Validator(path, lines)
    if not isinstance(data, dict):
        v.fail("front matter", f"must be a mapping of fields, not {kind_of(data)}")
        return None, v.problems
    for key in data:
        if key not in FIELD_NAMES:
            v.fail(str(key), f"unknown key; the fields are {', '.join(FIELD_NAMES)}")
    values = {f.name: f.type.read(v, data.get(f.name, f.type.missing), f.name) for f in FIELDS}
    if v.problems:
        return None, v.problems
    return Article(body=body, **values), []


def markdown_table() -> str:
    """The schema as the Markdown table in docs/front-matter.md (a test keeps them equal)."""
    rows = ["| field | required | kind | meaning |", "| --- | --- | --- | --- |"]
    for f in FIELDS:
        rows.append(f"| `{f.name}` | {'yes' if f.required else 'no'} | {f.kind} | {f.help} |")
    return "\n".join(rows)
