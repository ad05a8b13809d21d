#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: callback_check
short_description: Prove that every callback of an application works
version_added: 0.1.0
description:
  - Takes an application as a C(<provider>_application) or C(<provider>_application_info) module
    returns it and, for every callback URL it has (voice, status, fallback, messaging inbound and
    outbound...), sends a synthetic event of that provider's shape and checks the answer.
  - The event is sent the way the provider sends it - its payload and content type, the configured
    method, the configured basic-auth credentials and the provider's signature when O(signing_secret)
    is given - and the answer must be a 2xx with the body the provider needs for that kind of callback
    (TwiML, BXML, NCCO, Vobiz XML, or any body for status events).
  - >-
    When a callback has credentials, the same event is first sent with none and then with a wrong
    password, and a refusal (HTTP 401 or 403) is expected. An endpoint that accepts anything is a
    finding, not a pass. For Twilio and Bandwidth, the refusal without credentials must be a 401 with
    a C(WWW-Authenticate: Basic) challenge, because those providers send credentials only after one.
  - >-
    With O(receiver_url), the endpoints under that URL are registered at the callback receiver first
    (an endpoint it already has is kept as it is), and afterwards the receiver is asked for its verdict
    on each request (the receiver names the event it recorded in its C(X-Receiver-Event-Id) answer
    header): the real event must be accepted and every probe refused, so the verdict comes from the
    receiving side too.
  - Every synthetic request carries the header C(X-Cpaas-Callback-Check) whose value identifies the
    run (RV(run_id)), so a receiving application can tell checks from real traffic and ignore them.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
attributes:
  check_mode:
    support: full
    description: In check mode nothing is sent; each result lists the requests that would be sent.
  diff_mode:
    support: none
    description: The module changes nothing, so there is nothing to diff.
options:
  provider:
    description: The provider the application belongs to.
    type: str
    required: true
    choices: [bandwidth, telnyx, twilio, vobiz, vonage]
  application:
    description:
      - The application, as the provider's C(_application) module returns it in C(application) or
        its C(_info) module in one element of C(applications). The provider's own field names are
        read too.
    type: dict
    required: true
  callbacks:
    description:
      - Check only these callbacks (for example V(voice_url), V(inbound_callback_url),
        V(voice.answer_url)). All configured callbacks are checked by default.
    type: list
    elements: str
  events:
    description:
      - The event type to send to a callback, by callback name, instead of its default (for example
        C(inbound_callback_url=message-delivered) for Bandwidth).
    type: dict
  callback_credentials:
    description:
      - Basic-auth credentials of the callbacks, which providers do not return (Twilio masks the
        password in the URL, Bandwidth never returns C(Password)).
      - A dict whose keys are callback names (V(voice_url)), a provider's credentials field
        (V(callback_creds), V(inbound_callback_creds)...) or V(default), and whose values are dicts
        with C(username) (or C(user_id)) and C(password).
    type: dict
  configured:
    description:
      - The options the application was configured with (for example the same dict given to the
        C(<provider>_application) module). Passwords that the provider masks or never returns are
        taken from it, for callbacks whose user matches.
    type: dict
  callback_password:
    description:
      - The password of every callback that has a user but no password in O(callback_credentials).
    type: str
  signing_secret:
    description:
      - The secret the provider signs callbacks with - the Auth Token for Twilio
        (C(X-Twilio-Signature)), the signature secret for Vonage (signed JWT) and the Auth Token for
        Vobiz (C(X-Vobiz-Signature-V2)/C(-V3)). Without it, events are sent unsigned.
      - Not for Telnyx, which signs with a key pair; see O(signing_key).
    type: str
    aliases: [auth_token, signature_secret]
  signing_key:
    description:
      - For providers that sign webhooks with a key pair (Telnyx), the private key to sign events with;
        the endpoint must verify with its public key. Without it, events are sent unsigned.
      - Telnyx keeps its own private key, so use a test key pair whose public key the endpoint under test
        holds (the sandbox's is E(TELNYX_SIGNING_KEY), its public key E(TELNYX_PUBLIC_KEY), both printed
        by C(cpaas-sandbox --print-env)). The key is base64 of the 32-byte Ed25519 seed (or of PyNaCl's
        64-byte signing key). Events then carry C(telnyx-signature-ed25519) and C(telnyx-timestamp).
      - With O(receiver_url), the endpoint is registered at the receiver with the public key of this key.
      - Needs the Python package C(cryptography) on the host that runs the module.
    type: str
  api_key:
    description: The Vonage API key put in the C(api_key) claim of the signed JWT.
    type: str
  check_refusal:
    description:
      - Whether to send the events without and with wrong credentials to callbacks that have
        credentials, and expect a refusal.
    type: bool
    default: true
  check_signature_refusal:
    description:
      - Whether to also send each signed event with a wrong signature and expect a refusal (HTTP 401 or
        403). Only for callbacks the provider signs, and only when O(signing_secret) (or, for Telnyx,
        O(signing_key)) is given.
      - Off by default, because an endpoint that does not check signatures is common (and then this
        is a finding worth knowing about).
    type: bool
    default: false
  receiver_url:
    description:
      - Base URL of a cpaas callback receiver. Callbacks whose URL lies under it are registered
        there before the events are sent, and the receiver's verdicts are part of the result.
    type: str
  receiver_token:
    description:
      - "The receiver's admin token (sent as C(Authorization: Bearer))."
      - A wrong or missing token makes the receiver refuse the registration with HTTP 401; each callback under
        the receiver then fails with V(receiver_error), saying so.
    type: str
  report_only:
    description:
      - Report failures in the result without failing the task.
    type: bool
    default: false
  timeout:
    description:
      - Seconds each request may take as a whole (connecting, sending, and reading the whole answer), a deadline
        rather than a limit for each read, so an endpoint that answers a byte at a time fails with V(timeout).
    type: float
    default: 10
  connect_timeout:
    description: Seconds to wait for a connection, within the deadline O(timeout). Defaults to O(timeout).
    type: float
  validate_certs:
    description: Whether to verify the endpoints' and the receiver's TLS certificates.
    type: bool
    default: true
notes:
  - The module changes nothing at the provider and always reports RV(ignore:changed=false), but the
    endpoints receive real requests; a receiving application should recognise the
    C(X-Cpaas-Callback-Check) header and not act on those events.
  - Redirects are not followed; a 3xx answer is reported as a wrong status.
requirements:
  - requests
  - cryptography (only to sign Telnyx events, with O(signing_key))
seealso:
  - module: cpaas.callbacks.twilio_application
  - name: callback_check guide
    description: What each check sends and how each failure is reported (docs/callback_check.md in the collection).
    link: https://example.invalid/cpaas/callbacks/docs/callback_check.md
"""

EXAMPLES = r"""
- name: Converge the support line
  cpaas.callbacks.twilio_application:
    friendly_name: support-line
    voice_url: "https://twilio:{{ hook_password }}@hooks.example.com/twilio/voice"
    status_callback: https://hooks.example.com/twilio/status
  register: support_line

- name: Prove that its callbacks work (signed, credentials refused when wrong)
  cpaas.callbacks.callback_check:
    provider: twilio
    application: "{{ support_line.application }}"
    callback_password: "{{ hook_password }}"
    signing_secret: "{{ twilio_auth_token }}"

- name: Bandwidth messaging callbacks, verified at the receiver as well, without failing the play
  cpaas.callbacks.callback_check:
    provider: bandwidth
    application: "{{ bw_app.application }}"
    callback_credentials:
      inbound_callback_creds: {username: bw, password: "{{ bw_hook_password }}"}
    receiver_url: https://hooks.example.com
    receiver_token: "{{ receiver_admin_token }}"
    report_only: true
  register: bw_check

- name: A Telnyx application against a test receiver that holds the public key of a test key pair
  cpaas.callbacks.callback_check:
    provider: telnyx
    application: "{{ telnyx_app.application }}"
    signing_key: "{{ telnyx_test_private_key }}"
    check_signature_refusal: true

- name: Show what would be sent, sending nothing
  cpaas.callbacks.callback_check:
    provider: vonage
    application: "{{ vonage_app.application }}"
  check_mode: true
"""

RETURN = r"""
run_id:
  description: The value of the C(X-Cpaas-Callback-Check) header on every request of this run.
  returned: always
  type: str
  sample: 2f1c9a7e0d6b4c1f9e3a5b7c8d9e0f12
results:
  description: One entry per callback checked.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The callback (the application's field, for example V(voice_url) or V(voice.answer_url)).
      type: str
    url:
      description: The callback URL with any password masked.
      type: str
    method:
      description: The HTTP method the provider uses for it.
      type: str
    event:
      description: The event type sent.
      type: str
    expected:
      description: What the answer had to be.
      type: str
    outcome:
      description: V(passed), V(failed), or V(would_send) in check mode.
      type: str
    problems:
      description:
        - Each failure, starting with its kind - V(unreachable), V(timeout), V(bad_status),
          V(wrong_body), V(accepts_missing_credentials), V(accepts_wrong_credentials), V(accepts_bad_signature),
          V(no_challenge), V(no_password), V(not_received_by_receiver), V(rejected_by_receiver),
          V(receiver_error).
      type: list
      elements: str
    latency_ms:
      description: Milliseconds until the answer to the real event arrived (reported, not judged).
      type: float
    checks:
      description: Each request sent (V(no_credentials), V(wrong_credentials), V(wrong_signature), V(event)) or the
        receiver's verdict (V(receiver)), with status, latency and detail; in check mode what would be sent.
      type: list
      elements: dict
  sample:
    - name: voice_url
      url: https://twilio:********@hooks.example.com/twilio/voice
      method: POST
      event: incoming-call
      expected: 2xx with a TwiML <Response> document
      outcome: passed
      problems: []
      latency_ms: 12.5
callbacks_passed:
  description: How many callbacks passed.
  returned: always
  type: int
callbacks_failed:
  description: How many callbacks failed (the task fails when this is not 0, unless O(report_only) is set).
  returned: always
  type: int
summary:
  description: One line per callback for people.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.cpaas.callbacks.plugins.module_utils import _registry
from ansible_collections.cpaas.callbacks.plugins.module_utils.callback_check import CheckInputError, MissingLibrary, run_checks
from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import encoded_forms, secret_values
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import SecretsFirstModule
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import HAS_REQUESTS

ARGUMENT_SPEC = {
    # The providers of the registry; DOCUMENTATION lists them by hand (a unit test proves they are the same).
    "provider": {"type": "str", "required": True, "choices": list(_registry.NAMES)},
    "application": {"type": "dict", "required": True},
    "callbacks": {"type": "list", "elements": "str"},
    "events": {"type": "dict"},
    "callback_credentials": {"type": "dict", "no_log": False},
    "configured": {"type": "dict", "no_log": False},
    "callback_password": {"type": "str", "no_log": True},
    "signing_secret": {"type": "str", "no_log": True, "aliases": ["auth_token", "signature_secret"]},
    "signing_key": {"type": "str", "no_log": True},
    "api_key": {"type": "str", "no_log": False},
    "check_refusal": {"type": "bool", "default": True},
    "check_signature_refusal": {"type": "bool", "default": False},
    "receiver_url": {"type": "str"},
    "receiver_token": {"type": "str", "no_log": True},
    "report_only": {"type": "bool", "default": False},
    "timeout": {"type": "float", "default": 10},
    "connect_timeout": {"type": "float"},
    "validate_certs": {"type": "bool", "default": True},
}


def main():
    module = SecretsFirstModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"))
    # Passwords inside callback URLs and in the credentials are secrets: never echo them. (The
    # dict options are not no_log as a whole, which would mask every user name and method too.)
    for option in ("application", "configured", "callback_credentials"):
        module.no_log_values.update(secret_values(module.params[option], ("password",)))
    # ...and every encoded form of the no_log options (Ansible hides them only as they are)
    for option in ("callback_password", "signing_secret", "signing_key", "receiver_token"):
        module.no_log_values.update(encoded_forms(module.params[option]))
    params = dict(module.params)
    params["event_overrides"] = params.pop("events") or {}
    if params["timeout"] <= 0 or (params["connect_timeout"] is not None and params["connect_timeout"] <= 0):
        module.fail_json(msg="timeout and connect_timeout must be numbers of seconds greater than 0")
    try:
        result = run_checks(params, check_mode=module.check_mode)
    except CheckInputError as error:
        module.fail_json(msg=str(error))
    except MissingLibrary as error:
        module.fail_json(msg=missing_required_lib(str(error)) + " (to sign Telnyx events with signing_key)")
    if not result["results"]:
        module.warn("the %s application has no callback URL: there was nothing to check" % params["provider"])
    if result["callbacks_failed"] and not params["report_only"]:
        module.fail_json(msg="%d of %d callback(s) failed: %s" % (
            result["callbacks_failed"], len(result["results"]), "; ".join(line for line in result["summary"] if "FAILED" in line)),
            changed=False, **result)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
