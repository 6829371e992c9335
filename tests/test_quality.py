"""The reader quality gates (``make check``): each passes on the seeds' site and each
fails, naming the page and the problem, on a copy of that site broken on purpose.

The copies live in pytest's temporary folders; the repository's site/ is never
touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from devtools.quality import links as links_gate
from devtools.quality.common import Finding, GateError, GateResult
from devtools.quality.links import check_links, join_url
from tests.sitekit import ROOT, copy_project

SITE_URL = "https://ns-edition.netlify.app/"
TIMELINE_ARTICLE = "articles/becoming-a-pariah-state/"


@pytest.fixture
def site_copy(seed_site: Path, tmp_path: Path) -> Path:
    """A throwaway copy of the seeds' built site, to break."""
    return Path(shutil.copytree(seed_site, tmp_path / "site"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _append_css(site: Path, css: str) -> None:
    sheet = site / "assets" / "stylesheets" / "edition.css"
    sheet.write_text(sheet.read_text("utf-8") + "\n" + css + "\n", "utf-8")


# -- links --------------------------------------------------------------------------------


def test_links_gate_passes_on_the_seed_site(seed_site: Path) -> None:
    result = check_links(seed_site, SITE_URL)
    assert result.ok, result.report()
    assert result.figures["pages"] >= 20
    assert result.figures["links"] > 300


def test_links_gate_names_the_page_and_each_dead_link_or_anchor(site_copy: Path) -> None:
    _edit(
        site_copy / "index.html",
        "</body>",
        '<a href="articles/no-such-article/">dead</a>'
        '<a href="articles/the-facade-cracks/#no-such-anchor">anchor</a>'
        '<a href="#nowhere">here</a>'
        f'<a href="{SITE_URL}issues/1999-01-01/">production</a>'
        '<a href="https://example.com/missing/">elsewhere</a>'
        '<a href="mailto:editors@example.com">mail</a>'
        "</body>",
    )
    result = check_links(site_copy, SITE_URL)
    assert not result.ok
    problems = {(f.page, f.problem) for f in result.findings}
    assert problems == {
        ("/", 'link "articles/no-such-article/": no such page /articles/no-such-article/'),
        (
            "/",
            'link "articles/the-facade-cracks/#no-such-anchor": /articles/the-facade-cracks/ '
            'has no element with id "no-such-anchor"',
        ),
        ("/", 'link "#nowhere": this page has no element with id "nowhere"'),
        (
            "/",
            f'link "{SITE_URL}issues/1999-01-01/": no such page /issues/1999-01-01/',
        ),
    }
    assert "== links: FAILED, 4 problem(s)" in result.report()


def test_a_mistake_repeated_on_every_page_is_reported_once(site_copy: Path) -> None:
    pages = sorted(site_copy.glob("articles/*/index.html"))
    for page in pages:
        _edit(page, "</body>", '<a href="../../gone/">gone</a></body>')
    result = check_links(site_copy, SITE_URL)
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert finding.page.startswith(f"{len(pages)} pages (/articles/")
    assert "no such page /gone/" in finding.problem


def test_links_gate_parses_each_page_once(seed_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[Path] = []
    real_scan = links_gate.scan

    def counting_scan(site: Path, html: Path) -> links_gate.ScannedPage:
        parsed.append(html)
        return real_scan(site, html)

    monkeypatch.setattr(links_gate, "scan", counting_scan)
    result = check_links(seed_site, SITE_URL, workers=1)
    assert len(parsed) == len(set(parsed)) == result.figures["pages"]


def test_links_gate_parses_in_parallel_with_the_same_result(
    site_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(links_gate, "PARALLEL_FROM", 1)
    _edit(site_copy / "index.html", "</body>", '<a href="nowhere/">x</a></body>')
    parallel = check_links(site_copy, SITE_URL, workers=2)
    serial = check_links(site_copy, SITE_URL, workers=1)
    assert parallel.findings == serial.findings and len(parallel.findings) == 1
    assert parallel.figures == serial.figures


@pytest.mark.parametrize(
    ("page", "href"),
    [
        ("/articles/x/", "../../issues/2008-12-08/"),
        ("/articles/x/", "../.."),
        ("/articles/x/", "#timeline-1-title"),
        ("/", "articles/x/#f"),
        ("/404.html", "/assets/stylesheets/edition.css"),
        ("/articles/x/", "../y"),
        ("/articles/x/", "./"),
        ("/a/b/", "../"),
        ("/a/", "x?q=1#frag"),
        ("/a/", ".."),
    ],
)
def test_the_fast_url_join_agrees_with_urllib(page: str, href: str) -> None:
    expected = urlsplit(urljoin(page, href))
    assert join_url(page, href) == (expected.path, expected.fragment)


# -- HTML -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_html_gate_passes_on_the_seed_site(seed_site: Path) -> None:
    from devtools.quality.html import check_html

    result = check_html(seed_site)
    assert result.ok, result.report()
    assert result.figures["pages"] >= 20


@pytest.mark.slow
def test_html_gate_names_the_file_line_and_error_and_ignores_only_materials(
    tmp_path: Path,
) -> None:
    from devtools.quality.html import check_html

    site = tmp_path / "site"
    page = (
        '<!doctype html>\n<html lang="en"><head><title>t</title></head><body>\n{}\n</body></html>\n'
    )
    (site / "good").mkdir(parents=True)
    # Material's own state checkbox: the one error the gate ignores, and why is in html.py.
    (site / "good" / "index.html").write_text(
        page.format(
            '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" '
            'autocomplete="off">'
        )
    )
    (site / "bad").mkdir()
    (site / "bad" / "index.html").write_text(
        page.format(
            # the same attribute on our own markup is not ignored
            '<input class="ns-mine" type="checkbox" autocomplete="off">\n'
            "<ul><div>not a list item</div></ul>"
        )
    )
    result = check_html(site)
    assert not result.ok
    assert all(f.page.startswith("site/bad/index.html:") for f in result.findings)
    lines = {f.page.split(":")[1] for f in result.findings}
    assert lines == {"3", "4"}
    messages = " ".join(f.problem for f in result.findings)
    assert "autocomplete" in messages
    assert "div" in messages and "ul" in messages
    assert result.figures["ignored"] == 1
    assert "Material's autocomplete=off" in result.report()


def test_html_gate_without_java_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devtools.quality.html import check_html

    monkeypatch.delenv("NS_JAVA", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>")
    with pytest.raises(GateError, match="make java"):
        check_html(tmp_path)


# -- accessibility ----------------------------------------------------------------------------


@pytest.mark.browser
def test_accessibility_gate_passes_on_the_seed_site(seed_site: Path, browser: Any) -> None:
    from devtools.quality.accessibility import check_accessibility, pages_to_audit

    pages, notes = pages_to_audit(seed_site)
    assert [p.label for p in pages] == [
        "home",
        "issue",
        "writer",
        "article with a timeline",
        "search with results",
    ]
    assert notes == []
    result = check_accessibility(seed_site, pages, browser=browser)
    assert result.ok, result.report()
    assert result.figures["serious"] == 0
    # The search page showed results: no TODO note that axe ran on an empty page.
    assert not [n for n in result.notes if "no results" in n], result.notes


@pytest.mark.browser
def test_low_contrast_text_fails_the_accessibility_gate(site_copy: Path, browser: Any) -> None:
    from devtools.quality.accessibility import AuditPage, check_accessibility

    _append_css(site_copy, ".md-typeset .ns-standfirst { color: #c4c4c4 !important; }")
    result = check_accessibility(
        site_copy, [AuditPage("article", TIMELINE_ARTICLE)], browser=browser
    )
    contrast = [f for f in result.findings if "color-contrast" in f.problem]
    assert contrast, result.report()
    assert contrast[0].page == f"/{TIMELINE_ARTICLE} (article) [light]"
    assert ".ns-standfirst" in contrast[0].problem
    assert "serious color-contrast" in contrast[0].problem


@pytest.mark.browser
def test_keyboard_problems_fail_the_accessibility_gate(site_copy: Path, browser: Any) -> None:
    from devtools.quality.accessibility import AuditPage, check_accessibility

    page = site_copy / TIMELINE_ARTICLE / "index.html"
    text = page.read_text("utf-8")
    # No skip link, no header search box, and focus drawn nowhere.
    text = text.replace('class="md-skip"', 'class="md-skip" hidden')
    header_start = text.index('<header class="md-header')
    header_end = text.index("</header>", header_start)
    header = re.sub(
        r'<form[^>]*role="search".*?</form>', "", text[header_start:header_end], flags=re.S
    )
    page.write_text(text[:header_start] + header + text[header_end:], "utf-8")
    _append_css(site_copy, "*:focus, *:focus-visible { outline: none !important; }")
    result = check_accessibility(
        site_copy, [AuditPage("article", TIMELINE_ARTICLE)], browser=browser
    )
    problems = [f.problem for f in result.findings]
    assert any(p.startswith("the first Tab does not reach a skip link") for p in problems)
    assert any(p.startswith("no visible focus (outline or box-shadow) on <a") for p in problems)
    assert "the header has no search box for the keyboard to reach" in problems


@pytest.mark.browser
def test_a_skip_link_that_jumps_past_the_headline_fails(site_copy: Path, browser: Any) -> None:
    from devtools.quality.accessibility import AuditPage, check_accessibility

    # What Material did before the headline was in the table of contents: it linked
    # "Skip to content" to the timeline sidebar, past the headline and the text.
    _edit(
        site_copy / TIMELINE_ARTICLE / "index.html",
        'href="#becoming-a-pariah-state" class="md-skip"',
        'href="#timeline-1-title" class="md-skip"',
    )
    result = check_accessibility(
        site_copy, [AuditPage("article", TIMELINE_ARTICLE)], browser=browser
    )
    problems = [f.problem for f in result.findings]
    assert any("jumps past the page's headline to #timeline-1-title" in p for p in problems), (
        result.report()
    )


# -- page weight -------------------------------------------------------------------------------


@pytest.mark.browser
def test_an_article_page_is_within_the_weight_budget(seed_site: Path, browser: Any) -> None:
    from devtools.quality.weight import BUDGET_BYTES, check_weight

    result = check_weight(seed_site, browser=browser)
    assert result.ok, result.report()
    weights = result.figures["pages"]
    assert isinstance(weights, dict) and f"/{TIMELINE_ARTICLE}" in weights
    assert all(0 < w <= BUDGET_BYTES for w in weights.values())


@pytest.mark.browser
def test_an_over_heavy_page_fails_the_weight_gate(site_copy: Path, browser: Any) -> None:
    from devtools.quality.weight import check_weight

    # A web font is the classic way a page doubles in weight: 300 kB that no
    # compression can shrink, fetched because the text uses it.
    fonts = site_copy / "assets" / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    (fonts / "heavy.woff2").write_bytes(os.urandom(300_000))
    _append_css(
        site_copy,
        "@font-face { font-family: Heavy; src: url(../fonts/heavy.woff2) format('woff2'); }\n"
        "body, .md-typeset { font-family: Heavy, sans-serif; }",
    )
    result = check_weight(site_copy, [TIMELINE_ARTICLE], browser=browser)
    assert len(result.findings) == 1, result.report()
    finding = result.findings[0]
    assert finding.page == f"/{TIMELINE_ARTICLE}"
    assert "over the 250.0 kB budget" in finding.problem
    assert "/assets/fonts/heavy.woff2" in finding.problem.split("heaviest:")[1]


# -- the command ------------------------------------------------------------------------------


def test_quality_command_reports_the_page_and_exits_1(site_copy: Path) -> None:
    _edit(site_copy / "index.html", "</body>", '<a href="gone/">gone</a></body>')
    done = subprocess.run(
        [sys.executable, "-m", "generator", "quality", "--site", str(site_copy), "--gate", "links"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("== links: FAILED, 1 problem(s)")
    assert lines[1] == '  /: link "gone/": no such page /gone/'
    assert lines[-1] == "quality: FAILED: links (see the problems above)"


def test_quality_command_passes_on_a_sound_site(seed_site: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "quality", "--site", str(seed_site), "--gate", "links"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("quality: 1 gate(s) passed")


def test_quality_builds_the_site_first_when_it_is_missing(tmp_path: Path) -> None:
    from devtools.quality.runner import run_gates

    project = copy_project(tmp_path / "project")
    assert not project.site_dir().exists()
    (result,) = run_gates(project, ("links",))
    assert (project.site_dir() / "index.html").exists()
    assert result.ok, result.report()


def test_a_gate_that_cannot_run_fails_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devtools.quality import runner

    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>")
    monkeypatch.delenv("NS_JAVA", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    (result,) = runner.run_gates(copy_project(tmp_path / "p"), ("html",), site=tmp_path)
    assert not result.ok
    assert "could not run" in result.findings[0].problem
    assert "make java" in result.findings[0].problem


def test_in_github_actions_each_problem_is_also_an_annotation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from devtools.quality.runner import report

    result = GateResult("links", [Finding("/", 'link "gone/": no such page /gone/')])
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert report([result], sys.stdout) == 1
    out = capsys.readouterr().out
    assert '::error title=quality gate links::/: link "gone/": no such page /gone/' in out
