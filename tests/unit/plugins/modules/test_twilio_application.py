# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""twilio_application and twilio_application_info against the sandbox's Twilio API."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
import requests
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.twilio import adapter as twilio_utils
from ansible_collections.cpaas.callbacks.plugins.modules import twilio_application, twilio_application_info

PROVIDER = "twilio"


@pytest.fixture
def twilio(sandbox):
    creds = sandbox.credentials
    base = {
        "api_url": sandbox.url,
        "account_sid": creds["TWILIO_ACCOUNT_SID"],
        "auth_token": creds["TWILIO_AUTH_TOKEN"],
        "max_retries": 3,
    }

    class Twilio:
        args = base

        def app(self, **options):
            return dict(base, **options)

        def apps(self):
            return sandbox.applications(PROVIDER)

        def create_directly(self, **form):
            response = requests.post(
                "%s/2010-04-01/Accounts/%s/Applications.json" % (sandbox.url, base["account_sid"]),
                data=form, auth=(base["account_sid"], base["auth_token"]), timeout=10)
            assert response.status_code == 201, response.text
            return response.json()

    return Twilio()


def form_of(entry):
    return {key: values[0] for key, values in parse_qs(entry["body"], keep_blank_values=True).items()}


def test_create_sends_form_and_reports_change(sandbox, twilio, run_module):
    result = run_module(twilio_application.main, twilio.app(
        friendly_name="support-line", voice_url="https://hooks.example.com/voice", voice_method="GET",
        voice_caller_id_lookup=True))

    assert result["changed"] is True
    assert result["application"]["sid"].startswith("AP")
    assert result["application"]["voice_method"] == "GET"
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["voice_url"] == "https://hooks.example.com/voice"
    writes = sandbox.writes(PROVIDER)
    assert len(writes) == 1
    assert writes[0]["method"] == "POST" and writes[0]["path"].endswith("/Applications.json")
    assert form_of(writes[0]) == {
        "FriendlyName": "support-line", "VoiceUrl": "https://hooks.example.com/voice",
        "VoiceMethod": "GET", "VoiceCallerIdLookup": "true"}
    [app] = twilio.apps()
    assert app["friendly_name"] == "support-line" and app["voice_caller_id_lookup"] is True


def test_update_sends_only_changes_and_leaves_the_rest(sandbox, twilio, run_module):
    run_module(twilio_application.main, twilio.app(
        friendly_name="partial", voice_url="https://hooks.example.com/voice", sms_url="https://hooks.example.com/sms"))
    sandbox.clear_requests()

    result = run_module(twilio_application.main, twilio.app(friendly_name="partial", sms_url="https://hooks.example.com/sms2"))

    assert result["changed"] is True
    [write] = sandbox.writes(PROVIDER)
    assert form_of(write) == {"SmsUrl": "https://hooks.example.com/sms2"}
    [app] = twilio.apps()
    assert app["voice_url"] == "https://hooks.example.com/voice"
    assert app["sms_url"] == "https://hooks.example.com/sms2"


def test_empty_string_clears_a_url(sandbox, twilio, run_module):
    run_module(twilio_application.main, twilio.app(
        friendly_name="clearme", voice_url="https://hooks.example.com/voice", voice_fallback_url="https://fallback.example.com/v"))

    result = run_module(twilio_application.main, twilio.app(friendly_name="clearme", voice_fallback_url=""))
    again = run_module(twilio_application.main, twilio.app(friendly_name="clearme", voice_fallback_url=""))

    assert result["changed"] is True and again["changed"] is False
    [app] = twilio.apps()
    assert app["voice_fallback_url"] in (None, "")
    assert app["voice_url"] == "https://hooks.example.com/voice"


def test_provider_defaults_are_not_drift(sandbox, twilio, run_module):
    run_module(twilio_application.main, twilio.app(friendly_name="defaults", voice_url="https://hooks.example.com/voice"))
    sandbox.clear_requests()

    result = run_module(twilio_application.main, twilio.app(
        friendly_name="defaults", voice_method="POST", sms_fallback_method="POST", voice_caller_id_lookup=False))

    assert result["changed"] is False
    assert sandbox.writes(PROVIDER) == []


def test_ambiguous_friendly_name_fails_naming_both_sids(sandbox, twilio, run_module):
    first = twilio.create_directly(FriendlyName="twin")
    second = twilio.create_directly(FriendlyName="twin")
    sandbox.clear_requests()

    result = run_module(twilio_application.main, twilio.app(friendly_name="twin", voice_url="https://hooks.example.com/v"))

    assert result["failed"] is True
    assert first["sid"] in result["msg"] and second["sid"] in result["msg"]
    assert "sid" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_sid_identifies_and_friendly_name_renames(sandbox, twilio, run_module):
    app = twilio.create_directly(FriendlyName="old-name")

    result = run_module(twilio_application.main, twilio.app(sid=app["sid"], friendly_name="new-name"))

    assert result["changed"] is True and result["differences"] == ["friendly_name"]
    assert [a["friendly_name"] for a in twilio.apps()] == ["new-name"]


def test_unknown_sid_fails_clearly(sandbox, twilio, run_module):
    result = run_module(twilio_application.main, twilio.app(sid="AP" + "0" * 32, voice_url="https://h.example.com/v"))

    assert result["failed"] is True
    assert "No Twilio application has sid" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_rate_limit_then_success_converges_with_one_write(sandbox, twilio, run_module):
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=429, retry_after=1, count=1)

    result = run_module(twilio_application.main, twilio.app(friendly_name="limited", voice_url="https://h.example.com/v"))

    assert result["changed"] is True
    statuses = [entry["status"] for entry in sandbox.writes(PROVIDER)]
    assert statuses == [429, 201]
    assert len(twilio.apps()) == 1


def test_create_answered_by_500_leaves_exactly_one_application(sandbox, twilio, run_module):
    # The sandbox applies the create, then answers 500: the outcome is unknown to the module.
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=500, count=1, after=True)

    result = run_module(twilio_application.main, twilio.app(friendly_name="once", voice_url="https://h.example.com/v"))

    assert result.get("failed") is not True, result
    assert result["changed"] is True
    apps = twilio.apps()
    assert len(apps) == 1 and apps[0]["sid"] == result["application"]["sid"]
    # One create only: the module looked before it tried again.
    creates = [e for e in sandbox.writes(PROVIDER) if e["method"] == "POST" and e["path"].endswith("Applications.json")]
    assert len(creates) == 1


def test_create_refused_by_500_before_apply_is_tried_again_once_looked_up(sandbox, twilio, run_module):
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=503, count=1)

    result = run_module(twilio_application.main, twilio.app(friendly_name="retry", voice_url="https://h.example.com/v"))

    assert result["changed"] is True
    assert len(twilio.apps()) == 1


def test_invalid_method_fails_before_any_request(sandbox, twilio, run_module):
    result = run_module(twilio_application.main, twilio.app(friendly_name="bad", voice_method="FETCH"))

    assert result["failed"] is True
    assert "voice_method" in result["msg"] and "GET, POST" in result["msg"]
    assert sandbox.requests(PROVIDER) == []


@pytest.mark.parametrize("option, value, expected", [
    ("voice_url", "not a url", "voice_url must be"),
    ("sms_url", "ftp://files.example.com/x", "sms_url must be"),
    ("friendly_name", "x" * 65, "friendly_name must be at most 64"),
    ("friendly_name", "tab\there", "friendly_name must not contain control characters"),
    ("sid", "AP123", "sid must be an Application SID"),
])
def test_bad_values_fail_before_any_request(sandbox, twilio, run_module, option, value, expected):
    args = twilio.app(friendly_name="ok")
    args[option] = value

    result = run_module(twilio_application.main, args)

    assert result["failed"] is True and expected in result["msg"]
    assert sandbox.requests(PROVIDER) == []


def test_provider_error_names_method_path_and_provider_words(sandbox, twilio, run_module):
    result = run_module(twilio_application.main, dict(twilio.app(friendly_name="x"), auth_token="wrong-token-value"))

    assert result["failed"] is True
    assert result["status"] == 401
    assert "GET /2010-04-01/Accounts/%s/Applications.json" % twilio.args["account_sid"] in result["msg"]
    assert "wrong-token-value" not in json.dumps(result)


def test_url_password_is_masked_everywhere_and_still_compared(sandbox, twilio, run_module):
    secret_url = "https://hookuser:url-pass-9f2c@hooks.example.com/voice"
    created = run_module(twilio_application.main, twilio.app(friendly_name="creds", voice_url=secret_url))
    same = run_module(twilio_application.main, twilio.app(friendly_name="creds", voice_url=secret_url), check_mode=True)
    rotated = run_module(twilio_application.main, twilio.app(
        friendly_name="creds", voice_url="https://hookuser:new-pass-77aa@hooks.example.com/voice"))
    listed = run_module(twilio_application_info.main, twilio.args)

    for result in (created, same, rotated, listed):
        text = json.dumps(result)
        assert "url-pass-9f2c" not in text and "new-pass-77aa" not in text
        assert twilio.args["auth_token"] not in text
    assert created["application"]["voice_url"] == "https://hookuser:********@hooks.example.com/voice"
    assert same["changed"] is False
    assert rotated["changed"] is True and rotated["differences"] == ["voice_url"]
    assert twilio.apps()[0]["voice_url"] == "https://hookuser:new-pass-77aa@hooks.example.com/voice"


def test_info_follows_every_page_and_filters(sandbox, twilio, run_module, monkeypatch):
    monkeypatch.setattr(twilio_utils, "PAGE_SIZE", 2)
    for index in range(5):
        twilio.create_directly(FriendlyName="app-%d" % index)
    twilio.create_directly(FriendlyName="app-1")
    sandbox.clear_requests()

    everything = run_module(twilio_application_info.main, twilio.args)
    named = run_module(twilio_application_info.main, dict(twilio.args, friendly_name="app-1"))
    one = run_module(twilio_application_info.main, dict(twilio.args, sid=named["applications"][0]["sid"]))
    missing = run_module(twilio_application_info.main, dict(twilio.args, sid="AP" + "f" * 32))

    assert len(everything["applications"]) == 6
    assert len(sandbox.reads(PROVIDER)) >= 3  # three pages of two
    assert [a["friendly_name"] for a in named["applications"]] == ["app-1", "app-1"]
    assert one["applications"][0]["sid"] == named["applications"][0]["sid"]
    assert missing["applications"] == []
    assert all(result["changed"] is False for result in (everything, named, one, missing))


def test_api_key_and_secret_authenticate(sandbox, twilio, run_module):
    creds = sandbox.credentials
    if "TWILIO_API_KEY" not in creds:
        pytest.skip("the sandbox has no API key configured")
    args = {"api_url": sandbox.url, "account_sid": creds["TWILIO_ACCOUNT_SID"],
            "api_key": creds["TWILIO_API_KEY"], "api_secret": creds["TWILIO_API_SECRET"]}

    result = run_module(twilio_application.main, dict(args, friendly_name="keyed", voice_url="https://h.example.com/v"))

    assert result["changed"] is True
    assert creds["TWILIO_API_SECRET"] not in json.dumps(result)
