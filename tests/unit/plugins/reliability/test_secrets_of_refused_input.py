# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets the task was given stay masked when their option is refused, and a change of a
secret alone shows in the diff without showing the secret.

Every module run here goes through this folder's ``run_module``, which searches the whole
result (``invocation.module_args`` included) and the module's log lines for every secret
added to ``secret_watch``.
"""

from __future__ import annotations

import pytest
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED, provider_ids

# Passwords a person types into a URL without encoding them: a URL parser reads the "?", "#"
# or "/" as the end of the host, so the password is not a password to it.
UNENCODED = ["Ab?Cd9xQ-q", "Ab#Cd9xQ-h", "Ab/Cd9xQ-s"]


def _with_url(case, url):
    """The provider's task with ``url`` as its main callback URL."""
    options = case.desired("secret-url")
    if case.name == "twilio":
        options["voice_url"] = url
    elif case.name == "bandwidth":
        options = {"app_name": "secret-url", "service_type": "Voice-V2", "call_initiated_callback_url": url}
    elif case.name == "vobiz":
        options["answer_url"] = url
    elif case.name == "telnyx":
        options["webhook_event_url"] = url
    else:
        options["capabilities"]["voice"]["webhooks"]["answer_url"]["address"] = url
    return options


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
@pytest.mark.parametrize("password", UNENCODED)
@pytest.mark.parametrize("also_invalid", [False, True], ids=["url-refused", "another-option-refused-first"])
def test_an_unencoded_url_password_is_masked_when_the_url_is_refused(sandbox, run_module, secret_watch, case, password, also_invalid):
    secret_watch.add(password)
    secret_watch.add(password[3:])  # what follows the "?", "#" or "/": the part a URL parser misplaces
    task = dict(case.auth(sandbox), **_with_url(case, "https://hooks:%s@hooks.example.com/v" % password))
    if also_invalid:
        task["state"] = "presnt"  # refused by Ansible's own argument validation, before the module's checks
    sandbox.clear_requests()

    result = run_module(case.module.main, task)

    assert result.get("failed") is True, result
    assert "state" in result["msg"] if also_invalid else "url" in result["msg"].lower()
    assert "invocation" in result  # the echoed arguments are there, masked (run_module searched them)
    assert sandbox.requests() == []


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_a_secret_whose_option_is_refused_is_masked(sandbox, run_module, secret_watch, case):
    """A credential of the wrong type, and a misspelt secret option: refused, and never echoed."""
    secret_option = {"twilio": "auth_token", "bandwidth": "password", "vonage": "api_secret", "vobiz": "auth_token", "telnyx": "api_key"}[case.name]
    secret_watch.add("tok-in-a-list-Rw8")
    secret_watch.add("misspelt-secret-Yt5")
    task = dict(case.auth(sandbox), **case.desired("refused-secret"))
    task[secret_option] = {"value": "tok-in-a-list-Rw8"}
    task[secret_option.replace("_", "") + "_pasword"] = "misspelt-secret-Yt5"
    sandbox.clear_requests()

    result = run_module(case.module.main, task)

    assert result.get("failed") is True, result
    assert sandbox.requests() == []


def test_a_misspelt_callback_password_is_masked(sandbox, run_module, secret_watch):
    bandwidth = next(case for case in LANDED if case.name == "bandwidth")
    secret_watch.add("typo-cb-pass-Mn3")
    task = dict(bandwidth.auth(sandbox), app_name="typo", service_type="Voice-V2", call_initiated_callback_url="https://h.example.com/i",
                callback_creds={"user_id": "hooks", "pasword": "typo-cb-pass-Mn3"})

    result = run_module(bandwidth.module.main, task)

    assert result.get("failed") is True and "pasword" in result["msg"]


def test_a_change_of_only_the_url_password_shows_as_a_changed_secret(sandbox, run_module, secret_watch):
    twilio = next(case for case in LANDED if case.name == "twilio")
    secret_watch.add("old-url-pass-Hq2")
    secret_watch.add("new-url-pass-Jc7")
    base = twilio.auth(sandbox)
    run_module(twilio.module.main, dict(base, friendly_name="pw-change", voice_url="https://hooks:old-url-pass-Hq2@hooks.example.com/v"))
    changed = dict(base, friendly_name="pw-change", voice_url="https://hooks:new-url-pass-Jc7@hooks.example.com/v")

    for check_mode in (True, False):
        result = run_module(twilio.module.main, changed, check_mode=check_mode)

        assert result["changed"] is True and result["differences"] == ["voice_url"]
        assert result["diff"]["before"]["voice_url"] == "https://hooks:********@hooks.example.com/v"
        assert result["diff"]["after"]["voice_url"] == "https://hooks:******** (changed)@hooks.example.com/v"
    assert run_module(twilio.module.main, changed)["changed"] is False


def test_a_bandwidth_update_that_resends_a_password_says_so(sandbox, run_module, secret_watch):
    bandwidth = next(case for case in LANDED if case.name == "bandwidth")
    secret_watch.add("cb-resent-Pw9")
    task = dict(bandwidth.auth(sandbox), app_name="resend", service_type="Voice-V2", call_initiated_callback_url="https://h.example.com/i",
                callback_creds={"user_id": "hooks", "password": "cb-resent-Pw9"})
    run_module(bandwidth.module.main, task)
    assert run_module(bandwidth.module.main, task)["changed"] is False  # on_create: an unchanged rerun sends nothing
    sandbox.clear_requests()

    result = run_module(bandwidth.module.main, dict(task, call_initiated_method="GET"))

    assert result["changed"] is True
    assert result["differences"] == ["call_initiated_method", "callback_creds.password"]
    assert result["diff"]["after"]["callback_creds"] == {"user_id": "hooks", "password": "********"}
    [put] = sandbox.writes("bandwidth")
    assert put["method"] == "PUT"
