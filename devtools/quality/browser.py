"""A local server that sends the site as Netlify does, and headless Chromium.

The server compresses text responses with gzip when the browser asks for it:
Netlify compresses every text file it serves (gzip or, for browsers that accept
it, the smaller brotli), so gzip gives the page-weight gate an honest upper bound
on what a reader transfers, where an uncompressed local server would overstate it.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devtools.quality.common import GateError

# Debian's chromium: Playwright's own browser download is not reachable from CI,
# the package registries are (`make browser` installs it).
CHROMIUM = os.environ.get("NS_CHROMIUM", "/usr/bin/chromium")
# The machine's network is closed: without these, Chromium tries (and fails) to
# reach Google's services at every start, and its requests would muddy the weights.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed like a CDN would, quietly."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the slashed URL
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and ctype.startswith(COMPRESSIBLE)):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Body(body)


class _Body:
    """The file-like object SimpleHTTPRequestHandler copies to the socket."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path, headers: dict[str, str] | None = None) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port); yields its base URL.

    ``headers`` go on every response, e.g. the Content-Security-Policy of netlify.toml.
    """

    class Handler(SiteHandler):
        def end_headers(self) -> None:
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            super().end_headers()

    handler = functools.partial(Handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium(existing: Any = None) -> Iterator[Any]:
    """A headless Chromium driven by Playwright (a playwright Browser): ``existing``
    when given (Playwright's sync API allows one instance per thread, so a caller
    that already drives a browser, such as a test session, lends it), else a new one."""
    if existing is not None:
        yield existing
        return
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        raise GateError(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise GateError("Playwright is missing: `make check` installs it") from error
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
