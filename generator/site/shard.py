"""Builds shared across machines: ``build --shard K/N`` and ``merge``.

Every runner generates the whole docs tree (cheap: about a tenth of a full
build) and renders one slice of the leaf pages (articles, issues, writers,
collections, topics), chosen by a stable hash of each page's path
(render.slice_of), so the slices do not depend on the runner. Shard 1 also keeps
what every site has once: the section pages, the theme's files, the 404 page,
the feed, the sitemap (written from the docs tree, which every shard holds) and
the search index (built from the edition model beside its MkDocs run). ``merge``
puts the slices side by side in ``site/``: no file is in two shards, and the
result is byte for byte what one machine builds (``tests/test_shard.py``).

Each shard's folder holds ``shard.json``: its number, the count, and digests of
the docs tree and of the code that rendered it; merge refuses shards that
disagree (built from different commits) or a missing or doubled slice.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UsageError
from generator.site.docs_ledger import docs_digest
from generator.site.render import is_leaf, output_of, slice_of

SHARD_FILE = "shard.json"


class ShardError(UsageError):
    """A shard argument or a set of shard folders that cannot be merged."""


@dataclass(frozen=True)
class Shard:
    number: int  # 1-based, as a CI matrix counts
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        k, sep, n = text.partition("/")
        if not sep or not k.isdigit() or not n.isdigit() or not 1 <= int(k) <= int(n):
            raise ShardError(f"--shard {text}: expected K/N with 1 <= K <= N, such as 2/4")
        return cls(int(k), int(n))

    @property
    def first(self) -> bool:
        return self.number == 1

    def pages(self, files: list[str]) -> set[str]:
        """The leaf pages this shard renders."""
        return {f for f in files if is_leaf(f) and slice_of(f, self.count) == self.number - 1}

    def default_out(self, root: Path) -> Path:
        return root / "build" / f"shard-{self.number}-of-{self.count}"


def finish(out: Path, shard: Shard, files: list[str], docs: Path, code: str) -> None:
    """Trim a shard's render to what it owns and label it."""
    if not shard.first:
        keep = {output_of(f) for f in shard.pages(files)}
        for folder, _, names in os.walk(out, topdown=False):
            for name in names:
                path = Path(folder) / name
                if path.relative_to(out).as_posix() not in keep:
                    path.unlink()
            if Path(folder) != out and not any(Path(folder).iterdir()):
                Path(folder).rmdir()
    label = {
        "shard": shard.number,
        "of": shard.count,
        "docs": docs_digest(docs, files),
        "code": code,
    }
    (out / SHARD_FILE).write_text(json.dumps(label, indent=1) + "\n", "utf-8")


def _label(folder: Path) -> dict[str, object]:
    try:
        label = json.loads((folder / SHARD_FILE).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ShardError(f"{folder}: not a shard's output ({SHARD_FILE}: {error})") from error
    if not isinstance(label, dict):
        raise ShardError(f"{folder}/{SHARD_FILE}: not a shard label")
    return label


def merge(folders: list[Path], site: Path) -> int:
    """Assemble the shards' folders into ``site`` (aside, then swapped in).
    Returns the number of files."""
    from generator.site.build import swap_in

    if not folders:
        raise ShardError("merge: no shard folders given")
    labels = [(_label(f), f) for f in folders]
    count = labels[0][0].get("of")
    numbers = sorted(label.get("shard") for label, _ in labels)  # type: ignore[type-var]
    if numbers != list(range(1, len(folders) + 1)) or count != len(folders):
        raise ShardError(f"merge: expected shards 1..{count}, got {numbers}")
    for key in ("docs", "code"):
        if len({label.get(key) for label, _ in labels}) != 1:
            raise ShardError(
                f"merge: the shards were built from different {key} "
                "(different commits or content); build them again from one"
            )
    site.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{site.name}.", dir=site.parent))
    written = 0
    try:
        for _, folder in sorted(labels, key=lambda item: item[0]["shard"]):  # type: ignore[arg-type,return-value]
            for path in sorted(folder.rglob("*")):
                rel = path.relative_to(folder).as_posix()
                if not path.is_file() or rel == SHARD_FILE:
                    continue
                target = tmp / rel
                if target.exists():
                    raise ShardError(f"merge: {rel} is in more than one shard")
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(path, target)
                except OSError:
                    shutil.copyfile(path, target)
                written += 1
        swap_in(tmp, site)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written
