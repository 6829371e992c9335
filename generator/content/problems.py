"""Problems an editor can find (``path:line: field: message``) and the validator
that collects them while it turns parsed YAML into typed values.

The article schema (schema.py) and the curation files (curation.py) both check
their YAML through ``Validator``, so a wrong type reads the same wherever it is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an article, at a place an editor can find."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        # One line, always: a key or file name an editor wrote may hold a line
        # break, and a second line starting "::error" would be a command to the
        # GitHub Actions runner reading the log (generator/github_actions.py).
        return (
            f"{printable(self.path)}:{self.line}: {printable(self.field)}: "
            f"{printable(self.message)}"
        )


# Line breaks and other controls, shown as escapes in a one-line message.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` on one line: each control character as its escape (``\\n``)."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


def kind_of(value: Any) -> str:
    """How a message names the type of a YAML value ("a list", "true/false")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


# Characters no page, feed or search file may hold: C0 controls but tab and line
# breaks, DEL, lone surrogates and the two non-characters XML forbids. A NUL
# in a title passed check and then stopped the build inside lxml (the feed).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Issue dates a build can stamp: the New Statesman first appeared in 1913, and a
# gzip header or a 32-bit SOURCE_DATE_EPOCH holds a time only up to 2106-02-07.
ISSUE_YEARS = range(1913, 2101)
# A name or slug becomes a file and folder name (authors/<slug>/index.html, and
# the ".<name>.<pid>-<n>.tmp" of an atomic write): most file systems allow 255
# bytes; 150 characters of a slug leaves room for both.
MAX_NAME = 150


_C0_AND_DEL = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def has_control(text: str) -> bool:
    """Does ``text`` hold a character CONTROL matches? The regex alone cost 1 ms on
    a 12,000-character body (a character class with a surrogate range is searched
    character by character); encoded, C0 and DEL are one bytes.translate away."""
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        return True  # a lone surrogate
    return (
        len(raw.translate(None, _C0_AND_DEL)) != len(raw)
        or b"\xef\xbf\xbe" in raw
        or b"\xef\xbf\xbf" in raw
    )


def control_problem(text: str) -> str | None:
    """The message for text holding a control character, or None."""
    if not has_control(text):
        return None
    m = CONTROL.search(text)
    if m is None:
        return None
    return (
        f"holds the control character U+{ord(m.group()):04X} at character {m.start() + 1}; "
        "remove it"
    )


@dataclass
class Validator:
    """Reads values out of a parsed YAML mapping, collecting problems.

    ``lines`` maps a dotted field path (``timelines.0.events.3.date``) to the line
    where it appears in the file, so a message points at the exact place.
    """

    path: str
    lines: dict[str, int]
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, where: str) -> int:
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where.rpartition(".")[0]
        return self.lines.get("", 1)

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.path, self.line_of(where), where, message))

    def text(self, value: Any, where: str, *, nullable: bool) -> str | None:
        if value is None:
            if not nullable:
                self.fail(where, "is required and must be text")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(where, f"must be text, not {kind_of(value)}")
            return None
        text = str(value).strip()
        if not text and not nullable:
            self.fail(where, "must not be empty")
        control = control_problem(text)
        if control:
            self.fail(where, control)
            return None
        return text or None

    def name(self, value: Any, where: str) -> str | None:
        """A name that becomes an address (a writer's, a topic's): text of at most
        MAX_NAME characters."""
        text = self.text(value, where, nullable=False)
        if text is not None and len(text) > MAX_NAME:
            self.fail(where, f"is {len(text)} characters long; a name may have {MAX_NAME}")
            return None
        return text

    def text_list(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(where, f"must be a list of text, not {kind_of(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            text = self.text(item, f"{where}.{i}", nullable=False)
            if text:
                out.append(text)
        return tuple(out)

    def mapping(self, value: Any, where: str, keys: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            expected = ", ".join(sorted(keys))
            self.fail(where, f"must be a mapping with {expected}, not {kind_of(value)}")
            return None
        for key in value:
            if key not in keys:
                expected = ", ".join(sorted(keys))
                self.fail(f"{where}.{key}", f"unknown key; expected one of {expected}")
        return value

    def date(self, value: Any, where: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value.strip())
        if isinstance(value, dt.date):
            if value.year not in ISSUE_YEARS:
                first, last = ISSUE_YEARS[0], ISSUE_YEARS[-1]
                self.fail(where, f"{value.isoformat()} is not between {first} and {last}")
                return None
            return value
        if value is None:
            self.fail(where, "is required: a date as YYYY-MM-DD")
        else:
            self.fail(where, f"{value!r} is not a date; write it as YYYY-MM-DD")
        return None
