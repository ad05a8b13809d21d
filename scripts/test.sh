#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find.
# Usage: scripts/test.sh [all|lint|sanity|units|tools|integration|molecule|installed]...
# (`make test` runs `all`; `make lint`, `make sanity`... run one step; `tools` is the
# sandbox's, the receiver's and the contract suites, also runnable alone as `sandbox`,
# `receiver` and `contract`.)
# docs/development.md says what each step checks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Tools find each other in the project's virtual environment, and keep their caches
# inside the project rather than in the user's home.
export PATH="$BIN:$PATH"
export XDG_CACHE_HOME="$ROOT/.cache/xdg"
export ANSIBLE_HOME="$ROOT/.cache/ansible-home"
LOG_DIR="$ROOT/.cache/test-logs"
mkdir -p "$LOG_DIR" "$XDG_CACHE_HOME"

CURRENT_STEP=""
STEP_START=$SECONDS
TIMINGS=()

section() { printf '\n=== %s ===\n' "$*"; }

print_timings() {
  ((${#TIMINGS[@]})) || return 0
  printf '\n=== time per step ===\n'
  printf '%s\n' "${TIMINGS[@]}"
}

on_exit() {
  local rc=$?
  trap - EXIT
  stop_started
  if [[ -n $CURRENT_STEP ]]; then
    TIMINGS+=("$(printf '%-12s %5ds  FAILED' "$CURRENT_STEP" $((SECONDS - STEP_START)))")
  fi
  print_timings
  if ((rc != 0)); then
    printf '\n*** FAILED: test step "%s" (exit code %d); the output above says why ***\n' "${CURRENT_STEP:-setup}" "$rc" >&2
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ansible_test LABEL ARGS...: scripts/ansible-test.sh ARGS..., keeping a log in
# .cache/test-logs/LABEL.log. ansible-test only warns "All targets skipped" and
# exits 0 when it finds nothing to test; here that is a failure, said plainly.
ansible_test() {
  local label=$1 log="$LOG_DIR/$1.log"
  shift
  scripts/ansible-test.sh "$@" --color no 2>&1 | tee "$log"
  if grep -q '^WARNING: All targets skipped' "$log"; then
    echo "error: ansible-test $label found nothing to test (All targets skipped)" >&2
    return 1
  fi
}

# ensure_debian_packages PROGRAM WHY PACKAGE...: when PROGRAM (a command or a path) is
# missing, install the Debian PACKAGEs with apt-get (as root; `apt-get update` first, once).
# Returns 1 when PROGRAM is still missing (not root, no apt-get), after saying so.
APT_UPDATED=""
ensure_debian_packages() {
  local program=$1 why=$2
  shift 2
  if [[ -x $program ]] || command -v "$program" >/dev/null; then
    return 0
  fi
  if ((EUID != 0)) || ! command -v apt-get >/dev/null; then
    echo "warning: $program is missing and only root can install it (apt-get install $*): $why" >&2
    return 1
  fi
  section "installing Debian's $* ($why)"
  if [[ -z $APT_UPDATED ]]; then
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" >/dev/null
}

lint() {
  section "ruff"
  ruff check .
  section "ansible-lint (production profile, see .ansible-lint)"
  ansible-lint --profile production
  section "antsibull-changelog lint"
  antsibull-changelog lint
  antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
}

sanity() {
  ensure_debian_packages shellcheck "it enables the shellcheck sanity test" shellcheck ||
    echo "warning: the shellcheck sanity test is skipped" >&2
  section "ansible-test sanity"
  ansible_test sanity sanity --python 3.11 --local
}

units() {
  section "ansible-test units"
  ansible_test units units --python 3.11 --local --requirements
}

# The receiver's browser tests drive Debian's Chromium; with it installed they must run
# (CPAAS_REQUIRE_BROWSER=1 turns a missing browser into a failure instead of a skip).
ensure_browser() {
  if ensure_debian_packages /usr/bin/chromium "the receiver's browser tests" chromium chromium-driver; then
    export CPAAS_REQUIRE_BROWSER=1
  else
    echo "warning: the receiver's browser tests are skipped" >&2
  fi
  # the "copy as curl" browser test runs the copied command with the real curl
  ensure_debian_packages curl "the receiver's copy-as-curl test" curl || true
}

# The receiver's PostgreSQL store is tested against a real server: Debian's binaries, run by
# the tests as a throwaway cluster (tests/tools/postgres_server.py). Installing the package
# may also set up Debian's own cluster; the tests never use it. Once it is installed, a test
# that needs it fails instead of skipping (CPAAS_REQUIRE_POSTGRESQL=1).
ensure_postgresql() {
  if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null ||
    ensure_debian_packages /usr/lib/postgresql/15/bin/initdb "the receiver's PostgreSQL store tests" postgresql; then
    export CPAAS_REQUIRE_POSTGRESQL=1
  else
    echo "warning: the receiver's PostgreSQL store tests are skipped" >&2
  fi
}

tools() {
  ensure_browser
  ensure_postgresql
  section "sandbox and receiver tests (pytest tests/tools)"
  run_pytest "tools" tests/tools -q -p no:cacheprovider
}

sandbox() {
  section "sandbox tests (pytest tests/tools/sandbox)"
  run_pytest "sandbox" tests/tools/sandbox -q -p no:cacheprovider
}

contract() {
  section "contract tests against the providers' specifications (pytest tests/tools/contract)"
  run_pytest "contract" tests/tools/contract -q -p no:cacheprovider
}

receiver() {
  ensure_browser
  ensure_postgresql
  section "receiver tests (pytest tests/tools/receiver tests/tools/reliability)"
  run_pytest "receiver" tests/tools/receiver tests/tools/reliability -q -p no:cacheprovider
}

integration() {
  section "ansible-test integration (against the sandbox on loopback)"
  start_sandbox
  # written before scripts/ansible-test.sh mirrors the tree, which copies it along
  scripts/write_integration_config.sh >tests/integration/integration_config.yml.tmp
  mv tests/integration/integration_config.yml.tmp tests/integration/integration_config.yml
  ansible_test integration integration --python 3.11 --local
  stop_started
}

molecule_scenarios() {
  local file
  for file in extensions/molecule/*/molecule.yml; do
    [[ -f $file ]] && basename "$(dirname "$file")"
  done
  return 0
}

molecule() {
  section "molecule (roles, scenarios under extensions/molecule)"
  local scenarios
  scenarios=$(molecule_scenarios)
  if [[ -z $scenarios ]]; then
    echo "no molecule scenario yet (extensions/molecule/*/molecule.yml)"
    return 0
  fi
  command molecule test --all
}

# The collection as users get it: the built tarball, Galaxy's import checks, an execution-environment
# definition, and the installed copy run on the oldest and the newest ansible-core it supports
# (scripts/installed.sh; `make matrix` runs every minor release in between).
installed() {
  section "the built collection as users install it (scripts/installed.sh)"
  bash scripts/installed.sh
}

run_step() {
  STEP_START=$SECONDS
  CURRENT_STEP=$1
  "$1"
  TIMINGS+=("$(printf '%-12s %5ds' "$1" $((SECONDS - STEP_START)))")
  CURRENT_STEP=""
}

steps=("$@")
((${#steps[@]})) || steps=(all)
for step in "${steps[@]}"; do
  case $step in
    all) for s in lint sanity units tools integration molecule installed; do run_step "$s"; done ;;
    lint | sanity | units | tools | sandbox | receiver | contract | integration | molecule | installed) run_step "$step" ;;
    *) echo "unknown step: $step (steps: all lint sanity units tools sandbox receiver contract integration molecule installed)" >&2; exit 2 ;;
  esac
done
section "all requested test steps passed"
