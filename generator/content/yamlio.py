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


# The budget every YAML text is held to before a value is built from it. Front
# matter nests five deep (timelines.0.events.0.date); 64 leaves room for any
# curation file and stops a "5,000-deep" file long before Python's recursion
# limit. Anchors and aliases (&name, *name) are refused outright: no editor needs
# them, and nine nested aliases in a 386-byte file ("billion laughs") expand to a
# billion nodes for anything that walks the values. Without aliases a document has
# at most as many nodes as it has characters, so no node budget is needed.
MAX_DEPTH = 64


class YamlRefused(yaml.YAMLError):
    """A YAML text outside the budget, or with a duplicate key: ``line`` is 0-based
    within the text, like PyYAML's marks."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def audit(node: yaml.Node, offset: int = 0) -> dict[str, int]:
    """Map dotted field paths to 1-based file lines, walking the composed tree once,
    iteratively, and refusing an alias, nesting beyond MAX_DEPTH or a key given
    twice in one mapping (YAML says keys are unique; PyYAML silently keeps the
    last, so an editor's second ``title:`` would replace the first unseen)."""
    lines: dict[str, int] = {"": offset + node.start_mark.line + 1}
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str, int]] = [(node, "", 0)]
    while stack:
        n, prefix, depth = stack.pop()
        if id(n) in seen:
            # An alias is the anchored node itself: the line is the anchor's.
            raise YamlRefused(
                n.start_mark.line,
                "anchors and aliases (&name, *name) are not allowed; this value is used "
                "again by an alias",
            )
        seen.add(id(n))
        if isinstance(n, yaml.ScalarNode):
            continue
        if depth >= MAX_DEPTH:
            raise YamlRefused(n.start_mark.line, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(n, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key_node, value_node in n.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    stack.append((key_node, prefix, depth + 1))
                name = str(key_node.value)
                line = offset + key_node.start_mark.line + 1
                if isinstance(key_node, yaml.ScalarNode) and name in keys:
                    raise YamlRefused(
                        key_node.start_mark.line,
                        f"duplicate key {name!r} (first on line {keys[name]}); "
                        "each key may appear once",
                    )
                keys[name] = line
                key = f"{prefix}.{name}" if prefix else name
                lines.setdefault(key, line)
                stack.append((value_node, key, depth + 1))
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                key = f"{prefix}.{i}" if prefix else str(i)
                lines.setdefault(key, offset + item.start_mark.line + 1)
                stack.append((item, key, depth + 1))
    return lines


def load(text: str) -> Any:
    """The data of a YAML text, by libyaml, within the budget (no line numbers, no
    error mapping: a YamlRefused is a yaml.YAMLError)."""
    return _compose_and_load(text)[1]


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
    return decode_text(raw, shown)


def decode_text(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """``read_text`` of bytes already read."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(shown, line, "file", "is not UTF-8 text; save it as UTF-8")]
    return normalise(text), []


def normalise(text: str) -> str:
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _compose_and_load(text: str, offset: int = 0) -> tuple[dict[str, int] | None, Any]:
    """One libyaml parse for both the line map (``audit``) and the data."""
    loader = FastTolerantLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        # Audited before a value is built: building shares aliased values, but
        # anything that then walks them would pay for every expansion.
        lines = audit(node, offset)
        return lines, loader.construct_document(node)
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
            lines, data = _compose_and_load(text, offset)
        except YamlRefused:
            raise
        except yaml.YAMLError as error:
            if "nesting depth" in str(error):
                # libyaml's own limit (1,000 levels): the pure-Python parser would
                # recurse that deep before saying anything better.
                mark = getattr(error, "problem_mark", None)
                message = f"nested more than {MAX_DEPTH} levels deep"
                raise YamlRefused(mark.line if mark else 0, message) from error
            # libyaml's messages are terser; the pure-Python parser says more, and
            # an editor reads this message, so let it find the error again (its
            # composer recurses: a nesting libyaml refused may exhaust the stack).
            node = yaml.compose(text, Loader=TolerantLoader)
            lines = audit(node, offset) if node is not None else None
            data = yaml.load(text, Loader=TolerantLoader)
    except YamlRefused as refused:
        return None, [Problem(shown, offset + refused.line + 1, field, refused.message)]
    except RecursionError:
        message = f"nested more than {MAX_DEPTH} levels deep"
        return None, [Problem(shown, offset + 1, field, message)]
    except yaml.YAMLError as error:
        return None, [yaml_problem(error, shown, offset, field)]
    if lines is None:
        lines = {"": offset + 1}
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
