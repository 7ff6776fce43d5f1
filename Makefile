# PropDesk — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= propdesk.settings.base

.PHONY: run test install install-test bench lint format demo vendor clean-db

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	@PORT=$(PORT) PY=$(PY) bash scripts/run.sh

test: install-test
	@bash scripts/test.sh

# Speed targets at volume, on SQLite and PostgreSQL: resident search (150,000 residents), parcels and the
# desk (500,000 parcels), requests (overdue list, request page, quarterly analysis).
bench: install-test
	$(PY) -m bench.run $(BENCH_ARGS)
	$(PY) -m bench.parcels_bench $(BENCH_PARCELS_ARGS)
	$(PY) -m bench.requests_bench $(BENCH_REQUESTS_ARGS)

lint: install-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

demo: install
	$(PY) manage.py demo

# Refresh the vendored front-end libraries from the npm registry (no CDN at run time).
vendor:
	bash scripts/vendor.sh
