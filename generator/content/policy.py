"""The content policy: what an editor's Markdown may publish.

Articles, issue and collection introductions and ``content/home.md`` are Markdown
that anyone may change in a pull request, and Python-Markdown passes raw HTML
through. So every such text is rendered with the site's own Markdown extensions
and the HTML it gives is held against an allowlist: the tags and attributes of
ordinary text, and link addresses that are relative, ``http``, ``https`` or
``mailto`` (never ``javascript:`` or ``data:``). Anything else is a problem at
``path:line``, reported by ``check`` and stopping the build alike, because the
build runs the same check (generator/content/check.py). Nothing is silently
rewritten: an editor sees what is refused and why.

HTML comments are an editor's notes to other editors: they are allowed in the
file and stripped from what is published (pages, search index), by
``strip_comments`` here, so the text the checker judges is the text published.
An unclosed ``<!--`` would hide the rest of the page: that is a problem too.

Rendering costs as much as MkDocs rendering the page, so it runs only for text
that holds ``<``, or a link or reference definition: ingest writes every ``<`` of
a scrape as ``&lt;`` and escapes every ``[``, so scraped articles never pay.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown

from generator.content.problems import CONTROL, Problem, control_problem, has_control

# The site's Markdown extensions (mkdocs.yml's markdown_extensions; a test keeps
# the two equal), so the checker sees the HTML MkDocs will publish.
EXTENSIONS: list[str] = [
    "toc",
    "tables",
    "md_in_html",
    "nl2br",
    "generator.site.typography",
    "pymdownx.magiclink",
    "generator.site.inline_guards",
]
EXTENSION_CONFIGS: dict[str, dict[str, object]] = {
    "toc": {"permalink": False},
    "pymdownx.magiclink": {
        "hide_protocol": False,
        "social_url_shorthand": True,
        "provider": "x",
    },
}

# The tags of ordinary text (and of the HTML Markdown itself writes). Everything
# else is refused, notably meta (a refresh sends readers elsewhere, and the CSP
# cannot stop it), base, script, style, iframe, object, embed, form and its
# controls, link, svg and math (scriptable), and the raw-text elements.
_TAG_NAMES = """a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn
    div dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre
    q rp rt ruby s samp small span strong sub summary sup table tbody td tfoot th thead
    time tr u ul var wbr"""
ALLOWED_TAGS = frozenset(_TAG_NAMES.split())
_GLOBAL_ATTRS = frozenset({"class", "id", "title", "lang", "dir"})
ALLOWED_ATTRS: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "rel", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "td": frozenset({"colspan", "rowspan", "align", "style"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope", "style"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "details": frozenset({"open"}),
    "abbr": frozenset(),
}
URL_ATTRS = frozenset({"href", "src", "cite"})
LINK_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})
# Python-Markdown aligns table columns with this one inline style; any other
# style attribute is refused (the CSP would block it anyway).
_TABLE_ALIGN = re.compile(r"text-align: (?:left|right|center);")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# What browsers drop from an address before reading its scheme: leading and
# trailing C0 controls and spaces, and tabs and line breaks anywhere.
_URL_STRIP = "".join(chr(c) for c in range(0x21))
_URL_DROP = str.maketrans("", "", "\t\n\r")

_COMMENT = re.compile(r"<!--.*?(?:--!?>)", re.DOTALL)


def strip_comments(text: str) -> str:
    """``text`` without HTML comments (repeated until none is left, so that
    removing one cannot join the halves of another)."""
    if "<!--" not in text:
        return text
    while True:
        stripped = _COMMENT.sub("", text)
        if stripped == text:
            return stripped
        text = stripped


def _blank_comments(text: str) -> str:
    """Comments replaced by their line breaks, so lines keep their numbers."""
    while True:
        blanked = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
        if blanked == text:
            return blanked
        text = blanked


def url_scheme(value: str) -> str | None:
    """The scheme a browser reads in ``value`` (lower case), or None if relative."""
    cleaned = value.strip(_URL_STRIP).translate(_URL_DROP)
    m = _SCHEME.match(cleaned)
    return m.group(1).lower() if m else None


class _Audit(HTMLParser):
    """Collects (needle, message) for every tag, attribute or address the policy
    refuses; ``needle`` is text to look for in the source to find its line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.found.append(
                (
                    f"<{tag}",
                    f"<{tag}> is not allowed in an article (the content policy in "
                    "CONTRIBUTING.md lists what is)",
                )
            )
            return
        allowed = ALLOWED_ATTRS.get(tag, frozenset()) | _GLOBAL_ATTRS
        for name, value in attrs:
            value = value or ""
            if name not in allowed:
                what = "event handlers are" if name.startswith("on") else "it is"
                self.found.append(
                    (
                        name,
                        f"attribute {name!r} on <{tag}> is not allowed ({what} not "
                        "part of the content policy)",
                    )
                )
            elif name == "style" and not _TABLE_ALIGN.fullmatch(value):
                self.found.append((name, f"style {value!r} on <{tag}> is not allowed"))
            elif name in URL_ATTRS:
                scheme = url_scheme(value)
                if tag == "img" and name == "src" and scheme is not None:
                    self.found.append(
                        (
                            value[:20] or name,
                            f"image {value[:60]!r}: images must be the "
                            "site's own files (a relative address)",
                        )
                    )
                elif scheme is not None and scheme not in LINK_SCHEMES:
                    self.found.append(
                        (
                            f"{scheme}:",
                            f"address {value[:60]!r}: {scheme}: links are not "
                            "allowed; use http, https, mailto or a relative address",
                        )
                    )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_pi(self, data: str) -> None:
        self.found.append(("<?", "a processing instruction <?...> is not allowed"))

    def unknown_decl(self, data: str) -> None:
        self.found.append(("<![", "a <![...]> section is not allowed"))


def _line_of(source: str, needle: str, start_line: int) -> int | None:
    index = source.lower().find(needle.lower())
    if index < 0:
        return None
    return start_line + source.count("\n", 0, index)


def _audit(source: str) -> list[tuple[str, str]]:
    engine = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    audit = _Audit()
    audit.feed(engine.convert(source))
    audit.close()
    return audit.found


_BLOCK = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")


def _placed(source: str, found: list[tuple[str, str]], start_line: int) -> list[tuple[int, str]]:
    """Each refusal at its line: the block (text between blank lines) that gives
    it when rendered alone, and the line of its needle there. Runs only when
    something was refused, so a clean text renders once."""
    placed: list[tuple[int, str]] = []
    unplaced = {message: needle for needle, message in found}
    blocks = list(_BLOCK.finditer(source))
    if len(blocks) > 1:
        for block in blocks:
            block_line = start_line + source.count("\n", 0, block.start())
            for needle, message in _audit(block.group()):
                if message in unplaced:
                    line = _line_of(block.group(), needle, block_line) or block_line
                    placed.append((line, message))
                    unplaced.pop(message)
    first = blocks[0].start() if blocks else 0
    for message, needle in unplaced.items():
        line = _line_of(source, needle, start_line)
        placed.append((line or start_line + source.count("\n", 0, first), message))
    return sorted(set(placed))


def markdown_problems(text: str, start_line: int) -> list[tuple[int, str]]:
    """(line, message) for everything in this Markdown the policy refuses.

    ``start_line`` is the file line of the text's first line."""
    problems: list[tuple[int, str]] = []
    control = CONTROL.search(text) if has_control(text) else None
    if control is not None:
        message = control_problem(text[control.start() :]) or ""
        line = start_line + text.count("\n", 0, control.start())
        problems.append((line, message.replace("at character 1", "here")))
    # str.find is many times faster than one regex of alternatives over a body.
    if not ("<" in text or "](" in text or "]:" in text or "][" in text):
        return problems
    source = _blank_comments(text)
    unclosed = source.find("<!--")
    if unclosed >= 0:
        problems.append(
            (
                start_line + source.count("\n", 0, unclosed),
                "an HTML comment '<!--' is not closed by '-->'; it would hide the rest of the page",
            )
        )
        source = source[:unclosed]
    try:
        found = _audit(source)
        if found:
            problems += _placed(source, found, start_line)
    except (ValueError, RecursionError) as error:  # Markdown's limits, not a traceback
        problems.append((start_line, f"cannot be rendered: {error}"))
    return problems


def policy_problems(text: str, shown: str, start_line: int) -> list[Problem]:
    """``markdown_problems`` as the checker's problems, field "body"."""
    return [
        Problem(shown, line, "body", message)
        for line, message in markdown_problems(text, start_line)
    ]
