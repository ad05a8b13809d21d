# Shared helpers of scripts/test.sh and scripts/demo.sh (sourced, not run).
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
RUN_DIR="$ROOT/.cache/run"
mkdir -p "$RUN_DIR"
STARTED_PIDS=()

free_port() {
  "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for_url() {  # wait_for_url URL [seconds]
  local url=$1 deadline=$((SECONDS + ${2:-30}))
  until "$BIN/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$url" 2>/dev/null; do
    if ((SECONDS > deadline)); then
      echo "error: $url did not answer within ${2:-30}s" >&2
      return 1
    fi
    sleep 0.2
  done
}

# start_sandbox: starts the provider sandbox on a free loopback port and exports
# SANDBOX_URL plus every provider's API URL and credentials for the modules.
start_sandbox() {
  local port
  port=$(free_port)
  export SANDBOX_URL="http://127.0.0.1:$port"
  "$BIN/cpaas-sandbox" --host 127.0.0.1 --port "$port" >"$RUN_DIR/sandbox.log" 2>&1 &
  STARTED_PIDS+=($!)
  wait_for_url "$SANDBOX_URL/_sandbox/health"
  # The modules read the same variables the sandbox authenticates with; the sandbox
  # prints them (its documented defaults unless already set) so they live in one place.
  eval "$("$BIN/cpaas-sandbox" --print-env --url "$SANDBOX_URL")"
}

stop_started() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

# run_pytest LABEL ARGS...: pytest exits 5 when it collected no test; for a suite
# that must have tests that is a failure, said plainly.
run_pytest() {
  local label=$1 rc=0
  shift
  "$BIN/python" -m pytest "$@" || rc=$?
  if ((rc == 5)); then
    echo "error: the $label suite collected no tests (pytest exit code 5)" >&2
    return 1
  fi
  return "$rc"
}
