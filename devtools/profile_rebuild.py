"""Profile a one-edit rebuild in one process: the build's own step timings and
cProfile of the main process (the search index's and the EPUBs' processes are
timed beside it, not profiled).

    python -m devtools.profile_rebuild PROJECT [--out rebuild.prof] [--top 45]

PROJECT must hold a previous build (site/, build/docs, the manifest), as the
bench's project does after its full build; the middle article (by file name)
gets one paragraph more, as ``make bench``'s one-edit rebuild does. The figures
in docs/performance.md ("A one-edit rebuild at 10,000 articles") come from it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from generator.site.build import Project, build


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--out", type=Path, default=Path("rebuild.prof"))
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args(argv)
    # Resolved as the CLI does: MkDocs refused the relative path's configuration.
    root: Path = args.project.resolve()
    articles = sorted((root / "content" / "articles").glob("*.md"))
    edited = articles[len(articles) // 2]
    edited.write_text(edited.read_text("utf-8") + "\nAn editor's added paragraph.\n", "utf-8")
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    timings = build(Project(root))
    profile.disable()
    print(
        f"total {time.perf_counter() - started:.2f} s, pages rendered: {timings.incremental}, "
        f"article pages kept: {timings.kept}, issue and writer pages kept: "
        f"{timings.listings_kept}"
    )
    for name, seconds in timings.steps.items():
        print(f"  {name}: {seconds:.2f}")
    for name, seconds in timings.beside.items():
        cpu = timings.beside_cpu.get(name)
        print(f"  {name} (beside): {seconds:.2f}" + (f", {cpu:.2f} CPU" if cpu is not None else ""))
    profile.dump_stats(args.out)
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
