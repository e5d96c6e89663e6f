# Stoa: `make run` boots what exists of the network, `make test` installs what tests need and runs them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
JS := tests/js
WEBJS := src/stoa/web/js
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/.installed: pyproject.toml | $(WEBJS)/node_modules/.installed
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(JS)/node_modules/.installed: $(JS)/package.json $(JS)/package-lock.json
	cd $(JS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The site's browser scripts (dsteem's bundle), served by the node under /static/vendor/.
$(WEBJS)/node_modules/.installed: $(WEBJS)/package.json $(WEBJS)/package-lock.json
	cd $(WEBJS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's chromium for the browser tests (Playwright drives it; no `playwright install`).
$(CHROMIUM):
	command -v apt-get >/dev/null && (apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium))

run: $(BIN)/.installed
	@test -f devnet/genesis.json || $(BIN)/stoa init --data-dir devnet --dev
	$(BIN)/stoa run --data-dir devnet --demo --board

test: $(BIN)/.installed $(JS)/node_modules/.installed $(CHROMIUM) lint typecheck pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench

typecheck: $(BIN)/.installed
	$(BIN)/mypy

pytest: $(BIN)/.installed $(JS)/node_modules/.installed $(WEBJS)/node_modules/.installed $(CHROMIUM)
	$(BIN)/pytest

bench: $(BIN)/.installed
	$(BIN)/python bench/protocol.py

clean:
	rm -rf $(VENV) $(JS)/node_modules $(WEBJS)/node_modules
