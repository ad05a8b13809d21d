"""Twilio: every request twilio_application(_info) sends and every answer the sandbox gives,
validated against twilio/twilio-oai ``spec/json/twilio_api_v2010.json`` (extract in specs/)."""

from __future__ import annotations

import requests
from ansible_collections.cpaas.callbacks.plugins.modules import twilio_application, twilio_application_info

from . import contract

PROVIDER = "twilio"
EVERY_FIELD = {
    "friendly_name": "support-line",
    "api_version": "2010-04-01",
    "voice_url": "https://hooks.example.com/voice",
    "voice_method": "GET",
    "voice_fallback_url": "https://hooks.example.com/voice-fallback",
    "voice_fallback_method": "POST",
    "status_callback": "https://hooks.example.com/status",
    "status_callback_method": "GET",
    "voice_caller_id_lookup": True,
    "sms_url": "https://hooks.example.com/sms",
    "sms_method": "POST",
    "sms_fallback_url": "https://hooks.example.com/sms-fallback",
    "sms_fallback_method": "GET",
    "sms_status_callback": "https://hooks.example.com/sms-status",
    "message_status_callback": "https://hooks.example.com/message-status",
    "public_application_connect_enabled": False,
}


def args(recorded, **options):
    creds = recorded.credentials
    return dict({"api_url": recorded.url, "account_sid": creds["TWILIO_ACCOUNT_SID"], "auth_token": creds["TWILIO_AUTH_TOKEN"]},
                **options)


def run_every_operation(recorded, run_module):
    """Create, read back, change, list, fetch, fetch an unknown one, delete: what a user's plays do."""
    created = run_module(twilio_application.main, args(recorded, **EVERY_FIELD))
    assert created["changed"] is True, created
    sid = created["application"]["sid"]
    assert run_module(twilio_application.main, args(recorded, **EVERY_FIELD))["changed"] is False
    changed = run_module(twilio_application.main,
                         args(recorded, sid=sid, voice_url="https://hooks.example.com/voice2", voice_method="POST", sms_url=""))
    assert changed["changed"] is True, changed
    assert run_module(twilio_application_info.main, args(recorded))["applications"]
    assert run_module(twilio_application_info.main, args(recorded, friendly_name="support-line"))["applications"]
    assert run_module(twilio_application_info.main, args(recorded, sid=sid))["applications"]
    assert run_module(twilio_application_info.main, args(recorded, sid="AP" + "0" * 32))["applications"] == []
    assert run_module(twilio_application.main, args(recorded, sid=sid, state="absent"))["changed"] is True
    return sid


def test_every_request_and_answer_conforms_to_the_specification(recorded, run_module):
    run_every_operation(recorded, run_module)

    assert recorded.problems(PROVIDER) == []
    operations = {contract.operation_of(PROVIDER, exchange) for exchange in recorded.exchanges(PROVIDER)}
    assert operations == contract.operations(PROVIDER)  # create, fetch, update, list, delete: all of them


def test_a_method_outside_the_enum_is_refused_by_the_sandbox_and_by_the_specification(recorded):
    creds = recorded.credentials
    response = requests.post(f"{recorded.url}/2010-04-01/Accounts/{creds['TWILIO_ACCOUNT_SID']}/Applications.json",
                             data={"VoiceMethod": "PUT"}, auth=(creds["TWILIO_ACCOUNT_SID"], creds["TWILIO_AUTH_TOKEN"]), timeout=10)

    assert response.status_code == 400 and response.json()["code"] == 21503
    [exchange] = recorded.exchanges(PROVIDER)
    [problem] = [p for p in contract.check(PROVIDER, exchange) if p.startswith("request")]
    assert "VoiceMethod" in problem and "'PUT' is not one of ['GET', 'POST']" in problem
