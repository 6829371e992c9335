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
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import orjson

from generator.content.edition import Edition
from generator.content.schema import Article
from generator.errors import SearchIndexError
from generator.formatting import display_standfirst, long_date
from generator.jobs import BackgroundJob
from generator.search.cache import ArticleEntry, SearchCache, entry_key
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
        value = {"topic": self.topics, "writer": self.writers, "events": self.event_years}.get(
            facet
        )
        if value is not None:
            return value
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
    cached: int = 0  # articles whose entries came from the cache


def search_documents(edition: Edition) -> list[SearchDocument]:
    """Every article, in date order (web-only pieces first), then by slug."""
    documents = []
    for slug, article in edition.articles.items():
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
    documents.sort(key=lambda d: (d.date, d.slug))
    return documents


# A span's years are all its years ("1914/1918": 1914 to 1918), up to this many:
# a long span says little about any one year, and must not swell the facet.
EVENT_SPAN_YEARS = 20


def event_years(article: Article) -> tuple[str, ...]:
    """The years the article's timeline events happened in: a day's, month's or
    year's own year, a decade's ten years, a span's years."""
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
    came from the cache (the own files of a shard are numbered in term order)."""

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
    parts: _Parts


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
    readers never see half an index)."""

    def __init__(self, out: Path) -> None:
        if out.exists():
            shutil.rmtree(out)
        self.out = out
        self.data = out / "v" / "new"
        for folder in ("t", "w", "r", "x", "p", "s", "f"):
            (self.data / folder).mkdir(parents=True)
        self._folder = str(self.data)
        self.files = self.bytes = 0
        self._digest = hashlib.sha256()

    def dump(self, path: str, value: object) -> None:
        self.dump_raw(path, _json(value))

    def dump_raw(self, path: str, raw: bytes) -> None:
        # os.open and one write, no pathlib or buffered file object: a few thousand
        # files at 1,000 articles, and their creation is most of what writing costs.
        fd = os.open(f"{self._folder}/{path}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, raw)
        finally:
            os.close(fd)
        self._digest.update(f"{path}\0{len(raw)}\0".encode())
        self._digest.update(raw)
        self.files += 1
        self.bytes += len(raw)

    def finish(self, meta: dict[str, object]) -> None:
        name = self._digest.hexdigest()[:16]
        self.data.rename(self.out / "v" / name)
        meta = {"version": FORMAT_VERSION, "data": f"v/{name}/", **meta}
        (self.out / "meta.json").write_bytes(_json(meta))


def _form_positions(
    postings: Postings,
    p: int,
    unique: np.ndarray,
    keys: np.ndarray,
    docs: np.ndarray,
    starts: np.ndarray,
    several: np.ndarray,
) -> dict[int, dict[str, np.ndarray]]:
    """For each stem of partition ``p`` that the archive writes in more than one
    form: each form's articles, as positions in the stem's posting list, gap-coded.
    The browser ranks an article that holds the very form a reader typed above one
    that holds only another form of its stem ("terrorism" above "terrorists" for
    ``terrorism``). Positions rather than articles: most gaps are 1, which
    compresses to almost nothing."""
    form_keys = postings.parts.read(p, "form")
    if not len(form_keys):
        return {}
    order = np.argsort(form_keys, kind="stable")
    form_keys, form_docs = form_keys[order], postings.parts.read(p, "form_doc")[order]
    del order
    stems = postings.form_terms[form_keys]
    keep = several[stems]
    form_keys, form_docs, stems = form_keys[keep], form_docs[keep], stems[keep]
    if not len(form_keys):
        return {}
    # Words' keys (term ids, below 2**32) sort before pairs': (key, doc) as one
    # number finds each (stem, doc) in the sorted postings.
    n = np.int64(max(len(postings.lengths), 1))
    word_count = int(np.searchsorted(keys, 1 << 32))
    combined = keys[:word_count] * n + docs[:word_count]
    runs_of_stems = starts[np.searchsorted(unique, stems)]
    at = np.searchsorted(combined, stems * n + form_docs) - runs_of_stems
    runs = np.flatnonzero(np.r_[True, form_keys[1:] != form_keys[:-1]])
    ends = np.r_[runs[1:], len(form_keys)]
    gaps = at.copy()
    gaps[1:] -= at[:-1]
    gaps[runs] = at[runs]
    result: dict[int, dict[str, np.ndarray]] = {}
    for lo, hi in zip(runs.tolist(), ends.tolist(), strict=True):
        fid = int(form_keys[lo])
        result.setdefault(int(stems[lo]), {})[postings.forms[fid]] = gaps[lo:hi]
    return result


def _runs(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal keys starts in sorted ``keys``."""
    if not len(keys):
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def write_postings(bundle: _Bundle, postings: Postings) -> tuple[int, int, int, int]:
    """Write the shards, common terms' own files, the prefix files and the
    vocabulary files; returns how many terms, shards, prefix and vocabulary files.

    Two passes over the partitions: the first counts each key's documents, for the
    number of shards (the postings of the terms without a file of their own, by
    SHARD_POSTINGS, rounded up to a multiple of the partitions); the second writes
    each partition's shards."""
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
    shard_count = partitions * max(1, math.ceil(in_shards / SHARD_POSTINGS / partitions))
    several = np.bincount(postings.form_terms, minlength=len(postings.terms)) > 1
    for p in range(partitions):
        _write_partition(bundle, postings, p, shard_count, several)
    form_df = postings.form_df.tolist()
    prefix_files = _write_prefixes(bundle, postings.forms, form_df)
    vocabulary_files = _write_vocabulary(bundle, postings.forms, form_df)
    return terms, shard_count, prefix_files, vocabulary_files


def _write_partition(
    bundle: _Bundle, postings: Postings, p: int, shard_count: int, several: np.ndarray
) -> None:
    """Write the shards of partition ``p`` (those ``s`` with ``s % partitions == p``)
    and its common terms' own files."""
    n = len(postings.lengths)
    parts = postings.parts
    keys = parts.read(p, "key")
    order = np.argsort(keys, kind="stable")  # documents stay ascending
    keys = keys[order]
    docs = parts.read(p, "doc")[order]
    tf = parts.read(p, "weight")[order]
    in_title = parts.read(p, "title")[order]
    del order
    starts = _runs(keys)
    ends = np.r_[starts[1:], len(keys)].astype(np.int64)
    unique = keys[starts]
    forms_of = _form_positions(postings, p, unique, keys, docs, starts, several)
    del keys
    df = ends - starts
    idf = np.rint(1000 * np.log(1 + (n - df + 0.5) / (df + 0.5))).astype(np.int64)
    mean = max(float(postings.lengths.mean()) if n else 1.0, 1.0)
    norm = K1 * (1 - B + B * postings.lengths[docs] / np.float32(mean))
    tf /= tf + norm  # BM25's tf part, tf (k1 + 1) / (tf + norm), divided by k1 + 1
    del norm
    scaled = np.rint(tf * (IMPACT_LEVELS - TITLE_LEVELS)) + TITLE_LEVELS * in_title
    impacts = np.clip(scaled, 1, IMPACT_LEVELS).astype(np.uint8)
    del tf, scaled, in_title
    gaps = docs.copy()
    gaps[1:] -= docs[:-1]
    gaps[starts] = docs[starts]
    del docs

    own = df > OWN_FILE_POSTINGS
    shard = (_hashes(unique, parts.crc) % np.uint64(shard_count)).astype(np.int64)
    mine = range(p, shard_count, parts.partitions)
    entries: dict[int, dict[str, object]] = {s: {} for s in mine}
    own_files = dict.fromkeys(mine, 0)
    # Plain lists: indexing NumPy arrays one item at a time is slower than Python's.
    starts_list, ends_list, own_list = starts.tolist(), ends.tolist(), own.tolist()
    idf_list, shard_list, key_list = idf.tolist(), shard.tolist(), unique.tolist()
    for i in np.lexsort((unique, shard)).tolist():
        s, lo, hi = shard_list[i], starts_list[i], ends_list[i]
        key = key_list[i]
        entry: list[object] = [idf_list[i], gaps[lo:hi], impacts[lo:hi]]
        if key in forms_of:
            entry.append(forms_of[key])
        text = _term_text(key, postings.terms)
        if own_list[i]:
            if hi - lo > TOP_POSTINGS:
                entry = _split_entry(idf_list[i], gaps[lo:hi], impacts[lo:hi], forms_of.get(key), n)
            bundle.dump(f"w/{s}-{own_files[s]}.json", entry)
            # The shard says how many articles hold it, so that a "Did you mean"
            # (search-engine.js: commoner) can weigh a common word without its
            # file: that file was 7.5 of the 82.3 kB of `goverment` at 100,000.
            entries[s][text] = {"articles": hi - lo, "own": own_files[s]}
            own_files[s] += 1
        else:
            entries[s][text] = entry
    for s in mine:
        bundle.dump(f"t/{s}.json", entries[s])


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


class _Rests:
    """The rests of the articles' text, packed into ``x/`` blocks in order."""

    def __init__(self, bundle: _Bundle) -> None:
        self.bundle = bundle
        self.block = 0
        self.pieces: list[bytes] = []
        self.chars = 0

    def add(self, rest: bytes, size: int) -> list[int]:
        """Add one article's rest (its JSON list of paragraphs, ``size``
        characters of text); returns where it is: [block, index in it]."""
        if self.pieces and self.chars + size > REST_BLOCK_CHARS:
            self.flush()
        self.pieces.append(rest)
        self.chars += size
        return [self.block, len(self.pieces) - 1]

    def flush(self) -> None:
        if self.pieces:
            # The list of the rests as _json writes it (no spaces), from the rests
            # already written as JSON.
            self.bundle.dump_raw(f"x/{self.block}.json", b"[" + b",".join(self.pieces) + b"]")
            self.block += 1
            self.pieces, self.chars = [], 0


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


def build_search_index(
    edition: Edition, out: Path, cache: SearchCache | None = None
) -> SearchStats:
    """Write the index of ``edition`` into ``out`` (replaced if it exists), each
    article's entry taken from ``cache`` when it holds it (and put there when not)."""
    cpu_started = time.process_time()
    documents = search_documents(edition)
    bundle = _Bundle(out)
    rests = _Rests(bundle)
    ids_of = _TermIds()

    def entries() -> Iterator[ArticleEntry]:
        # Each article's text is made once and dropped once its record is written
        # and its terms counted: an archive's text is far more than its postings.
        for number, doc in enumerate(documents):
            article = edition.articles[doc.slug]
            collections = tuple(
                edition.curation.collections[c].title
                for c in edition.collections_of.get(doc.slug, ())
                if c in edition.curation.collections
            )
            entry = key = None
            if cache is not None:
                key = entry_key(doc, article, collections)
                entry = cache.get(doc.slug, key)
            if entry is None:
                fields = article_fields(article, collections)
                record, rest = _record(doc, fields)
                entry = article_entry(record, rest, fields, ids_of)
                if cache is not None and key is not None:
                    cache.put(doc.slug, key, entry)
            if entry.rest:
                record = orjson.loads(entry.record)
                record["more"] = rests.add(entry.rest, entry.rest_chars)
                bundle.dump(f"r/{number}.json", record)
            else:
                bundle.dump_raw(f"r/{number}.json", entry.record)
            yield entry

    # The postings' partitions, in a folder beside the bundle, gone once written.
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}-parts.", dir=out.parent))
    try:
        postings = count_terms(entries(), _Parts(folder, partitions_for(len(documents))))
        rests.flush()
        terms, shards, prefixes, vocabulary = write_postings(bundle, postings)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    blocks = max(1, math.ceil(len(documents) / FACET_BLOCK))
    for b in range(blocks):
        bundle.dump(f"f/{b}.json", _facets(documents[b * FACET_BLOCK : (b + 1) * FACET_BLOCK]))
    bundle.dump("f/all.json", _facet_totals(documents))
    if cache is not None:
        cache.prune({d.slug for d in documents})
    bundle.finish(
        {
            "documents": len(documents),
            "shards": shards,
            "prefixes": prefixes,
            "prefix_length": PREFIX_LENGTH,
            "vocabulary": vocabulary,
            "levels": IMPACT_LEVELS,
            "facet_block": FACET_BLOCK,
            "facet_blocks": blocks,
        }
    )
    return SearchStats(
        documents=len(documents),
        terms=terms,
        shards=shards,
        files=bundle.files,
        bytes=bundle.bytes,
        cpu_seconds=time.process_time() - cpu_started,
        cached=cache.hits if cache is not None else 0,
    )


class SearchIndexJob:
    """Writes the index in a forked process while MkDocs renders, the build's other
    long step: the child inherits the edition model instead of having it pickled.
    Where fork is not offered (Windows, macOS by default), it runs on ``wait()``."""

    def __init__(self, edition: Edition, out: Path, cache: SearchCache | None = None) -> None:
        self._job = BackgroundJob(
            lambda: build_search_index(edition, out, cache),
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
