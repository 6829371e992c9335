"""What users rely on from ``ingest``: splitting, de-duplication, encodings,
idempotency, never clobbering editors, stable slugs, bad input, atomic writes and
the report. Most tests start from the real seeds, transformed the way a second
scrape or another machine would transform them."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import string
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import atomic
from generator.cli import main
from generator.ingest.pipeline import ingest
from generator.ingest.scrape import BREAK_RE, read_scrape
from tests.conftest import ArticleFile, IngestedSeeds, read_article_file

MOMENTUM_SLUG = "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam"
FACADE_FILE = "003_8e02ce8e775e0d7f.txt"
MOMENTUM_IMAGE_LINE = "RAY TANGT/ANADOLU AGENCY/GETTY IMAGES"


# --- helpers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run_ingest(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``python -m generator ingest ARGS`` in this process (fast), with its output."""

    def run(*args: str | Path) -> Run:
        capsys.readouterr()
        code = main(["ingest", *map(str, args)])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def articles_in(content: Path) -> dict[str, ArticleFile]:
    return {p.stem: read_article_file(p) for p in sorted((content / "articles").glob("*.md"))}


def without_sources(article: ArticleFile) -> tuple[dict[str, Any], str]:
    meta = dict(article.meta)
    meta.pop("sources")
    return meta, article.body


def first_dump(seed: Path) -> str:
    """A seed's own page dump: everything before the Momentum piece's image line."""
    text = seed.read_text("utf-8")
    return text[: text.index(MOMENTUM_IMAGE_LINE)]


def page_dump(
    title: str,
    paragraphs: list[str],
    *,
    standfirst: str = "A complete standfirst for a test article.",
    issue: tuple[str, str] | None = ("08 December 2008", "After the Terror"),
    marker: bool = True,
) -> str:
    """A raw page dump laid out as the scraper writes one (see RAW-FORMAT.md)."""
    parts = (["Show Hide image"] if marker else []) + [title, standfirst, *paragraphs]
    if issue:
        parts.append(
            f"This article first appeared in the {issue[0]} issue of the New Statesman, {issue[1]}"
        )
    return "\n\n".join(parts) + "\n"


def prose(seed: str, n: int = 4) -> list[str]:
    """n distinct paragraphs of ordinary prose, different for every seed word."""
    return [
        f"Paragraph {i} of the {seed} story begins here, and it goes on for a while "
        f"so that it reads like the body of a real article about {seed}. It ends "
        f"with a full stop."
        for i in range(1, n + 1)
    ]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under folder: bytes, mtime (ns) and inode."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def copy_seeds(
    seed_dir: Path, dest: Path, transform: Callable[[bytes], bytes] | None = None, suffix: str = ""
) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for seed in sorted(seed_dir.iterdir()):
        target = dest / f"{seed.stem}{suffix}{seed.suffix}"
        data = seed.read_bytes()
        target.write_bytes(transform(data) if transform else data)
        out.append(target)
    return out


# --- splitting ----------------------------------------------------------------------


def test_a_file_holding_several_page_dumps_gives_each_article(
    tmp_path: Path, seed_dir: Path, ingested_seeds: IngestedSeeds
) -> None:
    seeds = sorted(seed_dir.iterdir())
    bundle = tmp_path / "bundle.txt"
    bundle.write_text(
        first_dump(seeds[0])
        + first_dump(seeds[1])
        + first_dump(seeds[3])
        + seeds[4].read_text("utf-8"),
        "utf-8",
    )
    report = ingest([bundle], tmp_path / "content")
    written = articles_in(tmp_path / "content")
    assert {a.meta["title"] for a in written.values()} == {
        "I am every woman",
        "Children of Abraham v sons of Ibrahim",
        "The façade cracks",
        "Mexico’s disappeared women",
        "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam",
    }
    assert all(a.meta["sources"][0]["file"] == "bundle.txt" for a in written.values())
    assert all(len(a.meta["sources"]) == 1 for a in written.values())
    assert report.rejected == []
    # Each article reads exactly as it does when its page is ingested on its own.
    for article in written.values():
        alone = ingested_seeds.by_title[article.meta["title"]]
        assert without_sources(article) == without_sources(alone)


def test_dumps_run_together_without_a_marker_split_after_the_provenance(
    tmp_path: Path, seed_dir: Path, ingested_seeds: IngestedSeeds
) -> None:
    seeds = sorted(seed_dir.iterdir())
    # 001's page starts with its headline: no image line, no 'Show Hide image'.
    assert not first_dump(seeds[1]).startswith("Show Hide image")
    bundle = tmp_path / "two.txt"
    bundle.write_text(first_dump(seeds[0]) + first_dump(seeds[1]), "utf-8")
    ingest([bundle], tmp_path / "content")
    written = articles_in(tmp_path / "content")
    assert sorted(written) == ["children-of-abraham-v-sons-of-ibrahim", "i-am-every-woman"]
    for article in written.values():
        alone = ingested_seeds.by_title[article.meta["title"]]
        assert without_sources(article) == without_sources(alone)


# --- de-duplication -------------------------------------------------------------------


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def _cr(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r")


def _whitespace_noise(data: bytes) -> bytes:
    """Another scrape of the same page: doubled spaces, trailing blanks, NBSPs, and
    blank lines that hold spaces or come in pairs."""
    lines = data.decode("utf-8").split("\n")
    noisy = []
    for i, line in enumerate(lines):
        if not line.strip():
            noisy.append(" \t " if i % 2 else "\n\u00a0")
        else:
            line = line.replace(". ", ".  ", 2).replace(", ", ",\u00a0", 1)
            noisy.append((" " if i % 3 == 0 else "") + line + ("  \t" if i % 2 else ""))
    return "\n".join(noisy).encode("utf-8")


def _bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


def _cp1252(data: bytes) -> bytes:
    return data.decode("utf-8").encode("cp1252")


RESCRAPES = {
    "crlf": _crlf,
    "cr": _cr,
    "whitespace": _whitespace_noise,
    "utf8-bom": _bom,
    "cp1252": _cp1252,
}


@pytest.mark.parametrize("name", sorted(RESCRAPES))
def test_a_rescrape_reads_the_same_and_is_written_once_listing_every_source(
    tmp_path: Path, seed_dir: Path, ingested_seeds: IngestedSeeds, name: str
) -> None:
    sources = tmp_path / "sources"
    copy_seeds(seed_dir, sources)
    copy_seeds(seed_dir, sources, RESCRAPES[name], suffix=f"-{name}")
    report = ingest([sources], tmp_path / "content")
    written = articles_in(tmp_path / "content")
    assert len(written) == 6
    assert report.rejected == []
    for slug, article in written.items():
        reference = ingested_seeds.by_title[article.meta["title"]]
        assert slug == reference.path.stem
        # Same words, same structure, same metadata: only the list of sources grows.
        assert without_sources(article) == without_sources(reference)
        files = [s["file"] for s in article.meta["sources"]]
        originals = [s["file"] for s in reference.meta["sources"]]
        assert files == sorted(originals + [f.replace(".txt", f"-{name}.txt") for f in originals])
        shas = {s["sha256"] for s in article.meta["sources"]}
        assert len(shas) == len(files)
    # 6 articles from 20 dumps in 10 files.
    assert report.duplicates == 14


def test_the_same_file_under_two_names_is_one_article_with_two_sources(
    tmp_path: Path, seed_dir: Path
) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(seed_dir / FACADE_FILE, sources / FACADE_FILE)
    shutil.copy(seed_dir / FACADE_FILE, sources / "copy-of-the-facade.txt")
    ingest([sources], tmp_path / "content")
    facade = articles_in(tmp_path / "content")["the-facade-cracks"]
    assert [s["file"] for s in facade.meta["sources"]] == [
        "003_8e02ce8e775e0d7f.txt",
        "copy-of-the-facade.txt",
    ]
    assert facade.meta["sources"][0]["sha256"] == facade.meta["sources"][1]["sha256"]


# --- encodings ------------------------------------------------------------------------

LATIN_PARAGRAPHS = [
    "The café on the Rua Augusta charged £3 for a coffee, which the señora thought "
    "outrageous: «a robbery», she said, in front of the whole ½-empty terrace.",
    "Françoise, Jürgen and Søren agreed. Naïve tourists paid; the regulars did not, "
    "and the owner's reçu listed every drink at 10% off, with the ß of Straße intact.",
    "That was the end of it. Nobody mentioned the price again that summer.",
]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8", "utf-8-sig"])
def test_latin_text_decodes_to_the_right_characters(tmp_path: Path, encoding: str) -> None:
    source = tmp_path / "cafe.txt"
    source.write_bytes(page_dump("Café society in São Paulo", LATIN_PARAGRAPHS).encode(encoding))
    ingest([source], tmp_path / "content")
    (article,) = articles_in(tmp_path / "content").values()
    assert article.meta["title"] == "Café society in São Paulo"
    assert article.path.name == "cafe-society-in-sao-paulo.md"
    for paragraph in LATIN_PARAGRAPHS:
        assert paragraph in article.body
    for mojibake in ("Ã", "Â", "â€", "\ufffd"):
        assert mojibake not in article.text


def test_windows_1252_curly_quotes_dashes_and_euro_decode(tmp_path: Path) -> None:
    paragraphs = [
        "“It’s a ‘reasonable’ price – €50 – for what it is,” she said… "
        "and the • bullet and the ™ sign came through as well.",
        *prose("euro"),
    ]
    source = tmp_path / "quotes.txt"
    source.write_bytes(page_dump("Quotes – and dashes", paragraphs).encode("cp1252"))
    ingest([source], tmp_path / "content")
    (article,) = articles_in(tmp_path / "content").values()
    assert article.meta["title"] == "Quotes – and dashes"
    assert paragraphs[0] in article.body
    assert "â€" not in article.text


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_seeds_in_another_encoding_give_the_same_articles(
    tmp_path: Path, seed_dir: Path, ingested_seeds: IngestedSeeds, encoding: str
) -> None:
    copy_seeds(seed_dir, tmp_path / "sources", lambda data: data.decode("utf-8").encode(encoding))
    ingest([tmp_path / "sources"], tmp_path / "content")
    written = articles_in(tmp_path / "content")
    assert {a.meta["title"] for a in written.values()} == set(ingested_seeds.by_title)
    for article in written.values():
        reference = ingested_seeds.by_title[article.meta["title"]]
        assert without_sources(article) == without_sources(reference)
    assert "£300 donation" in written["the-facade-cracks"].body
    assert "a “moderniser”" in written["the-facade-cracks"].meta["standfirst"]


def test_a_file_whose_dumps_were_saved_in_different_encodings_reads_right(
    tmp_path: Path, seed_dir: Path, ingested_seeds: IngestedSeeds
) -> None:
    seed = (seed_dir / "000_16a189a49fb77abf.txt").read_text("utf-8")
    cut = seed.index(MOMENTUM_IMAGE_LINE)
    # Its own page in Windows-1252, the Momentum piece after it still in UTF-8.
    (tmp_path / "mixed.txt").write_bytes(seed[:cut].encode("cp1252") + seed[cut:].encode())
    ingest([tmp_path / "mixed.txt"], tmp_path / "content")
    written = articles_in(tmp_path / "content")
    assert len(written) == 2
    for article in written.values():
        reference = ingested_seeds.by_title[article.meta["title"]]
        assert without_sources(article) == without_sources(reference)


# --- idempotency ----------------------------------------------------------------------


def test_a_second_ingest_changes_no_byte(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run]
) -> None:
    content = tmp_path / "content"
    assert run_ingest(seed_dir, "--content", content).code == 0
    # Back-date every file so that any rewrite, however fast, shows in its mtime.
    for path in content.rglob("*.md"):
        os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = snapshot(content / "articles")
    second = run_ingest(seed_dir, "--content", content, "--report", tmp_path / "report.json")
    assert second.code == 0
    assert snapshot(content / "articles") == before
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert [a["status"] for a in report["articles"]] == ["unchanged"] * 6
    assert "6 unchanged" in second.err
    assert "0 written" in second.err


# --- editors' work is never lost -----------------------------------------------------------


def _edit(path: Path, old: str, new: str) -> bytes:
    """An editor's change, saved (as editors do) a while after ingest wrote the file."""
    text = path.read_text("utf-8")
    assert old in text
    mtime = path.stat().st_mtime_ns
    path.write_text(text.replace(old, new, 1), "utf-8")
    os.utime(path, ns=(mtime + 2_000_000_000, mtime + 2_000_000_000))
    return path.read_bytes()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Suddenly, at the end", "Suddenly (an editor's fix), at the end"),
        ("standfirst_truncated: false\n", "standfirst_truncated: false\ntopics: [Politics]\n"),
        ("title: The façade cracks", "title: The facade cracks"),
    ],
    ids=["body", "added-topics", "title"],
)
def test_an_edited_article_is_kept_and_force_overwrites_it(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run], old: str, new: str
) -> None:
    content = tmp_path / "content"
    run_ingest(seed_dir, "--content", content)
    facade = content / "articles" / "the-facade-cracks.md"
    pristine = facade.read_bytes()
    edited = _edit(facade, old, new)

    again = run_ingest(seed_dir, "--content", content, "--report", tmp_path / "r.json")
    assert again.code == 0
    assert facade.read_bytes() == edited
    assert f"kept {facade}" in again.err
    assert "1 kept because edited" in again.err
    statuses = {
        a["slug"]: a["status"] for a in json.loads((tmp_path / "r.json").read_text())["articles"]
    }
    assert statuses["the-facade-cracks"] == "kept"
    assert len(list((content / "articles").iterdir())) == 6

    forced = run_ingest(seed_dir, "--content", content, "--force")
    assert forced.code == 0
    assert facade.read_bytes() == pristine
    assert "1 overwritten (--force)" in forced.err


def test_an_editors_change_of_the_issue_date_does_not_duplicate_the_article(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run]
) -> None:
    content = tmp_path / "content"
    run_ingest(seed_dir, "--content", content)
    pariah = content / "articles" / "becoming-a-pariah-state.md"
    edited = _edit(pariah, "date: 2008-12-08", "date: 2008-12-15")
    again = run_ingest(seed_dir, "--content", content)
    assert again.code == 0
    assert pariah.read_bytes() == edited
    assert sorted(p.name for p in (content / "articles").iterdir()) == sorted(
        p.name for p in (tmp_path / "content" / "articles").iterdir()
    )
    assert len(list((content / "articles").iterdir())) == 6
    assert f"kept {pariah}" in again.err


def test_an_impossible_date_typed_by_an_editor_does_not_crash_ingest(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run]
) -> None:
    content = tmp_path / "content"
    run_ingest(seed_dir, "--content", content)
    pariah = content / "articles" / "becoming-a-pariah-state.md"
    edited = _edit(pariah, "date: 2008-12-08", "date: 2008-02-30")
    again = run_ingest(seed_dir, "--content", content)
    assert again.code == 0
    assert pariah.read_bytes() == edited
    assert len(list((content / "articles").iterdir())) == 6


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Becoming a pariah state", 'title: "Becoming a pariah state'),
        ("---\ntitle:", "title:"),
    ],
    ids=["unclosed-quote", "no-opening-marker"],
)
def test_an_article_whose_front_matter_an_editor_broke_is_kept_not_duplicated(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run], old: str, new: str
) -> None:
    content = tmp_path / "content"
    run_ingest(seed_dir, "--content", content)
    pariah = content / "articles" / "becoming-a-pariah-state.md"
    edited = _edit(pariah, old, new)
    again = run_ingest(seed_dir, "--content", content)
    assert again.code == 0
    assert pariah.read_bytes() == edited
    assert len(list((content / "articles").iterdir())) == 6
    assert f"kept {pariah}" in again.err


def test_an_unedited_article_found_in_a_new_file_takes_the_new_source(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run]
) -> None:
    content = tmp_path / "content"
    run_ingest(seed_dir, "--content", content)
    later = tmp_path / "later"
    later.mkdir()
    (later / "005_rescrape.txt").write_bytes(_crlf((seed_dir / FACADE_FILE).read_bytes()))
    again = run_ingest(later, "--content", content)
    assert again.code == 0
    facade = read_article_file(content / "articles" / "the-facade-cracks.md")
    assert [s["file"] for s in facade.meta["sources"]] == [FACADE_FILE, "005_rescrape.txt"]
    assert "2 updated with new sources" in again.err  # the facade and Momentum


def test_an_edited_article_found_in_a_new_file_is_still_kept(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run]
) -> None:
    content = tmp_path / "content"
    run_ingest(seed_dir, "--content", content)
    facade = content / "articles" / "the-facade-cracks.md"
    edited = _edit(facade, "Suddenly, at the end", "Suddenly, at the very end")
    later = tmp_path / "later"
    later.mkdir()
    shutil.copy(seed_dir / FACADE_FILE, later / "005_copy.txt")
    assert run_ingest(later, "--content", content).code == 0
    assert facade.read_bytes() == edited


# --- slugs ----------------------------------------------------------------------------------

SAME_TITLE = "Letter from Westminster"
LETTERS = {
    "a": page_dump(SAME_TITLE, prose("budget"), issue=("05 January 2009", "Crunch time")),
    "b": page_dump(SAME_TITLE, prose("reshuffle"), issue=("01 February 2010", "Endgame")),
    "c": page_dump(SAME_TITLE, prose("expenses"), issue=("07 March 2005", "Spring")),
    "web1": page_dump(SAME_TITLE, prose("blog"), issue=None),
    "web2": page_dump(SAME_TITLE, prose("podcast"), issue=None),
    "same-issue": page_dump(SAME_TITLE, prose("sketch"), issue=("05 January 2009", "Crunch time")),
}


def _story_of(article: ArticleFile) -> str:
    first = article.body.split()[4]  # "Paragraph 1 of the <story> story ..."
    return first


def ingest_letters(tmp_path: Path, content: Path, names_in_files: dict[str, str]) -> dict[str, str]:
    """Write the named letters to files (file name -> letter), ingest, and return
    story -> slug."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    for file_name, letter in names_in_files.items():
        (folder / file_name).write_text(LETTERS[letter], "utf-8")
    report = ingest([folder], content)
    assert report.rejected == []
    return {_story_of(a): slug for slug, a in articles_in(content).items()}


def test_same_title_articles_get_distinct_slugs_whatever_the_file_order(tmp_path: Path) -> None:
    forward = ingest_letters(
        tmp_path, tmp_path / "one", {"1.txt": "a", "2.txt": "b", "3.txt": "web1", "4.txt": "web2"}
    )
    backward = ingest_letters(
        tmp_path, tmp_path / "two", {"1.txt": "web2", "2.txt": "web1", "3.txt": "b", "4.txt": "a"}
    )
    assert forward == backward
    assert len(set(forward.values())) == 4
    assert forward["budget"] == "letter-from-westminster"  # the earliest issue
    assert forward["reshuffle"] == "letter-from-westminster-2010-02-01"
    assert all(slug.startswith("letter-from-westminster") for slug in forward.values())


def test_same_title_slugs_are_stable_when_another_is_added_later(tmp_path: Path) -> None:
    content = tmp_path / "content"
    first = ingest_letters(tmp_path, content, {"a.txt": "a", "b.txt": "b", "w.txt": "web1"})
    before = snapshot(content / "articles")
    # An earlier issue and another web-only piece arrive; they are ingested alone and
    # then again with everything: nothing already published is renamed or rewritten.
    later = ingest_letters(tmp_path, content, {"c.txt": "c", "x.txt": "web2"})
    everything = ingest_letters(
        tmp_path,
        content,
        {"a.txt": "a", "b.txt": "b", "w.txt": "web1", "c.txt": "c", "x.txt": "web2"},
    )
    assert later == everything
    assert {k: everything[k] for k in first} == first
    assert len(set(everything.values())) == 5
    after = snapshot(content / "articles")
    assert {k: after[k] for k in before} == before


def test_same_title_same_issue_articles_keep_their_slugs_when_one_is_reingested(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    both = ingest_letters(tmp_path, content, {"a.txt": "a", "s.txt": "same-issue"})
    assert len(set(both.values())) == 2
    before = snapshot(content / "articles")
    for name, letter in (("s.txt", "same-issue"), ("a.txt", "a")):
        report = ingest([_write_one(tmp_path, name, LETTERS[letter])], content)
        assert [o.status for o in report.outcomes] == ["unchanged"], letter
    assert snapshot(content / "articles") == before


def _write_one(tmp_path: Path, name: str, text: str) -> Path:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / name).write_text(text, "utf-8")
    return folder / name


# --- bad input ------------------------------------------------------------------------------

BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b" \n\r\n\t\n", "empty"),
    "picture.txt": (bytes(range(256)) * 8, "binary"),
    "controls.txt": (b"\x01\x02\x03\x04\x05\x06" * 200, "binary"),
    "shopping.txt": (b"Eggs\n\nMilk\n\nBread, and some jam.\n", "no recognisable article"),
}


def test_bad_files_are_named_with_a_reason_and_skipped_and_the_rest_written(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run]
) -> None:
    sources = tmp_path / "sources"
    copy_seeds(seed_dir, sources)
    for name, (data, _) in BAD_FILES.items():
        (sources / name).write_bytes(data)
    run = run_ingest(sources, "--content", tmp_path / "content", "--report", tmp_path / "r.json")
    assert run.code == 1
    assert len(articles_in(tmp_path / "content")) == 6
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    # Named by their path in the project (the folder holding content/), not their
    # base name alone: two folders may hold files of one name.
    reasons = {r["file"].removeprefix("sources/"): r["reason"] for r in report["rejected"]}
    assert set(reasons) == set(BAD_FILES)
    for name, (_, reason) in BAD_FILES.items():
        assert reason in reasons[name], (name, reasons[name])
        assert f"rejected sources/{name}: {reasons[name]}" in run.err
    assert f"{len(BAD_FILES)} file(s) rejected" in run.err


def test_only_bad_input_writes_nothing_and_fails(
    tmp_path: Path, run_ingest: Callable[..., Run]
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    run = run_ingest(tmp_path / "empty.txt", "--content", tmp_path / "content")
    assert run.code == 1
    assert not (tmp_path / "content" / "articles").exists() or not any(
        (tmp_path / "content" / "articles").iterdir()
    )
    assert "rejected empty.txt: the file is empty" in run.err


def test_a_missing_path_is_a_usage_error(tmp_path: Path, run_ingest: Callable[..., Run]) -> None:
    run = run_ingest(tmp_path / "nope", "--content", tmp_path / "content")
    assert run.code == 2
    assert "nope" in run.err
    assert not (tmp_path / "content").exists()


def test_hidden_files_in_a_folder_are_not_sources(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run]
) -> None:
    sources = tmp_path / "sources"
    copy_seeds(seed_dir, sources)
    (sources / ".DS_Store").write_bytes(b"\x00\x01binary junk")
    assert run_ingest(sources, "--content", tmp_path / "content").code == 0


# --- atomic writes --------------------------------------------------------------------------


def _no_temp_files(folder: Path) -> bool:
    return [p.name for p in folder.iterdir() if not p.name.endswith(".md")] == []


@pytest.mark.parametrize("crash", [KeyboardInterrupt, OSError])
def test_a_crash_while_replacing_leaves_the_old_file_whole(
    tmp_path: Path,
    seed_dir: Path,
    run_ingest: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    crash: type[BaseException],
) -> None:
    content = tmp_path / "content"
    run_ingest(seed_dir, "--content", content)
    facade = content / "articles" / "the-facade-cracks.md"
    edited = _edit(facade, "Suddenly, at the end", "Suddenly, at the very end")

    def crashing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        assert Path(src).read_bytes() != edited  # the new text was fully staged
        raise crash("simulated crash")

    monkeypatch.setattr(atomic.os, "replace", crashing_replace)
    if crash is KeyboardInterrupt:
        run = run_ingest(seed_dir, "--content", content, "--force")
        assert run.code == 130
        assert "interrupted" in run.err
    else:
        # A failing file system is a message and exit 1, never a traceback.
        run = run_ingest(seed_dir, "--content", content, "--force")
        assert run.code == 1
        assert "simulated crash" in run.err
    assert facade.read_bytes() == edited
    assert _no_temp_files(content / "articles")


def test_a_crash_mid_write_leaves_no_half_written_article(
    tmp_path: Path,
    seed_dir: Path,
    run_ingest: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = tmp_path / "content"
    real_fdopen = os.fdopen
    written: list[int] = []

    class HalfWriter:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            written.append(self.handle.write(data[: len(data) // 2]))
            raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    run = run_ingest(seed_dir, "--content", content)
    assert run.code == 130
    assert written and written[0] > 0  # a half file really was on disk
    assert list((content / "articles").iterdir()) == []


def test_a_temporary_file_left_by_a_dead_process_is_never_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process that died mid-write left its temporary files; a later process with
    # the same id skips their names (and, when every name it tries is taken, lets
    # tempfile choose one).
    folder = tmp_path / "new" / "folder"
    folder.mkdir(parents=True)
    for i in range(100):
        (folder / f".a.md.{os.getpid()}-{i}.tmp").write_bytes(b"left behind")
    monkeypatch.setattr(atomic, "_count", itertools.count())
    atomic.write_atomic(folder / "a.md", "the article\n")
    assert (folder / "a.md").read_text("utf-8") == "the article\n"
    assert (folder / "a.md").stat().st_mode & 0o777 == 0o644
    leftovers = [p for p in folder.iterdir() if p.name != "a.md"]
    assert len(leftovers) == 100
    assert all(p.read_bytes() == b"left behind" for p in leftovers)
    atomic.write_atomic(tmp_path / "not" / "there" / "b.md", b"made its folders")
    assert (tmp_path / "not" / "there" / "b.md").read_bytes() == b"made its folders"


# --- report and summary ---------------------------------------------------------------------


def test_report_json_has_articles_rejected_and_warnings(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run]
) -> None:
    sources = tmp_path / "sources"
    copy_seeds(seed_dir, sources)
    (sources / "empty.txt").write_bytes(b"")
    content = tmp_path / "content"
    run_ingest(sources, "--content", content, "--report", tmp_path / "report.json")
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert {"articles", "rejected", "warnings"} <= set(report)
    assert len(report["articles"]) == 6
    for entry in report["articles"]:
        assert {"slug", "path", "sources"} <= set(entry)
        assert Path(entry["path"]) == content / "articles" / f"{entry['slug']}.md"
        assert Path(entry["path"]).is_file()
        assert all(isinstance(s, str) for s in entry["sources"])
    momentum = next(a for a in report["articles"] if a["slug"] == MOMENTUM_SLUG)
    assert momentum["sources"] == sorted(p.name for p in seed_dir.iterdir())
    assert report["rejected"] == [{"file": "sources/empty.txt", "reason": "the file is empty"}]
    assert all(isinstance(w, str) for w in report["warnings"])
    assert any("standfirst" in w and "mexicos-disappeared-women" in w for w in report["warnings"])
    assert any("no author" in w for w in report["warnings"])


def test_summary_counts_every_outcome(
    tmp_path: Path, seed_dir: Path, run_ingest: Callable[..., Run]
) -> None:
    sources = tmp_path / "sources"
    copy_seeds(seed_dir, sources)
    (sources / "empty.txt").write_bytes(b"")
    run = run_ingest(sources, "--content", tmp_path / "content")
    summary = run.err
    for phrase in (
        "6 written",
        "0 unchanged",
        "0 kept because edited",
        "4 duplicate(s) merged",
        "1 file(s) rejected",
        "7 warning(s)",
    ):
        assert phrase in summary, phrase
    assert "warning x4: the standfirst was cut off by the scraper" in summary
    assert len(summary.splitlines()) <= 24  # one screen


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=2000))
def test_read_scrape_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    result = read_scrape("any.bin", data)
    assert (result.rejected is None) == bool(result.articles)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=2000), encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_read_scrape_never_raises_on_arbitrary_text(text: str, encoding: str) -> None:
    result = read_scrape("any.txt", text.encode(encoding, errors="surrogatepass"))
    assert (result.rejected is None) == bool(result.articles)


WORD_CHARS = string.ascii_letters + "éøßçÆ’'“”-—&*_#<>[]()!?.,;:|`~0123456789£€@/\\"
words = st.text(alphabet=WORD_CHARS, min_size=1, max_size=12)
# Words joined by spaces and, now and then, a single newline (a hard wrap or a kept
# line break: either way no word may go missing).
paragraphs = (
    st.lists(st.tuples(words, st.sampled_from(" " * 9 + "\n")), min_size=1, max_size=40)
    .map(lambda pairs: "".join(w + sep for w, sep in pairs).strip())
    # A paragraph that is only '***' (or '---', '___') is a section break by design.
    .filter(lambda p: not BREAK_RE.match(p))
)


@st.composite
def page_dumps(draw: st.DrawFn) -> tuple[str, list[str]]:
    title = draw(
        st.lists(
            st.text(string.ascii_letters, min_size=1, max_size=10), min_size=1, max_size=8
        ).map(" ".join)
    )
    standfirst = draw(st.lists(words, min_size=1, max_size=30).map(" ".join))
    body = draw(st.lists(paragraphs, min_size=1, max_size=12))
    marker = draw(st.booleans())
    issue = draw(st.sampled_from([None, ("12 July 2010", "Behind the mask")]))
    if not marker and issue is None:
        marker = True
    return page_dump(title, body, standfirst=standfirst, issue=issue, marker=marker), body


_TYPOGRAPHY_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def _typography_folded(text: str) -> str:
    text = text.replace("…", "...").translate(_TYPOGRAPHY_FOLD)
    return text.replace("---", "-").replace("--", "-")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dump=page_dumps())
def test_no_body_paragraph_is_dropped_or_reordered(
    dump: tuple[str, list[str]], render_markdown: Callable[[str], BeautifulSoup]
) -> None:
    raw, body = dump
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "dump.txt"
        source.write_text(raw, "utf-8")
        report = ingest([source], Path(folder) / "content")
        assert report.rejected == [], report.rejected
        (article,) = articles_in(Path(folder) / "content").values()
    # The page sets quotes, dashes and ellipses typographically when it renders
    # (generator/site/typography.py): both sides are compared with those folded.
    rendered = _typography_folded(render_markdown(article.body).get_text()).split()
    expected = _typography_folded(" ".join(body)).split()
    # Every paragraph's words, in order. Only closing paragraphs that read as a bio,
    # a note or a credit may move, and then into their front matter fields.
    assert rendered == expected[: len(rendered)], (raw, article.text)
    tail = [
        article.meta["author_bio"],
        *article.meta["notes"],
        *article.meta["credits"],
        *(c["text"] for c in article.meta["corrections"]),
    ]
    moved = _typography_folded(" ".join(t for t in tail if t)).split()
    assert sorted(expected[len(rendered) :]) == sorted(moved), (raw, article.text)
