"""Curation (issue 7): collections, topics, issue introductions and order, the
featured block, what ``check`` says about each, and the topic filter in search.

The seed edition's own curation is read from the built site (the session's
``seed_site``); behaviour the seeds do not show (a partial running order, featured
articles, hostile editor text) is built from a copy of the project in tmp.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from generator.content.check import check_all
from generator.site.build import BuildError, Project, build
from generator.site.typography import smarten
from tests.sitekit import ROOT, copy_project

HOSTILE = '<script>alert("pwned")</script> "quoted" & <b>bold</b>'
# What the page body shows: typographic quotes (generator/site/typography.py).
SHOWN = smarten(HOSTILE)
SEED_COLLECTIONS = {
    "asylum-refugees-and-womens-rights",
    "terror-and-its-aftermath",
    "party-lines",
}


def soup(site: Path, url_path: str) -> BeautifulSoup:
    rel = url_path.strip("/")
    path = site / rel / "index.html" if rel else site / "index.html"
    return BeautifulSoup(path.read_text("utf-8"), "lxml")


def resolve(page_url: str, href: str) -> str:
    """A page-relative href as a site path, e.g. ('topics/x/', '../../articles/y/')."""
    parts = [p for p in page_url.strip("/").split("/") if p]
    for piece in href.split("/"):
        if piece == "..":
            parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts) + "/"


def seed_topics() -> dict[str, list[str]]:
    """slug -> topics, read from the article files with plain PyYAML."""
    out = {}
    for path in sorted((ROOT / "content" / "articles").glob("*.md")):
        front = path.read_text("utf-8").split("\n---\n", 1)[0].removeprefix("---\n")
        out[path.stem] = yaml.safe_load(front).get("topics") or []
    return out


def topic_list() -> list[str]:
    data = yaml.safe_load((ROOT / "content" / "topics.yml").read_text("utf-8"))
    return [t["name"] if isinstance(t, dict) else t for t in data["topics"]]


# -- the seed edition's curation, on the built site -----------------------------------


def test_seed_content_checks_clean_with_topics_on_every_article() -> None:
    result = check_all(ROOT / "content")
    assert [str(p) for p in result.problems] == []
    assert set(result.curation.collections) >= SEED_COLLECTIONS
    assert len(result.curation.collections) >= 2
    allowed = set(topic_list())
    for slug, topics in seed_topics().items():
        assert topics, f"{slug} has no topics"
        assert set(topics) <= allowed


def test_collection_page_has_the_introduction_and_the_editors_order_with_notes(
    seed_site: Path,
) -> None:
    url = "collections/terror-and-its-aftermath/"
    page = soup(seed_site, url)
    assert page.h1.get_text() == "Terror and its aftermath"
    intro = page.select_one(".ns-collection__intro")
    assert intro.p.get_text().startswith("An attack lasts hours")
    assert len(intro.find_all("p")) == 2
    items = page.select("ol.ns-list--picks > li")
    links = [resolve(url, li.select_one(".ns-list__title a")["href"]) for li in items]
    # The editors' order, not the newest-first or alphabetical one.
    assert links == [
        "articles/becoming-a-pariah-state/",
        "articles/children-of-abraham-v-sons-of-ibrahim/",
    ]
    assert items[0].select_one(".ns-list__note").get_text().startswith("Days after the Mumbai")
    assert "Richard Watson" in items[0].select_one(".ns-list__meta").get_text()
    assert page.title.get_text().startswith("Terror and its aftermath")


def test_collections_index_lists_every_collection_with_its_first_paragraph(
    seed_site: Path,
) -> None:
    page = soup(seed_site, "collections/")
    cards = page.select("section.ns-collection-card")
    hrefs = {resolve("collections/", c.h2.a["href"]) for c in cards}
    assert hrefs == {f"collections/{slug}/" for slug in SEED_COLLECTIONS}
    terror = next(c for c in cards if "terror" in c.h2.a["href"])
    assert terror.select_one(".ns-list__meta").get_text() == "2 articles"
    assert terror.find("p", class_=None).get_text().startswith("An attack lasts hours")


def test_topic_pages_list_their_articles_newest_first_and_the_index_lists_them_all(
    seed_site: Path,
) -> None:
    url = "topics/human-rights/"
    page = soup(seed_site, url)
    assert page.h1.get_text() == "Human rights"
    assert page.select_one(".ns-standfirst").get_text().startswith("Civil liberties")
    links = [resolve(url, a["href"]) for a in page.select(".ns-list__title a")]
    expected = [s for s, t in seed_topics().items() if "Human rights" in t]
    assert sorted(links) == sorted(f"articles/{s}/" for s in expected)
    dates = [t["datetime"] for t in page.select(".ns-list__meta time")]
    assert dates == sorted(dates, reverse=True)

    index = soup(seed_site, "topics/")
    names = [a.get_text() for a in index.select(".ns-topics-index a")]
    assert sorted(names) == sorted(smarten(n) for n in topic_list())
    assert names == sorted(names, key=str.casefold)
    women = index.find("a", string="Women’s rights")
    assert women["href"] == "womens-rights/"
    assert women.find_next_sibling(class_="ns-count").get_text() == "(2)"


def test_article_page_links_its_topics_as_search_filters_and_its_collections(
    seed_site: Path,
) -> None:
    url = "articles/i-am-every-woman/"
    page = soup(seed_site, url)
    topics = page.select(".ns-topics a")
    assert [a.get_text() for a in topics] == [smarten(n) for n in seed_topics()["i-am-every-woman"]]
    assert [resolve(url, a["href"]) for a in topics] == [
        "topics/asylum-and-refugees/",
        "topics/womens-rights/",
        "topics/human-rights/",
    ]
    assert all(a["data-pagefind-filter"] == "topic" for a in topics)
    collections = page.select(".ns-in-collections a")
    assert [(a.get_text(), resolve(url, a["href"])) for a in collections] == [
        ("Asylum, refugees and women’s rights", "collections/asylum-refugees-and-womens-rights/")
    ]
    # Every seed article shows its topics.
    for slug, names in seed_topics().items():
        shown = soup(seed_site, f"articles/{slug}/").select(".ns-topics a")
        assert [a.get_text() for a in shown] == [smarten(n) for n in names], slug


def test_issue_page_shows_the_editors_introduction(seed_site: Path) -> None:
    page = soup(seed_site, "issues/2008-12-08/")
    intro = page.select_one(".ns-issue__intro")
    assert intro is not None
    assert intro.p.get_text().startswith("This issue went to press days after the attacks")
    # The introduction comes before the articles.
    assert intro.find_next("ol", class_="ns-list") is not None
    # Issues without a file have none.
    assert soup(seed_site, "issues/2010-07-12/").select_one(".ns-issue__intro") is None


def test_home_page_leads_with_the_latest_issue_then_the_collection(seed_site: Path) -> None:
    page = soup(seed_site, "")
    featured = page.select_one("section.ns-featured")
    assert featured is not None
    assert featured.h2.get_text() == "Asylum, refugees and women’s rights"
    assert featured.h2.a["href"] == "collections/asylum-refugees-and-womens-rights/"
    titles = [a.get_text() for a in featured.select(".ns-list__title a")]
    assert titles == ["I am every woman", "Mexico’s disappeared women"]
    assert featured.select_one(".ns-list__note") is not None
    latest = page.select_one("section.ns-latest")
    assert latest in featured.find_all_previous("section")
    assert latest.select_one(".ns-list__title a")["href"].startswith("articles/")
    sections = {a.get_text(): a["href"] for a in page.select(".ns-sections a")}
    assert sections["Collections"] == "collections/"
    assert sections["Topics"] == "topics/"


def test_nav_has_collections_and_topics_sections_only(seed_site: Path) -> None:
    page = soup(seed_site, "articles/the-facade-cracks/")
    tabs = {a.get_text(strip=True): a["href"] for a in page.select(".ns-sections a[href]")}
    assert resolve("articles/the-facade-cracks/", tabs["Collections"]) == "collections/"
    assert resolve("articles/the-facade-cracks/", tabs["Topics"]) == "topics/"
    nav = [a["href"] for a in page.select(".ns-sections a[href]")]
    assert not any(re.search(r"(collections|topics)/[a-z0-9-]+/", h) for h in nav)


# -- a curated copy: partial running order, featured articles, hostile editor text ----

ISSUE_NOTE = """---
order:
  - the-facade-cracks-2
---

An introduction with *emphasis*.
"""

HOSTILE_COLLECTION = f"""---
title: {json.dumps(HOSTILE)}
articles:
  - slug: the-facade-cracks
    note: {json.dumps(HOSTILE)}
---

Intro.
"""


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = copy_project(tmp_path_factory.mktemp("curated"))
    content = project.content
    # A second article in the 13 October 2008 issue; by default it comes second.
    src = (content / "articles" / "the-facade-cracks.md").read_text("utf-8")
    twin = src.replace("slug: the-facade-cracks", "slug: the-facade-cracks-2")
    twin = twin.replace("title: The façade cracks", "title: The façade cracks again")
    (content / "articles" / "the-facade-cracks-2.md").write_text(twin, "utf-8")
    (content / "issues" / "2008-10-13.md").write_text(ISSUE_NOTE, "utf-8")
    (content / "collections" / "hostile.md").write_text(HOSTILE_COLLECTION, "utf-8")
    topics = (content / "topics.yml").read_text("utf-8")
    topics += f"  - name: Hostile topic\n    description: {json.dumps(HOSTILE)}\n"
    (content / "topics.yml").write_text(topics, "utf-8")
    (content / "edition.yml").write_text(
        "featured:\n"
        "  title: Ten years on\n"
        "  articles:\n"
        "    - the-facade-cracks-2\n"
        "    - slug: becoming-a-pariah-state\n"
        f"      note: {json.dumps(HOSTILE)}\n",
        "utf-8",
    )
    build(project, ingest_sources=False, search=False)
    return project


def test_issue_order_puts_listed_articles_first_and_the_rest_after(curated: Project) -> None:
    site = curated.site_dir()
    page = soup(site, "issues/2008-10-13/")
    titles = [a.get_text() for a in page.select(".ns-list__title a")]
    assert titles == ["The façade cracks again", "The façade cracks"]
    assert page.select_one(".ns-issue__intro em").get_text() == "emphasis"
    # Previous and next on the article pages follow the same order.
    first = soup(site, "articles/the-facade-cracks-2/")
    assert first.select_one("a[rel=next]")["href"] == "../the-facade-cracks/"
    assert first.select_one("a[rel=prev]") is None


def test_home_page_features_the_chosen_articles_in_order(curated: Project) -> None:
    page = soup(curated.site_dir(), "")
    featured = page.select_one("section.ns-featured")
    assert featured.h2.get_text() == "Ten years on"
    titles = [a.get_text() for a in featured.select(".ns-list__title a")]
    assert titles == ["The façade cracks again", "Becoming a pariah state"]
    assert featured.select(".ns-list__note")[0].get_text() == SHOWN


def test_editor_text_is_shown_never_run(curated: Project) -> None:
    site = curated.site_dir()
    for url in ("", "collections/", "collections/hostile/", "topics/", "topics/hostile-topic/"):
        page = soup(site, url)
        for script in page.find_all("script"):
            assert "pwned" not in (script.string or "") or script["type"] == "application/ld+json"
        assert not page.find("b", string="bold"), url
    collection = soup(site, "collections/hostile/")
    assert collection.h1.get_text() == SHOWN
    assert collection.title.get_text().startswith(HOSTILE)
    assert collection.select_one(".ns-list__note").get_text() == SHOWN
    og = {m["property"]: m["content"] for m in collection.find_all("meta", property=True)}
    assert og["og:title"] == HOSTILE
    topic = soup(site, "topics/hostile-topic/")
    assert topic.select_one(".ns-standfirst").get_text() == SHOWN
    assert soup(site, "articles/the-facade-cracks/").find("a", string=SHOWN) is not None


def test_a_long_featured_collection_shows_its_first_five_and_links_to_the_rest(
    tmp_path: Path,
) -> None:
    from generator.content.edition import build_edition
    from generator.site.build import render_pages

    project = copy_project(tmp_path)
    slugs = sorted(seed_topics())
    items = "".join(f"  - {s}\n" for s in slugs)
    write(project.content / "collections" / "all.md", f"---\ntitle: Six\narticles:\n{items}---\n")
    write(project.content / "edition.yml", "featured:\n  collection: all\n")
    result = check_all(project.content)
    assert result.ok, [str(p) for p in result.problems]
    edition = build_edition(list(result.articles), result.curation.issue_orders(), result.curation)
    home = next(p for p in render_pages(project, edition) if p.path == "index.md")
    featured = BeautifulSoup(home.text, "lxml").select_one("section.ns-featured")
    assert len(featured.select(".ns-list__item")) == 5
    more = featured.select_one(".ns-featured__more a")
    assert more["href"] == "collections/all/"
    assert more.get_text() == "All 6 articles in this collection"


# -- check: every problem at its path:line --------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return copy_project(tmp_path).content


def problems(content: Path) -> list[str]:
    return [str(p) for p in check_all(content).problems]


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return str(path)


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_check_reports_a_collection_naming_an_unknown_article(content: Path) -> None:
    path = write(
        content / "collections" / "mumbai.md",
        "---\ntitle: Mumbai\narticles:\n  - becoming-a-pariah-state\n"
        "  - slug: becoming-a-pariah\n    note: A typo.\n---\n\nIntro.\n",
    )
    assert problems(content) == [
        f"{path}:5: articles.1: no article 'becoming-a-pariah': "
        "there is no content/articles/becoming-a-pariah.md"
    ]


def test_check_reports_a_topic_outside_the_list(content: Path) -> None:
    article = content / "articles" / "i-am-every-woman.md"
    text = article.read_text("utf-8")
    text = text.replace("- Women's rights\n", "- women's rights\n").replace(
        "- Human rights\n", "- Housing\n"
    )
    article.write_text(text, "utf-8")
    lowered = line_of(article, "- women's rights")
    assert problems(content) == [
        f'{article}:{lowered}: topics.1: "women\'s rights" is not in '
        'topics.yml; write it as "Women\'s rights"',
        f"{article}:{line_of(article, 'Housing')}: topics.2: 'Housing' is not in topics.yml; "
        "use a topic from the list, or add this one to the list first",
    ]


def test_check_reports_names_in_topics_yml_that_differ_only_by_case_or_spacing(
    content: Path,
) -> None:
    topics = content / "topics.yml"
    text = topics.read_text("utf-8") + "  - name: human  Rights\n  - Terrorism\n"
    topics.write_text(text, "utf-8")
    first = line_of(topics, "name: Human rights")
    assert problems(content) == [
        f"{topics}:{line_of(topics, 'human  Rights')}: topics.10: 'human  Rights' differs from "
        f"'Human rights' (line {first}) only by case or spacing; keep one name for one topic",
        f"{topics}:{line_of(topics, '  - Terrorism')}: topics.11: 'Terrorism' is listed twice "
        f"(also on line {line_of(topics, 'name: Terrorism')})",
    ]


def test_check_reports_an_issue_file_for_an_issue_that_does_not_exist(content: Path) -> None:
    path = write(content / "issues" / "2008-12-09.md", "An introduction.\n")
    assert problems(content) == [
        f"{path}:1: file name: no article is in an issue dated 2008-12-09; the file name must "
        "be the date of an issue in the edition"
    ]


def test_check_reports_an_issue_order_naming_an_article_of_another_issue(content: Path) -> None:
    path = content / "issues" / "2008-12-08.md"
    text = path.read_text("utf-8").replace(
        "  - becoming-a-pariah-state\n",
        "  - becoming-a-pariah-state\n  - the-facade-cracks\n  - no-such-article\n",
    )
    path.write_text(text, "utf-8")
    assert problems(content) == [
        f"{path}:{line_of(path, 'the-facade-cracks')}: order.1: 'the-facade-cracks' is not in "
        "the 8 December 2008 issue: it is in the 13 October 2008 issue",
        f"{path}:{line_of(path, 'no-such-article')}: order.2: no article 'no-such-article': "
        "there is no content/articles/no-such-article.md",
    ]


def test_check_reports_a_featured_collection_or_article_that_does_not_exist(
    content: Path,
) -> None:
    path = write(content / "edition.yml", "# settings\nfeatured:\n  collection: terror\n")
    assert problems(content) == [
        f"{path}:3: featured.collection: no collection 'terror': there is no "
        "content/collections/terror.md"
    ]
    write(content / "edition.yml", "featured:\n  articles:\n    - the-facade-cracks\n    - gone\n")
    assert problems(content) == [
        f"{path}:4: featured.articles.1: no article 'gone': there is no content/articles/gone.md"
    ]


def test_check_reports_unknown_keys_in_every_curation_file(content: Path) -> None:
    collection = write(
        content / "collections" / "typo.md",
        "---\ntitel: Typo\narticles:\n  - slug: the-facade-cracks\n    note: ok\n"
        "    notes: typo\n---\n",
    )
    issue = content / "issues" / "2008-12-08.md"
    issue.write_text("---\nordre: []\n---\n\nIntro.\n", "utf-8")
    topics = content / "topics.yml"
    topics.write_text(
        topics.read_text("utf-8") + "  - name: Extra\n    descripton: typo\n", "utf-8"
    )
    settings = write(content / "edition.yml", "featured:\n  collection: party-lines\ntheme: dark\n")
    found = problems(content)
    assert f"{collection}:2: titel: unknown key; expected title or articles" in found
    assert f"{collection}:6: articles.0.notes: unknown key; expected one of note, slug" in found
    assert f"{issue}:2: ordre: unknown key; expected order" in found
    assert (
        f"{topics}:{line_of(topics, 'descripton')}: topics.10.descripton: "
        "unknown key; expected one of aliases, description, name"
    ) in found
    assert f"{settings}:3: theme: unknown key; expected featured" in found


def test_check_reports_bad_yaml_and_file_names_in_curation_folders(content: Path) -> None:
    broken = write(content / "collections" / "broken.md", "---\ntitle: 'unclosed\n---\n")
    named = write(content / "collections" / "Not A Slug.md", "---\ntitle: T\narticles: [x]\n---\n")
    stray = write(content / "issues" / "notes.txt", "scribbles\n")
    found = problems(content)
    assert any(p.startswith(f"{broken}:2: yaml: invalid YAML") for p in found), found
    assert any(p.startswith(f"{named}:1: file name: ") for p in found), found
    assert f"{stray}:1: file name: only .md files belong here; this one is not read" in found


def test_check_command_prints_the_problem_and_fails(content: Path, run_generator) -> None:
    path = write(content / "collections" / "mumbai.md", "---\ntitle: M\narticles: [nope]\n---\n")
    result = run_generator("check", "--content", content)
    assert result.returncode == 1
    assert f"{path}:3: articles.0: no article 'nope'" in result.stdout
    clean = run_generator("check", "--content", ROOT / "content")
    assert clean.returncode == 0, clean.stdout
    assert "3 collection(s)" in clean.stderr


def test_a_broken_collection_stops_the_build_with_the_checkers_message(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    path = write(
        project.content / "collections" / "mumbai.md", "---\ntitle: M\narticles: [nope]\n---\n"
    )
    with pytest.raises(BuildError) as error:
        build(project, ingest_sources=False, search=False)
    assert f"{path}:3: articles.0: no article 'nope'" in str(error.value)
    assert not project.site_dir().exists()


# -- search: the topic filter, in Chromium ---------------------------------------------

ENGINE_TOPIC_QUERY = """async (topic) => {
  const root = document.querySelector('[data-bundle]');
  const engine = await import(new URL(root.dataset.engine, location.href).href);
  await engine.options({bundlePath: new URL(root.dataset.bundle, location.href).href,
                        baseUrl: new URL('../', location.href).pathname});
  await engine.init();
  const filters = await engine.filters();
  const search = await engine.search(null, {filters: {topic: {any: [topic]}}});
  const pages = await Promise.all(search.results.map((r) => r.data()));
  return {topics: filters.topic || {}, urls: pages.map((p) => p.url)};
}"""


@pytest.mark.browser
def test_search_index_offers_every_topic_as_a_filter_that_narrows_results(
    page, site_url: str
) -> None:
    page.goto(site_url + "search/")
    result = page.evaluate(ENGINE_TOPIC_QUERY, "Women's rights")
    counts: dict[str, int] = {}
    for names in seed_topics().values():
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    assert result["topics"] == counts
    expected = sorted(f"/articles/{s}/" for s, t in seed_topics().items() if "Women's rights" in t)
    assert sorted(result["urls"]) == expected


@pytest.mark.browser
def test_search_page_lets_a_reader_narrow_results_to_a_topic(page, site_url: str) -> None:
    # Written against what a reader sees (a control named after the topic, results
    # linking to articles), not against the search UI's own class names.
    page.goto(site_url + "search/")
    ui = page.locator("#ns-search")
    control = ui.get_by_role("checkbox", name=re.compile(r"^Women's rights\b"))
    control.first.check(timeout=5_000)
    expected = sorted(s for s, t in seed_topics().items() if "Women's rights" in t)
    results = ui.locator("a[href*='/articles/']")
    page.wait_for_function(
        "([el, n]) => el.querySelectorAll(\"a[href*='/articles/']\").length === n",
        arg=[ui.element_handle(), len(expected)],
        timeout=5_000,
    )
    hrefs = {
        h.rstrip("/").rsplit("/", 1)[-1]
        for h in results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    }
    assert sorted(hrefs) == expected
