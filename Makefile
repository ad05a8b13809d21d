# Two commands do everything on a fresh machine:
#   make demo   - set up .venv, start the provider sandbox on loopback, run the demo playbook, stop it
#   make test   - set up .venv and run every test (lint, sanity, units, sandbox/receiver, integration, molecule)
# One test step: make lint | sanity | units | tools-test | integration | molecule | installed (docs/development.md).
# make matrix: the built collection on every supported ansible-core; make changelog: the release notes.
# Benchmarks (not part of make test): make bench (docs/benchmarks.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv demo test lint sanity units tools-test integration molecule installed matrix changelog clean sandbox bench

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

installed: venv
	bash scripts/test.sh installed

# The built collection on every minor release of ansible-core from the oldest it claims to the newest
# pip offers for this Python (make test runs the oldest and the newest). docs/development.md has the last results.
matrix: venv
	bash scripts/installed.sh --matrix

# Collect changelogs/fragments into the release of galaxy.yml's version (CHANGELOG.md, CHANGELOG.rst,
# changelogs/changelog.yaml); run again after merging branches that bring fragments.
changelog: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/antsibull-changelog release --update-existing --reload-plugins \
	  --version "$$($(BIN)/python -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')"

bench: venv
	bash bench/run.sh

sandbox: venv
	$(BIN)/cpaas-sandbox --host 127.0.0.1 --port 8765

clean:
	rm -rf $(VENV) .cache .ansible tests/output
