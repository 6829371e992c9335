"""The synthetic archive: deterministic, counted right, and carrying every cue of the seeds."""

from __future__ import annotations

import codecs
import re
import statistics
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from devtools import synth
from devtools.synth import (
    MAX_WORDS,
    MIN_WORDS,
    SynthArticle,
    SynthFile,
    SynthSummary,
    bad_file_count,
    expected_titles,
    plan_articles,
    plan_files,
    render_article,
    synthesize,
    writer_count,
)

N = 600
SEED = 3
PROVENANCE = re.compile(
    r"^This article first appeared in the (\d\d \w+ \d{4}) issue of the New Statesman, (.+)$",
    re.M,
)
BULLET = re.compile(r"^  • (\d\d)\.(\d\d)\.(\d\d|\d{4}) \S")


class Archive:
    def __init__(self, out: Path, summary: SynthSummary) -> None:
        self.out = out
        self.summary = summary
        self.articles: list[SynthArticle] = plan_articles(N, SEED)
        self.files: list[SynthFile] = plan_files(N, SEED, self.articles)
        self.dumps = [render_article(a, SEED) for a in self.articles]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    out = tmp_path_factory.mktemp("synth") / "raw"
    return Archive(out, synthesize(N, out, SEED))


def decode(data: bytes) -> str:
    # The rule the ingest uses: BOM, then UTF-8, then Windows-1252.
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def normalise(text: str) -> str:
    """Undo the whitespace variations a duplicate may carry."""
    text = text.replace("\r\n", "\n")
    text = "\n".join(line.rstrip(" ") for line in text.split("\n"))
    return text.replace("\n\n\n", "\n\n").removesuffix("\n")


def blocks(dump: str) -> list[str]:
    return dump.split("\n\n")


def words(text: str) -> int:
    return len(text.split())


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    first = synthesize(120, tmp_path / "a", seed=11)
    second = synthesize(120, tmp_path / "b", seed=11)
    assert first == second
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    other = synthesize(120, tmp_path / "c", seed=12)
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) != names
    assert other.articles == 120


def test_rerun_into_the_same_directory_is_allowed_but_strangers_are_not(tmp_path: Path) -> None:
    out = tmp_path / "raw"
    synthesize(30, out, seed=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    synthesize(30, out, seed=1)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    (out / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        synthesize(30, out, seed=1)


def test_tiny_archives(tmp_path: Path) -> None:
    assert synthesize(0, tmp_path / "zero") == SynthSummary(0, 0, 0, 0, 0, 0, 0)
    one = synthesize(1, tmp_path / "one")
    assert (one.files, one.articles, one.page_dumps, one.duplicates) == (1, 1, 1, 0)
    with pytest.raises(ValueError):
        synthesize(-1, tmp_path / "minus")


def test_file_names_look_like_the_seeds(archive: Archive) -> None:
    names = sorted(p.name for p in archive.out.iterdir())
    assert names == [f.name for f in archive.files]
    assert all(re.fullmatch(r"\d{6}_[0-9a-f]{16}\.txt", name) for name in names)
    assert [int(name[:6]) for name in names] == list(range(len(names)))


def test_files_hold_exactly_the_planned_dumps(archive: Archive) -> None:
    for f in archive.files:
        if f.bad:
            continue
        text = decode((archive.out / f.name).read_bytes())
        assert normalise(text) == "\n\n".join(archive.dumps[i] for i in f.dumps), f.name


def test_summary_counts_match_the_files(archive: Archive) -> None:
    s, files, arts = archive.summary, archive.files, archive.articles
    assert s.files == len(list(archive.out.iterdir())) == len(files)
    assert s.articles == N
    good = [f for f in files if not f.bad]
    assert s.page_dumps == sum(len(f.dumps) for f in good)
    assert s.duplicates == s.page_dumps - N
    assert s.bad_files == len(files) - len(good) == bad_file_count(N)
    assert s.issues == len({a.issue_date for a in arts if a.issue_date})
    assert s.authors == len({a.author for a in arts if a.author})

    # Counted from the bytes alone, not from the plan.
    texts = [normalise(decode((archive.out / f.name).read_bytes())) for f in good]
    titles = set(expected_titles(N, SEED))
    title_lines = sum(1 for t in texts for line in t.split("\n") if line in titles)
    assert title_lines == s.page_dumps
    markers = sum(t.count("\nShow Hide image\n") + t.startswith("Show Hide image\n") for t in texts)
    assert markers == sum(arts[i].marker for f in good for i in f.dumps)
    provenance = sum(len(PROVENANCE.findall(t)) for t in texts)
    assert provenance == sum(arts[i].issue_date is not None for f in good for i in f.dumps)

    # Every article opens at least one good file; the rest of the dumps are repeats.
    assert {f.dumps[0] for f in good} == set(range(N))
    assert 0.7 * N < s.duplicates < 1.1 * N


def test_bad_files_are_rare_and_unusable(archive: Archive) -> None:
    bad = [f for f in archive.files if f.bad]
    assert len(bad) == max(1, round(N / 500))
    assert bad_file_count(99) == 0 and bad_file_count(100) == 1 and bad_file_count(10_000) == 20
    for f in bad:
        data = (archive.out / f.name).read_bytes()
        if f.bad in ("empty", "blank"):
            assert not data.strip()
        elif f.bad == "binary":
            assert b"\x00" in data[:512]
        else:
            text = data.decode("utf-8")
            assert "Show Hide image" not in text and not PROVENANCE.search(text)
            assert words(text) < 40


def test_encodings_and_whitespace_vary(archive: Archive) -> None:
    raw = {f.name: (archive.out / f.name).read_bytes() for f in archive.files if not f.bad}
    assert sum(data.startswith(codecs.BOM_UTF8) for data in raw.values()) >= 3
    cp1252 = []
    for data in raw.values():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            cp1252.append(data)
    assert len(cp1252) >= 3
    assert sum(b"\r\n" in data for data in raw.values()) >= 3
    assert any(re.search(rb"[^ \r\n] +\r?\n", data) for data in raw.values())
    assert sum(not data.endswith(b"\n") for data in raw.values()) > 0.8 * len(raw)


def test_word_counts(archive: Archive) -> None:
    targets = [a.target_words for a in archive.articles]
    assert min(targets) >= MIN_WORDS and max(targets) <= MAX_WORDS
    assert 1500 <= statistics.median(targets) <= 2500
    assert sum(1500 <= t <= 2500 for t in targets) > 0.4 * N
    for article, dump in zip(archive.articles, archive.dumps, strict=True):
        kept = [b for b in blocks(dump) if not PROVENANCE.match(b) and "Show Hide image" not in b]
        assert MIN_WORDS <= words("\n".join(kept)) <= MAX_WORDS, article.index


def test_issues_are_weekly_mondays_with_covers(archive: Archive) -> None:
    arts = archive.articles
    printed = [a for a in arts if a.issue_date]
    assert all(a.issue_date.weekday() == 0 for a in printed if a.issue_date)
    assert all(a.issue_date.year <= 2017 for a in printed if a.issue_date)
    issues = Counter(a.issue_date for a in printed)
    assert 12 <= statistics.mean(issues.values()) <= 18
    for dump in archive.dumps:
        for when, cover in PROVENANCE.findall(dump):
            assert datetime.strptime(when, "%d %B %Y").weekday() == 0
            assert cover.strip() == cover and cover
    assert sum(a.issue_date is None for a in arts) / N == pytest.approx(0.05, abs=0.03)


def test_titles_writers_and_bylines(archive: Archive) -> None:
    arts = archive.articles
    titles = [a.title for a in arts]
    assert titles == expected_titles(N, SEED)
    repeated = [t for t, count in Counter(titles).items() if count > 1]
    assert 1 <= len(repeated) <= 6
    keys = {synth._slug_key(t) for t in titles}
    assert len(keys) == len(set(titles))
    for title in repeated:
        pair = [a for a in arts if a.title == title]
        assert len({a.issue_date for a in pair}) == len(pair)
    assert len({a.author for a in arts if a.author}) == writer_count(N) == 24
    assert sum(a.author is None for a in arts) / N == pytest.approx(0.15, abs=0.04)
    for article, dump in zip(arts, archive.dumps, strict=True):
        lines = dump.split("\n")
        assert article.title in lines
        bios = [b for b in blocks(dump) if article.author and b.startswith(f"{article.author} is ")]
        assert len(bios) == (1 if article.author else 0)


def test_standfirsts(archive: Archive) -> None:
    cut = 0
    for article, dump in zip(archive.articles, archive.dumps, strict=True):
        parts = blocks(dump)
        standfirst = parts[parts.index(article.title) + 1]
        if article.standfirst_cut:
            cut += 1
            assert len(standfirst) == 100 and standfirst[-1].isalpha(), standfirst
        else:
            assert standfirst[-1] in ".?!", standfirst
    assert cut / N == pytest.approx(0.8, abs=0.05)


def test_format_cues_appear(archive: Archive) -> None:
    arts, dumps = archive.articles, archive.dumps
    text = "\n\n".join(dumps)
    by_flag = {
        "timeline": sum(a.timeline for a in arts),
        "crossheads": sum(bool(a.crossheads) for a in arts),
        "numbered": sum(a.crossheads == "numbered" for a in arts),
        "breaks": sum(a.section_breaks for a in arts),
    }
    assert by_flag["timeline"] / N == pytest.approx(0.05, abs=0.03)
    assert by_flag["crossheads"] / N == pytest.approx(0.3, abs=0.06)
    assert by_flag["numbered"] >= 1 and by_flag["breaks"] >= 1
    assert "\n\n***\n\n" in text and "\n\n1. " in text and "\n\n2. " in text
    assert re.search(r"\n\n(ILLUSTRATION|PHOTOGRAPHY) BY [A-Z’' -]+\n\n", text)
    assert "\n\nCorrection: " in text and "\n\nSome of the interviews were carried out by" in text
    assert re.search(r"^[^\n/]+/[^\n]+\nShow Hide image$", text, re.M)
    assert re.search(r"^[A-Z ]+/[A-Z ]+/GETTY IMAGES\nShow Hide image$", text, re.M)
    assert "£" in text and "’" in text and "“" in text and '"' in text and "\u00a0" in text

    out_of_order = False
    for article, dump in zip(arts, dumps, strict=True):
        bullets = [m for line in dump.split("\n") if (m := BULLET.match(line))]
        assert bool(bullets) == article.timeline, article.index
        if article.timeline:
            assert 3 <= len(bullets) <= 20
            keys = [(int(y) % 100, int(mo), int(d)) for d, mo, y in (b.groups() for b in bullets)]
            out_of_order |= keys != sorted(keys)
            heading = next(b for b in blocks(dump) if b.split("\n")[0].startswith("  • "))
            before = blocks(dump)[blocks(dump).index(heading) - 1]
            assert before.isupper()
        # Hard wraps: a single newline followed by lower case, never elsewhere.
        wraps = re.findall(r"[^\n]\n[a-z]", dump)
        assert bool(wraps) == (article.hard_wraps > 0), article.index
        verse = [
            b
            for b in blocks(dump)
            if "\n" in b
            and b.split("\n")[0][:1].isupper()
            and "Show Hide image" not in b
            and "•" not in b
            and all(len(line) < 60 for line in b.split("\n"))
        ]
        assert bool(verse) == article.verse, article.index
    assert out_of_order


def test_duplicate_dumps_start_with_the_marker(archive: Archive) -> None:
    # Without the marker nothing would tell where the previous page's article ended.
    for f in archive.files:
        for i in f.dumps[1:]:
            assert archive.articles[i].marker
            assert archive.dumps[i].split("\n")[:2][-1] == "Show Hide image" or archive.dumps[
                i
            ].startswith("Show Hide image")
