"""``python -m generator survey PATH...``: a census of the cues in a batch of scrapes.

Reads the scrapes as ingest would, writes nothing, and prints for each kind of
cue each form it found, with its count and one example ``file:line``; the lines
that look like a cue but cannot be read come first, each with its place and why.
An editor runs it on a new batch before ingesting it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from generator.ingest.pipeline import find_files
from generator.ingest.scrape import ParsedArticle, read_scrape

# Kinds in the order a page dump holds them.
KINDS = (
    "picture",
    "timeline heading",
    "timeline bullet",
    "timeline date",
    "timeline credit",
    "bio",
    "provenance",
)


def survey(paths: Iterable[Path]) -> str:
    """The census as text (raises pipeline.UsageError for a path that does not exist)."""
    files = find_files(paths)
    unread: list[str] = []
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}
    articles = 0
    rejected = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as error:
            unread.append(f"{path}: cannot read: {error.strerror or error}")
            continue
        result = read_scrape(path.name, data, with_cues=True)
        if result.rejected:
            rejected += 1
        articles += sum(1 for a in result.articles if isinstance(a, ParsedArticle))
        unread.extend(f"{path}:{u}" for u in result.unread)
        for kind, form, line in result.cues:
            key = (kind, form)
            counts[key] += 1
            examples.setdefault(key, f"{path}:{line}")
    out = [
        f"survey: {len(files)} file(s), {articles} article dump(s), {rejected} rejected, "
        f"{len(unread)} unread cue(s)"
    ]
    if unread:
        # What each looked like, counted, then every one at its place.
        looked: Counter[str] = Counter()
        first: dict[str, str] = {}
        for u in unread:
            what = u.split(": ")[1] if u.count(": ") >= 2 else "unreadable file"
            looked[what] += 1
            first.setdefault(what, u.split(": ")[0])
        out.append("")
        out.append(f"unread cues ({len(unread)}): the text stays in the body")
        width = max(len(w) for w in looked)
        for what, n in sorted(looked.items(), key=lambda x: (-x[1], x[0])):
            out.append(f"  {n:>7}  {what:<{width}}  e.g. {first[what]}")
        out.extend(f"  {u}" for u in unread)
    kinds = [k for k in KINDS if any(key[0] == k for key in counts)]
    kinds += sorted({key[0] for key in counts} - set(kinds))
    for kind in kinds:
        forms = sorted(
            ((form, n) for (k, form), n in counts.items() if k == kind), key=lambda x: (-x[1], x[0])
        )
        out.append("")
        out.append(f"{kind} ({sum(n for _, n in forms)})")
        width = max(len(form) for form, _ in forms)
        for form, n in forms:
            out.append(f"  {n:>7}  {form:<{width}}  e.g. {examples[(kind, form)]}")
    return "\n".join(out)
