"""What the docs tree holds, so that a build need not read it back.

Each build generates every docs file (or learns from the PageMemo that an article
page is the one already written) and used to read each existing file back to find
whether its bytes had changed, then read the whole tree again for its digest (the
service worker's version, a shard's label). At 10,000 articles that was 52,000
files read twice: 16 s of a one-edit rebuild's 48 s of CPU under load (cProfile,
docs/performance.md, "One edit").

``build/docs-ledger.pickle`` records, for every file of the tree as the last
complete build wrote it, the SHA-256 of its bytes, its size and its modification
time. A generated file whose digest equals the ledger's, where the file on disk
still has the recorded size and time, is not written; the tree's digest is made
from the ledger's digests. A file the ledger does not vouch for (no ledger, a
file touched since) is read, as before. The ledger is deleted before the tree is
touched and written only once a complete tree is (as the PageMemo), so the live
preview, which rewrites some pages, or a failed build, leaves none.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from generator.atomic import write_atomic

LEDGER = "docs-ledger.pickle"
FORMAT = 1

# rel path -> (sha256 of the bytes, size, mtime_ns)
_Entry = tuple[bytes, int, int]


def ledger_path(docs: Path) -> Path:
    return docs.parent / LEDGER


def tree_files(root: Path) -> list[str]:
    """Every file under ``root`` (not following linked folders), relative with
    forward slashes, sorted; [] when there is no such folder. One ``scandir`` per
    folder: ``Path.rglob`` and ``relative_to`` on 52,000 files cost seconds."""
    found: list[str] = []
    pending = [("", os.fspath(root))]
    while pending:
        rel, folder = pending.pop()
        try:
            listing = os.scandir(folder)
        except FileNotFoundError:
            continue
        with listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{rel}{entry.name}/", entry.path))
                else:
                    found.append(rel + entry.name)
    found.sort()
    return found


class DocsLedger:
    """The previous build's record of the tree (taken: deleted on reading), and
    the record of the tree being written."""

    def __init__(
        self,
        docs: Path,
        *,
        reuse: bool = True,
        known: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        self.docs = docs
        # Paths joined as text: a Path made for each of the tree's 31,274 files was
        # 0.1 s of a one-edit rebuild at 10,000 articles.
        self._prefix = os.fspath(docs) + os.sep
        self._old: dict[str, _Entry] = {}
        self._new: dict[str, _Entry] = {}
        # Files' (size, mtime_ns) another part of the build reads from disk as
        # the tree is written (the page memo's kept pages, ``PageMemo.verified``):
        # trusted instead of a stat.
        self._known: Mapping[str, tuple[int, int]] = known if known is not None else {}
        path = ledger_path(docs)
        try:
            if reuse:
                with path.open("rb") as handle:
                    form, entries = pickle.load(handle)
                if form == FORMAT and isinstance(entries, dict):
                    self._old = entries
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            pass
        path.unlink(missing_ok=True)

    def _vouched(self, rel: str) -> _Entry | None:
        """The old entry, if the file on disk is still the one it describes."""
        old = self._old.get(rel)
        if old is None:
            return None
        known = self._known.get(rel)
        if known is not None:
            return old if known == old[1:] else None
        try:
            st = os.stat(self._prefix + rel)
        except OSError:
            return None
        return old if (st.st_size, st.st_mtime_ns) == old[1:] else None

    def unchanged(self, rel: str, data: bytes) -> bool:
        """Whether the tree already holds ``data`` at ``rel`` (recorded if so)."""
        digest = hashlib.sha256(data).digest()
        old = self._vouched(rel)
        if old is not None:
            if old[0] != digest:
                return False
            self._new[rel] = old
            return True
        try:
            same = (self.docs / rel).read_bytes() == data
        except OSError:
            return False
        if same:
            self._record(rel, digest)
        return same

    def holds(self, rel: str) -> bool:
        """Whether the file at ``rel`` is still the one the previous build wrote;
        if so it is recorded as kept (``kept`` then has nothing more to do)."""
        old = self._vouched(rel)
        if old is None:
            return False
        self._new[rel] = old
        return True

    def kept(self, rel: str) -> None:
        """The file at ``rel`` is left as it is (the PageMemo said so)."""
        if rel in self._new:
            return
        old = self._vouched(rel)
        if old is not None:
            self._new[rel] = old
        else:
            self._record(rel, hashlib.sha256((self.docs / rel).read_bytes()).digest())

    def written(self, rel: str, data: bytes) -> None:
        self._record(rel, hashlib.sha256(data).digest())

    def _record(self, rel: str, digest: bytes) -> None:
        st = os.stat(self._prefix + rel)
        self._new[rel] = (digest, st.st_size, st.st_mtime_ns)

    def digests(self) -> dict[str, bytes]:
        """Each file's SHA-256 in the tree being written, as recorded so far."""
        return {rel: entry[0] for rel, entry in self._new.items()}

    def forget(self, rel: str) -> None:
        self._new.pop(rel, None)

    def save(self) -> None:
        """Record the tree just written (call once it is complete)."""
        write_atomic(ledger_path(self.docs), pickle.dumps((FORMAT, self._new), protocol=5))


def _digests(
    docs: Path, files: Iterable[str], known: Mapping[str, bytes] | None = None
) -> Iterator[tuple[str, bytes]]:
    """Each file's SHA-256, from ``known`` (the ledger of the tree this process
    has just written: ``DocsLedger.digests``) or else from the saved ledger
    where it vouches for the file."""
    if known:
        for rel in files:
            found = known.get(rel)
            yield rel, found if found is not None else _file_digest(docs / rel)
        return
    entries: dict[str, _Entry] = {}
    try:
        with ledger_path(docs).open("rb") as handle:
            form, found = pickle.load(handle)
        if form == FORMAT and isinstance(found, dict):
            entries = found
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        pass
    for rel in files:
        entry = entries.get(rel)
        if entry is not None:
            try:
                st = os.stat(docs / rel)
            except OSError:
                entry = None
            else:
                if (st.st_size, st.st_mtime_ns) != entry[1:]:
                    entry = None
        if entry is not None:
            yield rel, entry[0]
        else:
            yield rel, _file_digest(docs / rel)


def _file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def docs_digest(docs: Path, files: Iterable[str], known: Mapping[str, bytes] | None = None) -> str:
    """A digest of these files of the docs tree (their paths and bytes): the
    same whether each file's digest comes from ``known``, the ledger or from
    reading it. ``known``: the build's own ledger of the tree it wrote; reading
    the saved ledger back and checking every file's stat against it again was
    1.35 s of a one-edit rebuild at 10,000 articles (cProfile, load 10: 31,259
    files)."""
    digest = hashlib.sha256()
    for rel, file_digest in _digests(docs, files, known):
        digest.update(f"{rel}\0".encode())
        digest.update(file_digest)
    return digest.hexdigest()
