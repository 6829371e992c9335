"""Loaded articles kept between builds, so an unchanged article is not parsed again.

An entry is reused only while its file has the same size and modification time;
the cache lives in the project's .cache/articles/ (never committed) and a cache that cannot
be read is simply rebuilt. The live preview keeps one in memory.

The build keys its entries by the file's path inside the content folder, not by its
absolute path: a project copied to another folder with its times (``cp -a``, CI's
cache restored elsewhere) parsed all its articles again, 10,000 of them in the
10,000-article project's first rebuild. An entry found under another folder is
moved to the file's new path (its body reference and its problems name it).
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import zlib
from collections.abc import Iterable
from pathlib import Path

from generator.atomic import write_atomic
from generator.code_digest import code_digest
from generator.content.article_file import LoadedArticle, load_article
from generator.content.body import BodyRef
from generator.content.problems import Problem

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


def moved(loaded: LoadedArticle, path: Path) -> LoadedArticle:
    """``loaded`` as if loaded from ``path``, the same file in another folder."""
    old, new = str(loaded.path), str(path)

    def here(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
        return tuple(dataclasses.replace(p, path=new) if p.path == old else p for p in problems)

    article = loaded.article
    if article is not None and isinstance(article.body, BodyRef) and article.body.path == old:
        article = dataclasses.replace(article, body=dataclasses.replace(article.body, path=new))
    return dataclasses.replace(
        loaded, path=path, article=article, problems=here(loaded.problems), cues=here(loaded.cues)
    )


class ArticleCache:
    """``path``: the folder of the cache's files (None: kept in memory only).
    ``root``: entries are keyed by their path inside this folder (by their whole
    path without it, or for a file outside it)."""

    def __init__(self, path: Path | None = None, root: Path | None = None) -> None:
        self.path = path
        # A prefix test, not Path.relative_to: one key per article each build.
        self._prefix = None if root is None else os.path.join(root, "")
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

    def _key(self, path: str | Path) -> str:
        text = str(path)
        if self._prefix is not None and text.startswith(self._prefix):
            return text[len(self._prefix) :]
        return text

    def load(self, path: Path) -> LoadedArticle:
        try:
            st = path.stat()
        except OSError:
            return load_article(path)
        key = self._key(path)
        hit = self._items.get(key)
        if hit is not None and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            if hit[2].path == path:
                return hit[2]
            # The project was moved: the entry now names the file where it is.
            loaded = moved(hit[2], path)
        else:
            loaded = load_article(path)
        self._items[key] = (st.st_size, st.st_mtime_ns, loaded)
        self._dirty.add(_bucket(key))
        return loaded

    def forget_missing(self, present: Iterable[str | Path]) -> None:
        """Drop the entries of every file but these."""
        keys = {self._key(p) for p in present}
        for key in [k for k in self._items if k not in keys]:
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
