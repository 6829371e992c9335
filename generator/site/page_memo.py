"""Pages that need not be generated again: the docs tree is its own cache.

Generating the docs tree was a third of a one-edit rebuild at 10,000 articles
(cProfile, docs/performance.md): every article page rendered with Jinja, its front
matter dumped with PyYAML, and the file read back to find that its bytes had not
changed. An article page is a function of its ``ArticleContext`` (what
``PageBuilder.article_context`` gives, its article standing for the article's
file; ``inputs_of`` makes the page's values and front matter from it, only for a
page made again), of the related-reading block's inputs (``related_inputs``: the
block is made only for a page made again), of the
cards of the articles its template asks for (``card(slug)``: previous and next
in the issue), and of the code (templates, generator, ``mkdocs.yml``:
``incremental.code_digest``); article pages are rendered without ``edition`` in
their context, so the template can read nothing else (StrictUndefined).

``build/page-memo.pickle`` keeps, for each article page of the docs tree, a digest
of those inputs, the slugs whose cards it asked for, a digest of those cards, and
the docs file's size and modification time. A page whose inputs and cards digest
the same, and whose file is still the one written, is left as it is: not
rendered, not read. Anything else is rendered as before. The memo is deleted
before the docs tree is touched and written only after a complete tree was
(write_docs), so the live preview, which rewrites some pages, leaves none.
``tests/test_incremental.py`` compares every byte with a full build.

Issues' and writers' pages (``PageBuilder.card_list_inputs``) are kept the same
way: lists of cards, rendered without ``edition`` too, they were most of the
listing pages' cost (2.2 of 2.5 s at 10,000 articles, under load), redone on
every rebuild. The other listing pages (indexes, years, letters: 87 at 10,000
articles, the section pages) read ``edition`` at large: they are kept together,
keyed by the whole edition but the articles' bodies (``PageMemo.sections``).

That key stands for everything an article page takes from the edition, too: an
article page reads no article's body but its own. So where it is the last
build's (an edit of articles' text that leaves their reading times alone, the
commonest edit), an article page whose file is the one it was made from is
kept without making its context, its related-reading inputs or its cards'
digest: 5 s of a one-edit rebuild at 100,000 articles (py-spy), for 86,479
article pages each of which the key would have found unchanged.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from generator.atomic import write_atomic
from generator.content.body import BodyRef
from generator.content.curation import Collection, Topic
from generator.content.edition import Issue
from generator.content.schema import Article
from generator.site.pages import ArticleContext, Page, PageBuilder, PageInputs

MEMO = "page-memo.pickle"
# 2: the cards' digest from their fields (PageBuilder.cards_digest); 3: the
# section pages (``sections``); 4: article pages keyed by their ArticleContext,
# articles by their file's digest, and the articles' front-matter digests kept;
# 5: an article page keyed by its context as plain values (``PageMemo._plain``);
# 6: what a card takes from its article alone, kept by the file's digest;
# 7: each article page's file digest (``PageMemo.article``'s short way).
FORMAT = 7

# path -> (inputs digest, card slugs, cards digest, size, mtime_ns)
_Entry = tuple[bytes, tuple[str, ...], bytes, int, int]
# The section pages: (inputs digest, ((path, size, mtime_ns), ...))
_Sections = tuple[bytes, tuple[tuple[str, int, int], ...]]
# An article file's digest -> the digest of its article without the body.
_Front = dict[str, bytes]


def _article(slug: str, digest: str, part: str) -> None:
    """Never called: what an ``Article`` loaded from its file is pickled as in a
    memo key (``_Pickler``), a reference to the file's bytes."""
    raise TypeError("a memo key's stand-in for an article, not to be unpickled")


class _Pickler(pickle.Pickler):
    """Pickles an ``Article`` loaded from its file as the file's digest: the
    article is a function of the file's bytes and the code (which the memo is
    kept for), and pickling its every field, for every article page of every
    rebuild, was most of the memo's check (0.3 of 1.2 s at 10,000 articles).

    And a ``BodyRef`` without the file's path: the body is pinned by the file's
    digest and its place in the file, and the path was absolute, so a project
    copied, or restored from CI's cache, to another folder (the first rebuild of
    a copy of the 10,000-article project) generated every article page again
    (0 kept; tests/test_incremental.py)."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Article and type(obj.body) is BodyRef:
            return _article, (obj.slug, obj.body.digest, "whole")
        if type(obj) is BodyRef:
            fields = dataclasses.fields(obj)
            return BodyRef, tuple("" if f.name == "path" else getattr(obj, f.name) for f in fields)
        return NotImplemented


# What many article pages' contexts share (an issue with its running order, a
# topic, a collection): each stands in an article page's key as its digest, made
# once a build (``PageMemo._plain``).
_SHARED = (Issue, Topic, Collection)
_CONTEXT_FIELDS = tuple(f.name for f in dataclasses.fields(ArticleContext))


class _WithoutBodies(pickle.Pickler):
    """Pickles an ``Article`` as a digest of it without its body
    (``without_body``): for the section pages, which show no article's text (the
    reading time they show is in ``Edition.reading_minutes``)."""

    def __init__(self, file: io.BytesIO, without_body: Callable[[Article], bytes]) -> None:
        super().__init__(file, protocol=5)
        self.without_body = without_body

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Article:
            return _article, (obj.slug, self.without_body(obj).hex(), "front matter")
        if type(obj) is BodyRef:
            return BodyRef, ("", 0, 0, 0, "", 0, 0)
        return NotImplemented


def _front_matter_digest(article: Article) -> bytes:
    return hashlib.sha256(pickle.dumps(dataclasses.replace(article, body=""), protocol=5)).digest()


def _digest(value: Any) -> bytes:
    # Pickle of equal values can differ (sharing, set order): a needless render,
    # never a wrong page. Equal pickles are equal values.
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=5).dump(value)
    return hashlib.sha256(buffer.getbuffer()).digest()


def memo_path(docs: Path) -> Path:
    return docs.parent / MEMO


class PageMemo:
    def __init__(self, docs: Path, code: str, *, reuse: bool = True) -> None:
        """``reuse=False`` (``build --full``): the previous memo is dropped unread,
        every page is generated, and a new memo is written."""
        self.docs = docs
        self._prefix = os.fspath(docs) + os.sep  # paths joined as text, as DocsLedger
        self.code = code
        self.kept = 0  # article pages
        self.listings_kept = 0  # issues' and writers' pages
        self.sections_kept = 0  # the other listing pages (``sections``)
        self._old: dict[str, _Entry] = {}
        self._new: dict[str, tuple[bytes, tuple[str, ...], bytes]] = {}
        # The kept pages' (size, mtime_ns), as ``_check`` found them on disk: not
        # stat'ed again by ``save`` nor by the docs ledger (its ``known``),
        # as no build writes a page it keeps. Two stats of each kept page fewer:
        # 173,000 at 100,000 articles.
        self.verified: dict[str, tuple[int, int]] = {}
        self._old_sections: _Sections | None = None
        self._new_sections: tuple[bytes, list[str]] | None = None
        self._old_front: _Front = {}
        self._new_front: _Front = {}
        # The digest of what each article's card takes from the article alone
        # (``PageBuilder.card_own_fields``), by the file's digest.
        self._old_cards: _Front = {}
        self._new_cards: _Front = {}
        # Each article page's path -> the digest of the file it was made from.
        self._old_files: dict[str, str] = {}
        self._new_files: dict[str, str] = {}
        self._same_edition: bool | None = None  # known once ``sections`` ran
        # ``_plain``'s digests of shared objects, by id, each kept with its object
        # so that the id is not reused.
        self._shared: dict[int, tuple[object, bytes]] = {}
        self._site: bytes | None = None  # the site's configuration, digested
        path = memo_path(docs)
        try:
            if not reuse:
                raise FileNotFoundError(path)
            with path.open("rb") as handle:
                form, code_then, entries, sections, front, cards, files = pickle.load(handle)
            if form == FORMAT and code_then == code and isinstance(entries, dict):
                self._old = entries
                self._old_sections = sections
                self._old_front = front
                self._old_cards = cards
                self._old_files = files
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            pass
        path.unlink(missing_ok=True)

    def sections(self, builder: PageBuilder, intro: str) -> Iterator[tuple[str, Page | None]]:
        """The section pages (``PageBuilder.section_pages``), each with None where
        the docs tree holds it already. They read the edition at large (the home
        page, the indexes, the year pages of timelines, corrections, web-only
        pieces), so they are kept or made together, keyed by all of the edition
        but the articles' bodies (which they do not show: an edit of an article's
        text that leaves its reading time alone leaves them all) and the home
        page's introduction. Making them was 2.3 s of a one-edit rebuild at
        10,000 articles under load; the key takes 0.3 to 0.6 s there."""
        edition = builder.edition
        values = {f.name: getattr(edition, f.name) for f in dataclasses.fields(edition)}
        values["pages"] = sorted(edition.pages)  # a set's order changes between runs
        buffer = io.BytesIO()
        _WithoutBodies(buffer, self._front_matter).dump(
            (values, intro, builder.config, builder.books)
        )
        digest = hashlib.sha256(buffer.getbuffer()).digest()
        del buffer
        old = self._old_sections
        if (
            old is not None
            and old[0] == digest
            and all(self._holds(path, size, mtime) for path, size, mtime in old[1])
        ):
            self._new_sections = (digest, [path for path, _, _ in old[1]])
            self.sections_kept = len(old[1])
            for path, _, _ in old[1]:
                yield path, None
            return
        made: list[str] = []
        self._new_sections = (digest, made)
        for page in builder.section_pages(intro):
            made.append(page.path)
            yield page.path, page

    def _front_matter(self, article: Article) -> bytes:
        """The digest of an article without its body; for one loaded from its
        file, kept from the last build by the file's digest (pickling every
        article for the section pages' key was 0.3 s of a one-edit rebuild at
        10,000 articles)."""
        body = article.body
        if type(body) is not BodyRef:
            return _front_matter_digest(article)
        digest = self._new_front.get(body.digest)
        if digest is None:
            digest = self._old_front.get(body.digest) or _front_matter_digest(article)
            self._new_front[body.digest] = digest
        return digest

    def _card_own(self, builder: PageBuilder, article: Article) -> bytes:
        """The digest of ``builder.card_own_fields(article)``; for an article loaded
        from its file, kept from the last build by the file's digest."""
        body = article.body
        digest = None
        if type(body) is BodyRef:
            digest = self._new_cards.get(body.digest) or self._old_cards.get(body.digest)
        if digest is None:
            digest = hashlib.sha256(repr(builder.card_own_fields(article)).encode()).digest()
        if type(body) is BodyRef:
            self._new_cards[body.digest] = digest
        return digest

    def _holds(self, path: str, size: int, mtime_ns: int) -> bool:
        """Whether the docs tree's file is still the one written."""
        try:
            st = os.stat(self._prefix + path)
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns) == (size, mtime_ns)

    def _keep(self, path: str, old: _Entry) -> bool:
        """Whether the docs tree's file at ``path`` is still the one ``old``
        records; if so, it is kept as recorded."""
        if not self._holds(path, old[3], old[4]):
            return False
        self._new[path] = old[:3]
        self.verified[path] = old[3:]
        return True

    def article(self, builder: PageBuilder, slug: str) -> Page | None:
        """The article's page, or None when the docs tree already holds it."""
        path = f"articles/{slug}.md"
        body = builder.edition.articles[slug].body
        file = body.digest if type(body) is BodyRef else None
        if file is not None and self._edition_unchanged() and self._old_files.get(path) == file:
            # The short way (the module's docstring): the edition but the bodies is
            # the last build's, and the article's file is the one its page was
            # made from.
            old = self._old.get(path)
            if old is not None and self._keep(path, old):
                self._new_files[path] = file
                self.kept += 1
                return None
        context = builder.article_context(slug)

        def render(asked: list[str]) -> Page:
            # The page's inputs, and its related-reading block, only for a page
            # made again: its context and the block's inputs stand for them in
            # the key.
            inputs = builder.inputs_of(context)
            builder.add_related(inputs, slug)
            path, template, meta, values = inputs
            body = builder.article_body(slug)
            return builder._page(path, template, meta, cards=asked, body=body, **values)

        if self._site is None:
            self._site = _digest((builder.config, builder.books))
        key = (path, tuple([self._plain(getattr(context, f)) for f in _CONTEXT_FIELDS]))
        digest = hashlib.sha256(
            pickle.dumps((key, builder.related_inputs(slug), self._site), protocol=5)
        ).digest()
        page = self._check(builder, path, digest, render)
        if file is not None:
            self._new_files[path] = file
        if page is None:
            self.kept += 1
        return page

    def _edition_unchanged(self) -> bool:
        """Whether the section pages' key (all of the edition but the articles'
        bodies, the site's settings) is the last build's; False before
        ``sections`` made it."""
        if self._same_edition is None:
            if self._new_sections is None:
                return False
            old = self._old_sections
            self._same_edition = old is not None and old[0] == self._new_sections[0]
        return self._same_edition

    def _plain(self, value: Any) -> Any:
        """A field of an ``ArticleContext`` as plain values, for its page's key: an
        article loaded from its file as its slug and the file's digest, an object
        of ``_SHARED`` as its digest. Pickling each page's context whole (its
        article's every field, its issue's running order) was 0.27 s at 10,000
        articles, this 0.17 s (one loop over the bench's 10,000-article project)."""
        kind = type(value)
        if kind is Article and type(value.body) is BodyRef:
            return ("article", value.slug, value.body.digest)
        if kind in _SHARED:
            hit = self._shared.get(id(value))
            if hit is None or hit[0] is not value:
                hit = (value, _digest(value))
                self._shared[id(value)] = hit
            return hit[1]
        if kind is tuple:
            return tuple([self._plain(v) for v in value])
        return value

    def listing(self, builder: PageBuilder, inputs: PageInputs) -> Page | None:
        """A page of ``PageBuilder.card_list_inputs`` (an issue's, a writer's), or
        None when the docs tree already holds it."""
        page = self._page(builder, inputs, None, lambda asked: builder.listing(inputs, asked))
        if page is None:
            self.listings_kept += 1
        return page

    def _page(
        self,
        builder: PageBuilder,
        key: tuple[str, str, Any, Any],
        more: Any,
        render: Callable[[list[str]], Page],
    ) -> Page | None:
        """``key``: (docs path, template, what the page is made from besides its
        cards, ``more`` and the site's configuration: its ``PageInputs``' meta and
        values); ``render`` makes it, appending the slugs of the cards it asks for."""
        path, template, meta, values = key
        # The path (so the page's address, which the cards' links are relative
        # to) is in the key: the cards' digest needs only their fields.
        digest = _digest((path, template, meta, values, more, builder.config, builder.books))
        return self._check(builder, path, digest, render)

    def _check(
        self,
        builder: PageBuilder,
        path: str,
        digest: bytes,
        render: Callable[[list[str]], Page],
    ) -> Page | None:
        """The page at ``path``, or None where the docs tree holds it with the same
        inputs' ``digest`` and the same cards."""
        old = self._old.get(path)
        own = functools.partial(self._card_own, builder)
        if (
            old is not None
            and old[0] == digest
            and builder.cards_digest(old[1], own) == old[2]
            and self._keep(path, old)
        ):
            return None
        asked: list[str] = []
        page = render(asked)
        slugs = tuple(dict.fromkeys(asked))
        self._new[path] = (digest, slugs, builder.cards_digest(slugs, own))
        return page

    def save(self) -> None:
        """Record the pages of the docs tree just written (call once it is complete)."""
        entries: dict[str, _Entry] = {}
        for path, (inputs, slugs, cards) in self._new.items():
            known = self.verified.get(path)
            if known is not None:
                entries[path] = (inputs, slugs, cards, *known)
                continue
            try:
                st = os.stat(self._prefix + path)
            except OSError:
                continue
            entries[path] = (inputs, slugs, cards, st.st_size, st.st_mtime_ns)
        sections: _Sections | None = None
        if self._new_sections is not None:
            digest, paths = self._new_sections
            stats = []
            for path in paths:
                try:
                    st = os.stat(self._prefix + path)
                except OSError:
                    break
                stats.append((path, st.st_size, st.st_mtime_ns))
            else:
                sections = (digest, tuple(stats))
        files = {path: file for path, file in self._new_files.items() if path in entries}
        data = (FORMAT, self.code, entries, sections, self._new_front, self._new_cards, files)
        write_atomic(memo_path(self.docs), pickle.dumps(data, protocol=5))
