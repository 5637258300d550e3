# fundapp — the two commands that matter are `make run` and `make test` (see README.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py

.DEFAULT_GOAL := help
.PHONY: help install system-deps run serve worker migrate demo test test-e2e browser-deps test-fast lint format typecheck importlint bench bench-exports db-check assets clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: system-deps $(STAMP) ## Create the virtualenv and install pinned dependencies

system-deps: ## Install the Debian libraries WeasyPrint needs, if missing (needs root or sudo)
	@bash scripts/system-deps.sh

migrate: install ## Bring the database schema up to date
	$(BIN)/flask db upgrade

demo: migrate ## Load the demo Shared Endeavour Fund (safe to run again)
	$(BIN)/flask demo load

run: demo ## Set everything up and serve the demo on http://127.0.0.1:5000, with a job worker (Ctrl-C stops both)
	BIN=$(BIN) bash scripts/run-dev.sh

serve: ## Serve without setting up again
	$(BIN)/flask run --host 127.0.0.1 --port 5000

worker: install ## Run a background-job worker: two processes, one per core (for HUEY_IMMEDIATE=0 or REDIS_URL set)
	$(BIN)/huey_consumer fundapp.worker.huey -k process -w 2

test: install lint ## Set up, check the code and run the whole test suite
	$(BIN)/pytest -q

test-e2e: install browser-deps ## Real-browser journeys and accessibility checks in Chromium (screenshots: tests/e2e/screenshots)
	$(BIN)/pytest tests/e2e --e2e -q

browser-deps: ## Install Debian's Chromium for the browser tests, if missing (needs root or sudo)
	@bash scripts/browser-deps.sh

test-fast: ## Run the tests without setting up or linting
	$(BIN)/pytest -q -x

lint: install ## ruff, formatting, mypy, the import-layer contracts and bandit's security checks
	$(BIN)/ruff check fundapp tests bench config.py wsgi.py
	$(BIN)/ruff format --check fundapp tests bench config.py wsgi.py
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r fundapp

format: install ## Format the code
	$(BIN)/ruff check --fix fundapp tests bench config.py wsgi.py
	$(BIN)/ruff format fundapp tests bench config.py wsgi.py

bench: install ## Run the benchmarks in bench/ (ratios against a baseline of the same run; results in bench/results/)
	@for script in bench/*.py; do $(BIN)/python $$script || exit 1; echo; done

bench-exports: install ## The export benchmark alone: CSV and XLSX of 10,000 and 100,000 awards (a few minutes)
	$(BIN)/python bench/exports.py

db-check: migrate ## Fail if the models have changed without a migration
	$(BIN)/flask db check

assets: ## Rebuild the GOV.UK Frontend CSS/JS (needs Node; output is committed)
	bash assets/build.sh

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) instance
