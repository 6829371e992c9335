"""A second ingest of unchanged inputs replays the first one's report, and says the
same things about each article (an editor's article stays "kept")."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator import ingest as ingest_module
from generator.ingest import MANIFEST_NAME, ingest

SEEDS = Path(__file__).resolve().parent.parent / "content" / "sources"


def test_unchanged_inputs_replay_the_report_without_parsing(
    tmp_path: Path, monkeypatch: object
) -> None:
    content = tmp_path / "content"
    first = ingest([SEEDS], content)
    assert first.count("written") == 6
    assert (content / MANIFEST_NAME).exists()
    edited = content / "articles" / "the-facade-cracks.md"
    edited.write_text(edited.read_text("utf-8") + "\nAn editor's line.\n", "utf-8")
    second = ingest([SEEDS], content)
    assert second.count("kept") == 1 and second.count("unchanged") == 5

    def no_parsing(*args: object, **kwargs: object) -> object:
        raise AssertionError("a replayed ingest must not read the sources")

    monkeypatch.setattr(ingest_module, "read_all", no_parsing)  # type: ignore[attr-defined]
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
    assert report.rejected == [("extra.txt", "the file is empty")]
