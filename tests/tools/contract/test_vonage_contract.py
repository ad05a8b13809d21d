"""Vonage: every request vonage_application(_info) sends and every answer the sandbox gives,
validated against Nexmo/api-specification ``definitions/application.v2.yml`` (extract in specs/)
with the corrections of ``specs/vonage.corrections.yml`` (``connect_timeout``, the SDK's fields)."""

from __future__ import annotations

import requests
from ansible_collections.cpaas.callbacks.plugins.modules import vonage_application, vonage_application_info

from . import contract

PROVIDER = "vonage"
VOICE_HOOK = {"address": "https://hooks.example.com/answer", "http_method": "GET", "connect_timeout": 500, "socket_timeout": 3000}
CAPABILITIES = {
    "voice": {
        "webhooks": {
            "answer_url": VOICE_HOOK,
            "fallback_answer_url": {"address": "https://hooks.example.com/fallback", "connection_timeout": 600},  # the alias
            "event_url": {"address": "https://hooks.example.com/event", "http_method": "POST", "socket_timeout": 10000},
        },
        "signed_callbacks": True,
        "conversations_ttl": 48,
        "leg_persistence_time": 7,
        "region": "eu-west",
    },
    "messages": {
        "webhooks": {"inbound_url": {"address": "https://hooks.example.com/inbound", "http_method": "POST"},
                     "status_url": {"address": "https://hooks.example.com/status", "http_method": "POST"}},
        "version": "v1",
        "authenticate_inbound_media": True,
    },
    "rtc": {"webhooks": {"event_url": {"address": "https://hooks.example.com/rtc", "http_method": "POST"}}, "signed_callbacks": True},
    "verify": {"webhooks": {"status_url": {"address": "https://hooks.example.com/verify", "http_method": "POST"}}},
    "vbc": {},
}


def args(recorded, **options):
    creds = recorded.credentials
    return dict({"api_url": recorded.url, "api_key": creds["VONAGE_API_KEY"], "api_secret": creds["VONAGE_API_SECRET"]}, **options)


def run_every_operation(recorded, run_module):
    created = run_module(vonage_application.main, args(recorded, name="support-line", capabilities=CAPABILITIES,
                                                       privacy={"improve_ai": False}))
    assert created["changed"] is True, created
    app_id = created["application"]["id"]
    assert run_module(vonage_application.main, args(recorded, name="support-line", capabilities=CAPABILITIES))["changed"] is False
    # a PUT of the whole application, with every timeout it has
    changed = run_module(vonage_application.main, args(recorded, application_id=app_id, name="renamed", capabilities={"voice": {"webhooks": {
        "event_url": {"address": "https://hooks.example.com/event2"}, "fallback_answer_url": {"address": ""}}}},
        remove_capabilities=["rtc"]))
    assert changed["changed"] is True, changed
    assert run_module(vonage_application_info.main, args(recorded))["applications"]
    assert run_module(vonage_application_info.main, args(recorded, application_id=app_id))["applications"]
    assert run_module(vonage_application_info.main, args(recorded, application_id="78d335fa-323d-0114-9c3d-d6f0d48968cf"))["applications"] == []
    assert run_module(vonage_application.main, args(recorded, application_id=app_id, state="absent"))["changed"] is True


def test_every_request_and_answer_conforms_to_the_specification(recorded, run_module):
    run_every_operation(recorded, run_module)

    assert recorded.problems(PROVIDER) == []
    operations = {contract.operation_of(PROVIDER, exchange) for exchange in recorded.exchanges(PROVIDER)}
    assert operations == contract.operations(PROVIDER)
    bodies = b"".join(exchange.body for exchange in recorded.exchanges(PROVIDER))
    assert b'"connect_timeout"' in bodies and b"connection_timeout" not in bodies


def test_the_old_timeout_name_is_refused_by_the_sandbox_and_by_the_corrected_specification(recorded):
    creds = recorded.credentials
    body = {"name": "a", "capabilities": {"voice": {"webhooks": {"answer_url": {"address": "https://h.example.com/a", "connection_timeout": 500}}}}}
    response = requests.post(f"{recorded.url}/v2/applications", json=body, auth=(creds["VONAGE_API_KEY"], creds["VONAGE_API_SECRET"]), timeout=30)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("connection_timeout is not a known json property")
    [exchange] = recorded.exchanges(PROVIDER)
    problems = contract.check(PROVIDER, exchange)
    # the request is what is wrong; the 400 answer itself has the specification's shape
    assert len(problems) == 1 and problems[0].startswith("request") and "connection_timeout" in problems[0], problems
