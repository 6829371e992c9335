"""Every example in the editors' guide (CONTRIBUTING.md) does what the guide says.

Each fenced block of the guide is named by an HTML comment just above it
(``<!-- example: correction -->``, invisible on GitHub). The tests read the blocks
from the guide itself, apply them to a copy of the real edition as an editor
would (front matter keys replaced, body lines edited, shell lines run in bash),
run the checker and a build, and look for the result on the built pages.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from generator.content.schema import FIELD_NAMES
from generator.site.build import Project, build
from tests.sitekit import ROOT, copy_project
from tests.test_quality_workflow import plain_make_env

GUIDE = ROOT / "CONTRIBUTING.md"
EXAMPLE_RE = re.compile(
    r"<!-- example: (?P<name>[\w-]+) -->\n```(?P<lang>\w+)\n(?P<body>.*?)\n```", re.S
)
FENCE_OPENING_RE = re.compile(r"^```\w+$", re.M)

# The examples this file exercises, each by the test named after it.
EXERCISED = {
    "preview",
    "check",
    "correct-before",
    "correct-after",
    "body-markup",
    "correction",
    "alias",
    "alias-missing",
    "topic-alias",
    "timeline",
    "bio",
    "mistake",
    "mistake-message",
    "add-sources",
    "ingest-kept",
    "ingest-kept-message",
    "ingest-force",
    "policy-allowed",
    "policy-refused",
    "policy-message",
}
PARIAH = "articles/becoming-a-pariah-state.md"
FACADE = "articles/the-facade-cracks.md"
MEXICO = "articles/mexicos-disappeared-women.md"
WOMAN = "articles/i-am-every-woman.md"


@dataclass(frozen=True)
class Example:
    name: str
    lang: str
    body: str


def _problems(output: str) -> list[str]:
    """check's lines, less the editors' to-dos (standfirsts the sources cut off)."""
    return [line for line in output.splitlines() if ": to-do:" not in line]


def guide_examples() -> dict[str, Example]:
    text = GUIDE.read_text("utf-8")
    found = [Example(m["name"], m["lang"], m["body"]) for m in EXAMPLE_RE.finditer(text)]
    names = [e.name for e in found]
    assert len(names) == len(set(names)), "two examples of the guide share a name"
    return {e.name: e for e in found}


EXAMPLES = guide_examples()


def example(name: str, lang: str) -> str:
    ex = EXAMPLES[name]
    assert ex.lang == lang, f"example {name} is {ex.lang}, expected {lang}"
    return ex.body


# -- applying examples as an editor would -------------------------------------------------


def split_article(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text("utf-8")
    front, sep, body = text[4:].partition("\n---\n")
    assert text.startswith("---\n") and sep, path
    return yaml.safe_load(front), body


def write_article(path: Path, meta: dict[str, Any], body: str) -> None:
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100_000)
    path.write_text(f"---\n{front}---\n{body}", "utf-8")


def apply_yaml(content: Path, article: str, snippet: str) -> None:
    """Replace the front matter keys the snippet sets, keep every other key."""
    path = content / article
    meta, body = split_article(path)
    changes = yaml.safe_load(snippet)
    assert isinstance(changes, dict) and set(changes) <= set(FIELD_NAMES), changes
    meta.update(changes)
    write_article(path, meta, body)


def replace_in_body(content: Path, article: str, before: str, after: str) -> None:
    path = content / article
    meta, body = split_article(path)
    assert before in body, f"the guide's 'before' text is not in {article}"
    write_article(path, meta, body.replace(before, after, 1))


def append_to_body(content: Path, article: str, markdown: str) -> None:
    path = content / article
    meta, body = split_article(path)
    write_article(path, meta, body.rstrip("\n") + "\n\n" + markdown + "\n")


def run_shell(block: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A shell example, line for line, in bash; `python` is this test's Python."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=cwd,
        env={**os.environ, "PATH": path, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "lxml")


# -- the guide itself ------------------------------------------------------------------------


def test_every_fenced_block_of_the_guide_is_a_named_example() -> None:
    text = GUIDE.read_text("utf-8")
    assert len(FENCE_OPENING_RE.findall(text)) == len(EXAMPLES), (
        "a fenced block of CONTRIBUTING.md has no <!-- example: NAME --> comment above it"
    )


def test_every_example_of_the_guide_is_exercised() -> None:
    assert set(EXAMPLES) == EXERCISED


# -- one edition with every editing example applied, checked and built once ---------------------


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = copy_project(tmp_path_factory.mktemp("guide"))
    content = project.content
    replace_in_body(
        content,
        PARIAH,
        example("correct-before", "markdown"),
        example("correct-after", "markdown"),
    )
    apply_yaml(content, PARIAH, example("correction", "yaml"))
    append_to_body(content, FACADE, example("body-markup", "markdown"))
    apply_yaml(content, MEXICO, example("timeline", "yaml"))
    apply_yaml(content, WOMAN, example("bio", "yaml"))
    edited_files = {p: p.read_bytes() for p in (content / "articles").glob("*.md")}
    checked = run_shell(example("check", "sh"), project.root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    build(project, search=False)  # with ingest, as make site does
    # ingest ran on the sources again and kept every edited file as it was
    assert {p: p.read_bytes() for p in (content / "articles").glob("*.md")} == edited_files
    return project


def test_check_passes_on_the_edited_articles(edited: Project) -> None:
    done = run_shell(example("check", "sh"), edited.root)
    assert done.returncode == 0
    assert "no problems" in done.stderr


def test_correcting_the_text_shows_on_the_page(edited: Project) -> None:
    body = page(edited.site_dir(), "articles/becoming-a-pariah-state").select_one(
        ".ns-article__body"
    )
    text = " ".join(body.get_text().split())
    assert "Lashkar-e-Toiba – “the Army of the Pure” – which" in text
    assert 'Lashkar-e-Toiba - "the Army of the Pure" - which' not in text


def test_body_markup_makes_a_crosshead_line_breaks_and_a_section_break(edited: Project) -> None:
    article = page(edited.site_dir(), "articles/the-facade-cracks")
    body = article.select_one(".ns-article__body")
    assert "After the attacks" in [h.get_text() for h in body.find_all("h2")]
    para = next(p for p in body.find_all("p") if "A blank line starts" in p.get_text())
    assert len(para.find_all("br")) == 2
    assert len(body.find_all("hr")) == 3  # the article's two, and the example's
    assert body.find_all("p")[-1].get_text() == (
        "Three spaced asterisks on their own line make a section break."
    )


def test_a_correction_shows_as_a_notice(edited: Project) -> None:
    notice = page(edited.site_dir(), "articles/becoming-a-pariah-state").select_one(
        ".ns-notice--correction"
    )
    assert notice.h2.get_text() == "Correction"
    assert "misspelt the name of the terrorism analyst Sajjan Gohel" in notice.get_text()
    assert notice.select_one("time")["datetime"] == "2026-12-04"
    assert notice.select_one("time").get_text() == "4 December 2026"
    # On the page of the year it was made, which the corrections index links.
    index = page(edited.site_dir(), "corrections")
    assert index.find(id="corrections-2026").a["href"] == "2026/"
    listed = page(edited.site_dir(), "corrections/2026").select_one(".ns-corrections")
    assert "Sajjan Gohel" in listed.get_text()


def test_a_new_timeline_shows_beside_the_article_and_in_the_chronology(edited: Project) -> None:
    site = edited.site_dir()
    aside = page(site, "articles/mexicos-disappeared-women").select_one("aside.ns-timeline")
    assert aside.h2.get_text() == "Ciudad Juárez"
    assert [t["datetime"] for t in aside.select("ol > li time")] == [
        "1993",
        "2006-12",
        "2009-06-18",
    ]
    assert aside.select_one(".ns-timeline__credit").get_text() == "Compiled by The editors"
    # In the chronology of each year it covers (its last event: 2009).
    chronology = page(site, "timelines/2009").get_text()
    assert "The remains of Rubí Frayre Escobedo, 16, are found in Ciudad Juárez." in chronology


def test_a_writers_bio_shows_on_the_article_and_the_writers_page(edited: Project) -> None:
    bio = "Natasha Walter is the founder of Women for Refugee Women (@4refugeewomen)."
    site = edited.site_dir()
    assert page(site, "articles/i-am-every-woman").select_one(".ns-bio").get_text() == bio
    assert page(site, "authors/natasha-walter").select_one(".ns-bio").get_text() == bio


# -- the checker's message for the guide's mistake ---------------------------------------------


def test_the_mistake_gives_the_message_the_guide_shows(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    apply_yaml(project.content, FACADE, example("mistake", "yaml"))
    done = run_shell(example("check", "sh"), project.root)
    assert done.returncode == 1
    assert _problems(done.stdout)[0] == example("mistake-message", "text")
    # In a pull request, the same line is also an annotation on that line of the file.
    annotated = run_shell(example("check", "sh"), project.root, GITHUB_ACTIONS="true")
    first, second = _problems(annotated.stdout)[:2]
    assert first == example("mistake-message", "text")
    assert second.startswith(f"::error file=content/{FACADE},line=10::issue.date: ")


def test_the_policy_allows_the_allowed_example_and_publishes_no_comment(tmp_path: Path) -> None:
    from generator.content.check import check_all
    from generator.content.policy import strip_comments

    project = copy_project(tmp_path)
    path = project.content / FACADE
    allowed = example("policy-allowed", "markdown")
    path.write_text(path.read_text("utf-8") + "\n" + allowed + "\n", "utf-8")
    assert check_all(project.content).problems == ()
    published = strip_comments(allowed)
    assert "Checked against the print edition" not in published
    assert '<abbr title="Lashkar-e-Toiba">' in published


def test_the_refused_example_gives_the_message_the_guide_shows(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    path = project.content / FACADE
    refused = example("policy-refused", "markdown")
    path.write_text(path.read_text("utf-8") + "\n" + refused + "\n", "utf-8")
    done = run_shell(example("check", "sh"), project.root)
    assert done.returncode == 1
    assert _problems(done.stdout) == [example("policy-message", "text")]


# -- sources and ingest ---------------------------------------------------------------------------


def test_adding_new_scrapes_writes_new_articles(tmp_path: Path) -> None:
    from devtools.synth import synthesize

    project = copy_project(tmp_path / "project")
    home = tmp_path / "home"
    synthesize(2, home / "scrapes", seed=11)
    before = set((project.content / "articles").glob("*.md"))
    done = run_shell(example("add-sources", "sh"), project.root, HOME=str(home))
    assert done.returncode == 0, done.stdout + done.stderr
    new = set((project.content / "articles").glob("*.md")) - before
    assert len(new) == 2
    assert "2 written" in done.stderr
    assert "no problems" in done.stderr  # the check in the example passed


def test_ingest_keeps_an_edited_article_and_only_force_overwrites_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    facade = project.content / FACADE
    apply_yaml(
        project.content,
        FACADE,
        "corrections: [{date: 2026-12-01, text: An edit ingest must keep.}]",
    )
    edited = facade.read_bytes()
    kept = run_shell(example("ingest-kept", "sh"), project.root)
    assert kept.returncode == 0, kept.stderr
    assert example("ingest-kept-message", "text") in kept.stderr.splitlines()
    assert facade.read_bytes() == edited
    forced = run_shell(example("ingest-force", "sh"), project.root)
    assert forced.returncode == 0, forced.stderr
    assert b"An edit ingest must keep." not in facade.read_bytes()


# -- the live preview ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_make_serve_previews_the_edition(tmp_path: Path) -> None:
    assert example("preview", "sh") == "make serve"
    dry = subprocess.run(
        ["make", "-n", "serve"],
        cwd=ROOT,
        env=plain_make_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    command = [line for line in dry.stdout.splitlines() if "-m generator serve" in line]
    assert command, dry.stdout
    # The same command, on a copy of the edition and a free port.
    project = copy_project(tmp_path)
    port = _free_port()
    args = [sys.executable, "-m", "generator", "serve", "--root", str(project.root)]
    server = subprocess.Popen(
        [*args, "--address", f"127.0.0.1:{port}"],
        cwd=project.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, with its mkdocs child
    )
    try:
        deadline = time.monotonic() + 120
        html = ""
        while time.monotonic() < deadline and not html:
            try:
                url = f"http://127.0.0.1:{port}/articles/the-facade-cracks/"
                with urllib.request.urlopen(url, timeout=5) as response:
                    html = response.read().decode("utf-8")
            except OSError:
                time.sleep(0.5)
        assert "The façade cracks" in html
    finally:
        # Ctrl-C, as an editor stops it: serve then stops its mkdocs child itself.
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


# -- renaming an article and a topic -------------------------------------------------------------


RENAMED = "britain-and-the-mumbai-attacks"


def rename_article_file(content: Path, old: str, new: str) -> None:
    """What an editor does besides the alias: the file, and the curation files' mentions."""
    (content / "articles" / f"{old}.md").rename(content / "articles" / f"{new}.md")
    for path in [*(content / "collections").glob("*.md"), *(content / "issues").glob("*.md")]:
        path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")


def rename_topic(content: Path, snippet: str) -> tuple[str, str]:
    """Apply the guide's topics.yml snippet: its entry replaces the old one."""
    (entry,) = yaml.safe_load(snippet)["topics"]
    (old,) = entry["aliases"]
    topics = content / "topics.yml"
    data = yaml.safe_load(topics.read_text("utf-8"))
    data["topics"] = [entry if t["name"] == old else t for t in data["topics"]]
    topics.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    for path in (content / "articles").glob("*.md"):
        meta, body = split_article(path)
        if old in meta.get("topics", []):
            meta["topics"] = [entry["name"] if t == old else t for t in meta["topics"]]
            write_article(path, meta, body)
    return old, entry["name"]


def test_renamed_article_and_topic_keep_their_old_addresses(tmp_path: Path) -> None:
    from generator.content.curation import topic_slug
    from tests.redirect_server import serve_with_redirects

    project = copy_project(tmp_path)
    content = project.content
    alias_yaml = example("alias", "yaml")
    pariah = PARIAH.removeprefix("articles/").removesuffix(".md")
    rename_article_file(content, pariah, RENAMED)
    # The slug renamed without the alias: check demands it, at the ledger's line.
    apply_yaml(content, f"articles/{RENAMED}.md", f"slug: {RENAMED}")
    done = run_shell(example("check", "sh"), project.root)
    assert done.returncode == 1
    assert example("alias-missing", "text") in done.stdout.splitlines()
    apply_yaml(content, f"articles/{RENAMED}.md", alias_yaml)
    old_topic, new_topic = rename_topic(content, example("topic-alias", "yaml"))
    done = run_shell(example("check", "sh"), project.root)
    assert done.returncode == 0, done.stdout + done.stderr
    build(project, ingest_sources=False, search=False)
    site = project.site_dir()
    old_topic_url = f"/topics/{topic_slug(old_topic)}/"
    new_topic_url = f"/topics/{topic_slug(new_topic)}/"
    lines = (site / "_redirects").read_text("utf-8").splitlines()
    assert f"/articles/{pariah}/ /articles/{RENAMED}/ 301" in lines
    assert f"{old_topic_url} {new_topic_url} 301" in lines
    ledger = (content / "addresses.txt").read_text("utf-8").splitlines()
    assert f"/articles/{RENAMED}/" in ledger and new_topic_url in ledger  # recorded
    with serve_with_redirects(site) as base:
        for line in lines:
            old, new, status = line.split()
            assert status == "301"
            code, location = fetch_status(base + old)
            assert (code, location) == (301, new), line
            assert fetch_status(base + new) == (200, None), line
    # Without the alias, check fails at the ledger's line, as the guide says.
    meta, body = split_article(content / f"articles/{RENAMED}.md")
    del meta["aliases"]
    write_article(content / f"articles/{RENAMED}.md", meta, body)
    done = run_shell(example("check", "sh"), project.root)
    assert done.returncode == 1
    # The one problem (check also prints to-dos and warnings, which stop nothing).
    problems = [line for line in done.stdout.splitlines() if ": address: " in line]
    assert problems == [example("alias-missing", "text")]


def fetch_status(url: str) -> tuple[int, str | None]:
    """The status of a GET that does not follow redirects, and its Location."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location")
