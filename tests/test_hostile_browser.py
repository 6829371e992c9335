"""A hostile pull request, as a reader meets it: articles that pass ``check`` yet
try every trick the content policy allows to be written (comments hiding a
refresh, markup as text, hostile names and titles, links out), built for real and
loaded in Chromium under netlify.toml's own headers. No page may navigate away,
open a dialog or trip the Content-Security-Policy."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest

from generator.content.check import check_all
from generator.site.build import Project, build
from tests.sitekit import ROOT, copy_project, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EVIL = "http://127.0.0.1:9/evil"
XSS = "\"><img src=x onerror=alert(1)><script>alert('t')</script>"

HOSTILE: dict[str, str] = {
    "hidden-refresh": f"""\
Text before.

<!-- <meta http-equiv="refresh" content="0;url={EVIL}"> -->

<!--> <meta http-equiv="refresh" content="0;url={EVIL}"> -->

Text after.
""",
    "markup-as-text": """\
&lt;script&gt;alert(1)&lt;/script&gt; and &lt;meta http-equiv="refresh"&gt; as text.

`<script>alert(2)</script>` in a code span, and a block:

    <iframe src="http://127.0.0.1:9/"></iframe>
    <meta http-equiv="refresh" content="0">

\\<img src=x onerror=alert(3)\\>
""",
    "allowed-html": f"""\
<details><summary>More <em>detail</em></summary>

Hidden until opened, with [a link out]({EVIL}).

</details>

<div markdown="1" class="note" title="{XSS.replace('"', "&quot;")}">
**Markdown** in a div, <abbr title="javascript:alert(1)">JS</abbr>.
</div>

<{EVIL}> and https://example.com/bare and <mailto:x@example.com>.
""",
}

# Front matter that is text, however it looks: escaped by the templates.
FRONT = f"""\
---
title: {json.dumps(XSS)}
slug: {{slug}}
standfirst: '<meta http-equiv="refresh" content="0;url={EVIL}">'
authors:
- Index
- '<script>alert("w")</script>'
issue:
  date: 2008-12-08
  title: '</title><script>alert(4)</script>'
timelines:
- title: '<iframe src="{EVIL}">'
  credit: null
  events:
  - date: 2008-01-01
    text: '<img src=x onerror=alert(5)>'
---

"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, str]]:
    project = copy_project(tmp_path_factory.mktemp("hostile") / "p")
    for slug, body in HOSTILE.items():
        text = FRONT.replace("{slug}", slug) + body
        (project.content / "articles" / f"{slug}.md").write_text(text, "utf-8")
    assert check_all(project.content).problems == ()
    build(project, search=False)
    config = tomllib.loads((ROOT / "netlify.toml").read_text("utf-8"))
    headers = next(h["values"] for h in config["headers"] if h["for"] == "/*")
    with serve(project.site_dir(), dict(headers)) as url:
        yield project, url


def test_no_published_page_holds_a_refresh_or_a_foreign_script(
    hostile_site: tuple[Project, str],
) -> None:
    from bs4 import BeautifulSoup

    project, _ = hostile_site
    for slug in HOSTILE:
        html = (project.site_dir() / "articles" / slug / "index.html").read_text("utf-8")
        soup = BeautifulSoup(html, "lxml")
        assert not soup.find("meta", attrs={"http-equiv": True}), slug
        assert not soup.find("iframe"), slug
        assert not soup.select("[onerror], [onclick], [onload]"), slug
        for script in soup.find_all("script"):
            text = script.string or ""
            if script.get("type") == "application/ld+json":
                # Data, not code: the title is in it, escaped so that no "<" can
                # close the script element.
                assert "<" not in text, slug
                assert json.loads(text)["headline"] == XSS, slug
            else:
                assert "alert" not in text, (slug, text[:80])
        # The hostile standfirst is the description: text in an attribute, never
        # an address the page loads or follows by itself.
        assert not soup.find("base"), slug
        loaded = [t.get("href") or t.get("src") for t in soup.select("link[href], [src]")]
        assert not any(EVIL in (u or "") for u in loaded), slug


def test_every_hostile_article_loads_without_navigating_away_or_a_violation(
    hostile_site: tuple[Project, str], browser: Any
) -> None:
    _, url = hostile_site
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        away: list[str] = []
        page.on(
            "request",
            lambda r: (
                away.append(r.url)
                if r.is_navigation_request() and not r.url.startswith(url)
                else None
            ),
        )
        slugs = [*HOSTILE, "the-facade-cracks"]
        for slug in slugs:
            target = f"{url}articles/{slug}/"
            page.goto(target)
            # A refresh of 0 or 1 s, or a script, would have acted by now.
            page.wait_for_timeout(1500)
            assert page.url == target, slug
            assert page.evaluate("window.__violations") == [], slug
        # The writers' list survives a writer named "Index".
        page.goto(url + "authors/")
        assert page.locator("a[href$='index-writer/']").count() >= 1
        assert page.locator("a[href$='richard-watson/']").count() >= 1
        assert dialogs == []
        assert away == []
    finally:
        context.close()
