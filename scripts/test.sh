#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find.
# Usage: scripts/test.sh [all|lint|sanity|units|tools|integration]...
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
trap stop_started EXIT

section() { printf '\n=== %s ===\n' "$*"; }

lint() {
  section "ruff"
  "$BIN/ruff" check .
  section "ansible-lint (production profile)"
  "$BIN/ansible-lint" --profile production
}

sanity() {
  section "ansible-test sanity"
  scripts/ansible-test.sh sanity --python 3.11 --local --color no
}

units() {
  section "ansible-test units"
  scripts/ansible-test.sh units --python 3.11 --local --requirements --color no
}

tools() {
  section "sandbox and receiver tests (pytest)"
  run_pytest "tools" tests/tools -q
}

integration() {
  section "ansible-test integration (against the sandbox on loopback)"
  start_sandbox
  scripts/write_integration_config.sh >tests/integration/integration_config.yml
  scripts/ansible-test.sh integration --python 3.11 --local --color no
  stop_started
}

steps=("$@")
((${#steps[@]})) || steps=(all)
for step in "${steps[@]}"; do
  case $step in
    all) lint; sanity; units; tools; integration ;;
    lint | sanity | units | tools | integration) "$step" ;;
    *) echo "unknown step: $step" >&2; exit 2 ;;
  esac
done
section "all requested test steps passed"
