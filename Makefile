# Two commands on a fresh machine: `make demo` and `make test` (README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MSHT := $(BIN)/msht
STAMP := $(VENV)/.installed-stamp
ASSETS := src/msht/static/vendor/.built-stamp
PYTEST_ARGS ?=

.PHONY: install assets demo serve test test-fast lint pytest pytest-postgres coverage-critical docs bench clean

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

# 100% branch coverage of the modules that decide access (the rules, the API's permission
# and token classes, the session and second-factor middleware), the audit trail and
# disclosure control (issue 10), from their own tests only, on SQLite: a branch no test
# reaches fails `make test`. Migrations are left out (tests/coverage_critical.toml).
CRITICAL_MODULES := msht.accounts.rules msht.accounts.api_permissions \
	msht.accounts.api_authentication msht.accounts.middleware msht.accounts.sessions \
	msht.accounts.second_factor msht.audit msht.analytics.engine.disclosure
CRITICAL_TESTS := tests/audit tests/accounts/test_rules*.py tests/accounts/test_api_permissions.py \
	tests/accounts/test_sessions.py tests/accounts/test_second_factor*.py \
	tests/accounts/test_security_headers.py tests/intelligence/test_sharing.py \
	tests/analytics/engine/test_disclosure*.py
coverage-critical: install
	env -u DATABASE_URL $(BIN)/pytest -n 2 -q -p no:randomly $(CRITICAL_TESTS) \
		--cov-config=tests/coverage_critical.toml --cov-branch --cov-fail-under=100 \
		--cov-report=term-missing $(addprefix --cov=,$(CRITICAL_MODULES))

test: lint coverage-critical pytest pytest-postgres

# Quick local loop: no browser, no slow suites, SQLite only.
test-fast: install
	$(BIN)/pytest -n auto -m "not browser and not slow" $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/synth_bench.py

clean:
	rm -rf $(VENV) node_modules src/msht/static/vendor var
