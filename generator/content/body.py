"""An article's body, held as a reference to its file rather than as text.

The bodies (800 to 8,000 words an article, often stored two bytes a character
because of curly quotes) were most of the build's main process: 0.55 to 0.65 GB
at 10,000 articles, every body held for the whole build (docs/performance.md,
"Memory"). A loaded article now keeps a ``BodyRef``: where its body is in its
file, a digest of the file as it was loaded, and the figures pages need from
the text (words, reading minutes). The stages that need the text itself (the
article's page, its search record, an EPUB made without its page, ``dump``)
call ``body_text``, one article at a time, and drop it.

A file changed after it was loaded (an editor saving during a build) is a
``BodyChanged`` naming the file: the edition model was made from the version
loaded, and a page mixing its front matter with the newer body would be wrong
without a word. Building again reads the new version.

``Article.body`` is a ``str`` where the text exists only in memory (ingest's
articles before they are written, ``parse_article_text``, tests).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from generator.content.problems import Problem
from generator.content.yamlio import normalise
from generator.errors import ContentError

WORDS_PER_MINUTE = 230


@dataclass(frozen=True)
class BodyRef:
    """Where an article's body is, and what the pages need to know of it."""

    # The file, as it was loaded. Not part of the body's identity (equality, and
    # the repr that keys each EPUB in .cache/epub/): the file's digest and the
    # body's place in it pin the text, and the path is absolute, so a project
    # copied, or restored from CI's cache, to another folder made every book
    # again (tests/test_epub.py).
    path: str = field(compare=False, repr=False)
    start: int  # the body's first and last characters (end exclusive) in the
    end: int  # file's text as ``yamlio.normalise`` gives it
    line: int  # the file line of the body's first line
    digest: str  # of the file's bytes as loaded (file_digest)
    words: int  # len(body.split()): the article page's schema.org wordCount
    minutes: int  # reading_minutes(body)


class BodyChanged(ContentError):
    """The article's file is not the one its front matter was loaded from."""


def file_digest(raw: bytes) -> str:
    # BLAKE2b: hashing the whole archive's files (about 300 MB at 10,000
    # articles) costs a fraction of reading them.
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def reading_minutes(body: str) -> int:
    # An estimate wants words, not an exact count: spaces and line breaks are
    # counted at memory speed, where a word regex took 6 s over 10,000 articles on
    # every build and on every edit in the live preview.
    words = body.count(" ") + body.count("\n") + 1
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def body_ref(path: str, text: str, start: int, end: int, line: int, digest: str) -> BodyRef:
    """The reference to ``text[start:end]`` (``text``: the file's normalised text)."""
    body = text[start:end]
    return BodyRef(path, start, end, line, digest, len(body.split()), reading_minutes(body))


def read_body(ref: BodyRef) -> str:
    """The body's text, read from its file; ``BodyChanged`` if the file is not
    the one loaded."""
    try:
        with open(ref.path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise BodyChanged(
            str(Problem(ref.path, ref.line, "body", f"cannot be read again: {error.strerror}"))
        ) from error
    if file_digest(raw) != ref.digest:
        raise BodyChanged(
            str(
                Problem(
                    ref.path,
                    ref.line,
                    "body",
                    "the file changed while the site was being built (the build had "
                    "already read its front matter); build again",
                )
            )
        )
    return normalise(raw.decode("utf-8"))[ref.start : ref.end]


def body_text(body: str | BodyRef) -> str:
    """An article's body as text (``Article.body``, either kind)."""
    return body if isinstance(body, str) else read_body(body)


def word_count(body: str | BodyRef) -> int:
    return len(body.split()) if isinstance(body, str) else body.words


def body_minutes(body: str | BodyRef) -> int:
    return reading_minutes(body) if isinstance(body, str) else body.minutes
