"""Ingest in worker processes (many files) does exactly what ingest in one process does.

The seeds are too few to start workers, so these tests use a small synthetic
archive, with its duplicates across files and bad files, and compare every byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools.synth import synthesize
from generator import atomic
from generator.ingest import pipeline as ingest_module
from generator.ingest.pipeline import IngestReport, ingest

N = 80


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "raw"
    synthesize(N, out, 7)
    # Bad files among the good ones: each shard must report its own.
    (out / "000_empty.txt").write_bytes(b"")
    (out / "500_binary.txt").write_bytes(b"\x00\x01" * 100)
    return out


def _run(
    monkeypatch: pytest.MonkeyPatch, workers: int, sources: Path, content: Path, **kw: bool
) -> IngestReport:
    monkeypatch.setattr(ingest_module, "_workers", lambda files: workers)
    return ingest([sources], content, **kw)


def _files(content: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((content / "articles").iterdir())}


def test_workers_write_what_one_process_writes(
    tmp_path: Path, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = _run(monkeypatch, 1, archive, tmp_path / "one")
    two = _run(monkeypatch, 2, archive, tmp_path / "two")
    three = _run(monkeypatch, 3, archive, tmp_path / "three")
    assert one.duplicates > 0 and one.rejected and len(one.rejected) == 2
    assert one.count("written") == N
    reports = [
        json.dumps(r.to_json()).replace(f"/{name}/", "/x/")
        for r, name in ((one, "one"), (two, "two"), (three, "three"))
    ]
    assert reports[0] == reports[1] == reports[2]
    assert _files(tmp_path / "one") == _files(tmp_path / "two") == _files(tmp_path / "three")


def test_workers_keep_edits_and_add_new_sources(
    tmp_path: Path, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    _run(monkeypatch, 2, archive, content)
    edited = sorted((content / "articles").glob("*.md"))[3]
    edited.write_text(edited.read_text("utf-8") + "\nAn editor's line.\n", "utf-8")
    again = _run(monkeypatch, 2, archive, content)
    assert [o.slug for o in again.outcomes if o.status == "kept"] == [edited.stem]
    assert again.count("unchanged") == N - 1
    forced = _run(monkeypatch, 2, archive, content, force=True)
    assert [o.slug for o in forced.outcomes if o.status == "overwritten"] == [edited.stem]
    assert "An editor's line." not in edited.read_text("utf-8")


def test_a_failing_worker_fails_the_ingest_and_leaves_no_temporary_files(
    tmp_path: Path, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    real_replace = atomic.os.replace
    calls = iter(range(10**6))

    def failing_replace(src: str, dst: str) -> None:
        # The workers are forked with this patch: each fails on its fifth article.
        if next(calls) == 4:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        _run(monkeypatch, 2, archive, content)
    assert [p.name for p in (content / "articles").iterdir() if not p.name.endswith(".md")] == []
