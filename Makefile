# One command each: `make site` builds the edition, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_N ?= 1000 10000

.PHONY: site test serve check lint bench browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Ingests the bundled sources when their articles are missing (never overwriting an
# editor's change), checks every article, then builds site/ aside and swaps it in.
site: $(STAMP)
	$(BIN)/python -m generator build

serve: $(STAMP)
	$(BIN)/python -m generator serve

# Debian's Chromium for the browser tests: Playwright's own browser download is not
# reachable from CI, the package registries are.
browser:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check generator tests

check: $(STAMP) browser
	$(BIN)/python -m generator quality

bench: $(STAMP)
	$(BIN)/python -m generator bench $(BENCH_N)

clean:
	rm -rf site build .cache
