"""A digest of some of the generator's own source files.

Caches key on it (the ingest manifest, the article cache), so that a change to the
code that produced a cached result makes the cache miss instead of replaying a
result the new code would not give.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def code_digest(*module_files: str) -> str:
    digest = hashlib.sha256()
    for name in module_files:
        digest.update((_HERE / name).read_bytes())
    return digest.hexdigest()
