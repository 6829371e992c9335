"""Loaded articles kept between builds, so an unchanged article is not parsed again.

An entry is reused only while its file has the same size and modification time;
the cache lives in the project's .cache/articles/ (never committed) and a cache that cannot
be read is simply rebuilt. The live preview keeps one in memory.
"""

from __future__ import annotations

import pickle
import zlib
from pathlib import Path

from generator.atomic import write_atomic
from generator.code_digest import code_digest
from generator.content.article_file import LoadedArticle, load_article

# Any change to the code that parses or types an article invalidates the cache,
# so a pickled article never outlives the shape of its class.
CACHE_VERSION = code_digest(
    "content/article_file.py",
    "content/schema.py",
    "content/problems.py",
    "content/yamlio.py",
    "content/article_cache.py",
    "content/policy.py",
    "content/body.py",
    "content/body_checks.py",
    # The cue warnings found as an article is loaded (body_checks.cue_problems).
    "ingest/cues.py",
)


# The cache is kept in this many files, an article's by a CRC of its path, so that
# a build after one edit writes one of them again: a single file was 146 MB at
# 10,000 articles, pickled again whole after any edit (2.8 s of a one-edit
# rebuild under load, cProfile, docs/performance.md).
BUCKETS = 64


def _bucket(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogateescape")) % BUCKETS


class ArticleCache:
    """``path``: the folder of the cache's files (None: kept in memory only)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._items: dict[str, tuple[int, int, LoadedArticle]] = {}
        self._dirty: set[int] = set()
        if path is None:
            return
        for bucket in range(BUCKETS):
            try:
                with (path / f"{bucket}.pickle").open("rb") as handle:
                    version, items = pickle.load(handle)
            except (
                OSError,
                EOFError,
                pickle.UnpicklingError,
                ValueError,
                TypeError,
                AttributeError,
                ImportError,
            ):
                # Missing or unreadable: its articles are loaded again, and the
                # bucket is written on save.
                self._dirty.add(bucket)
                continue
            if version == CACHE_VERSION and isinstance(items, dict):
                self._items.update(items)
            else:
                self._dirty.add(bucket)

    def load(self, path: Path) -> LoadedArticle:
        try:
            st = path.stat()
        except OSError:
            return load_article(path)
        key = str(path)
        hit = self._items.get(key)
        if hit is not None and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            return hit[2]
        loaded = load_article(path)
        self._items[key] = (st.st_size, st.st_mtime_ns, loaded)
        self._dirty.add(_bucket(key))
        return loaded

    def forget_missing(self, present: set[str]) -> None:
        for key in [k for k in self._items if k not in present]:
            del self._items[key]
            self._dirty.add(_bucket(key))

    def save(self) -> None:
        """Write the buckets that changed since they were read."""
        if self.path is None or not self._dirty:
            return
        buckets: dict[int, dict[str, tuple[int, int, LoadedArticle]]] = {b: {} for b in self._dirty}
        for key, item in self._items.items():
            bucket = buckets.get(_bucket(key))
            if bucket is not None:
                bucket[key] = item
        self.path.mkdir(parents=True, exist_ok=True)
        for b in sorted(buckets):
            write_atomic(
                self.path / f"{b}.pickle", pickle.dumps((CACHE_VERSION, buckets[b]), protocol=5)
            )
        self._dirty.clear()
