"""Timeline event dates as the front matter stores them, and how the site shows them.

A print timeline gives each event at the precision it knew: a day, a month, a year,
a decade or a span. The front matter keeps exactly that, in a subset of the Library
of Congress's Extended Date/Time Format (EDTF), so that nothing is invented:

| written | stored | shown | ``<time datetime>`` |
| --- | --- | --- | --- |
| 14 March 1879 | ``1879-03-14`` | 14 Mar 1879 | ``1879-03-14`` |
| June 2017 | ``2017-06`` | Jun 2017 | ``2017-06`` |
| 1872 | ``1872`` | 1872 | ``1872`` |
| 1990s | ``199X`` (EDTF: unspecified last digit) | 1990s | ``1990`` (its first year) |
| 1914-18 | ``1914/1918`` (EDTF interval) | 1914–1918 | two ``<time>``, ``1914`` and ``1918`` |
| March–May 2003 | ``2003-03/2003-05`` | Mar–May 2003 | ``2003-03`` and ``2003-05`` |

HTML's ``datetime`` grammar has no decade and no interval, so a decade's element
carries its first year and a span is two elements, one for each end: every value is
a valid year, month or date string. Sorting uses the start (``sort_key``), so a
decade or a span sorts with its first year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_POINT = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
EVENT_DATE_RE = re.compile(rf"^(?:{_POINT}|\d{{3}}X|{_POINT}/{_POINT})$")
FORMS = "YYYY-MM-DD, YYYY-MM, YYYY, a decade YYYX (199X) or a span START/END (1914/1918)"


@dataclass(frozen=True)
class Point:
    value: str  # YYYY, YYYY-MM or YYYY-MM-DD

    @property
    def label(self) -> str:
        parts = self.value.split("-")
        if len(parts) == 3:
            d = dt.date.fromisoformat(self.value)
            return f"{d.day} {d:%b %Y}"
        if len(parts) == 2:
            return f"{dt.date(int(parts[0]), int(parts[1]), 1):%b %Y}"
        return self.value


def _valid_point(text: str) -> bool:
    parts = text.split("-")
    try:
        dt.date(
            int(parts[0]),
            int(parts[1]) if len(parts) > 1 else 1,
            int(parts[2]) if len(parts) > 2 else 1,
        )
    except ValueError:
        return False
    return True


def valid(text: str) -> bool:
    """True for a stored event date this module can show."""
    if not EVENT_DATE_RE.match(text):
        return False
    if text.endswith("X"):
        return True
    if "/" in text:
        start, end = text.split("/")
        return _valid_point(start) and _valid_point(end) and start < end
    return _valid_point(text)


def sort_key(text: str) -> str:
    """The start, as a sortable string: '199X' -> '1990', '1914/1918' -> '1914'."""
    if text.endswith("X"):
        return text[:3] + "0"
    return text.partition("/")[0]


def label(text: str) -> str:
    """How the reader sees the date: '1 Jan 2008', 'Jan 2008', '2008', '1990s', '1914–1918'."""
    if text.endswith("X"):
        return text[:3] + "0s"
    if "/" in text:
        start, end = (Point(p) for p in text.split("/"))
        return _span_label(start, end)
    return Point(text).label


def _span_label(start: Point, end: Point) -> str:
    a, b = start.value.split("-"), end.value.split("-")
    if len(a) == len(b) == 2 and a[0] == b[0]:
        # Mar–May 2003
        return f"{start.label.split(' ')[0]}–{end.label}"
    if len(a) == len(b) == 3 and a[:2] == b[:2]:
        # 14–18 Mar 2003
        return f"{int(a[2])}–{end.label}"
    return f"{start.label}–{end.label}"


def times(text: str) -> tuple[tuple[str, str], ...]:
    """(datetime, label) of each ``<time>`` element the date is shown as."""
    if text.endswith("X"):
        return ((text[:3] + "0", label(text)),)
    if "/" in text:
        start, end = (Point(p) for p in text.split("/"))
        whole = _span_label(start, end)
        first, _, second = whole.partition("–")
        return ((start.value, first), (end.value, second))
    return ((text, label(text)),)
