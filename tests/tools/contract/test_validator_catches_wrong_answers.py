"""The contract suite fails on a field name, an enum value, a type or a status code that differs
from a specification: each case takes a real sandbox answer, changes one thing, and expects the
validator to say so (and the unchanged answer to pass, so the failure is the change's)."""

from __future__ import annotations

import copy
import json

import pytest
import requests
from lxml import etree

from . import contract


def replaced(exchange, status=None, body=None):
    wrong = copy.deepcopy(exchange)
    if status is not None:
        wrong.status = status
    if body is not None:
        wrong.response_body = body
    return wrong


def retyped(exchange, content_type):
    wrong = copy.deepcopy(exchange)
    wrong.response_headers["Content-Type"] = content_type
    return wrong


def json_changed(exchange, change):
    data = json.loads(exchange.response_body)
    change(data)
    return replaced(exchange, body=json.dumps(data).encode())


def xml_changed(exchange, change):
    root = etree.fromstring(exchange.response_body)
    change(root)
    return replaced(exchange, body=etree.tostring(root))


def rename(data, old, new):
    data[new] = data.pop(old)


# ---- one answer of each provider, as the sandbox gives it -----------------------------------------------
@pytest.fixture
def answers(recorded):
    """{(provider, operation): exchange} of real sandbox answers."""
    creds = recorded.credentials
    url = recorded.url
    twilio_auth = (creds["TWILIO_ACCOUNT_SID"], creds["TWILIO_AUTH_TOKEN"])
    twilio_apps = f"{url}/2010-04-01/Accounts/{creds['TWILIO_ACCOUNT_SID']}/Applications.json"
    requests.post(twilio_apps, data={"FriendlyName": "a", "VoiceUrl": "https://h.example.com/v"}, auth=twilio_auth, timeout=10)
    requests.get(twilio_apps, auth=twilio_auth, timeout=10)

    vonage_auth = (creds["VONAGE_API_KEY"], creds["VONAGE_API_SECRET"])
    voice = {"webhooks": {"answer_url": {"address": "https://h.example.com/a", "http_method": "GET", "connect_timeout": 500}},
             "region": "eu-west"}
    requests.post(f"{url}/v2/applications", json={"name": "a", "capabilities": {"voice": voice}}, auth=vonage_auth, timeout=30)
    requests.get(f"{url}/v2/applications", params={"page_size": 10, "page": 1}, auth=vonage_auth, timeout=10)

    bw_auth = (creds["BW_USERNAME"], creds["BW_PASSWORD"])
    bw_apps = f"{url}/api/accounts/{creds['BW_ACCOUNT_ID']}/applications"
    body = ("<Application><ServiceType>Messaging-V2</ServiceType><AppName>a</AppName>"
            "<InboundCallbackUrl>https://h.example.com/i</InboundCallbackUrl>"
            "<InboundCallbackCreds><UserId>u</UserId><Password>p</Password></InboundCallbackCreds>"
            "<RequestedCallbackTypes><CallbackType>message-delivered</CallbackType></RequestedCallbackTypes></Application>")
    created = requests.post(bw_apps, data=body, headers={"Content-Type": "application/xml"}, auth=bw_auth, timeout=10)
    app_id = etree.fromstring(created.content).findtext("Application/ApplicationId")
    requests.delete(f"{bw_apps}/{app_id}", auth=bw_auth, timeout=10)

    vobiz_headers = {"X-Auth-ID": creds["VOBIZ_AUTH_ID"], "X-Auth-Token": creds["VOBIZ_AUTH_TOKEN"]}
    vobiz_apps = f"{url}/api/v1/Account/{creds['VOBIZ_AUTH_ID']}/Application/"
    vobiz_id = requests.post(vobiz_apps, json={"app_name": "a", "answer_url": "https://h.example.com/a", "answer_method": "POST"},
                             headers=vobiz_headers, timeout=10).json()["app_id"]
    requests.get(f"{vobiz_apps}{vobiz_id}/", headers=vobiz_headers, timeout=10)

    telnyx_headers = {"Authorization": "Bearer " + creds["TELNYX_API_KEY"]}
    telnyx_apps = f"{url}/v2/call_control_applications"
    requests.post(telnyx_apps, json={"application_name": "a", "webhook_event_url": "https://h.example.com/t"}, headers=telnyx_headers, timeout=10)
    requests.get(telnyx_apps, headers=telnyx_headers, timeout=10)

    found = {}
    for provider in contract.PROVIDERS:
        for exchange in recorded.exchanges(provider):
            found[(provider, contract.operation_of(provider, exchange))] = exchange
    for (provider, _operation), exchange in found.items():
        assert contract.check(provider, exchange) == [], "the unchanged answer must conform"
    return found


CASES = {
    # Twilio
    "twilio field name": ("twilio", "CreateApplication", lambda x: json_changed(x, lambda d: rename(d, "voice_url", "voiceUrl")), "voiceUrl"),
    "twilio missing field": ("twilio", "CreateApplication", lambda x: json_changed(x, lambda d: d.pop("sms_url")), "sms_url"),
    "twilio enum": ("twilio", "CreateApplication", lambda x: json_changed(x, lambda d: d.update(voice_method="PUT")), "'PUT' is not one of"),
    "twilio type": ("twilio", "CreateApplication", lambda x: json_changed(x, lambda d: d.update(voice_caller_id_lookup="false")),
                    "'false' is not of type 'boolean'"),
    "twilio status": ("twilio", "CreateApplication", lambda x: replaced(x, status=200), "200"),
    "twilio paging field": ("twilio", "ListApplication", lambda x: json_changed(x, lambda d: rename(d, "next_page_uri", "next_page_url")),
                            "next_page_url"),
    # Vonage
    "vonage field name (the old timeout name)": (
        "vonage", "createApplication",
        lambda x: json_changed(x, lambda d: rename(d["capabilities"]["voice"]["webhooks"]["answer_url"], "connect_timeout", "connection_timeout")),
        "connection_timeout"),
    "vonage enum": ("vonage", "createApplication", lambda x: json_changed(x, lambda d: d["capabilities"]["voice"].update(region="moon")),
                    "'moon' is not one of"),
    "vonage type": ("vonage", "listApplication", lambda x: json_changed(x, lambda d: d.update(page="1")), "'1' is not of type 'integer'"),
    "vonage status": ("vonage", "createApplication", lambda x: replaced(x, status=200), "200"),
    # Bandwidth
    "bandwidth element name": ("bandwidth", "CreateApplication",
                               lambda x: xml_changed(x, lambda r: setattr(r.find("Application/InboundCallbackUrl"), "tag", "InboundCallbackURL")),
                               "InboundCallbackURL"),
    "bandwidth element order": ("bandwidth", "CreateApplication",
                                lambda x: xml_changed(x, lambda r: r.find("Application").append(r.find("Application/ServiceType"))),
                                "out of the specification's order"),
    "bandwidth enum": ("bandwidth", "CreateApplication",
                       lambda x: xml_changed(x, lambda r: setattr(r.find("Application/RequestedCallbackTypes/CallbackType"), "text", "delivered")),
                       "'delivered' is not one of"),
    "bandwidth type": ("bandwidth", "CreateApplication",
                       lambda x: xml_changed(x, lambda r: r.find("Application/AppName").append(etree.Element("Name"))), "AppName"),
    "bandwidth status": ("bandwidth", "DeleteApplication", lambda x: replaced(x, status=204), "204"),
    "bandwidth delete content type": ("bandwidth", "DeleteApplication", lambda x: retyped(x, "text/html; charset=utf-8"), "text/html"),
    # Vobiz (the generated SDK's models)
    "vobiz field name": ("vobiz", "retrieve_application",
                         lambda x: json_changed(x, lambda d: rename(d, "log_incoming_message", "log_incoming_messages")), "log_incoming_messages"),
    "vobiz type": ("vobiz", "retrieve_application", lambda x: json_changed(x, lambda d: d.update(default_app="false")),
                   "'false' is not of type 'boolean'"),
    "vobiz update answer field": ("vobiz", "create_application", lambda x: json_changed(x, lambda d: d.update(resource_uri="/v1/x/")),
                                  "resource_uri"),
    "vobiz status": ("vobiz", "create_application", lambda x: replaced(x, status=302), "302"),
    # Telnyx (its OpenAPI document)
    "telnyx envelope": ("telnyx", "CreateCallControlApplication", lambda x: json_changed(x, lambda d: d.update(d.pop("data"))), "id"),
    "telnyx enum": ("telnyx", "CreateCallControlApplication", lambda x: json_changed(x, lambda d: d["data"].update(webhook_api_version="3")),
                    "'3' is not one of"),
    "telnyx type": ("telnyx", "CreateCallControlApplication", lambda x: json_changed(x, lambda d: d["data"].update(active="true")),
                    "'true' is not of type 'boolean'"),
    "telnyx status": ("telnyx", "CreateCallControlApplication", lambda x: replaced(x, status=200), "200"),
    "telnyx paging field": ("telnyx", "ListCallControlApplications", lambda x: json_changed(x, lambda d: rename(d["meta"], "total_pages", "pages")),
                            "pages"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_validator_fails_on_a_wrong_answer(answers, case):
    provider, operation, make_wrong, expected = CASES[case]
    wrong = make_wrong(answers[(provider, operation)])

    problems = contract.check(provider, wrong)

    assert problems, f"{case}: the validator passed a wrong answer"
    assert any(expected in problem for problem in problems), problems


def test_a_sandbox_that_answers_the_old_timeout_name_fails_the_suite():
    """End to end: a sandbox rewritten to answer connection_timeout (what it did before issue 11)."""

    def old_name(exchange):
        if exchange.path.startswith("/v2/applications") and exchange.response_body.startswith(b"{"):
            exchange.response_body = exchange.response_body.replace(b'"connect_timeout"', b'"connection_timeout"')

    sandbox = contract.start_recorded(rewrite=old_name)
    try:
        creds = sandbox.credentials
        voice = {"webhooks": {"event_url": {"address": "https://h.example.com/e", "connect_timeout": 500}}}
        requests.post(f"{sandbox.url}/v2/applications", json={"name": "a", "capabilities": {"voice": voice}},
                      auth=(creds["VONAGE_API_KEY"], creds["VONAGE_API_SECRET"]), timeout=30)
        problems = sandbox.problems("vonage")
    finally:
        sandbox.server.stop()

    assert len(problems) == 1 and "connection_timeout" in problems[0], problems


@pytest.mark.parametrize("provider, method, path, body, content_type, expected", [
    # what the modules sent before issue 11
    ("vonage", "POST", "/v2/applications",
     {"name": "a", "capabilities": {"voice": {"webhooks": {"answer_url": {"address": "https://h.example.com/a", "connection_timeout": 500}}}}},
     "application/json", "connection_timeout"),
    ("vobiz", "POST", "/api/v1/Account/MA_SANDBOX01/Application/1/", {"log_incoming_message": False}, "application/json",
     "log_incoming_message"),
    ("twilio", "POST", "/2010-04-01/Accounts/AC" + "a" * 32 + "/Applications.json", "VoiceMethod=get",
     "application/x-www-form-urlencoded", "'get' is not one of"),
    ("bandwidth", "POST", "/api/accounts/9900000/applications",
     "<Application><AppName>a</AppName><ServiceType>Voice-V2</ServiceType></Application>", "application/xml",
     "out of the specification's order"),
])
def test_the_validator_fails_on_a_wrong_request(provider, method, path, body, content_type, expected):
    data = json.dumps(body).encode() if isinstance(body, dict) else body.encode()
    exchange = contract.Exchange(method, path, "", {"Content-Type": content_type, "Authorization": "Basic eDp5"}, data, status=400,
                                 response_headers={"Content-Type": "application/json"}, response_body=b"{}")

    problems = [problem for problem in contract.check(provider, exchange) if problem.startswith("request")]

    assert any(expected in problem for problem in problems), problems
