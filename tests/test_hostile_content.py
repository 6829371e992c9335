"""Hostile content from a pull request: the content policy (generator/content/policy.py)
refuses raw HTML and addresses that could redirect, script or frame a reader, at
``path:line``, in ``check`` and in the build alike; HTML comments never reach a
page or the search index."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.content.check import check_all
from generator.content.policy import EXTENSION_CONFIGS, EXTENSIONS, strip_comments
from generator.site.build import BuildError, Project, build
from tests.conftest import site_markdown_extensions
from tests.sitekit import copy_project

RunGenerator = Callable[..., subprocess.CompletedProcess[str]]

ARTICLE = """\
---
title: A hostile article
slug: {slug}
authors:
- Jane Doe
issue:
  date: 2008-12-08
  title: After the Terror
---

First paragraph.

{body}
"""
BODY_LINE = 13  # the line of {body} in ARTICLE

# (body, what the message must say); each is refused.
REFUSED = [
    ('<meta http-equiv="refresh" content="1;url=https://evil.example/">', "<meta>"),
    ("<script>alert(1)</script>", "<script>"),
    ('<iframe src="https://evil.example/"></iframe>', "<iframe>"),
    ('<object data="x.swf"></object>', "<object>"),
    ('<embed src="x.swf">', "<embed>"),
    ('<base href="https://evil.example/">', "<base>"),
    ('<form action="https://evil.example/"><button>Go</button></form>', "<form>"),
    ('<p onclick="steal()">Click me</p>', "'onclick'"),
    ("<a/onmouseover=steal()>hover</a>", "'onmouseover'"),
    ("<svg onload=alert(1)>", "<svg>"),
    ("<style>body{display:none}</style>", "<style>"),
    ("[Read more](javascript:alert(1))", "javascript:"),
    ("[Read more](&#106;avascript:alert(1))", "javascript:"),
    ("[Read more](JaVaScRiPt:alert(1))", "javascript:"),
    ("[Read more](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ("[ref]: vbscript:msgbox(1)\n\nSee [ref].", "vbscript:"),
    ('<a href="data:text/html,hi">x</a>', "data:"),
    ('<img src="https://tracker.example/pixel.gif" alt="">', "site's own files"),
    ('<img src="data:image/png;base64,AAAA" alt="">', "site's own files"),
    ('<div style="position:fixed;inset:0">overlay</div>', "style"),
    ("Text <!-- never closed", "not closed"),
]


def write(content: Path, slug: str, body: str) -> Path:
    path = content / "articles" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE.format(slug=slug, body=body), "utf-8")
    return path


def test_the_policy_renders_with_the_sites_own_markdown_extensions() -> None:
    names, configs = site_markdown_extensions()
    assert names == EXTENSIONS
    assert configs == EXTENSION_CONFIGS


@pytest.mark.parametrize(("body", "said"), REFUSED, ids=[b[:30] for b, _ in REFUSED])
def test_check_refuses_hostile_markdown_at_its_line(tmp_path: Path, body: str, said: str) -> None:
    path = write(tmp_path, "hostile", body)
    result = check_all(tmp_path)
    assert result.articles == ()
    messages = [str(p) for p in result.problems]
    assert messages, body
    assert all(m.startswith(f"{path}:{BODY_LINE}: body: ") for m in messages), messages
    assert any(said in m for m in messages), messages


def test_every_problem_of_a_body_is_reported_on_its_own_line(tmp_path: Path) -> None:
    body = "Fine.\n\n<script>x()</script>\n\nFine again.\n\n[a](javascript:x())"
    path = write(tmp_path, "two", body)
    lines = sorted(p.line for p in check_all(tmp_path).problems)
    assert lines == [BODY_LINE + 2, BODY_LINE + 6], path


ALLOWED = """\
An <em>emphasised</em> word, <abbr title="New Statesman">NS</abbr>, H<sub>2</sub>O.

<div markdown="1">
*Markdown* inside a div, and <span class="note" lang="fr">une note</span>.
</div>

| left | right |
|:-----|------:|
| 1    | 2     |

[A site](https://example.com/), [a page](../other-article/), <mailto:ed@example.com>,
https://example.org/bare and [a ref][r].

[r]: https://example.net/

<figure><img src="../../assets/picture.png" alt="A picture">
<figcaption>Caption</figcaption></figure>

`<script>` in code is text, and so is this block:

    <meta http-equiv="refresh" content="0">

<!-- An editor's note: <script>alert(1)</script> -->
"""


def test_ordinary_html_and_links_pass(tmp_path: Path) -> None:
    write(tmp_path, "ordinary", ALLOWED)
    result = check_all(tmp_path)
    assert result.problems == ()
    assert [a.slug for a in result.articles] == ["ordinary"]


def test_a_scraped_body_is_never_rendered_by_the_checker(
    ingested_seeds: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest escapes every "<" and "[": the seeds pass without rendering, the
    reason the policy costs a scraped archive nothing."""
    import markdown

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rendered a scraped body")

    monkeypatch.setattr(markdown.Markdown, "convert", refuse)
    result = check_all(ingested_seeds.content)  # type: ignore[attr-defined]
    assert result.problems == ()
    assert len(result.articles) == 6


@pytest.mark.parametrize(
    ("where", "text", "line"),
    [
        ("issues/2008-12-08.md", "Intro.\n\n<script>x()</script>\n", 3),
        (
            "collections/hostile.md",
            "---\ntitle: Hostile\narticles:\n- hostile\n---\n\n<meta http-equiv=refresh>\n",
            7,
        ),
        ("home.md", "Welcome.\n\n[x](javascript:x())\n", 3),
    ],
)
def test_curation_markdown_is_held_to_the_same_policy(
    tmp_path: Path, run_generator: RunGenerator, where: str, text: str, line: int
) -> None:
    write(tmp_path, "hostile", "Fine.")
    target = tmp_path / where
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")
    result = run_generator("check", "--content", tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{target}:{line}: body: " in result.stdout
    assert "Traceback" not in result.stderr


def test_check_exits_1_with_the_place(tmp_path: Path, run_generator: RunGenerator) -> None:
    path = write(tmp_path, "hostile", REFUSED[0][0])
    result = run_generator("check", "--content", tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:{BODY_LINE}: body: <meta> is not allowed")


def test_comments_are_stripped_whole_and_repeatedly() -> None:
    assert strip_comments("a<!-- x\ny -->b") == "ab"
    assert strip_comments("a<!<!-- -->-- hidden -->b") == "ab"
    assert strip_comments("<!--> <meta http-equiv=refresh> -->ok") == "ok"
    assert strip_comments("a <!-- x --!> b") == "a  b"


@pytest.mark.slow
def test_the_build_refuses_what_check_refuses_and_publishes_no_comment(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    hostile = write(project.content, "hostile", REFUSED[0][0])
    with pytest.raises(BuildError, match=f"{hostile}:{BODY_LINE}: body: <meta>"):
        build(project, search=False)
    assert not project.site_dir().exists()
    hostile.unlink()
    noted = write(project.content, "noted", "Visible.\n\n<!-- SECRETNOTE about sources -->")
    # A writer named "Index" must not replace /authors/ itself.
    text = noted.read_text("utf-8").replace("- Jane Doe", "- Index")
    noted.write_text(text.replace("2008-12-08", "1913-04-12"), "utf-8")
    build(Project(project.root))
    site = project.site_dir()
    writers = (site / "authors" / "index.html").read_text("utf-8")
    assert "index-writer/" in writers
    assert "Richard Watson" in writers  # a seed writer: the list is still there
    assert (site / "authors" / "index-writer" / "index.html").is_file()
    page = (site / "articles" / "noted" / "index.html").read_text("utf-8")
    assert "Visible." in page
    published = [
        p for p in site.rglob("*") if p.is_file() and b"secretnote" in p.read_bytes().lower()
    ]
    assert published == [], noted
    assert any((site / "search-index").rglob("*.json"))


# --- YAML: a budget, not a crash --------------------------------------------------
# A refused alias is reported at its anchor, the value used again.


def _laughs(width: int, depth: int) -> str:
    """The "billion laughs": each level an alias list of the level below."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, depth):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


HOSTILE_YAML = [
    (_laughs(9, 9), 2, "anchors and aliases"),
    ("title: &t [*t]\n", 2, "anchors and aliases"),
    ("title: &t Name\nslug: *t\n", 2, "anchors and aliases"),
    ("issue: &i {date: 2008-01-01}\nimage:\n  <<: *i\n", 2, "anchors and aliases"),
    ("title: " + "[" * 5000 + "]" * 5000 + "\n", 2, "nested more than"),
    ("title:\n" + "".join(" " * (i + 1) + "- \n" for i in range(900)), 66, "nested more than"),
    ("title: One\nslug: two\ntitle: Three\n", 4, "duplicate key 'title' (first on line 2)"),
    ("issue:\n  date: 2008-01-01\n  date: 2009-01-01\n", 4, "duplicate key 'date'"),
]


@pytest.mark.parametrize(("front", "line", "said"), HOSTILE_YAML, ids=range(len(HOSTILE_YAML)))
def test_hostile_front_matter_is_a_problem_at_its_line(
    tmp_path: Path, front: str, line: int, said: str
) -> None:
    path = tmp_path / "articles" / "x.md"
    path.parent.mkdir()
    path.write_text(f"---\n{front}---\n\nBody.\n", "utf-8")
    (problem,) = check_all(tmp_path).problems
    assert (problem.path, problem.line) == (str(path), line)
    assert said in problem.message


def test_a_billion_laughs_in_topics_yml_is_one_message(
    tmp_path: Path, run_generator: RunGenerator
) -> None:
    write(tmp_path, "fine", "Fine.")
    (tmp_path / "topics.yml").write_text(_laughs(9, 9) + "topics: *l8\n", "utf-8")
    result = run_generator("check", "--content", tmp_path)
    assert result.returncode == 1
    assert f"{tmp_path / 'topics.yml'}:1: yaml: anchors and aliases" in result.stdout
    assert "Traceback" not in result.stderr


# A property test in a process of its own under a memory cap (RLIMIT_AS) and a
# time limit: random and hostile YAML made of the syntax that matters, read as an
# article's front matter and as topics.yml, must give an article or problems,
# never an exception, never beyond the cap.
PROPERTY = r"""
import resource, sys, tempfile
from pathlib import Path
cap = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from hypothesis import HealthCheck, given, settings, strategies as st
from generator.content.article_file import parse_article_text
from generator.content.curation import load_topics

PIECES = ["&a ", "*a", "&b ", "*b", "[", "]", "{", "}", ": ", "- ", "\n", "  ", "title",
          "slug", "issue", "date", "<<", "!!str ", "!!binary ", "!!python/object:os.system ",
          "? ", "'", '"', "#", "|\n", ">\n", "2008-01-01", "2107-01-01", "\x00", "\t",
          "%YAML 1.1\n", "---\n", "...\n", ", ", "topics", "name", "\\", "\u2028", "9" * 30]
laughs = st.builds(
    lambda w, d, key: "\n".join(
        [f"l0: &l0 [{', '.join(['x'] * w)}]"]
        + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * w)}]" for i in range(1, d)]
        + [f"{key}: *l{d - 1}"]
    ),
    st.integers(2, 40), st.integers(2, 14), st.sampled_from(["title", "topics", "issue"]),
)
texts = st.one_of(st.lists(st.sampled_from(PIECES), max_size=80).map("".join), laughs,
                  st.text(max_size=200))
folder = Path(tempfile.mkdtemp())

@settings(max_examples=int(sys.argv[2]), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(texts)
def run(text):
    loaded = parse_article_text(f"---\n{text}\n---\n\nBody.\n", "a.md")
    assert loaded.article is not None or loaded.problems
    path = folder / "topics.yml"
    path.write_text(text, "utf-8", errors="surrogatepass")
    load_topics(path, "topics.yml")

run()
print("survived")
"""


def test_random_and_hostile_yaml_stays_within_memory_and_time() -> None:
    import sys

    cap = 768 * 1024 * 1024
    result = subprocess.run(
        [sys.executable, "-c", PROPERTY, str(cap), "400"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "survived"


# --- every value the build relies on is checked ----------------------------------

VALUES = [
    ('title: "A \\0 title"\n', 2, "title", "U+0000"),
    ('title: "Bell \\a"\n', 2, "title", "U+0007"),
    ("title: T\nissue:\n  date: 2107-01-01\n  title: Far\n", 4, "issue.date", "between 1913"),
    ("title: T\nissue:\n  date: 1899-01-01\n  title: Early\n", 4, "issue.date", "between 1913"),
    ("title: T\nauthors:\n- " + "A" * 300 + "\n", 4, "authors.0", "a name may have 150"),
    ("title: T\ntopics:\n- " + "Long " * 60 + "\n", 4, "topics.0", "a name may have 150"),
]


@pytest.mark.parametrize(("front", "line", "field", "said"), VALUES, ids=range(len(VALUES)))
def test_values_the_build_cannot_use_are_problems(
    tmp_path: Path, front: str, line: int, field: str, said: str
) -> None:
    path = tmp_path / "articles" / "x.md"
    path.parent.mkdir()
    if not front.startswith("title:"):
        front = "title: T\n" + front
    path.write_text(f"---\n{front}slug: x\n---\n\nBody.\n", "utf-8")
    problems = [p for p in check_all(tmp_path).problems if p.field == field]
    assert [(p.line, said in p.message) for p in problems] == [(line, True)], problems


def test_a_slug_that_is_a_section_page_or_too_long_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "index", "Body.")
    long = "a" * 151
    write(tmp_path, long, "Body.")
    messages = sorted(p.message for p in check_all(tmp_path).problems if p.field == "slug")
    assert messages == [
        "'index' is the address of a section page; choose another slug",
        "is 151 characters long; a slug may have 150",
    ]


def test_a_control_character_in_the_body_is_refused_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "ctl", "Fine.\n\nA \x1b[31m red escape")
    (problem,) = check_all(tmp_path).problems
    assert (
        str(problem)
        == f"{path}:{BODY_LINE + 2}: body: holds the control character U+001B here; remove it"
    )


def test_a_topic_name_too_long_for_a_file_name_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "fine", "Fine.")
    (tmp_path / "topics.yml").write_text("topics:\n- " + "x" * 300 + "\n", "utf-8")
    (problem,) = check_all(tmp_path).problems
    assert (problem.line, problem.field) == (2, "topics.0")
    assert "a name may have 150" in problem.message


def test_a_scrape_headlined_index_never_takes_the_sections_page() -> None:
    from generator.ingest.slugs import base_slug

    assert base_slug("Index") == "index-article"
    assert base_slug("INDEX!") == "index-article"


def test_an_archive_older_than_1970_has_a_non_negative_clock(tmp_path: Path) -> None:
    """SOURCE_DATE_EPOCH cannot be before 1970: the build's clock is clamped."""
    from generator.content.edition import build_edition
    from generator.site.build import source_date_epoch

    path = write(tmp_path, "early", "Body.")
    path.write_text(path.read_text("utf-8").replace("2008-12-08", "1913-04-12"), "utf-8")
    result = check_all(tmp_path)
    assert result.problems == ()
    assert source_date_epoch(build_edition(list(result.articles))) == 0


# --- CI output: shown, never obeyed -----------------------------------------------


def test_a_key_or_file_name_cannot_inject_a_workflow_command(tmp_path: Path) -> None:
    import os
    import sys

    write(tmp_path, "keyed", "Body.").write_text(
        ARTICLE.format(slug="keyed", body="Body.").replace(
            "title:", '"x\\n::error file=evil.md,line=1::pwned": 1\ntitle:', 1
        ),
        "utf-8",
    )
    (tmp_path / "articles" / "y\n::warning::named.md").write_text("no front matter", "utf-8")
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--content", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    commands = [line for line in lines if line.lstrip().startswith("::")]
    problems = [line for line in lines if not line.startswith("::")]
    # Both problems shown on one line each; the one annotation is our own, for
    # the real file (a path holding "::" gets none), and nothing else is a command.
    assert len(problems) == 2, result.stdout
    (command,) = commands
    keyed = str(tmp_path / "articles" / "keyed.md").replace(":", "%3A")
    assert command.startswith(f"::error file={keyed},line=2::"), command
    assert "\\n::error file=evil.md" in result.stdout
    assert "y\\n::warning::named.md:1: front matter" in result.stdout


def test_output_lines_that_read_as_commands_are_shown_not_obeyed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator.github_actions import annotated

    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    text = "ingest: 1 rejected: sources/a\n::add-mask::x\n  ::error::y"
    assert annotated(text).splitlines() == [
        "ingest: 1 rejected: sources/a",
        "| ::add-mask::x",
        "|   ::error::y",
    ]


def test_a_link_to_no_article_is_a_problem_at_its_line(tmp_path: Path) -> None:
    """The strict build stopped on it with "Aborted with 1 warnings", no file, no line."""
    write(tmp_path, "other", "Fine.")
    body = "See [the other piece](other.md).\n\nAnd [a missing one](nope.md#part)."
    path = write(tmp_path, "linking", body + "\n\nAnd [another](../articles/gone.md).")
    problems = [str(p) for p in check_all(tmp_path).problems]
    assert problems == [
        f"{path}:{BODY_LINE + 2}: body: the link to nope.md names no article; link to another "
        "article by its file name (other-slug.md), as it is in content/articles",
        f"{path}:{BODY_LINE + 4}: body: the link to ../articles/gone.md names no article; link "
        "to another article by its file name (other-slug.md), as it is in content/articles",
    ]
