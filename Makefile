# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python example_site/manage.py
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv demo serve test suites lint migrations-check pytest pytest-postgres docs chromium clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) distmark_demo --port $(PORT)
	@# The task worker runs beside the server, logs to a file, and stops with it.
	@echo "Background task worker log: example_site/worker.log"
	$(MANAGE) db_worker --no-startup-delay > example_site/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

test: venv lint migrations-check chromium suites docs

# The SQLite and PostgreSQL suites run side by side, one per core; each one's
# output is printed whole when it ends.
suites: venv
	$(MAKE) --no-print-directory -j2 --output-sync=target pytest pytest-postgres

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: venv
	DATABASE_URL=sqlite:///:memory: $(MANAGE) makemigrations --check --dry-run

# Debian's Chromium drives the browser tests; Playwright never downloads a browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium)"; exit 1; fi; }

pytest: venv
	DATABASE_URL=sqlite:///:memory: $(BIN)/pytest $(PYTEST_ARGS)

# Runs only when a PostgreSQL server is given (.ci/run starts a throwaway one).
pytest-postgres: venv
	@if [ -n "$$DISTMARK_TEST_POSTGRES_URL" ]; then \
	  echo "== test suite on PostgreSQL"; \
	  DATABASE_URL="$$DISTMARK_TEST_POSTGRES_URL" $(BIN)/pytest $(PYTEST_ARGS); \
	else echo "== DISTMARK_TEST_POSTGRES_URL unset: PostgreSQL run left to CI (.ci/run)"; fi

docs: venv
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

clean:
	rm -rf $(VENV) docs/_build example_site/db.sqlite3
