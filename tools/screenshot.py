"""Screenshots of the built site with headless Chromium, for the README's gallery.

    .venv/bin/python tools/screenshot.py              # the whole gallery, docs/gallery/
    .venv/bin/python tools/screenshot.py PATH OUT.png [--width 1440] [--height 900] [--dark]

Build the site first (``make site``). The gallery is taken at one device pixel per
CSS pixel and clipped to the first screen, which keeps each PNG small.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sitekit import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

GALLERY = ROOT / "docs" / "gallery"
# (file, page, width, height, palette)
SHOTS = [
    ("article-desktop.png", "articles/becoming-a-pariah-state/", 1440, 900, "light"),
    ("article-mobile.png", "articles/becoming-a-pariah-state/", 390, 844, "light"),
    ("issue.png", "issues/2008-12-08/", 1440, 900, "light"),
    ("home-mobile.png", "", 390, 844, "light"),
    ("article-dark.png", "articles/children-of-abraham-v-sons-of-ibrahim/", 1024, 768, "dark"),
]


def take(browser: object, url: str, out: Path, width: int, height: int, scheme: str) -> None:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        device_scale_factor=1,
    )
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready")
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out))
    context.close()
    print(f"{out}: {out.stat().st_size:,} bytes")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", help="a page of the site, e.g. issues/2008-12-08/")
    parser.add_argument("out", nargs="?")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with serve(ROOT / "site") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if args.path is None:
            for name, path, width, height, scheme in SHOTS:
                take(browser, url + path, GALLERY / name, width, height, scheme)
        else:
            out = Path(args.out or "screenshot.png")
            scheme = "dark" if args.dark else "light"
            take(browser, url + args.path, out, args.width, args.height, scheme)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
