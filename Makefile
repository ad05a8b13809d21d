# Two commands do everything on a fresh machine:
#   make demo   - set up .venv, start the provider sandbox on loopback, run the demo playbook, stop it
#   make test   - set up .venv and run every test (lint, sanity, units, sandbox/receiver, integration, molecule)
# One test step: make lint | sanity | units | tools-test | integration | molecule (docs/development.md).
# Benchmarks (not part of make test): make bench (docs/benchmarks.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv demo test lint sanity units tools-test integration molecule clean sandbox bench

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml hatch_build.py scripts/link_collection.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python scripts/link_collection.py
	touch $@

demo: venv
	bash scripts/demo.sh

test: venv
	bash scripts/test.sh all

lint: venv
	bash scripts/test.sh lint

sanity: venv
	bash scripts/test.sh sanity

units: venv
	bash scripts/test.sh units

tools-test: venv
	bash scripts/test.sh tools

integration: venv
	bash scripts/test.sh integration

molecule: venv
	bash scripts/test.sh molecule

bench: venv
	bash bench/run.sh

sandbox: venv
	$(BIN)/cpaas-sandbox --host 127.0.0.1 --port 8765

clean:
	rm -rf $(VENV) .cache .ansible tests/output
