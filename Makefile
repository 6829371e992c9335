# One command each: `make site` builds the edition, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_N ?= 1000 10000

.PHONY: install site test serve check lint bench browser java axe fonts clean vendor-snowball

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q generator
	touch $(STAMP)

# The venv with the project and its dev tools (CI installs first, then checks).
install: $(STAMP)

# Ingests the bundled sources when their articles are missing (never overwriting an
# editor's change), checks every article, then builds site/ aside and swaps it in.
#
# With EDITION_CACHE=DIR (netlify.toml sets it to Netlify's build cache), the
# previous build's docs tree, site and article cache are restored from DIR first
# and saved there after: the build then renders only the pages whose bytes changed
# (generator/site/incremental.py decides; a cache from other code is ignored).
# Ingest's manifest too: with it, an ingest of sources whose bytes are unchanged
# (a fresh clone gives every file a new time) is replayed, not parsed again.
#
# The generator's bytecode is compiled first, as pip compiles an installed
# package's (files already compiled are skipped): where PYTHONDONTWRITEBYTECODE is
# set, as on the machine of docs/performance.md, every build compiled the
# generator's modules again, 0.25 s of CPU in a one-edit rebuild (py-spy).
INGEST_MANIFEST := content/.ingest-manifest.json
site: $(STAMP)
ifdef EDITION_CACHE
	@for d in build site .cache; do \
	  if [ -d "$(EDITION_CACHE)/$$d" ] && [ ! -e "$$d" ]; then cp -a "$(EDITION_CACHE)/$$d" "$$d"; fi; \
	done
	@if [ -f "$(EDITION_CACHE)/ingest-manifest.json" ] && [ ! -e "$(INGEST_MANIFEST)" ]; then \
	  cp -a "$(EDITION_CACHE)/ingest-manifest.json" "$(INGEST_MANIFEST)"; fi
endif
	@$(BIN)/python -m compileall -q generator
	$(BIN)/python -m generator build
ifdef EDITION_CACHE
	@mkdir -p "$(EDITION_CACHE)"
	@for d in build site .cache; do \
	  rm -rf "$(EDITION_CACHE)/$$d.new"; \
	  if [ -d "$$d" ]; then cp -a "$$d" "$(EDITION_CACHE)/$$d.new" && rm -rf "$(EDITION_CACHE)/$$d" \
	    && mv "$(EDITION_CACHE)/$$d.new" "$(EDITION_CACHE)/$$d"; fi; \
	done
	@if [ -f "$(INGEST_MANIFEST)" ]; then cp -a "$(INGEST_MANIFEST)" "$(EDITION_CACHE)/ingest-manifest.json.new" \
	  && mv "$(EDITION_CACHE)/ingest-manifest.json.new" "$(EDITION_CACHE)/ingest-manifest.json"; fi
endif

serve: $(STAMP)
	$(BIN)/python -m generator serve

# Debian's Chromium for the browser tests: Playwright's own browser download is not
# reachable from CI, the package registries are.
browser:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# A Java runtime for the Nu HTML checker (the HTML gate of `make check`). Debian's
# headless JRE; slim images lack the man folder its post-install script writes to.
java:
	@command -v java >/dev/null || { \
	  echo "installing Debian's default-jre-headless for the Nu HTML checker"; \
	  mkdir -p /usr/share/man/man1; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

# axe-core for the accessibility gate, exactly as pinned by tools/axe/package-lock.json.
AXE := tools/axe/node_modules/axe-core/axe.min.js
$(AXE): tools/axe/package.json tools/axe/package-lock.json
	@command -v npm >/dev/null || { echo "make axe needs Node.js 18+ and npm"; exit 1; }
	cd tools/axe && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

axe: $(AXE)

# The text face: Source Serif 4 from the npm registry, as pinned by
# tools/fonts/package-lock.json, subset by devtools/fonts.py into
# overrides/assets/fonts/. The subset files are committed, so `make site` needs
# neither npm nor a network; run this after content brings new characters.
FONTS_PKG := tools/fonts/node_modules/@fontsource/source-serif-4/package.json
$(FONTS_PKG): tools/fonts/package.json tools/fonts/package-lock.json
	@command -v npm >/dev/null || { echo "make fonts needs Node.js 18+ and npm"; exit 1; }
	cd tools/fonts && npm ci --no-audit --no-fund --loglevel=error
	touch $(FONTS_PKG)

fonts: $(STAMP) $(FONTS_PKG)
	$(BIN)/python devtools/fonts.py

test: $(STAMP) browser java axe
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check generator devtools tests tools
	$(BIN)/ruff format --check generator devtools tests tools

# The reader quality gates on site/ (built first when missing): links, HTML,
# accessibility, page weight. Each names the page and the problem.
check: $(STAMP) browser java axe
	$(BIN)/python -m generator quality

bench: $(STAMP)
	@$(BIN)/python -m compileall -q generator devtools  # as for `make site`
	$(BIN)/python -m generator bench $(BENCH_N)

# Re-makes overrides/assets/javascripts/snowball-english.js (committed, so `make site`
# needs no npm) from the npm package, checked against its published integrity.
vendor-snowball: $(STAMP)
	$(BIN)/python -m devtools.vendor_snowball

clean:
	rm -rf site build .cache
