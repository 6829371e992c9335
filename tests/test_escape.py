"""Scraped text stays text: escaped Markdown rendered by the site's own engine.

Every test renders through mkdocs.yml's ``markdown_extensions`` and asserts on the
HTML, so a new extension that gives some character a meaning is caught here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ingest.article_markdown import body_markdown
from generator.ingest.escape import escape_line
from generator.ingest.scrape import BodyPart
from generator.site.typography import smarten

Render = Callable[[str], BeautifulSoup]


def _normalise(text: str) -> str:
    # Dashes are folded: whether a spaced hyphen next to a link or at a run's edge
    # becomes an en dash is the typography's business (its own tests), not escaping's.
    return " ".join(text.split()).replace("–", "-").replace("—", "-")


def _shown(text: str) -> str:
    """What the page shows for ``text``: the site sets typographic quotes, dashes
    and ellipses when it renders (generator/site/typography.py)."""
    return _normalise(smarten(_normalise(text)))


def render_paragraph(render: Render, line: str) -> BeautifulSoup:
    return render(body_markdown((BodyPart("paragraph", (line,)),)))


def elements(html: BeautifulSoup) -> list[Tag]:
    # lxml wraps a fragment in html/body; those are not from the Markdown.
    return [t for t in html.find_all(True) if t.name not in ("html", "body")]


def test_a_year_at_the_start_of_a_paragraph_is_not_a_list(render_markdown: Render) -> None:
    html = render_paragraph(render_markdown, "1984. That was the year it all began.")
    assert html.find(["ol", "ul", "li"]) is None
    assert [t.name for t in elements(html)] == ["p"]
    assert html.p.get_text() == "1984. That was the year it all began."


def test_script_tags_are_shown_as_text_and_never_run(render_markdown: Render) -> None:
    text = 'He typed <script>alert(1)</script> and <img src=x onerror="alert(2)">.'
    html = render_paragraph(render_markdown, text)
    assert html.find(["script", "img"]) is None
    assert _normalise(html.p.get_text()) == _shown(text)


def test_a_markdown_link_in_the_text_is_not_a_link(render_markdown: Render) -> None:
    for text in (
        "[x](javascript:alert(1))",
        "![x](javascript:alert(1))",
        "<javascript:alert(1)>",
        "[x]: javascript:alert(1)",
        "see [x][1] and [y] <a href='javascript:alert(1)'>y</a>",
    ):
        html = render_paragraph(render_markdown, text)
        assert html.find(["a", "img"]) is None, text
        assert _normalise(html.get_text()) == _shown(text)


@pytest.mark.parametrize(
    "text",
    [
        "* not a bullet",
        "+ not a bullet",
        "- not a bullet",
        "# not a heading",
        "### not a heading ###",
        "> not a quote",
        "= not a setext underline",
        "===",
        "---",
        "***",
        "~~~ not a fence",
        "``` not a fence",
        "| not | a | table |",
        ": not a definition",
        "!!! note not an admonition",
        "    four spaces, not code",
        "\tnot code either",
        "1) not a list",
        "2008. A year",
        "<div>not html</div>",
        "<!-- not a comment -->",
        "[TOC]",
        "*emphasis* _emphasis_ **strong** `code` ~~strike~~",
        "a \\* backslash \\\\ and &amp; entity &#169; &copy;",
        "[^1] not a footnote {: .not-an-attribute}",
    ],
)
def test_markup_at_the_start_of_a_line_is_a_character(render_markdown: Render, text: str) -> None:
    html = render_paragraph(render_markdown, text)
    assert [t.name for t in elements(html)] == ["p"], str(html)
    assert _normalise(html.p.get_text()) == _shown(text)


def test_markup_inside_a_multi_line_paragraph_is_a_character(render_markdown: Render) -> None:
    # Kept line breaks (verse, inscriptions): every line is escaped where it starts,
    # so a second line of '---' or '===' cannot turn the first into a heading.
    lines = ("Living together", "---", "1984. A year", "> quoted", "===", "| a | b |", "| - | - |")
    html = render_markdown(body_markdown((BodyPart("paragraph", lines),)))
    assert [t.name for t in elements(html)] == ["p"] + ["br"] * (len(lines) - 1)
    assert [_normalise(line) for line in html.p.get_text().split("\n")] == [
        _shown(line) for line in lines
    ]


def test_crossheads_render_as_exactly_their_text(render_markdown: Render) -> None:
    for text in ("1. The Bus", "Who wins? #hashtag ##", "*Not* [emphasis](x)", "A <b>tag</b>"):
        html = render_markdown(body_markdown((BodyPart("crosshead", (text,)),)))
        assert [t.name for t in elements(html)] == ["h2"], text
        assert _normalise(html.h2.get_text()) == _shown(text)


def test_bare_addresses_and_handles_may_become_links_with_the_same_text(
    render_markdown: Render,
) -> None:
    text = "Visit http://www.granta.com or follow @4refugeewomen."
    html = render_paragraph(render_markdown, text)
    links = html.find_all("a")
    assert [a.get_text() for a in links] == ["http://www.granta.com", "@4refugeewomen"]
    assert all(a["href"].startswith(("http://", "https://")) for a in links)
    assert _normalise(html.p.get_text()) == _shown(text)


# A broad alphabet: Markdown's own punctuation, HTML, entities, whitespace of every
# kind, and hostile Unicode (bidi overrides, zero-width characters, combining marks,
# astral characters, private use), plus whole fragments that mean something to
# Markdown or HTML, so that they meet often enough to be tried. Control characters
# are left out: clean_lines() removes them before anything is escaped.
MARKUP = "\\`*_{}[]()<>#+-.!|:~=^&;\"'/@%$?,0123456789 \t"
HOSTILE = (
    "\u00a0\u2003\u202e\u202d\u2066\u2069\u200d\u200c\u034f\u0301\u0308\ufe0f"
    "\U0001f600\U0001f9d1\u200d\U0001f52c\ue000\u3000\u2028\ufeff\u00ad"
    "ﬁÅﷺ𝔄٣٤"
)
FRAGMENTS = [
    "&#0", "&#65;", "&#x41", "&copy", "&amp;", "&lt", "&notit", "&pound5", "<!--", "-->",
    "<b>", "</p>", "<script>", "<http://a.b>", "http://a.b/c_d", "www.x.co", "@handle",
    "a@b.co", "[x]", "(javascript:alert(1))", "![i]", "[^1]", "{: .c}", "*a*", "__b__",
    "`c`", "~~d~~", "1984. ", "1) ", "* ", "+ ", "- ", "# ", "> ", "=== ", "--- ", "***",
    "```", "~~~", "| a |", ": ", "!!! ", "    ", "[TOC]", "\\", "  ",
]  # fmt: skip
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(
            alphabet=st.one_of(
                st.sampled_from(MARKUP + HOSTILE + "abcXYZ"),
                st.characters(
                    blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                    blacklist_characters="\u2028\u2029\x85",
                ),
            ),
            max_size=8,
        ),
    ),
    max_size=12,
).map("".join)


def _is_link_text(tag: Tag) -> bool:
    # magiclink: bare web (and ftp) addresses, e-mail addresses and @handles only.
    href = tag.get("href", "")
    return tag.name == "a" and href.startswith(("http://", "https://", "ftp://", "mailto:"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_text)
def test_any_line_renders_as_exactly_its_text(render_markdown: Render, text: str) -> None:
    from generator.ingest.decoding import clean_lines

    (line,) = clean_lines(text)
    html = render_markdown(escape_line(line))
    tags = elements(html)
    assert all(t.name in ("p", "br") or _is_link_text(t) for t in tags), (line, str(html))
    assert _normalise(html.get_text()) == _shown(line), (line, str(html))


@settings(max_examples=150, deadline=None)
@given(text=hostile_text)
def test_raw_escape_line_never_produces_markup(render_markdown: Render, text: str) -> None:
    """Even without clean_lines, no line gives an element other than p/br/a."""
    line = re.sub(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]", "", text)
    html = render_markdown(escape_line(line))
    assert all(t.name in ("p", "br") or _is_link_text(t) for t in elements(html)), (line, str(html))
    assert _normalise(html.get_text()) == _shown(line), (line, str(html))
