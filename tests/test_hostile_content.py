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
    build(Project(project.root))
    site = project.site_dir()
    page = (site / "articles" / "noted" / "index.html").read_text("utf-8")
    assert "Visible." in page
    published = [
        p for p in site.rglob("*") if p.is_file() and b"secretnote" in p.read_bytes().lower()
    ]
    assert published == [], noted
    assert any((site / "search-index").rglob("*.json"))
