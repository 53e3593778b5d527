# antei: two commands matter.
#   make run    set up everything and serve on http://127.0.0.1:8000 (SQLite, demo bank)
#   make test   set up everything and run the whole suite on SQLite and PostgreSQL
# Everything is installed by these targets: a fresh clone needs only Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2
export ANTEI_PORT ?= 8000
# Tests start threads that use the database and end; a persistent connection (production
# keeps PostgreSQL connections 60 s) would outlive its thread unclosed: tests close them.
TEST_ENV := ANTEI_DB_CONN_MAX_AGE=0

.PHONY: run test test-sqlite test-postgres setup venv messages browser monitoring lint lock bench bench-deps clean

run: setup
	$(BIN)/antei serve --port $(ANTEI_PORT)

setup: venv messages
	$(BIN)/antei setup

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Translations are compiled at install time (.mo files are build output, not source).
messages: venv
	@for dir in src/antei/locale src/antei/*/locale; do \
	  if [ -d "$$dir" ]; then $(BIN)/pybabel -q compile -d "$$dir" -D django || exit 1; fi; done

# Browser tests drive Debian's chromium through Playwright (no browser download).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The capacity pull, the alert-intake tests and bench/intake.py run Debian's Prometheus and
# Alertmanager for real.
monitoring:
	@test -x /usr/bin/prometheus -a -x /usr/bin/prometheus-alertmanager || { \
	  echo "installing Debian prometheus and prometheus-alertmanager for the real-server tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null; }

# `monitoring` installed Alertmanager: its tests must run, not skip.
test: venv messages browser monitoring lint
	ANTEI_REQUIRE_ALERTMANAGER=1 $(MAKE) --no-print-directory test-sqlite
	ANTEI_REQUIRE_ALERTMANAGER=1 $(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== suite on SQLite =="
	ANTEI_VAR_DIR=$(CURDIR)/var/test-sqlite $(TEST_ENV) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

# PostgreSQL is required in CI (ANTEI_REQUIRE_POSTGRES=1): unreachable means failure, not a skip.
test-postgres:
	@echo "== suite on PostgreSQL =="
	@if ! $(BIN)/python scripts/wait_for_postgres.py "$(PG_URL)"; then \
	  if [ "$$ANTEI_REQUIRE_POSTGRES" = "1" ]; then echo "PostgreSQL required but unreachable at $(PG_URL)"; exit 1; fi; \
	  echo "PostgreSQL unreachable at $(PG_URL): lane skipped (set ANTEI_REQUIRE_POSTGRES=1 to fail)"; exit 0; fi; \
	ANTEI_VAR_DIR=$(CURDIR)/var/test-postgres ANTEI_DATABASE_URL=$(PG_URL) $(TEST_ENV) \
	  $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

# Lint is part of `make test`: style (ruff), layering (import-linter) and types (mypy).
lint: venv
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-cache > /dev/null
	$(BIN)/mypy

bench-deps: venv
	$(BIN)/python -m pip install --quiet 'statsforecast==2.1.1' 'duckdb==2.0.0'

bench: bench-deps monitoring
	$(BIN)/python bench/bizcal.py
	$(BIN)/python bench/forecast.py
	$(BIN)/python bench/settlement.py
	$(BIN)/python bench/callout.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/intake.py --flood
	$(BIN)/python bench/intake.py --storm

# Re-pin every dependency after changing pyproject.toml.
lock:
	rm -rf /tmp/antei-lock && $(PYTHON) -m venv /tmp/antei-lock
	/tmp/antei-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/antei-lock/bin/pip freeze --exclude-editable | grep -v '^antei' > requirements.lock

clean:
	rm -rf $(VENV) var
