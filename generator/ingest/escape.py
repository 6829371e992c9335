"""Scraped text to Markdown that renders as exactly that text, never as markup.

Escaping happens once, here, when ingest writes the Markdown: from then on the
article file is the editor's, and whatever Markdown the editor adds is theirs to
mean. The escaping is as light as keeps the file readable: characters that are
markup anywhere in a line (emphasis, code, links, attribute lists, tables) get a
backslash; ``<`` and entity-like ``&`` become entities, since Python-Markdown
cannot backslash-escape them; and a character that would open a block (heading,
quote, list, rule, fence, table, admonition, definition, HTML) at the start of a
line is escaped there, where it matters. ``tests/test_escape.py`` renders
arbitrary text through the site's own Markdown configuration and checks that the
text comes back unchanged.
"""

from __future__ import annotations

import re

# Any "&" that could start a character reference: browsers also read "&copy", "&#0"
# and "&pound5" without their semicolon, so only "& " and the like stay bare.
_ENTITY_LIKE = re.compile(r"&(?=[#A-Za-z])")
_ORDERED_LIST = re.compile(r"^(\d+)([.)])")
# Python-Markdown accepts a backslash before these; the others need an entity.
_BACKSLASHABLE = set("#>-+*!`_\\{}[]|")
_BLOCK_START = set("#>-+*=~|:!`_<^ \t")


# Markup anywhere in a line: each gets a backslash. Backslash first: str.replace,
# a character at a time, is many times faster than one substitution expanding a
# template for each of an article's thousands of matches, and gives the same
# text as long as the backslashes it adds are not escaped again.
_INLINE_CHARS = "\\`*_{}[]|"


def escape_inline(text: str, *, heading: bool = False) -> str:
    """Escape text for use inside a Markdown paragraph (or, with heading, a heading)."""
    if "&" in text:
        text = _ENTITY_LIKE.sub("&amp;", text)
    if "<" in text:
        text = text.replace("<", "&lt;")
    for char in _INLINE_CHARS:
        if char in text:
            text = text.replace(char, "\\" + char)
    if heading:
        # Trailing hashes close an ATX heading and would be dropped.
        text = text.replace("#", "\\#")
    return text


def escape_line(text: str, *, heading: bool = False) -> str:
    """Escape one line of text so that it is a plain line wherever it stands."""
    match = _ORDERED_LIST.match(text)
    if match:
        # "1984. That was" must stay a paragraph, not a list starting at 1984.
        head = f"{match.group(1)}\\{match.group(2)}"
        return head + escape_inline(text[match.end() :], heading=heading)
    if text and text[0] in _BLOCK_START:
        first = text[0]
        rest = escape_inline(text[1:], heading=heading)
        if first in _BACKSLASHABLE:
            return "\\" + first + rest
        return f"&#{ord(first)};{rest}"
    return escape_inline(text, heading=heading)


def escape_lines(lines: list[str]) -> list[str]:
    """``escape_line`` of each line, for many lines at once.

    Inline escaping looks at no character beyond the next one on its line, so the
    lines that need nothing at their start are escaped joined by newlines, in one
    pass of each replacement instead of one per line and character.
    """
    heads: list[str | None] = []
    rests: list[str] = []
    for line in lines:
        first = line[:1]
        if first in _BLOCK_START or first.isdecimal() or "\n" in line:
            heads.append(escape_line(line))
        else:
            heads.append(None)
            rests.append(line)
    escaped = iter(escape_inline("\n".join(rests)).split("\n"))
    return [head if head is not None else next(escaped) for head in heads]
