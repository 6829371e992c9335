"""Known-item relevance: does search find the article a reader remembers?

``python -m devtools.relevance [--articles N] [--items K] [--seed S]`` builds a
synthetic archive of N articles (devtools/synth.py, ingested and built as
``make site`` builds), indexes the same built site with Pagefind, picks K articles
at random (by seed) and, for each, makes the queries a reader who remembers it
would type:

- ``headline``: two or three of its headline's rarest words;
- ``text``: three of the rarest words of one paragraph of its text;
- ``writer``: the writer's surname and the headline's rarest word;
- ``typo``: the headline query with one word of five letters or more misspelt by
  one edit (a letter changed, left out, added, or two swapped; never the first
  letter), spelt as no word of the archive is: compare it with ``headline``.

"Rarest" is counted on the archive's words as written, with no stemming: the
same words go to both engines. Each query is run by the edition's real engine
(search-engine.js, imported by headless Chromium from the built site) and by
Pagefind's (pagefind.js, same browser, same site), and scored by where the article
comes among the first ten results: success@1, success@10 and the mean reciprocal
rank (1/rank, 0 beyond ten). ``make bench`` prints the table; tests/test_search_
relevance.py runs a small one and holds the edition to at least Pagefind's scores.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from generator.content.edition import Edition
from generator.search.text import article_fields, form, words
from generator.site.build import Project, load_edition

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("headline", "text", "writer", "typo")
TOP = 10
# Words a reader does not remember an article by.
_STOPWORDS = """a about after all also an and are as at be been but by can could did do for
from had has have he her his how i if in into is it its more most my new no not of on one
or our out over she so some than that the their them then there these they this to up was
we were what when which who why will with would you your"""
STOPWORDS = frozenset(_STOPWORDS.split())
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    slug: str  # the article the reader remembers


@dataclass(frozen=True)
class Score:
    engine: str
    kind: str
    queries: int
    success_at_1: float
    success_at_10: float
    mrr: float


# --- the archive -------------------------------------------------------------------


def build_archive(n: int, seed: int, work: Path) -> Project:
    """A synthetic archive of ``n`` articles, ingested and built into ``work``."""
    from devtools.bench import bench_project
    from devtools.synth import synthesize

    synthesize(n, work / "sources", seed)
    root = bench_project(work, work / "sources")
    py = sys.executable
    # Exit 1 is expected: the synthetic archive holds a few bad files.
    ingest = subprocess.run(
        [py, "-m", "generator", "ingest", "content/sources", "--quiet"], cwd=root, check=False
    )
    if ingest.returncode not in (0, 1):
        raise RuntimeError(f"ingest failed with exit code {ingest.returncode}")
    subprocess.run([py, "-m", "generator", "build"], cwd=root, check=True, capture_output=True)
    return Project(root)


def index_with_pagefind(site: Path) -> None:
    from devtools.pagefind import index_site

    index_site(site)


# --- what a reader remembers ---------------------------------------------------------


def _candidates(text: str) -> list[str]:
    """The words of ``text`` a reader might remember, as written, once each."""
    seen: dict[str, str] = {}
    for word in words(text):
        f = form(word)
        if len(f) >= 3 and f.isalpha() and f not in STOPWORDS and f not in seen:
            seen[f] = word
    return list(seen.values())


def _rarest(candidates: list[str], df: Counter[str], k: int) -> list[str]:
    ranked = sorted(candidates, key=lambda w: (df[form(w)], form(w)))[:k]
    return sorted(ranked, key=candidates.index)  # in the order the text has them


def misspell(word: str, rng: random.Random, vocabulary: set[str]) -> str | None:
    """``word`` with one edit a typist makes, never in its first letter, spelt as
    no word of the archive is; None if no such edit is found."""
    for _ in range(20):
        i = rng.randrange(1, len(word))
        edit = rng.choice(("change", "drop", "add", "swap"))
        letter = rng.choice(_LETTERS)
        if edit == "change":
            wrong = word[:i] + letter + word[i + 1 :]
        elif edit == "drop":
            wrong = word[:i] + word[i + 1 :]
        elif edit == "add":
            wrong = word[:i] + letter + word[i:]
        elif i + 1 < len(word):
            wrong = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            continue
        if form(wrong) != form(word) and form(wrong) not in vocabulary:
            return wrong
    return None


def make_queries(edition: Edition, items: int, seed: int) -> list[Query]:
    """The queries for ``items`` articles picked by ``seed`` (see the module's doc)."""
    fields = {slug: article_fields(article) for slug, article in edition.articles.items()}
    df: Counter[str] = Counter()
    for per_field in fields.values():
        forms = {form(w) for paragraphs in per_field.values() for p in paragraphs for w in words(p)}
        df.update(forms)
    vocabulary = set(df)
    rng = random.Random(seed)
    slugs = sorted(edition.articles)
    chosen = rng.sample(slugs, min(items, len(slugs)))
    queries: list[Query] = []
    for slug in chosen:
        article = edition.articles[slug]
        headline = _rarest(_candidates(article.title), df, 3)
        paragraphs = [p for p in fields[slug]["body"] if len(_candidates(p)) >= 6]
        text = _rarest(_candidates(rng.choice(paragraphs)), df, 3) if paragraphs else []
        if len(headline) >= 2:
            queries.append(Query("headline", " ".join(headline), slug))
        if len(text) == 3:
            queries.append(Query("text", " ".join(text), slug))
        if article.authors and headline:
            surname = article.authors[0].split()[-1]
            best = _rarest(headline, df, 1)[0]
            queries.append(Query("writer", f"{surname} {best}", slug))
        source = headline if len(headline) >= 2 else []
        long_words = [w for w in source if len(w) >= 5]
        if long_words:
            target = rng.choice(long_words)
            wrong = misspell(target, rng, vocabulary)
            if wrong:
                typed = [wrong if w == target else w for w in source]
                queries.append(Query("typo", " ".join(typed), slug))
    return queries


# --- running the engines -------------------------------------------------------------

# Both engines speak the same API (search-engine.js follows Pagefind's): import,
# options, init, search, then each result's data() for its URL. A trailing space
# ends the last word, so neither reads it as a word still being typed.
_RUN = """
async ([engineUrl, bundle, queries, top]) => {
  const engine = await import(engineUrl);
  await engine.options({ bundlePath: bundle, baseUrl: "/", noWorker: true });
  await engine.init();
  const out = [];
  for (const query of queries) {
    const found = await engine.search(query + " ", {});
    const urls = [];
    for (const result of found.results.slice(0, top)) urls.push((await result.data()).url);
    out.push(urls);
  }
  return out;
}
"""
ENGINES = {
    "edition": ("assets/javascripts/search-engine.js", "search-index/"),
    "pagefind": ("pagefind/pagefind.js", "pagefind/"),
}


def run_engines(
    site: Path, queries: Sequence[Query], browser: Any = None
) -> dict[str, list[list[str]]]:
    """Each engine's first ten result slugs for each query, in headless Chromium."""
    from devtools.quality.browser import chromium, serve

    texts = [q.text for q in queries]
    found: dict[str, list[list[str]]] = {}
    with serve(site) as url, chromium(browser) as b:
        for name, (engine, bundle) in ENGINES.items():
            context = b.new_context()
            try:
                page = context.new_page()
                page.goto(url)
                urls = page.evaluate(_RUN, [url + engine, url + bundle, texts, TOP])
            finally:
                context.close()
            found[name] = [[_slug(u) for u in per_query] for per_query in urls]
    return found


_ARTICLE_URL = re.compile(r"articles/([^/]+)/")


def _slug(url: str) -> str:
    match = _ARTICLE_URL.search(url)
    return match.group(1) if match else url


def score(queries: Sequence[Query], found: dict[str, list[list[str]]]) -> list[Score]:
    scores = []
    for engine, results in found.items():
        for kind in (*KINDS, "all but typo"):
            ranks = [
                results[i].index(q.slug) + 1 if q.slug in results[i] else None
                for i, q in enumerate(queries)
                if q.kind == kind or (kind == "all but typo" and q.kind != "typo")
            ]
            if not ranks:
                continue
            scores.append(
                Score(
                    engine=engine,
                    kind=kind,
                    queries=len(ranks),
                    success_at_1=round(sum(r == 1 for r in ranks) / len(ranks), 3),
                    success_at_10=round(sum(r is not None for r in ranks) / len(ranks), 3),
                    mrr=round(sum(1 / r for r in ranks if r) / len(ranks), 3),
                )
            )
    return scores


def table(scores: Sequence[Score]) -> str:
    """A Markdown table: one row per kind of query, each engine's three figures."""
    by = {(s.kind, s.engine): s for s in scores}
    engines = list(dict.fromkeys(s.engine for s in scores))
    kinds = list(dict.fromkeys(s.kind for s in scores))
    head = ["queries", "n"] + [f"{e} {m}" for e in engines for m in ("s@1", "s@10", "MRR")]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for kind in kinds:
        first = by[(kind, engines[0])]
        cells = [kind, str(first.queries)]
        for e in engines:
            s = by[(kind, e)]
            cells += [f"{s.success_at_1:.2f}", f"{s.success_at_10:.2f}", f"{s.mrr:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


@dataclass(frozen=True)
class Result:
    articles: int
    queries: list[Query]
    found: dict[str, list[list[str]]]
    scores: list[Score]


def measure(n: int, items: int, seed: int, browser: Any = None) -> Result:
    with _work() as work:
        project = build_archive(n, seed, work)
        site = project.site_dir()
        index_with_pagefind(site)
        edition = load_edition(project)
        queries = make_queries(edition, items, seed)
        found = run_engines(site, queries, browser)
        return Result(len(edition.articles), queries, found, score(queries, found))


@contextlib.contextmanager
def _work() -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="ns-relevance-"))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.relevance", description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--items", type=int, default=400, help="articles to look for")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="write the queries, results and scores here")
    parser.add_argument("--misses", type=int, default=0, help="print this many missed queries")
    args = parser.parse_args(argv)
    result = measure(args.articles, args.items, args.seed)
    print(f"{result.articles:,} articles, {len(result.queries)} queries, seed {args.seed}")
    print(table(result.scores))
    if args.misses:
        shown = 0
        for i, q in enumerate(result.queries):
            got = result.found["edition"][i]
            if q.slug not in got and shown < args.misses:
                shown += 1
                print(f"missed {q.kind}: {q.text!r} -> {q.slug} (got {got[:3]})")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "articles": result.articles,
            "scores": [asdict(s) for s in result.scores],
            "queries": [
                asdict(q) | {k: v[i] for k, v in result.found.items()}
                for i, q in enumerate(result.queries)
            ],
        }
        args.out.write_text(json.dumps(payload, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
