"""Screenshot an article page of the built site with headless Chromium, for the README.

    .venv/bin/python tools/screenshot.py [slug] [out.png] [--width 1280]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sitekit import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("slug", nargs="?", default="becoming-a-pariah-state")
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "article-screenshot.png"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1100)
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with serve(ROOT / "site") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": args.width, "height": args.height},
            color_scheme="dark" if args.dark else "light",
        )
        page.goto(f"{url}articles/{args.slug}/")
        page.screenshot(path=args.out)
        browser.close()
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
