# Fengqiao — the Makefile is the index of every command. `make run` and `make test` are all a newcomer needs.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.txt pyproject.toml | cksum | cut -d' ' -f1)
export FENGQIAO_DEBUG ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run serve demo migrate test lint typecheck pytest browser-deps lock messages bench clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s '	'

$(STAMP): requirements/dev.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/dev.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)  ## create .venv and install the locked dependencies

migrate: install  ## create or update the database (SQLite in var/ unless DATABASE_URL is set)
	$(BIN)/fengqiao migrate --noinput

demo: migrate  ## load the demo stations (idempotent) and print the logins
	$(BIN)/fengqiao demo

run: demo  ## set up everything and serve the demo on http://127.0.0.1:8000 (with the background worker)
	@$(BIN)/fengqiao work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/fengqiao runserver --noreload $(HOST):$(PORT)

test: install browser-deps lint typecheck pytest  ## ruff, mypy and the whole pytest suite

lint: install  ## ruff
	$(BIN)/ruff check fengqiao tests bench
	$(BIN)/ruff format --check fengqiao tests bench

typecheck: install  ## mypy --strict with django-stubs
	$(BIN)/mypy fengqiao

pytest: install  ## the pytest suite (DATABASE_URL selects PostgreSQL)
	$(BIN)/pytest -q $(PYTEST_ARGS)

browser-deps:  ## Debian's chromium for the browser tests (installed when missing and we are root)
	@scripts/ensure-chromium

lock:  ## re-pin requirements/*.txt from pyproject.toml
	$(BIN)/pip-compile -q --no-emit-index-url --no-emit-find-links --strip-extras -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile -q --no-emit-index-url --no-emit-find-links --strip-extras --extra dev -o requirements/dev.txt pyproject.toml

messages: install  ## compile the translation catalogues (.po → .mo) without GNU gettext
	$(BIN)/python scripts/compile_messages.py

bench: install  ## benchmarks; the latest figures are kept in docs/benchmarks.md
	$(BIN)/python bench/knox.py
	$(BIN)/python bench/risk.py
	$(BIN)/python bench/repeats.py
	$(BIN)/python bench/import_calls.py --rows 1000000
	$(BIN)/python bench/stats.py

clean:  ## remove the virtual environment and local data
	rm -rf $(VENV) var
