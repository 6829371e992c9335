"""Vendor the English Snowball stemmer for the browser (``make vendor-snowball``).

The search index stems with PyPI's ``snowballstemmer`` (the Snowball project's own
Python output); the browser must stem every word the same way. The npm package
``snowball-stemmer.jsx`` ships the Snowball English stemmer compiled to plain
JavaScript, one file per language (6 kB compressed for English, no eval, no
WebAssembly, so it runs under the site's Content-Security-Policy). This step
downloads that package with npm, checks it against the integrity the registry
published, and writes its English stemmer as an ES module the engine imports:
``overrides/assets/javascripts/snowball-english.js``. The file is committed, so
``make site`` needs neither npm nor the network; this step only re-makes it,
byte for byte.

Which Snowball: the package compiles the Snowball English algorithm as of
snowballstemmer 2.2. Snowball 3.0 changed the English stemmer (80 of 128,578
test words stem differently), so pyproject.toml pins ``snowballstemmer==2.2.0``;
``tests/test_search_text.py`` runs both stemmers over the seed articles' and the
synthetic archive's words and requires the same stem for every one.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "snowball-stemmer.jsx"
VERSION = "0.2.3"
# `npm view snowball-stemmer.jsx@0.2.3 dist.integrity`
INTEGRITY = (
    "sha512-9XxyGgB1eLtU1hses7ggusDhj5gjJ/QzhlBLDFta2Brp4K4/"
    "EiEolvDX1GVYWOGy11nYpwFDehkaJOlhWf2zQw=="
)
SOURCE = "package/dest/english-stemmer.common.min.js"
LICENCE = "package/LICENSE.md"
OUT = Path(__file__).resolve().parent.parent / "overrides/assets/javascripts/snowball-english.js"


def module_text(source: str, licence: str) -> str:
    """The ES module: the package's CommonJS file, given an ``exports`` object of
    its own, with the licence of the package and of the Snowball algorithm above."""
    notice = "\n".join(f" * {line}".rstrip() for line in licence.strip().splitlines())
    return (
        "/*\n"
        f" * The English Snowball stemmer, from the npm package {PACKAGE} {VERSION}\n"
        f" * ({SOURCE.removeprefix('package/')}), made into an ES module by\n"
        " * devtools/vendor_snowball.py (`make vendor-snowball`): do not edit by hand.\n"
        " * The Snowball algorithm: Copyright (c) 2001 Dr Martin Porter, (c) 2002\n"
        " * Richard Boulton; BSD licence (https://snowballstem.org/license.html).\n"
        " * The package's licence:\n"
        " *\n"
        f"{notice}\n"
        " */\n"
        "const exports = {};\n"
        f"{source.strip()}\n"
        "export const EnglishStemmer = exports.EnglishStemmer;\n"
    )


def fetch_package(work: Path) -> Path:
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", str(work)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (tarball,) = work.glob("*.tgz")
    algorithm, expected = INTEGRITY.split("-", 1)
    digest = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{tarball.name}: integrity {algorithm}-{digest}, expected {INTEGRITY}")
    return tarball


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tarball = fetch_package(Path(tmp))
        with tarfile.open(tarball) as archive:
            files = {}
            for name in (SOURCE, LICENCE):
                member = archive.extractfile(name)
                if member is None:
                    raise SystemExit(f"{tarball.name}: no {name}")
                files[name] = member.read().decode("utf-8")
    text = module_text(files[SOURCE], files[LICENCE])
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
