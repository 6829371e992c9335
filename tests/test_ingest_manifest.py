"""A second ingest of unchanged inputs replays the first one's report, and says the
same things about each article (an editor's article stays "kept")."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from devtools.synth import synthesize
from generator.ingest import pipeline as ingest_module
from generator.ingest.pipeline import (
    MANIFEST_NAME,
    IngestReport,
    _digest,
    _identity_digest,
    _read_identity,
    ingest,
)

SEEDS = Path(__file__).resolve().parent.parent / "content" / "sources"


def test_unchanged_inputs_replay_the_report_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    first = ingest([SEEDS], content)
    assert first.count("written") == 6
    assert (content / MANIFEST_NAME).exists()
    edited = content / "articles" / "the-facade-cracks.md"
    edited.write_text(edited.read_text("utf-8") + "\nAn editor's line.\n", "utf-8")
    second = ingest([SEEDS], content)
    assert second.count("kept") == 1 and second.count("unchanged") == 5

    _forbid_reading(monkeypatch)
    third = ingest([SEEDS], content)
    assert [(o.slug, o.status) for o in third.outcomes] == [
        (o.slug, o.status) for o in second.outcomes
    ]
    assert third.summary_counts() == second.summary_counts()


def test_a_changed_source_is_ingested_again(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    content = tmp_path / "content"
    ingest([sources], content)
    (sources / "extra.txt").write_bytes(b"")
    report = ingest([sources], content)
    assert report.rejected == [("sources/extra.txt", "the file is empty")]


# --- an editor's change, judged without the sources -------------------------------------


def _statuses(report: IngestReport) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(o.slug, o.status, o.sources) for o in report.outcomes]


def _full_ingest(content: Path, tmp_path: Path, sources: Path = SEEDS) -> IngestReport:
    """What an ingest that reads every source says of a copy of ``content``."""
    copy = tmp_path / "full-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(content, copy)
    (copy / MANIFEST_NAME).unlink()
    return ingest([sources], copy)


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item for each ingest from now on that reads the sources."""
    reads: list[int] = []
    real_read_all = ingest_module.read_all

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        return real_read_all(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "read_all", counted)
    return reads


def _forbid_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(*args: object, **kwargs: object) -> object:
        raise AssertionError("this ingest must not read the sources")

    monkeypatch.setattr(ingest_module, "read_all", no_parsing)


def test_what_ingest_left_is_what_each_file_holds(tmp_path: Path) -> None:
    """The manifest's digests of each article's text and identity are the ones its
    file gives when read back: on the seeds and on a synthetic archive with two-dump
    files, duplicates across files and articles with no issue."""
    sources = tmp_path / "synthetic"
    synthesize(40, sources, seed=3)
    for folder in (SEEDS, sources):
        content = tmp_path / f"content-{folder.name}"
        report = ingest([folder], content)
        left = json.loads((content / MANIFEST_NAME).read_text("utf-8"))["left"]
        assert sorted(left) == sorted(o.slug for o in report.outcomes)
        for outcome in report.outcomes:
            path = content / "articles" / f"{outcome.slug}.md"
            text_digest, identity_digest = left[outcome.slug]
            assert _digest(path.read_text("utf-8")) == text_digest, outcome.slug
            assert _identity_digest(_read_identity(path)) == identity_digest, outcome.slug


def test_an_edited_article_is_judged_without_reading_the_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    ingest([SEEDS], content)
    edited = content / "articles" / "the-facade-cracks.md"
    pristine = edited.read_text("utf-8")
    edited.write_text(pristine + "\nAn editor's added paragraph.\n", "utf-8")
    full = _full_ingest(content, tmp_path)

    with monkeypatch.context() as patch:
        _forbid_reading(patch)
        replayed = ingest([SEEDS], content)
    assert _statuses(replayed) == _statuses(full)
    assert dict((o.slug, o.status) for o in replayed.outcomes)["the-facade-cracks"] == "kept"
    assert edited.read_text("utf-8") != pristine  # the editor's change stays

    # The editor undoes the change: the article is ingest's own again.
    edited.write_text(pristine, "utf-8")
    full = _full_ingest(content, tmp_path)
    with monkeypatch.context() as patch:
        _forbid_reading(patch)
        replayed = ingest([SEEDS], content)
    assert _statuses(replayed) == _statuses(full)
    assert replayed.count("unchanged") == 6


def test_a_changed_identity_or_a_deleted_article_reads_the_sources_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor who changes an article's issue date or sources, or deletes or adds
    an article, can change which file each source's article is matched to: only a
    full ingest can say."""
    content = tmp_path / "content"
    ingest([SEEDS], content)
    articles = content / "articles"
    reads = _count_reads(monkeypatch)
    redated = articles / "the-facade-cracks.md"
    text = redated.read_text("utf-8")
    old_date = re.search(r"^  date: (\S+)$", text, re.MULTILINE)
    assert old_date is not None
    redated.write_text(text.replace(old_date.group(0), "  date: 1999-01-01", 1), "utf-8")
    full = _full_ingest(content, tmp_path)
    reads.clear()
    assert _statuses(ingest([SEEDS], content)) == _statuses(full)
    assert reads

    reads.clear()
    (articles / "the-facade-cracks.md").unlink()
    report = ingest([SEEDS], content)
    assert reads and report.count("written") >= 1


def test_a_fresh_clone_with_the_manifest_replays_by_the_files_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clone (or CI's checkout with the manifest restored from its cache) gives
    every source and article a new time and the same bytes: the ingest is replayed,
    not parsed again; a source whose bytes changed is read again."""
    import os

    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    content = tmp_path / "content"
    ingest([sources], content)
    first = ingest([sources], content)  # what an ingest of the same sources says
    assert first.count("unchanged") == len(first.outcomes) > 0
    later = 2_000_000_000
    for path in [*sources.iterdir(), *(content / "articles").iterdir()]:
        # New times and a new ctime, as a checkout writes every file anew.
        path.write_bytes(path.read_bytes())
        os.utime(path, (later, later))
    with monkeypatch.context() as patch:
        _forbid_reading(patch)
        replayed = ingest([sources], content)
    assert _statuses(replayed) == _statuses(first)
    # The new stats were saved: the next ingest compares no bytes at all.
    monkeypatch.setattr(ingest_module, "_bytes_digest", None)
    with monkeypatch.context() as patch:
        _forbid_reading(patch)
        assert _statuses(ingest([sources], content)) == _statuses(first)
    monkeypatch.undo()
    # One byte more in a source: its article is read again.
    changed = sorted(sources.iterdir())[0]
    changed.write_bytes(changed.read_bytes() + b"\n")
    reads = _count_reads(monkeypatch)
    ingest([sources], content)
    assert reads == [1]


def test_a_few_edits_leave_the_manifest_as_it_was_and_are_judged_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replay after an editor's change does not write the whole manifest again
    (it grows with the archive): the next replay judges the edited file again and
    says the same. Past ``_judged_again`` edited files, the manifest is written."""
    content = tmp_path / "content"
    ingest([SEEDS], content)
    manifest = content / MANIFEST_NAME
    before = manifest.read_bytes()
    edited = content / "articles" / "the-facade-cracks.md"
    edited.write_text(edited.read_text("utf-8") + "\nAn editor's line.\n", "utf-8")
    _forbid_reading(monkeypatch)
    for _ in range(2):
        report = ingest([SEEDS], content)
        assert report.count("kept") == 1 and report.count("unchanged") == 5
        assert manifest.read_bytes() == before
    monkeypatch.setattr(ingest_module, "_judged_again", lambda articles: 0)
    assert ingest([SEEDS], content).count("kept") == 1
    assert manifest.read_bytes() != before
    monkeypatch.setattr(ingest_module, "_status_now", None)  # nothing left to judge
    assert ingest([SEEDS], content).count("kept") == 1
