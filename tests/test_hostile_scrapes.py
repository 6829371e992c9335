"""Hostile scrapes: whatever a raw file holds, ingest is linear in its size and
either writes an article that ``check`` accepts or says why it does not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from devtools.bench import wrapped_scrape
from generator.content.body import body_text
from generator.content.check import check_all
from generator.ingest.scrape import TERMINAL, _join_lines


def _join_lines_by_rereading(lines: list[str]) -> list[list[str]]:
    """The joiner's rules written the plain way (quadratic: every line re-reads the
    paragraph so far), against which the linear one is held."""
    paragraphs: list[list[str]] = [[lines[0]]]
    for line in lines[1:]:
        current = paragraphs[-1]
        previous = current[-1]
        so_far = " ".join(current)
        open_quotes = so_far.count("“") - so_far.count("”") + so_far.count('"') % 2
        cut_mid_sentence = not previous.endswith(TERMINAL) and len(previous) >= 100
        if line[:1].islower() or open_quotes > 0 or cut_mid_sentence:
            current[-1] = f"{previous} {line}"
        elif len(previous) >= 100:
            paragraphs.append([line])
        else:
            current.append(line)
    return paragraphs


LINE = st.lists(
    st.sampled_from(["a", "B", "“", "”", '"', ".", " ", "x" * 40, "Y" * 99, "?", ")", "é"]),
    min_size=1,
    max_size=6,
).map(lambda parts: "".join(parts).strip() or "z")


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=12))
def test_the_linear_joiner_joins_as_the_rules_say(lines: list[str]) -> None:
    assert _join_lines(lines) == _join_lines_by_rereading(lines)


def test_100000_wrapped_lines_ingest_in_seconds_not_minutes(tmp_path: Path) -> None:
    """A hang guard, not a benchmark (make bench measures it: about 1 s): the
    quadratic joiner took 13.7 s for 64,000 lines, so about 35 s for these."""
    wrapped_scrape(tmp_path / "sources")
    sources, content = tmp_path / "sources", tmp_path / "content"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "ingest", sources, "--content", content, "--quiet"],
        capture_output=True,
        text=True,
        timeout=25,
    )
    assert "Traceback" not in result.stderr
    checked = check_all(tmp_path / "content")
    assert checked.problems == ()
    (article,) = [a for a in checked.articles if a.title == "I am every woman"]
    assert body_text(article.body).count("and it went on") == 100_000


SEED = Path(__file__).resolve().parent.parent / "content" / "sources" / "000_16a189a49fb77abf.txt"


def test_an_issue_date_no_build_can_stamp_is_rejected_by_ingest_not_written(
    tmp_path: Path,
) -> None:
    sources = tmp_path / "content" / "sources"
    (sources / "a").mkdir(parents=True)
    (sources / "b").mkdir()
    text = SEED.read_text("utf-8").replace("07 March 2011 issue", "07 March 2107 issue")
    (sources / "a" / "far.txt").write_text(text, "utf-8")
    # Two rejected files of one name, in two folders: each named by its path.
    (sources / "a" / "same.txt").write_bytes(b"\x00\x01\x02binary")
    (sources / "b" / "same.txt").write_bytes(b"\x00\x01\x02binary")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "ingest", sources, "--content", tmp_path / "content"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert (
        "rejected content/sources/a/far.txt: 'I am every woman': issue date 2107-03-07 "
        "is not between 1913 and 2100; not ingested"
    ) in result.stderr
    assert "rejected content/sources/a/same.txt: " in result.stderr
    assert "rejected content/sources/b/same.txt: " in result.stderr
    checked = check_all(tmp_path / "content")
    assert checked.problems == ()
    assert "I am every woman" not in [a.title for a in checked.articles]
    assert checked.articles  # the file's other article, dated 2017, is written


def test_ingest_reads_no_clock() -> None:
    """Same scrape, same article, whenever it is ingested: two-digit years resolve
    against the article's own issue date (generator/ingest/cues.py), never today."""
    import ast

    root = Path(__file__).resolve().parent.parent / "generator"
    clocks = []
    for path in [*(root / "ingest").glob("*.py"), *(root / "content").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("today", "now", "utcnow"):
                clocks.append(f"{path.name}:{node.lineno}")
    assert clocks == []


def test_a_timeline_year_0000_is_an_unread_cue_not_a_date_check_refuses(tmp_path: Path) -> None:
    seed = SEED.parent / "002_fa0455f2c0754cb9.txt"
    text = seed.read_text("utf-8").replace("• 01.01.2008 Seven", "• 0000 Seven", 1)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "zero.txt").write_text(text, "utf-8")
    sources, content = tmp_path / "sources", tmp_path / "content"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "ingest", sources, "--content", content],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "unread cue zero.txt:51: looks like a timeline: '0000' is not a date" in result.stderr
    checked = check_all(tmp_path / "content")
    assert not [p for p in checked.problems if p.field.startswith("timelines")]
