"""Reader: one raw scrape file to the articles it holds (``ParsedArticle``).

The cues are described in ``../shared/RAW-FORMAT.md``. Every cue is treated as a
pattern with variations (case, spacing, punctuation), never as a fixed string at
a fixed line, and every decision that could lose text falls back to keeping the
text as a paragraph.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Literal

from generator.content.schema import Image, IssueRef, Timeline, TimelineEvent
from generator.ingest import cues
from generator.ingest.cues import PROVENANCE_RE, DateFail, bio_authors
from generator.ingest.decoding import NotText, clean_lines, decode

MARKER_RE = re.compile(r"^show\s*/?\s*hide\s+image$", re.IGNORECASE)
CREDIT_RE = re.compile(
    r"^(?:ILLUSTRATIONS?|PHOTOGRAPHS?|PHOTOS?|PICTURES?|ARTWORK|CARTOONS?|DRAWINGS?|IMAGES?|"
    r"MAIN IMAGE|PORTRAITS?)(?:\s+AND\s+[A-Z]+)?\s*(?:BY|:)\s*\S.*$"
)
# The same credit in sentence case ("Illustration by Dan Murrell"): read only when
# what follows "by" is a name, not "Photographs by the hundred were taken".
BY_CREDIT_RE = re.compile(
    r"^(?:Illustrations?|Photographs?|Photos?|Pictures?|Artwork|Cartoons?|Drawings?|Images?|"
    r"Main image|Portraits?)\s+by\s+(?P<name>\S.*)$"
)
CORRECTION_RE = re.compile(r"^(?:correction|clarification)s?\s*[:.–—-]\s*(?P<text>.+)$", re.I)
NOTE_RE = re.compile(
    r"^(?:some of the interviews|additional reporting|research(?:ed)? by|reporting by|"
    r"names have been changed|some names have been changed|update\s*:|editor'?s note\s*:|"
    r"note\s*:|this (?:article|piece) (?:was|has been|is)|a version of this|"
    r"this is an edited|an edited version)",
    re.IGNORECASE,
)
# Bullets: a bullet sign, or a hyphen, en dash or asterisk and a space.
BULLET_CHARS = "•·▪●◦‣-–*"
BULLET_RE = re.compile(r"^(?:[•·▪●◦‣]\s*|[-–*]\s+)(?P<rest>.*)$")
# The line that names a timeline's compiler: "Research by NAME", "Compiled by NAME",
# "Research: NAME", or the bare name.
TIMELINE_CREDIT_RE = re.compile(
    r"^(?:(?P<label>(?:research(?:ed)?|compiled|chronology|timeline)(?:\s+by)?)\s*:?\s+)?"
    r"(?P<name>\S.*)$",
    re.IGNORECASE,
)
BREAK_RE = re.compile(r"^(?:\*\s*){3,}$|^(?:-\s*){3,}$|^(?:_\s*){3,}$|^[⁂❖◆•·]+$")
# The characters each cue can start with (its first letters in either case, and
# what IGNORECASE also matches: "ſ" for "s"; tests/test_ingest_fast_paths.py
# derives them from the expressions). A line that starts otherwise is no cue, and
# testing its first character spares a regular expression call on most of the
# archive's lines: the calls were a fifth of the parsing time.
PROVENANCE_STARTS = "tTfFaAwWoOpP"
MARKER_STARTS = "sSſ"
CUE_STARTS = PROVENANCE_STARTS + MARKER_STARTS
_CUE_STARTS = frozenset(CUE_STARTS)
CREDIT_STARTS = "IPACDM"
# Every word CREDIT_RE starts with has a capital ASCII letter second too.
CREDIT_SECONDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CORRECTION_STARTS = "cC"
BREAK_STARTS = "*-_⁂❖◆•·"

TERMINAL = tuple(".!?…\"'”’)]")

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
    # Lines that look like a cue but could not be read: (line, what, why); the
    # line's text stays in the body.
    unread: tuple[tuple[str, str, str], ...] = ()
    # Every cue read, for the survey: (kind, form, line).
    cues: tuple[tuple[str, str, str], ...] = ()


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
    # "LINE: what it looked like: why it was not read", one per unread cue.
    unread: tuple[str, ...] = ()
    # (kind, form, line number) of every cue read: the survey's census.
    cues: tuple[tuple[str, str, int], ...] = ()


def _line_of(lines: list[str], text: str, start: int, end: int) -> int:
    """The 1-based number of the line holding ``text`` in the dump at lines[start:end]."""
    try:
        return lines.index(text, start, end) + 1
    except ValueError:
        for i in range(start, end):
            if text in lines[i] or (lines[i] and lines[i] in text):
                return i + 1
        return start + 1


def read_scrape(
    name: str, data: bytes, known: Container[str] = (), *, with_cues: bool = False
) -> ScrapeResult:
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
    unread: list[str] = []
    census: list[tuple[str, str, int]] = []
    for start, end in dump_spans(lines):
        segment = lines[start:end]
        parsed = parse_dump(segment, known)
        if isinstance(parsed, ParsedArticle) and parsed.unread:
            # In line order, each once (a line may be met by two of the parser's steps).
            found = {
                (_line_of(lines, anchor, start, end), what, why)
                for anchor, what, why in parsed.unread
            }
            unread.extend(f"{line}: {what}: {why}" for line, what, why in sorted(found))
        if isinstance(parsed, ParsedArticle) and with_cues:
            census.extend(
                (kind, form, _line_of(lines, anchor, start, end))
                for kind, form, anchor in parsed.cues
            )
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
            unread=tuple(unread),
            cues=tuple(census),
        )
    return ScrapeResult(
        name, sha, tuple(articles), None, tuple(warnings), tuple(unread), tuple(census)
    )


def split_dumps(lines: list[str]) -> list[list[str]]:
    """Cut a file's lines into page dumps (see dump_spans)."""
    return [lines[a:b] for a, b in dump_spans(lines)]


# How many blocks after a provenance line may still belong to its article: a
# timeline whose bullets the scraper parted with blank lines, its heading, credit
# and a bio (a bound, so a file of unrelated lists is never walked to its end).
_TAIL_BLOCKS = 60


def _tail_length(blocks: list[list[str]]) -> int:
    """How many of ``blocks`` (from the first) are cues that close an article and
    may follow its provenance line: a bio of three lines at most, a timeline (its
    heading, its dated bullets, in one block or parted by blank lines, and the line
    naming its compiler), a correction."""
    taken = 0
    in_list = False
    while taken < len(blocks) and taken < _TAIL_BLOCKS:
        block = blocks[taken]
        if len(block) >= 2 and (block[0][:1] in BULLET_CHARS or block[1][:1] in BULLET_CHARS):
            block = _join_bullet_wraps(block)
        first = block[0]
        if first[:1] in BULLET_CHARS and (_is_bullet_block(block) or _bullets_then_line(block)):
            if not in_list:  # bullets with no heading over them: a list, no timeline
                break
            in_list = not _bullets_then_line(block)
            taken += 1
            continue
        if _heading_over_bullets(block):
            in_list = not _bullets_then_line(block[1:])
            taken += 1
            continue
        if (
            len(block) == 1
            and _is_heading_line(block)
            and taken + 1 < len(blocks)
            and blocks[taken + 1][0][:1] in BULLET_CHARS
            and _is_bullet_line(blocks[taken + 1][0])
            and _some_dated(blocks[taken + 1])
        ):
            taken += 1
            in_list = True
            continue
        if in_list and len(block) == 1 and _credit_name(first) is not None:
            in_list = False
            taken += 1
            continue
        if len(block) <= 3 and bio_authors(" ".join(block)):
            in_list = False
            taken += 1
            continue
        if first[:1] in CORRECTION_STARTS and CORRECTION_RE.match(" ".join(block)):
            in_list = False  # a correction printed after the provenance line
            taken += 1
            continue
        break
    return taken


def _tail_after(lines: list[str], i: int) -> int:
    """The end of the closing cues (bio, timeline) that follow the provenance line
    at ``i``: i + 1 when none does."""
    spans: list[tuple[int, int]] = []
    j = i + 1
    while j < len(lines) and len(spans) < _TAIL_BLOCKS:
        while j < len(lines) and not lines[j]:
            j += 1
        k = j
        while k < len(lines) and lines[k]:
            k += 1
        if j == k or any(MARKER_RE.match(x) or PROVENANCE_RE.match(x) for x in lines[j:k]):
            break
        spans.append((j, k))
        j = k
    blocks = [lines[a:b] for a, b in spans]
    taken = _tail_length(blocks)
    if (
        0 < taken < len(blocks)
        and not _ends_complete(blocks[taken - 1][-1])
        and bio_authors(" ".join(blocks[taken - 1]))
    ):
        # "Theresa May is a prime minister without a mandate" with no full stop, and
        # text after it: the next article's headline (a page without the image
        # marker), not this one's bio.
        taken -= 1
    return spans[taken - 1][1] if taken else i + 1


def dump_spans(lines: list[str]) -> list[tuple[int, int]]:
    """Cut a file's lines into page dumps: (start, end) of each.

    A dump ends after its provenance line (or after the bio or timeline that follow
    it), and a new one starts at its image marker (with the image credit line just above it,
    when there is one).
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
                last_cut = _tail_after(lines, i)
                cuts.add(last_cut)
        elif MARKER_RE.match(line):
            start = i
            # The picture's lines just above the marker: a credit, or a caption and
            # then its credit.
            while (
                start - 1 >= last_cut
                and i - start < 2
                and lines[start - 1]
                and not MARKER_RE.match(lines[start - 1])
                and (start == i or cues.CAPTION_RE.match(lines[start]))
            ):
                start -= 1
            cuts.add(start)
            last_cut = i + 1
    ordered = sorted(cuts)
    return [(a, b) for a, b in itertools.pairwise(ordered) if any(lines[a:b])]


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


def _quote_balance(text: str) -> tuple[int, int]:
    """(curly opening minus closing quotes, straight quotes) in ``text``."""
    return text.count("“") - text.count("”"), text.count('"')


def _join_lines(lines: list[str]) -> list[list[str]]:
    """Join hard-wrapped lines; keep real line breaks; split run-together paragraphs.

    Returns paragraphs, each a list of lines that are real line breaks.

    Linear in the text: the line being joined is kept as its pieces, its length
    and the paragraph's quote counts as running totals, so no line is copied or
    counted again when the next is added (joining by re-reading the paragraph
    took 13.7 s for 64,000 wrapped lines, four times as long for twice as many).
    """
    paragraphs: list[list[str]] = []
    done: list[str] = []  # the current paragraph's finished lines
    pieces: list[str] = [lines[0]]  # the line being joined
    length = len(lines[0])  # len(" ".join(pieces))
    curly, straight = _quote_balance(lines[0])  # over the whole current paragraph
    for line in lines[1:]:
        open_quotes = curly + straight % 2
        starts_lower = line[:1].islower()
        cut_mid_sentence = not _ends_complete(pieces[-1]) and length >= 100
        if starts_lower or open_quotes > 0 or cut_mid_sentence:
            # A scraper wrap: the sentence (or the quotation) goes on.
            pieces.append(line)
            length += 1 + len(line)
        else:
            done.append(" ".join(pieces))
            if length >= 100:
                # Two prose paragraphs that lost the blank line between them.
                paragraphs.append(done)
                done = []
                curly = straight = 0
            # Otherwise short lines: an inscription or verse, whose breaks are real.
            pieces = [line]
            length = len(line)
        c, q = _quote_balance(line)
        curly += c
        straight += q
    done.append(" ".join(pieces))
    paragraphs.append(done)
    return paragraphs


def _is_inline_credit(text: str) -> bool:
    """An inline credit line: ILLUSTRATION BY DAN MURRELL, Illustration by Dan Murrell."""
    if CREDIT_RE.match(text):
        return True
    match = BY_CREDIT_RE.match(text)
    # At most 80 characters: a longer line takes the paragraph fast path in _body_parts.
    return match is not None and len(text) <= 80 and cues.credit_is_name(match["name"])


def _credit_name(line: str) -> tuple[str, str] | None:
    """(name, form) of a line naming a timeline's compiler, or None."""
    match = TIMELINE_CREDIT_RE.match(line)
    if not match:
        return None
    name = match.group("name").strip()
    if (
        not name
        or _words(name) > 6
        or _ends_complete(name)
        or not name[0].isupper()
        or any(c.isdigit() for c in name)
    ):
        return None
    label = match.group("label")
    form = f"{' '.join(label.split()).capitalize()} NAME" if label else "bare name"
    return name, form


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
    unread: list[tuple[str, str, str]] = field(default_factory=list)
    cues: list[tuple[str, str, str]] = field(default_factory=list)

    def picture(self, caption: str | None, credit: str, form: str, block: list[str]) -> None:
        """A picture met in the body: the article's image when it has none yet (the
        edition shows one picture's caption and credit), else an inline credit, as
        printed."""
        if self.image is None:
            self.image = Image(caption, credit)
        else:
            printed = block[-1]
            if caption and not printed.startswith(caption):  # the caption on a line of its own
                printed = f"{caption}{'' if _ends_complete(caption) else '.'} {printed}"
            self.credits.append(printed)
        self.cues.append(("picture", f"in the body · {form}", block[-1]))

    def timeline_or_report(self, block: list[str], heading: str | None) -> Timeline | None:
        """The timeline a block of bullets (and perhaps a credit line after them) is, or
        None; a list that looks like a timeline but cannot be read is reported."""
        if _is_bullet_line(block[-1]):
            read = self.timeline(block, heading)
        else:
            read = self.timeline(block[:-1], heading, block[-1])
        if isinstance(read, tuple):
            self.unread.append((read[0], "looks like a timeline", read[1]))
            return None
        return read

    def timeline(
        self, bullets: list[str], heading: str | None, after: str | None = None
    ) -> Timeline | tuple[str, str] | None:
        """The timeline a bullet list is; (line, why) when it looks like one but
        cannot be read; None when it is an ordinary list.

        ``after`` is a line just after the list that may name its compiler.
        """
        if heading is None:
            # A timeline is printed under a heading; dated bullets that follow a
            # paragraph are the article's own list.
            return None
        issue_date = self.issue.date if self.issue else None
        events: list[TimelineEvent] = []
        forms: list[tuple[str, str, str]] = []
        credit: str | None = None
        failure: tuple[str, str] | None = None
        dated = 0
        for i, bullet in enumerate(bullets):
            match = BULLET_RE.match(bullet)
            rest = match.group("rest") if match else bullet
            read = cues.read_date(rest, issue_date)
            if read is not None:
                dated += 1
            if isinstance(read, cues.DateRead) and read.rest:
                events.append(TimelineEvent(read.value, read.rest))
                forms.append(("timeline date", read.form, bullet))
                continue
            if (
                i == len(bullets) - 1
                and events
                and after is None
                and read is None
                and (named := _credit_name(rest))
            ):
                credit = named[0]
                forms.append(("timeline credit", f"last bullet: {named[1]}", bullet))
                continue
            if failure is None:
                if isinstance(read, DateFail):
                    failure = (bullet, f"{read.raw!r} is {read.why}")
                elif read is not None:
                    failure = (bullet, "a date and no text after it")
                else:
                    failure = (bullet, "this bullet does not start with a date")
        if failure is not None or not events:
            if dated == 0:
                return None
            return failure or (bullets[0], "no bullet starts with a readable date")
        if after is not None:
            named = _credit_name(after)
            if named is None:
                return None
            credit = named[0]
            forms.append(("timeline credit", f"line after the list: {named[1]}", after))
        keys = [e.sort_key for e in events]
        if keys != sorted(keys):
            self.warnings.append(
                f"timeline {heading or 'Timeline'!r}: events are not in date order in the source"
            )
        sign = bullets[0][:1]
        forms.append(("timeline bullet", f"{sign!r} bullets", bullets[0]))
        shape = ("all capitals" if _is_all_caps(heading) else "capitalised") + (
            ", with a colon" if heading.endswith(":") else ""
        )
        forms.append(("timeline heading", shape, heading))
        self.cues.extend(forms)
        return Timeline(_reader_case(heading).rstrip(" :"), credit, tuple(events))


# What a one-line block may start with and be other than a paragraph, besides a
# credit (CREDIT_STARTS and CREDIT_SECONDS) and a crosshead (80 characters at most).
_NO_PARAGRAPH_STARTS = frozenset(BREAK_STARTS + CORRECTION_STARTS + BULLET_CHARS)


def _is_bullet_line(line: str) -> bool:
    return line[:1] in BULLET_CHARS and not BREAK_RE.match(line) and bool(BULLET_RE.match(line))


def _is_bullet_block(block: list[str]) -> bool:
    # The first-character test spares a regex per line of every ordinary paragraph.
    return block[0][:1] in BULLET_CHARS and all(_is_bullet_line(line) for line in block)


def _bullets_then_line(block: list[str]) -> bool:
    """Bullets and, on the last line, one line that is no bullet (a compiler's credit)."""
    return (
        len(block) >= 2
        and block[0][:1] in BULLET_CHARS
        and not _is_bullet_line(block[-1])
        and all(_is_bullet_line(line) for line in block[:-1])
    )


def _dated_bullets(block: list[str]) -> bool:
    return all(cues.looks_like_date(_bullet_rest(line)) for line in block)


def _bullet_rest(line: str) -> str:
    match = BULLET_RE.match(line)
    return match.group("rest") if match else line


def _bullet_run(body: list[list[str]], i: int) -> tuple[list[str], int]:
    """The bullets from block ``i`` on, with the bullet blocks after it when the
    scraper parted a timeline's bullets with blank lines (a bullet block that
    follows a block of dated bullets joins it); and the index after the run.
    Called only at a block that starts with a bullet sign."""
    run = body[i]
    j = i + 1
    while (
        j < len(body)
        and body[j][0][:1] in BULLET_CHARS
        and (_is_bullet_block(body[j]) or _bullets_then_line(body[j]))
        and _is_bullet_block(run)
        and _dated_bullets(run)
    ):
        run = run + body[j]
        j += 1
    return run, j


def _join_tail_bullets(body: list[list[str]]) -> None:
    """At the end of the body, join a timeline's bullet blocks parted by blank
    lines into one block (see _bullet_run), in place."""
    end = len(body) - 1
    if end >= 1 and len(body[end]) == 1 and not _is_bullet_line(body[end][0]):
        end -= 1  # a credit line after the list
    while (
        end >= 1
        and (_is_bullet_block(body[end]) or _bullets_then_line(body[end]))
        and _is_bullet_block(body[end - 1])
        and _dated_bullets(body[end - 1])
    ):
        body[end - 1 : end + 1] = [body[end - 1] + body[end]]
        end -= 1


def _heading_over_bullets(block: list[str]) -> bool:
    """A timeline's heading with its dated bullets right under it, no blank line
    between (``KEY DATES`` / ``• 1872 ...``)."""
    return (
        len(block) >= 2
        and block[1][:1] in BULLET_CHARS
        and not _is_bullet_line(block[0])
        and _is_heading_line(block[:1])
        and (_is_bullet_block(block[1:]) or _bullets_then_line(block[1:]))
        and _some_dated(block[1:])
    )


def _some_dated(bullets: list[str]) -> bool:
    """Whether one of a list's first bullets starts like a date: a list under a
    heading that may be a timeline (read, or reported when a bullet is no date)."""
    return any(cues.looks_like_date(_bullet_rest(line)) for line in bullets[:3])


def _join_bullet_wraps(block: list[str]) -> list[str]:
    """A timeline's bullets with the scraper's hard wraps joined back: a line that is
    no bullet, inside a list of dated bullets, goes on with the bullet before it
    when it starts in lower case or more bullets follow it (a last line in capitals
    may be the compiler's credit). Lists whose first bullet has no date are left
    as they are. The words, and so the fingerprint, do not change."""
    first = 0 if block[0][:1] in BULLET_CHARS else 1
    if (
        first >= len(block)
        or block[first][:1] not in BULLET_CHARS
        or not _is_bullet_line(block[first])
        or not cues.looks_like_date(_bullet_rest(block[first]))
    ):
        return block
    bullets = [k for k in range(first, len(block)) if _is_bullet_line(block[k])]
    if len(bullets) == len(block) - first:
        return block
    last_bullet = bullets[-1]
    out = block[: first + 1]
    for k in range(first + 1, len(block)):
        line = block[k]
        if _is_bullet_line(line):
            out.append(line)
        elif line[:1].islower() or k < last_bullet:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _split_headings(blocks: list[list[str]]) -> list[list[str]]:
    """Part a timeline's heading from the bullets it stands over in one block, so
    that the heading is read as the heading, and join the hard wraps inside its
    bullets (the words, and so the fingerprint, do not change)."""
    if not any(
        len(x) >= 2 and (x[0][:1] in BULLET_CHARS or x[1][:1] in BULLET_CHARS) for x in blocks
    ):
        return blocks
    out: list[list[str]] = []
    for block in blocks:
        if len(block) >= 2 and (block[0][:1] in BULLET_CHARS or block[1][:1] in BULLET_CHARS):
            block = _join_bullet_wraps(block)
        if len(block) >= 2 and block[1][:1] in BULLET_CHARS and _heading_over_bullets(block):
            out += [block[:1], block[1:]]
        else:
            out.append(block)
    return out


def _is_heading_line(block: list[str]) -> bool:
    return (
        len(block) == 1
        and len(block[0]) <= 80
        and not _ends_complete(block[0])
        and (block[0][:1].isupper() or block[0][:1].isdigit())
        and (not block[0].endswith(":") or _colon_heading(block[0]))
    )


def _colon_heading(text: str) -> bool:
    """ "KEY DATES:", "Timeline:": a heading with a colon after it. A longer line
    ending in a colon ("The events that followed were:") leads into a list."""
    return (
        text.endswith(":")
        and len(text) <= 80
        and (text[:1].isupper() or text[:1].isdigit())
        and (_is_all_caps(text) or _words(text) <= 3)
    )


def _heading_part(parts: list[BodyPart]) -> str | None:
    """The line just before a list in the body, when it can be a timeline's heading:
    a crosshead, or a short heading ending in a colon."""
    if not parts:
        return None
    last = parts[-1]
    if last.kind == "crosshead" or (
        last.kind == "paragraph" and len(last.lines) == 1 and _colon_heading(last.lines[0])
    ):
        return last.lines[0]
    return None


def _take_timeline(b: _Builder, body: list[list[str]]) -> bool:
    """Peel a timeline (its heading, bullets and credit line) off the end of ``body``."""
    block = body[-1]
    after: str | None = None
    bullets = block
    taken = 1
    if _bullets_then_line(block):
        bullets, after = block[:-1], block[-1]
    elif (
        len(block) == 1
        and len(body) >= 2
        and not _is_bullet_line(block[0])
        and _is_bullet_block(body[-2])
        and _credit_name(block[0]) is not None
    ):
        bullets, after, taken = body[-2], block[0], 2
    elif not _is_bullet_block(block):
        return False
    heading_at = len(body) - taken - 1
    has_heading = heading_at >= 0 and _is_heading_line(body[heading_at])
    heading = body[heading_at][0] if has_heading else None
    timeline = b.timeline(bullets, heading, after)
    if not isinstance(timeline, Timeline):
        return False
    b.timelines.insert(0, timeline)
    del body[heading_at if heading else heading_at + 1 :]
    return True


def _take_tail(b: _Builder, body: list[list[str]]) -> None:
    """Peel reader notes, corrections, bio, credits and timelines off the end."""
    while body:
        if len(body) >= 2 and (body[-1][0][:1] in BULLET_CHARS or body[-2][0][:1] in BULLET_CHARS):
            _join_tail_bullets(body)
        block = body[-1]
        if _take_timeline(b, body):
            continue
        text = " ".join(block)
        correction = CORRECTION_RE.match(text)
        if correction:
            b.corrections.insert(0, correction.group("text"))
        elif NOTE_RE.match(text):
            b.notes.insert(0, text)
        elif len(block) == 1 and _is_inline_credit(text):
            b.credits.insert(0, text)
        elif b.author_bio is None and not b.notes and (authors := bio_authors(text)):
            b.authors = authors
            b.author_bio = text
            b.cues.append(("bio", cues.bio_form(authors, text), block[0]))
        else:
            if b.author_bio is None and cues.looks_like_bio(text):
                b.unread.append((block[0], "looks like a closing bio", cues.bio_refusal(text)))
            return
        body.pop()


def _fingerprint(title: str, blocks: list[list[str]]) -> str:
    # Words only: the same article scraped with other whitespace, wrapping or line
    # endings has the same fingerprint.
    # clean_lines has already stripped every line and collapsed its spacing, so
    # joining the lines with single spaces is the word sequence, without a split.
    text = " ".join(itertools.chain([title], itertools.chain.from_iterable(blocks)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _find_provenance(
    blocks: list[list[str]],
) -> tuple[int, int, cues.Provenance | DateFail] | None:
    """(block, line, what it says) of the provenance line: the dump's last line, or
    the line before the cues that may close an article after it (a bio, a timeline
    with its heading and credit), with or without a blank line between."""
    last = blocks[-1]
    if last[-1][:1] in PROVENANCE_STARTS and (read := cues.read_provenance(last[-1])):
        return len(blocks) - 1, len(last) - 1, read
    # Walk back over the blocks that may close an article; the provenance line ends
    # the block before them, or heads the block of a bio right under it.
    at = len(blocks) - 1
    while at >= 0 and len(blocks) - at <= _TAIL_BLOCKS:
        block = blocks[at]
        if (
            len(block) >= 2
            and block[0][:1] in PROVENANCE_STARTS
            and (read := cues.read_provenance(block[0]))
            and _tail_length([block[1:], *blocks[at + 1 :]]) == len(blocks) - at
        ):
            return at, 0, read
        if (
            at < len(blocks) - 1
            and block[-1][:1] in PROVENANCE_STARTS
            and (read := cues.read_provenance(block[-1]))
        ):
            after = blocks[at + 1 :]
            return (at, len(block) - 1, read) if _tail_length(after) == len(after) else None
        if not _may_close(block):
            return None
        at -= 1
    return None


def _may_close(block: list[str]) -> bool:
    """Whether a block could be one of the cues that follow a provenance line (a
    cheap test on its first character and length; _tail_length decides)."""
    return block[0][:1] in BULLET_CHARS or len(block) <= 3 or _heading_over_bullets(block)


def _image(lines: list[str], has_marker: bool) -> tuple[Image | None, str | None, int]:
    """The lead image's caption and credit from the lines above the headline.

    With the marker, ``lines`` are the lines above it; without, the first lines of
    the dump, where a picture credit may stand above the headline. Returns the
    image, the form read and how many of ``lines`` it took.
    """
    if has_marker:
        before = [x for x in lines if x]
        if not before:
            return None, None, 0
        line = before[-1]
        read = cues.read_picture_line(line)
        if read and read[0] is None and read[2].endswith(": NAME") and len(before) >= 2:
            # A caption line, then "Photo: NAME" on its own line.
            return Image(before[-2], read[1]), f"marker · caption, then {read[2]}", 0
        if read and read[0]:
            return Image(read[0], read[1]), f"marker · {read[2]}", 0
        return Image(None, line), f"marker · {read[2] if read else 'credit line'}", 0
    # Without the marker, a credit line stands above the headline (a blank line
    # between them or not); only a line that can be nothing else is taken.
    if len(lines) < 2 or not lines[0] or not (lines[1] or (len(lines) > 2 and lines[2])):
        return None, None, 0
    read = cues.read_picture_line(lines[0], strict=True)
    if read is None:
        return None, None, 0
    return Image(read[0], read[1]), f"no marker · {read[2]}", 1


# The end of one sentence and the start of another, within a line.
_SENTENCE_END_RE = re.compile(r"[.!?][\"”’)]?\s+[\"“‘(]?[A-Z]")


def _provenance_near_miss(line: str) -> str | None:
    """Why a line that says it is a provenance line was not read, or None."""
    if len(line) > 300 or not (match := cues.PROVENANCE_LIKE_RE.search(line)):
        return None
    if match.start() > 0 and _SENTENCE_END_RE.search(line):
        # Prose of more than one sentence that mentions an issue of the magazine
        # ("As she wrote in the 8 May issue of the New Statesman, ..."): body text.
        return None
    read = cues.read_provenance(line)
    if isinstance(read, DateFail):
        return read.why
    if read is not None:
        return "it is not the last line of its article"
    return "no 'D Month YYYY issue of the New Statesman' in it to read"


def _leading_image(lines: list[str]) -> tuple[Image | None, str | None, bool, list[str]]:
    """The picture above the headline (its caption and credit), the form its credit
    took, whether the dump has the page's image marker, and the lines after them."""
    image: Image | None = None
    image_form: str | None = None
    has_marker = False
    for i, line in enumerate(lines[:4]):
        if MARKER_RE.match(line):
            has_marker = True
            image, image_form, _ = _image(lines[:i], True)
            lines = lines[i + 1 :]
            break
    else:
        first = 0
        while first < len(lines) and not lines[first]:
            first += 1
        image, image_form, took = _image(lines[first : first + 3], False)
        lines = lines[first + took :]
    return image, image_form, has_marker, lines


def _take_provenance(
    blocks: list[list[str]],
    found_cues: list[tuple[str, str, str]],
    unread: list[tuple[str, str, str]],
) -> tuple[IssueRef | None, bool]:
    """The issue named by the provenance line ("This article first appeared in
    ..."), taken out of ``blocks``; and whether there was a readable one."""
    issue: IssueRef | None = None
    provenance = _find_provenance(blocks)
    if provenance:
        at, index, read = provenance
        line = blocks[at][index]
        if isinstance(read, DateFail):
            unread.append((line, "looks like a provenance line", read.why))
            provenance = None
        else:
            issue = IssueRef(read.date, read.title or "Untitled issue")
            after = [x for x in [blocks[at][index + 1 :], *blocks[at + 1 :]] if x]
            # What closes the article after it, for the census: a bio, a timeline, both.
            kinds = [
                kind
                for kind, there in (
                    ("bio", any(len(x) <= 3 and bio_authors(" ".join(x)) for x in after)),
                    ("timeline", any(_is_bullet_line(line) for x in after for line in x)),
                )
                if there
            ]
            placed = f" · {' and '.join(kinds)} after it" if kinds else ""
            found_cues.append(("provenance", read.form + placed, line))
            del blocks[at][index]
            if not blocks[at]:
                del blocks[at]
    return issue, bool(provenance)


def _take_standfirst(
    b: _Builder, body: list[list[str]]
) -> tuple[str | None, bool, list[list[str]]]:
    """The standfirst (a short first block that is no break or credit), whether the
    scraper cut it off, and the body after it."""
    standfirst: str | None = None
    if len(body) >= 2 and len(body[0]) == 1 and len(body[0][0]) <= 400:
        candidate = body[0][0]
        if not BREAK_RE.match(candidate) and not _is_inline_credit(candidate):
            standfirst = candidate
            body = body[1:]
    truncated = standfirst is not None and not _ends_complete(standfirst)
    if truncated:
        b.warnings.append("the standfirst was cut off by the scraper")
    return standfirst, truncated, body


def _body_parts(b: _Builder, body: list[list[str]]) -> list[BodyPart]:
    """The body's blocks as paragraphs, crossheads and breaks; the credits,
    corrections and timelines among them go to ``b``."""
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
                and not (":" in text and cues.INLINE_LABEL_RE.search(text))
            ):
                # The commonest block by far: one line too long for a crosshead
                # that starts no break, credit, correction or timeline. The
                # tests below would make it this paragraph, at several times the cost.
                # A line that calls itself a provenance line is looked at closer
                # ("tatesman": a substring test costs next to nothing).
                if "tatesman" in text and (why := _provenance_near_miss(text)):
                    b.unread.append((text, "looks like a provenance line", why))
                parts.append(BodyPart("paragraph", (text,)))
                i += 1
                continue
        one_line = len(block) == 1
        text = block[0] if one_line else " ".join(block)
        first = text[:1]
        is_last = i == len(body) - 1
        picture = (
            cues.read_inline_picture(block)
            if len(block) <= 2 and (":" in block[-1] or "/" in block[-1])
            else None
        )
        if isinstance(picture, str):
            b.unread.append((block[-1], "looks like a picture credit", picture))
            picture = None
        if one_line and first and first in BREAK_STARTS and BREAK_RE.match(text):
            if parts and parts[-1].kind != "break":
                parts.append(BodyPart("break"))
        elif one_line and first and first in CREDIT_STARTS and _is_inline_credit(text):
            b.credits.append(text)
        elif (
            one_line
            and first
            and first in CORRECTION_STARTS
            and (correction := CORRECTION_RE.match(text))
        ):
            b.corrections.append(correction.group("text"))
        elif picture is not None:
            caption, credit, form = picture
            if (
                caption is None
                and one_line
                and parts
                and parts[-1].kind == "crosshead"
                and (form.endswith(": NAME"))
            ):
                # A caption set as a line of its own above its credit.
                caption = parts.pop().lines[0]
                form = f"caption line, blank, then {form}"
            b.picture(caption, credit, form, block)
        elif (
            first in BULLET_CHARS
            and (run := _bullet_run(body, i))
            and (_is_bullet_block(run[0]) or _bullets_then_line(run[0]))
            and isinstance(
                timeline := b.timeline_or_report(
                    run[0],
                    _heading_part(parts),
                ),
                Timeline,
            )
        ):
            if _heading_part(parts) is not None:
                parts.pop()
            b.timelines.append(timeline)
            i = run[1] - 1
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
            if "tatesman" in text and one_line and (why := _provenance_near_miss(text)):
                b.unread.append((text, "looks like a provenance line", why))
            for paragraph in _join_lines(block):
                parts.append(BodyPart("paragraph", tuple(paragraph)))
        i += 1
    while parts and parts[-1].kind == "break":
        parts.pop()
    return parts


def parse_dump(lines: list[str], known: Container[str] = ()) -> ParsedArticle | KnownArticle | None:
    """Parse one page dump, or None when it holds no recognisable article (or a
    ``KnownArticle`` when its fingerprint is in ``known``: see read_scrape)."""
    image, image_form, has_marker, lines = _leading_image(lines)
    blocks = _split_headings(_blocks(lines))
    if not blocks:
        return None
    warnings: list[str] = []
    unread: list[tuple[str, str, str]] = []
    found_cues: list[tuple[str, str, str]] = []
    issue, provenance = _take_provenance(blocks, found_cues, unread)
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

    b = _Builder(title=title, issue=issue, warnings=warnings, unread=unread, cues=found_cues)
    b.image = image
    if image_form:
        b.cues.append(("picture", image_form, image.credit if image and image.credit else title))

    # The blocks are not changed from here on (only which of them the body holds),
    # so the body takes them as they are.
    body = rest
    fingerprint = _fingerprint(title, body)
    if (has_marker or provenance) and fingerprint in known:
        # With a marker or a provenance line, every way on from here ends in an
        # article, and this dump's details would be dropped as a duplicate's.
        return KnownArticle(fingerprint)
    _take_tail(b, body)

    while (
        body
        and len(body[0]) <= 2
        and (":" in body[0][-1] or "/" in body[0][-1])
        and (isinstance(picture := cues.read_inline_picture(body[0]), tuple))
    ):
        # A picture right under the headline, above the standfirst.
        b.picture(*picture, body[0])
        body = body[1:]
    standfirst, truncated, body = _take_standfirst(b, body)

    parts = _body_parts(b, body)
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
        unread=tuple(b.unread),
        cues=tuple(b.cues),
    )
