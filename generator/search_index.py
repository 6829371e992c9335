"""The client-side search index (Pagefind), written into a built site."""

from __future__ import annotations

from pathlib import Path


def index_site(site: Path) -> None:
    """Placeholder until issue 4: the search page explains that search is coming."""
    return None
