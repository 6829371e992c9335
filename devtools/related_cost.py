"""What related reading and redirects add to a build (issue 15: under 3% at 10,000).

Measured in this process on a project that has been built once (its content, its
address ledger), each part the median of ``repeats`` runs:

- **related index**: ``index_related`` over the whole edition model;
- **related pages**: generating every article page with its related-reading block
  minus generating it without (the block's Jinja macro and its data);
- **related in MkDocs**: what MkDocs does with the block, on a sample of article
  pages with it minus without, scaled to every article page: it reads the page's
  front matter (where the block is, as one YAML string: reading it is timed) and
  converts the body with the project's Markdown extensions (from ``mkdocs.yml``;
  timed only when the bodies differ, so that a block moved back into the body shows
  here). Before the block left the body, this part was 6-12% of Markdown's time;
- **addresses**: what ``check`` does for them (the pages that can move, the aliases
  declared, the ledger read and checked) and what the build does (``_redirects``).

Every figure is CPU seconds; their sum over the build's CPU seconds (all its
processes, ``make bench``'s ``build`` run) is the share. The theme's Jinja templates are
not measured: they print the converted body whatever it holds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from unittest import mock

SAMPLE = 400


@dataclass(frozen=True)
class RelatedCost:
    articles: int
    related_index_s: float
    related_pages_s: float
    related_mkdocs_s: float
    addresses_s: float

    @property
    def total_s(self) -> float:
        return (
            self.related_index_s + self.related_pages_s + self.related_mkdocs_s + self.addresses_s
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "total_s": round(self.total_s, 3)}


def _median(run: Callable[[], object], repeats: int) -> float:
    # CPU time, not wall time: this process's, single-threaded, so a busy machine
    # slows it less than it stretches the clock.
    times = []
    for _ in range(repeats):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return statistics.median(times)


def _markdown(mkdocs_yml: Path) -> Callable[[str], str]:
    """The project's Markdown converter, configured as MkDocs configures it."""
    import markdown
    from mkdocs.config import load_config
    from mkdocs.utils import meta

    config = load_config(str(mkdocs_yml))
    converter = markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"]
    )

    def convert(text: str) -> str:
        # What MkDocs does with a page's file: split and load the front matter
        # (mkdocs.utils.meta, libyaml's loader), convert the body.
        body, _ = meta.get_data(text)
        converter.reset()
        return converter.convert(body)

    return convert


def measure(root: Path, repeats: int = 3, sample: int = SAMPLE) -> RelatedCost:
    from generator.content.addresses import (
        check_addresses,
        declared_redirects,
        ledger_redirects,
        page_addresses,
        redirects_file,
    )
    from generator.content.check import check_all
    from generator.content.curation import TOPICS_FILE
    from generator.content.edition import build_edition, index_related, writer_slug
    from generator.site.build import Project
    from generator.site.pages import PageBuilder

    project = Project(root)
    content = project.content
    result = check_all(content)
    curation = result.curation
    edition = build_edition(list(result.articles), curation.issue_orders(), curation)
    slugs = sorted(edition.articles)

    def related() -> None:
        edition.related.clear()
        index_related(edition)

    related_index = _median(related, repeats)

    builder = PageBuilder(edition, project.site_config(), project.templates)

    def pages() -> list[str]:
        return [builder.article(slug).text for slug in slugs]

    with_block = _median(pages, repeats)
    with mock.patch.object(PageBuilder, "_related", return_value=[]):
        without_block = _median(pages, repeats)
        step = max(1, len(slugs) // sample)
        picked = slugs[::step][:sample]
        plain = [builder.article(slug).text for slug in picked]
    full = [builder.article(slug).text for slug in picked]
    from mkdocs.utils import meta

    if [meta.get_data(t)[0] for t in full] == [meta.get_data(t)[0] for t in plain]:
        # The block is in the front matter only: the bodies MkDocs converts are the
        # same, and timing their conversion twice would measure its noise (±5% of
        # 14 ms a page, more than the difference). What differs is the YAML read.
        def read(texts: list[str]) -> Callable[[], object]:
            return lambda: [meta.get_data(t) for t in texts]

        mkdocs_with = _median(read(full), repeats * 5)
        mkdocs_without = _median(read(plain), repeats * 5)
    else:
        convert = _markdown(project.mkdocs_yml)
        mkdocs_with = _median(lambda: [convert(t) for t in full], repeats)
        mkdocs_without = _median(lambda: [convert(t) for t in plain], repeats)
    markdown_extra = max(0.0, mkdocs_with - mkdocs_without) * len(slugs) / len(picked)

    articles = list(result.articles)

    def addresses() -> None:
        pages = page_addresses(articles, curation, writer_slug)
        redirects = declared_redirects(
            articles,
            curation,
            {a.slug: str(content / "articles" / f"{a.slug}.md") for a in articles},
            {},
            str(content / TOPICS_FILE),
        )
        redirects += ledger_redirects(content)
        check_addresses(content, pages, redirects)
        redirects_file(redirects, pages)

    return RelatedCost(
        articles=len(slugs),
        related_index_s=round(related_index, 3),
        related_pages_s=round(max(0.0, with_block - without_block), 3),
        related_mkdocs_s=round(markdown_extra, 3),
        addresses_s=round(_median(addresses, repeats), 3),
    )


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a built project (holds mkdocs.yml)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.root, args.repeats).as_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
