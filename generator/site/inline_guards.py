"""Python-Markdown's slowest inline patterns skipped on text they cannot match.

Python-Markdown tries every inline pattern on every run of text of a page
(``InlineProcessor``). A regular expression that starts with a look-behind, as
the code span's and pymdownx.magiclink's bare address and @mention patterns do,
gives the regex engine no first character to scan for, so it is tried at every
position of the text. Measured on 300 article pages of the 10,000-article
synthetic archive (2026-12-07), each pattern's searches replayed alone: of 15 ms
a page in Python-Markdown, the code span took 2.0 ms, the bare e-mail address
2.3 ms, the two @mentions 1.0 ms and the bare link 0.8 ms, though hardly a page
holds a backtick or an @; the three patterns of a link or a reference (a
look-behind, then ``[``) 0.35 to 0.4 ms each. With these guards the page took
10.2 ms where it took 15.2, with the same HTML (``python -m
devtools.markdown_cost build/docs --compare`` measures it again).

Each guard names a string without which its pattern cannot match, read from the
pattern's expression: a code span needs a backtick, an address or a mention an
``@``, a bare link ``://`` or ``www.``, a link ``[``. When the text from where
the search starts holds none, the search is not run: the same result, found
without the scan. A guard is applied only to a pattern whose expression begins
as the one it was written for, so a pattern changed by a new version of a
library goes unguarded (slower, never wrong), and tests/test_inline_guards.py
fails to say so.

A Python-Markdown extension named in mkdocs.yml. It wraps the patterns when the
first page is converted, not when it is loaded, so it sees the patterns of every
extension whatever the order they are listed in.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

Present = Callable[[str, int], bool]


def _holds(needle: str) -> Present:
    # One find, no generator: a guard runs for each pattern on each run of text,
    # and with a generator expression here (and a case-blind regex for www.) the
    # guards' own calls were 6% of an article body's conversion (py-spy).
    def present(text: str, start: int) -> bool:
        return text.find(needle, start) >= 0

    return present


def _holds_link(text: str, start: int) -> bool:
    # magiclink's RE_LINK: (?:ht|f)tps?:// or www\. (case-insensitive), so a
    # "://" or two w's in a row, of either case.
    find = text.find
    return (
        find("://", start) >= 0
        or find("ww", start) >= 0
        or find("WW", start) >= 0
        or find("wW", start) >= 0
        or find("Ww", start) >= 0
    )


@dataclass(frozen=True)
class Guard:
    """``prefix``: how the pattern's expression must begin for ``present`` to be a
    condition of any match (the string it names sits at the top level of that
    beginning, outside any alternative or repetition)."""

    prefix: str
    present: Present


GUARDS: dict[str, Guard] = {
    # markdown.inlinepatterns.BACKTICK_RE: both alternatives end in or look ahead
    # to a backtick.
    "backtick": Guard(r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", _holds("`")),
    # markdown.inlinepatterns.LINK_RE and REFERENCE_RE: a look-behind, then a [.
    "reference": Guard(r"(?<!\!)\[", _holds("[")),
    "link": Guard(r"(?<!\!)\[", _holds("[")),
    "short_reference": Guard(r"(?<!\!)\[", _holds("[")),
    # pymdownx.magiclink.RE_MAIL: local part, then an @.
    "magic-mail": Guard(
        "(?xi)\n(?P<mail>\n    (?<![-/\\+@a-z\\d_])(?<![-+a-z\\d_]\\.)"
        "(?:[-+a-z\\d_]([-a-z\\d_+]|\\.(?!\\.))*)  # Local part\n    (?<!\\.)@",
        _holds("@"),
    ),
    # pymdownx.magiclink.RE_LINK.
    "magic-link": Guard(
        "(?xi)\n(?<![^\\s*_~^[('\"\\x03])(?:\n    (?:ht|f)tps?://|"
        "                                        # (http|ftp)://\n    (?P<www>w{3}\\.)",
        _holds_link,
    ),
    # pymdownx.magiclink.RE_ALL_EXT_MENTIONS and RE_INT_MENTIONS: an @ first.
    "magic-ext-mention": Guard("(?x)\n(?P<mention>\n    (?<![a-zA-Z])@\n", _holds("@")),
    "magic-int-mention": Guard("(?P<mention>(?<![a-zA-Z])@", _holds("@")),
}


class _GuardedRegex:
    """A compiled expression whose ``finditer`` (what ``InlineProcessor`` calls)
    returns nothing at once when the text cannot match."""

    __slots__ = ("_present", "_regex")

    def __init__(self, regex: re.Pattern[str], present: Present) -> None:
        self._regex = regex
        self._present = present

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[Any]:
        if not self._present(string, pos):
            return iter(())
        return self._regex.finditer(string, pos, endpos)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._regex, name)


def guard_patterns(md: Markdown) -> list[str]:
    """Wrap ``md``'s guarded inline patterns; returns the names wrapped."""
    wrapped = []
    for name, guard in GUARDS.items():
        if name not in md.inlinePatterns:
            continue
        pattern = md.inlinePatterns[name]
        regex = getattr(pattern, "compiled_re", None)
        if isinstance(regex, _GuardedRegex):
            wrapped.append(name)
        elif isinstance(regex, re.Pattern) and regex.pattern.startswith(guard.prefix):
            pattern.compiled_re = _GuardedRegex(regex, guard.present)
            wrapped.append(name)
    return wrapped


class _Wrap(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        guard_patterns(self.md)
        return lines


class InlineGuardsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # First of the preprocessors; it changes no line.
        md.preprocessors.register(_Wrap(md), "ns_inline_guards", 1000)


def makeExtension(**kwargs: object) -> InlineGuardsExtension:
    return InlineGuardsExtension(**kwargs)
