# E-Cabinet — the two commands a newcomer needs:
#   make run    set up what the server needs, migrate, load the demo province, start the server
#   make test   set up the test tools as well and run the whole suite (SQLite, PostgreSQL, Redis, browser)
# Both are quiet when all goes well: one line per step, then only warnings and errors.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?=
# The suite runs in parallel (pytest-xdist), a test file per worker at a time: most of its time is
# spent waiting on server processes, sockets and the browser, so more workers than cores pay.
TEST_WORKERS ?= 3
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt
STEP   := @printf '==> %s\n'

.PHONY: setup setup-dev run demo-reset test test-sqlite test-postgres lint system-deps translations clean

# What the server needs (`pip install -e .`: setup.cfg's install_requires, pinned by constraints.txt).
setup: $(VENV)/.installed-server static/vendor/.installed translations

# The same and the test tools (the `dev` extra: pytest, Playwright, ruff, the Socket.IO client).
setup-dev: $(VENV)/.installed-dev static/vendor/.installed translations

$(BIN)/python:
	@PYTHON=$(PYTHON) ./scripts/system-deps.sh build
	$(STEP) "Creating the Python environment in $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.installed-server: setup.cfg pyproject.toml constraints.txt | $(BIN)/python
	$(STEP) "Installing the server's Python packages (the first time PyICU is compiled: a few minutes)"
	@$(PIP) -e .
	@touch $@

$(VENV)/.installed-dev: setup.cfg pyproject.toml constraints.txt | $(BIN)/python
	$(STEP) "Installing the server's Python packages and the test tools (the first time: a few minutes)"
	@$(PIP) -e '.[dev]'
	@touch $@ $(VENV)/.installed-server

node_modules/.installed: package.json package-lock.json
	$(STEP) "Installing the front-end libraries (npm ci)"
	@npm ci --omit=optional --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

static/vendor/.installed: node_modules/.installed scripts/vendor.mjs
	@node scripts/vendor.mjs
	@touch $@

translations: | $(BIN)/python
	@$(BIN)/python scripts/i18n.py compile

# Headless LibreOffice (office files converted on upload) and the fonts of official documents are
# installed when this runs as root or with sudo; otherwise system-deps.sh says how to add them.
run: setup
	@./scripts/system-deps.sh runtime
	$(STEP) "Migrating the database and loading the demo"
	@$(BIN)/ecabinet db upgrade
	@$(BIN)/ecabinet seed-demo
	@$(BIN)/ecabinet run --host $(HOST) --port $(PORT)

# Delete the demo's data (database rows and stored document files) and load it afresh; nothing else.
demo-reset: setup
	@$(BIN)/ecabinet db upgrade
	@$(BIN)/ecabinet seed-demo --reset --yes

system-deps:
	@./scripts/system-deps.sh

test: setup-dev system-deps lint test-sqlite test-postgres

lint: setup-dev
	$(BIN)/ruff check ecabinet tests bench scripts wsgi.py
	$(BIN)/python scripts/i18n.py check

test-sqlite: setup-dev
	$(PYTEST) --db=sqlite $(PYTEST_ARGS)

test-postgres: setup-dev
	$(PYTEST) --db=postgres $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor instance .pytest_cache
