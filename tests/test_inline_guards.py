"""The inline patterns' guards (generator/site/inline_guards.py): every guard is
applied with the libraries installed, and a page converts to the same HTML with
the guards as without them."""

from __future__ import annotations

import html as html_module
from typing import Any

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site import inline_guards
from tests.conftest import site_markdown_extensions

GUARDS_EXTENSION = "generator.site.inline_guards"


def _convert(text: str, guarded: bool) -> str:
    names, options = site_markdown_extensions()
    if not guarded:
        names = [name for name in names if name != GUARDS_EXTENSION]
    return markdown.Markdown(extensions=names, extension_configs=options).convert(text)


def test_the_site_converts_with_the_guards_and_every_guard_applies() -> None:
    names, options = site_markdown_extensions()
    assert GUARDS_EXTENSION in names
    md = markdown.Markdown(extensions=names, extension_configs=options)
    md.convert("text")
    # A pattern a library changed goes unguarded: correct, but slower, and this
    # says which guard to read again.
    assert inline_guards.guard_patterns(md) == list(inline_guards.GUARDS)


# Pieces of Markdown around what each guarded pattern looks for.
_PIECES = [
    "word",
    " ",
    "\n",
    "\n\n",
    "`",
    "``",
    "\\`",
    "\\\\",
    "code",
    "@",
    "@editor",
    "a@b.org",
    "x:handle",
    "@x:someone",
    "http://",
    "https://ns.example/a?b=1",
    "ftp://f.example",
    "www.",
    "WWW.example.org",
    "example.com",
    ".",
    "[",
    "]",
    "(",
    ")",
    "[a](b)",
    "[ref]",
    "[ref]: http://r.example",
    "!",
    "*",
    "_",
    "<",
    ">",
    "<b>",
    "&amp;",
    "'",
    '"',
    "-",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_the_guards_change_no_page(text: str) -> None:
    assert _convert(text, guarded=True) == _convert(text, guarded=False)


def test_what_each_guarded_pattern_matches_is_still_matched() -> None:
    text = (
        "Mail a@b.org, see https://ns.example/x and www.example.org, ask @editor or "
        "x:handle, run `code`, read [the piece](https://ns.example/p) or [ref].\n\n"
        "[ref]: https://ns.example/r\n"
    )
    html = _convert(text, guarded=True)
    assert html == _convert(text, guarded=False)
    for made in (
        'href="mailto:a@b.org"',
        'href="https://ns.example/x"',
        'href="http://www.example.org"',
        'href="https://x.com/editor"',
        "<code>code</code>",
        'href="https://ns.example/p"',
        'href="https://ns.example/r"',
    ):
        # Python-Markdown writes a mail address as character references.
        assert made in html_module.unescape(html), made


def test_the_cost_tool_measures_the_built_pages_with_and_without_the_guards(
    seed_project: Any,
) -> None:
    from devtools import markdown_cost

    costs = markdown_cost.measure(seed_project.docs_dir(), 3, compare=True)
    folders = {c.folder for c in costs}
    assert {"articles", "issues", "authors"} <= folders
    for cost in costs:
        assert cost.sampled == min(3, cost.pages) and cost.median_ms > 0, cost
        assert cost.same_html, cost.folder
