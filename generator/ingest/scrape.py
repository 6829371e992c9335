"""Reader: one raw scrape file to the articles it holds (``ParsedArticle``).

The cues are described in ``../shared/RAW-FORMAT.md``. Every cue is treated as a
pattern with variations (case, spacing, punctuation), never as a fixed string at
a fixed line, and every decision that could lose text falls back to keeping the
text as a paragraph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Literal

from generator.content.schema import Image, IssueRef, Timeline, TimelineEvent
from generator.ingest.decoding import NotText, clean_lines, decode

MARKER_RE = re.compile(r"^show\s*/?\s*hide\s+image$", re.IGNORECASE)
PROVENANCE_RE = re.compile(
    r"^(?:this\s+(?:article|piece|story|essay|review)\s+)?(?:first\s+)?appeared\s+in\s+the\s+"
    r"(?P<date>\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+\d{4})\s+(?:issue|edition)\s+of\s+"
    r"(?:the\s+)?new\s+statesman\b\s*[,:;.–—-]?\s*(?P<title>.*?)\s*$",
    re.IGNORECASE,
)
CREDIT_RE = re.compile(
    r"^(?:ILLUSTRATIONS?|PHOTOGRAPHS?|PHOTOS?|PICTURES?|ARTWORK|CARTOONS?|DRAWINGS?|IMAGES?|"
    r"MAIN IMAGE|PORTRAITS?)(?:\s+AND\s+[A-Z]+)?\s*(?:BY|:)\s*\S.*$"
)
IMAGE_CAPTION_RE = re.compile(
    r"^(?P<caption>.*?)[\s.,;]*\b(?:photo(?:graph)?s?|pictures?|images?)\s*:\s*(?P<credit>.+)$",
    re.IGNORECASE,
)
CORRECTION_RE = re.compile(r"^(?:correction|clarification)s?\s*[:.–—-]\s*(?P<text>.+)$", re.I)
NOTE_RE = re.compile(
    r"^(?:some of the interviews|additional reporting|research(?:ed)? by|reporting by|"
    r"names have been changed|some names have been changed|update\s*:|editor'?s note\s*:|"
    r"note\s*:|this (?:article|piece) (?:was|has been|is)|a version of this|"
    r"this is an edited|an edited version)",
    re.IGNORECASE,
)
BULLET_CHARS = "•·▪●◦‣"
BULLET_RE = re.compile(r"^[•·▪●◦‣]\s*(?P<rest>.*)$")
EVENT_RE = re.compile(
    r"^(?P<date>\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})|\d{1,2}[./]\d{4}|\d{4})(?=\s|[:,–—-]|$)"
    r"\s*[:,–—-]?\s*(?P<text>.*)$"
)
BREAK_RE = re.compile(r"^(?:\*\s*){3,}$|^(?:-\s*){3,}$|^(?:_\s*){3,}$|^[⁂❖◆•·]+$")
BIO_VERB_RE = re.compile(
    r"\s(?:is|are|was|were|writes|edits|reports|teaches|lives|works|has been)\s"
)
# The characters each cue can start with (its first letters in either case, and
# what IGNORECASE also matches: "ſ" for "s"; tests/test_ingest_fast_paths.py
# derives them from the expressions). A line that starts otherwise is no cue, and
# testing its first character spares a regular expression call on most of the
# archive's lines: the calls were a fifth of the parsing time.
PROVENANCE_STARTS = "tTfFaA"
MARKER_STARTS = "sSſ"
CUE_STARTS = PROVENANCE_STARTS + MARKER_STARTS
_CUE_STARTS = frozenset(CUE_STARTS)
CREDIT_STARTS = "IPACDM"
# Every word CREDIT_RE starts with has a capital ASCII letter second too.
CREDIT_SECONDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CORRECTION_STARTS = "cC"
BREAK_STARTS = "*-_⁂❖◆•·"

NAME_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "du", "del", "la", "le", "bin",
                  "al", "el", "ter", "dos", "das", "y", "st"}
TERMINAL = tuple(".!?…\"'”’)]")

MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
MONTHS.update({name[:3]: num for name, num in list(MONTHS.items())})
MONTHS["sept"] = 9

BodyKind = Literal["paragraph", "crosshead", "break"]


@dataclass(frozen=True)
class BodyPart:
    kind: BodyKind
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedArticle:
    """Everything one page dump says about its article, as plain text."""

    title: str
    standfirst: str | None
    standfirst_truncated: bool
    authors: tuple[str, ...]
    author_bio: str | None
    issue: IssueRef | None
    image: Image | None
    credits: tuple[str, ...]
    timelines: tuple[Timeline, ...]
    notes: tuple[str, ...]
    corrections: tuple[str, ...]
    body: tuple[BodyPart, ...]
    fingerprint: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnownArticle:
    """A page dump of an article the caller had parsed already (its fingerprint was
    in ``known``): parsing stopped as soon as the dump was sure to be an article."""

    fingerprint: str


@dataclass(frozen=True)
class ScrapeResult:
    """What one file gave: its articles, or the reason it gave none."""

    file: str
    sha256: str
    articles: tuple[ParsedArticle | KnownArticle, ...] = ()
    rejected: str | None = None
    warnings: tuple[str, ...] = ()


def read_scrape(name: str, data: bytes, known: Container[str] = ()) -> ScrapeResult:
    """Parse one scrape file's bytes. Never raises on bad input.

    A dump of an article whose fingerprint is in ``known`` comes back as a
    ``KnownArticle``: the archive holds most articles twice or more, and the
    caller needs only one copy parsed in full.
    """
    sha = hashlib.sha256(data).hexdigest()
    try:
        decoded = decode(data)
    except NotText as reason:
        return ScrapeResult(name, sha, rejected=str(reason))
    lines = clean_lines(decoded.text, decoded.utf8)
    articles: list[ParsedArticle | KnownArticle] = []
    warnings: list[str] = []
    for segment in split_dumps(lines):
        parsed = parse_dump(segment, known)
        if parsed is None:
            if any(segment):
                warnings.append(
                    f"skipped {sum(1 for x in segment if x)} line(s) that form no article "
                    f"(starting {next(x for x in segment if x)[:60]!r})"
                )
            continue
        articles.append(parsed)
    if not articles:
        return ScrapeResult(
            name,
            sha,
            rejected="no recognisable article: no headline followed by article text, "
            "and no 'Show Hide image' or 'This article first appeared in' line",
            warnings=tuple(warnings),
        )
    return ScrapeResult(name, sha, tuple(articles), None, tuple(warnings))


def split_dumps(lines: list[str]) -> list[list[str]]:
    """Cut a file's lines into page dumps.

    A dump ends after its provenance line, and a new one starts at its image
    marker (with the image credit line just above it, when there is one).
    """
    cuts = {0, len(lines)}
    last_cut = 0
    # Only lines that start with a cue's first letter can be cues, and the two
    # cues start with different letters: one expression to try, on few lines.
    candidates = [i for i, line in enumerate(lines) if line[:1] in _CUE_STARTS]
    for i in candidates:
        line = lines[i]
        if line[0] in PROVENANCE_STARTS:
            if PROVENANCE_RE.match(line):
                last_cut = i + 1
                cuts.add(last_cut)
        elif MARKER_RE.match(line):
            start = i
            if i - 1 >= last_cut and lines[i - 1] and not MARKER_RE.match(lines[i - 1]):
                start = i - 1
            cuts.add(start)
            last_cut = i + 1
    ordered = sorted(cuts)
    return [lines[a:b] for a, b in itertools.pairwise(ordered) if any(lines[a:b])]


def _blocks(lines: list[str]) -> list[list[str]]:
    """Runs of non-empty lines (groupby walks the lines in C, not line by line here)."""
    return [list(run) for nonempty, run in itertools.groupby(lines, bool) if nonempty]


def _words(text: str) -> int:
    return len(text.split())


def _ends_complete(text: str) -> bool:
    return text.endswith(TERMINAL)


def _is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _reader_case(text: str) -> str:
    """'INDIA UNDER SIEGE' -> 'India under siege': the scrape's capitals are layout."""
    if not _is_all_caps(text):
        return text
    lowered = text.lower()
    return lowered[:1].upper() + lowered[1:]


def _parse_long_date(text: str) -> dt.date | None:
    match = re.match(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})", text)
    if not match:
        return None
    month = MONTHS.get(match.group(2).lower())
    if month is None:
        return None
    try:
        return dt.date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


def _event_date(raw: str, pivot_year: int) -> str | None:
    """'13.05.08' -> '2008-05-13'; two-digit years fall at or before the pivot."""
    parts = re.split(r"[./]", raw)
    try:
        if len(parts) == 1:
            return f"{int(parts[0]):04d}"
        if len(parts) == 2:
            month, year = int(parts[0]), int(parts[1])
            return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
        day, month, year = (int(p) for p in parts)
        if len(parts[2]) == 2:
            century = pivot_year // 100 * 100
            year += century if century + year <= pivot_year + 1 else century - 100
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _bio_authors(text: str) -> tuple[str, ...] | None:
    """The names a closing 'Name is ...' paragraph gives, or None if it is no bio."""
    if len(text) > 700:
        return None
    match = BIO_VERB_RE.search(text)
    if not match or match.start() > 90:
        return None
    names_part = text[: match.start()].strip()
    names = [n.strip() for n in re.split(r",\s*|\s+and\s+|\s*&\s*", names_part) if n.strip()]
    if not names:
        return None
    for name in names:
        tokens = name.split()
        if not 2 <= len(tokens) <= 5:
            return None
        for token in tokens:
            if token.lower() in NAME_PARTICLES:
                continue
            if not token[0].isupper() or any(c.isdigit() for c in token):
                return None
    return tuple(names)


def _join_lines(lines: list[str]) -> list[list[str]]:
    """Join hard-wrapped lines; keep real line breaks; split run-together paragraphs.

    Returns paragraphs, each a list of lines that are real line breaks.
    """
    paragraphs: list[list[str]] = [[lines[0]]]
    for line in lines[1:]:
        current = paragraphs[-1]
        previous = current[-1]
        so_far = " ".join(current)
        open_quotes = so_far.count("“") - so_far.count("”") + so_far.count('"') % 2
        starts_lower = line[:1].islower()
        cut_mid_sentence = not _ends_complete(previous) and len(previous) >= 100
        if starts_lower or open_quotes > 0 or cut_mid_sentence:
            # A scraper wrap: the sentence (or the quotation) goes on.
            current[-1] = f"{previous} {line}"
        elif len(previous) >= 100:
            # Two prose paragraphs that lost the blank line between them.
            paragraphs.append([line])
        else:
            # Short lines: an inscription or verse, whose breaks are real.
            current.append(line)
    return paragraphs


@dataclass
class _Builder:
    title: str
    issue: IssueRef | None = None
    image: Image | None = None
    credits: list[str] = field(default_factory=list)
    timelines: list[Timeline] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    authors: tuple[str, ...] = ()
    author_bio: str | None = None
    warnings: list[str] = field(default_factory=list)

    def timeline(self, bullets: list[str], heading: str | None) -> Timeline | None:
        pivot = self.issue.date.year if self.issue else dt.date.today().year
        events: list[TimelineEvent] = []
        credit: str | None = None
        for i, bullet in enumerate(bullets):
            match = BULLET_RE.match(bullet)
            rest = match.group("rest") if match else bullet
            event = EVENT_RE.match(rest)
            date = _event_date(event.group("date"), pivot) if event else None
            if event and date and event.group("text"):
                events.append(TimelineEvent(date, event.group("text")))
            elif (
                i == len(bullets) - 1
                and events
                and _words(rest) <= 6
                and not _ends_complete(rest)
            ):
                credit = rest
            else:
                return None
        if not events:
            return None
        keys = [e.date for e in events]
        if keys != sorted(keys):
            self.warnings.append(
                f"timeline {heading or 'Timeline'!r}: events are not in date order in the source"
            )
        title = _reader_case(heading) if heading else "Timeline"
        return Timeline(title, credit, tuple(events))


# What a one-line block may start with and be other than a paragraph, besides a
# credit (CREDIT_STARTS and CREDIT_SECONDS) and a crosshead (80 characters at most).
_NO_PARAGRAPH_STARTS = frozenset(BREAK_STARTS + CORRECTION_STARTS + BULLET_CHARS)


def _is_bullet_block(block: list[str]) -> bool:
    # The first-character test spares a regex per line of every ordinary paragraph.
    return block[0][:1] in BULLET_CHARS and all(BULLET_RE.match(line) for line in block)


def _is_heading_line(block: list[str]) -> bool:
    return len(block) == 1 and len(block[0]) <= 80 and not _ends_complete(block[0])


def _take_tail(b: _Builder, body: list[list[str]]) -> None:
    """Peel reader notes, corrections, bio, credits and timelines off the end."""
    while body:
        block = body[-1]
        text = " ".join(block)
        if _is_bullet_block(block):
            heading_block = body[-2] if len(body) >= 2 and _is_heading_line(body[-2]) else None
            timeline = b.timeline(block, heading_block[0] if heading_block else None)
            if timeline is None:
                return
            b.timelines.insert(0, timeline)
            del body[-2 if heading_block else -1 :]
            continue
        correction = CORRECTION_RE.match(text)
        if correction:
            b.corrections.insert(0, correction.group("text"))
        elif NOTE_RE.match(text):
            b.notes.insert(0, text)
        elif len(block) == 1 and CREDIT_RE.match(text):
            b.credits.insert(0, text)
        elif b.author_bio is None and not b.notes and (authors := _bio_authors(text)):
            b.authors = authors
            b.author_bio = text
        else:
            return
        body.pop()


def _fingerprint(title: str, blocks: list[list[str]]) -> str:
    # Words only: the same article scraped with other whitespace, wrapping or line
    # endings has the same fingerprint.
    # clean_lines has already stripped every line and collapsed its spacing, so
    # joining the lines with single spaces is the word sequence, without a split.
    text = " ".join(itertools.chain([title], itertools.chain.from_iterable(blocks)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_dump(
    lines: list[str], known: Container[str] = ()
) -> ParsedArticle | KnownArticle | None:
    """Parse one page dump, or None when it holds no recognisable article (or a
    ``KnownArticle`` when its fingerprint is in ``known``: see read_scrape)."""
    image_line: str | None = None
    has_marker = False
    for i, line in enumerate(lines[:3]):
        if MARKER_RE.match(line):
            has_marker = True
            before = [x for x in lines[:i] if x]
            image_line = before[-1] if before else None
            lines = lines[i + 1 :]
            break
    blocks = _blocks(lines)
    if not blocks:
        return None
    issue: IssueRef | None = None
    warnings: list[str] = []
    last = blocks[-1]
    provenance = PROVENANCE_RE.match(last[-1])
    if provenance:
        date = _parse_long_date(provenance.group("date"))
        cover = provenance.group("title").strip(" ,.;:")
        if date is None:
            warnings.append(f"provenance date {provenance.group('date')!r} is not a date")
        else:
            issue = IssueRef(date, cover or "Untitled issue")
        last.pop()
        if not last:
            blocks.pop()
    if not blocks:
        return None
    first = blocks[0]
    title = first[0]
    rest = [first[1:], *blocks[1:]] if len(first) > 1 else blocks[1:]
    # The word count only matters without a marker or provenance line: rare, and
    # counting every line's spaces cost a tenth of the parsing time.
    if not (has_marker or provenance) and (
        len(rest) < 3 or sum(line.count(" ") + 1 for block in rest for line in block) < 120
    ):
        return None
    if not rest:
        return None
    if len(title) > 200:
        warnings.append(f"the headline is {len(title)} characters long; check it")

    b = _Builder(title=title, issue=issue, warnings=warnings)
    if image_line:
        caption_match = IMAGE_CAPTION_RE.match(image_line)
        if caption_match and caption_match.group("caption"):
            b.image = Image(caption_match.group("caption"), caption_match.group("credit"))
        else:
            b.image = Image(None, image_line)

    # The blocks are not changed from here on (only which of them the body holds),
    # so the body takes them as they are.
    body = rest
    fingerprint = _fingerprint(title, body)
    if (has_marker or provenance) and fingerprint in known:
        # With a marker or a provenance line, every way on from here ends in an
        # article, and this dump's details would be dropped as a duplicate's.
        return KnownArticle(fingerprint)
    _take_tail(b, body)

    standfirst: str | None = None
    if len(body) >= 2 and len(body[0]) == 1 and len(body[0][0]) <= 400:
        candidate = body[0][0]
        if not BREAK_RE.match(candidate) and not CREDIT_RE.match(candidate):
            standfirst = candidate
            body = body[1:]
    truncated = standfirst is not None and not _ends_complete(standfirst)
    if truncated:
        b.warnings.append("the standfirst was cut off by the scraper")

    parts: list[BodyPart] = []
    i = 0
    while i < len(body):
        block = body[i]
        if len(block) == 1:
            text = block[0]
            if (
                len(text) > 80
                and text[0] not in _NO_PARAGRAPH_STARTS
                and not (text[0] in CREDIT_STARTS and text[1] in CREDIT_SECONDS)
            ):
                # The commonest block by far: one line too long for a crosshead
                # that starts no break, credit, correction or timeline. The
                # tests below would make it this paragraph, at several times the cost.
                parts.append(BodyPart("paragraph", (text,)))
                i += 1
                continue
        one_line = len(block) == 1
        text = block[0] if one_line else " ".join(block)
        first = text[:1]
        is_last = i == len(body) - 1
        if one_line and first and first in BREAK_STARTS and BREAK_RE.match(text):
            if parts and parts[-1].kind != "break":
                parts.append(BodyPart("break"))
        elif one_line and first and first in CREDIT_STARTS and CREDIT_RE.match(text):
            b.credits.append(text)
        elif (
            one_line
            and first
            and first in CORRECTION_STARTS
            and (correction := CORRECTION_RE.match(text))
        ):
            b.corrections.append(correction.group("text"))
        elif _is_bullet_block(block) and (
            timeline := b.timeline(block, None)
        ) is not None:
            heading = None
            if parts and parts[-1].kind == "crosshead":
                heading = parts.pop().lines[0]
            b.timelines.append(Timeline(_reader_case(heading), timeline.credit, timeline.events)
                               if heading else timeline)
        elif (
            len(block) == 1
            and not is_last
            and len(text) <= 80
            and _words(text) <= 12
            and not _ends_complete(text.rstrip(",;:"))
            and not text.endswith((",", ";", ":"))
            and (text[0].isupper() or text[0].isdigit())
        ):
            parts.append(BodyPart("crosshead", (text,)))
        else:
            for paragraph in _join_lines(block):
                parts.append(BodyPart("paragraph", tuple(paragraph)))
        i += 1
    while parts and parts[-1].kind == "break":
        parts.pop()
    if not any(p.kind == "paragraph" for p in parts):
        if not (has_marker or provenance):
            return None
        b.warnings.append("the article has no body text")
    if not b.authors:
        b.warnings.append("no author: the article has no closing 'Name is ...' bio")
    return ParsedArticle(
        title=title,
        standfirst=standfirst,
        standfirst_truncated=truncated,
        authors=b.authors,
        author_bio=b.author_bio,
        issue=b.issue,
        image=b.image,
        credits=tuple(b.credits),
        timelines=tuple(b.timelines),
        notes=tuple(b.notes),
        corrections=tuple(b.corrections),
        body=tuple(parts),
        fingerprint=fingerprint,
        warnings=tuple(b.warnings),
    )
