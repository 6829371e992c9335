"""Reading and writing ``content/articles/<slug>.md``: YAML front matter plus Markdown.

Reading keeps the line of every field, so that the checker can point an editor at
``path:line``; writing is deterministic, so that ingesting twice changes no byte.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.boundary import check_entry, inside
from generator.content.body import BodyRef, body_ref, body_text, file_digest
from generator.content.body_checks import cue_problems, md_links
from generator.content.policy import policy_problems
from generator.content.problems import Problem
from generator.content.schema import Article, article_from_front_matter
from generator.content.yamlio import decode_text, normalise, parse_front_matter

# libyaml's emitter is ten times faster than PyYAML's pure-Python one; the two
# write the same text for the plain types the schema uses.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_article(article: Article) -> str:
    """The exact text of an article file."""
    meta = front_matter_yaml(article.front_matter())
    body = body_text(article.body).strip("\n")
    return f"---\n{meta}---\n\n{body}\n"


def _yaml_dump(data: Any) -> str:
    return yaml.dump(
        data,
        # SafeDumper quotes any text that YAML would read back as something else
        # ("No", "1984", "2008-01-01"), so a title always stays a title.
        Dumper=_DUMPER,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100_000,
    )


class _Unusual(Exception):
    """A value the fast writer leaves to yaml.dump."""


# Text that the dumper writes as it is (a plain scalar) in block context, by a
# rule narrower than libyaml's and PyYAML's: it starts with an ASCII letter (so
# YAML can read it as nothing but text, unless it is one of the short words such
# as "no" or "null", hence the length of 6 to 20,000); every character is one
# both call printable (_PRINTABLE_LINE below: no line break, no byte-order mark,
# nothing beyond the BMP); and it holds no ": " or " #" and does not end in a
# space or ":" (a key or a comment).
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LINE_BREAK = re.compile("[\r\n\x85\u2028\u2029]")
# Keys: the schema's snake_case names, none of them a word YAML reads as other
# than text.
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null"}


# One line of characters that both libyaml and PyYAML call printable: such text
# is written plain or in single quotes, never folded (it is shorter than the
# width) and never in double quotes, which only unprintable characters need.
_PRINTABLE_LINE = re.compile(r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]+")
# Characters that may not start a plain scalar in block context (libyaml's
# yaml_emitter_analyze_scalar); "?", ":" and "-" may not when a space or the end
# follows them.
_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_STR_TAG = "tag:yaml.org,2002:str"


def _reads_as_text(value: str) -> bool:
    """Would the dumper's own resolver read ``value``, written plain, as text (and
    not as a number, date, boolean or null)? The same table, the same test."""
    resolvers = _DUMPER.yaml_implicit_resolvers
    return all(
        tag == _STR_TAG or not regexp.match(value)
        for tag, regexp in resolvers.get(value[0], []) + resolvers.get(None, [])
    )


def _one_line(value: str) -> str | None:
    """``value`` as the dumper writes it, for one printable line (None otherwise).

    This is libyaml's choice of style for text in block context: plain when no
    character in it would be read as YAML syntax and the resolver reads it back as
    text, else single-quoted with its quotes doubled. A file name that starts with
    a digit, a sha256, a sentence with ": " in it: a third of the values, each of
    which cost a whole yaml.dump.
    """
    if not _PRINTABLE_LINE.fullmatch(value):
        return None
    first = value[0]
    plain = not (
        first == " "
        or value[-1] == " "
        or first in _INDICATORS
        or (first in "?:-" and value[1:2] in ("", " "))
        or value.startswith(("---", "..."))
        or ": " in value
        or value[-1] == ":"
        or " #" in value
    )
    if plain and _reads_as_text(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is dt.date:
        return value.isoformat()
    if type(value) is not str:
        raise _Unusual
    if (
        value[:1] in _ASCII_LETTERS
        and 6 <= len(value) <= 20_000
        and _PRINTABLE_LINE.fullmatch(value)
        and ": " not in value
        and " #" not in value
        and value[-1] not in " :"
    ):
        return value
    # Anything else (quoted text, "1984", a partial date) as the dumper writes it,
    # unless it may take more than one line, whose indentation depends on where
    # the text stands.
    if _LINE_BREAK.search(value) or len(value) >= 20_000:
        raise _Unusual
    written = _one_line(value)
    if written is not None:
        return written
    dumped = _yaml_dump([value])
    if not dumped.startswith("- ") or _LINE_BREAK.search(dumped, 0, len(dumped) - 1):
        raise _Unusual
    return dumped[2:-1]


def _mapping(data: dict[str, Any], indent: str, first: str, out: list[str]) -> None:
    """Block mapping lines; ``first`` replaces ``indent`` on the first line (a
    sequence item's "- ")."""
    lead = first
    for key, value in data.items():
        if type(key) is not str or not _KEY.fullmatch(key) or key in _YAML_WORDS:
            raise _Unusual
        if type(value) is list:
            if not value:
                out.append(f"{lead}{key}: []\n")
            else:
                # A sequence in a mapping is not indented (PyYAML's layout).
                out.append(f"{lead}{key}:\n")
                _sequence(value, indent, out)
        elif type(value) is dict:
            if not value:
                out.append(f"{lead}{key}: {{}}\n")
            else:
                out.append(f"{lead}{key}:\n")
                _mapping(value, indent + "  ", indent + "  ", out)
        else:
            out.append(f"{lead}{key}: {_scalar(value)}\n")
        lead = indent


def _sequence(items: list[Any], indent: str, out: list[str]) -> None:
    for item in items:
        if type(item) is dict and item:
            _mapping(item, indent + "  ", indent + "- ", out)
        elif type(item) in (list, dict):
            raise _Unusual
        else:
            out.append(f"{indent}- {_scalar(item)}\n")


def front_matter_yaml(data: dict[str, Any]) -> str:
    """``yaml.dump`` of front matter, to the byte, at a tenth of its cost.

    PyYAML's representer is pure Python and cost as much as parsing an article.
    The front matter is a few block mappings and sequences of text, dates,
    booleans and nulls: this writes their layout itself and asks the dumper only
    for text it would quote; anything else goes to the dumper whole.
    tests/test_ingest_fast_paths.py compares the two on arbitrary front matter.
    """
    out: list[str] = []
    try:
        _mapping(data, "", "", out)
    except _Unusual:
        return _yaml_dump(data)
    return "".join(out)


@dataclass(frozen=True)
class LoadedArticle:
    path: Path
    article: Article | None
    problems: tuple[Problem, ...]
    lines: dict[str, int] = field(default_factory=dict)
    # What check finds in the body, found while it is in hand
    # (generator/content/body_checks.py): each Markdown link to a file by name
    # (target, line), and the cue warnings.
    links: tuple[tuple[str, int], ...] = ()
    cues: tuple[Problem, ...] = ()

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def article_paths(content: Path) -> list[Path]:
    """The article files of ``content``, in the order of their paths. One folder's
    files sort by their text as Path objects would, without Path's slower
    comparisons. Only regular files, or links to files inside ``content``: what
    is skipped is reported by check.boundary_problems (generator/boundary.py)."""
    return [Path(name) for name in article_names(content)]


def article_names(content: Path) -> list[str]:
    """``article_paths`` as the text of each path: what needs no Path (ingest's
    replay stats them) is spared making 86,480 of them at 100,000 articles."""
    folder = content / "articles"
    if not inside(folder, content):
        return []
    # One listing: a plain file in a folder inside ``content`` lies inside it, and
    # its type comes with the listing. check_entry on each of 10,000 paths (a
    # realpath and a stat per path component) was 1.4 s of a one-edit rebuild
    # (cProfile, docs/performance.md). A missing folder holds no articles.
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if e.name.endswith(".md")), key=_name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [
        e.path
        for e in entries
        if e.is_file(follow_symlinks=False) or check_entry(folder / e.name, content) is None
    ]


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def parse_article_text(text: str, display_path: str) -> LoadedArticle:
    """Parse article text; never raises on bad input, reports problems instead.
    The article holds its body as text (``load_article``'s refers to its file)."""
    return _parse(normalise(text), display_path, None)


def _parse(text: str, display_path: str, file: tuple[str, str] | None) -> LoadedArticle:
    """``text``: normalised. ``file``: (path, digest of its bytes) to refer to
    the body there rather than hold it."""
    path = Path(display_path)
    doc, problems = parse_front_matter(text, display_path, field="front matter")
    if doc is None:
        return LoadedArticle(path, None, tuple(problems))
    body: str | BodyRef = doc.body
    if file is not None:
        # The body is the text after the front matter with its leading and
        # trailing line breaks stripped (parse_front_matter): a slice of ``text``.
        end = len(text.rstrip("\n")) if doc.body else len(text)
        start = end - len(doc.body)
        if text[start:end] == doc.body:
            body = body_ref(file[0], text, start, end, doc.body_line, file[1])
    article, problems = article_from_front_matter(
        doc.data, body, path=display_path, lines=doc.lines
    )
    # The body is published as Markdown: the content policy judges it here, so
    # that check, the build and the preview (and the article cache) share the verdict.
    policy = policy_problems(doc.body, display_path, doc.body_line)
    if policy:
        return LoadedArticle(path, None, tuple(problems) + tuple(policy), doc.lines)
    if article is None:
        return LoadedArticle(path, None, tuple(problems), doc.lines)
    return LoadedArticle(
        path,
        article,
        tuple(problems),
        doc.lines,
        md_links(doc.body, text),
        cue_problems(display_path, article, doc.body, text),
    )


def load_article(path: Path, display_path: str | None = None) -> LoadedArticle:
    """The article of a file; its body is not held but referred to (``BodyRef``)."""
    shown = display_path or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return LoadedArticle(path, None, (Problem(shown, 1, "file", f"cannot read: {error}"),))
    text, problems = decode_text(raw, shown)
    if text is None:
        return LoadedArticle(path, None, tuple(problems))
    loaded = _parse(text, shown, (str(path), file_digest(raw)))
    return LoadedArticle(
        path, loaded.article, loaded.problems, loaded.lines, loaded.links, loaded.cues
    )
