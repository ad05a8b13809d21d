"""Telnyx: every request telnyx_application(_info) sends and every answer the sandbox gives, validated
against an extract of Telnyx's own OpenAPI document (specs/telnyx.applications.yml, corrected where the
official SDK generated from it disagrees: specs/telnyx.corrections.yml)."""

from __future__ import annotations

import json

from ansible_collections.cpaas.callbacks.plugins.modules import telnyx_application, telnyx_application_info

from . import contract

PROVIDER = "telnyx"
EVERY_FIELD = {
    "application_name": "support-line",
    "webhook_event_url": "https://hooks.example.com/telnyx",
    "webhook_event_failover_url": "https://backup.example.com/telnyx",
    "webhook_api_version": "2",
    "webhook_timeout_secs": 25,
    "active": True,
    "anchorsite_override": "Amsterdam, Netherlands",
    "dtmf_type": "Inband",
    "first_command_timeout": True,
    "first_command_timeout_secs": 10,
    "call_cost_in_webhooks": True,
    "redact_dtmf_debug_logging": True,
    "inbound": {"channel_limit": 10, "shaken_stir_enabled": True, "sip_subdomain": "support",
                "sip_subdomain_receive_settings": "only_my_connections"},
    "outbound": {"channel_limit": 10, "outbound_voice_profile_id": "1293384261075731499"},
}


def args(recorded, **options):
    return dict({"api_url": recorded.url + "/v2", "api_key": recorded.credentials["TELNYX_API_KEY"]}, **options)


def run_every_operation(recorded, run_module):
    created = run_module(telnyx_application.main, args(recorded, **EVERY_FIELD))
    assert created["changed"] is True, created
    app_id = created["application"]["id"]
    assert run_module(telnyx_application.main, args(recorded, **EVERY_FIELD))["changed"] is False
    changed = run_module(telnyx_application.main, args(recorded, application_id=app_id, webhook_event_failover_url="",
                                                       webhook_timeout_secs=5, inbound={"channel_limit": 3}))
    assert changed["changed"] is True, changed
    assert run_module(telnyx_application_info.main, args(recorded))["applications"]
    assert run_module(telnyx_application_info.main, args(recorded, application_name="support-line"))["applications"]
    assert run_module(telnyx_application_info.main, args(recorded, application_id=app_id))["applications"]
    assert run_module(telnyx_application_info.main, args(recorded, application_id="99999999"))["applications"] == []
    assert run_module(telnyx_application.main, args(recorded, application_id=app_id, state="absent"))["changed"] is True


def test_every_request_and_answer_conforms_to_telnyxs_openapi_document(recorded, run_module):
    run_every_operation(recorded, run_module)

    assert recorded.problems(PROVIDER) == []
    operations = {contract.operation_of(PROVIDER, exchange) for exchange in recorded.exchanges(PROVIDER)}
    assert operations == contract.operations(PROVIDER)
    [patch] = [json.loads(exchange.body) for exchange in recorded.exchanges(PROVIDER) if exchange.method == "PATCH"]
    # the update schema's required fields travel with every PATCH
    assert {"application_name", "webhook_event_url"} <= set(patch)


def test_sandbox_validation_errors_conform_to_the_errors_schema(recorded):
    import requests

    headers = {"Authorization": "Bearer " + recorded.credentials["TELNYX_API_KEY"]}
    response = requests.post(recorded.url + "/v2/call_control_applications", json={"application_name": "x", "webhook_event_url": "nope"},
                             headers=headers, timeout=10)

    assert response.status_code == 422
    assert recorded.problems(PROVIDER) == []


def test_the_validator_refuses_a_patch_without_the_required_fields():
    exchange = contract.Exchange("PATCH", "/v2/call_control_applications/1", "", {"Content-Type": "application/json"},
                                 json.dumps({"active": False}).encode())
    exchange.status = 200
    exchange.response_headers = {"Content-Type": "application/json"}
    exchange.response_body = json.dumps({"data": {"id": "1", "application_name": "x"}}).encode()

    problems = contract.check(PROVIDER, exchange)

    assert problems and "request PATCH" in problems[0]
