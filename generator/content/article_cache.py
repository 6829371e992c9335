"""Loaded articles kept between builds, so an unchanged article is not parsed again.

An entry is reused only while its file has the same size and modification time;
the cache lives in the project's .cache/ (never committed) and a cache that cannot
be read is simply rebuilt. The live preview keeps one in memory.
"""

from __future__ import annotations

import pickle
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
)


class ArticleCache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._items: dict[str, tuple[int, int, LoadedArticle]] = {}
        self._dirty = False
        if path is not None:
            try:
                with path.open("rb") as handle:
                    version, items = pickle.load(handle)
                if version == CACHE_VERSION:
                    self._items = items
            except (
                OSError,
                EOFError,
                pickle.UnpicklingError,
                ValueError,
                TypeError,
                AttributeError,
                ImportError,
            ):
                self._items = {}

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
        self._dirty = True
        return loaded

    def forget_missing(self, present: set[str]) -> None:
        for key in [k for k in self._items if k not in present]:
            del self._items[key]
            self._dirty = True

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        write_atomic(self.path, pickle.dumps((CACHE_VERSION, self._items), protocol=5))
        self._dirty = False
