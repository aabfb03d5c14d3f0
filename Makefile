# Two commands on a fresh machine: `make demo` and `make test` (README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MSHT := $(BIN)/msht
STAMP := $(VENV)/.installed-stamp
ASSETS := src/msht/static/vendor/.built-stamp
PYTEST_ARGS ?=

.PHONY: install assets demo serve test test-fast lint pytest pytest-postgres docs bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

assets: $(ASSETS)

$(ASSETS): package.json package-lock.json scripts/build_assets.py $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/build_assets.py
	touch $@

demo: install assets
	$(MSHT) migrate --no-input
	$(MSHT) demo --reset-passwords
	$(MSHT) serve

serve: install assets
	$(MSHT) serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src tests bench
	$(BIN)/lint-imports
	$(BIN)/cog --check docs/*.md

pytest: install assets
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# The suite again on PostgreSQL when MSHT_TEST_POSTGRES names a server (.ci/run sets it).
# The slow suites (whole worlds linked, the CTDC file, simulations) run once, on SQLite,
# to keep CI within its time: what they measure does not depend on the database.
pytest-postgres: install assets
	@if [ -n "$$MSHT_TEST_POSTGRES" ]; then \
		echo "pytest on PostgreSQL (slow suites ran on SQLite)"; \
		DATABASE_URL="$$MSHT_TEST_POSTGRES" $(BIN)/pytest -n auto -m "not slow" $(PYTEST_ARGS); \
	else \
		echo "MSHT_TEST_POSTGRES not set: PostgreSQL pass skipped"; \
	fi

test: lint pytest pytest-postgres

# Quick local loop: no browser, no slow suites, SQLite only.
test-fast: install
	$(BIN)/pytest -n auto -m "not browser and not slow" $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/synth_bench.py

clean:
	rm -rf $(VENV) node_modules src/msht/static/vendor var
