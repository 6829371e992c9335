"""What Python-Markdown costs a page of a built docs tree, by folder.

MkDocs spends most of a full build converting pages (81% of a 10,000-article
build, docs/performance.md), and most of that is Python-Markdown. This converts a
sample of each folder's pages with the site's own extensions (mkdocs.yml's, as
generator/content/policy.py holds them), one fresh ``Markdown`` a page as MkDocs
makes them, and prints the median time a page;
``--compare`` also converts them without the inline guards
(generator/site/inline_guards.py) and checks that the HTML is the same.

    python -m devtools.markdown_cost build/docs --sample 300 [--compare]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown

from generator.content.policy import EXTENSION_CONFIGS, EXTENSIONS

GUARDS = "generator.site.inline_guards"


@dataclass(frozen=True)
class Cost:
    folder: str
    pages: int
    sampled: int
    median_ms: float
    unguarded_ms: float | None = None
    same_html: bool | None = None


def _text(path: Path) -> str:
    text = path.read_text("utf-8")
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5 :]
    return text


def _convert(
    texts: list[str], names: list[str], options: dict[str, Any]
) -> tuple[list[float], list[str]]:
    times, html = [], []
    for text in texts:
        started = time.perf_counter()
        html.append(markdown.Markdown(extensions=names, extension_configs=options).convert(text))
        times.append((time.perf_counter() - started) * 1000)
    return times, html


def measure(docs: Path, sample: int, *, compare: bool = False, seed: int = 1) -> list[Cost]:
    # The site's extensions as the generator holds them (policy.py; a test keeps
    # them equal to mkdocs.yml's).
    names, options = list(EXTENSIONS), dict(EXTENSION_CONFIGS)
    folders: dict[str, list[Path]] = {}
    for path in sorted(docs.rglob("*.md")):
        rel = path.relative_to(docs)
        folders.setdefault(rel.parts[0] if len(rel.parts) > 1 else ".", []).append(path)
    rng = random.Random(seed)
    costs = []
    for folder, paths in sorted(folders.items()):
        chosen = rng.sample(paths, min(sample, len(paths)))
        texts = [_text(p) for p in chosen]
        times, html = _convert(texts, names, options)
        unguarded, same = None, None
        if compare:
            plain_times, plain_html = _convert(texts, [n for n in names if n != GUARDS], options)
            unguarded, same = statistics.median(plain_times), plain_html == html
        costs.append(
            Cost(folder, len(paths), len(chosen), statistics.median(times), unguarded, same)
        )
    return costs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", type=Path, help="a built docs tree (build/docs)")
    parser.add_argument("--sample", type=int, default=300, help="pages a folder at most")
    parser.add_argument("--compare", action="store_true", help="also without the inline guards")
    args = parser.parse_args(argv)
    total = 0.0
    for c in measure(args.docs, args.sample, compare=args.compare):
        total += c.median_ms * c.pages
        line = f"{c.folder:14} {c.pages:7,} pages  {c.median_ms:7.2f} ms a page"
        line += f" (median of {c.sampled})"
        if c.unguarded_ms is not None:
            line += f"  unguarded {c.unguarded_ms:7.2f} ms, same HTML: {c.same_html}"
        print(line)
    print(f"all pages, one core: about {total / 1000:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
