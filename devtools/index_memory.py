"""The search index's memory and CPU as the build spends them, without the rest of
the build: the edition is loaded in this process, then the index is written by
a forked ``SearchIndexJob`` (the child inherits the model, as in a build) while
the summed PSS of this process and the child is sampled
(``devtools.scale_bench.PssSampler``, every 0.2 s).

    python -m devtools.index_memory PROJECT [--out DIR] [--cache DIR] [--previous DIR]
        [--set NAME=VALUE ...]

``--cache DIR`` takes each article's share of the index from a search cache
(``generator.search.cache``) in DIR, and puts there those it lacks: run it twice
on an empty DIR for the index from a cold cache, then from a warm one (from
the merged state it keeps, index.py's ``_rebuild``). ``--previous DIR``: the
bundle the run before wrote (its ``--out``), whose unchanged files are linked,
as a build's are from site/search-index. ``--set``
overrides an integer constant of ``generator.search.index`` (for instance
``PARTITION_DOCUMENTS=500``). Prints one JSON line: documents, shards, this
process's PSS after loading (before the fork), the tree's peak PSS while the
index was written, the difference (what writing the index adds to a build's
summed PSS), the child's peak RSS, the index's CPU and wall seconds, and how
many articles came from the cache. The figures in docs/performance.md ("Memory",
"The search index on a one-edit rebuild") come from it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from devtools.scale_bench import PssSampler, tree_pss_kb
from generator.search import index
from generator.search.cache import SearchCache
from generator.site.build import Project, load_edition


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--out", type=Path, help="where to write the index (default: a temp dir)")
    parser.add_argument("--cache", type=Path, help="a search cache folder to read and fill")
    parser.add_argument("--previous", type=Path, help="the previous run's --out, to link from")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    for setting in args.set:
        name, value = setting.split("=", 1)
        if not isinstance(getattr(index, name), int):
            raise SystemExit(f"{name} is not an integer constant of generator.search.index")
        setattr(index, name, int(value))
    started = time.process_time()
    edition = load_edition(Project(args.project))
    load_cpu = time.process_time() - started
    work = Path(tempfile.mkdtemp(prefix="index-memory-"))
    out = args.out or work / index.BUNDLE
    try:
        loaded_kb = tree_pss_kb(os.getpid())
        sampler = PssSampler(os.getpid())
        cache = SearchCache(args.cache) if args.cache else None
        stats, wall = index.SearchIndexJob(edition, out, cache, args.previous).wait()
        peak_mb = sampler.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    child_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "documents": stats.documents,
                "shards": stats.shards,
                "partitions": index.partitions_for(stats.documents)
                if hasattr(index, "partitions_for")
                else 1,
                "load_cpu_s": round(load_cpu, 1),
                "loaded_pss_mb": round(loaded_kb / 1024),
                "peak_tree_pss_mb": round(peak_mb),
                "index_adds_mb": round(peak_mb - loaded_kb / 1024),
                "index_peak_rss_mb": round(child_rss_mb),
                "index_cpu_s": round(stats.cpu_seconds, 1),
                "index_wall_s": round(wall, 1),
                "from_cache": stats.cached,
                "linked": stats.linked,
            }
        )
    )


if __name__ == "__main__":
    main()
