# Public interface (bureaus script these; keep them stable):
#   make serve   set up, build the demo site, serve it on http://127.0.0.1:8000/
#   make test    set up and run the whole test suite (installs Debian's chromium if missing)
#   make site    build site/ from data/ (nothing is published if the data has errors)
#   make check   validate data/ and print every problem and rule finding
# Options: PORTAL_AS_OF=YYYY-MM-DD (judge at this date), DATA=path/to/data, PORT=8000, PREFIX=/sgz/
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
DATA   ?= data
PORT   ?= 8000
PREFIX ?= /
export PYTHONPATH := $(CURDIR)/scripts

.PHONY: setup check site serve test browser bench update-golden clean

setup: $(STAMP)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

check: setup
	$(BIN)/python -m portal --data $(DATA) check

site: setup
	$(BIN)/python -m portal --data $(DATA) build

serve: site
	$(BIN)/python -m portal serve --port $(PORT) --prefix $(PREFIX)

# Debian's Chromium (Playwright cannot download its own browser here) and CJK fonts.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

test: setup browser
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/run.py

update-golden: setup
	$(BIN)/python -m tests.golden.update

clean:
	rm -rf site .site-new-* .site-old-* .pytest_cache
