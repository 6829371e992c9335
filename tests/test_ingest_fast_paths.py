"""Ingest's fast paths give exactly what the plain code they replaced gave.

Each reference below is the earlier, obviously right version of a function that
was rewritten for speed (docs/performance.md); arbitrary input, weighted towards
the characters each fast path treats specially, must come out byte for byte the
same.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import string
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.article_file import _one_line, _yaml_dump, front_matter_yaml
from generator.content.schema import (
    Article,
    Correction,
    Image,
    IssueRef,
    Source,
    Timeline,
    TimelineEvent,
)
from generator.ingest import decoding, escape, scrape
from generator.ingest.article_markdown import SECTION_BREAK, body_markdown
from generator.ingest.decoding import clean_lines
from generator.ingest.pipeline import _stats
from generator.ingest.scrape import BodyPart

# --- clean_lines ----------------------------------------------------------------------

_CONTROL_RE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\ufeff]"
)
_ODD_SPACE_RE = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def reference_clean_lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)
    text = _ODD_SPACE_RE.sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    return [line.strip() for line in text.split("\n")]


_SPACING = " \t\n\r\u00a0\u2002\u2009\u200a\u200b\u202f\u205f\u3000\u2028\u2029\ufeff\x85\x1c\x1f"
_CONTROLS = "\x00\x07\x0b\x0c\x7f\x9f\u200e\u200f\u1680"
scrape_text = st.lists(
    st.one_of(
        st.sampled_from(_SPACING),
        st.sampled_from(_CONTROLS),
        st.sampled_from(["  ", "   ", "e\u0301", "\u00e9", "“", "”", "£", "–", "ș", "\u20ac"]),
        # NFC replaces these two spaces; the mark combines with the letter before it.
        st.sampled_from(["\u2000", "\u2001", "\u20d0", "\u1161", "\U0001d15e"]),
        st.text(min_size=1, max_size=8),
        st.text(alphabet="abc XYZ.", min_size=1, max_size=12),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(text=scrape_text)
def test_clean_lines_is_the_plain_version(text: str) -> None:
    expected = reference_clean_lines(text)
    assert clean_lines(text) == expected
    # decode() hands over the bytes it decoded, which are the text's UTF-8.
    assert clean_lines(text, text.encode("utf-8", "surrogatepass")) == expected


def test_nfc_inert_characters_are_left_alone_by_nfc_in_any_company() -> None:
    # No character in the inert ranges has a combining class, changes under NFC on
    # its own, or can be the second of a pair that composes (the characters that
    # make NFC's quick check say "maybe"): so text of such characters is NFC.
    second_of_pair = {
        int(decomposition.split()[1], 16)
        for cp in range(0x110000)
        if (decomposition := unicodedata.decomposition(chr(cp)))
        and not decomposition.startswith("<")
        and len(decomposition.split()) == 2
    }
    hangul_vowels_and_finals = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    inert = [chr(cp) for cp in range(0x110000) if decoding._nfc_inert(chr(cp))]
    assert len(inert) == 0x300 + (0x20D0 - 0x2002)
    for char in inert:
        assert unicodedata.combining(char) == 0, hex(ord(char))
        assert unicodedata.normalize("NFC", char) == char, hex(ord(char))
        assert ord(char) not in second_of_pair | hangul_vowels_and_finals, hex(ord(char))


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.text(alphabet="ab \u00a0.", max_size=20), min_size=1, max_size=6))
def test_clean_lines_is_the_plain_version_for_printable_files(lines: list[str]) -> None:
    # Files whose every character is printable take the fastest path.
    text = "\n".join(lines)
    assert clean_lines(text) == reference_clean_lines(text)


# --- the cues' first characters ---------------------------------------------------------


def _matching(char_class: str, flags: int = 0) -> set[str]:
    pattern = re.compile(char_class, flags)
    return {chr(c) for c in range(0x110000) if pattern.fullmatch(chr(c))}


def test_cue_start_characters_are_every_character_the_expressions_start_with() -> None:
    # Each expression starts with a literal letter of one of its words ("this",
    # "first", "appeared"; "show"; "correction", "clarification"); with IGNORECASE,
    # Unicode adds letters such as the long s.
    assert scrape.PROVENANCE_RE.flags & re.IGNORECASE and scrape.MARKER_RE.flags & re.IGNORECASE
    assert _matching("[tfwopas]", re.IGNORECASE) == set(scrape.CUE_STARTS)
    assert _matching("[tfwopa]", re.IGNORECASE) == set(scrape.PROVENANCE_STARTS)
    assert _matching("[s]", re.IGNORECASE) == set(scrape.MARKER_STARTS)
    assert _matching("[c]", re.IGNORECASE) == set(scrape.CORRECTION_STARTS)
    assert not scrape.CREDIT_RE.flags & re.IGNORECASE
    assert not scrape.BREAK_RE.flags & re.IGNORECASE
    # The start sets hold for these beginnings; a change to one must update its set.
    assert scrape.PROVENANCE_RE.pattern.startswith(
        r"^(?:this\s+(?:article|piece|story|essay|review|interview|column)\s+)?"
        r"(?:was\s+)?(?:first\s+|originally\s+)?(?P<verb>appeared|appears|published)"
    )
    assert scrape.MARKER_RE.pattern.startswith(r"^show\s")
    assert scrape.CORRECTION_RE.pattern.startswith(r"^(?:correction|clarification)s?")
    assert scrape.CREDIT_RE.pattern.startswith(
        r"^(?:ILLUSTRATIONS?|PHOTOGRAPHS?|PHOTOS?|PICTURES?|ARTWORK|CARTOONS?|DRAWINGS?|IMAGES?|"
        r"MAIN IMAGE|PORTRAITS?)"
    )
    assert scrape.BREAK_RE.pattern == r"^(?:\*\s*){3,}$|^(?:-\s*){3,}$|^(?:_\s*){3,}$|^[⁂❖◆•·]+$"
    # Each of CREDIT_RE's words starts with two capitals: its second letters.
    words = re.match(r"\^\(\?:([^)]*)\)", scrape.CREDIT_RE.pattern).group(1).split("|")
    assert {word[0] for word in words} == set(scrape.CREDIT_STARTS)
    assert {word[1] for word in words} <= set(scrape.CREDIT_SECONDS) == set(string.ascii_uppercase)
    # The sentence-case credits start with the same capitals (their second letters are
    # lower case: they are read only on lines short enough to miss the fast path).
    by_words = re.match(r"\^\(\?:([^)]*)\)", scrape.BY_CREDIT_RE.pattern).group(1).split("|")
    assert {word[0] for word in by_words} == set(scrape.CREDIT_STARTS)


@settings(max_examples=500, deadline=None)
@given(
    line=st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            [
                "Show Hide image",
                "ſhow hide image",
                "This article first appeared in the 8 December 2008 issue of the New Statesman, X",
                "Appeared in the 1 May 2001 edition of New Statesman",
                "Correction: a date",
                "ILLUSTRATION BY DAN MURRELL",
                "* * *",
                "⁂",
            ]
        ),
    )
)
def test_a_line_outside_the_start_characters_is_no_cue(line: str) -> None:
    for starts, pattern in (
        (scrape.PROVENANCE_STARTS, scrape.PROVENANCE_RE),
        (scrape.MARKER_STARTS, scrape.MARKER_RE),
        (scrape.CORRECTION_STARTS, scrape.CORRECTION_RE),
        (scrape.CREDIT_STARTS, scrape.CREDIT_RE),
        (scrape.BREAK_STARTS, scrape.BREAK_RE),
    ):
        if pattern.match(line):
            assert line[:1] in starts and line, (pattern.pattern, line)
    if scrape.CREDIT_RE.match(line):
        assert line[1:2] in scrape.CREDIT_SECONDS and line[1:2], line


# --- escaping ---------------------------------------------------------------------------

_INLINE = re.compile(r"([\\`*_{}\[\]|])")
_ENTITY_LIKE = re.compile(r"&(?=[#A-Za-z])")


def reference_escape_inline(text: str, *, heading: bool = False) -> str:
    text = _ENTITY_LIKE.sub("&amp;", text)
    text = text.replace("<", "&lt;")
    text = _INLINE.sub(r"\\\1", text)
    if heading:
        text = text.replace("#", "\\#")
    return text


markdown_text = st.lists(
    st.one_of(
        st.sampled_from([*"\\`*_{}[]|&<#>-+=~:!^ \t\n1234567890.)", "&amp", "&#1", "\\\\"]),
        st.sampled_from(["١٢.", "²", "a", "Z", "é", "“"]),
        st.text(max_size=5),
    ),
    max_size=25,
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(text=markdown_text, heading=st.booleans())
def test_escape_inline_is_the_plain_version(text: str, heading: bool) -> None:
    assert escape.escape_inline(text, heading=heading) == reference_escape_inline(
        text, heading=heading
    )


@settings(max_examples=800, deadline=None)
@given(lines=st.lists(markdown_text, max_size=8))
def test_escape_lines_is_escape_line_of_each(lines: list[str]) -> None:
    assert escape.escape_lines(lines) == [escape.escape_line(line) for line in lines]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.one_of(
            st.builds(
                BodyPart,
                st.just("paragraph"),
                st.lists(markdown_text, min_size=1, max_size=3).map(tuple),
            ),
            st.builds(BodyPart, st.just("crosshead"), markdown_text.map(lambda t: (t,))),
            st.just(BodyPart("break")),
        ),
        max_size=8,
    )
)
def test_body_markdown_is_the_plain_version(parts: list[BodyPart]) -> None:
    chunks = []
    for part in parts:
        if part.kind == "break":
            chunks.append(SECTION_BREAK)
        elif part.kind == "crosshead":
            chunks.append("## " + reference_escape_inline(part.lines[0], heading=True))
        else:
            chunks.append("\n".join(escape.escape_line(line) for line in part.lines))
    assert body_markdown(tuple(parts)) == "\n\n".join(chunks)


# --- front matter -----------------------------------------------------------------------

yaml_text = st.one_of(
    st.text(max_size=30),
    st.lists(
        st.one_of(
            st.sampled_from([*":#-?&*!|>'\"%@`,[]{} \t\n\x85\u2028\ufeff", ": ", " #", "..."]),
            st.sampled_from(["yes", "No", "null", "1984", "2008-05", "2008-05-13", "0x1f", "~"]),
            st.sampled_from(["Gaza", "a", "é", "“", "😀", "\u00a0", "\u3000", "\ue000", "\ufffd"]),
            st.text(alphabet="abcXYZ 19.", min_size=1, max_size=10),
        ),
        max_size=10,
    ).map("".join),
)
optional_text = st.none() | yaml_text
dates = st.dates(min_value=dt.date(1, 1, 1))
articles = st.builds(
    Article,
    title=yaml_text,
    slug=yaml_text,
    body=st.just(""),
    standfirst=optional_text,
    standfirst_truncated=st.booleans(),
    authors=st.lists(yaml_text, max_size=3).map(tuple),
    author_bio=optional_text,
    issue=st.none() | st.builds(IssueRef, dates, yaml_text),
    image=st.none() | st.builds(Image, optional_text, optional_text),
    credits=st.lists(yaml_text, max_size=2).map(tuple),
    timelines=st.lists(
        st.builds(
            Timeline,
            yaml_text,
            optional_text,
            st.lists(
                st.builds(
                    TimelineEvent,
                    st.one_of(dates.map(dt.date.isoformat), st.sampled_from(["2008", "2008-05"])),
                    yaml_text,
                ),
                max_size=3,
            ).map(tuple),
        ),
        max_size=2,
    ).map(tuple),
    notes=st.lists(yaml_text, max_size=2).map(tuple),
    corrections=st.lists(st.builds(Correction, st.none() | dates, yaml_text), max_size=2).map(
        tuple
    ),
    topics=st.lists(yaml_text, max_size=2).map(tuple),
    aliases=st.lists(yaml_text, max_size=2).map(tuple),
    sources=st.lists(st.builds(Source, yaml_text, yaml_text), max_size=3).map(tuple),
)


@settings(max_examples=1500, deadline=None)
@given(article=articles)
def test_front_matter_yaml_is_yaml_dump(article: Article) -> None:
    data = article.front_matter()
    assert front_matter_yaml(data) == _yaml_dump(data)


# Every string of up to three of these characters, and strings made of words the
# resolver reads as other than text: the one-line writer (plain or single-quoted)
# must choose what libyaml chooses.
_SCALAR_ALPHABET = " :#-?.'\"a1,[é“\t0~!%@`>|*&{}="
_SCALAR_WORDS = [
    "yes",
    "No",
    "null",
    "~",
    "=",
    "<<",
    "2008-05-13",
    "2008-5-1",
    "2008-05-13 10:00:00",
    "1984",
    "0x1f",
    "017",
    "1_000",
    ".5",
    "+1",
    "-.inf",
    ".NaN",
    "1.0e+5",
    "12:30",
    "0b101",
    "on",
    "TRUE",
    "0fa6c9",
    "000045_2ece6eb792e57636.txt",
    " ",
    ":",
    "#",
    "'",
    "-",
    ".",
    "a",
]


def _dumped(value: str) -> str | None:
    dumped = _yaml_dump([value])
    one_line = dumped.startswith("- ") and "\n" not in dumped[:-1]
    return dumped[2:-1] if one_line else None


def test_one_line_scalars_are_what_yaml_dump_writes() -> None:
    values = [
        "".join(chars)
        for size in (1, 2, 3)
        for chars in itertools.product(_SCALAR_ALPHABET, repeat=size)
    ]
    values += ["".join(words) for words in itertools.product(_SCALAR_WORDS, repeat=2)]
    for value in values:
        written = _one_line(value)
        if written is not None:
            assert written == _dumped(value), repr(value)


@settings(max_examples=1500, deadline=None)
@given(value=yaml_text)
def test_one_line_scalar_is_what_yaml_dump_writes(value: str) -> None:
    written = _one_line(value)
    if written is not None:
        assert written == _dumped(value)


def test_front_matter_yaml_takes_long_text_to_yaml_dump() -> None:
    data = {"title": "word " * 30_000, "notes": ["x" * 120_000]}
    assert front_matter_yaml(data) == _yaml_dump(data)


# --- the manifest's file keys -------------------------------------------------------------


def test_stats_keys_are_resolved_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("a", "utf-8")
    (tmp_path / "elsewhere.txt").write_text("b", "utf-8")
    (tmp_path / "real" / "link.txt").symlink_to(tmp_path / "elsewhere.txt")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    monkeypatch.chdir(tmp_path)
    paths = [
        Path("linked/a.txt"),
        Path("linked/link.txt"),
        Path("real/a.txt"),
        Path("linked/../elsewhere.txt"),
    ]
    expected = {}
    for path in paths:
        st = path.stat()
        expected[str(path.resolve())] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    assert _stats(paths) == expected
