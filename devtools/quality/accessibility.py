"""The accessibility gate: axe-core in headless Chromium, and the keyboard alone.

axe-core (the npm package, pinned in tools/axe/package-lock.json and installed by
``make axe``) is injected into each page by Playwright and run in both palettes,
light and dark (a colour that passes on white can fail on slate). A serious or
critical violation fails the gate; moderate and minor ones are listed as notes.

The keyboard checks do what a reader without a mouse does: the first Tab reaches
a visible "Skip to content" link, Enter moves on into the page's content, every
element Tab stops at shows where the focus is, and Tab reaches the header's
search box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from devtools.quality.browser import chromium, serve
from devtools.quality.common import Finding, GateError, GateResult

AXE_DIR = Path(__file__).resolve().parents[2] / "tools" / "axe"
FAILING_IMPACTS = ("serious", "critical")
SCHEMES = ("light", "dark")
# Tab stops to walk: the header and navigation of a page hold fewer than this, so
# the search box is within it, and the focus check sees every kind of control.
TAB_STOPS = 40
# How long the search page may take to show its results (the first query loads
# the engine and the index's files).
SEARCH_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class AuditPage:
    label: str  # what the report calls it: "home", "issue", ...
    path: str  # relative to the site root, e.g. "issues/2008-12-08/"
    query: str | None = None  # for the search page: what to search for


def axe_source(axe_dir: Path = AXE_DIR) -> str:
    script = axe_dir / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        raise GateError(
            f"axe-core is not installed in {axe_dir}: run `make axe` (npm ci in tools/axe)"
        )
    return script.read_text("utf-8")


def _first(site: Path, pattern: str) -> str | None:
    found = sorted(site.glob(pattern))
    return found[0].parent.relative_to(site).as_posix() + "/" if found else None


def _has_timeline(path: Path) -> bool:
    if b"ns-timeline" not in path.read_bytes():
        return False
    tree = etree.parse(str(path), etree.HTMLParser(encoding="utf-8"))
    return bool(tree.xpath("//aside[contains(concat(' ', @class, ' '), ' ns-timeline ')]"))


def search_term(title: str) -> str:
    """A word of an article's headline that search must find: the longest one."""
    words = re.findall(r"[^\W\d_]{4,}", title)
    return max(words, key=len).lower() if words else title


def pages_to_audit(site: Path) -> tuple[list[AuditPage], list[str]]:
    """The home page, an issue, a writer, an article with a timeline and a search
    with results; and notes for the kinds this site has none of."""
    pages = [AuditPage("home", "")]
    notes: list[str] = []
    for label, pattern in (("issue", "issues/*/index.html"), ("writer", "authors/*/index.html")):
        path = _first(site, pattern)
        if path:
            pages.append(AuditPage(label, path))
        else:
            notes.append(f"no {label} page in this site to audit")
    timeline = next(
        (p for p in sorted(site.glob("articles/*/index.html")) if _has_timeline(p)), None
    )
    if timeline is None:
        notes.append("no article with a timeline in this site to audit")
    else:
        pages.append(AuditPage("article with a timeline", f"articles/{timeline.parent.name}/"))
        if (site / "search" / "index.html").exists():
            tree = etree.parse(str(timeline), etree.HTMLParser(encoding="utf-8"))
            title = "".join(tree.xpath("string(//h1)")).strip()
            pages.append(AuditPage("search with results", "search/", search_term(title)))
    if not (site / "search" / "index.html").exists():
        notes.append("no search page in this site to audit")
    return pages, notes


# --- axe ------------------------------------------------------------------------------

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({
      target: n.target.join(" "),
      summary: (n.failureSummary || "").split("\\n").slice(1).join(" ").trim(),
    })),
  }));
}"""


def run_axe(page: Any, source: str) -> list[dict]:
    page.add_script_tag(content=source)
    return list(page.evaluate(RUN_AXE))


def _open_search(page: Any, base: str, audit: AuditPage) -> bool:
    """Open the search page with a query; True when it shows results."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(f"{base}{audit.path}?q={quote(audit.query or '')}", wait_until="load")
    results = "main a[href*='articles/'], .md-content a[href*='articles/']"
    try:
        page.wait_for_selector(results, timeout=SEARCH_TIMEOUT_MS / 2)
        return True
    except PlaywrightTimeout:
        pass  # the page may not read ?q=: type the query into its box instead
    box = page.query_selector("main input[type=search], .md-content input[type=search]")
    if box is None:
        return False
    box.fill(audit.query or "")
    box.press("Enter")
    try:
        page.wait_for_selector(results, timeout=SEARCH_TIMEOUT_MS / 2)
        return True
    except PlaywrightTimeout:
        return False


def _axe_findings(where: str, violations: list[dict]) -> tuple[list[Finding], list[str]]:
    """Serious and critical violations as findings; the others as short notes."""
    findings: list[Finding] = []
    minor: list[str] = []
    for v in violations:
        nodes = v.get("nodes", [])
        if v.get("impact") not in FAILING_IMPACTS:
            targets = ", ".join(n["target"] for n in nodes[:3])
            minor.append(f"{where}: {v.get('impact')} {v['id']} ({v['help']}): {targets}")
            continue
        shown = "; ".join(
            f"{n['target']}" + (f" ({n['summary']})" if n.get("summary") else "") for n in nodes[:3]
        )
        more = f"; and {len(nodes) - 3} more" if len(nodes) > 3 else ""
        findings.append(Finding(where, f"{v['impact']} {v['id']}: {v['help']}: {shown}{more}"))
    return findings, minor


# --- keyboard -------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const visible = (e) => {
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
      && !/rgba\\(\\d+, \\d+, \\d+, 0\\)|transparent/.test(s.outlineColor);
    const shadow = s.boxShadow && s.boxShadow !== "none";
    return outline || shadow;
  };
  // A visually hidden control (Material's palette radios) shows its focus on the
  // label that stands for it: one of its labels, or the label right after it.
  const labels = Array.from(el.labels || []);
  const next = el.nextElementSibling;
  if (next && next.tagName === "LABEL") labels.push(next);
  const r = el.getBoundingClientRect();
  const main = document.querySelector("main, [role=main]");
  return {
    html: el.outerHTML.slice(0, 120),
    tag: el.tagName.toLowerCase(),
    href: el.getAttribute("href"),
    text: (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 60),
    indicator: visible(el) || labels.some(visible),
    onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
      && r.top < innerHeight && r.left < innerWidth,
    // The site's header (a <header> outside the main content), not an article's.
    inHeader: !!el.closest("header") && !(main && main.contains(el)),
    inMain: !!(main && main.contains(el)),
    isSearch: (el.matches("input") && (el.type === "search" || !!el.closest("[role=search]")))
      || el.matches("input.md-search__input"),
  };
}"""

AFTER_SKIP = """(hash) => {
  const id = decodeURIComponent(hash.slice(1));
  const target = document.getElementById(id) || document.getElementsByName(id)[0];
  const main = document.querySelector("main, [role=main]");
  const focus = document.activeElement;
  const h1 = document.querySelector("main h1, [role=main] h1");
  const follows = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  return {
    exists: !!target,
    inMain: !!(target && main && main.contains(target)),
    skipsHeadline: !!(target && h1 && target !== h1 && !target.contains(h1) && follows(h1, target)),
    targetText: target ? (target.textContent || "").trim().slice(0, 60) : "",
    focusAfter: !!(target && focus && focus !== document.body
      && (target === focus || target.contains(focus) || follows(target, focus))),
  };
}"""


HEADER_HAS_SEARCH = """() => {
  const main = document.querySelector("main, [role=main]");
  return Array.from(document.querySelectorAll("header")).some(h =>
    !(main && main.contains(h)) &&
    !!h.querySelector("input[type=search], [role=search] input, input.md-search__input"));
}"""


def keyboard_findings(
    page: Any, url: str, where: str, *, own_search: bool = False
) -> list[Finding]:
    """``own_search``: the page is the search page, whose own box stands in for the
    header's (one search box on a page, not two)."""
    findings: list[Finding] = []
    page.goto(url, wait_until="load")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    skip = (
        first
        and first["tag"] == "a"
        and (first["href"] or "").startswith("#")
        and "skip" in first["text"].lower()
    )
    if not skip:
        reached = first["html"] if first else "nothing"
        findings.append(
            Finding(where, f"the first Tab does not reach a skip link (it reached {reached})")
        )
    else:
        if not first["onScreen"]:
            findings.append(Finding(where, "the skip link stays off screen when it has the focus"))
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        after = page.evaluate(AFTER_SKIP, first["href"])
        target = first["href"]
        if not after["exists"]:
            findings.append(Finding(where, f"the skip link points at {target}, not on the page"))
        elif not after["inMain"]:
            findings.append(Finding(where, f"the skip link target {target} is outside the content"))
        elif not after["focusAfter"]:
            findings.append(
                Finding(where, f"after the skip link, Tab does not continue from {first['href']}")
            )
        if after["skipsHeadline"]:
            findings.append(
                Finding(
                    where,
                    f"the skip link jumps past the page's headline to {first['href']} "
                    f'("{after["targetText"]}"): it should land at the start of the content '
                    "(Material links it to the first heading in the table of contents: keep "
                    "the page's h1 in a markdown block, as overrides/edition/*.html do)",
                )
            )
    # Walk the Tab order from the top: every stop shows its focus, and one of them
    # is the header's search box (on the search page, which has one box only, the
    # page's own).
    page.goto(url, wait_until="load")
    in_header = page.evaluate(HEADER_HAS_SEARCH)
    unseen: dict[str, str] = {}
    searched = False
    for _ in range(TAB_STOPS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        if focused["isSearch"] and (
            focused["inHeader"] or (not in_header and focused["inMain"] and own_search)
        ):
            searched = True
        if not focused["indicator"]:
            unseen.setdefault(focused["html"], focused["text"])
    for html in unseen:
        findings.append(Finding(where, f"no visible focus (outline or box-shadow) on {html}"))
    if not searched:
        findings.append(
            Finding(
                where,
                f"Tab does not reach the header's search box within {TAB_STOPS} stops"
                if in_header or own_search
                else "the header has no search box for the keyboard to reach",
            )
        )
    return findings


# --- the gate ---------------------------------------------------------------------------


def check_accessibility(
    site: Path,
    pages: list[AuditPage] | None = None,
    axe_dir: Path = AXE_DIR,
    browser: Any = None,
) -> GateResult:
    source = axe_source(axe_dir)
    notes: list[str] = []
    if pages is None:
        pages, notes = pages_to_audit(site)
    result = GateResult("accessibility", notes=notes)
    minor_total = 0
    counts: dict[str, int] = {}
    with serve(site) as base, chromium(browser) as browser:
        for audit in pages:
            where = f"/{audit.path} ({audit.label})"
            for scheme in SCHEMES:
                context = browser.new_context(color_scheme=scheme)
                try:
                    page = context.new_page()
                    if audit.query is not None:
                        if not _open_search(page, base, audit) and scheme == SCHEMES[0]:
                            result.notes.append(
                                f"TODO: /{audit.path} showed no results for "
                                f"{audit.query!r}; axe ran on the page as it is"
                            )
                    else:
                        page.goto(base + audit.path, wait_until="load")
                    found, minor = _axe_findings(f"{where} [{scheme}]", run_axe(page, source))
                    result.findings += found
                    minor_total += len(minor)
                    result.notes += [f"not failing: {m}" for m in minor]
                    counts[f"{audit.path}:{scheme}"] = len(found)
                    if scheme == SCHEMES[0]:
                        result.findings += keyboard_findings(
                            page, base + audit.path, where, own_search=audit.query is not None
                        )
                finally:
                    context.close()
    serious = sum(counts.values())
    result.summary = (
        f"{len(pages)} pages x {len(SCHEMES)} palettes: {serious} serious/critical axe "
        f"violation(s), {minor_total} moderate/minor; keyboard checked"
    )
    result.figures = {"pages": len(pages), "serious": serious, "minor": minor_total}
    return result
