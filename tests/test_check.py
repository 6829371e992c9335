"""``python -m generator check``: one ``path:line: field: message`` an editor can act
on for each problem, exit 1 when anything is wrong, exit 0 on clean content."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import IngestedSeeds

RunGenerator = Callable[..., subprocess.CompletedProcess[str]]

# A valid article as ingest writes one; the numbers are the file's line numbers.
VALID = """\
---
title: A valid article
slug: {slug}
standfirst: null
standfirst_truncated: false
authors:
- Jane Doe
author_bio: null
issue:
  date: 2008-12-08
  title: After the Terror
image: null
credits: []
timelines:
- title: India under siege
  credit: null
  events:
  - date: 2008-01-01
    text: First event.
  - date: 2008-02-10
    text: Second event.
notes: []
corrections: []
sources: []
---

Body text.
"""
#  1 ---
#  2 title
#  3 slug
# 10   issue date
# 11   issue title
# 18   first event date
# 20   second event date
# 21     second event text
# 24 sources


def write_article(content: Path, slug: str, replace: tuple[str, str] | None = None) -> Path:
    text = VALID.format(slug=slug)
    if replace:
        assert replace[0] in text
        text = text.replace(*replace, 1)
    path = content / "articles" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def problems(run: RunGenerator, content: Path) -> tuple[int, list[str]]:
    result = run("check", "--content", content)
    return result.returncode, result.stdout.splitlines()


def test_a_valid_article_passes(tmp_path: Path, run_generator: RunGenerator) -> None:
    write_article(tmp_path, "fine")
    assert problems(run_generator, tmp_path) == (0, [])


def test_the_ingested_seeds_pass(
    ingested_seeds: IngestedSeeds, run_generator: RunGenerator
) -> None:
    result = run_generator("check", "--content", ingested_seeds.content)
    assert result.returncode == 0, result.stdout + result.stderr
    # Nothing but the editors' to-dos: the standfirsts the sources cut off.
    lines = result.stdout.splitlines()
    assert all(": standfirst: to-do:" in line for line in lines), lines
    assert "6 article(s)" in result.stderr


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        pytest.param(
            ("  title: After the Terror", "  title: After: the Terror"),
            "{path}:11: front matter: invalid YAML: mapping values are not allowed here",
            id="bad-yaml-colon",
        ),
        pytest.param(
            ("standfirst: null", 'standfirst: "An unclosed quote'),
            "{path}:4: front matter: invalid YAML: while scanning a quoted scalar, "
            "found unexpected end of stream",
            id="bad-yaml-unclosed-quote",
        ),
        pytest.param(
            ("title: A valid article\n", ""),
            "{path}:2: title: is required and must be text",
            id="missing-title",
        ),
        pytest.param(
            ("title: A valid article", "title: ''"),
            "{path}:2: title: must not be empty",
            id="empty-title",
        ),
        pytest.param(
            ("  date: 2008-12-08", "  date: 8th December 2008"),
            "{path}:10: issue.date: '8th December 2008' is not a date; write it as YYYY-MM-DD",
            id="issue-date-not-a-date",
        ),
        pytest.param(
            ("  date: 2008-12-08", "  date: 2008-02-30"),
            "{path}:10: issue.date: '2008-02-30' is not a date; write it as YYYY-MM-DD",
            id="issue-date-impossible",
        ),
        pytest.param(
            ("notes: []", "notes: []\nsubtitle: An extra line"),
            "{path}:23: subtitle: unknown key; the fields are title, slug, standfirst, "
            "standfirst_truncated, authors, author_bio, issue, image, credits, timelines, "
            "notes, corrections, topics, aliases, sources",
            id="unknown-key",
        ),
        pytest.param(
            ("  - date: 2008-02-10\n    text: Second event.", "  - text: Second event."),
            "{path}:20: timelines.0.events.1.date: every timeline event needs a date "
            "(YYYY-MM-DD, YYYY-MM, YYYY, a decade YYYX (199X) or a span START/END (1914/1918))",
            id="event-without-date",
        ),
        pytest.param(
            ("  - date: 2008-02-10", "  - date: 10.02.2008"),
            "{path}:20: timelines.0.events.1.date: '10.02.2008' is not a date; "
            "write YYYY-MM-DD, YYYY-MM, YYYY, a decade YYYX (199X) or a span START/END (1914/1918)",
            id="event-date-not-iso",
        ),
    ],
)
def test_each_problem_is_one_line_at_its_place(
    tmp_path: Path, run_generator: RunGenerator, replace: tuple[str, str], expected: str
) -> None:
    write_article(tmp_path, "good")
    path = write_article(tmp_path, "broken", replace)
    code, lines = problems(run_generator, tmp_path)
    assert code == 1
    assert lines == [expected.format(path=path)]


def test_a_file_whose_slug_is_another_files_is_a_duplicate(
    tmp_path: Path, run_generator: RunGenerator
) -> None:
    original = write_article(tmp_path, "the-original")
    copy = write_article(tmp_path, "a-copy", ("slug: a-copy", "slug: the-original"))
    code, lines = problems(run_generator, tmp_path)
    assert code == 1
    assert lines == [f"{copy}:3: slug: duplicate slug 'the-original': {original} has it"]


def test_every_problem_in_every_file_is_reported(
    tmp_path: Path, run_generator: RunGenerator
) -> None:
    first = write_article(tmp_path, "first", ("  date: 2008-12-08", "  date: soon"))
    second = write_article(tmp_path, "second", ("title: A valid article\n", "colour: red\n"))
    code, lines = problems(run_generator, tmp_path)
    assert code == 1
    assert lines == [
        f"{first}:10: issue.date: 'soon' is not a date; write it as YYYY-MM-DD",
        f"{second}:2: colour: unknown key; the fields are title, slug, standfirst, "
        "standfirst_truncated, authors, author_bio, issue, image, credits, timelines, "
        "notes, corrections, topics, aliases, sources",
        f"{second}:2: title: is required and must be text",
    ]


def test_line_numbers_count_blank_lines_after_the_opening_marker(
    tmp_path: Path, run_generator: RunGenerator
) -> None:
    path = write_article(tmp_path, "spaced", ("---\ntitle", "---\n\n\ntitle"))
    path.write_text(path.read_text("utf-8").replace("  date: 2008-12-08", "  date: never"))
    code, lines = problems(run_generator, tmp_path)
    assert code == 1
    assert lines == [f"{path}:12: issue.date: 'never' is not a date; write it as YYYY-MM-DD"]


def test_a_file_without_front_matter_is_reported_at_line_one(
    tmp_path: Path, run_generator: RunGenerator
) -> None:
    path = tmp_path / "articles" / "bare.md"
    path.parent.mkdir(parents=True)
    path.write_text("Just a body.\n", "utf-8")
    code, lines = problems(run_generator, tmp_path)
    assert code == 1
    assert lines == [
        f"{path}:1: front matter: the file must start with a '---' line of YAML front matter"
    ]


def test_check_lists_truncated_standfirsts_as_editors_todos(
    run_generator: Callable[..., subprocess.CompletedProcess[str]],
    ingested_seeds: IngestedSeeds,
) -> None:
    from types import SimpleNamespace

    from generator.formatting import display_standfirst

    result = run_generator("check", "--content", ingested_seeds.content)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    todos = [line for line in output.splitlines() if ": standfirst: to-do:" in line]
    truncated = [f for f in ingested_seeds.by_title.values() if f.meta["standfirst_truncated"]]
    assert truncated and len(todos) == len(truncated)
    for f in truncated:
        assert any(line.startswith(f"{f.path}:") for line in todos), f.path
        # Listings never show one as if it were whole: a whole sentence, or a marked cut.
        shown = display_standfirst(
            SimpleNamespace(standfirst=f.meta["standfirst"], standfirst_truncated=True)
        )
        assert shown.endswith(("…", ".", "?", "!", "’", "”")), shown
        assert f.meta["standfirst"].startswith(shown.rstrip("…"))
