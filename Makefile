# Two commands: `make run` (set up everything and serve on 127.0.0.1:5000)
# and `make test` (set up everything and run the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
INSTALLED := $(VENV)/.installed
# Browser assets (Chart.js, Swagger UI, the Noto Sans font) come from the npm registry at install time, never committed.
NODE_INSTALLED := node_modules/.package-lock.json
PO_FILES := $(wildcard tisc/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test bench install db translations extract update compile lint clean

# gunicorn, as in production: without a worker, the web process sends what a POST queued
# once its response has gone out, which Werkzeug's development server may hold back until
# the browser closes the connection (seen: 3 of 10 messages from Chromium left queued).
run: db
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:5000 --access-logfile - wsgi:app

test: install  # one worker per core (pytest-xdist); each has its own databases
	$(BIN)/python -m pytest -n auto --dist worksteal

bench: install
	$(BIN)/python -m bench

install: $(INSTALLED) $(MO_FILES) $(NODE_INSTALLED)

db: install  # the local try-out: demo accounts and requests included
	$(FLASK) tisc setup --demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(INSTALLED): pyproject.toml | $(BIN)/python
	UV_PYTHON_DOWNLOADS=never $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# Translations: extract marked strings, merge them into the catalogues, compile.
extract: $(INSTALLED)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k N_ -k NP_:1,2 -k lazy_ngettext:1,2 --sort-by-file \
		--project "TISC Network" -o tisc/translations/messages.pot .

update: extract
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -i tisc/translations/messages.pot -d tisc/translations
	$(FLASK) tisc english-catalogue

compile: $(MO_FILES)

%.mo: %.po | $(INSTALLED)
	$(BIN)/pybabel -q compile -i $< -o $@

lint: $(INSTALLED)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules instance/*.sqlite3* .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
