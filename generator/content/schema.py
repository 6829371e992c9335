"""The article front matter: the one contract between ingest, check, build and editors.

Every other module reads and writes articles through the types here, and the
editors' documentation (docs/front-matter.md) is checked against ``FIELDS`` by a
test, so the schema cannot drift from what the code accepts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Timeline dates may be partial: the print timelines give a year or a month alone.
EVENT_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class FieldDoc:
    name: str
    required: bool
    kind: str
    help: str


# Order matters: ingest writes the keys in this order, so diffs stay readable.
FIELDS: tuple[FieldDoc, ...] = (
    FieldDoc("title", True, "text", "The headline."),
    FieldDoc(
        "slug", True, "slug", "URL name, [a-z0-9-]+, equal to the file name; never change it."
    ),
    FieldDoc("standfirst", False, "text or null", "The dek under the headline."),
    FieldDoc(
        "standfirst_truncated", False, "true/false", "The scrape cut the standfirst mid-word."
    ),
    FieldDoc("authors", False, "list of text", "Writers' names, as printed. May be empty."),
    FieldDoc("author_bio", False, "text or null", "The closing 'Name is ...' paragraph."),
    FieldDoc(
        "issue",
        False,
        "mapping or null",
        "{date: YYYY-MM-DD, title: cover title}; null = web-only.",
    ),
    FieldDoc("image", False, "mapping or null", "{caption: text or null, credit: text or null}."),
    FieldDoc("credits", False, "list of text", "Inline credits, e.g. ILLUSTRATION BY DAN MURRELL."),
    FieldDoc(
        "timelines",
        False,
        "list of mappings",
        "{title, credit, events: [{date, text}]}; dates YYYY-MM-DD, YYYY-MM or YYYY; source order.",
    ),
    FieldDoc("notes", False, "list of text", "Reader notes printed after the article."),
    FieldDoc("corrections", False, "list of text", "Editorial corrections, shown as a notice."),
    FieldDoc("topics", False, "list of text", "Topics from content/topics.yml."),
    FieldDoc(
        "sources", False, "list of mappings", "{file, sha256} of every scrape it was found in."
    ),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)


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
    date: str  # YYYY-MM-DD, YYYY-MM or YYYY
    text: str

    @property
    def sort_key(self) -> str:
        # Partial dates sort before full dates of the same period: "2008" < "2008-01".
        return self.date


@dataclass(frozen=True)
class Timeline:
    title: str
    credit: str | None
    events: tuple[TimelineEvent, ...]


@dataclass(frozen=True)
class Source:
    file: str
    sha256: str


@dataclass(frozen=True)
class Article:
    """One article as stored in ``content/articles/<slug>.md``."""

    title: str
    slug: str
    body: str
    standfirst: str | None = None
    standfirst_truncated: bool = False
    authors: tuple[str, ...] = ()
    author_bio: str | None = None
    issue: IssueRef | None = None
    image: Image | None = None
    credits: tuple[str, ...] = ()
    timelines: tuple[Timeline, ...] = ()
    notes: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()

    def front_matter(self) -> dict[str, Any]:
        """The mapping ingest writes, keys in schema order, plain YAML types only."""
        data: dict[str, Any] = {
            "title": self.title,
            "slug": self.slug,
            "standfirst": self.standfirst,
            "standfirst_truncated": self.standfirst_truncated,
            "authors": list(self.authors),
            "author_bio": self.author_bio,
            "issue": (
                {"date": self.issue.date, "title": self.issue.title} if self.issue else None
            ),
            "image": (
                {"caption": self.image.caption, "credit": self.image.credit}
                if self.image
                else None
            ),
            "credits": list(self.credits),
            "timelines": [
                {
                    "title": t.title,
                    "credit": t.credit,
                    "events": [
                        {"date": _event_date_value(e.date), "text": e.text} for e in t.events
                    ],
                }
                for t in self.timelines
            ],
            "notes": list(self.notes),
            "corrections": list(self.corrections),
            "topics": list(self.topics),
            "sources": [{"file": s.file, "sha256": s.sha256} for s in self.sources],
        }
        # Optional lists stay out of the file when empty, except the ones editors
        # are expected to fill in, so the file shows them where they belong.
        if not data["topics"]:
            del data["topics"]
        return data


def _event_date_value(date: str) -> dt.date | str:
    # A full date is written as a YAML date so that it reads like the issue date.
    if len(date) == 10:
        return dt.date.fromisoformat(date)
    return date


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an article, at a place an editor can find."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


@dataclass
class _Validator:
    """Turns a parsed front matter mapping into an Article, collecting problems.

    ``lines`` maps a dotted field path (``timelines.0.events.3.date``) to the line
    where it appears in the file, so a message points at the exact place.
    """

    path: str
    lines: dict[str, int]
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, where: str) -> int:
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where.rpartition(".")[0]
        return self.lines.get("", 1)

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.path, self.line_of(where), where, message))

    def text(self, value: Any, where: str, *, nullable: bool) -> str | None:
        if value is None:
            if not nullable:
                self.fail(where, "is required and must be text")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(where, f"must be text, not {_kind(value)}")
            return None
        text = str(value).strip()
        if not text and not nullable:
            self.fail(where, "must not be empty")
        return text or None

    def text_list(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(where, f"must be a list of text, not {_kind(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            text = self.text(item, f"{where}.{i}", nullable=False)
            if text:
                out.append(text)
        return tuple(out)

    def mapping(self, value: Any, where: str, keys: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            expected = ", ".join(sorted(keys))
            self.fail(where, f"must be a mapping with {expected}, not {_kind(value)}")
            return None
        for key in value:
            if key not in keys:
                expected = ", ".join(sorted(keys))
                self.fail(f"{where}.{key}", f"unknown key; expected one of {expected}")
        return value

    def issue(self, value: Any) -> IssueRef | None:
        if value is None:
            return None
        data = self.mapping(value, "issue", {"date", "title"})
        if data is None:
            return None
        date = self.date(data.get("date"), "issue.date")
        title = self.text(data.get("title"), "issue.title", nullable=False)
        if date is None or title is None:
            return None
        return IssueRef(date, title)

    def date(self, value: Any, where: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if value is None:
            self.fail(where, "is required: a date as YYYY-MM-DD")
        else:
            self.fail(where, f"{value!r} is not a date; write it as YYYY-MM-DD")
        return None

    def event_date(self, value: Any, where: str) -> str | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        if value is None:
            self.fail(where, "every timeline event needs a date (YYYY-MM-DD, YYYY-MM or YYYY)")
            return None
        text = str(value).strip()
        match = EVENT_DATE_RE.match(text)
        if match:
            year, month, day = match.groups()
            try:
                dt.date(int(year), int(month or 1), int(day or 1))
                return text
            except ValueError:
                pass
        self.fail(where, f"{value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
        return None

    def image(self, value: Any) -> Image | None:
        if value is None:
            return None
        data = self.mapping(value, "image", {"caption", "credit"})
        if data is None:
            return None
        caption = self.text(data.get("caption"), "image.caption", nullable=True)
        credit = self.text(data.get("credit"), "image.credit", nullable=True)
        return Image(caption, credit) if caption or credit else None

    def timelines(self, value: Any) -> tuple[Timeline, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail("timelines", f"must be a list of timelines, not {_kind(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            where = f"timelines.{i}"
            data = self.mapping(item, where, {"title", "credit", "events"})
            if data is None:
                continue
            title = self.text(data.get("title"), f"{where}.title", nullable=False)
            credit = self.text(data.get("credit"), f"{where}.credit", nullable=True)
            events_value = data.get("events")
            events = []
            if not isinstance(events_value, list) or not events_value:
                self.fail(f"{where}.events", "must be a non-empty list of {date, text} events")
            else:
                for j, event in enumerate(events_value):
                    ewhere = f"{where}.events.{j}"
                    edata = self.mapping(event, ewhere, {"date", "text"})
                    if edata is None:
                        continue
                    date = self.event_date(edata.get("date"), f"{ewhere}.date")
                    text = self.text(edata.get("text"), f"{ewhere}.text", nullable=False)
                    if date and text:
                        events.append(TimelineEvent(date, text))
            if title:
                out.append(Timeline(title, credit, tuple(events)))
        return tuple(out)

    def sources(self, value: Any) -> tuple[Source, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail("sources", f"must be a list of {{file, sha256}}, not {_kind(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            where = f"sources.{i}"
            data = self.mapping(item, where, {"file", "sha256"})
            if data is None:
                continue
            file = self.text(data.get("file"), f"{where}.file", nullable=False)
            sha = self.text(data.get("sha256"), f"{where}.sha256", nullable=False)
            if sha and not SHA256_RE.match(sha):
                self.fail(f"{where}.sha256", "must be 64 lower-case hex digits")
            elif file and sha:
                out.append(Source(file, sha))
        return tuple(out)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


def article_from_front_matter(
    data: Any, body: str, *, path: str, lines: dict[str, int], expected_slug: str | None
) -> tuple[Article | None, list[Problem]]:
    """Validate a parsed front matter mapping; return the Article or the problems."""
    v = _Validator(path, lines)
    if not isinstance(data, dict):
        v.fail("front matter", f"must be a mapping of fields, not {_kind(data)}")
        return None, v.problems
    for key in data:
        if key not in FIELD_NAMES:
            v.fail(str(key), f"unknown key; the fields are {', '.join(FIELD_NAMES)}")
    title = v.text(data.get("title"), "title", nullable=False)
    slug_value = data.get("slug")
    slug = v.text(slug_value, "slug", nullable=False)
    if slug is not None:
        if not SLUG_RE.match(slug):
            v.fail("slug", f"{slug!r} must be lower-case letters, digits and single hyphens")
        elif expected_slug is not None and slug != expected_slug:
            v.fail(
                "slug",
                f"{slug!r} does not match the file name {expected_slug}.md; "
                "the slug is the article's URL, so keep them equal",
            )
    standfirst = v.text(data.get("standfirst"), "standfirst", nullable=True)
    truncated = data.get("standfirst_truncated", False)
    if not isinstance(truncated, bool):
        v.fail("standfirst_truncated", f"must be true or false, not {truncated!r}")
        truncated = False
    article = Article(
        title=title or "",
        slug=slug or "",
        body=body,
        standfirst=standfirst,
        standfirst_truncated=truncated,
        authors=v.text_list(data.get("authors"), "authors"),
        author_bio=v.text(data.get("author_bio"), "author_bio", nullable=True),
        issue=v.issue(data.get("issue")),
        image=v.image(data.get("image")),
        credits=v.text_list(data.get("credits"), "credits"),
        timelines=v.timelines(data.get("timelines")),
        notes=v.text_list(data.get("notes"), "notes"),
        corrections=v.text_list(data.get("corrections"), "corrections"),
        topics=v.text_list(data.get("topics"), "topics"),
        sources=v.sources(data.get("sources")),
    )
    if v.problems:
        return None, v.problems
    return article, []


def markdown_table() -> str:
    """The schema as the Markdown table in docs/front-matter.md (a test keeps them equal)."""
    rows = ["| field | required | kind | meaning |", "| --- | --- | --- | --- |"]
    for f in FIELDS:
        rows.append(f"| `{f.name}` | {'yes' if f.required else 'no'} | {f.kind} | {f.help} |")
    return "\n".join(rows)
