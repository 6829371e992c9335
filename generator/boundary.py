"""The repository is the boundary: what ingest, check and the build read or write
stays inside the project, and whatever they skip is named, not passed over.

A pull request can commit symbolic links. One in ``content/sources/`` to a system
file published that file as an article; a symlinked ``content/articles`` made
ingest write into the folder it pointed to. So a folder is walked without
following links out of the project: a link that leaves it is refused (an error),
and a dangling link, a link loop, a FIFO or device, and a folder that cannot be
read are skipped with their path relative to the project (a warning).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GeneratorError


class OutsideProject(GeneratorError):
    """A folder the generator would write to leads out of the project."""


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str
    refused: bool  # True: a link out of the project (an error); False: a warning


def shown(path: Path, root: Path) -> str:
    """``path`` relative to the project when it is inside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return str(path)


def inside(path: Path, root: Path) -> bool:
    """Does ``path``, every link in it followed, lie within ``root``?"""
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def check_entry(path: Path, root: Path) -> Skipped | None:
    """Why ``path`` (a file to read) must be skipped, or None if it may be read."""
    try:
        st = os.stat(path)
    except OSError as error:
        if path.is_symlink():
            what = (
                "a symbolic link loop" if error.errno == errno.ELOOP else "a dangling symbolic link"
            )
            return Skipped(path, f"{what}; not read", refused=False)
        return Skipped(path, f"cannot be read: {error.strerror or error}", refused=False)
    if not inside(path, root):
        target = os.path.realpath(path)
        return Skipped(
            path,
            f"is a symbolic link to {target}, outside the project; refused",
            refused=True,
        )
    if not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            return None
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "not a regular file"
        return Skipped(path, f"is {kind}; not read", refused=False)
    return None


def walk(folder: Path, root: Path) -> tuple[list[Path], list[Skipped]]:
    """Regular files under ``folder`` (names starting with "." left out, as editors'
    tools' own files), and every entry skipped or refused. Symbolic links are
    followed only to files inside ``root``; a link to a folder is not followed
    (it could loop, or count an article twice). The files as paths
    (``walk_names`` gives their text)."""
    names, skipped = walk_names(folder, root)
    return [Path(name) for name in names], skipped


def walk_names(folder: Path, root: Path) -> tuple[list[str], list[Skipped]]:
    """``walk``, each file as the text of its path: a ``Path`` made for each of
    the 186,000 entries of the 100,000-article project's sources and articles,
    walked twice a build (ingest's sources, check's content folder), was 2 s of a
    one-edit rebuild there (py-spy).

    Only the entries that are not plain files or folders are checked one by one:
    a plain file in a folder that lies inside ``root`` lies inside it too, and its
    type comes with the folder's listing. ``check_entry`` on every file (two
    ``realpath`` calls, a ``stat`` per path component) was 4.7 s of a one-edit
    rebuild at 10,000 articles, for the 50,000 entries of the sources and the
    articles (cProfile, docs/performance.md)."""
    files: list[str] = []
    skipped: list[Skipped] = []
    trusted = inside(folder, root)
    pending = [str(folder)]
    while pending:
        here = pending.pop()
        try:
            with os.scandir(here) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as error:
            where = Path(error.filename) if error.filename else Path(here)
            skipped.append(
                Skipped(where, f"is a folder that cannot be read: {error.strerror}", refused=False)
            )
            continue
        folders: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            # As Path joins them: "." is no part of a path.
            name = entry.name if here == "." else os.path.join(here, entry.name)
            try:
                plain_dir = entry.is_dir(follow_symlinks=False)
                plain_file = not plain_dir and entry.is_file(follow_symlinks=False)
            except OSError:
                plain_dir = plain_file = False
            if plain_dir and trusted:
                folders.append(name)
            elif plain_file and trusted:
                files.append(name)
            else:
                path = Path(name)
                problem = check_entry(path, root)
                if problem is None and entry.is_symlink() and path.is_dir():
                    problem = Skipped(
                        path, "is a symbolic link to a folder; not followed", refused=False
                    )
                if problem is not None:
                    skipped.append(problem)
                elif plain_dir:
                    folders.append(name)
                else:
                    files.append(name)
        # Depth first, each folder's files before its subfolders', in name order.
        pending.extend(reversed(folders))
    return files, skipped


def writable_folder(folder: Path, root: Path, what: str) -> None:
    """Refuse to write into ``folder`` if it (or a link on its way) leaves ``root``."""
    if not inside(folder, root):
        raise OutsideProject(
            f"{shown(folder, root)}: {what} leads to {os.path.realpath(folder)}, outside the "
            f"project {root}; refusing to write there (replace the symbolic link by a folder)"
        )
