"""Each article's share of the search index, kept between builds (issue 17).

Before the index's global merge, every article is read, cut into paragraphs and
words, its words folded and stemmed, its record made and its postings counted
(``index.article_entry``): most of the index's time at 10,000 articles, and the
same work every build for every article an edit did not touch. A build keeps
each article's result in ``.cache/search/<slug>.bin`` under a key, a BLAKE2b
digest of everything the result depends on: what the index sees of the article
(its ``SearchDocument``, the ``Article`` with its body's file digest, the titles
of its collections), the code that makes it (``SEARCH_CODE``) and the versions
of the Snowball stemmer, of Unicode's tables (folding) and of Python (``\\w``).
An entry whose key differs is made again; one whose checksum (BLAKE2b of its
key and contents) does not match, or that cannot be read or decoded, is ignored
and made again, never trusted. Entries are written atomically, and those of
articles the edition no longer has are removed (``prune``).

An entry holds the article's words in its own numbering (its forms and stems in
the order they first appear in it): the index numbers them across the archive
as it merges the entries in date order, exactly as counting the articles in
that order numbers them, so the index written from the cache is the one written
without it, byte for byte (tests/test_search_cache.py).
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from generator.atomic import write_atomic
from generator.code_digest import code_digest

CACHE_DIR = "search"  # in the project's .cache/
SUFFIX = ".bin"
MAGIC = b"NSSRCH01"

# Everything besides an article's own inputs that its entry depends on. A change
# to any of these files (the format below included) makes every entry miss.
SEARCH_CODE = hashlib.blake2b(
    "\0".join(
        (
            code_digest(
                "search/cache.py",
                "search/index.py",
                "search/merged.py",
                "search/text.py",
                "content/body.py",
                "content/policy.py",
                "content/schema.py",
                "formatting.py",
            ),
            metadata.version("snowballstemmer"),
            unicodedata.unidata_version,
            f"{sys.version_info.major}.{sys.version_info.minor}",
        )
    ).encode(),
    digest_size=32,
).digest()

_DIGEST = 32
# record, rest and strings' byte lengths, the rest's characters, the article's
# length in words, forms, terms, keys, and flags: 1, the ids are 32-bit (else 16);
# 2, the weights are 16-bit whole numbers (else float32).
_HEADER = struct.Struct("<QQQQQQQQB")
_WEIGHT = np.dtype("<f4")


@dataclass(frozen=True)
class ArticleEntry:
    """One article's share of the index, its words numbered in the article: local
    form ids and term ids, in the order the forms and terms first appear."""

    record: bytes  # its r/ record as JSON, without "more"
    rest: bytes  # the rest of its paragraphs as a JSON list; b"" when none
    rest_chars: int  # the rest's characters (the x/ blocks are cut by them)
    length: int  # its length in words (those that have a term)
    forms: list[str]  # local form id -> the form
    terms: list[str]  # local term id -> the stem
    form_terms: np.ndarray  # local form id -> local term id
    # Its distinct keys, sorted: a word is (0, term), a pair (first + 1, second).
    firsts: np.ndarray
    seconds: np.ndarray
    weights: np.ndarray  # float32: the key's summed field weights
    titles: np.ndarray  # bool: the key is in the headline


def entry_key(*inputs: object) -> bytes:
    """The key of an entry made from ``inputs`` (values whose repr says all of
    them: frozen dataclasses, tuples, strings) by this code."""
    # repr, not pickle: equal values give equal text, whatever objects they share.
    digest = hashlib.blake2b(SEARCH_CODE, digest_size=_DIGEST)
    digest.update(repr(inputs).encode("utf-8", "surrogatepass"))
    return digest.digest()


def encode(key: bytes, entry: ArticleEntry) -> bytes:
    wide = len(entry.terms) > 0xFFFF
    ids = np.dtype("<u4" if wide else "<u2")
    # The keys are sorted: their firsts are stored as how many keys have each.
    firsts = np.bincount(entry.firsts, minlength=len(entry.terms) + 1)
    # The weights are sums of FIELD_WEIGHTS, whole numbers while those are: 2
    # bytes rather than 4 then (with the firsts' counts and the titles' bits, an
    # entry at 10,000 articles was 29 kB on average against 39 kB).
    whole = bool(np.all(entry.weights == np.rint(entry.weights))) and (
        not len(entry.weights) or 0 <= entry.weights.min() <= entry.weights.max() <= 0xFFFF
    )
    weights = entry.weights.astype("<u2" if whole else _WEIGHT)
    strings = "\n".join([*entry.forms, *entry.terms]).encode("utf-8")
    body = b"".join(
        (
            key,
            _HEADER.pack(
                len(entry.record),
                len(entry.rest),
                len(strings),
                entry.rest_chars,
                entry.length,
                len(entry.forms),
                len(entry.terms),
                len(entry.seconds),
                wide | (whole << 1),
            ),
            entry.record,
            entry.rest,
            strings,
            entry.form_terms.astype(ids).tobytes(),
            firsts.astype(ids).tobytes(),
            entry.seconds.astype(ids).tobytes(),
            weights.tobytes(),
            np.packbits(entry.titles).tobytes(),
        )
    )
    return MAGIC + hashlib.blake2b(body, digest_size=_DIGEST).digest() + body


class _Corrupt(Exception):
    pass


def decode(data: bytes, key: bytes) -> ArticleEntry | None:
    """The entry in ``data`` if it is whole, uncorrupted and made under ``key``."""
    start = len(MAGIC) + _DIGEST
    if len(data) < start + _DIGEST + _HEADER.size or not data.startswith(MAGIC):
        return None
    body = memoryview(data)[start:]
    if hashlib.blake2b(body, digest_size=_DIGEST).digest() != data[len(MAGIC) : start]:
        return None
    if body[:_DIGEST] != key:
        return None
    try:
        return _decode(body, _DIGEST)
    except (_Corrupt, ValueError, UnicodeDecodeError):
        # A checksum that matches a malformed entry: written by other code than
        # this (whose digest is in the key), so not ours to read.
        return None


def _decode(body: memoryview, at: int) -> ArticleEntry:
    record_len, rest_len, strings_len, rest_chars, length, n_forms, n_terms, n_keys, flags = (
        _HEADER.unpack_from(body, at)
    )
    at += _HEADER.size
    ids = np.dtype("<u4" if flags & 1 else "<u2")
    weight = np.dtype("<u2") if flags & 2 else _WEIGHT

    def take(size: int) -> memoryview:
        nonlocal at
        if at + size > len(body):
            raise _Corrupt
        piece = body[at : at + size]
        at += size
        return piece

    record = bytes(take(record_len))
    rest = bytes(take(rest_len))
    strings = str(take(strings_len), "utf-8").split("\n") if n_forms + n_terms else []
    if len(strings) != n_forms + n_terms:
        raise _Corrupt
    form_terms = np.frombuffer(take(n_forms * ids.itemsize), ids).astype(np.int64)
    counts = np.frombuffer(take((n_terms + 1) * ids.itemsize), ids)
    if int(counts.sum(dtype=np.int64)) != n_keys:
        raise _Corrupt
    firsts = np.repeat(np.arange(n_terms + 1, dtype=np.int64), counts)
    seconds = np.frombuffer(take(n_keys * ids.itemsize), ids).astype(np.int64)
    weights = np.frombuffer(take(n_keys * weight.itemsize), weight).astype(np.float32)
    titles = np.unpackbits(np.frombuffer(take((n_keys + 7) // 8), np.uint8), count=n_keys)
    if at != len(body):
        raise _Corrupt
    if n_keys and int(seconds.max()) >= n_terms:
        raise _Corrupt
    if n_forms and int(form_terms.max()) >= n_terms:
        raise _Corrupt
    return ArticleEntry(
        record=record,
        rest=rest,
        rest_chars=rest_chars,
        length=length,
        forms=strings[:n_forms],
        terms=strings[n_forms:],
        form_terms=form_terms,
        firsts=firsts,
        seconds=seconds,
        weights=weights,
        titles=titles.astype(bool),
    )


class SearchCache:
    """The entries in ``folder``. ``reuse=False`` (``build --full``): none is read,
    every one is made and written again."""

    def __init__(self, folder: Path, *, reuse: bool = True) -> None:
        self.folder = folder
        self.reuse = reuse
        self.hits = self.misses = 0

    def _path(self, slug: str) -> Path:
        return self.folder / f"{slug}{SUFFIX}"

    def get(self, slug: str, key: bytes) -> ArticleEntry | None:
        if not self.reuse:
            return None
        try:
            with open(self._path(slug), "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        entry = decode(data, key)
        if entry is not None:
            self.hits += 1
        return entry

    def put(self, slug: str, key: bytes, entry: ArticleEntry) -> None:
        self.misses += 1
        write_atomic(self._path(slug), encode(key, entry))

    def prune(self, slugs: set[str]) -> int:
        """Remove the entries of articles not in ``slugs``; returns how many went."""
        removed = 0
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return 0
        for found in entries:
            name = found.name
            if name.endswith(SUFFIX) and name[: -len(SUFFIX)] not in slugs:
                try:
                    os.unlink(found.path)
                except FileNotFoundError:
                    continue
                removed += 1
        return removed
