"""The typographic pass on every rendered page (generator/site/typography.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.typography import (
    _DASH,
    _DOUBLE,
    _ELLIPSIS,
    _OPENERS,
    _SINGLE,
    smarten,
    smarten_html,
)


def _reference(text: str, before: str = "") -> str:
    """The rule stated one character at a time: a quote opens after nothing, a
    space or an opening bracket or quote, and closes otherwise; an apostrophe opens
    only before a letter. The pass visits the quotes only, and must agree."""
    text = _ELLIPSIS.sub("…", text)
    text = _DASH.sub(lambda m: " – " if m.group(0).startswith(" ") else "—", text)
    text = _SINGLE.sub("'", _DOUBLE.sub('"', text))
    out: list[str] = []
    previous = before
    for i, char in enumerate(text):
        if char == '"':
            char = "“" if (not previous or previous in _OPENERS) else "”"
        elif char == "'":
            opens = (not previous or previous in _OPENERS) and text[i + 1 : i + 2].isalpha()
            char = "‘" if opens else "’"
        out.append(char)
        previous = char
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(
    # Pieces rather than characters, so that entities and ellipses come whole.
    st.lists(st.sampled_from([*"\"'ab9 .-–(\n“‘—&#;q", "&quot;", "&#39;", "...", " - "])).map(
        "".join
    ),
    st.sampled_from(["", " ", "a", "(", "“", "”", "’", "9"]),
)
def test_the_pass_agrees_with_the_rule_character_by_character(text: str, before: str) -> None:
    assert smarten(text, before) == _reference(text, before)


def test_quotes_dashes_and_ellipses() -> None:
    assert smarten("\"It's the '90s - really...\" she said") == (
        "“It’s the ’90s – really…” she said"
    )
    assert smarten('\'Quoted\' and ""double""') == "‘Quoted’ and ““double””"
    assert smarten("x", "") == "x"
    assert smarten('"', "a") == "”"


def test_tags_and_code_are_left_alone() -> None:
    html = '<p class="a\'b">"Hi" <code>"raw" --</code> it\'s</p><p>"Next"</p>'
    assert smarten_html(html) == (
        '<p class="a\'b">“Hi” <code>"raw" --</code> it’s</p><p>“Next”</p>'
    )
