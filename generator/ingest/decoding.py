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
    # The bytes that were decoded, when they are exactly the text's UTF-8 (most
    # files): clean_lines reads them to find the text's unusual characters without
    # encoding the text again.
    utf8: bytes | None = None


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
        return Decoded(body.decode("utf-8"), "utf-8-sig" if bom else "utf-8", body)
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


# Every byte that encodes a printable ASCII character or a line feed: what is left
# of a text's UTF-8 without them is its other characters, each still whole.
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\n"


def _nfc_inert(char: str) -> bool:
    """True for characters that NFC never changes, nor combines with a neighbour:
    below U+0300, where the combining marks start, and the general punctuation and
    currency signs after the two spaces that NFC replaces (U+2000, U+2001). Text
    made of them alone is already NFC, and most scrapes are (curly quotes, dashes,
    accented Latin letters); tests/test_ingest_fast_paths.py checks both ranges
    against the Unicode database."""
    return char < "\u0300" or "\u2002" <= char < "\u20d0"


def _unusual(text: str, utf8: bytes | None) -> set[str]:
    """The distinct characters of ``text`` other than printable ASCII and "\n".

    Deleting bytes is a plain table lookup a byte, many times cheaper than the
    per-character Unicode database lookups of normalising or ``isprintable`` the
    whole text; the few characters left are then looked at one by one.
    """
    if utf8 is None:
        utf8 = text.encode("utf-8", "surrogatepass")
    return set(utf8.translate(None, _PLAIN_BYTES).decode("utf-8", "surrogatepass"))


def clean_lines(text: str, utf8: bytes | None = None) -> list[str]:
    """Normalise a decoded scrape into stripped lines.

    Line endings (LF, CRLF, CR) become one; non-breaking and other odd spaces become
    plain spaces and runs collapse, so the same article scraped with other
    whitespace reads the same; invisible control characters go. Leading
    whitespace is dropped too: in the scrapes it is layout (timeline bullets,
    stray NBSPs), never meaning.

    ``utf8``, when given, must be ``text``'s UTF-8 encoding (``Decoded.utf8``).
    """
    unusual = _unusual(text, utf8)
    if not all(_nfc_inert(char) for char in unusual):
        text = unicodedata.normalize("NFC", text)
        unusual = _unusual(text, None)
    if "\r" in unusual:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        unusual.discard("\r")
    # Regular expressions scan a character class at several nanoseconds a
    # character, most of this function's cost when it ran them over every file.
    # The odd spaces and control characters are all non-printable, and the one
    # common in scrapes, the no-break space, goes by str.replace; the expressions
    # run only on lines that still need them.
    if "\u00a0" in unusual:
        text = text.replace("\u00a0", " ")
        unusual.discard("\u00a0")
    lines = text.split("\n")
    if not all(char.isprintable() for char in unusual):
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
