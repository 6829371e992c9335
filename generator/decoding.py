"""Raw scrape bytes to clean text: encodings, line endings and invisible junk.

The archive mixes UTF-8 (with and without a BOM), Windows-1252 and Latin-1. UTF-8
is tried first because it almost never decodes non-UTF-8 bytes by accident; what
fails is read as Windows-1252 (line by line, as one file can run together dumps
saved in different encodings), which is a superset of Latin-1's printable range
(Latin-1's 0x80-0x9F are C1 control codes that real text never holds), so one rule
gives the right curly quotes, pound signs and accents for both. A statistical
detector such as charset-normalizer guesses per file and can misread short
Latin-1 files as other code pages; this rule cannot.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Windows-1252 leaves five bytes undefined; Latin-1 maps them to C1 controls, which
# the control-character pass below then removes.
_UNDEFINED_CP1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_CONTROL_RE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\ufeff]"
)
# Spacing other than the plain space; runs of plain spaces are collapsed apart.
_ODD_SPACE_RE = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")


_LINE_BREAK_RE = re.compile(rb"(\r\n|\r|\n)")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))


class NotText(ValueError):
    """The bytes are not a text scrape (binary, or empty)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def _cp1252(data: bytes) -> str:
    return "".join(
        chr(b) if b in _UNDEFINED_CP1252 else bytes([b]).decode("cp1252") if b >= 0x80 else chr(b)
        for b in data
    )


def decode(data: bytes) -> Decoded:
    """Decode scrape bytes; raise NotText for empty or binary input."""
    if not data.strip():
        raise NotText("the file is empty")
    sample = data[:4096]
    if b"\x00" in sample:
        raise NotText("the file is binary (it contains NUL bytes), not a text scrape")
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > len(sample) // 100 + 2:
        raise NotText("the file is binary (it is full of control bytes), not a text scrape")
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        return Decoded(body.decode("utf-8"), "utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError:
        pass
    # A file runs page dumps together, and they need not share an encoding: each line
    # is read as UTF-8 when it is UTF-8, else as Windows-1252, so one stray byte does
    # not turn every curly quote of the file's UTF-8 dumps into mojibake.
    lines: list[str] = []
    utf8_lines = 0
    for piece in _LINE_BREAK_RE.split(body):
        try:
            lines.append(piece.decode("utf-8"))
            utf8_lines += not piece.isascii()
        except UnicodeDecodeError:
            lines.append(_cp1252_text(piece))
    return Decoded("".join(lines), "utf-8+cp1252" if utf8_lines else "cp1252")


def _cp1252_text(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return _cp1252(data)


def clean_lines(text: str) -> list[str]:
    """Normalise a decoded scrape into stripped lines.

    Line endings (LF, CRLF, CR) become one; non-breaking and other odd spaces become
    plain spaces and runs collapse, so the same article scraped with other
    whitespace reads the same; invisible control characters go. Leading
    whitespace is dropped too: in the scrapes it is layout (timeline bullets,
    stray NBSPs), never meaning.
    """
    text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Regular expressions scan a character class at several nanoseconds a
    # character, most of this function's cost when it ran them over every file.
    # The odd spaces and control characters are all non-printable (str.isprintable,
    # a much faster scan), and the one common in scrapes, the no-break space, goes
    # by str.replace; the expressions run only on lines that still need them.
    text = text.replace("\u00a0", " ")
    lines = text.split("\n")
    if not "".join(lines).isprintable():
        return [
            line.strip() if line.isprintable() and "  " not in line else _clean_line(line)
            for line in lines
        ]
    if "  " not in text:
        return [line.strip() for line in lines]
    # In a printable line the only spacing left is the plain space, so splitting on
    # it and dropping the empty pieces collapses runs and strips the ends at once.
    return [
        " ".join(filter(None, line.split(" "))) if "  " in line else line.strip() for line in lines
    ]


def _clean_line(line: str) -> str:
    """One line that holds odd spacing or invisible characters, or runs of spaces."""
    line = _CONTROL_RE.sub("", line)
    line = _ODD_SPACE_RE.sub(" ", line)
    while "  " in line:
        line = line.replace("  ", " ")
    return line.strip()
