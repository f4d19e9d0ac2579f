# Hubs: developer tasks. Every target works on a fresh clone; stamp files make
# repeated runs fast (the venv is rebuilt only when pyproject.toml changes, the
# vendored front-end only when package.json or package-lock.json changes).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

VENV_STAMP := $(VENV)/.hubs-installed
NODE_STAMP := node_modules/.hubs-installed
VENDOR := hubs/static/vendor
VENDOR_STAMP := $(VENDOR)/.hubs-copied
NHSUK_DIST := node_modules/nhsuk-frontend/dist/nhsuk
SWAGGER_DIST := node_modules/swagger-ui-dist

.PHONY: help venv assets run test lint format bench bench-smoke hazard-log clean

help: ## List the targets
	@echo "Hubs make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

venv: $(VENV_STAMP) ## Create .venv and install the app with its dev tools

$(VENV_STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
		$(PYTHON) -m venv $(VENV) || { \
			echo "error: '$(PYTHON) -m venv' failed; on Debian install python3-venv (apt-get install -y python3-venv)" >&2; \
			rm -rf $(VENV); exit 1; }; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

assets: $(VENDOR_STAMP) ## Install front-end packages and copy them into hubs/static/vendor

$(NODE_STAMP): package.json $(wildcard package-lock.json) $(wildcard .npmrc)
	@command -v npm >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "npm not found: installing Debian's nodejs and npm"; \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; \
		else \
			echo "error: npm not found; install Node.js 20 and npm" >&2; exit 1; \
		fi; }
	@if [ -f package-lock.json ]; then npm ci; else npm install; fi
	@touch $@

$(VENDOR_STAMP): $(NODE_STAMP) Makefile
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/nhsuk $(VENDOR)/swagger-ui
	cp $(NHSUK_DIST)/nhsuk-frontend.min.js $(NHSUK_DIST)/nhsuk-frontend.min.js.map $(VENDOR)/nhsuk/
	cp $(NHSUK_DIST)/nhsuk-frontend.min.css.map $(VENDOR)/nhsuk/
	@# The stylesheet points its icons at the site root (url(/assets/...)); make
	@# them relative so they resolve to $(VENDOR)/nhsuk/assets/ wherever static lives.
	@# It also loads the Frutiger web font from assets.nhs.uk, which our CSP refuses
	@# (font-src 'self'): drop those @font-face rules, as the Sass setting
	@# $$nhsuk-include-default-font-face: false would, so pages use the Arial fallback quietly.
	sed -e 's#url(/assets/#url(assets/#g' \
		-e 's#@font-face{[^}]*https://assets\.nhs\.uk/fonts/[^}]*}##g' \
		$(NHSUK_DIST)/nhsuk-frontend.min.css > $(VENDOR)/nhsuk/nhsuk-frontend.min.css
	cp -R $(NHSUK_DIST)/assets $(VENDOR)/nhsuk/assets
	cp $(SWAGGER_DIST)/swagger-ui.css $(SWAGGER_DIST)/swagger-ui-bundle.js \
		$(SWAGGER_DIST)/swagger-ui-standalone-preset.js $(VENDOR)/swagger-ui/
	@touch $@

run: venv assets ## Migrate, load demo data, start the scheduler and serve http://127.0.0.1:5000
	$(FLASK) db upgrade
	$(FLASK) hubs demo
	@# The scheduler is its own process, never part of the web server: start it beside the
	@# server and stop it (releasing its lease) when the server stops, however it stops.
	@$(FLASK) hubs scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

test: venv assets ## Lint, then the whole suite on SQLite and on a throwaway PostgreSQL
	bash scripts/test-all.sh

lint: venv ## ruff check, ruff format --check, the import layers (lint-imports) and the code's shape
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/code-shape.py

format: venv ## Format the code and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: venv ## Benchmarks at city scale, SQLite then PostgreSQL (~40 min): benchmarks/results/
	bash scripts/bench.sh

bench-smoke: venv ## Statements per main page on small and double-small data (in make test)
	$(BIN)/pytest tests/bench -q -o addopts="" -p no:cacheprovider

hazard-log: venv ## Run the hazard log's tests; render docs/clinical-safety/hazard-log.md with each result
	$(BIN)/python scripts/hazard_log.py --list-tests | xargs $(BIN)/pytest -q -o addopts="" \
		-p no:cacheprovider -p no:warnings --junitxml=.hazard-results.xml || true
	$(BIN)/python scripts/hazard_log.py --results .hazard-results.xml
	@rm -f .hazard-results.xml

clean: ## Remove .venv, node_modules, vendored assets and local SQLite databases
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .ruff_cache
	rm -f instance/*.db instance/*.db-wal instance/*.db-shm
