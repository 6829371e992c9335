"""Reading the YAML editors write: article front matter and the curation files.

One loader (an impossible date such as ``2008-02-30`` is read as text, so that
the schema reports it at its line instead of PyYAML crashing), one map from a
dotted field path to its line, one front-matter splitter and one translation of
a YAML error into a ``path:line`` problem, shared by article_file.py and
curation.py so that a mistake reads the same in either kind of file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from generator.content.problems import Problem

NO_FRONT_MATTER = "the file must start with a '---' line of YAML front matter"
UNCLOSED_FRONT_MATTER = "the front matter is not closed by a second '---' line"

_HANDLER = frontmatter.YAMLHandler()


def timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


class TolerantLoader(yaml.SafeLoader):
    """SafeLoader that reads an impossible date (``2008-02-30``) as text, not a crash.

    PyYAML raises a bare ValueError for a date-shaped scalar that is no date; as
    text it reaches the schema, which reports it at its line like any bad date.
    """


TolerantLoader.add_constructor("tag:yaml.org,2002:timestamp", timestamp_or_text)


class FastTolerantLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same, parsed by libyaml: loading 10,000 articles is a build's first step."""


FastTolerantLoader.add_constructor("tag:yaml.org,2002:timestamp", timestamp_or_text)


def load(text: str) -> Any:
    """The data of a YAML text, by libyaml (no line numbers, no error mapping)."""
    return yaml.load(text, Loader=FastTolerantLoader)


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML (``data``), the Markdown after it (``body``, front matter files
    only) and the line of every dotted field path (``lines``)."""

    data: Any
    body: str
    lines: dict[str, int]
    # The file line of the body's first line, for the content policy's messages.
    body_line: int = 1


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """A file as UTF-8 text with ``\\n`` line ends and no byte-order mark."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(shown, 1, "file", f"cannot read: {error}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(shown, line, "file", "is not UTF-8 text; save it as UTF-8")]
    return normalise(text), []


def normalise(text: str) -> str:
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def line_map(node: yaml.Node, offset: int) -> dict[str, int]:
    """Map dotted field paths to 1-based file lines, walking the composed YAML tree."""
    lines: dict[str, int] = {"": offset + node.start_mark.line + 1}

    def walk(n: yaml.Node, prefix: str) -> None:
        if isinstance(n, yaml.MappingNode):
            for key_node, value_node in n.value:
                key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
                lines[key] = offset + key_node.start_mark.line + 1
                walk(value_node, key)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                key = f"{prefix}.{i}" if prefix else str(i)
                lines[key] = offset + item.start_mark.line + 1
                walk(item, key)

    walk(node, "")
    return lines


def _compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """One libyaml parse for both the node tree (line numbers) and the data."""
    loader = FastTolerantLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def yaml_problem(error: yaml.YAMLError, shown: str, offset: int, field: str) -> Problem:
    """A YAML error as a problem at the line an editor has to fix."""
    context = getattr(error, "context", None) or ""
    context_mark = getattr(error, "context_mark", None)
    mark = getattr(error, "problem_mark", None) or context_mark
    if context.startswith(("while scanning", "while parsing a flow")) and context_mark:
        # An unclosed quote or a line without 'key:' is only noticed lines later;
        # the place to fix is where the scanner started reading it.
        mark = context_mark
    line = offset + mark.line + 1 if mark is not None else 1
    reason = getattr(error, "problem", None) or str(error)
    if context and mark is context_mark:
        reason = f"{context}, {reason}"
    return Problem(shown, line, field, f"invalid YAML: {reason}")


def parse_yaml(
    text: str,
    shown: str,
    *,
    offset: int = 0,
    field: str = "yaml",
    body: str = "",
    body_line: int = 1,
) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse YAML that starts ``offset`` lines into the file ``shown``."""
    try:
        try:
            node, data = _compose_and_load(text)
        except yaml.YAMLError:
            # libyaml's messages are terser; the pure-Python parser says more, and
            # an editor reads this message, so let it find the error again.
            node = yaml.compose(text, Loader=TolerantLoader)
            data = yaml.load(text, Loader=TolerantLoader)
    except yaml.YAMLError as error:
        return None, [yaml_problem(error, shown, offset, field)]
    lines = line_map(node, offset) if node is not None else {"": offset + 1}
    return YamlDoc(data, body, lines, body_line), []


def parse_front_matter(
    text: str, shown: str, *, field: str, required: bool = True
) -> tuple[YamlDoc | None, list[Problem]]:
    """Split ``---`` front matter from the Markdown body and parse it.

    ``text`` is normalised (``normalise``). Without front matter, a file that
    does not require it is all body, with no data (``None``).
    """
    if not _HANDLER.detect(text):
        if required:
            return None, [Problem(shown, 1, "front matter", NO_FRONT_MATTER)]
        lead = len(text) - len(text.lstrip("\n"))
        return YamlDoc(None, text.strip("\n"), {"": 1}, lead + 1), []
    try:
        fm_text, body = _HANDLER.split(text)
    except ValueError:
        return None, [Problem(shown, 1, "front matter", UNCLOSED_FRONT_MATTER)]
    # fm_text starts right after the opening '---' (its line 0 is the rest of that
    # line), so a 0-based line in it is that many lines below the opening boundary.
    opening = _HANDLER.FM_BOUNDARY.search(text)
    offset = text[: opening.end()].count("\n") if opening else 0
    # The body's first line: after the closing '---' and any blank lines.
    body_start = len(text) - len(body.lstrip("\n"))
    return parse_yaml(
        fm_text,
        shown,
        offset=offset,
        field=field,
        body=body.strip("\n"),
        body_line=text.count("\n", 0, body_start) + 1,
    )
