"""A tiny static server that applies Netlify's ``_redirects`` as Netlify does.

Netlify reads ``_redirects`` (``from to status`` a line, ``#`` comments) from the
published folder before netlify.toml's rules; a rule without ``!`` (force) only
applies where no file answers for the path ("shadowing"). That is all the edition's
file uses, so that is all this serves: enough to ask every old address for its
status and Location, as a reader's browser would.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devtools.quality.browser import SiteHandler


def read_redirects(site: Path) -> dict[str, tuple[str, int]]:
    rules: dict[str, tuple[str, int]] = {}
    path = site / "_redirects"
    if not path.exists():
        return rules
    for line in path.read_text("utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        source, target, *rest = parts
        status = int(rest[0].rstrip("!")) if rest else 301
        rules.setdefault(source, (target, status))  # Netlify: the first match wins
    return rules


@contextlib.contextmanager
def serve_with_redirects(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free port with its ``_redirects`` applied; yields the base
    URL without its trailing slash (so that ``base + "/articles/x/"`` works)."""
    rules = read_redirects(site)

    class Handler(SiteHandler):
        def send_head(self) -> Any:
            url = self.path.split("?", 1)[0]
            local = Path(self.translate_path(url))
            exists = local.is_file() or (local.is_dir() and (local / "index.html").is_file())
            if url in rules and not exists:
                target, status = rules[url]
                self.send_response(status)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return super().send_head()

    handler = functools.partial(Handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
