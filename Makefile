# Public interface (bureaus script these; keep them stable):
#   make serve   set up, build the demo site, serve it on http://127.0.0.1:8000/ and rebuild it live on change
#   make test    set up (with the test tools) and run the whole test suite (installs Debian's chromium if missing)
#   make site    build site/ from data/ (nothing is published if the data has errors)
#   make check   validate data/ and print every problem and rule finding
# Options: PORTAL_AS_OF=YYYY-MM-DD (judge at this date), DATA=path/to/data, PORT=8000, PREFIX=/sgz/
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PINS   := $(shell cat constraints.txt pyproject.toml | cksum | cut -d' ' -f1)
RUNTIME_STAMP := $(VENV)/.runtime-$(PINS)
TEST_STAMP    := $(VENV)/.test-$(PINS)
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
DATA   ?=
PORT   ?= 8000
PREFIX ?= /
PORTAL := $(BIN)/sgz-portal $(if $(DATA),--data $(DATA))

.PHONY: setup setup-test check site serve test lint browser checkers office bench update-golden clean

# The runtime set only: a bureau that builds the site does not install the test tools.
setup: $(RUNTIME_STAMP)

$(RUNTIME_STAMP): constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	rm -f $(VENV)/.runtime-*
	touch $@

setup-test: $(TEST_STAMP)

$(TEST_STAMP): $(RUNTIME_STAMP)
	$(PIP) -e '.[test]'
	rm -f $(VENV)/.test-*
	touch $@

check: setup
	$(PORTAL) check

site: setup
	$(PORTAL) build

# Live preview: builds site/ first, then rebuilds on every change to data/, content/ or overrides/
# and reloads the open page (or shows the data errors, with file and line, until they are fixed).
serve: setup
	$(PORTAL) serve --watch --port $(PORT) --prefix $(PREFIX)

# Debian's Chromium (Playwright cannot download its own browser here) and CJK fonts.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# The Nu Html Checker (tests/test_html_valid.py): Debian's Java runtime and vnu-jar from npm, pinned,
# installed into the ignored .tools/ folder. Installed only if missing.
VNU_VERSION := 26.9.27
VNU_JAR     := .tools/node_modules/vnu-jar/build/dist/vnu.jar
checkers:
	@if ! command -v java >/dev/null 2>&1; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; \
	fi
	@if [ ! -f $(VNU_JAR) ] || ! grep -qs '"version": "$(VNU_VERSION)"' .tools/node_modules/vnu-jar/package.json; then \
	  npm install --prefix .tools --no-save --no-package-lock --no-audit --no-fund --silent vnu-jar@$(VNU_VERSION); \
	fi

# LibreOffice Calc, headless: the workbook tests open and re-save the exported 台账.xlsx with it.
office:
	@if ! command -v soffice >/dev/null 2>&1; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libreoffice-calc-nogui >/dev/null; \
	fi

lint: setup-test
	$(BIN)/ruff check scripts tests bench
	$(BIN)/mypy

test: setup-test browser checkers office lint
	$(BIN)/python -m pytest -q

SIZES ?= province
bench: setup
	nice -n 19 $(BIN)/python bench/run.py $(SIZES)

update-golden: setup-test
	$(BIN)/python -m tests.golden.update

clean:
	rm -rf site .site-new-* .site-old-* .site-clone-* .site-spare-* .cache/sgz-portal .pytest_cache .mypy_cache .ruff_cache
