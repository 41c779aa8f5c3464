# Two entry points for a fresh clone (see README):
#   make run   - install, build the catalog, serve the dashboard
#   make test  - install, run the whole test suite (tests/test_packaging.py builds the wheel,
#                installs it into a fresh venv with no node_modules and runs it there)
#   make dist  - the sdist and wheel in dist/, the npm run-time files inside them
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Offline fallback: the frozen mirror beside the project, used only when upstream is unreachable.
MIRROR ?= ../shared/data

.PHONY: install run test lint bench browser dist

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

# Browser tests drive Debian's Chromium (never a browser downloaded by a test tool).
/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "browser tests need Debian's chromium: sudo apt-get install chromium"; fi

browser: /usr/bin/chromium

# Element sets too, so that the Windows, Passes and Coverage pages work from the start.
GROUPS ?= stations active

run: install
	$(BIN)/cosmodrome update --fallback-source $(MIRROR)
	$(BIN)/cosmodrome elements update $(GROUPS) --fallback-source $(MIRROR)
	@# schedules are optional for the dashboard: Launch Library 2, else the mirror's snapshots
	-$(BIN)/cosmodrome schedule update --fallback-source $(MIRROR)
	$(BIN)/cosmodrome serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: install browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup ; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

# hatch_build.py copies the dashboard's JavaScript and the country outlines from node_modules.
dist: install
	$(BIN)/python -m build --outdir dist

bench: install
	$(BIN)/python -m benchmarks
