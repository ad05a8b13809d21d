"""Vobiz: every request vobiz_application(_info) sends and every answer the sandbox gives, validated
against the typed models and request code of the generated SDK vobiz-ai/Vobiz-Python-SDK (Vobiz
publishes no specification; specs/vobiz.applications.yml is written from the SDK) with the seed
documents' request fields (specs/vobiz.corrections.yml)."""

from __future__ import annotations

import json

from ansible_collections.cpaas.callbacks.plugins.modules import vobiz_application, vobiz_application_info

from . import contract

PROVIDER = "vobiz"
EVERY_FIELD = {
    "app_name": "support-line",
    "answer_url": "https://hooks.example.com/answer",
    "hangup_url": "https://hooks.example.com/hangup",
    "hangup_method": "GET",
    "fallback_answer_url": "https://hooks.example.com/fallback",
    "fallback_method": "POST",
    "message_url": "https://hooks.example.com/message",
    "message_method": "GET",
    "default_number_app": True,
    "default_endpoint_app": False,
    "log_incoming_messages": False,
}


def args(recorded, **options):
    creds = recorded.credentials
    return dict({"api_url": recorded.url + "/api/v1", "auth_id": creds["VOBIZ_AUTH_ID"], "auth_token": creds["VOBIZ_AUTH_TOKEN"]},
                **options)


def run_every_operation(recorded, run_module):
    created = run_module(vobiz_application.main, args(recorded, **EVERY_FIELD))
    assert created["changed"] is True, created
    app_id = created["application"]["app_id"]
    assert created["application"]["log_incoming_messages"] is False
    assert run_module(vobiz_application.main, args(recorded, **EVERY_FIELD))["changed"] is False
    changed = run_module(vobiz_application.main,
                         args(recorded, app_id=app_id, answer_method="GET", message_url="", log_incoming_messages=True))
    assert changed["changed"] is True, changed
    assert changed["application"]["log_incoming_messages"] is True
    assert run_module(vobiz_application_info.main, args(recorded))["applications"]
    assert run_module(vobiz_application_info.main, args(recorded, app_id=app_id))["applications"]
    assert run_module(vobiz_application_info.main, args(recorded, app_id="99999999"))["applications"] == []
    assert run_module(vobiz_application.main, args(recorded, app_id=app_id, state="absent"))["changed"] is True


def test_every_request_and_answer_conforms_to_the_sdk_models(recorded, run_module):
    run_every_operation(recorded, run_module)

    assert recorded.problems(PROVIDER) == []
    operations = {contract.operation_of(PROVIDER, exchange) for exchange in recorded.exchanges(PROVIDER)}
    assert operations == contract.operations(PROVIDER)
    writes = [json.loads(exchange.body) for exchange in recorded.exchanges(PROVIDER) if exchange.method == "POST"]
    assert [write.get("log_incoming_messages") for write in writes] == [False, True]  # plural on create and on update


def test_a_create_without_answer_method_sends_the_default_the_sdk_requires(recorded, run_module):
    # The generated SDK (and the newest documents) make answer_method required on create.
    created = run_module(vobiz_application.main, args(recorded, app_name="minimal", answer_url="https://hooks.example.com/answer"))

    assert created["changed"] is True, created
    [create] = [exchange for exchange in recorded.exchanges(PROVIDER) if exchange.method == "POST"]
    assert json.loads(create.body)["answer_method"] == "POST"
    assert recorded.problems(PROVIDER) == []
