"""The search index written from .cache/search/ is the index written without it.

A synthetic archive's index is written with no cache, then from a cold cache and
from a warm one, and, edit by edit (body, title, slug, issue date, deletion, new
article, curation file), from the cache the previous index left, each compared
file by file with an index of the same content written with no cache at all.
Entries that are torn, corrupt or another article's are made again, never used.
The same edits again from the merged state (merged.py), files lent by the
previous bundle; a state or a lent file that is not what was written is not used.
No MkDocs: the index alone (tests/test_incremental.py builds whole sites)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from generator.content.addresses import record_ledger
from generator.search import cache as search_cache
from generator.search import index as search_index
from generator.search import merged
from generator.search.cache import (
    SUFFIX,
    ArticleEntry,
    SearchCache,
    decode,
    encode,
    entry_key,
)
from generator.search.index import BUNDLE, SearchStats, build_search_index
from generator.site.build import Project, load_edition
from tests.test_incremental import (
    curation_file,
    delete_article,
    edit_body,
    edit_issue_date,
    edit_slug,
    edit_title,
    new_article,
    synthetic_project,
    tree,
)

# Each edit, and how many articles' entries it makes again: the article edited
# (a deletion none; the curation file puts three articles in a collection).
EDITS = [
    (edit_body, 1),
    (edit_title, 1),
    (edit_slug, 1),
    (edit_issue_date, 1),
    (delete_article, 0),
    (new_article, 1),
    (curation_file, 3),
]


def index(
    project: Project, out: Path, cache: SearchCache | None = None, previous: Path | None = None
) -> tuple[SearchStats, dict[str, bytes]]:
    edition = load_edition(project)
    stats = build_search_index(edition, out / BUNDLE, cache, previous and previous / BUNDLE)
    # As a build does: its pages' addresses go into the ledger, which the edits
    # that drop a page update as an editor would.
    record_ledger(project.content, set(edition.pages))
    return stats, tree(out / BUNDLE)


def slugs(project: Project) -> set[str]:
    return {p.stem for p in (project.content / "articles").glob("*.md")}


def entries(folder: Path) -> set[str]:
    return {p.name[: -len(SUFFIX)] for p in folder.glob(f"*{SUFFIX}")}


def test_an_index_from_the_cache_is_the_index_without_it_edit_by_edit(tmp_path: Path) -> None:
    project = synthetic_project(tmp_path / "project")
    folder = tmp_path / "cache"
    n = len(slugs(project))
    _, fresh = index(project, tmp_path / "fresh")
    stats, cold = index(project, tmp_path / "cold", SearchCache(folder))
    assert stats.cached == 0 and entries(folder) == slugs(project)
    assert cold == fresh
    stats, warm = index(project, tmp_path / "warm", SearchCache(folder))
    assert stats.cached == n
    assert warm == fresh
    for step, (edit, made) in enumerate(EDITS):
        edit(project)
        _, fresh = index(project, tmp_path / f"fresh-{step}")
        stats, warm = index(project, tmp_path / f"warm-{step}", SearchCache(folder))
        assert stats.documents - stats.cached == made, edit.__name__
        # The deleted article's entry is gone, the renamed one's under its new slug.
        assert entries(folder) == slugs(project), edit.__name__
        assert sorted(set(warm) ^ set(fresh)) == [], edit.__name__
        assert [name for name in sorted(fresh) if warm[name] != fresh[name]] == [], edit.__name__


def test_a_torn_corrupt_or_misplaced_entry_is_made_again_not_trusted(tmp_path: Path) -> None:
    project = synthetic_project(tmp_path / "project", n=12)
    folder = tmp_path / "cache"
    _, fresh = index(project, tmp_path / "fresh")
    index(project, tmp_path / "cold", SearchCache(folder))
    torn, corrupt, misplaced, other = sorted(folder.glob(f"*{SUFFIX}"))[:4]
    data = torn.read_bytes()
    torn.write_bytes(data[: len(data) // 2])  # a write cut short
    data = bytearray(corrupt.read_bytes())
    data[len(data) // 2] ^= 0x20  # one bit of its text or postings flipped
    corrupt.write_bytes(bytes(data))
    misplaced.write_bytes(other.read_bytes())  # whole, but another article's
    # The entries are read by a merge of every article (a rebuild from the merged
    # state reads only those of the articles that changed).
    merged.discard(folder / merged.STATE)
    stats, warm = index(project, tmp_path / "warm", SearchCache(folder))
    assert stats.documents - stats.cached == 3
    assert warm == fresh
    # Each was written again, whole: the next index takes every article from the cache.
    stats, again = index(project, tmp_path / "again", SearchCache(folder))
    assert stats.cached == stats.documents and again == fresh


def test_a_key_blind_to_the_article_would_serve_a_stale_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The comparisons above can fail: with a key that leaves the article out, a
    # body edit is missed and the index from the cache is not the fresh one.
    monkeypatch.setattr(
        "generator.search.index.entry_key",
        lambda article, topics, collections: entry_key(
            article[1] if isinstance(article, tuple) else article.slug
        ),
    )
    project = synthetic_project(tmp_path / "project", n=12)
    folder = tmp_path / "cache"
    index(project, tmp_path / "cold", SearchCache(folder))
    edit_body(project)
    _, fresh = index(project, tmp_path / "fresh")
    stats, warm = index(project, tmp_path / "warm", SearchCache(folder))
    assert stats.cached == stats.documents
    assert warm != fresh


def test_other_code_or_a_full_build_reads_no_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = synthetic_project(tmp_path / "project", n=12)
    folder = tmp_path / "cache"
    _, fresh = index(project, tmp_path / "cold", SearchCache(folder))
    # build --full: nothing read, every entry written again.
    stats, full = index(project, tmp_path / "full", SearchCache(folder, reuse=False))
    assert stats.cached == 0 and full == fresh
    # Another version of the search code (or of the stemmer, Unicode's tables,
    # Python), which SEARCH_CODE digests: no entry's key matches.
    monkeypatch.setattr(search_cache, "SEARCH_CODE", b"another version")
    stats, other = index(project, tmp_path / "other", SearchCache(folder))
    assert stats.cached == 0 and other == fresh


def test_an_entry_decodes_only_under_its_own_key(tmp_path: Path) -> None:
    project = synthetic_project(tmp_path / "project", n=3)
    folder = tmp_path / "cache"
    index(project, tmp_path / "cold", SearchCache(folder))
    edition = load_edition(project)
    path = sorted(folder.glob(f"*{SUFFIX}"))[0]
    article = edition.articles[path.name[: -len(SUFFIX)]]
    data = path.read_bytes()
    assert decode(data, entry_key("not", "its", "inputs")) is None
    key = data[len(search_cache.MAGIC) + 32 : len(search_cache.MAGIC) + 64]
    entry = decode(data, key)
    assert entry is not None and entry.length > 0
    assert article.title.encode() in entry.record


def _entry(terms: int, keys: int, weights: np.ndarray) -> ArticleEntry:
    rng = np.random.default_rng(terms)
    firsts = np.sort(rng.integers(0, terms + 1, keys)) if terms else np.zeros(0, np.int64)
    return ArticleEntry(
        record=b'{"title":"T"}',
        rest=b'["r\\u00e9ste"]' if keys else b"",
        rest_chars=5 if keys else 0,
        length=keys,
        forms=[f"f{i}" for i in range(terms)],
        terms=[f"t{i}" for i in range(terms)],
        form_terms=np.arange(terms, dtype=np.int64),
        firsts=firsts,
        seconds=rng.integers(0, max(terms, 1), keys) if terms else np.zeros(0, np.int64),
        weights=weights,
        titles=rng.integers(0, 2, keys).astype(bool),
    )


@pytest.mark.parametrize(
    ("terms", "keys", "weights"),
    [
        (0, 0, np.zeros(0, np.float32)),  # an article with no word
        (70_000, 200_000, np.ones(200_000, np.float32)),  # ids past 16 bits
        (40, 300, np.full(300, 2.5, np.float32)),  # weights that are not whole
        (40, 300, np.full(300, 70_000.0, np.float32)),  # whole, past 16 bits
    ],
    ids=["empty", "wide", "fractional", "heavy"],
)
def test_an_entry_comes_back_as_it_went_in(terms: int, keys: int, weights: np.ndarray) -> None:
    entry = _entry(terms, keys, weights)
    key = entry_key("inputs")
    back = decode(encode(key, entry), key)
    assert back is not None
    for name in ("record", "rest", "rest_chars", "length", "forms", "terms"):
        assert getattr(back, name) == getattr(entry, name), name
    for name in ("form_terms", "firsts", "seconds", "weights", "titles"):
        mine, theirs = getattr(back, name), getattr(entry, name)
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs), name


def test_a_project_copied_to_another_folder_keeps_its_entries(tmp_path: Path) -> None:
    # No key holds a path (the body's file is in it by its digest): a project
    # restored from CI's or Netlify's cache to another folder reads every entry.
    project = synthetic_project(tmp_path / "project", n=12)
    index(project, tmp_path / "cold", SearchCache(project.root / ".cache" / "search"))
    copy = Project(tmp_path / "elsewhere")
    shutil.copytree(project.root, copy.root)
    stats, warm = index(copy, tmp_path / "warm", SearchCache(copy.root / ".cache" / "search"))
    assert stats.cached == stats.documents
    assert warm == index(copy, tmp_path / "fresh")[1]


# --- the merged state (merged.py) -----------------------------------------------------


def _differ(one: dict[str, bytes], two: dict[str, bytes]) -> list[str]:
    return sorted(set(one) ^ set(two)) + [n for n in sorted(one) if n in two and one[n] != two[n]]


def _write_paragraph(project: Project, article: int, text: str) -> None:
    path = sorted((project.content / "articles").glob("*.md"))[article]
    path.write_text(path.read_text("utf-8") + f"\n{text}\n", "utf-8")


def _replace_in_an_article(project: Project, old: str, new: str) -> None:
    """``old`` replaced by ``new`` in the first article that holds it."""
    for path in (project.content / "articles").glob("*.md"):
        text = path.read_text("utf-8")
        if old in text:
            path.write_text(text.replace(old, new), "utf-8")
            return
    raise AssertionError(f"no article holds {old!r}")


def swap_form(project: Project) -> None:
    """One word for another form of its stem, once: the article's postings are the
    same (same stem, same count, same length), only its forms differ."""
    _replace_in_an_article(project, "Zebras graze.", "Zebra graze.")


def forms_to_swap(project: Project) -> None:
    # "zebra" written two ways in the archive, so its stem's entry lists its forms.
    _write_paragraph(project, 6, "Zebras graze.")
    _write_paragraph(project, 7, "Zebra grazed.")


def unedit_body(project: Project) -> None:
    """The body edit undone: the article's entry is the base build's again."""
    _replace_in_an_article(project, "\nAn editor's added paragraph.\n", "")


FIXED_SHARDS = {"PARTITION_DOCUMENTS": 8, "SHARD_POSTINGS": 10**9}


@pytest.mark.parametrize(
    "settings",
    [
        {},
        FIXED_SHARDS,
        {**FIXED_SHARDS, "OVERLAY_ARTICLES": 0},
        {"PARTITION_DOCUMENTS": 8, "SHARD_POSTINGS": 40},
    ],
    # With the bench's settings a deletion or a new article changes the number of
    # shards of 30 articles (then every entry is merged again); the second keeps
    # four partitions and one shard each, so every edit is applied to the state,
    # the rows of the articles changed since the first build kept in its overlay;
    # the third writes the partitions again at every rebuild; the fourth has
    # hundreds of small shards, most of which an article's words miss (those
    # that hold only articles renumbered by another's new date).
    ids=["bench", "fixed-shards", "no-overlay", "small-shards"],
)
def test_a_rebuild_from_the_merged_state_is_the_full_index_edit_by_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: dict[str, int]
) -> None:
    for name, value in settings.items():
        monkeypatch.setattr(search_index, name, value)
    project = synthetic_project(tmp_path / "project")
    forms_to_swap(project)
    folder = tmp_path / "cache"
    previous = tmp_path / "cold"
    index(project, previous, SearchCache(folder))
    for step, (edit, made) in enumerate([*EDITS, (swap_form, 1), (unedit_body, 1)]):
        edit(project)
        _, fresh = index(project, tmp_path / f"fresh-{step}")
        lent = tree(previous / BUNDLE)
        stats, warm = index(project, tmp_path / f"warm-{step}", SearchCache(folder), previous)
        assert _differ(warm, fresh) == [], edit.__name__
        assert stats.documents - stats.cached == made, edit.__name__
        # The previous bundle lent its files and is as it was: a reader still on
        # the old meta.json reads the old index whole.
        assert tree(previous / BUNDLE) == lent, edit.__name__
        if settings.get("SHARD_POSTINGS") == FIXED_SHARDS["SHARD_POSTINGS"]:
            assert stats.linked > 0, edit.__name__  # made from the state
        previous = tmp_path / f"warm-{step}"


def test_a_changed_form_is_seen_though_its_postings_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The comparison above can fail: a rebuild blind to the forms of the articles
    # it makes again would keep the stem's old forms list (its shard is linked).
    project = synthetic_project(tmp_path / "project", n=12)
    forms_to_swap(project)
    folder = tmp_path / "cache"
    index(project, tmp_path / "cold", SearchCache(folder))
    swap_form(project)
    _, fresh = index(project, tmp_path / "fresh")
    blind = tmp_path / "blind-cache"
    shutil.copytree(folder, blind)
    stats, warm = index(project, tmp_path / "warm", SearchCache(folder), tmp_path / "cold")
    assert stats.linked > 0 and _differ(warm, fresh) == []
    records = search_index._form_records
    monkeypatch.setattr(
        search_index, "_form_records", lambda forms, docs: records(forms[:0], docs[:0])
    )
    stats, stale = index(project, tmp_path / "stale", SearchCache(blind), tmp_path / "cold")
    assert stats.linked > 0 and [n for n in _differ(stale, fresh) if n.startswith("v/")]
    assert all(n.startswith(("meta.json", "v/")) for n in _differ(stale, fresh))


def _state_parts(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / merged.STATE).iterdir() if p.name != "head")


@pytest.mark.parametrize("damage", ["flipped", "torn", "head"])
def test_a_torn_or_corrupt_state_is_not_used(tmp_path: Path, damage: str) -> None:
    project = synthetic_project(tmp_path / "project", n=12)
    folder = tmp_path / "cache"
    index(project, tmp_path / "cold", SearchCache(folder))
    edit_body(project)
    _, fresh = index(project, tmp_path / "fresh")
    part = _state_parts(folder)[0]
    data = bytearray(part.read_bytes())
    if damage == "flipped":
        data[1] ^= 0x01  # the first key's second byte: another term
        part.write_bytes(bytes(data))
    elif damage == "torn":
        part.write_bytes(bytes(data[: len(data) // 2]))
    else:
        head = folder / merged.STATE / "head"
        head.write_bytes(head.read_bytes()[:-10])
    stats, warm = index(project, tmp_path / "warm", SearchCache(folder), tmp_path / "cold")
    assert stats.linked == 0  # every entry merged, nothing lent
    assert _differ(warm, fresh) == []
    # And the state was written again, whole: the next rebuild uses it.
    edit_title(project)
    _, fresh = index(project, tmp_path / "fresh-2")
    stats, warm = index(project, tmp_path / "warm-2", SearchCache(folder), tmp_path / "warm")
    assert stats.linked > 0 and _differ(warm, fresh) == []


def test_a_lent_file_that_changed_since_it_was_written_is_made_again(tmp_path: Path) -> None:
    project = synthetic_project(tmp_path / "project", n=12)
    folder = tmp_path / "cache"
    index(project, tmp_path / "cold", SearchCache(folder))
    bundle = tmp_path / "cold" / BUNDLE
    data = next(bundle.glob("v/*/r")) / "0.json"
    stat = data.stat()
    text = data.read_bytes()
    data.write_bytes(text.replace(b'"url"', b'"URL"'))  # same size, other bytes
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    edit_body(project)
    _, fresh = index(project, tmp_path / "fresh")
    stats, warm = index(project, tmp_path / "warm", SearchCache(folder), tmp_path / "cold")
    assert stats.linked > 0 and _differ(warm, fresh) == []


def test_a_stale_merged_state_is_let_go_before_the_full_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the merged state proves stale, the full merge that follows does not
    hold its head (every article's slug, key and place, every term and form)."""
    import gc
    import weakref

    project = synthetic_project(tmp_path / "project")
    folder = tmp_path / "cache"
    index(project, tmp_path / "first", SearchCache(folder))
    loaded: list[weakref.ref[merged.Head]] = []
    real_load, real_full = merged.load, search_index._full

    def loading(*args: object, **kwargs: object) -> merged.Head | None:
        head = real_load(*args, **kwargs)  # type: ignore[arg-type]
        assert head is not None
        loaded.append(weakref.ref(head))
        return head

    def stale(*args: object, **kwargs: object) -> SearchStats:
        raise merged.Stale("as after a change the state does not cover")

    def full(*args: object, **kwargs: object) -> SearchStats:
        gc.collect()
        assert loaded and loaded[0]() is None, "the stale state is still held"
        return real_full(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(merged, "load", loading)
    monkeypatch.setattr(search_index, "_rebuild", stale)
    monkeypatch.setattr(search_index, "_full", full)
    _, again = index(project, tmp_path / "again", SearchCache(folder))
    _, fresh = index(project, tmp_path / "fresh")
    assert again == fresh


def test_a_rebuild_that_can_lend_nothing_holds_only_the_entries_it_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A previous bundle out of step with the merged state (gone, or not the one
    the state was made with) lends no file: every record is written again from its
    article's entry. Each entry is let go once written, all but those of the
    articles made again: holding them all was the whole archive's entries at once,
    11.6 GB in the search index's process at 100,000 articles."""
    import gc
    import weakref

    project = synthetic_project(tmp_path / "project", n=12)
    folder = tmp_path / "cache"
    index(project, tmp_path / "cold", SearchCache(folder))
    edit_body(project)
    read: list[weakref.ref[ArticleEntry]] = []
    real_get, real_facets = SearchCache.get, search_index._write_facets

    def get(self: SearchCache, slug: str, key: bytes) -> ArticleEntry | None:
        entry = real_get(self, slug, key)
        if entry is not None:
            read.append(weakref.ref(entry))
        return entry

    held: list[int] = []

    def facets(*args: object) -> None:  # after every record and block is written
        gc.collect()
        held.append(sum(ref() is not None for ref in read))
        real_facets(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchCache, "get", get)
    monkeypatch.setattr(search_index, "_write_facets", facets)
    stats, warm = index(project, tmp_path / "warm", SearchCache(folder), tmp_path / "gone")
    _, fresh = index(project, tmp_path / "fresh")
    assert stats.linked == 0 and _differ(warm, fresh) == []
    assert len(read) >= 11  # every unchanged article's entry was read for its record
    assert held[0] == 0  # (the edited article's entry was made, not read)


def mean_length(folder: Path) -> float:
    """The mean length the merged state in the cache ``folder`` was scored with."""
    head = merged.load(folder / merged.STATE, search_index.SEARCH_CODE)
    assert head is not None
    return search_index._mean(np.array(head.lengths, np.float32))


def test_a_rebuild_scores_only_the_rows_it_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit that leaves the archive's mean length in whole words as it was
    leaves every other article's impacts as they were: the rebuild makes the
    impacts of the rows it writes (the shards an edited article's words fall in),
    not of every row of every partition, and gives the full index's bytes."""
    monkeypatch.setattr(search_index, "PARTITION_DOCUMENTS", 8)
    monkeypatch.setattr(search_index, "SHARD_POSTINGS", 40)
    project = synthetic_project(tmp_path / "project", n=12)
    folder = tmp_path / "cache"
    index(project, tmp_path / "cold", SearchCache(folder))
    before = mean_length(folder)
    _write_paragraph(project, 3, "Addendum.")  # one word more
    scored_rows: list[int] = []
    impact_rows: list[int] = []
    real_score, real_impacts = search_index._score, search_index._impacts

    def score(rows: search_index._Rows, *args: object, **kwargs: object) -> object:
        scored_rows.append(len(rows.key))
        return real_score(rows, *args, **kwargs)  # type: ignore[arg-type]

    def impacts(weight: np.ndarray, *args: object) -> np.ndarray:
        impact_rows.append(len(weight))
        return real_impacts(weight, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(search_index, "_score", score)
    monkeypatch.setattr(search_index, "_impacts", impacts)
    stats, warm = index(project, tmp_path / "warm", SearchCache(folder), tmp_path / "cold")
    assert mean_length(folder) == before
    assert 0 < sum(impact_rows) < sum(scored_rows) / 2
    _, fresh = index(project, tmp_path / "fresh")
    assert stats.linked > 0 and _differ(warm, fresh) == []


def test_documents_are_in_date_order_then_by_slug_whatever_the_edition_s_order(
    tmp_path: Path,
) -> None:
    """The documents' numbers are their places in (date, slug) order, web-only
    pieces (no date) first, however the edition happens to hold its articles."""
    import random

    project = synthetic_project(tmp_path / "project", n=30)
    edition = load_edition(project)
    slugs_in_order = list(edition.articles)
    random.Random(5).shuffle(slugs_in_order)
    edition.articles = {slug: edition.articles[slug] for slug in reversed(slugs_in_order)}
    documents = search_index.search_documents(edition)
    order = [(d.date, d.slug) for d in documents]
    assert order == sorted(order)
    assert len({d.date for d in documents}) < len(documents)  # equal dates, ordered by slug
