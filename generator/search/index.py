"""The client-side search index, written from the edition model into ``search-index/``.

The browser fetches only what a query needs: a tiny metadata file, the postings of
the query's terms, the records of the results it shows and, after them, the
facets' data. Nothing fetched grows with the archive except a term's own postings
(a word in every article lists every article), unlike Pagefind's metadata file,
which lists every page and is fetched by every query (docs/search.md measures both;
``make bench`` keeps measuring Pagefind on the same site, see search_pagefind.py).

The bundle:

- ``meta.json``: format version, number of documents and of shards, and the
  folder that holds everything else, ``v/<digest>/``, named by a digest of its
  content: those files can be cached for good, and a reader whose page loaded the
  meta.json of an older build fails to fetch instead of reading the wrong shards.
- ``t/<shard>.json``: ``{term: [idf, docs, impacts]}`` for the terms whose hash
  lands in that shard; a common term's entry is a number ``n`` and its postings are
  in ``w/<shard>-<n>.json`` alone, so that a query for a rare word never downloads
  a common one's list.
- ``r/<doc>.json``: what a result shows (URL, title, date, standfirst, writers) and
  the article's first paragraphs, from which the browser cuts the excerpt, and
  ``"more": [block, i]`` when there is more: the rest of its text is item ``i`` of
  ``x/<block>.json``, fetched only when needed, which packs the rests of
  consecutive articles up to REST_BLOCK_CHARS (fewer files to write).
- ``f/<block>.json``: each facet's values and each document's, for filters and
  counts, by blocks of FACET_BLOCK documents; ``f/all.json``: every value's count,
  for browsing without a query.
- ``p/<n>.json``: words by their first three letters, for a last word still being
  typed ("Lashk" finds "Lashkar").

Documents are numbered in date order (web-only pieces first, as the oldest), so an
order by date is an order by number. A term is a word (search_text.terms) or a pair
of neighbouring words ("lashkar e"): a phrase is found as its pairs, a fetch per
pair, instead of storing every position of every word. A posting's impact is its
BM25 weight without the idf, in 1..63; the term's idf, x1000, heads its entry.

Counting runs on NumPy arrays: a 10,000-article archive holds about 45 million
words, too many to touch one by one in Python within the build's budget.

Each article's share (its record, the rest of its text, its postings numbered in
the article: ``article_entry``) is kept between builds in ``.cache/search/``
(cache.py), so a rebuild reads and counts only the articles that changed; the
merge (``count_terms``) numbers the words across the archive as counting every
article would, so the index is the same bytes with the cache or without it.
The merge's result is kept there too (merged.py): a rebuild takes the rows of
the articles that changed out of it and puts their new ones in, makes only the
files whose exact inputs changed and hard-links the others from the previous
bundle (``_rebuild``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import cast

import numpy as np
import orjson

from generator.content.body import BodyRef
from generator.content.edition import Edition
from generator.content.schema import Article
from generator.errors import SearchIndexError
from generator.formatting import display_standfirst, long_date
from generator.jobs import BackgroundJob
from generator.search import merged
from generator.search.cache import SEARCH_CODE, ArticleEntry, SearchCache, entry_key
from generator.search.merged import Ledger, StateWriter
from generator.search.text import article_fields, form, stem, words

# 2: forms beside stems, vocabulary files; 3: split common terms, facet blocks;
# 4: the rest of the records' text in blocks of several articles, shards of 2,000
FORMAT_VERSION = 5
BUNDLE = "search-index"
# "events": the years of the events of the article's timelines ("Events in 2008"),
# so a reader finds what the magazine printed about a year, not only in it.
FACETS = ("topic", "year", "writer", "issue", "events")
# How much a word counts where it stands: the headline says what an article is
# about more than its twelfth paragraph does.
FIELD_WEIGHTS = {
    "title": 4.0,
    "standfirst": 2.0,
    "writers": 2.0,
    "topics": 2.0,  # the editors' topics and collections: what the piece is about
    "cover": 1.0,  # the cover line of its issue, shared by the issue's articles
    "body": 1.0,
    "timeline": 1.0,
}
K1, B = 1.2, 0.75  # BM25's usual constants
IMPACT_LEVELS = 63  # two digits in JSON, and finer than ranking can tell apart
# A term in the headline starts at this many of the 63 levels, the rest of BM25's
# weight (from every field, the headline included) scaled into the levels above:
# BM25 saturates, so a word the text repeats would otherwise match a headline
# that holds it once. Measured with devtools/relevance.py (docs/search.md).
TITLE_LEVELS = 24
# Postings per shard file on average, and the size above which a term gets a file
# of its own. A shard of 3,000 was 6.4 kB compressed at 10,000 articles (median;
# 16 kB at most), a query of two words and their pair fetching three: 1,500 and
# own files from 750 made it about 3 kB, but doubled the files the build writes,
# and creating a file is most of what writing one costs on a busy machine: 2,000
# is a quarter fewer shards for about 1 kB more a term (docs/search.md).
SHARD_POSTINGS = 2000
OWN_FILE_POSTINGS = 750
# A common term's own file lists, with their impacts, only its TOP_POSTINGS
# highest-impact articles; the others are listed without impacts (each counts the
# median of their impacts), or, when they are most of the archive, as the articles
# that do NOT hold the term. Impacts were most of a common word's bytes: at 10,000
# articles `government` (in 93% of them) was 8.4 kB compressed with every impact,
# and ten times that at 100,000; its own file is now the 1,000 best and the 7% of
# articles without it (2.1 kB at 10,000).
TOP_POSTINGS = 1000
# The facets' data, in blocks of this many articles (numbered in date order):
# ``f/<block>.json``. A query counts facet values over its matches in the blocks
# it fetches, at most FACET_BLOCKS of them until a facet is chosen (search-engine.js),
# so what a query fetches does not grow with the archive (one facets.json for the
# whole archive was 26 kB compressed at 10,000 articles).
FACET_BLOCK = 500
# A word not in the archive is read as the start of one: by its first three
# letters, among about 2,000 words a file.
PREFIX_LENGTH = 3
PREFIX_WORDS = 2000
# "Did you mean": a word that matches nothing is corrected from the words of the
# archive of its first letter and of its length or one more or less (a letter
# left out, added, changed or two swapped), ``s/<n>.json``. Each (letter, length)
# keeps its VOCABULARY_CAP commonest words and a file holds about VOCABULARY_WORDS,
# so what a correction fetches stays bounded however large the archive grows.
VOCABULARY_WORDS = 1500
VOCABULARY_CAP = 1000
_PAIR_MIX = 0x9E3779B1  # spreads pairs of words over the shards (search-engine.js: shardOf)
_LOW32 = (1 << 32) - 1


@dataclass(frozen=True)
class SearchDocument:
    """What search knows of an article besides its text."""

    slug: str
    title: str
    date: str  # the issue's ISO date; "" for a web-only piece
    date_label: str | None  # "8 December 2008"
    standfirst: str | None
    writers: tuple[str, ...]
    topics: tuple[str, ...]
    issue: str | None  # the facet's value: "8 December 2008: After the Terror"
    event_years: tuple[str, ...] = ()  # the "events" facet's values, ascending

    @property
    def url(self) -> str:
        return f"articles/{self.slug}/"

    @property
    def year(self) -> str | None:
        return self.date[:4] or None

    def facet_values(self, facet: str) -> tuple[str, ...]:
        # Asked three times a facet for every article of every build (1.3 million
        # calls at 100,000 articles): no dictionary made for each.
        if facet == "topic":
            return self.topics
        if facet == "writer":
            return self.writers
        if facet == "events":
            return self.event_years
        single = self.year if facet == "year" else self.issue
        return (single,) if single else ()


@dataclass(frozen=True)
class SearchStats:
    documents: int
    terms: int  # distinct words and pairs
    shards: int
    files: int
    bytes: int
    # CPU seconds of the process that wrote it (time.process_time): its share of
    # the build's CPU is what ``make bench`` reports (the wall time hides behind MkDocs).
    cpu_seconds: float = 0.0
    cached: int = 0  # articles whose entries came from the cache (or the merged state)
    linked: int = 0  # files hard-linked from the previous bundle
    # Every file of the bundle (its path in the bundle's folder) and its size, as
    # incremental.site_entries lists them: so the build need not list them again.
    listing: dict[str, int] | None = dataclasses.field(default=None, repr=False, compare=False)


def search_documents(edition: Edition) -> list[SearchDocument]:
    """Every article, in date order (web-only pieces first), then by slug."""
    documents = []
    articles = edition.articles
    for slug in sorted(articles):  # by slug first: the sort below keeps it among equals
        article = articles[slug]
        issue = article.issue
        topics = tuple(
            t.name for name in article.topics if (t := edition.curation.topics.get(name))
        )
        documents.append(
            SearchDocument(
                slug=slug,
                title=article.title,
                date=issue.date.isoformat() if issue else "",
                date_label=long_date(issue.date) if issue else None,
                standfirst=display_standfirst(article),
                writers=tuple(article.authors),
                topics=topics,
                issue=f"{long_date(issue.date)}: {issue.title}" if issue else None,
                event_years=event_years(article),
            )
        )
    # By date alone, a stable sort: a (date, slug) tuple for each of 86,480
    # articles, and comparing them, was 0.4 s of the process a one-edit rebuild
    # at 100,000 articles waits for (cProfile).
    documents.sort(key=attrgetter("date"))
    return documents


# A span's years are all its years ("1914/1918": 1914 to 1918), up to this many:
# a long span says little about any one year, and must not swell the facet.
EVENT_SPAN_YEARS = 20


def event_years(article: Article) -> tuple[str, ...]:
    """The years the article's timeline events happened in: a day's, month's or
    year's own year, a decade's ten years, a span's years."""
    if not article.timelines:
        return ()
    years: set[int] = set()
    for timeline in article.timelines:
        for event in timeline.events:
            date = event.date
            if date.endswith("X"):
                first = int(date[:3] + "0")
                years.update(range(first, first + 10))
            elif "/" in date:
                start, end = (int(part[:4]) for part in date.split("/"))
                years.update(range(start, min(end, start + EVENT_SPAN_YEARS - 1) + 1))
            else:
                years.add(int(date[:4]))
    return tuple(str(y) for y in sorted(years))


class _Vocabulary:
    """A numbering of terms (stems) and forms (written words folded), each form
    knowing its term; and form id -> stem id as an array, for the forms so far."""

    def __init__(self) -> None:
        self.terms: list[str] = []
        self.forms: list[str] = []
        self.form_terms: list[int] = []
        self._term_ids: dict[str, int] = {}
        self._form_ids: dict[str, int] = {}
        self._stem_of = np.zeros(0, np.int64)
        self._filled = 0

    def stem_of(self) -> np.ndarray:
        # The buffer grown by doubling: new forms keep coming, and copying the
        # whole list for each article would not do.
        known, filled = len(self.form_terms), self._filled
        if known > filled:
            if known > len(self._stem_of):
                grown = np.empty(max(2 * len(self._stem_of), known), np.int64)
                grown[:filled] = self._stem_of[:filled]
                self._stem_of = grown
            self._stem_of[filled:known] = self.form_terms[filled:known]
            self._filled = known
        return self._stem_of[:known]


class _TermIds(_Vocabulary, dict[str, int]):
    """Written word -> form id (-1 for a word with no term), computed once per
    distinct word; each form knows the id of its stem. A cache of ``form`` and
    ``stem`` for the articles counted in this process: the index's own numbering
    is ``_Numbering``'s."""

    def __missing__(self, word: str) -> int:
        f = form(word)
        if not f:
            self[word] = -1
            return -1
        fid = self._form_ids.get(f)
        if fid is None:
            t = stem(f)
            tid = self._term_ids.get(t)
            if tid is None:
                tid = self._term_ids[t] = len(self.terms)
                self.terms.append(t)
            fid = self._form_ids[f] = len(self.forms)
            self.forms.append(f)
            self.form_terms.append(tid)
        self[word] = fid
        return fid


def _first_seen(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``values`` in the order they first appear, and each value's
    place among them."""
    distinct, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty(len(distinct), np.int64)
    rank[order] = np.arange(len(distinct))
    return distinct[order], rank[inverse.reshape(-1)]


def article_entry(
    record: dict[str, object], rest: list[str], fields: dict[str, list[str]], ids_of: _TermIds
) -> ArticleEntry:
    """One article's share of the index (its record, the rest of its text, its
    postings), its words numbered in the article: what ``.cache/search`` keeps."""
    # One array for the whole document, each word tagged with its field: a
    # handful of NumPy calls per document rather than per field (at 1,000
    # articles, 4,850 fields' calls were a tenth of the index's CPU).
    written: list[str] = []
    sizes: list[int] = []
    for field in FIELD_WEIGHTS:
        paragraphs = fields.get(field)
        found = words("\n".join(paragraphs)) if paragraphs else []
        written += found
        sizes.append(len(found))
    fids = np.fromiter(map(ids_of.__getitem__, written), np.int64, len(written))
    field_of = np.repeat(np.arange(len(sizes), dtype=np.int8), sizes)
    kept = fids >= 0
    fids, field_of = fids[kept], field_of[kept]
    # The article's own numbering: its forms, then their stems, as they first appear.
    form_ids, local_forms = _first_seen(fids)
    term_ids, form_terms = _first_seen(ids_of.stem_of()[form_ids])
    ids = form_terms[local_forms]
    if len(ids):
        # A pair is two neighbouring words of the same field.
        same = field_of[:-1] == field_of[1:]
        pairs = (((ids[:-1] + 1) << 32) | ids[1:])[same]
        all_keys = np.concatenate((ids, pairs))
        all_fields = np.concatenate((field_of, field_of[:-1][same]))
        order = np.argsort(all_keys)
        sorted_keys = all_keys[order]
        firsts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sorted_fields = all_fields[order]
        keys = sorted_keys[firsts]
        weights = np.add.reduceat(_FIELD_WEIGHTS[sorted_fields], firsts)
        titles = np.maximum.reduceat(sorted_fields == _TITLE_FIELD, firsts)
    else:
        keys, weights, titles = np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, bool)
    return ArticleEntry(
        record=_json(record),
        rest=_json(rest) if rest else b"",
        rest_chars=sum(len(p) for p in rest),
        length=len(ids),
        forms=[ids_of.forms[i] for i in form_ids.tolist()],
        terms=[ids_of.terms[i] for i in term_ids.tolist()],
        form_terms=form_terms,
        firsts=keys >> 32,
        seconds=keys & _LOW32,
        weights=weights,
        titles=titles,
    )


_FIELD_WEIGHTS = np.array(list(FIELD_WEIGHTS.values()), np.float32)
_TITLE_FIELD = list(FIELD_WEIGHTS).index("title")


class _Numbering(_Vocabulary):
    """The index's numbering of terms and forms: in the order they first appear
    in the articles taken in date order, whether an article was counted now or
    came from the cache; a rebuild from the previous build's state (merged.py)
    numbers the words new since then after those it knew. No byte of the index
    depends on the numbering (a shard's own files go by their terms' text)."""

    @classmethod
    def resume(cls, terms: list[str], forms: list[str], form_terms: list[int]) -> _Numbering:
        numbering = cls()
        numbering.terms, numbering.forms, numbering.form_terms = terms, forms, form_terms
        numbering._term_ids = {t: i for i, t in enumerate(terms)}
        numbering._form_ids = {f: i for i, f in enumerate(forms)}
        return numbering

    def number(self, entry: ArticleEntry) -> tuple[np.ndarray, np.ndarray]:
        """The article's keys and forms in the index's numbering."""
        # A new stem's forms are all new: numbering the article's stems, then its
        # forms, each in the order they appear in it, gives each the number that
        # meeting its words one by one gives.
        # Looked up with map, only the new ones numbered in a loop: a loop over
        # every one (about 950 an article) was 11.5 s of the index's 37 s at 10,000
        # articles from the cache, under cProfile; with map, 3.8 s of 27 s.
        term_map: list[int | None] = list(map(self._term_ids.get, entry.terms))
        if None in term_map:
            for i, tid in enumerate(term_map):
                if tid is None:
                    t = entry.terms[i]
                    term_map[i] = self._term_ids[t] = len(self.terms)
                    self.terms.append(t)
        form_map: list[int | None] = list(map(self._form_ids.get, entry.forms))
        if None in form_map:
            local_terms = entry.form_terms.tolist()
            for i, fid in enumerate(form_map):
                if fid is None:
                    f = entry.forms[i]
                    form_map[i] = self._form_ids[f] = len(self.forms)
                    self.forms.append(f)
                    self.form_terms.append(cast(int, term_map[local_terms[i]]))
        tmap = np.array(term_map, np.int64)
        # Words (first 0) keep their term; a pair becomes (first' + 1) << 32 | second'.
        is_pair = entry.firsts > 0
        seconds = tmap[entry.seconds]
        firsts = tmap[np.where(is_pair, entry.firsts - 1, 0)]
        keys = np.where(is_pair, ((firsts + 1) << 32) | seconds, seconds)
        return keys, np.array(form_map, np.int64)


@dataclass(frozen=True)
class Postings:
    """What counting the archive leaves in memory: the words, forms and lengths.
    The (term, document) pairs themselves are in ``parts``, on disk."""

    terms: list[str]  # term id -> term
    lengths: np.ndarray  # float32: each document's length in words
    forms: list[str]  # form id -> a word as written, folded (not stemmed)
    form_terms: np.ndarray  # int64: form id -> the term id of its stem
    form_df: np.ndarray  # int64: form id -> how many documents hold it
    parts: _Parts | None  # None when merged from the previous build's state


# The postings are written in partitions so that the index's memory is bounded by
# a partition, not by the archive. A key's partition is its shard hash (CRC-32 of
# the word, mixed for a pair: _hashes) mod the number of partitions, and the shard
# count is a multiple of it, so each shard's keys all lie in one partition and a
# partition yields its shards' files alone: the browser, which computes
# ``hash % shards`` from meta.json, sees no difference. The number of partitions
# comes from the number of documents (known before the first is counted):
# PARTITION_DOCUMENTS a partition, about a million postings at synthetic
# articles' length. The counting keeps at most SPILL_POSTINGS (term and form)
# postings in memory before appending them to the partitions' files; the output
# does not depend on it (tests/test_search.py). Measured on 3,000 synthetic
# articles with devtools.index_memory (what the index adds to the summed PSS):
# 252 MB in one partition, 122 MB in three (1,000 articles each), 60 MB in thirty
# with a 50,000-posting buffer; a buffer of 2 million postings added about 80 MB
# to that, one of 500,000 or a million about 25 MB (docs/performance.md, Memory).
PARTITION_DOCUMENTS = 500
SPILL_POSTINGS = 1_000_000


def partitions_for(documents: int) -> int:
    return max(1, math.ceil(documents / PARTITION_DOCUMENTS))


def _crcs(terms: list[str]) -> np.ndarray:
    return np.fromiter((zlib.crc32(t.encode("utf-8")) for t in terms), np.uint64, len(terms))


def _hashes(keys: np.ndarray, crc: np.ndarray) -> np.ndarray:
    """Each key's shard hash (uint64 below 2**32): CRC-32 of a word's UTF-8 (``crc``
    by term id); for a pair, the two words' CRCs mixed (search-engine.js: shardOf)."""
    is_pair = keys >= (1 << 32)
    first = np.where(is_pair, (keys >> 32) - 1, keys)
    second = keys & _LOW32
    mixed = crc[first] ^ ((crc[second] * np.uint64(_PAIR_MIX)) & np.uint64(_LOW32))
    return np.where(is_pair, mixed, crc[first])


def _shards_of(keys: np.ndarray, terms: list[str], shards: int) -> np.ndarray:
    """The shard of each key: its hash mod the number of shards."""
    return (_hashes(keys, _crcs(terms)) % np.uint64(shards)).astype(np.int64)


_COLUMN_TYPES: dict[str, type] = {
    "key": np.int64,
    "doc": np.int32,
    "weight": np.float32,
    "title": np.bool_,
    "form": np.int64,
    "form_doc": np.int32,
}


class _Parts:
    """The postings, appended in document order to one file per partition and
    column (raw ``ndarray.tofile``) in ``folder``: the (term, document) pairs with
    their weights, and the (form, document) pairs, partitioned by their stem."""

    def __init__(self, folder: Path, partitions: int) -> None:
        self.folder = folder
        self.partitions = partitions
        self.crc = np.zeros(0, np.uint64)  # term id -> CRC-32 of the term
        self.form_df = np.zeros(0, np.int64)
        self._first = 0  # the first buffered document's number
        self._buffered = 0
        self._columns: dict[str, list[np.ndarray]] = {"key": [], "weight": [], "title": []}
        self._forms: list[np.ndarray] = []
        self._counts: list[int] = []
        self._form_counts: list[int] = []

    def add(
        self, keys: np.ndarray, weights: np.ndarray, titles: np.ndarray, forms: np.ndarray
    ) -> bool:
        """One document's postings (its keys distinct, in any order: ``read``'s
        callers sort a partition by key, stably, so each key's documents stay in
        order) and its forms (distinct); True when the buffer is full and
        ``spill`` is due."""
        self._columns["key"].append(keys)
        self._columns["weight"].append(weights)
        self._columns["title"].append(titles)
        self._forms.append(forms)
        self._counts.append(len(keys))
        self._form_counts.append(len(forms))
        self._buffered += len(keys) + len(forms)
        return self._buffered >= SPILL_POSTINGS

    def spill(self, terms: list[str], stem_of: np.ndarray) -> None:
        """Append the buffered documents' postings to the partitions' files."""
        if len(self.crc) < len(terms):
            self.crc = np.concatenate((self.crc, _crcs(terms[len(self.crc) :])))
        numbers = np.arange(self._first, self._first + len(self._counts), dtype=np.int32)
        self._first += len(self._counts)
        keys = _concat(self._columns["key"], np.int64)
        columns = {
            "key": keys,
            "doc": np.repeat(numbers, self._counts),
            "weight": _concat(self._columns["weight"], np.float32),
            "title": _concat(self._columns["title"], np.bool_),
        }
        self._write(_hashes(keys, self.crc), columns)
        forms = _concat(self._forms, np.int64)
        found = np.bincount(forms, minlength=len(self.form_df))
        if len(found) > len(self.form_df):
            self.form_df = np.concatenate(
                (self.form_df, np.zeros(len(found) - len(self.form_df), np.int64))
            )
        self.form_df += found
        form_columns = {"form": forms, "form_doc": np.repeat(numbers, self._form_counts)}
        self._write(self.crc[stem_of[forms]], form_columns)
        for buffered in self._columns.values():
            buffered.clear()
        self._forms.clear()
        self._counts.clear()
        self._form_counts.clear()
        self._buffered = 0

    def _write(self, hashes: np.ndarray, columns: dict[str, np.ndarray]) -> None:
        if not len(hashes):
            return
        part = hashes % np.uint64(self.partitions)
        # A stable sort keeps the documents in order within a partition; on 16-bit
        # numbers NumPy's stable sort is a radix sort.
        if self.partitions <= 1 << 16:
            part = part.astype(np.uint16)
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(self.partitions + 1)).tolist()
        for name, column in columns.items():
            ordered = column[order]
            for p in range(self.partitions):
                lo, hi = bounds[p], bounds[p + 1]
                if hi > lo:
                    with open(self.folder / f"{p}.{name}", "ab") as file:
                        ordered[lo:hi].tofile(file)

    def read(self, p: int, name: str) -> np.ndarray:
        dtype = _COLUMN_TYPES[name]
        path = self.folder / f"{p}.{name}"
        return np.fromfile(path, dtype) if path.exists() else np.zeros(0, dtype)


def _concat(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype)


def count_terms(entries: Iterable[ArticleEntry], parts: _Parts) -> Postings:
    """Merge the articles' entries, in order: their postings go to ``parts``, in
    the index's numbering; the words, forms and lengths are returned."""
    numbering = _Numbering()
    lengths: list[int] = []
    for entry in entries:
        keys, forms = numbering.number(entry)
        lengths.append(entry.length)
        # The keys in the order the article's own numbering sorts them: each
        # partition is sorted by key when written (_Parts.add).
        if parts.add(keys, entry.weights, entry.titles, forms):
            parts.spill(numbering.terms, numbering.stem_of())
    parts.spill(numbering.terms, numbering.stem_of())
    return Postings(
        terms=numbering.terms,
        lengths=np.array(lengths, np.float32),
        forms=numbering.forms,
        form_terms=np.array(numbering.form_terms, np.int64),
        form_df=parts.form_df,
        parts=parts,
    )


def _term_text(key: int, terms: list[str]) -> str:
    if key >= 1 << 32:
        return f"{terms[(key >> 32) - 1]} {terms[key & _LOW32]}"
    return terms[key]


def _json(value: object) -> bytes:
    # orjson: the same bytes as json.dumps(..., ensure_ascii=False, separators=(",",
    # ":"), sort_keys=True), several times faster, and NumPy slices without tolist().
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY)


class _Bundle:
    """The bundle's files, written into a new folder that is named by their digest
    once complete (the build writes the whole site aside and swaps it in, so
    readers never see half an index). With the previous bundle and its ledger, a
    file whose bytes are the previous one's is hard-linked from it rather than
    written, and ``link`` takes one unchanged without making it at all."""

    def __init__(self, out: Path, previous: Path | None = None, old: Ledger | None = None) -> None:
        if out.exists():
            shutil.rmtree(out)
        self.out = out
        self.data = out / "v" / "new"
        for folder in ("t", "w", "r", "x", "p", "s", "f"):
            (self.data / folder).mkdir(parents=True)
        self._folder = str(self.data)
        self.files = self.bytes = self.linked = 0
        self.ledger = Ledger()
        # Every file of the finished bundle and its size (``finish``).
        self.listing: dict[str, int] | None = None
        self._old = old if previous is not None else None
        self._previous = str(previous)

    def dump(self, path: str, value: object) -> None:
        self.dump_raw(path, _json(value))

    def dump_raw(self, path: str, raw: bytes) -> None:
        sha = hashlib.sha256(raw).digest()
        if self._old is not None:
            known = self._old.files.get(path)
            if known is not None and known[0] == len(raw) and known[1] == sha and self.link(path):
                return
        # os.open and one write, no pathlib or buffered file object: a few thousand
        # files at 1,000 articles, and their creation is most of what writing costs.
        # O_EXCL: never into a file linked from the previous bundle.
        fd = os.open(f"{self._folder}/{path}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, raw)
            mtime = os.fstat(fd).st_mtime_ns
        finally:
            os.close(fd)
        self.ledger.files[path] = (len(raw), sha, mtime)
        self.files += 1
        self.bytes += len(raw)

    def link(self, *paths: str) -> bool:
        """Hard-link ``paths`` from the previous bundle, all or none: each only if
        its size and modification time are still those its ledger recorded."""
        if self._old is None:
            return False
        found = []
        for path in paths:
            known = self._old.files.get(path)
            if known is None:
                return False
            try:
                stat = os.stat(f"{self._previous}/{path}")
            except OSError:
                return False
            if stat.st_size != known[0] or stat.st_mtime_ns != known[2]:
                return False
            found.append((path, known))
        done: list[str] = []
        for path, _ in found:
            try:
                os.link(f"{self._previous}/{path}", f"{self._folder}/{path}")
            except OSError:
                for linked in done:
                    os.unlink(f"{self._folder}/{linked}")
                return False
            done.append(path)
        for path, known in found:
            self.ledger.files[path] = known
            self.files += 1
            self.bytes += known[0]
            self.linked += 1
        return True

    def finish(self, meta: dict[str, object]) -> str:
        name = self.ledger.name()
        self.data.rename(self.out / "v" / name)
        meta = {"version": FORMAT_VERSION, "data": f"v/{name}/", **meta}
        raw = _json(meta)
        (self.out / "meta.json").write_bytes(raw)
        files = self.ledger.files.items()
        self.listing = {f"v/{name}/{path}": size for path, (size, _, _) in files}
        self.listing["meta.json"] = len(raw)
        return name


@dataclass
class _Rows:
    """A partition's postings sorted by key (documents ascending within a key) with
    their weights and headline bits, and its (form, document) pairs sorted by form
    (documents ascending within a form)."""

    key: np.ndarray  # int64
    doc: np.ndarray  # int32
    weight: np.ndarray  # float32
    title: np.ndarray  # bool
    form: np.ndarray  # int64
    form_doc: np.ndarray  # int32


def _read_rows(parts: _Parts, p: int) -> _Rows:
    keys = parts.read(p, "key")
    order = np.argsort(keys, kind="stable")  # documents stay ascending
    forms = parts.read(p, "form")
    form_order = np.argsort(forms, kind="stable")
    return _Rows(
        key=keys[order],
        doc=parts.read(p, "doc")[order],
        weight=parts.read(p, "weight")[order],
        title=parts.read(p, "title")[order],
        form=forms[form_order],
        form_doc=parts.read(p, "form_doc")[form_order],
    )


@dataclass
class _Scored:
    """A partition's keys with their idf, its rows' impacts and gaps, each key's shard."""

    unique: np.ndarray  # the distinct keys, ascending
    starts: np.ndarray  # where each key's rows start
    ends: np.ndarray
    idf: np.ndarray  # int64, x1000, per key
    # uint8, per row; None: not made yet (a rebuild makes those of the rows it
    # writes, ``_impacts_of``)
    impacts: np.ndarray | None
    gaps: np.ndarray  # per row: the document less the one before it in the key's list
    shard: np.ndarray  # int64, per key
    in_shards: int  # the rows of the keys without an own file


def _score(
    rows: _Rows, lengths: np.ndarray, crc: np.ndarray, shard_count: int, *, impacts: bool = True
) -> _Scored:
    """The partition's keys scored; with ``impacts=False`` its rows' impacts are
    left to be made for the rows that are written (``_impacts_of``)."""
    n = len(lengths)
    keys, docs = rows.key, rows.doc
    starts = _runs(keys)
    ends = np.r_[starts[1:], len(keys)].astype(np.int64)
    unique = keys[starts]
    df = ends - starts
    idf = np.rint(1000 * np.log(1 + (n - df + 0.5) / (df + 0.5))).astype(np.int64)
    made = _impacts(rows.weight, rows.title, lengths[docs], _mean(lengths)) if impacts else None
    gaps = docs.copy()
    if len(gaps):
        gaps[1:] -= docs[:-1]
        gaps[starts] = docs[starts]
    shard = (_hashes(unique, crc) % np.uint64(max(shard_count, 1))).astype(np.int64)
    return _Scored(
        unique=unique,
        starts=starts,
        ends=ends,
        idf=idf,
        impacts=made,
        gaps=gaps,
        shard=shard,
        in_shards=int(df[df <= OWN_FILE_POSTINGS].sum()),
    )


def _mean(lengths: np.ndarray) -> float:
    """The archive's mean length in whole words, as BM25 takes it (float32
    lengths). Whole words: an edit then leaves it as it was but where it crosses a
    half (one edit in thousands), and so leaves the impact of every row of every
    article it did not touch, which a rebuild need then neither make again nor
    compare: scoring every row of the 3.5 GB merged state was 1.3 s of a one-edit
    rebuild's search index at 100,000 articles (py-spy). BM25 cannot tell a mean
    of 1,000 words from one of 1,000.4."""
    return float(max(round(float(lengths.mean())) if len(lengths) else 1, 1))


def _impacts_of(rows: _Rows, scored: _Scored, lengths: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``scored.impacts``, made where not yet for the rows of the keys ``keys``
    (positions in ``scored.unique``) at least: the others' left at 0."""
    if scored.impacts is not None:
        return scored.impacts
    wanted = np.zeros(len(scored.unique), bool)
    wanted[keys] = True
    at = np.flatnonzero(np.repeat(wanted, scored.ends - scored.starts))
    impacts = np.zeros(len(rows.key), np.uint8)
    impacts[at] = _impacts(rows.weight[at], rows.title[at], lengths[rows.doc[at]], _mean(lengths))
    return impacts


def _impacts(
    weight: np.ndarray, title: np.ndarray, doc_lengths: np.ndarray, mean: float
) -> np.ndarray:
    """Each posting's impact, 1..IMPACT_LEVELS: its BM25 weight without the idf."""
    norm = K1 * (1 - B + B * doc_lengths / np.float32(mean))
    tf = weight / (weight + norm)  # BM25's tf part, tf (k1 + 1) / (tf + norm), / (k1 + 1)
    scaled = np.rint(tf * (IMPACT_LEVELS - TITLE_LEVELS)) + TITLE_LEVELS * title
    return np.clip(scaled, 1, IMPACT_LEVELS).astype(np.uint8)


def _several(rows: _Rows, form_terms: np.ndarray, terms: int) -> np.ndarray:
    """Stem id -> whether the archive writes it in more than one form, for the
    stems of this partition (a stem's forms all lie in its partition). The rows'
    forms are sorted: each run is one form (``np.unique`` sorted them again, 0.6 s
    of a one-edit rebuild's search index at 100,000 articles, py-spy)."""
    live = rows.form[_runs(rows.form)]
    return np.bincount(form_terms[live], minlength=terms) > 1


def _form_positions(
    rows: _Rows,
    scored: _Scored,
    forms: list[str],
    form_terms: np.ndarray,
    n: int,
    several: np.ndarray,
) -> dict[int, dict[str, np.ndarray]]:
    """For each stem in ``several`` (those the archive writes in more than one form,
    of the shards being written): each form's articles, as positions in the stem's
    posting list, gap-coded. The browser ranks an article that holds the very form
    a reader typed above one that holds only another form of its stem ("terrorism"
    above "terrorists" for ``terrorism``). Positions rather than articles: most
    gaps are 1, which compresses to almost nothing."""
    form_keys, form_docs = rows.form, rows.form_doc
    if not len(form_keys):
        return {}
    stems = form_terms[form_keys]
    keep = several[stems]
    form_keys, form_docs, stems = form_keys[keep], form_docs[keep], stems[keep]
    if not len(form_keys):
        return {}
    keys, docs, unique = rows.key, rows.doc, scored.unique
    # Words' keys (term ids, below 2**32) sort before pairs': (key, doc) as one
    # number finds each (stem, doc) in the sorted postings.
    scale = np.int64(max(n, 1))
    word_count = int(np.searchsorted(keys, 1 << 32))
    combined = keys[:word_count] * scale + docs[:word_count]
    runs_of_stems = scored.starts[np.searchsorted(unique, stems)]
    at = np.searchsorted(combined, stems * scale + form_docs) - runs_of_stems
    runs = np.flatnonzero(np.r_[True, form_keys[1:] != form_keys[:-1]])
    ends = np.r_[runs[1:], len(form_keys)]
    gaps = at.copy()
    gaps[1:] -= at[:-1]
    gaps[runs] = at[runs]
    result: dict[int, dict[str, np.ndarray]] = {}
    for lo, hi in zip(runs.tolist(), ends.tolist(), strict=True):
        fid = int(form_keys[lo])
        result.setdefault(int(stems[lo]), {})[forms[fid]] = gaps[lo:hi]
    return result


def _runs(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal keys starts in sorted ``keys``."""
    if not len(keys):
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def _shard_count(in_shards: int, partitions: int) -> int:
    """The postings of the terms without a file of their own, by SHARD_POSTINGS,
    rounded up to a multiple of the partitions."""
    return partitions * max(1, math.ceil(in_shards / SHARD_POSTINGS / partitions))


def write_postings(
    bundle: _Bundle, postings: Postings, state: StateWriter | None = None
) -> tuple[int, int, int, int, list[int]]:
    """Write the shards, common terms' own files, the prefix files and the
    vocabulary files; returns how many terms, shards, prefix and vocabulary files,
    and each shard's own files. Each partition, sorted, goes to ``state`` too.

    Two passes over the partitions: the first counts each key's documents, for the
    number of shards; the second writes each partition's shards."""
    assert postings.parts is not None
    partitions = postings.parts.partitions
    in_shards = terms = 0
    for p in range(partitions):
        keys = postings.parts.read(p, "key")
        keys.sort()
        starts = _runs(keys)
        df = np.diff(np.r_[starts, len(keys)])
        in_shards += int(df[df <= OWN_FILE_POSTINGS].sum())
        terms += len(starts)
        del keys, starts, df
    shard_count = _shard_count(in_shards, partitions)
    own_files = [0] * shard_count
    for p in range(partitions):
        rows = _read_rows(postings.parts, p)
        scored = _score(rows, postings.lengths, postings.parts.crc, shard_count)
        several = _several(rows, postings.form_terms, len(postings.terms))
        mine = range(p, shard_count, partitions)
        for s, count in _emit(bundle, postings, rows, scored, several, mine).items():
            own_files[s] = count
        if state is not None:
            state.put(p, _columns(rows))
    form_df = postings.form_df.tolist()
    prefix_files = _write_prefixes(bundle, postings.forms, form_df)
    vocabulary_files = _write_vocabulary(bundle, postings.forms, form_df)
    return terms, shard_count, prefix_files, vocabulary_files, own_files


def _columns(rows: _Rows) -> dict[str, np.ndarray]:
    return {
        "key": rows.key,
        "doc": rows.doc,
        "weight": rows.weight,
        "title": rows.title,
        "form": rows.form,
        "form_doc": rows.form_doc,
    }


def _empty_rows() -> _Rows:
    return _Rows(
        key=np.zeros(0, np.int64),
        doc=np.zeros(0, np.int32),
        weight=np.zeros(0, np.float32),
        title=np.zeros(0, np.bool_),
        form=np.zeros(0, np.int64),
        form_doc=np.zeros(0, np.int32),
    )


def _emit(
    bundle: _Bundle,
    postings: Postings,
    rows: _Rows,
    scored: _Scored,
    several: np.ndarray,
    shards: Iterable[int],
) -> dict[int, int]:
    """Write ``shards`` (all of one partition) and their common terms' own files;
    returns how many own files each has."""
    chosen_shards = sorted(set(shards))
    if not chosen_shards:
        return {}
    n = len(postings.lengths)
    chosen = np.flatnonzero(np.isin(scored.shard, chosen_shards))
    unique, starts, ends = scored.unique, scored.starts, scored.ends
    # The forms of the chosen shards' stems only.
    stems_wanted = np.zeros(len(several), bool)
    chosen_words = unique[chosen]
    stems_wanted[chosen_words[chosen_words < (1 << 32)]] = True
    forms_of = _form_positions(
        rows, scored, postings.forms, postings.form_terms, n, several & stems_wanted
    )
    df = ends - starts
    own = df > OWN_FILE_POSTINGS
    terms = postings.terms
    # A shard's common terms' own files are numbered in the order of their text,
    # not of their ids: the ids are the order in which the words first appeared
    # in the articles, which a rebuild from the previous state does not keep.
    own_numbers: dict[int, int] = {}
    own_counts = dict.fromkeys(chosen_shards, 0)
    by_text = sorted(
        (int(scored.shard[i]), _term_text(int(unique[i]), terms), int(i))
        for i in chosen[own[chosen]].tolist()
    )
    for s, _, i in by_text:
        own_numbers[i] = own_counts[s]
        own_counts[s] += 1
    entries: dict[int, dict[str, object]] = {s: {} for s in chosen_shards}
    # Plain lists: indexing NumPy arrays one item at a time is slower than Python's.
    starts_list, ends_list = starts.tolist(), ends.tolist()
    idf_list, shard_list, key_list = scored.idf.tolist(), scored.shard.tolist(), unique.tolist()
    gaps = scored.gaps
    impacts = _impacts_of(rows, scored, postings.lengths, chosen)
    for i in chosen.tolist():
        s, lo, hi = shard_list[i], starts_list[i], ends_list[i]
        key = key_list[i]
        entry: list[object] = [idf_list[i], gaps[lo:hi], impacts[lo:hi]]
        if key in forms_of:
            entry.append(forms_of[key])
        text = _term_text(key, terms)
        number = own_numbers.get(i)
        if number is not None:
            if hi - lo > TOP_POSTINGS:
                entry = _split_entry(idf_list[i], gaps[lo:hi], impacts[lo:hi], forms_of.get(key), n)
            bundle.dump(f"w/{s}-{number}.json", entry)
            # The shard says how many articles hold it, so that a "Did you mean"
            # (search-engine.js: commoner) can weigh a common word without its
            # file: that file was 7.5 of the 82.3 kB of `goverment` at 100,000.
            entries[s][text] = {"articles": hi - lo, "own": number}
        else:
            entries[s][text] = entry
    for s in chosen_shards:
        bundle.dump(f"t/{s}.json", entries[s])
    return own_counts


def _gaps(docs: np.ndarray) -> np.ndarray:
    gaps = docs.copy()
    gaps[1:] -= docs[:-1]
    return gaps


def _split_entry(
    idf: int,
    gaps: np.ndarray,
    impacts: np.ndarray,
    forms: dict[str, np.ndarray] | None,
    documents: int,
) -> list[object]:
    """A common term's own file: ``[idf, gaps, impacts, forms or 0, rest]``, its
    TOP_POSTINGS highest-impact articles (newest first among equals) with their
    impacts and forms, then ``rest``: ``{"docs": gaps, "impact": i}``, the others,
    each counting ``i`` (the median of their impacts), or ``{"not": gaps, "impact":
    i}``, the articles that do not hold the term, when those are fewer."""
    docs = np.cumsum(gaps, dtype=np.int64)
    best = np.lexsort((-docs, -impacts.astype(np.int64)))[:TOP_POSTINGS]
    top = np.zeros(len(docs), bool)
    top[best] = True
    rest_impact = int(np.median(impacts[~top]))
    rest_docs = docs[~top]
    absent_count = documents - len(docs)
    rest: dict[str, object]
    if absent_count < len(rest_docs):
        present = np.zeros(documents, bool)
        present[docs] = True
        rest = {"not": _gaps(np.flatnonzero(~present)), "impact": rest_impact}
    else:
        rest = {"docs": _gaps(rest_docs), "impact": rest_impact}
    by_form: dict[str, np.ndarray] | int = 0
    if forms:
        # Positions in the full list become positions in the top list.
        rank = np.cumsum(top) - 1
        by_form = {}
        for name, form_gaps in forms.items():
            at = np.cumsum(form_gaps, dtype=np.int64)
            kept = rank[at[top[at]]]
            if len(kept):
                by_form[name] = _gaps(kept)
        by_form = by_form or 0
    return [idf, _gaps(docs[top]), impacts[top], by_form, rest]


def _write_prefixes(bundle: _Bundle, forms: list[str], df: list[int]) -> int:
    """The words of the archive by their first letters, most common first, so that
    a word that is not in the archive can be read as the start of one (the reader
    is still typing it): ``p/<n>.json`` is ``{prefix: [[word, articles], ...]}``
    for the prefixes whose CRC-32 falls in file n. Words as written (folded), not
    stems: the browser stems the one it picks."""
    by_prefix: dict[str, list[tuple[int, str]]] = {}
    for word, count in zip(forms, df, strict=True):
        if len(word) >= PREFIX_LENGTH:
            by_prefix.setdefault(word[:PREFIX_LENGTH], []).append((-count, word))
    files = max(1, math.ceil(len(forms) / PREFIX_WORDS))
    contents: list[dict[str, list[list[object]]]] = [{} for _ in range(files)]
    for prefix, found in by_prefix.items():
        found.sort()
        contents[zlib.crc32(prefix.encode("utf-8")) % files][prefix] = [[w, -c] for c, w in found]
    for n, content in enumerate(contents):
        bundle.dump(f"p/{n}.json", content)
    return files


def vocabulary_key(word: str) -> str:
    """The group a word's spelling neighbours are looked for in: its first letter
    and its length ("c6" for "corbyn"); search-engine.js computes the same."""
    return f"{word[0]}{len(word)}"


def _write_vocabulary(bundle: _Bundle, forms: list[str], df: list[int]) -> int:
    """``s/<n>.json``: ``{key: "word word ..."}``, the words of each vocabulary_key
    whose CRC-32 falls in file n, commonest first, at most VOCABULARY_CAP a key.
    Words only of letters (no digits): a reader misspells words, not numbers."""
    by_key: dict[str, list[tuple[int, str]]] = {}
    for word, count in zip(forms, df, strict=True):
        if len(word) >= 3 and word.isalpha():
            by_key.setdefault(vocabulary_key(word), []).append((-count, word))
    total = sum(min(len(found), VOCABULARY_CAP) for found in by_key.values())
    files = max(1, math.ceil(total / VOCABULARY_WORDS))
    contents: list[dict[str, str]] = [{} for _ in range(files)]
    for key, found in by_key.items():
        found.sort()
        listed = " ".join(w for _, w in found[:VOCABULARY_CAP])
        contents[zlib.crc32(key.encode("utf-8")) % files][key] = listed
    for n, content in enumerate(contents):
        bundle.dump(f"s/{n}.json", content)
    return files


# A result's record holds the article's first paragraphs, up to about this many
# characters (at least one paragraph); the rest of the text is in an ``x/`` block,
# which the browser fetches only when the query's words are neither in those
# paragraphs nor in the headline, standfirst or writers. Ten whole records were
# 37 kB compressed of a query's 87 kB at 10,000 articles.
RECORD_HEAD_CHARS = 1200
# The rests of consecutive articles share an ``x/<block>.json`` (a list, one item
# per article) up to about this many characters of text; a rest longer than that
# has a block of its own. One file per article was a third of the index's files
# at 1,000 articles (1,000 of 3,547); the median rest is about 11,000 characters
# (4 kB compressed), so a block mostly holds two, and fetching one costs at most
# about this many characters (8 to 9 kB compressed) where it cost one rest.
REST_BLOCK_CHARS = 24_000


class _Packer:
    """Where each rest goes: consecutive articles' rests share a block up to
    REST_BLOCK_CHARS characters (a longer one has a block of its own)."""

    def __init__(self) -> None:
        self.block = 0
        self.count = 0
        self.chars = 0

    def add(self, size: int) -> list[int]:
        """[block, index in it] of a rest of ``size`` characters."""
        if self.count and self.chars + size > REST_BLOCK_CHARS:
            self.block += 1
            self.count = self.chars = 0
        self.count += 1
        self.chars += size
        return [self.block, self.count - 1]

    def blocks(self) -> int:
        return self.block + 1 if self.count else self.block


class _Rests:
    """The rests of the articles' text, packed into ``x/`` blocks in order."""

    def __init__(self, bundle: _Bundle) -> None:
        self.bundle = bundle
        self.packer = _Packer()
        self.block = 0
        self.pieces: list[bytes] = []

    def add(self, rest: bytes, size: int) -> list[int]:
        """Add one article's rest (its JSON list of paragraphs, ``size``
        characters of text); returns where it is: [block, index in it]."""
        place = self.packer.add(size)
        if place[0] != self.block:
            self.flush()
            self.block = place[0]
        self.pieces.append(rest)
        return place

    def flush(self) -> None:
        if self.pieces:
            self.bundle.dump_raw(f"x/{self.block}.json", _block(self.pieces))
            self.pieces = []


def _block(rests: list[bytes]) -> bytes:
    """The list of the rests as _json writes it (no spaces), from the rests
    already written as JSON."""
    return b"[" + b",".join(rests) + b"]"


def _record(
    doc: SearchDocument, fields: dict[str, list[str]]
) -> tuple[dict[str, object], list[str]]:
    """What a result shows, with the text's first paragraphs; and the rest (the
    caller says where it is: ``"more": [block, index]``)."""
    paragraphs = fields["body"] + fields["timeline"]
    size = count = 0
    for paragraph in paragraphs:
        if count and size + len(paragraph) > RECORD_HEAD_CHARS:
            break
        size += len(paragraph)
        count += 1
    record: dict[str, object] = {
        "url": doc.url,
        "title": doc.title,
        "date": doc.date_label,
        "standfirst": doc.standfirst,
        "writers": list(doc.writers),
        "text": paragraphs[:count],
    }
    return record, paragraphs[count:]


def _facets(documents: list[SearchDocument]) -> dict[str, object]:
    """Per facet, the values (sorted) of ``documents`` (a block of FACET_BLOCK) and
    each document's: an index, a list of indexes when it has several, or -1 when
    it has none."""
    facets: dict[str, object] = {}
    for facet in FACETS:
        values = sorted({v for d in documents for v in d.facet_values(facet)})
        index = {v: i for i, v in enumerate(values)}
        per_doc: list[object] = []
        for d in documents:
            mine = [index[v] for v in d.facet_values(facet)]
            per_doc.append(mine[0] if len(mine) == 1 else (mine or -1))
        facets[facet] = {"values": values, "docs": per_doc}
    return facets


def _facet_totals(documents: list[SearchDocument]) -> dict[str, dict[str, int]]:
    """Per facet, every value and how many articles have it: what the search page
    shows before anything is asked, to browse the archive by (not fetched by a
    query; it grows with the archive's writers and issues)."""
    totals: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        counted: dict[str, int] = {}
        for d in documents:
            for v in d.facet_values(facet):
                counted[v] = counted.get(v, 0) + 1
        totals[facet] = counted
    return totals


@dataclass(frozen=True)
class _Source:
    """An article as the index reads it."""

    doc: SearchDocument
    article: Article
    collections: tuple[str, ...]  # the titles of its collections


def _sources(edition: Edition) -> list[_Source]:
    sources = []
    # Most articles are in no collection: no tuple made for those (86,480
    # articles at 100,000, in the process a one-edit rebuild waits for).
    curated, of = edition.curation.collections, edition.collections_of
    articles = edition.articles
    for doc in search_documents(edition):
        names = of.get(doc.slug)
        collections = tuple(curated[c].title for c in names if c in curated) if names else ()
        sources.append(_Source(doc, articles[doc.slug], collections))
    return sources


def _file_of(article: Article) -> object:
    """What stands for ``article`` in its entry's key: an article loaded from its
    file is a function of the file's bytes (and the code, in the key too), so its
    slug and the file's digest. The repr of every article, all its fields, was
    0.28 s of the search index's 2.7 s of CPU in a one-edit rebuild at 10,000
    articles (cProfile), on the build's critical path."""
    body = article.body
    if isinstance(body, BodyRef):
        return ("article file", article.slug, body.digest)
    return article


def _make_entry(source: _Source, ids_of: _TermIds) -> ArticleEntry:
    fields = article_fields(source.article, source.collections)
    record, rest = _record(source.doc, fields)
    return article_entry(record, rest, fields, ids_of)


def _dump_record(bundle: _Bundle, number: int, entry: ArticleEntry, more: list[int] | None) -> None:
    if more is not None:
        record = orjson.loads(entry.record)
        record["more"] = more
        bundle.dump(f"r/{number}.json", record)
    else:
        bundle.dump_raw(f"r/{number}.json", entry.record)


def _meta(documents: int, shards: int, prefixes: int, vocabulary: int) -> dict[str, object]:
    return {
        "documents": documents,
        "shards": shards,
        "prefixes": prefixes,
        "prefix_length": PREFIX_LENGTH,
        "vocabulary": vocabulary,
        "levels": IMPACT_LEVELS,
        "facet_block": FACET_BLOCK,
        "facet_blocks": max(1, math.ceil(documents / FACET_BLOCK)),
    }


def _write_facets(bundle: _Bundle, documents: list[SearchDocument]) -> None:
    blocks = max(1, math.ceil(len(documents) / FACET_BLOCK))
    for b in range(blocks):
        bundle.dump(f"f/{b}.json", _facets(documents[b * FACET_BLOCK : (b + 1) * FACET_BLOCK]))
    bundle.dump("f/all.json", _facet_totals(documents))


def build_search_index(
    edition: Edition, out: Path, cache: SearchCache | None = None, previous: Path | None = None
) -> SearchStats:
    """Write the index of ``edition`` into ``out`` (replaced if it exists), each
    article's entry taken from ``cache`` when it holds it (and put there when not).

    With a cache, the merged index is kept there too (merged.py), and the next
    build applies to it only the articles that changed; ``previous``, the bundle
    the build before wrote (``site/search-index``), lends the files whose exact
    inputs did not change, hard-linked."""
    cpu_started = time.process_time()
    sources = _sources(edition)
    # An entry is made from its article, the curated topics among the article's
    # (its document's topics) and its collections' titles: the document is the
    # article's and those topics' (search_documents), so it is not in the key.
    # Its repr was half the keys' 0.8 to 1.1 s at 100,000 articles (one script),
    # in the process a one-edit rebuild waits for.
    keys = (
        [entry_key(_file_of(s.article), s.doc.topics, s.collections) for s in sources]
        if cache
        else []
    )
    stats = None
    if cache is not None and cache.reuse:
        head = merged.load(cache.folder / merged.STATE, SEARCH_CODE)
        if head is not None:
            try:
                stats = _rebuild(sources, keys, out, cache, head, previous)
            except merged.Stale:
                stats = None
        # Not held while a full merge runs: the state's head (every article's
        # slug, key and place, every term and form) is not wanted by it.
        del head
    if stats is None:
        stats = _full(sources, keys, out, cache)
    if cache is not None:
        cache.prune({s.doc.slug for s in sources})
    return dataclasses.replace(
        stats,
        cpu_seconds=time.process_time() - cpu_started,
        # Those whose entry this build did not have to make (a rebuild that gave
        # way to a full merge has made some already).
        cached=len(sources) - cache.misses if cache is not None else 0,
    )


def _full(
    sources: list[_Source], keys: list[bytes], out: Path, cache: SearchCache | None
) -> SearchStats:
    """Every article's entry merged, in order."""
    documents = [s.doc for s in sources]
    bundle = _Bundle(out)
    rests = _Rests(bundle)
    ids_of = _TermIds()
    rest_chars: list[int] = []
    more: list[list[int] | None] = []

    def entries() -> Iterator[ArticleEntry]:
        # Each article's text is made once and dropped once its record is written
        # and its terms counted: an archive's text is far more than its postings.
        for number, source in enumerate(sources):
            entry = None
            if cache is not None:
                entry = cache.get(source.doc.slug, keys[number])
            if entry is None:
                entry = _make_entry(source, ids_of)
                if cache is not None:
                    cache.put(source.doc.slug, keys[number], entry)
            place = rests.add(entry.rest, entry.rest_chars) if entry.rest else None
            _dump_record(bundle, number, entry, place)
            rest_chars.append(entry.rest_chars)
            more.append(place)
            yield entry

    state = merged.StateWriter(cache.folder / merged.STATE) if cache is not None else None
    # The postings' partitions, in a folder beside the bundle, gone once written.
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}-parts.", dir=out.parent))
    try:
        postings = count_terms(entries(), _Parts(folder, partitions_for(len(documents))))
        rests.flush()
        terms, shards, prefixes, vocabulary, own_files = write_postings(bundle, postings, state)
        _write_facets(bundle, documents)
        name = bundle.finish(_meta(len(documents), shards, prefixes, vocabulary))
        if state is not None:
            assert postings.parts is not None
            state.commit(
                merged.Head(
                    code=SEARCH_CODE,
                    slugs=[d.slug for d in documents],
                    keys=keys,
                    base_slugs=[d.slug for d in documents],
                    base_keys=keys,
                    lengths=postings.lengths.astype(np.int64).tolist(),
                    rest_chars=rest_chars,
                    more=more,
                    terms=postings.terms,
                    forms=postings.forms,
                    form_terms=postings.form_terms.tolist(),
                    crc=postings.parts.crc[: len(postings.terms)],
                    form_df=_padded(postings.form_df, len(postings.forms)),
                    partitions=postings.parts.partitions,
                    shard_count=shards,
                    own_files=own_files,
                    bundle=name,
                    ledger=bundle.ledger,
                    overlay=state.put(merged.OVERLAY, _columns(_empty_rows())),
                )
            )
            state = None
    finally:
        if state is not None:
            state.abandon()
        shutil.rmtree(folder, ignore_errors=True)
    return SearchStats(
        documents=len(documents),
        terms=terms,
        shards=shards,
        files=bundle.files,
        bytes=bundle.bytes,
        cached=cache.hits if cache is not None else 0,
        listing=bundle.listing,
    )


def _padded(values: np.ndarray, size: int) -> np.ndarray:
    if len(values) >= size:
        return values[:size].copy()
    return np.concatenate((values, np.zeros(size - len(values), values.dtype)))


# A rebuild from the state holds the postings of the articles it merges again in
# memory; past this many, the build merges every entry in partitions, as a build
# without the state does (its memory bounded by a partition).
REBUILD_ARTICLES = PARTITION_DOCUMENTS
# The articles whose rows a rebuild takes from the overlay or their entries rather
# than the partitions (merged.py), past which it writes the partitions again.
OVERLAY_ARTICLES = 200


def _insert_at(
    keys: np.ndarray, docs: np.ndarray, new_keys: np.ndarray, new_docs: np.ndarray
) -> np.ndarray:
    """Where rows (new_keys, new_docs), sorted by key then document, go among rows
    (keys, docs) sorted the same way, for np.insert."""
    if not len(new_keys):
        return np.zeros(0, np.int64)
    # (key, document) as one number: the key's rank among the distinct keys, odd
    # for a key that is there, even for one that falls between two, then the
    # document (a pair's key is past 2**50: it cannot be scaled itself).
    starts = _runs(keys)
    unique = keys[starts]
    scale = np.int64(max(int(docs.max(initial=0)), int(new_docs.max())) + 1)
    ranks = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(keys)]))
    at = np.searchsorted(unique, new_keys)
    found = at < len(unique)
    found[found] = unique[at[found]] == new_keys[found]
    combined = (2 * ranks + 1) * scale + docs
    wanted = (2 * at + found) * scale + new_docs
    return np.searchsorted(combined, wanted)


_ROW = np.dtype(
    [("key", "<i8"), ("doc", "<i4"), ("weight", "<f4"), ("title", "?"), ("impact", "u1")]
)
_FORM_ROW = np.dtype([("form", "<i8"), ("doc", "<i4")])


def _row_records(*columns: np.ndarray) -> np.ndarray:
    records = np.empty(len(columns[0]), _ROW)
    for name, column in zip(_ROW.names or (), columns, strict=True):
        records[name] = column
    return records


def _form_records(forms: np.ndarray, docs: np.ndarray) -> np.ndarray:
    records = np.empty(len(forms), _FORM_ROW)
    records["form"], records["doc"] = forms, docs
    return records


def _rebuild(
    sources: list[_Source],
    keys: list[bytes],
    out: Path,
    cache: SearchCache,
    head: merged.Head,
    previous: Path | None,
) -> SearchStats:
    """The index from the previous build's merged state: the rows of the articles
    that changed or went taken out, those of the articles made again put in, and
    only the files whose exact inputs changed made; the others hard-linked from
    ``previous``. Raises merged.Stale where the state cannot give the full build's
    bytes (then every entry is merged again).

    Each article's rows come from one place: the partitions (the base build's
    rows) for an article unchanged since the base build and since the last one,
    the overlay for one unchanged since the last build but not since the base,
    its entry for the others (made again)."""
    documents = [s.doc for s in sources]
    n, old_n, base_n = len(documents), len(head.slugs), len(head.base_slugs)
    if partitions_for(n) != head.partitions:
        raise merged.Stale("another number of partitions")
    prev_at = {slug: i for i, slug in enumerate(head.slugs)}
    base_at = {slug: b for b, slug in enumerate(head.base_slugs)}
    remap = np.full(old_n, -1, np.int64)  # last build's number -> new, if unchanged since
    base_remap = np.full(base_n, -1, np.int64)  # base number -> new, rows from the base
    base_prev = np.full(base_n, -1, np.int64)  # base number -> last build's, if from the base then
    for b, slug in enumerate(head.base_slugs):
        i = prev_at.get(slug, -1)
        if i >= 0 and head.keys[i] == head.base_keys[b]:
            base_prev[b] = i
    old_of: list[int] = []  # new number -> last build's, -1: changed or new
    changed: list[int] = []  # made again
    overlaid = 0  # articles whose rows are not the base's
    for j, doc in enumerate(documents):
        i = prev_at.get(doc.slug, -1)
        same = i >= 0 and head.keys[i] == keys[j]
        old_of.append(i if same else -1)
        if same:
            remap[i] = j
        b = base_at.get(doc.slug, -1)
        if same and b >= 0 and base_prev[b] == i:
            base_remap[b] = j
        else:
            overlaid += 1
            if not same:
                changed.append(j)
    kept, base_kept = remap[remap >= 0], base_remap[base_remap >= 0]
    if (
        len(changed) > REBUILD_ARTICLES
        or np.any(kept[1:] <= kept[:-1])
        or np.any(base_kept[1:] <= base_kept[:-1])
    ):
        raise merged.Stale("too many changes")
    compact = overlaid > OVERLAY_ARTICLES  # the partitions written again, overlay emptied
    state_dir = cache.folder / merged.STATE
    numbering = _Numbering.resume(list(head.terms), list(head.forms), list(head.form_terms))
    ids_of = _TermIds()
    made: dict[int, ArticleEntry] = {}

    def entry_of(j: int) -> ArticleEntry:
        found = made.get(j)
        if found is None:
            found = cache.get(documents[j].slug, keys[j])
            if found is None:
                found = _make_entry(sources[j], ids_of)
                cache.put(documents[j].slug, keys[j], found)
            # Held only for the articles made again (at most REBUILD_ARTICLES):
            # an unchanged article's entry is wanted only where its record or its
            # rests' block cannot be linked from the previous bundle, and where
            # none could (a previous bundle out of step with the state), holding
            # each was every article's entry at once: 11.6 GB in this process at
            # 100,000 articles, 0.98 GB without (docs/performance.md).
            if old_of[j] < 0:
                made[j] = found
        return found

    old_lengths = np.array(head.lengths, np.float32)
    old_mean = _mean(old_lengths)
    lengths = np.zeros(n, np.float32)
    lengths[kept] = old_lengths[remap >= 0]
    key_parts, doc_parts, weight_parts, title_parts = [], [], [], []
    form_parts, form_doc_parts = [], []
    for j in changed:
        entry = entry_of(j)
        k, f = numbering.number(entry)
        lengths[j] = entry.length
        key_parts.append(k)
        doc_parts.append(np.full(len(k), j, np.int32))
        weight_parts.append(entry.weights)
        title_parts.append(entry.titles)
        form_parts.append(f)
        form_doc_parts.append(np.full(len(f), j, np.int32))
    terms, forms = numbering.terms, numbering.forms
    form_terms = np.array(numbering.form_terms, np.int64)
    crc = np.concatenate((head.crc, _crcs(terms[len(head.crc) :])))
    partitions = head.partitions
    mean = _mean(lengths)
    # The rows made again, and the overlay's: each (new number, last build's).
    made_rows = {
        "key": _concat(key_parts, np.int64),
        "doc": _concat(doc_parts, np.int32),
        "weight": _concat(weight_parts, np.float32),
        "title": _concat(title_parts, np.bool_),
        "form": _concat(form_parts, np.int64),
        "form_doc": _concat(form_doc_parts, np.int32),
    }
    made_prev = np.full(len(made_rows["key"]), -1, np.int64)
    overlay = merged.read_part(state_dir, head, merged.OVERLAY)
    form_df = _padded(head.form_df, len(forms))
    form_df += np.bincount(made_rows["form"], minlength=len(forms))
    row_part = {
        "made": (_hashes(made_rows["key"], crc) % np.uint64(partitions)).astype(np.int64),
        "overlay": (_hashes(overlay["key"], crc) % np.uint64(partitions)).astype(np.int64),
    }
    form_part = {
        "made": (crc[form_terms[made_rows["form"]]] % np.uint64(partitions)).astype(np.int64),
        "overlay": (crc[form_terms[overlay["form"]]] % np.uint64(partitions)).astype(np.int64),
    }
    postings = Postings(
        terms=terms,
        lengths=lengths,
        forms=forms,
        form_terms=form_terms,
        form_df=form_df,
        parts=None,
    )
    # Every shard is made again when the number of articles changed: every idf
    # depends on it.
    every = n != old_n
    old_data = previous / "v" / head.bundle if previous is not None else None
    bundle = _Bundle(out, old_data, head.ledger)
    state = merged.StateWriter(state_dir)
    next_overlay: dict[str, list[np.ndarray]] = {name: [] for name in merged.ROWS}
    try:
        own_files = list(head.own_files)
        in_shards = term_count = 0
        for p in range(partitions):
            base = merged.read_part(state_dir, head, p)
            new_of, prev_of = base_remap[base["doc"]], base_prev[base["doc"]]
            keep = new_of >= 0
            gone = ~keep & (prev_of >= 0)  # rows of the last build's, not this one's
            om = row_part["overlay"] == p
            o_new = remap[overlay["doc"][om]]
            o_keep = o_new >= 0
            mm = row_part["made"] == p
            # The rows put in among the base's: the overlay's kept and those made again.
            put_key = np.concatenate((overlay["key"][om][o_keep], made_rows["key"][mm]))
            put_doc = np.concatenate((o_new[o_keep], made_rows["doc"][mm])).astype(np.int32)
            put_prev = np.concatenate((overlay["doc"][om][o_keep], made_prev[mm]))
            order = np.lexsort((put_doc, put_key))
            key, doc = base["key"][keep], new_of[keep].astype(np.int32)
            at = _insert_at(key, doc, put_key[order], put_doc[order])

            rows_key = np.insert(key, at, put_key[order])
            rows_doc = np.insert(doc, at, put_doc[order])
            weight, title = (
                np.insert(
                    base[name][keep],
                    at,
                    np.concatenate((overlay[name][om][o_keep], made_rows[name][mm]))[order],
                )
                for name in ("weight", "title")
            )
            prev_num = np.insert(prev_of[keep], at, put_prev[order])
            # The forms, the same way.
            f_new, f_prev = base_remap[base["form_doc"]], base_prev[base["form_doc"]]
            f_keep = f_new >= 0
            f_gone = ~f_keep & (f_prev >= 0)
            fom = form_part["overlay"] == p
            fo_new = remap[overlay["form_doc"][fom]]
            fo_keep = fo_new >= 0
            fmm = form_part["made"] == p
            fput_form = np.concatenate((overlay["form"][fom][fo_keep], made_rows["form"][fmm]))
            fput_doc = np.concatenate((fo_new[fo_keep], made_rows["form_doc"][fmm])).astype(
                np.int32
            )
            forder = np.lexsort((fput_doc, fput_form))
            form_key, form_doc = base["form"][f_keep], f_new[f_keep].astype(np.int32)
            fat = _insert_at(form_key, form_doc, fput_form[forder], fput_doc[forder])
            rows = _Rows(
                key=rows_key,
                doc=rows_doc,
                weight=weight,
                title=title,
                form=np.insert(form_key, fat, fput_form[forder]),
                form_doc=np.insert(form_doc, fat, fput_doc[forder]),
            )
            inserted = at + np.arange(len(at))  # where the put rows went
            # The last build's rows of the articles that changed or went.
            out_key = np.concatenate((base["key"][gone], overlay["key"][om][~o_keep]))
            out_prev = np.concatenate((prev_of[gone], overlay["doc"][om][~o_keep]))
            out_weight = np.concatenate((base["weight"][gone], overlay["weight"][om][~o_keep]))
            out_title = np.concatenate((base["title"][gone], overlay["title"][om][~o_keep]))
            out_form = np.concatenate((base["form"][f_gone], overlay["form"][fom][~fo_keep]))
            out_form_prev = np.concatenate((f_prev[f_gone], overlay["form_doc"][fom][~fo_keep]))
            form_df -= np.bincount(out_form, minlength=len(forms))
            # Every row's impact only where every one may be written or may have
            # moved; otherwise those of the rows written (``_emit``).
            scored = _score(rows, lengths, crc, head.shard_count, impacts=every or mean != old_mean)
            in_shards += scored.in_shards
            term_count += len(scored.unique)
            shards = range(p, head.shard_count, partitions)
            if every:
                write = set(shards)
            else:
                kept_rows = prev_num >= 0
                # An article renumbered: its gaps change. A new mean length: the
                # impacts of the articles that did not change may move.
                dirty = kept_rows & (prev_num != rows.doc)
                if mean != old_mean:
                    before = _impacts(
                        rows.weight[kept_rows],
                        rows.title[kept_rows],
                        old_lengths[prev_num[kept_rows]],
                        old_mean,
                    )
                    dirty[kept_rows] |= before != cast(np.ndarray, scored.impacts)[kept_rows]
                # The rows the articles made again took out and put in, compared
                # whole (key, number, weight, headline, impact): a row in one and
                # not the other changes its key's shard; an identical one does not
                # (an added paragraph leaves most of an article's terms as they were).
                fresh = inserted[~kept_rows[inserted]]
                out_rows = _row_records(
                    out_key,
                    out_prev,
                    out_weight,
                    out_title,
                    _impacts(out_weight, out_title, old_lengths[out_prev], old_mean),
                )
                in_rows = _row_records(
                    rows.key[fresh],
                    rows.doc[fresh],
                    rows.weight[fresh],
                    rows.title[fresh],
                    scored.impacts[fresh]
                    if scored.impacts is not None
                    else _impacts(
                        rows.weight[fresh], rows.title[fresh], lengths[rows.doc[fresh]], mean
                    ),
                )
                changed_keys = [
                    out_rows["key"][~np.isin(out_rows, in_rows)],
                    in_rows["key"][~np.isin(in_rows, out_rows)],
                ]
                # And the forms: an article that writes "running" where it wrote
                # "run" changes the stem's forms, not its row.
                out_forms = _form_records(out_form, out_form_prev)
                in_forms = _form_records(made_rows["form"][fmm], made_rows["form_doc"][fmm])
                for found in (
                    out_forms["form"][~np.isin(out_forms, in_forms)],
                    in_forms["form"][~np.isin(in_forms, out_forms)],
                ):
                    changed_keys.append(form_terms[found])
                row_shard = np.repeat(scored.shard, scored.ends - scored.starts)
                write = set(row_shard[dirty].tolist())
                for found in changed_keys:
                    write.update((_hashes(found, crc) % np.uint64(head.shard_count)).tolist())
                for s in shards:
                    if s in write:
                        continue
                    paths = [f"t/{s}.json"] + [f"w/{s}-{k}.json" for k in range(own_files[s])]
                    if not bundle.link(*paths):
                        write.add(s)
            several = _several(rows, form_terms, len(terms))
            for s, count in _emit(bundle, postings, rows, scored, several, write).items():
                own_files[s] = count
            if compact:
                state.put(p, _columns(rows))
            else:
                finserted = fat + np.arange(len(fat))
                for name, column in (
                    ("key", rows.key[inserted]),
                    ("doc", rows.doc[inserted]),
                    ("weight", rows.weight[inserted]),
                    ("title", rows.title[inserted]),
                    ("form", rows.form[finserted]),
                    ("form_doc", rows.form_doc[finserted]),
                ):
                    next_overlay[name].append(column)
            del base, rows, scored
        if _shard_count(in_shards, partitions) != head.shard_count:
            raise merged.Stale("another number of shards")
        # The records and the rests' blocks.
        packer = _Packer()
        more: list[list[int] | None] = []
        rest_chars: list[int] = []
        for j in range(n):
            i = old_of[j]
            if i < 0:
                entry = entry_of(j)
                has_rest, size = bool(entry.rest), entry.rest_chars
            else:
                has_rest, size = head.more[i] is not None, head.rest_chars[i]
            more.append(packer.add(size) if has_rest else None)
            rest_chars.append(size)
        for j in range(n):
            i = old_of[j]
            if i == j and head.more[i] == more[j] and bundle.link(f"r/{j}.json"):
                continue
            _dump_record(bundle, j, entry_of(j), more[j])
        old_blocks: dict[int, list[int]] = {}
        for i, place in enumerate(head.more):
            if place is not None:
                old_blocks.setdefault(place[0], []).append(int(remap[i]))
        new_blocks: dict[int, list[int]] = {}
        for j, place in enumerate(more):
            if place is not None:
                new_blocks.setdefault(place[0], []).append(j)
        for b, members in new_blocks.items():
            if old_blocks.get(b) == members and bundle.link(f"x/{b}.json"):
                continue
            bundle.dump_raw(f"x/{b}.json", _block([entry_of(j).rest for j in members]))
        live = np.flatnonzero(form_df > 0).tolist()
        live_forms = [forms[f] for f in live]
        live_df = form_df[live].tolist()
        prefixes = _write_prefixes(bundle, live_forms, live_df)
        vocabulary = _write_vocabulary(bundle, live_forms, live_df)
        _write_facets(bundle, documents)
        name = bundle.finish(_meta(n, head.shard_count, prefixes, vocabulary))
        slugs = [d.slug for d in documents]
        if compact:
            base_slugs, base_keys = slugs, keys
            overlay_info = state.put(merged.OVERLAY, _columns(_empty_rows()))
        else:
            state.keep(head)
            base_slugs, base_keys = head.base_slugs, head.base_keys
            overlay_info = state.put(
                merged.OVERLAY,
                {
                    name: _concat(columns, merged.ROWS[name])
                    for name, columns in next_overlay.items()
                },
            )
        state.commit(
            merged.Head(
                code=SEARCH_CODE,
                slugs=slugs,
                keys=keys,
                base_slugs=base_slugs,
                base_keys=base_keys,
                lengths=lengths.astype(np.int64).tolist(),
                rest_chars=rest_chars,
                more=more,
                terms=terms,
                forms=forms,
                form_terms=form_terms.tolist(),
                crc=crc,
                form_df=form_df,
                partitions=partitions,
                shard_count=head.shard_count,
                own_files=own_files,
                bundle=name,
                ledger=bundle.ledger,
                overlay=overlay_info,
            )
        )
    except BaseException:
        state.abandon()
        raise
    return SearchStats(
        documents=n,
        terms=term_count,
        shards=head.shard_count,
        files=bundle.files,
        bytes=bundle.bytes,
        linked=bundle.linked,
        listing=bundle.listing,
    )


class SearchIndexJob:
    """Writes the index in a forked process while MkDocs renders, the build's other
    long step: the child inherits the edition model instead of having it pickled.
    Where fork is not offered (Windows, macOS by default), it runs on ``wait()``."""

    def __init__(
        self,
        edition: Edition,
        out: Path,
        cache: SearchCache | None = None,
        previous: Path | None = None,
    ) -> None:
        self._job = BackgroundJob(
            lambda: build_search_index(edition, out, cache, previous),
            error=SearchIndexError,
            what="search index",
            died="if the machine ran out of memory, build with --no-search to preview",
        )

    def wait(self) -> tuple[SearchStats, float]:
        """The index's figures and how long writing it took; raises
        SearchIndexError if it failed."""
        return self._job.wait()

    def cancel(self) -> None:
        self._job.cancel()
