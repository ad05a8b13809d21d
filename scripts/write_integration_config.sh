#!/usr/bin/env bash
# Print tests/integration/integration_config.yml: ansible-test passes these variables to every
# integration target, so targets reach the sandbox started by scripts/test.sh.
# (ansible-test does not pass the shell's environment to the targets, so the modules' env
# fallbacks do not help there: targets use these variables, e.g. in module_defaults.)
#
# Variables: sandbox_url, plus every variable `cpaas-sandbox --print-env` prints, lower-cased:
# twilio_api_url, twilio_account_sid, twilio_auth_token, and the other providers' likewise.
# Requires SANDBOX_URL (set by start_sandbox in scripts/lib.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${SANDBOX_URL:?SANDBOX_URL is not set: start the sandbox first (start_sandbox in scripts/lib.sh)}"
"$root/.venv/bin/cpaas-sandbox" --print-env --url "$SANDBOX_URL" | "$root/.venv/bin/python" -c '
import json
import os
import shlex
import sys

variables = {"sandbox_url": os.environ["SANDBOX_URL"]}
for line in sys.stdin:
    words = shlex.split(line, comments=True)
    if not words:
        continue
    if words[0] == "export":
        words = words[1:]
    for word in words:
        name, sep, value = word.partition("=")
        if not sep or not name.isidentifier():
            sys.exit("unexpected line from cpaas-sandbox --print-env: %r" % line)
        variables[name.lower()] = value
print("---")
print("# Written by scripts/write_integration_config.sh for one test run; not kept in git.")
for name, value in variables.items():
    print("%s: %s" % (name, json.dumps(value)))  # a JSON string is a YAML string
'
