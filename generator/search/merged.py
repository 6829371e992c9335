"""The previous build's merged index, kept so that a rebuild applies only what an
edit changed (issue 17).

From a warm ``.cache/search/`` every article's entry was still read and checked,
its words numbered across the archive, every partition sorted and every one of
the 25,118 files encoded and written: 10 to 14 s of a one-edit rebuild at 10,000
articles. The state in ``.cache/search/merged/`` is what that merge ends with:

- ``head``: the articles in index order (slug, entry key, length in words, the
  size of the rest of their text and where it went), the numbering of terms and
  forms (with each term's CRC-32 and each form's article count), the number of
  partitions and shards, and the bundle written: its folder's name and each file's
  size, SHA-256 and modification time (its ledger);
- ``<p>``: partition p's postings sorted by key (documents ascending within a key)
  with their weights and headline bits, and its (form, document) pairs sorted by
  form, as the base build numbered its articles (the ``base_slugs``);
- ``overlay``: the rows of the articles whose entries differ from the base's, as
  the last build numbered them.

A rebuild takes out the rows of the articles that changed or went and puts in
those of the articles made again (index.py: ``_rebuild``). The partitions are
written again only when the overlay has grown past OVERLAY_ARTICLES (they were
405 MB at 10,000 articles, 1.05 s of a 3.9 s rebuild under cProfile to write
every time); otherwise they are hard-linked into the new state and only the
overlay is written. A shard, record or
block whose exact inputs are unchanged is hard-linked from the previous bundle
instead of being encoded and written. Nothing is trusted unchecked: the head has
a BLAKE2b checksum, each partition's file its size and checksum in the head, the
key digests the search code (``SEARCH_CODE``, this file included), and a file of
the previous bundle is linked only if its size and modification time are the
ledger's (else it is written again). Anything that does not check out makes the
build merge every entry again, as a build without the state does.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xxhash

from generator.atomic import write_atomic

STATE = "merged"  # in .cache/search/
OVERLAY = "overlay"
_HEAD = "head"
_MAGIC = b"NSMERG01"
_DIGEST = 32

# A partition's columns, in the order its file holds them.
ROWS = {
    "key": np.dtype("<i8"),
    "doc": np.dtype("<i4"),
    "weight": np.dtype("<f4"),
    "title": np.dtype("bool"),
    "form": np.dtype("<i8"),
    "form_doc": np.dtype("<i4"),
}


def _checksum(data: bytes) -> int:
    """A partition file's checksum, read by every rebuild for every partition: the
    whole merged state, 3.5 GB at 100,000 articles. XXH3 takes 0.25 s for it
    where zlib's CRC-32 took 2.6 to 4.6 s (one script, the same files, the page
    cache warm), in the search index's process, which a one-edit rebuild at
    100,000 articles waits for (docs/performance.md)."""
    return xxhash.xxh3_64_intdigest(data)


class Stale(Exception):
    """The state cannot be used: missing, torn, corrupt, or made by other code."""


@dataclass
class Ledger:
    """Each file of a bundle: path -> (size, SHA-256, modification time in ns)."""

    files: dict[str, tuple[int, bytes, int]] = field(default_factory=dict)

    def name(self) -> str:
        """The bundle folder's name: a digest of every file's path, size and digest,
        in path order (the same whether a file was written or linked)."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            size, sha, _ = self.files[path]
            digest.update(f"{path}\0{size}\0".encode())
            digest.update(sha)
        return digest.hexdigest()[:16]


@dataclass
class Head:
    code: bytes  # SEARCH_CODE when written
    slugs: list[str]
    keys: list[bytes]  # each article's entry key
    base_slugs: list[str]  # the articles the partitions' rows are of, as numbered there
    base_keys: list[bytes]
    lengths: list[int]
    rest_chars: list[int]
    more: list[list[int] | None]  # [block, index] of its rest in x/, or None
    terms: list[str]
    forms: list[str]
    form_terms: list[int]
    crc: np.ndarray  # uint64: term id -> CRC-32 of the term
    form_df: np.ndarray  # int64: form id -> how many articles hold it
    partitions: int
    shard_count: int
    own_files: list[int]  # shard -> how many own files (w/<shard>-<n>.json) it has
    bundle: str  # the bundle folder's name, v/<bundle>/
    ledger: Ledger
    parts: list[tuple[int, int, list[int]]] = field(default_factory=list)  # size, checksum, lengths
    overlay: tuple[int, int, list[int]] = (0, 0, [])


class StateWriter:
    """A new state, written beside the old one and put in its place by ``commit``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.parent.mkdir(parents=True, exist_ok=True)
        # What a killed build left (the build holds the project's lock).
        for left in folder.parent.glob(f".{folder.name}.*"):
            shutil.rmtree(left, ignore_errors=True)
        self.new = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        self.parts: dict[int, tuple[int, int, list[int]]] = {}

    def put(self, p: int | str, columns: dict[str, np.ndarray]) -> tuple[int, int, list[int]]:
        arrays = [np.ascontiguousarray(columns[name], dtype) for name, dtype in ROWS.items()]
        data = b"".join(a.tobytes() for a in arrays)
        with open(self.new / str(p), "wb") as handle:
            handle.write(data)
        info = (len(data), _checksum(data), [len(a) for a in arrays])
        if isinstance(p, int):
            self.parts[p] = info
        return info

    def keep(self, head: Head) -> None:
        """The previous state's partitions, linked into this one unchanged."""
        for p in range(head.partitions):
            os.link(self.folder / str(p), self.new / str(p))
            self.parts[p] = head.parts[p]

    def commit(self, head: Head) -> None:
        head.parts = [self.parts[p] for p in range(head.partitions)]
        body = pickle.dumps(head, protocol=pickle.HIGHEST_PROTOCOL)
        checksum = hashlib.blake2b(body, digest_size=_DIGEST).digest()
        write_atomic(self.new / _HEAD, _MAGIC + checksum + body)
        # Old state out, new one in: a crash between the two leaves no state, and
        # the next build merges every entry again.
        shutil.rmtree(self.folder, ignore_errors=True)
        self.new.rename(self.folder)

    def abandon(self) -> None:
        shutil.rmtree(self.new, ignore_errors=True)


def discard(folder: Path) -> None:
    """Remove the state (a build whose index was not made from it, or failed)."""
    shutil.rmtree(folder, ignore_errors=True)


def load(folder: Path, code: bytes) -> Head | None:
    """The state's head if it is whole and made by this code, else None."""
    try:
        data = (folder / _HEAD).read_bytes()
    except OSError:
        return None
    start = len(_MAGIC) + _DIGEST
    if not data.startswith(_MAGIC) or len(data) < start:
        return None
    body = memoryview(data)[start:]
    if hashlib.blake2b(body, digest_size=_DIGEST).digest() != data[len(_MAGIC) : start]:
        return None
    try:
        head = pickle.loads(body)
    except Exception:  # a checksum that matches what this code cannot read
        return None
    if not isinstance(head, Head) or head.code != code or len(head.parts) != head.partitions:
        return None
    return head


def read_part(folder: Path, head: Head, p: int | str) -> dict[str, np.ndarray]:
    """Partition ``p``'s columns (or the overlay's); raises Stale if its file is not
    the one written."""
    size, crc, lengths = head.overlay if p == OVERLAY else head.parts[int(p)]
    try:
        data = (folder / str(p)).read_bytes()
    except OSError as error:
        raise Stale(f"partition {p}: {error}") from error
    if len(data) != size or _checksum(data) != crc:
        raise Stale(f"partition {p} is not the one written")
    columns: dict[str, np.ndarray] = {}
    at = 0
    for (name, dtype), count in zip(ROWS.items(), lengths, strict=True):
        columns[name] = np.frombuffer(data, dtype, count, at)
        at += count * dtype.itemsize
    return columns
