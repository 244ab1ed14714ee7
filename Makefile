# arrears — the commands a newcomer and CI run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test test-sqlite test-postgres bench install clean

# uv installs the dependencies in parallel: about half a minute instead of two to three with pip
# (docs/decisions/0015-installing-with-uv.md). It comes from the package index like everything else.
$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/arrears demo

test: $(STAMP)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test,spark]'
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# The browser tests run in a pytest process of their own: Playwright's sync API leaves an event
# loop marked running in the main thread, and ORM connections made under it are not the ones
# Django closes before the bulk (ADBC) work of later tests, whose second SQLite library would
# then share the file with them (see docs/testing.md).
PYTEST := $(BIN)/pytest -q -p no:cacheprovider

test-sqlite: $(STAMP)
	DATABASE_URL= $(PYTEST) --ignore=tests/e2e/browser
	DATABASE_URL= $(PYTEST) tests/e2e/browser

test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) $(PYTEST) tests/integration tests/e2e --ignore=tests/e2e/browser
	DATABASE_URL=$(PG_URL) $(PYTEST) tests/e2e/browser

bench: $(STAMP)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test,bench,spark]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
