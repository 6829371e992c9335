"""Writer: a ParsedArticle to the editor-owned Article (front matter + Markdown body)."""

from __future__ import annotations

from generator.content.schema import Article, Correction, Source
from generator.ingest.escape import escape_inline, escape_lines
from generator.ingest.scrape import BodyPart, ParsedArticle

SECTION_BREAK = "* * *"


def body_markdown(parts: tuple[BodyPart, ...]) -> str:
    """The body as Markdown: paragraphs, '## ' crossheads, section breaks.

    A single newline inside a paragraph is a real line break (the site enables
    nl2br), which is how inscriptions and verse keep their lines.
    """
    # Every paragraph line is escaped in one call (escape_lines is cheaper per line
    # the more lines it gets), then the lines are dealt back to their paragraphs.
    escaped = iter(
        escape_lines([line for part in parts if part.kind == "paragraph" for line in part.lines])
    )
    chunks: list[str] = []
    for part in parts:
        if part.kind == "break":
            chunks.append(SECTION_BREAK)
        elif part.kind == "crosshead":
            chunks.append("## " + escape_inline(part.lines[0], heading=True))
        elif len(part.lines) == 1:
            chunks.append(next(escaped))
        else:
            chunks.append("\n".join(next(escaped) for _ in part.lines))
    return "\n\n".join(chunks)


def to_article(parsed: ParsedArticle, slug: str, sources: tuple[Source, ...]) -> Article:
    return Article(
        title=parsed.title,
        slug=slug,
        body=body_markdown(parsed.body),
        standfirst=parsed.standfirst,
        standfirst_truncated=parsed.standfirst_truncated,
        authors=parsed.authors,
        author_bio=parsed.author_bio,
        issue=parsed.issue,
        image=parsed.image,
        credits=parsed.credits,
        timelines=parsed.timelines,
        notes=parsed.notes,
        # A scrape records no date for a correction: ingest dates it by the issue
        # (the earliest it can be); editors replace it when they know the day.
        corrections=tuple(
            Correction(parsed.issue.date if parsed.issue else None, text)
            for text in parsed.corrections
        ),
        sources=sources,
    )
