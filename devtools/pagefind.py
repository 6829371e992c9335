"""Pagefind, run on the built site: the benchmark's yardstick for search.

The edition's own index (search_index.py) replaced Pagefind, which was the first
candidate: Pagefind's metadata file lists every page and is fetched by every query
(105 kB at 10,000 articles, about 10 kB more per 1,000), and indexing 10,000
articles took it 38% of the build and 5.4 GB of memory. ``make bench`` still runs
it on the same built site, so the comparison stays measured, not remembered.

What is indexed is declared in the templates, not here: article pages carry
``data-pagefind-body`` (listing pages do not, so Pagefind leaves them out) with
``data-pagefind-filter`` (issue, year, writer, topic), ``-sort`` (date) and ``-meta``
(title, standfirst, date) on the elements that hold those values. This module
points Pagefind at the built site, writes its bundle into ``site/pagefind/``, then
makes that bundle byte-identical from build to build (see ``_canonicalise``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GeneratorError

BUNDLE = "pagefind"
# Only article pages hold a data-pagefind-body; parsing the listing pages as well
# would cost time (thousands of issue and writer pages at archive scale) to find
# nothing. The templates' attributes stay the definition of what is indexed.
ARTICLE_GLOB = "articles/*/index.html"
# The edition is English throughout. Forcing it keeps one index (and one WASM file,
# with English stemming) even if a page ever lacks or misstates its lang attribute.
LANGUAGE = "en"
# Pagefind's ready-made interfaces; the search page uses its own (search.js) on
# pagefind.js, so these 450 kB would be published and never fetched.
UNUSED_UI_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
# Indexing 10,000 articles takes under two minutes on two cores, so an hour only
# turns a hang of the Pagefind program into an error.
TIMEOUT_SECONDS = float(os.environ.get("NS_SEARCH_INDEX_TIMEOUT", "3600"))


class PagefindError(GeneratorError):
    """Pagefind could not index the site; the message says why. (Named apart from
    generator.errors.SearchIndexError: that is the edition's own index.)"""


@dataclass(frozen=True)
class PagefindStats:
    pages: int  # article pages in the index
    files: int  # files in site/pagefind/
    bytes: int  # their total size: what the site serves, not what a query fetches
    canonical: bool  # the bundle was made byte-identical for identical content


def index_site(site: Path) -> PagefindStats:
    """Index the article pages of the built site in ``site`` into ``site/pagefind/``."""
    site = site.resolve()
    out = site / BUNDLE
    _check_marked(site)
    if out.exists():
        # A stale bundle would leave chunks no entry file points at.
        shutil.rmtree(out)
    try:
        pages = _index(site, out)
    except TimeoutError as error:
        raise PagefindError(
            f"Pagefind did not finish indexing {site} within {TIMEOUT_SECONDS:.0f}s"
        ) from error
    except FileNotFoundError as error:
        raise PagefindError(
            f"the Pagefind binary is missing ({error}); install the project's "
            "dependencies (pip install -e .) so that pagefind[bin] provides it"
        ) from error
    except (RuntimeError, OSError) as error:  # _index says what went wrong
        raise PagefindError(f"Pagefind could not index {site}: {error}") from error
    articles = len(list(site.glob(ARTICLE_GLOB)))
    if articles and not pages:
        # Most likely the article template lost its data-pagefind-body: a site whose
        # search finds nothing must not be published.
        raise PagefindError(
            f"Pagefind indexed none of the {articles} article pages: check the "
            "data-pagefind-body attributes in overrides/edition/article.html"
        )
    if pages < articles:
        print(
            f"search index: {articles - pages} of {articles} article pages have no "
            "indexable text and are not searchable",
            file=sys.stderr,
        )
    try:
        _canonicalise(out)
        canonical = True
    except _UnexpectedBundle as error:
        # The index still works as Pagefind wrote it; only its filter file names
        # may change from build to build. Say so rather than fail the build.
        print(f"search index: left as Pagefind wrote it ({error})", file=sys.stderr)
        canonical = False
    for name in UNUSED_UI_FILES:
        (out / name).unlink(missing_ok=True)
    files = [p for p in out.rglob("*") if p.is_file()]
    return PagefindStats(
        pages=pages,
        files=len(files),
        bytes=sum(p.stat().st_size for p in files),
        canonical=canonical,
    )


def _check_marked(site: Path) -> None:
    """Article pages must mark their text with data-pagefind-body. Without it,
    Pagefind indexes every page whole, header and navigation included, and every
    excerpt would read "Home Issues Writers…": so stop, naming the template. One
    page is enough to look at: every article page comes from the same template."""
    first = next(iter(sorted(site.glob(ARTICLE_GLOB))), None)
    if first is not None and b"data-pagefind-body" not in first.read_bytes():
        raise PagefindError(
            f"{first.relative_to(site)} has no data-pagefind-body: the article template "
            "(overrides/edition/article.html) must mark what search indexes"
        )


def _index(site: Path, out: Path) -> int:
    """Run Pagefind's own command-line program (from the pagefind[bin] package).

    Not its Python API: that API's service answers the write request before every
    file is on disk, and closing it then ends the process, which left files cut
    short (an empty pagefind-entry.json, a truncated UI script) when the machine
    was busy. The program exits only when its bundle is complete.
    """
    from pagefind_bin import get_executable

    command = [
        str(get_executable()),
        "--site", str(site),
        "--glob", ARTICLE_GLOB,
        "--output-path", str(out),
        "--force-language", LANGUAGE,
    ]  # fmt: skip
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise TimeoutError(str(error)) from error
    if result.returncode != 0:
        raise RuntimeError(
            f"pagefind exited with {result.returncode}: "
            f"{(result.stderr or result.stdout).strip()[-2000:]}"
        )
    match = re.search(r"Indexed (\d+) pages?", result.stdout)
    if match is None:
        raise RuntimeError(
            f"pagefind did not say how many pages it indexed: {result.stdout[-500:]}"
        )
    return int(match.group(1))


# --- making the bundle deterministic ---------------------------------------------------
#
# Pagefind 1.5.2 collects filter values in a Rust HashMap, whose iteration order is
# seeded at random in every process, and writes them in that order: each filter
# file, and the list of filter files in the metadata file, come out shuffled, so
# their content-hash names change on every build even when nothing else does
# (upstream: Pagefind/pagefind#638, "Other files will still change, such as the
# filter/metadata indexes"; the source carried "TODO: Change filter indexes to
# BTree to give them a stable hash", since done on its main branch by sorting).
# Everything else (word chunks, fragments, sort orders) is already stable, given
# the same page numbering: Pagefind numbers pages in the order the file system
# lists them, the same for the same files on one machine, not across machines.
#
# So after Pagefind writes, the filter values and the filter list are sorted, as
# later Pagefind versions do, and the files renamed with Pagefind's own naming
# (SHA-1 of the CBOR, "{lang}_" + 7 hex digits; 10 for the metadata file). The
# files are CBOR behind a "pagefind_dcd" signature, gzipped. Nothing is rewritten
# unless every file decodes to exactly the expected shape and re-encodes to exactly
# its original bytes, so a change of format in a later Pagefind leaves its output
# untouched rather than corrupted.

_SIGNATURE = b"pagefind_dcd"


class _UnexpectedBundle(Exception):
    """The bundle is not in the format this module knows how to canonicalise."""


def _canonicalise(out: Path) -> None:
    entry_path = out / "pagefind-entry.json"
    entry_text = entry_path.read_text("utf-8")
    entry = json.loads(entry_text)
    if _entry_json(entry) != entry_text:
        raise _UnexpectedBundle("pagefind-entry.json is not in the expected form")
    writes: dict[Path, bytes] = {}
    removals: set[Path] = set()
    for language, info in entry.get("languages", {}).items():
        old_meta_path = out / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_cbor(old_meta_path)
        if not (isinstance(meta, list) and len(meta) == 6 and isinstance(meta[3], list)):
            raise _UnexpectedBundle(f"{old_meta_path.name} is not a Pagefind 1.5 index")
        filters: list[list[object]] = []
        taken: set[str] = set()
        for item in sorted(meta[3], key=_filter_name):
            name, old_hash = _filter_name(item), item[1]  # type: ignore[index]
            old_path = out / "filter" / f"{old_hash}.pf_filter"
            data = _read_cbor(old_path)
            if not (
                isinstance(data, list)
                and len(data) == 2
                and data[0] == name
                and isinstance(data[1], list)
                and all(_is_filter_value(v) for v in data[1])
            ):
                raise _UnexpectedBundle(f"{old_path.name} is not a Pagefind 1.5 filter")
            encoded = _cbor(
                [name, sorted(data[1], key=lambda v: v[0])]  # type: ignore[no-any-return]
            )
            new_hash = _short_name(language, _pagefind_hash(encoded), 7, taken)
            removals.add(old_path)
            writes[out / "filter" / f"{new_hash}.pf_filter"] = _pack(encoded)
            filters.append([name, new_hash])
        meta[3] = filters
        encoded_meta = _cbor(meta)
        new_meta_hash = f"{language}_{_pagefind_hash(encoded_meta)[: len(language) + 8]}"
        removals.add(old_meta_path)
        writes[out / f"pagefind.{new_meta_hash}.pf_meta"] = _pack(encoded_meta)
        info["hash"] = new_meta_hash
    for path in removals - set(writes):
        path.unlink()
    for path, data in writes.items():
        path.write_bytes(data)
    entry_path.write_text(_entry_json(entry), "utf-8")


def _entry_json(entry: object) -> str:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def _filter_name(item: object) -> str:
    if not (isinstance(item, list) and len(item) == 2 and all(isinstance(s, str) for s in item)):
        raise _UnexpectedBundle("a filter entry in the metadata is not [name, hash]")
    return str(item[0])


def _is_filter_value(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], list)
        and all(isinstance(n, int) for n in value[1])
    )


def _pagefind_hash(data: bytes) -> str:
    # Pagefind formats each SHA-1 byte with "{:x?}", which drops leading zeros; the
    # names must match its own or a file would get a different name from Pagefind.
    return "".join(format(b, "x") for b in hashlib.sha1(data).digest())


def _short_name(language: str, digest: str, length: int, taken: set[str]) -> str:
    # As Pagefind does: lengthen the name by a digit while it collides.
    for size in range(length, len(digest) + 1):
        name = f"{language}_{digest[:size]}"
        if name not in taken:
            taken.add(name)
            return name
    raise _UnexpectedBundle("two filter files have the same content")


def _read_cbor(path: Path) -> object:
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise _UnexpectedBundle(f"{path.name}: {error}") from error
    if not raw.startswith(_SIGNATURE):
        raise _UnexpectedBundle(f"{path.name} lacks Pagefind's signature")
    body = raw[len(_SIGNATURE) :]
    value, end = _cbor_decode(body, 0)
    if end != len(body) or _cbor(value) != body:
        raise _UnexpectedBundle(f"{path.name} does not round-trip through CBOR")
    return value


def _pack(encoded: bytes) -> bytes:
    # mtime=0 so the gzip header carries no build time.
    return gzip.compress(_SIGNATURE + encoded, compresslevel=9, mtime=0)


# The subset of CBOR (RFC 8949) that Pagefind's filter and metadata files use:
# integers, text and byte strings, definite-length arrays, shortest-form heads.


def _cbor_decode(buf: bytes, pos: int) -> tuple[object, int]:
    if pos >= len(buf):
        raise _UnexpectedBundle("truncated CBOR")
    major, info = buf[pos] >> 5, buf[pos] & 0x1F
    pos += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        if pos + size > len(buf):
            raise _UnexpectedBundle("truncated CBOR")
        arg = int.from_bytes(buf[pos : pos + size], "big")
        pos += size
    else:
        raise _UnexpectedBundle(f"unsupported CBOR item {buf[pos - 1]:#x}")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        if pos + arg > len(buf):
            raise _UnexpectedBundle("truncated CBOR")
        raw = buf[pos : pos + arg]
        try:
            return (bytes(raw) if major == 2 else raw.decode("utf-8")), pos + arg
        except UnicodeDecodeError as error:
            raise _UnexpectedBundle("invalid UTF-8 in CBOR text") from error
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _cbor_decode(buf, pos)
            items.append(item)
        return items, pos
    raise _UnexpectedBundle(f"unsupported CBOR major type {major}")


def _cbor_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise _UnexpectedBundle("integer too large for CBOR")


def _cbor(value: object) -> bytes:
    if isinstance(value, bool):
        raise _UnexpectedBundle("unexpected boolean in CBOR")
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(_cbor(v) for v in value)
    raise _UnexpectedBundle(f"unexpected {type(value).__name__} in CBOR")


def point_search_page_at_pagefind(site: Path) -> None:
    """Make the built search page run on Pagefind's bundle instead of the
    edition's index: search-engine.js speaks the part of Pagefind's API that
    search.js uses, so swapping the two attributes is the whole change."""
    page = site / "search" / "index.html"
    html = page.read_text("utf-8")
    swapped = re.sub(r'data-bundle="([./]*)search-index/"', r'data-bundle="\1pagefind/"', html)
    swapped = re.sub(
        r'data-engine="([./]*)assets/javascripts/search-engine\.js"',
        r'data-engine="\1pagefind/pagefind.js"',
        swapped,
    )
    if swapped.count("pagefind/") != 2:
        raise PagefindError(f"{page}: no data-bundle and data-engine to point at Pagefind")
    page.unlink()  # the benchmark's copy shares its files with the build (hard links)
    page.write_text(swapped, "utf-8")


def main(argv: list[str] | None = None) -> int:
    """``python -m devtools.pagefind SITE``: index a built site with
    Pagefind and point its search page at it (the benchmark's comparison)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m devtools.pagefind SITE", file=sys.stderr)
        return 2
    site = Path(args[0])
    stats = index_site(site)
    point_search_page_at_pagefind(site)
    print(f"pagefind: {stats.pages} pages, {stats.files} files, {stats.bytes / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
