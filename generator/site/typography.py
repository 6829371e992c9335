"""Typographic quotes, dashes and ellipses, set when a page is rendered.

The Markdown in ``content/`` keeps the characters the scrape had (straight quotes,
`` - `` for a dash, ``. . .``); the page shows what a printed magazine would:
“curly quotes”, ’ for an apostrophe, a spaced en dash and a single ellipsis.

A Python-Markdown extension (named in mkdocs.yml) whose postprocessor runs on each
page's finished HTML, after the raw HTML of the templates is back in place, so the
headlines, standfirsts and timelines the templates print are set the same way as
the body. It changes text only: never a tag or an attribute, never the inside of
``<code>``, ``<pre>``, ``<kbd>``, ``<script>`` or ``<style>``. Python-Markdown's own
``smarty`` works on Markdown text only and knows no `` - `` or ``. . .``.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

# Tags, comments and the raw-text elements whose contents stay as they are.
_TOKEN = re.compile(
    r"(<!--.*?-->|<(code|pre|kbd|script|style|textarea)\b[^>]*>.*?</\2\s*>|<[^>]*>)",
    re.S | re.I,
)
# Quote characters as Markdown and Jinja's autoescape write them.
_DOUBLE = re.compile(r'"|&quot;|&#34;|&#x22;', re.I)
_SINGLE = re.compile(r"'|&#39;|&#x27;|&apos;", re.I)
_ELLIPSIS = re.compile(r"\.\s\.\s\.|\.\.\.")
_DASH = re.compile(r"(?<=\S) (?:-|--|–) (?=\S)|(?<=\w)---?(?=\w)")
_QUOTE = re.compile("[\"']")
# Characters after which a quote opens rather than closes.
_OPENERS = set(" \t\n\u00a0([{“‘—–/")


def _dash(match: re.Match[str]) -> str:
    return " – " if match.group(0).startswith(" ") else "—"


def smarten(text: str, before: str = "") -> str:
    """``text`` with typographic punctuation; ``before`` is the character that
    precedes it on the page (the end of the previous run of text), for quotes."""
    # Each expression is run only on text that holds what it needs: most runs of
    # text on a page are short and hold none of it (run on every run, the four
    # passes were 1.8 of an article page's 12.9 ms in Python-Markdown, 2026-12-07).
    if "." in text:
        text = _ELLIPSIS.sub("…", text)
    if " -" in text or " –" in text or "--" in text:
        text = _DASH.sub(_dash, text)
    if "&" in text:
        text = _SINGLE.sub("'", _DOUBLE.sub('"', text))
    if '"' not in text and "'" not in text:
        return text
    # Only the quotes are visited, each judged by the character before it (the
    # one it became, if that was a quote too): a loop over every character was
    # 15% of an article page's render (py-spy, 2026-12-07).
    out: list[str] = []
    position = 0
    last = ""  # what the quote just before became, if it ends where this starts
    for match in _QUOTE.finditer(text):
        i = match.start()
        previous = last if i == position and last else (text[i - 1] if i else before)
        if match.group(0) == '"':
            char = "“" if (not previous or previous in _OPENERS) else "”"
        else:
            # An apostrophe before a digit elides (’90s); before a letter it opens.
            opens = (not previous or previous in _OPENERS) and text[i + 1 : i + 2].isalpha()
            char = "‘" if opens else "’"
        out.append(text[position:i])
        out.append(char)
        position = i + 1
        last = char
    if not out:
        return text
    out.append(text[position:])
    return "".join(out)


def smarten_html(html: str) -> str:
    """Every run of text in ``html`` smartened, tags and code left alone."""
    out: list[str] = []
    previous = ""
    position = 0
    for match in _TOKEN.finditer(html):
        text = html[position : match.start()]
        if text:
            done = smarten(text, previous)
            out.append(done)
            previous = _last_char(done) or previous
        out.append(match.group(0))
        tag = match.group(0)[1:4].lower()
        if tag.startswith(("p", "br", "li", "h", "td", "/p", "/li", "/h", "div")):
            previous = ""  # a new block: a quote after it opens
        position = match.end()
    tail = html[position:]
    if tail:
        out.append(smarten(tail, previous))
    return "".join(out)


def _last_char(text: str) -> str:
    # An entity at the end stands for one character; what matters is that it is
    # not a space, so any non-space stand-in will do.
    if text.endswith(";") and "&" in text[-10:]:
        return "x"
    return text[-1:]


class _Typography(Postprocessor):
    def run(self, text: str) -> str:
        return smarten_html(text)


class TypographyExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Priority 5: after the raw HTML postprocessor (30) has put the templates'
        # markup back, so their text is set too.
        md.postprocessors.register(_Typography(md), "ns_typography", 5)


def makeExtension(**kwargs: object) -> TypographyExtension:
    return TypographyExtension(**kwargs)
