"""`make bench` runs, at a small N, so that it cannot rot (it asserts that it works,
not how fast: speed targets live in the benchmark's own figures)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_bench(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m generator bench ARGS``, one run of each step, no settling, its
    table written to ``out``."""
    command = [sys.executable, "-m", "generator", "bench", *args]
    return subprocess.run(
        [*command, "--repeats", "1", "--settle", "0", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_bench_runs_end_to_end_and_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = run_bench(out, "40")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "build/plain" in result.stdout
    [row] = json.loads(out.read_text("utf-8"))
    assert row["n"] == 40
    assert row["articles"] == 40
    assert row["pages"] > row["articles"]
    for key in (
        "ingest_s",
        "ingest_cpu_s",
        "build_s",
        "rebuild_one_edit_s",
        "plain_mkdocs_s",
        "peak_mb",
        "build_no_search_s",
        "search_query_kb",
        "pagefind_index_s",
        "pagefind_query_kb",
        "variant_ingest_articles_per_s",
    ):
        assert row[key] > 0, key
    # Issue 17's columns: incremental rebuilds and shards give a full build's bytes.
    assert row["rebuild_one_identical"] is True
    assert row["rebuild_fifty_identical"] is True
    assert row["shards_identical"] is True
    assert len(row["shard_s"]) == row["shards"] == 4
    for key in (
        "tree_pss_mb",
        "rebuild_fifty_edits_s",
        "merge_s",
        "shard_pss_mb",
        "first_visit_kb",
        "hugo_s",
        "over_hugo",
    ):
        assert row[key] > 0, key
    # A first visit fetches the page and the theme's script and styles (Material's
    # bundle alone is over 30 kB compressed): a not-found answer was 0.2 kB, when
    # the bench visited an article's .bib file as if it were its page.
    assert row["first_visit_kb"] > 30
    # Issue 18: the search index's CPU, and its share of the same build's CPU.
    assert row["search_cpu_s"] > 0
    assert 0 < row["search_cpu_share"] < 1
    # Issue 15: related reading and redirects, measured in-process, as a share.
    assert row["related_redirects_s"] >= 0
    assert 0 <= row["related_redirects_share"] < 0.5
    # The summed PSS of the build's processes is at least its largest process's.
    assert row["tree_pss_mb"] >= 0.5 * row["peak_mb"]
    # The known-item relevance of both engines, on an archive of the bench's size.
    relevance = json.loads((out.parent / "relevance.json").read_text("utf-8"))
    assert {r["engine"] for r in relevance} == {"edition", "pagefind"}
    assert "relevance: 40 articles" in result.stdout
    # A second ingest of unchanged sources replays its report instead of parsing.
    assert row["noop_ingest_s"] < row["ingest_s"] + 1.0
    # Issue 16: builds with and without the EPUBs, and the EPUB workers' own CPU.
    epub = row["epub"]
    assert epub["pairs"] == 1 and epub["build_s"] > 0 and epub["no_epub_s"] > 0
    assert 0 < epub["epub_cpu_s"] < epub["build_cpu_s"]
    assert 0 < epub["cpu_share"] < 1
    assert "EPUB CPU share" in result.stdout


def test_bench_epub_only_reports_what_the_books_add(tmp_path: Path) -> None:
    out = tmp_path / "epub.json"
    result = run_bench(out, "30", "--parts-only")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "CPU share" in result.stdout
    [row] = json.loads(out.read_text("utf-8"))
    assert row["n"] == 30 and row["pairs"] == 1
    assert row["build_s"] > 0 and row["no_epub_s"] > 0
    assert 0 < row["epub_cpu_s"] < row["build_cpu_s"]
    # Issue 15's share on the same first build.
    assert 0 <= row["related_cpu_s"] < row["build_cpu_s"]
    assert 0 <= row["related_share"] < 0.5
