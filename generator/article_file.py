"""Reading and writing ``content/articles/<slug>.md``: YAML front matter plus Markdown.

Reading keeps the line of every field, so that the checker can point an editor at
``path:line``; writing is deterministic, so that ingesting twice changes no byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from generator.schema import Article, Problem, article_from_front_matter

_HANDLER = frontmatter.YAMLHandler()
# libyaml's emitter is ten times faster than PyYAML's pure-Python one; the two
# write the same text for the plain types the schema uses.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class TolerantLoader(yaml.SafeLoader):
    """SafeLoader that reads an impossible date (``2008-02-30``) as text, not a crash.

    PyYAML raises a bare ValueError for a date-shaped scalar that is no date; as
    text it reaches the schema, which reports it at its line like any bad date.
    """


def timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


TolerantLoader.add_constructor("tag:yaml.org,2002:timestamp", timestamp_or_text)


class FastTolerantLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same, parsed by libyaml: loading 10,000 articles is a build's first step."""


FastTolerantLoader.add_constructor("tag:yaml.org,2002:timestamp", timestamp_or_text)


def _compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """One parse for both the node tree (line numbers) and the data."""
    loader = FastTolerantLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def dump_article(article: Article) -> str:
    """The exact text of an article file."""
    meta = yaml.dump(
        article.front_matter(),
        # SafeDumper quotes any text that YAML would read back as something else
        # ("No", "1984", "2008-01-01"), so a title always stays a title.
        Dumper=_DUMPER,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100_000,
    )
    body = article.body.strip("\n")
    return f"---\n{meta}---\n\n{body}\n"


@dataclass(frozen=True)
class LoadedArticle:
    path: Path
    article: Article | None
    problems: tuple[Problem, ...]
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def _line_map(node: yaml.Node, offset: int) -> dict[str, int]:
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


def parse_article_text(text: str, display_path: str, slug: str | None) -> LoadedArticle:
    """Parse article text; never raises on bad input, reports problems instead."""
    path = Path(display_path)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _HANDLER.detect(text):
        problem = Problem(
            display_path,
            1,
            "front matter",
            "the file must start with a '---' line of YAML front matter",
        )
        return LoadedArticle(path, None, (problem,))
    try:
        fm_text, body = _HANDLER.split(text)
    except ValueError:
        problem = Problem(
            display_path, 1, "front matter", "the front matter is not closed by a second '---' line"
        )
        return LoadedArticle(path, None, (problem,))
    # fm_text starts right after the opening '---' (its line 0 is the rest of that
    # line), so a 0-based line in it is that many lines below the opening boundary.
    opening = _HANDLER.FM_BOUNDARY.search(text)
    offset = text[: opening.end()].count("\n") if opening else 0
    try:
        try:
            node, data = _compose_and_load(fm_text)
        except yaml.YAMLError:
            # libyaml's messages are terser; the pure-Python parser says more, and
            # an editor reads this message, so let it find the error again.
            node = yaml.compose(fm_text, Loader=TolerantLoader)
            data = yaml.load(fm_text, Loader=TolerantLoader)
    except yaml.YAMLError as error:
        context = getattr(error, "context", None) or ""
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        if context.startswith(("while scanning", "while parsing a flow")) and getattr(
            error, "context_mark", None
        ):
            # An unclosed quote or a line without 'key:' is only noticed lines later;
            # the place to fix is where the scanner started reading it.
            mark = error.context_mark
        line = offset + mark.line + 1 if mark is not None else 1
        reason = getattr(error, "problem", None) or str(error)
        if context and mark is getattr(error, "context_mark", None):
            reason = f"{context}, {reason}"
        problem = Problem(display_path, line, "front matter", f"invalid YAML: {reason}")
        return LoadedArticle(path, None, (problem,))
    lines = _line_map(node, offset) if node is not None else {"": 2}
    article, problems = article_from_front_matter(
        data, body.strip("\n"), path=display_path, lines=lines, expected_slug=slug
    )
    return LoadedArticle(path, article, tuple(problems), lines)


def load_article(path: Path, display_path: str | None = None) -> LoadedArticle:
    shown = display_path or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return LoadedArticle(path, None, (Problem(shown, 1, "file", f"cannot read: {error}"),))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problem = Problem(shown, line, "file", "is not UTF-8 text; save it as UTF-8")
        return LoadedArticle(path, None, (problem,))
    loaded = parse_article_text(text, shown, None)
    return LoadedArticle(path, loaded.article, loaded.problems, loaded.lines)
