# E-Cabinet — the two commands a newcomer needs:
#   make run    set everything up, migrate, load the demo province, start the server
#   make test   set everything up and run the whole suite (SQLite, PostgreSQL, Redis, browser)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?=

.PHONY: setup run test test-sqlite test-postgres lint system-deps translations vendor clean

setup: $(VENV)/.installed static/vendor/.installed translations

$(VENV)/.installed: setup.cfg pyproject.toml constraints.txt
	PYTHON=$(PYTHON) ./scripts/system-deps.sh build
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --omit=optional --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.installed: node_modules/.installed scripts/vendor.mjs
	node scripts/vendor.mjs
	touch $@

translations: $(VENV)/.installed
	$(BIN)/python scripts/i18n.py compile

run: setup
	./scripts/system-deps.sh runtime
	$(BIN)/ecabinet db upgrade
	$(BIN)/ecabinet seed-demo
	$(BIN)/ecabinet run --host $(HOST) --port $(PORT)

system-deps:
	./scripts/system-deps.sh

test: setup system-deps lint test-sqlite test-postgres

lint:
	$(BIN)/ruff check ecabinet tests bench scripts wsgi.py
	$(BIN)/python scripts/i18n.py check

test-sqlite:
	$(BIN)/pytest --db=sqlite $(PYTEST_ARGS)

test-postgres:
	$(BIN)/pytest --db=postgres $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor instance .pytest_cache
