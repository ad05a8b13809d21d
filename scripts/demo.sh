#!/usr/bin/env bash
# `make demo`: the whole story on loopback, and everything it starts is stopped at the end.
#   1. one Twilio application's life (create, rerun, drift in check mode, delete);
#   2. converge applications on all five providers (playbooks/examples/applications.yml),
#      their callbacks pointing at a callback receiver;
#   3. run again: nothing changes;
#   4. someone changes an application in the provider's console: the drift report catches it;
#   5. converge repairs it, and the drift check is clean again;
#   6. callback_check proves every callback works and refuses forged or unauthenticated events
#      (with the receiver's verdict on every request);
#   7. the sandbox fires every kind of event as the providers do, the receiver verifies each,
#      and a password changed at the provider only is caught.
# DEMO_PAUSE=1 keeps the sandbox and the receiver running until Enter is pressed, to look
# around the receiver's web page.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
trap stop_started EXIT

step() { printf '\n======== %s ========\n' "$*"; }

# The plays run on the implicit localhost; without an inventory Ansible would warn about that
# before every play, which only hides the story.
playbook() {
  ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-}" \
    ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
    "$BIN/ansible-playbook" "$@"
}

# start_demo_receiver: a callback receiver on a free loopback port with a fresh database;
# exports CPAAS_RECEIVER_URL and CPAAS_RECEIVER_TOKEN (its admin token).
start_demo_receiver() {
  local port config="$RUN_DIR/demo-receiver.yml" db="$RUN_DIR/demo-receiver.db"
  port=$(free_port)
  CPAAS_RECEIVER_TOKEN=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(24))')
  export CPAAS_RECEIVER_TOKEN CPAAS_RECEIVER_URL="http://127.0.0.1:$port"
  rm -f "$db" "$db-wal" "$db-shm"
  (umask 077 && printf 'admin_token: "%s"\nendpoints: []\n' "$CPAAS_RECEIVER_TOKEN" >"$config")
  "$BIN/cpaas-receiver" --config "$config" --host 127.0.0.1 --port "$port" --db "$db" \
    >"$RUN_DIR/demo-receiver.log" 2>&1 &
  STARTED_PIDS+=($!)
  wait_for_url "$CPAAS_RECEIVER_URL/healthz"
}

# The sandbox signs Vonage callbacks with this secret; verify_callbacks.yml registers it at the receiver.
export VONAGE_SIGNATURE_SECRET="${VONAGE_SIGNATURE_SECRET:-demo-vonage-signature-secret}"
start_sandbox
start_demo_receiver
HOOK_PASSWORD=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(12))')
APPS=(-e @playbooks/examples/applications.yml -e hooks_scheme=http -e "hooks_host=${CPAAS_RECEIVER_URL#http://}"
  -e hook_user=cpaas -e "hook_password=$HOOK_PASSWORD")
DRIFT_DIR="$RUN_DIR/drift"
export CPAAS_DRIFT_REPORT_DIR="$DRIFT_DIR"

cat <<EOF
provider sandbox:  $SANDBOX_URL (requests it received: $SANDBOX_URL/_sandbox/requests)
callback receiver: $CPAAS_RECEIVER_URL
receiver web page: $CPAAS_RECEIVER_URL/ui/  (log in with the admin token $CPAAS_RECEIVER_TOKEN)
EOF

step "1/7 One Twilio application's life: create, rerun, drift in check mode, delete"
playbook playbooks/demo.yml --tags lifecycle --diff "$@"

step "2/7 Converge applications on all five providers, callbacks pointing at the receiver"
playbook playbooks/converge.yml "${APPS[@]}" "$@"

step "3/7 Run again: nothing changes"
playbook playbooks/converge.yml "${APPS[@]}" -e cpaas_expect_no_change=true "$@"

step "4/7 Someone changes the Vonage answer URL in the console; the drift check catches it"
playbook playbooks/demo.yml --tags tamper "$@"
drift_status=0
playbook playbooks/drift.yml "${APPS[@]}" "$@" || drift_status=$?
if [ "$drift_status" -ne 2 ]; then  # 2: drift; 4: something could not be checked (docs/applications.md)
  echo "error: drift.yml exited $drift_status, not 2 (drift): it did not report the change made behind its back" >&2
  exit 1
fi
echo "(drift.yml failed with exit code 2, drift, as a CI job would: the report says why)"
"$BIN/python" - "$DRIFT_DIR/drift-report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for app in report["applications"]:
    if app["status"] != "in_sync":
        for field in app["fields"]:
            print("drift report: %s %s: %s is %s at the provider, %s in the description"
                  % (app["provider"], app["name"], field["field"], field["provider_value"], field["desired_value"]))
PY

step "5/7 Converge repairs it; the drift check is clean again"
playbook playbooks/converge.yml "${APPS[@]}" "$@"
playbook playbooks/drift.yml "${APPS[@]}" "$@"

step "6/7 callback_check proves every callback works, and that forged or unauthenticated events are refused"
playbook playbooks/verify_callbacks.yml "${APPS[@]}" -e cpaas_check_signature_refusal=true "$@"

step "7/7 The sandbox fires events as the providers do; the receiver verifies them; a wrong password is caught"
playbook playbooks/demo.yml --tags fire "$@"

step "Summary"
cat <<EOF
- a Twilio application was created, left alone on a rerun, its out-of-band change shown in check mode, deleted;
- 6 applications on Twilio, Bandwidth (messaging and voice), Vonage, Vobiz and Telnyx were converged, and a rerun changed nothing;
- a change made in a provider's console was caught by drift.yml (report: $DRIFT_DIR/drift-report.json, .xml and .html), then repaired;
- callback_check proved every callback answers as its provider needs and refuses missing or wrong
  credentials and wrong signatures, with the receiver's own verdict on every request;
- the sandbox fired every kind of event; the receiver verified method, credentials and signatures,
  and caught a callback password changed at the provider only.
receiver web page: $CPAAS_RECEIVER_URL/ui/  (admin token $CPAAS_RECEIVER_TOKEN)
EOF
if [[ ${DEMO_PAUSE:-} == 1 ]]; then
  read -r -p "The sandbox and the receiver keep running: press Enter to stop them. "
fi
echo "stopping the sandbox and the receiver"
