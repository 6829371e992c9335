"""The edition's text face, subset and committed: ``make fonts``.

Source Serif 4 (SIL Open Font License 1.1) comes from the npm registry, pinned by
``tools/fonts/package-lock.json`` (``@fontsource/source-serif-4``, whose "latin"
files hold every character the seed edition uses). This script cuts each face down
to the characters the edition can print: ASCII, the Latin-1 letters that names and
quotations use, the typographic punctuation the site sets at render time (curly
quotes, dashes, the ellipsis), and every other character found in ``content/`` and
the page templates. The woff2 files it writes to ``overrides/assets/fonts/`` are
committed, so ``make site`` (and Netlify) never needs npm or a network: run
``make fonts`` again after content brings characters the font lacks (the test
``tests/test_design.py`` lists them).

The output is byte-for-byte reproducible: the same package and content give the
same files (no timestamp is written into the font's head table).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tools" / "fonts" / "node_modules" / "@fontsource" / "source-serif-4"
OUT = ROOT / "overrides" / "assets" / "fonts"
# The faces the stylesheet uses: text, italic (standfirsts, verse, notes) and bold
# (headlines). A bold italic is rare enough in the edition to be synthesised.
FACES = {
    "source-serif-4-400.woff2": "source-serif-4-latin-400-normal.woff2",
    "source-serif-4-400-italic.woff2": "source-serif-4-latin-400-italic.woff2",
    "source-serif-4-700.woff2": "source-serif-4-latin-700-normal.woff2",
}
# Always kept, whatever the content holds today.
BASELINE = (
    {chr(c) for c in range(0x20, 0x7F)}  # ASCII
    | {chr(c) for c in range(0xA0, 0x100)}  # Latin-1: é, ü, £, ©, non-breaking space
    | set("‘’“”‚„–—…•·′″‹›€™†‡\u2009\u200a\u202f")  # what typography adds at render time
)
# OpenType features worth their bytes in running text: kerning and the f-ligatures,
# the two that edition.css asks for. Not the figure styles (onum, pnum, tnum: no
# stylesheet selects them; 2.8 kB over the three faces) nor locl (forms for other
# languages than the pages' English). The mark-positioning features (ccmp, mark,
# mkmk; 4.8 kB with locl) only where the text holds a combining mark: ingest
# normalises to NFC, so an accent is a precomposed letter with its own glyph unless
# no precomposed form exists. Measured with `make fonts`, 2026-12-06: 56,568 bytes
# for the three faces with every feature, 48,912 with these.
FEATURES = ["kern", "liga"]
MARK_FEATURES = ["ccmp", "mark", "mkmk"]


def edition_characters(root: Path = ROOT) -> set[str]:
    """Every character the edition's content and templates hold, whitespace aside."""
    chars: set[str] = set()
    paths = [
        *sorted((root / "content").rglob("*.md")),
        *sorted((root / "content").rglob("*.yml")),
        *sorted((root / "overrides" / "edition").glob("*.html")),
    ]
    for path in paths:
        if "sources" in path.relative_to(root).parts:
            continue  # raw scrapes: their text reaches pages through articles/
        chars |= set(path.read_text("utf-8"))
    return {c for c in chars if not c.isspace() or c in "\u00a0\u2009\u200a\u202f"}


def features(text: set[str]) -> list[str]:
    """The OpenType features to keep for ``text``."""
    if any(unicodedata.combining(c) for c in text):
        return FEATURES + MARK_FEATURES
    return list(FEATURES)


def subset(source: Path, dest: Path, text: set[str]) -> int:
    from fontTools import subset as ftsubset
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)
    cmap = font.getBestCmap()
    unicodes = sorted(ord(c) for c in text if ord(c) in cmap)
    options = ftsubset.Options()
    options.layout_features = features(text)
    options.flavor = "woff2"
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and licence
    options.notdef_outline = True
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.flavor = "woff2"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp")
    font.save(tmp, reorderTables=True)
    tmp.replace(dest)
    return dest.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=PACKAGE)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    files = args.package / "files"
    if not files.is_dir():
        print(f"{args.package}: not installed; run `make fonts`", file=sys.stderr)
        return 2
    text = BASELINE | edition_characters()
    for name, source in FACES.items():
        size = subset(files / source, args.out / name, text)
        print(f"{args.out / name}: {size:,} bytes")
    shutil.copyfile(args.package / "LICENSE", args.out / "OFL.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
