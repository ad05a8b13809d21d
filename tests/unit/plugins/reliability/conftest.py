# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secrets watch of the reliability suites.

Every module run of these suites (the fault suite, the hostile-input corpus, the
secrets scenarios) goes through ``run_module``, which here also records what the
module logged (``AnsibleModule.log``, which Ansible sends to syslog or the journal:
the invocation with its arguments, among others) and then searches the result (with
its diff, warnings, error message and echoed arguments) and the log lines for every
secret the tests use: credentials of the sandbox, passwords inside callback URLs,
callback credentials, private keys the sandbox hands out. One found fails the test
that produced it, with where it was found.
"""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import CALLBACK_PASSWORD, URL_PASSWORD

from cpaas_sandbox.credentials import DEFAULTS

SECRET_VARIABLES = ("TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET", "BW_PASSWORD", "VONAGE_API_SECRET", "VOBIZ_AUTH_TOKEN", "TELNYX_API_KEY",
                    "TELNYX_SIGNING_KEY")


class SecretWatch:
    def __init__(self):
        self.secrets = {URL_PASSWORD, CALLBACK_PASSWORD}
        self.secrets.update(value for name, value in DEFAULTS.items() if name in SECRET_VARIABLES)
        self.checked = 0
        self.log_lines = 0

    def add(self, secret):
        if secret:
            self.secrets.add(secret)

    def leaks(self, text):
        return sorted(secret for secret in self.secrets if secret in text)

    def check(self, where, value):
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        found = self.leaks(text)
        self.checked += 1
        if found:
            raise AssertionError("secret(s) %s found in %s: %s" % (", ".join(repr(s[:12]) for s in found), where, text[:2000]))


@pytest.fixture
def secret_watch(sandbox):
    watch = SecretWatch()
    watch.secrets.update(value for name, value in sandbox.credentials.items() if name in SECRET_VARIABLES)
    return watch


@pytest.fixture
def run_module(run_module, secret_watch, monkeypatch):
    """The shared run_module, plus: module log lines recorded, and every secret searched for."""
    logged = []

    def log(self, msg, log_args=None):
        logged.append({"msg": msg, "log_args": log_args})

    monkeypatch.setattr(AnsibleModule, "log", log)

    def run(main, args, check_mode=False, diff=True):
        del logged[:]
        result = run_module(main, args, check_mode=check_mode, diff=diff)
        secret_watch.check("the module result", result)
        secret_watch.check("the module's log lines", logged)
        secret_watch.log_lines += len(logged)
        return result

    return run
