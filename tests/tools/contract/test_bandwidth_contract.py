"""Bandwidth: every request bandwidth_application(_info) sends and every answer the sandbox gives,
validated against Bandwidth/api-docs ``site/specs/numbers.yml`` (schemas ``Application`` and
``CallbackCreds``; extract in specs/): element names and types through the schema, element order
from the specification's own examples."""

from __future__ import annotations

import requests
from ansible_collections.cpaas.callbacks.plugins.modules import bandwidth_application, bandwidth_application_info

from . import contract

PROVIDER = "bandwidth"
VOICE = {
    "app_name": "ivr",
    "service_type": "Voice-V2",
    "call_initiated_callback_url": "https://hooks.example.com/voice",
    "call_initiated_method": "GET",
    "call_status_callback_url": "https://hooks.example.com/status",
    "call_status_method": "POST",
    "callback_creds": {"user_id": "bwuser", "password": "cb-pass-5e1f"},
    "call_initiated_fallback_url": "https://fallback.example.com/voice",
    "call_initiated_fallback_method": "POST",
    "call_initiated_fallback_creds": {"user_id": "fbuser", "password": "fb-pass-0c7d"},
}
MESSAGING = {
    "app_name": "sms",
    "service_type": "Messaging-V2",
    "inbound_callback_url": "https://hooks.example.com/inbound",
    "outbound_callback_url": "https://hooks.example.com/outbound",
    "inbound_callback_creds": {"user_id": "inuser", "password": "in-pass-93aa"},
    "outbound_callback_creds": {"user_id": "outuser", "password": "out-pass-41b2"},
    "requested_callback_types": ["message-delivered", "message-failed", "message-sending"],
}


def args(recorded, **options):
    creds = recorded.credentials
    return dict({"api_url": recorded.url + "/api", "account_id": creds["BW_ACCOUNT_ID"], "username": creds["BW_USERNAME"],
                 "password": creds["BW_PASSWORD"]}, **options)


def run_every_operation(recorded, run_module):
    ids = []
    for fields, change in ((VOICE, {"call_status_callback_url": "https://hooks.example.com/status2"}),
                           (MESSAGING, {"outbound_callback_url": "https://hooks.example.com/outbound2"})):
        created = run_module(bandwidth_application.main, args(recorded, **fields))
        assert created["changed"] is True, created
        app_id = created["application"]["application_id"]
        ids.append(app_id)
        assert run_module(bandwidth_application.main, args(recorded, **fields))["changed"] is False
        changed = run_module(bandwidth_application.main, args(recorded, **dict(fields, **change), update_password="always"))
        assert changed["changed"] is True, changed
    assert len(run_module(bandwidth_application_info.main, args(recorded))["applications"]) == 2
    assert run_module(bandwidth_application_info.main, args(recorded, application_id=ids[0]))["applications"]
    assert run_module(bandwidth_application_info.main, args(recorded, application_id="00000000-0000-4000-8000-000000000000"))["applications"] == []
    for app_id in ids:
        assert run_module(bandwidth_application.main, args(recorded, application_id=app_id, state="absent"))["changed"] is True


def test_every_request_and_answer_conforms_to_the_specification(recorded, run_module):
    run_every_operation(recorded, run_module)

    assert recorded.problems(PROVIDER) == []
    operations = {contract.operation_of(PROVIDER, exchange) for exchange in recorded.exchanges(PROVIDER)}
    # The modules update with the documented PUT (full replace); PATCH is the one operation they never send.
    assert operations == contract.operations(PROVIDER) - {"PatchApplication"}


def test_the_sandbox_answers_the_specifications_own_patch_example_as_specified(recorded):
    """PATCH, which no module sends: the sandbox's answer to the specification's own request example."""
    creds = recorded.credentials
    auth = (creds["BW_USERNAME"], creds["BW_PASSWORD"])
    apps = f"{recorded.url}/api/v1/accounts/{creds['BW_ACCOUNT_ID']}/applications"
    body = ("<Application><ServiceType>Voice-V2</ServiceType><AppName>v1</AppName>"
            "<CallInitiatedCallbackUrl>https://a.example.com</CallInitiatedCallbackUrl></Application>")
    created = requests.post(apps, data=body, headers={"Content-Type": "application/xml"}, auth=auth, timeout=10)
    app_id = created.text.split("<ApplicationId>")[1].split("<")[0]
    [example] = [node["value"] for node in contract._walk(contract.document(PROVIDER)["paths"])
                 if isinstance(node.get("value"), str) and "<AppName>XgRIdP</AppName>" in node["value"]]

    patched = requests.patch(f"{apps}/{app_id}", data=example.encode(), headers={"Content-Type": "application/xml"}, auth=auth, timeout=10)

    assert patched.status_code == 200 and "<AppName>XgRIdP</AppName>" in patched.text
    assert recorded.problems(PROVIDER) == []
    operations = {contract.operation_of(PROVIDER, exchange) for exchange in recorded.exchanges(PROVIDER)}
    assert operations == {"CreateApplication", "PatchApplication"}
