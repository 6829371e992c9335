"""Ingest: raw scrape files to ``content/articles/<slug>.md``, never clobbering editors.

The path is read (scrape.py) -> merge duplicates -> assign stable slugs -> write
(article_markdown.py, content/article_file.py) -> report. Reading and writing are the
costly steps; with many files they run in worker processes (workers.py), each of which
owns a share of the files from reading to writing: a parsed article stays in the
process that parsed it, and the main process, which merges duplicates and chooses
slugs, sees only a few fields of it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from generator.atomic import write_atomic
from generator.boundary import Skipped, inside, shown, walk_names, writable_folder
from generator.code_digest import code_digest
from generator.content import yamlio
from generator.content.article_file import article_names, dump_article
from generator.content.problems import ISSUE_YEARS
from generator.content.schema import IssueRef, Source
from generator.errors import GeneratorError, UsageError
from generator.ingest.article_markdown import to_article
from generator.ingest.scrape import KnownArticle, ParsedArticle, ScrapeResult, read_scrape
from generator.ingest.slugs import base_slug, candidates
from generator.ingest.workers import ShardPool
from generator.lock import project_lock, sweep

PARALLEL_THRESHOLD = 16


@dataclass(frozen=True)
class Outcome:
    slug: str
    path: str
    status: str  # written, updated, unchanged, kept, overwritten
    sources: tuple[str, ...]


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # "file:line: what it looked like: why it was not read": lines that look like a
    # cue (provenance, timeline, bio) but could not be read; their text stays in
    # the body. Counted apart from the warnings: each is an article that may be
    # misfiled.
    unread_cues: list[str] = field(default_factory=list)
    files: int = 0
    dumps: int = 0
    duplicates: int = 0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": [
                {"slug": o.slug, "path": o.path, "sources": list(o.sources), "status": o.status}
                for o in self.outcomes
            ],
            "rejected": [{"file": f, "reason": r} for f, r in self.rejected],
            "warnings": list(self.warnings),
            "unread_cues": list(self.unread_cues),
            "summary": self.summary_counts(),
        }

    def summary_counts(self) -> dict[str, int]:
        return {
            "files": self.files,
            "articles": len(self.outcomes),
            "written": self.count("written"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "kept_edited": self.count("kept"),
            "overwritten": self.count("overwritten"),
            "duplicates_merged": self.duplicates,
            "rejected": len(self.rejected),
            "warnings": len(self.warnings),
            "unread_cues": len(self.unread_cues),
        }

    def summary_text(self, max_lines: int = 12) -> str:
        c = self.summary_counts()
        lines = [
            f"ingest: {c['files']} file(s), {c['articles']} article(s): "
            f"{c['written']} written, {c['updated']} updated with new sources, "
            f"{c['unchanged']} unchanged, {c['kept_edited']} kept because edited, "
            f"{c['overwritten']} overwritten (--force)",
            f"        {c['duplicates_merged']} duplicate(s) merged, {c['rejected']} file(s) "
            f"rejected, {c['warnings']} warning(s), {c['unread_cues']} unread cue(s)",
        ]
        for unread in self.unread_cues[:max_lines]:
            lines.append(f"unread cue {unread}")
        if len(self.unread_cues) > max_lines:
            lines.append(
                f"... and {len(self.unread_cues) - max_lines} more unread cues (see --report)"
            )
        for file, reason in self.rejected[:max_lines]:
            lines.append(f"rejected {file}: {reason}")
        if len(self.rejected) > max_lines:
            lines.append(f"... and {len(self.rejected) - max_lines} more rejected (see --report)")
        for outcome in self.outcomes:
            if outcome.status == "kept":
                lines.append(
                    f"kept {outcome.path}: an editor changed it; ingest left it alone "
                    "(--force overwrites)"
                )
        kinds: dict[str, int] = {}
        for warning in self.warnings:
            kind = warning.split(": ", 1)[-1]
            kind = kind.split(" (")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))[:max_lines]:
            lines.append(f"warning x{n}: {kind}")
        return "\n".join(lines)


def find_sources(
    paths: Iterable[Path], project: Path | None = None
) -> tuple[list[Path], list[Skipped]]:
    """Every non-hidden regular file under the given files and folders, sorted, and
    every entry skipped. A file named on the command line is read as named; in a
    folder, a symbolic link is followed only to a file inside the project (or,
    for a folder outside the project, inside that folder)."""
    found: list[str] = []
    skipped: list[Skipped] = []
    for path in paths:
        if path.is_file():
            found.append(str(path))
        elif path.is_dir():
            base = project if project is not None and inside(path, project) else path
            files, skip = walk_names(path, base)
            found.extend(files)
            skipped.extend(skip)
        else:
            raise UsageError(f"{path}: no such file or folder")
    # Sorted by name, then path, as text: comparing Path objects cost more than
    # finding them.
    unique = sorted(set(found), key=lambda p: (os.path.basename(p), p))
    return [Path(p) for p in unique], skipped


def find_files(paths: Iterable[Path]) -> list[Path]:
    """``find_sources`` without the skipped entries."""
    return find_sources(paths)[0]


def _note_skipped(report: IngestReport, skipped: list[Skipped], project: Path) -> None:
    """A link out of the project is a rejected file; anything else skipped a warning."""
    for item in skipped:
        where = shown(item.path, project)
        if item.refused:
            report.rejected.append((where, item.reason))
        else:
            report.warnings.append(f"{where}: {item.reason}")


def _read_one(path: Path, known: Container[str]) -> ScrapeResult:
    try:
        data = path.read_bytes()
    except OSError as error:
        return ScrapeResult(path.name, "", rejected=f"cannot read: {error.strerror or error}")
    return read_scrape(path.name, data, known)


@dataclass(frozen=True)
class _Dump:
    """One page dump as the merge sees it; the parsed article stays in its shard."""

    fingerprint: str
    title: str = ""
    issue: IssueRef | None = None
    warnings: tuple[str, ...] = ()
    # The title's base slug: python-slugify costs a tenth of a millisecond a
    # title, which the workers pay in parallel rather than the main process alone.
    base_slug: str = ""
    # False when the shard had read the same article before: a duplicate, which
    # can never be the copy that is written, carries only its fingerprint.
    first: bool = True


@dataclass(frozen=True)
class _FileResult:
    """A ScrapeResult without the parsed articles: what travels between processes."""

    file: str
    sha256: str
    dumps: tuple[_Dump, ...] = ()
    rejected: str | None = None
    warnings: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()


class _Shard:
    """One process's share of the files: it reads them, keeps the first copy of each
    article it finds, and later writes the ones the merge gives it.

    A shard reads its files in archive order, so an article it has seen before is
    never the archive's first copy (the one ingest writes); it is not kept.
    """

    def __init__(self) -> None:
        self.parsed: dict[str, ParsedArticle] = {}

    def read(self, path: Path) -> _FileResult:
        result = _read_one(path, self.parsed)
        dumps: list[_Dump] = []
        for parsed in result.articles:
            fingerprint = parsed.fingerprint
            if isinstance(parsed, KnownArticle) or fingerprint in self.parsed:
                dumps.append(_Dump(fingerprint, first=False))
            else:
                self.parsed[fingerprint] = parsed
                dumps.append(
                    _Dump(
                        fingerprint,
                        parsed.title,
                        parsed.issue,
                        parsed.warnings,
                        base_slug(parsed.title),
                    )
                )
        return _FileResult(
            result.file,
            result.sha256,
            tuple(dumps),
            result.rejected,
            result.warnings,
            result.unread,
        )

    def write(self, job: _WriteJob) -> tuple[Outcome, _Left]:
        return _write(self.parsed.pop(job.fingerprint), job)


def _workers(files: list[Path]) -> int:
    if len(files) < PARALLEL_THRESHOLD:
        return 1
    return os.cpu_count() or 1


def read_all(files: list[Path], progress: bool, pool: ShardPool) -> Iterator[_FileResult]:
    """Every file's result, in the order of ``files``. File ``i`` goes to shard
    ``i % workers``: each shard reads its files in archive order, and interleaving
    shares the big files and the first copies (the writing) out evenly."""
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="ingest", file=sys.stderr)
    workers = pool.workers
    results: list[list[_FileResult]] = [[] for _ in range(workers)]
    try:
        for k, batch in pool.run("read", [files[k::workers] for k in range(workers)]):
            results[k].extend(batch)
            if bar:
                bar.update(len(batch))
    finally:
        if bar:
            bar.close()
    for i in range(len(files)):
        yield results[i % workers][i // workers]


@dataclass
class _Found:
    dump: _Dump
    shard: int  # the worker that read the first copy, and so writes the article
    sources: set[Source] = field(default_factory=set)


@dataclass(frozen=True)
class _Existing:
    slug: str
    issue_date: dt.date | None
    source_files: frozenset[str]
    sources: tuple[Source, ...]


def _existing_index(articles_dir: Path) -> dict[str, _Existing | None]:
    """slug -> what identifies the article on disk (None if the file does not parse)."""
    index: dict[str, _Existing | None] = {}
    if not articles_dir.is_dir():
        return index
    for path in articles_dir.glob("*.md"):
        index[path.stem] = _read_identity(path)
    return index


# Listed sources, found line by line: enough to recognise an article whose front
# matter an editor has broken, so that ingest keeps it (and says so) rather than
# publishing the article a second time under another slug.
_SOURCE_FILE_RE = re.compile(r"^[ \t]*-?[ \t]*file:[ \t]*['\"]?(.+?)['\"]?[ \t]*$", re.MULTILINE)
_SOURCE_SHA_RE = re.compile(r"^[ \t]*sha256:[ \t]*['\"]?([0-9a-f]{64})\b", re.MULTILINE)


class UnreadableArticle(GeneratorError):
    """An article file on disk could not be read: ingest cannot tell which article
    it holds, and would write that article a second time under another slug."""


def _read_identity(path: Path) -> _Existing | None:
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        return None
    except OSError as error:
        # Once, an article unreadable for one run came back as a second copy
        # (...-2011-03-07.md), published twice once it was readable again.
        raise UnreadableArticle(
            f"{path}: cannot be read ({error.strerror or error}); ingest stopped without "
            "writing, so that the article it holds is not written a second time"
        ) from error
    try:
        if not text.startswith("---"):
            raise ValueError("no front matter")
        end = text.find("\n---", 3)
        data = yamlio.load(text[3:end])
        issue = data.get("issue") or {}
        date = issue.get("date") if isinstance(issue, dict) else None
        sources = tuple(
            Source(str(s["file"]), str(s["sha256"]))
            for s in data.get("sources") or []
            if isinstance(s, dict) and "file" in s and "sha256" in s
        )
        return _Existing(
            path.stem,
            date if isinstance(date, dt.date) else None,
            frozenset(s.file for s in sources),
            sources,
        )
    except (yaml.YAMLError, AttributeError, TypeError, ValueError):
        files = frozenset(_SOURCE_FILE_RE.findall(text))
        shas = tuple(Source("", sha) for sha in _SOURCE_SHA_RE.findall(text))
        return _Existing(path.stem, None, files, shas) if files or shas else None


def _match(existing: _Existing | None, found: _Found) -> int:
    """How surely the file on disk is this article: 0 not at all, 1 by its issue
    date alone, 2 by the very bytes of a source it lists, 3 by its issue date and a
    source file name.

    A shared source outranks the date alone: an editor may correct the issue date,
    and two articles with one title can come from one issue; neither may take the
    other's file.
    """
    if existing is None:
        return 0
    issue = found.dump.issue
    same_issue = (issue.date if issue else None) == existing.issue_date
    if same_issue and existing.source_files & {s.file for s in found.sources}:
        return 3
    if {s.sha256 for s in existing.sources} & {s.sha256 for s in found.sources}:
        return 2
    # A web-only piece has no issue to tell it apart: it must share a source file.
    return 1 if same_issue and issue is not None else 0


def _choose_slug(
    found: _Found, existing: dict[str, _Existing | None], claimed: set[str], *, strong: bool
) -> str | None:
    """The existing file that best matches ``found``, else (unless ``strong``, which
    accepts only a shared source) the first free slug."""
    issue_date = found.dump.issue.date if found.dump.issue else None
    best, best_rank = None, 0
    for slug in candidates(found.dump.base_slug, issue_date):
        if slug in claimed:
            continue
        if slug not in existing:
            free = slug
            break
        rank = _match(existing[slug], found)
        if rank > best_rank:
            best, best_rank = slug, rank
    if best_rank >= 2 or (best_rank == 1 and not strong):
        return best
    return None if strong else free


def ingest(
    paths: list[Path],
    content: Path,
    *,
    force: bool = False,
    progress: bool = False,
) -> IngestReport:
    # The project is the folder that holds content/: ingest reads no file outside
    # it through a link, and writes into content/articles only if that is inside
    # content/ (a committed link there made ingest write where it pointed).
    project = Path(os.path.abspath(content)).parent
    writable_folder(content / "articles", content, "the articles folder")
    with project_lock(project, "ingest"):
        # What an ingest killed before it could clean up left (generator/lock.py).
        sweep(content / "articles")
        sweep(content)
        return _ingest_locked(paths, content, project, force=force, progress=progress)


def _ingest_locked(
    paths: list[Path], content: Path, project: Path, *, force: bool, progress: bool
) -> IngestReport:
    files, skipped = find_sources(paths, project)
    manifest = _Manifest(content / MANIFEST_NAME)
    keyed = _keyed_stats(files)
    inputs = dict(keyed)
    if not force:
        replayed = manifest.replay(inputs, content)
        if replayed is not None:
            _note_skipped(replayed, skipped, project)
            return replayed
    report = IngestReport(files=len(files))
    with ShardPool(_Shard, _workers(files)) as pool:
        left, shas = _read_and_write(files, content, force, progress, pool, report)
    # Each input's SHA-256, of the bytes the workers parsed: a later ingest whose
    # stats differ (a fresh clone, or CI's cache restored: every file has a new
    # time) replays this one where the bytes are the same.
    digests = {key: sha for (key, _), sha in zip(keyed, shas, strict=True) if sha}
    manifest.save(inputs, report, content, left, digests=digests)
    # Not saved with the manifest: a link added later changes no input it keys on,
    # so what is skipped is found, and said, on every run.
    _note_skipped(report, skipped, project)
    return report


def _read_and_write(
    files: list[Path],
    content: Path,
    force: bool,
    progress: bool,
    pool: ShardPool,
    report: IngestReport,
) -> tuple[dict[str, _Left], list[str]]:
    """Fills ``report``; returns what ingest left in each article file, by slug,
    and each file's SHA-256 as read ("" for a file that could not be read)."""
    project = Path(os.path.abspath(content)).parent
    shas: list[str] = []

    def noting(results: Iterable[_FileResult]) -> Iterator[_FileResult]:
        for result in results:
            shas.append(result.sha256)
            yield result

    merged = _merge(noting(read_all(files, progress, pool)), pool.workers, report, files, project)
    articles_dir = content / "articles"
    existing = _existing_index(articles_dir)
    placed = _assign_slugs(merged.values(), existing)
    shares: list[list[_WriteJob]] = [[] for _ in range(pool.workers)]
    for found, slug in placed:
        shares[found.shard].append(
            _WriteJob(
                found.dump.fingerprint, slug, found.sources, articles_dir, existing.get(slug), force
            )
        )
    left: dict[str, _Left] = {}
    for written in pool.run_all("write", shares):
        for outcome, what in written:
            report.outcomes.append(outcome)
            left[outcome.slug] = what
    for found, slug in placed:
        report.warnings.extend(f"{slug}: {w}" for w in found.dump.warnings)
    report.outcomes.sort(key=lambda o: o.slug)
    return left, shas


def _merge(
    results: Iterable[_FileResult],
    workers: int,
    report: IngestReport,
    files: list[Path],
    project: Path,
) -> dict[str, _Found]:
    """Each distinct article (by fingerprint) once, with every file it was found in;
    counts files, dumps, duplicates and rejections into ``report``. ``files`` are
    the results' files, in order; a rejected one is named by its path in ``project``."""
    merged: dict[str, _Found] = {}
    # Articles whose issue date no build can stamp (check allows ISSUE_YEARS): said
    # here, by their file, rather than written for check to refuse afterwards.
    out_of_range: set[str] = set()
    for i, result in enumerate(results):
        report.warnings.extend(f"{result.file}: {w}" for w in result.warnings)
        report.unread_cues.extend(f"{result.file}:{u}" for u in result.unread)
        if result.rejected:
            # By its path in the project: two folders may hold files of one name.
            report.rejected.append((shown(files[i], project), result.rejected))
            continue
        for dump in result.dumps:
            if dump.fingerprint in out_of_range:
                continue
            if dump.issue is not None and dump.issue.date.year not in ISSUE_YEARS:
                out_of_range.add(dump.fingerprint)
                first, last = ISSUE_YEARS[0], ISSUE_YEARS[-1]
                reason = (
                    f"{dump.title[:60]!r}: issue date {dump.issue.date.isoformat()} is not "
                    f"between {first} and {last}; not ingested"
                )
                report.rejected.append((shown(files[i], project), reason))
                continue
            report.dumps += 1
            found = merged.get(dump.fingerprint)
            if found is None:
                # Files come in archive order, so this is the first copy.
                assert dump.first, "a shard dropped an article's first copy"
                found = merged[dump.fingerprint] = _Found(dump, i % workers)
            else:
                report.duplicates += 1
            found.sources.add(Source(result.file, result.sha256))
    return merged


def _assign_slugs(
    merged: Iterable[_Found], existing: dict[str, _Existing | None]
) -> list[tuple[_Found, str]]:
    """Every article with its slug, in issue-date and title order."""
    claimed: set[str] = set()
    ordered = sorted(
        merged,
        key=lambda f: (
            f.dump.issue.date if f.dump.issue else dt.date.max,
            f.dump.title,
            f.dump.fingerprint,
        ),
    )
    # Articles that share a source with a file on disk take it first, so that no
    # other article with the same title can claim it by its issue date alone.
    slugs: dict[int, str] = {}
    for strong in (True, False):
        for i, found in enumerate(ordered):
            if i not in slugs:
                chosen = _choose_slug(found, existing, claimed, strong=strong)
                if chosen is not None:
                    slugs[i] = chosen
                    claimed.add(chosen)
    return [(found, slugs[i]) for i, found in enumerate(ordered)]


MANIFEST_NAME = ".ingest-manifest.json"


# The code that decides what ingest writes: after a parser fix, the next ingest
# really runs instead of replaying the old report.
_INGEST_CODE = code_digest(
    "ingest/decoding.py",
    "ingest/scrape.py",
    "ingest/cues.py",
    "content/event_dates.py",
    "ingest/escape.py",
    "ingest/article_markdown.py",
    "content/article_file.py",
    "content/schema.py",
    "content/yamlio.py",
    "ingest/slugs.py",
    "ingest/pipeline.py",
    "ingest/workers.py",
)


def _stats(paths: Iterable[Path | str]) -> dict[str, list[int]]:
    return dict(_keyed_stats(paths))


def _keyed_stats(paths: Iterable[Path | str]) -> list[tuple[str, list[int]]]:
    """Each path's key (its real path) and stats, in the order of ``paths``."""
    out = []
    # Path.resolve walks every component of every path (a tenth of a second at
    # 1,000 files); a file that is no symbolic link resolves to its resolved folder
    # and its name, and the files share a few folders.
    folders: dict[str, str] = {}
    for path in paths:
        # The path's text once: each os call on a Path object converts it again.
        text = str(path)
        st = os.lstat(text)
        if stat.S_ISLNK(st.st_mode):
            st = os.stat(text)
            key = os.path.realpath(text)
        else:
            folder = os.path.dirname(text)
            real = folders.get(folder)
            if real is None:
                real = folders[folder] = os.path.realpath(folder)
            key = os.path.join(real, os.path.basename(text))
        # ctime too: it moves on every write, even one that restores the mtime.
        out.append((key, [st.st_size, st.st_mtime_ns, st.st_ctime_ns]))
    return out


@dataclass(frozen=True)
class _Left:
    """What an ingest left in an article file, as digests: the text a later ingest
    of the same sources would find unchanged, and the identity (issue date and
    sources) it would match the file by. An editor's later change to the file is
    then judged without parsing the sources again."""

    text: str
    identity: str


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def _identity_digest(identity: _Existing | None) -> str:
    if identity is None:
        return ""
    date = identity.issue_date.isoformat() if identity.issue_date else ""
    shas = sorted((s.file, s.sha256) for s in identity.sources)
    return _digest(repr((date, sorted(identity.source_files), shas)))


def _identity_of(slug: str, parsed: ParsedArticle, sources: tuple[Source, ...]) -> str:
    """The identity digest of the file ingest writes, as _read_identity would read it."""
    date = parsed.issue.date if parsed.issue else None
    return _identity_digest(_Existing(slug, date, frozenset(s.file for s in sources), sources))


@dataclass
class _Manifest:
    """What the last ingest read and wrote, so that an ingest of unchanged sources
    into unchanged articles (every ``make site`` after the first) does no work, and
    one after an editor changed a few articles reads only those."""

    path: Path

    def replay(self, inputs: dict[str, list[int]], content: Path) -> IngestReport | None:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("version") != _INGEST_CODE:
            return None
        digests = data.get("digests")
        if not isinstance(digests, dict):
            digests = {}
        saved_inputs = data.get("inputs")
        restated = saved_inputs != inputs
        if restated and not _same_bytes(saved_inputs, inputs, digests):
            return None
        articles = _stats(article_names(content)) if content.exists() else {}
        saved_articles = data.get("articles")
        if not isinstance(saved_articles, dict) or articles.keys() != saved_articles.keys():
            return None  # an article added or deleted: slugs may fall differently
        left = data.get("left") or {}
        now: dict[str, str] = {}
        for key, stats in articles.items():
            if stats != saved_articles[key]:
                status = _status_now(Path(key), left.get(Path(key).stem))
                if status is None:
                    return None
                now[Path(key).stem] = status
        saved = data["report"]
        report = IngestReport(files=saved["summary"]["files"])
        report.outcomes = [
            Outcome(
                a["slug"],
                a["path"],
                # An article kept because an editor changed it is still kept; what
                # was written then is unchanged now.
                now.get(a["slug"]) or ("kept" if a["status"] == "kept" else "unchanged"),
                tuple(a["sources"]),
            )
            for a in saved["articles"]
        ]
        report.rejected = [(r["file"], r["reason"]) for r in saved["rejected"]]
        report.warnings = list(saved["warnings"])
        report.unread_cues = list(saved.get("unread_cues", []))
        report.duplicates = saved["summary"]["duplicates_merged"]
        if restated or len(now) > _judged_again(len(articles)):
            # The edited files' stats as judged (read before their text), and the
            # sources' new stats, so that the next ingest reads nothing, or reads
            # again a file changed since. A few edited files are judged again by
            # the next ingest instead: writing the whole manifest again was 0.2 s
            # of a one-edit rebuild at 10,000 articles (py-spy), and grows with
            # the archive, while judging a file reads that file alone.
            left_now = {k: _Left(*v) for k, v in left.items()}
            self.save(inputs, report, content, left_now, articles, digests=digests)
        return report

    def save(
        self,
        inputs: dict[str, list[int]],
        report: IngestReport,
        content: Path,
        left: dict[str, _Left],
        articles: dict[str, list[int]] | None = None,
        *,
        digests: dict[str, str] | None = None,
    ) -> None:
        data = {
            "version": _INGEST_CODE,
            "inputs": inputs,
            "digests": digests or {},
            "articles": _stats(article_names(content)) if articles is None else articles,
            "left": {slug: [w.text, w.identity] for slug, w in sorted(left.items())},
            "report": report.to_json(),
        }
        text = json.dumps(data, ensure_ascii=False)
        # The manifest only saves work: written when it changed, and a folder that
        # cannot take it (read-only content with nothing to ingest) is no failure.
        with contextlib.suppress(OSError):
            if self.path.read_text("utf-8") == text:
                return
        with contextlib.suppress(OSError):
            write_atomic(self.path, text)


def _judged_again(articles: int) -> int:
    """How many edited article files a replay leaves for the next ingest to judge
    again, rather than write the manifest anew: 1% of the archive, 64 at least."""
    return max(64, articles // 100)


def _bytes_digest(data: bytes) -> str:
    # As scrape.read_scrape digests a file it parses.
    return hashlib.sha256(data).hexdigest()


def _same_bytes(saved: object, inputs: dict[str, list[int]], digests: dict[str, str]) -> bool:
    """Whether the inputs are the saved ones, read by their bytes where their stats
    differ: the same files (paths), and each changed one's digest the saved one's."""
    if not isinstance(saved, dict) or saved.keys() != inputs.keys():
        return False
    for key, stats in inputs.items():
        if saved[key] == stats:
            continue
        digest = digests.get(key)
        try:
            if digest is None or _bytes_digest(Path(key).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def _status_now(path: Path, left: list[str] | None) -> str | None:
    """What a full ingest of the same sources would say of an article file that
    changed since: "unchanged" if it holds what ingest would write, "kept" if an
    editor's change that leaves its identity alone, None if only a full ingest can
    tell (its issue date or sources changed, so slugs may fall differently)."""
    if not left:
        return None
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    if _digest(text) == left[0]:
        return "unchanged"
    if _identity_digest(_read_identity(path)) != left[1]:
        return None
    return "kept"


class _WriteJob(NamedTuple):
    """What the main process tells a shard to write, for one article it parsed."""

    fingerprint: str
    slug: str
    sources: set[Source]  # every scrape the article was found in
    articles_dir: Path
    existing: _Existing | None  # the file there now, by its identity
    force: bool  # --force: overwrite an editor's change


def _write(parsed: ParsedArticle, job: _WriteJob) -> tuple[Outcome, _Left]:
    slug, found_sources, existing, force = job.slug, job.sources, job.existing, job.force
    path = job.articles_dir / f"{slug}.md"
    sources = tuple(sorted(found_sources, key=lambda s: (s.file, s.sha256)))
    new_text = dump_article(to_article(parsed, slug, sources))
    shown = str(path)
    files = tuple(s.file for s in sources)
    ours = _Left(_digest(new_text), _identity_of(slug, parsed, sources))
    if not path.exists():
        write_atomic(path, new_text)
        return Outcome(slug, shown, "written", files), ours
    old_text = path.read_bytes().decode("utf-8", errors="replace")
    if old_text == new_text:
        return Outcome(slug, shown, "unchanged", files), ours
    if existing is not None:
        # Is the file exactly what ingest wrote from its earlier sources? Then nobody
        # edited it, and it can take the new sources without losing anyone's work.
        earlier = dump_article(to_article(parsed, slug, existing.sources))
        if earlier == old_text:
            union = tuple(
                sorted(set(existing.sources) | found_sources, key=lambda s: (s.file, s.sha256))
            )
            union_text = dump_article(to_article(parsed, slug, union))
            union_left = _Left(_digest(union_text), _identity_of(slug, parsed, union))
            union_files = tuple(s.file for s in union)
            if union_text == old_text:
                return Outcome(slug, shown, "unchanged", union_files), union_left
            write_atomic(path, union_text)
            return Outcome(slug, shown, "updated", union_files), union_left
    if force:
        write_atomic(path, new_text)
        return Outcome(slug, shown, "overwritten", files), ours
    # The editor's file stays, and with it the identity it is matched by.
    return Outcome(slug, shown, "kept", files), _Left(ours.text, _identity_digest(existing))


def write_report(report: IngestReport, path: Path) -> None:
    write_atomic(path, json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
