"""What every gate returns: the problems it found, each naming a page, and its figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.formatting import url_of_file

# A report longer than this stops being read: the first problems and a count are
# what an editor acts on (the same mistake in a template shows on every page).
MAX_LINES_SHOWN = 60


@dataclass(frozen=True)
class Finding:
    """One problem: the page it is on (a site URL path such as ``/articles/x/``,
    or ``file:line:col`` when a line is known) and what is wrong, in words."""

    page: str
    problem: str

    def __str__(self) -> str:
        return f"{self.page}: {self.problem}"


@dataclass
class GateResult:
    name: str
    findings: list[Finding] = field(default_factory=list)
    # One line of figures for the report (pages checked, sizes, counts).
    summary: str = ""
    # Said but not failing: what was ignored and why, or what could not be checked.
    notes: list[str] = field(default_factory=list)
    figures: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings

    def report(self, limit: int = MAX_LINES_SHOWN) -> str:
        status = "ok" if self.ok else f"FAILED, {len(self.findings)} problem(s)"
        lines = [f"== {self.name}: {status}" + (f" ({self.summary})" if self.summary else "")]
        lines += [f"  {finding}" for finding in self.findings[:limit]]
        if len(self.findings) > limit:
            lines.append(f"  ... and {len(self.findings) - limit} more")
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


class GateError(Exception):
    """A gate could not run at all (a missing tool); the message says how to fix it."""


def url_of(site: Path, html: Path) -> str:
    """The URL path a reader sees for a built file: ``site/a/b/index.html`` is ``/a/b/``."""
    return url_of_file(html.relative_to(site).as_posix())
