"""The browser must cut text into exactly the terms the index holds, and look a term
up in exactly the shard the build put it in. search_text.py and search_index.py
have twins in search-engine.js; these tests run both on the same text, in Chromium,
and require the same answers: on every word of the seed articles and on the
awkward cases (accents written apart, letters of their own, ligatures, digits of
other scripts, underscores, plurals).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pytest

from generator.search.index import _shards_of
from generator.search.text import (
    article_fields,
    fold,
    form,
    markdown_paragraphs,
    stem,
    terms,
    words,
)
from generator.site.build import Project, load_edition

AWKWARD = [
    "Lashkar-e-Toiba",
    "Mexico’s disappeared WOMEN's",
    "Ciudad Juárez, Jua\u0301rez and JUÁREZ",
    "Łódź, Gdańsk, Straße, Ærøskøbing, Œuvre, Þingvellir, Đakovo, İstanbul, ıi",
    "GROẞE Ŧŧ Ŋŋ Əliyev ĸ ƒ Ɨɨ Ƶƶ ſ",
    "ﬁnance ﬂows ½ ² Ⅻ ①",
    "٣٤ ४२ 2008-12-08 1,000 3.5",
    "snake_case __init__ _ x_",
    "parties judges crises glass this analysis bus gas us is as ies aies eies",
    "Terrorists terrorism socialist artists generously running ran y’all ies’",
    "Ça va? Naïve café, façade, coöperate, résumé",
    "Москва Ελλάδα 東京 עִברִית",
    "don’t can't it’s “quoted” «guillemets»",
]


@pytest.fixture(scope="module")
def engine(browser: Any, site_url: str) -> Any:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "search/")
    page.evaluate(
        "async (url) => { window.engine = await import(url); }",
        site_url + "assets/javascripts/search-engine.js",
    )
    yield page
    context.close()


def js_terms(engine: Any, texts: list[str]) -> list[list[str]]:
    return engine.evaluate("(texts) => texts.map((t) => window.engine.terms(t))", texts)


def seed_texts(seed_project: Project) -> list[str]:
    texts = []
    for article in load_edition(seed_project).articles.values():
        for paragraphs in article_fields(article).values():
            texts.extend(paragraphs)
    return texts


@pytest.mark.browser
def test_the_browser_finds_the_same_terms_in_every_seed_paragraph(
    engine: Any, seed_project: Project
) -> None:
    texts = seed_texts(seed_project)
    assert len(texts) > 200
    assert js_terms(engine, texts) == [terms(t) for t in texts]


@pytest.mark.browser
def test_the_browser_finds_the_same_terms_in_awkward_text(engine: Any) -> None:
    for text, found in zip(AWKWARD, js_terms(engine, AWKWARD), strict=True):
        assert found == terms(text), text


@pytest.mark.browser
def test_the_browser_looks_words_and_pairs_up_in_the_same_shards(
    engine: Any, seed_project: Project
) -> None:
    words = sorted({t for text in seed_texts(seed_project) + AWKWARD for t in terms(text)})
    ids = {w: i for i, w in enumerate(words)}
    pairs = list(pairwise(words))[:3000]
    keys = [ids[w] for w in words] + [((ids[a] + 1) << 32) | ids[b] for a, b in pairs]
    names = words + [f"{a} {b}" for a, b in pairs]
    for shards in (1, 7, 512, 2712):
        expected = _shards_of(np.array(keys, np.int64), words, shards).tolist()
        found = engine.evaluate(
            "([names, n]) => names.map((k) => window.engine.shardOf(k, n))", [names, shards]
        )
        assert found == expected, shards


def test_folding_drops_accents_and_spells_letters_of_their_own() -> None:
    assert terms("Ciudad Juárez") == terms("ciudad juarez") == ["ciudad", "juarez"]
    assert terms("Jua\u0301rez") == ["juarez"]  # the accent typed as its own character
    assert [form(w) for w in words("Łódź Straße Œuvre")] == ["lodz", "strasse", "oeuvre"]
    # Letters that are letters of their own (no accent for NFKD to drop).
    letters = "Ł ł Ø ø Æ æ ß ẞ Đ đ Ð ð Þ þ Œ œ ı Ħ ħ Ŧ ŧ Ŋ ŋ Ə ə ĸ ƒ Ɨ ɨ Ƶ ƶ ſ İ"
    plain = "l l o o ae ae ss ss d d d d th th oe oe i h h t t ng ng e e q f i i z z s i"
    assert fold(letters) == plain
    assert fold("ÆRØ") == "aero"


def test_hyphens_and_apostrophes_separate_terms() -> None:
    assert terms("Lashkar-e-Toiba") == ["lashkar", "e", "toiba"]
    assert terms("Mexico’s") == ["mexico", "s"]


def test_snowball_stems_and_ist_meets_ism() -> None:
    assert [stem(w) for w in ("parties", "party", "judges", "generously", "attackers")] == [
        "parti", "parti", "judg", "generous", "attack",
    ]  # fmt: skip
    assert stem("terrorist") == stem("terrorists") == stem("terrorism") == "terror"
    assert stem("socialist") == stem("socialism") == "social"
    # Where Snowball keeps "-ism", the "-ist" rule keeps "-ist" too.
    assert (stem("artist"), stem("list"), stem("tourist")) == ("artist", "list", "tourist")


SUFFIXES = ("", "s", "es", "ies", "ed", "ing", "ly", "ness", "ment", "ist", "ism", "ists",
            "ational", "ization", "fulness", "ous", "ive", "er", "est", "ity")  # fmt: skip


def stem_word_list(seed_project: Project) -> list[str]:
    """Every form of the seed articles and of 300 synthetic ones, each with common
    English suffixes added: some 100,000 words, real and plausible."""
    from devtools.synth import plan_articles, render_article

    texts = seed_texts(seed_project) + AWKWARD
    texts += [render_article(a) for a in plan_articles(300, 0)]
    forms = {form(w) for text in texts for w in words(text)} - {""}
    return sorted({f + suffix for f in forms for suffix in SUFFIXES})


@pytest.mark.browser
def test_the_browser_stems_every_word_as_the_index_does(engine: Any, seed_project: Project) -> None:
    listed = stem_word_list(seed_project)
    assert len(listed) > 80_000
    found = engine.evaluate("(words) => words.map((w) => window.engine.stem(w))", listed)
    differ = [(w, s, stem(w)) for w, s in zip(listed, found, strict=True) if s != stem(w)]
    assert not differ, differ[:20]


def test_markdown_becomes_the_text_a_reader_reads() -> None:
    body = (
        "## A crosshead ##\n\nSome *emphasis*, a [link](https://example.org) and "
        "\\*stars\\* kept, snake_case kept, &amp; an entity.\n\n***\n\nNext\nparagraph."
    )
    assert markdown_paragraphs(body) == [
        "A crosshead",
        "Some emphasis, a link and *stars* kept, snake_case kept, & an entity.",
        "Next paragraph.",
    ]
