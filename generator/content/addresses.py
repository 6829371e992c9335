"""Addresses that never break: the ledger of published addresses, and redirects.

Every address the edition has published stays answering. ``content/addresses.txt``
is the ledger: one page address a line, sorted, committed with the content. A
build (``make site``) and a clean ``python -m generator check`` add the addresses
of the current pages to it; nothing removes one. When an editor renames an
article (its file and slug) or a topic, its old address is in the ledger but no
page answers for it any more, so ``check`` demands an alias:

- an article's old slug in its ``aliases:`` list (front matter);
- a topic's old name in its ``aliases:`` list in ``content/topics.yml``.

Each alias becomes a line of Netlify's ``_redirects`` file, ``old new 301``, which
the build writes into the site. A redirect always points at a page of the current
edition and never from one, so it can neither loop nor end on a missing page;
``redirects`` checks both all the same, since a broken redirect is worse than
none.

Only the pages that can move are recorded (articles, issues, writers, collections,
topics, and the year and part pages of the section listings: generator/content/
listings.py); the section pages (``/issues/``, ``/topics/`` ...) are fixed by the nav.
The work is linear in the archive: a set of addresses and one sorted write.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.atomic import write_atomic
from generator.content.curation import Curation, topic_slug
from generator.content.listings import listing_paths
from generator.content.problems import Problem
from generator.content.schema import Article

LEDGER = "addresses.txt"
REDIRECTS = "_redirects"
_HEADER = (
    "# Every page address the edition has published (written by `make site` and\n"
    "# `python -m generator check`; commit it). An address listed here must keep\n"
    "# answering: when you rename an article or a topic, give it an `aliases:` entry\n"
    "# for the old name; for any other page, write its new address after the old\n"
    "# one on its line. To retire a page on purpose, delete its line (see\n"
    "# CONTRIBUTING.md).\n"
)


@dataclass(frozen=True)
class Redirect:
    source: str  # an old address, "/articles/old-slug/"
    target: str  # the page that answers for it now
    path: str  # the file that declares it, for messages
    line: int
    field: str


def page_addresses(
    articles: Iterable[Article], curation: Curation, writer_slug: Callable[[str], str]
) -> set[str]:
    """The addresses of the pages that can move, as site paths ("/articles/x/");
    ``writer_slug``: how a writer's name becomes the address of their page."""
    found: set[str] = set()
    articles = list(articles)
    # The year and part pages of the split section listings (listings.py), and of
    # the most prolific writers: a page such as /timelines/1938/ is shared and
    # linked like an issue's.
    found.update(f"/{path[: -len('.md')]}/" for path in listing_paths(articles, writer_slug))
    for a in articles:
        found.add(f"/articles/{a.slug}/")
        if a.issue:
            found.add(f"/issues/{a.issue.date.isoformat()}/")
        found.update(f"/authors/{writer_slug(name)}/" for name in a.authors)
    found.update(f"/{c.url}" for c in curation.collections.values())
    found.update(f"/{t.url}" for t in curation.topics.values())
    return found


def declared_redirects(
    articles: Iterable[Article],
    curation: Curation,
    article_path: dict[str, str],
    article_lines: dict[str, dict[str, int]],
    topics_path: str,
) -> list[Redirect]:
    out: list[Redirect] = []
    for a in articles:
        lines = article_lines.get(a.slug, {})
        for i, alias in enumerate(a.aliases):
            where = f"aliases.{i}"
            line = lines.get(where, lines.get("aliases", 1))
            out.append(
                Redirect(
                    f"/articles/{alias}/",
                    f"/articles/{a.slug}/",
                    article_path.get(a.slug, a.slug),
                    line,
                    where,
                )
            )
    for t in curation.topics.values():
        for name in t.aliases:
            out.append(
                Redirect(
                    f"/topics/{topic_slug(name)}/",
                    f"/{t.url}",
                    topics_path,
                    t.line,
                    "aliases",
                )
            )
    return out


@dataclass(frozen=True)
class LedgerLine:
    line: int
    address: str
    target: str | None  # an editor's redirect: "old new" on one line


# The last ledger read, by its path and stat: a build reads it three times (its
# redirects, the dangling addresses, then the addresses it adds), 0.4 s at
# 100,000 articles (110,000 lines; py-spy of a one-edit rebuild).
_read: dict[str, tuple[tuple[int, ...], tuple[LedgerLine, ...]]] = {}


def read_ledger(content: Path) -> tuple[LedgerLine, ...]:
    """Every address in the ledger, with the redirect an editor gave it, if any."""
    path = content / LEDGER
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return ()
    # The inode too: each write is a new file (write_atomic), within the clock's tick.
    key, stamp = os.fspath(path), (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    hit = _read.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    out = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            out.append(LedgerLine(number, parts[0], parts[1] if len(parts) > 1 else None))
    _read.clear()
    _read[key] = (stamp, tuple(out))
    return _read[key][1]


def ledger_redirects(content: Path) -> list[Redirect]:
    """The ledger's own redirects (for writers, issues, collections: any page)."""
    shown = str(content / LEDGER)
    return [
        Redirect(e.address, e.target, shown, e.line, "address")
        for e in read_ledger(content)
        if e.target is not None
    ]


def check_addresses(
    content: Path, pages: set[str], redirects: list[Redirect], *, ledger: bool = True
) -> list[Problem]:
    """Aliases that shadow a page or clash, and (with ``ledger``) published
    addresses left dangling."""
    problems: list[Problem] = []
    claimed: dict[str, Redirect] = {}
    for r in redirects:
        if r.target not in pages:
            problems.append(
                Problem(r.path, r.line, r.field, f"{r.target} is no page of the edition")
            )
        elif r.source in pages:
            problems.append(
                Problem(
                    r.path,
                    r.line,
                    r.field,
                    f"{r.source} is the address of a page of the edition; an alias names an "
                    "old address that no page has any more",
                )
            )
        elif r.source in claimed and claimed[r.source].target != r.target:
            other = claimed[r.source]
            problems.append(
                Problem(
                    r.path,
                    r.line,
                    r.field,
                    f"{r.source} is already an alias of {other.target} ({other.path}:"
                    f"{other.line}); one old address can lead to one page only",
                )
            )
        else:
            claimed.setdefault(r.source, r)
    # An address with a redirect, even a wrong one, is reported once, at the redirect.
    declared = {r.source for r in redirects}
    ledger_path = str(content / LEDGER)
    for entry in read_ledger(content) if ledger else ():
        if entry.address in pages or entry.address in declared:
            continue
        problems.append(Problem(ledger_path, entry.line, "address", _dangling(entry.address)))
    return problems


def _dangling(address: str) -> str:
    section, _, rest = address.strip("/").partition("/")
    hint = {
        "articles": f"add {rest!r} to the `aliases:` of the article that replaced it",
        "topics": "add the old topic name to the `aliases:` of the topic that replaced it "
        "in topics.yml",
    }.get(
        section,
        "write the address of the page that replaced it after it on this line, or delete "
        "the line to retire the page",
    )
    return f"{address} was published and no page answers for it now: {hint}"


def record_ledger(content: Path, pages: set[str]) -> bool:
    """Add the current pages' addresses to the ledger; True if it changed."""
    known = {e.address: e.target for e in read_ledger(content)}
    if pages <= known.keys():
        return False
    for address in pages - known.keys():
        known[address] = None
    data = _HEADER + "".join(f"{a} {known[a]}\n" if known[a] else f"{a}\n" for a in sorted(known))
    write_atomic(content / LEDGER, data.encode("utf-8"))
    return True


def redirects_file(redirects: list[Redirect], pages: set[str]) -> bytes:
    """Netlify's ``_redirects``: one ``old new 301`` line per alias, sorted.

    Raises ValueError for a redirect that would loop or end on no page (check
    stops those first; this keeps a bad file from ever being published).
    """
    by_source: dict[str, str] = {}
    for r in redirects:
        if r.target not in pages:
            raise ValueError(f"{r.path}:{r.line}: {r.field}: {r.target} is no page of the site")
        if r.source in pages or r.source == r.target:
            raise ValueError(f"{r.path}:{r.line}: {r.field}: {r.source} would loop")
        by_source[r.source] = r.target
    lines = [f"{source} {target} 301\n" for source, target in sorted(by_source.items())]
    return "".join(lines).encode("utf-8")
