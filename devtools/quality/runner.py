"""``python -m generator quality`` (``make check``): every gate on the built site.

The site is the one in ``site/`` (built first when it is missing). The HTML gate
runs in Java while the browser gates run, so ``make check`` takes about as long as
its slowest gate rather than the sum of them.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from devtools.quality.browser import chromium
from devtools.quality.common import Finding, GateError, GateResult
from generator import github_actions
from generator.site.build import Project

GATES: tuple[str, ...] = ("links", "html", "accessibility", "weight", "epub")
BROWSER_GATES = {"accessibility", "weight"}


def ensure_site(project: Project, site: Path | None = None, out: TextIO = sys.stderr) -> Path:
    """The folder to check: ``site`` if given, else the project's site/, built first
    (with the same steps as ``make site``) when it has no home page yet."""
    if site is not None:
        return site
    site = project.site_dir()
    if not (site / "index.html").exists():
        from generator.site.build import build

        print(f"quality: {site} has no site yet; building it first", file=out)
        build(project)
    return site


def _gate(name: str, project: Project, site: Path, browser: Any) -> Callable[[], GateResult]:
    """The gate's function, imported only when it runs (Playwright and lxml are
    heavy to import, and a links-only run needs neither browser nor Java)."""
    if name == "links":
        from devtools.quality.links import check_links

        site_url = project.site_config().site_url if project.mkdocs_yml.exists() else ""
        return lambda: check_links(site, site_url)
    if name == "html":
        from devtools.quality.html import check_html

        return lambda: check_html(site)
    if name == "accessibility":
        from devtools.quality.accessibility import check_accessibility

        return lambda: check_accessibility(site, browser=browser)
    if name == "weight":
        from devtools.quality.weight import check_weight

        return lambda: check_weight(site, browser=browser)
    if name == "epub":
        from devtools.quality.epub import check_epubs

        return lambda: check_epubs(site)
    raise ValueError(f"unknown gate {name!r}; the gates are {', '.join(GATES)}")


def _guarded(name: str, run: Callable[[], GateResult]) -> GateResult:
    started = time.perf_counter()
    try:
        result = run()
    except GateError as error:
        result = GateResult(name, [Finding("(gate)", f"could not run: {error}")])
    result.figures["seconds"] = round(time.perf_counter() - started, 1)
    return result


def run_gates(
    project: Project,
    gates: tuple[str, ...] = GATES,
    site: Path | None = None,
    out: TextIO = sys.stderr,
) -> list[GateResult]:
    site = ensure_site(project, site, out)
    results: dict[str, GateResult] = {}
    with contextlib.ExitStack() as stack, ThreadPoolExecutor(max_workers=1) as pool:
        shared = None
        if BROWSER_GATES & set(gates):
            # One Chromium for both browser gates (it takes seconds to start); if it
            # cannot start, each browser gate then reports why on its own.
            with contextlib.suppress(GateError):
                shared = stack.enter_context(chromium())
        runs = {name: _gate(name, project, site, shared) for name in gates}
        # Java works in its own process: start it first, then drive the browser.
        background: dict[str, Future[GateResult]] = {
            name: pool.submit(_guarded, name, runs[name]) for name in gates if name == "html"
        }
        for name in gates:
            if name not in background:
                results[name] = _guarded(name, runs[name])
        for name, future in background.items():
            results[name] = future.result()
    return [results[name] for name in gates]


def annotation(result: GateResult, finding: Finding) -> str:
    """A GitHub Actions error annotation, so the pull request's checks list it."""
    return github_actions.error(
        f"{finding.page}: {finding.problem}", title=f"quality gate {result.name}"
    )


def report(results: list[GateResult], out: TextIO = sys.stdout) -> int:
    """Print every gate's report; 0 when all passed, 1 otherwise."""
    in_actions = github_actions.in_actions()
    for result in results:
        print(result.report(), file=out)
        if in_actions:
            for finding in result.findings[:10]:
                print(annotation(result, finding), file=out)
    failed = [r.name for r in results if not r.ok]
    seconds = sum(float(r.figures.get("seconds", 0)) for r in results)  # type: ignore[arg-type]
    if failed:
        print(f"quality: FAILED: {', '.join(failed)} (see the problems above)", file=out)
        return 1
    print(f"quality: {len(results)} gate(s) passed ({seconds:.0f}s of checks)", file=out)
    return 0
