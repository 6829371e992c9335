"""The service worker for offline reading, written to the site's root as ``sw.js``.

Its source is ``overrides/assets/javascripts/offline-sw.js`` (what it keeps and
why is said there); the build writes it with ``__NS_BUILD__`` replaced by a digest
of the docs tree and of the theme's code, so a rebuilt site is a new worker for
browsers, which then refreshes the pages its reader kept. A worker controls the
pages under its own folder, hence the root.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator.atomic import write_atomic

SOURCE = Path("overrides") / "assets" / "javascripts" / "offline-sw.js"
WORKER = "sw.js"
PLACEHOLDER = "__NS_BUILD__"


def build_digest(docs_digest: str, code: str) -> str:
    return hashlib.sha256(f"{docs_digest}\0{code}".encode()).hexdigest()[:20]


def write_service_worker(root: Path, site: Path, digest: str) -> Path:
    """Write ``site/sw.js`` for the build ``digest``; returns its path. Written
    aside and renamed: an incremental build's site holds hard links to the last
    site's files, which must not change under it."""
    source = (root / SOURCE).read_text("utf-8")
    if PLACEHOLDER not in source:
        raise ValueError(f"{root / SOURCE}: no {PLACEHOLDER} to stamp the build into")
    target = site / WORKER
    target.unlink(missing_ok=True)
    write_atomic(target, source.replace(PLACEHOLDER, digest).encode("utf-8"))
    return target
