# Each target creates .venv when missing and installs the project (with test tools) into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint chromium bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/yinling demo

# ruff (style, imports, likely bugs) over the whole tree; mypy over the packages (files = in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The browser tests (tests/e2e/test_webchat_browser.py, tests/console/) drive Debian's chromium through
# Playwright, with a Chinese font so pages and screenshots show characters, not boxes: installed here
# when missing and we are root; otherwise one line, and those tests skip saying why.
chromium:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi wqy; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium and a Chinese font for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null \
			|| echo "could not install chromium: the browser tests will be skipped"; \
	else echo "no /usr/bin/chromium (install Debian's chromium as root): the browser tests will be skipped"; fi

test: lint chromium
	$(BIN)/python -m pytest -q -rs

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
