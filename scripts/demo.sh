#!/usr/bin/env bash
# `make demo`: start the provider sandbox on loopback, run playbooks/demo.yml against it,
# and stop what was started, whatever happens.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
trap stop_started EXIT
start_sandbox
echo "provider sandbox: $SANDBOX_URL (requests it received: $SANDBOX_URL/_sandbox/requests)"
ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-}" \
  "$BIN/ansible-playbook" playbooks/demo.yml --diff "$@"
