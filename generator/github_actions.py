"""GitHub Actions workflow commands: an ``::error`` line after a problem makes the
pull request show it on the file's line (or in the checks list). The escaping
rules are GitHub's (actions/toolkit, core/src/command.ts): ``%``, CR and LF in the
message; those and ``:`` and ``,`` in a property such as the file name. Any other
line of output that would read as a command (``::...``, e.g. from a file name
holding a line break) is prefixed so that the runner shows it and does not obey it.
"""

from __future__ import annotations

import os
import re

PROBLEM_LINE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+): (?P<message>.+)$")


def in_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def error(message: str, **properties: str) -> str:
    """``::error file=...,line=...::message``, every part escaped."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::error{' ' if props else ''}{props}::{escape_data(message)}"


def annotated(text: str) -> str:
    """``text`` with an annotation after each ``path:line: message`` line when run in
    Actions (unchanged elsewhere)."""
    if not in_actions():
        return text
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("::"):
            # Text from the content (a file name with a line break in it) that
            # reads as a workflow command: shown, never obeyed.
            out.append("| " + line)
            continue
        out.append(line)
        m = PROBLEM_LINE.match(line)
        if m:
            out.append(error(m["message"], file=m["file"], line=m["line"]))
    return "\n".join(out)
