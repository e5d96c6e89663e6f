# Stoa: `make run` boots what exists of the network, `make test` installs what tests need and runs them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
JS := tests/js

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(JS)/node_modules/.installed: $(JS)/package.json $(JS)/package-lock.json
	cd $(JS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(BIN)/.installed
	@test -f devnet/genesis.json || $(BIN)/stoa init --data-dir devnet --dev
	$(BIN)/stoa run --data-dir devnet --demo

test: $(BIN)/.installed $(JS)/node_modules/.installed lint typecheck pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench

typecheck: $(BIN)/.installed
	$(BIN)/mypy

pytest: $(BIN)/.installed $(JS)/node_modules/.installed
	$(BIN)/pytest

bench: $(BIN)/.installed
	$(BIN)/python bench/protocol.py

clean:
	rm -rf $(VENV) $(JS)/node_modules
