"""What ``check`` finds in an article's body, found once, when the file is read.

The build no longer holds the bodies (generator/content/body.py), and reading
every file again for ``check``'s body rules would cost each build, and each
edit in the live preview, a pass over the whole archive. So loading an article
also records its Markdown links to other files (whether each names an article
is known only once all are loaded) and its cue warnings, and the article cache
keeps them with it.
"""

from __future__ import annotations

import re

from generator.content.problems import Problem
from generator.content.schema import Article

_ESCAPE = re.compile(r"\\(.)")
# A Markdown link to a page by its file name, as MkDocs resolves them.
MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+?\.md)(?:#[^)\s>]*)?>?(?:\s+\"[^\"]*\")?\s*\)")


def line_in_text(text: str, needle_text: str) -> int:
    """The line of ``text`` (a file's) that holds the start of ``needle_text``
    (1 when not found), backslash escapes read as the characters they stand for."""
    needle = needle_text[:40]
    for i, line in enumerate(text.split("\n"), start=1):
        if needle in _ESCAPE.sub(r"\1", line):
            return i
    return 1


def md_links(body: str, text: str) -> tuple[tuple[str, int], ...]:
    """(target, line) of every Markdown link by file name (``other.md``) in ``body``."""
    if ".md" not in body:
        return ()
    return tuple(
        (match.group(1), line_in_text(text, match.group(0))) for match in MD_LINK.finditer(body)
    )


def cue_problems(path: str, article: Article, body: str, text: str) -> tuple[Problem, ...]:
    """Cues ingest could not read still in the body (issue #13):

    - filed as web-only while a sentence of the body names an issue of the New
      Statesman (a provenance line in a wording ingest did not read);
    - no authors while the body ends in a bio-shaped "Name is a ..." sentence.
    """
    from generator.ingest.cues import PROVENANCE_LIKE_RE, bio_authors, looks_like_bio

    out: list[Problem] = []
    if article.issue is None and "tatesman" in body:
        for paragraph in body.split("\n\n"):
            plain = _ESCAPE.sub(r"\1", paragraph)
            if "tatesman" in plain and (match := PROVENANCE_LIKE_RE.search(plain)):
                sentence = plain[max(0, match.start() - 60) : match.end() + 40].strip()
                out.append(
                    Problem(
                        path,
                        line_in_text(text, plain),
                        "issue",
                        "warning: web-only (issue: null), but the body names an issue of the "
                        f"New Statesman: {sentence!r}; give the issue or remove the sentence",
                    )
                )
                break
    if not article.authors:
        paragraphs = [p for p in body.strip().split("\n\n") if p.strip()]
        last = _ESCAPE.sub(r"\1", paragraphs[-1]).strip() if paragraphs else ""
        if last and (bio_authors(last) or looks_like_bio(last)):
            out.append(
                Problem(
                    path,
                    line_in_text(text, last),
                    "authors",
                    "warning: empty, but the body ends in a bio-shaped sentence: "
                    f"{last[:80]!r}; move it to author_bio and name the writers",
                )
            )
    return tuple(out)
