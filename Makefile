# Wangan — the two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
VENDOR := src/wangan/static/vendor

.PHONY: run test install assets i18n lint check pytest bench clean messages

run: install assets i18n
	$(BIN)/wangan run

test: install assets i18n lint check pytest

install: $(VENV)/.installed

# setup.py compiles the log engine's hot modules: an edited engine is rebuilt (a stale build would be
# skipped at import, silently slower)
$(VENV)/.installed: pyproject.toml setup.py $(wildcard src/wangan/engines/logscan/*.py src/wangan/engines/logscan/*.pxd src/wangan/engines/logscan/*.pyx)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Front-end libraries come from the npm registry at set-up time and are served by Django itself.
assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons/fonts $(VENDOR)/htmx $(VENDOR)/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css $(VENDOR)/bootstrap-icons/
	cp node_modules/bootstrap-icons/font/fonts/* $(VENDOR)/bootstrap-icons/fonts/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@

i18n: install
	$(PY) -m wangan.i18n compile

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --config .importlinter
	$(PY) -m wangan.i18n check

check: install
	$(BIN)/wangan manage check --fail-level WARNING
	$(BIN)/wangan manage makemigrations --check --dry-run

pytest: install
	$(BIN)/pytest -q -n 2 --dist loadfile

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var

messages: install
	$(PY) -m wangan.i18n update
