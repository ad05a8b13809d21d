#!/usr/bin/env bash
# Print tests/integration/integration_config.yml: ansible-test passes these variables to every
# integration target, so targets reach the sandbox started by scripts/test.sh.
set -euo pipefail
cat <<YAML
---
sandbox_url: "${SANDBOX_URL}"
twilio_api_url: "${TWILIO_API_URL}"
twilio_account_sid: "${TWILIO_ACCOUNT_SID}"
twilio_auth_token: "${TWILIO_AUTH_TOKEN}"
YAML
