# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""webhooks/payloads.py: the callbacks of an application (canonical and wire forms), the
events' shapes, signatures applied to them, and the answer checks."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from ansible_collections.cpaas.callbacks.plugins.module_utils.webhooks import payloads, signatures


def names(callbacks):
    return [(cb.name, cb.method, cb.event, cb.answer) for cb in callbacks]


def test_twilio_callbacks_with_methods_and_fallbacks():
    app = {"sid": "AP1", "voice_url": "https://u:p@h/voice", "voice_method": "GET", "voice_fallback_url": "https://h/fb",
           "status_callback": "https://h/status", "sms_url": None, "message_status_callback": "https://h/ms"}

    found = payloads.callbacks("twilio", app)

    assert names(found) == [
        ("voice_url", "GET", "incoming-call", "twiml"),
        ("voice_fallback_url", "POST", "incoming-call", "twiml"),
        ("status_callback", "POST", "call-status", "any_2xx"),
        ("message_status_callback", "POST", "message-status", "any_2xx"),
    ]
    assert found[0].username == "u" and found[0].fallback == "voice_fallback_url" and found[1].primary == "voice_url"


def test_bandwidth_wire_record_and_canonical_form_agree():
    wire = {"ApplicationId": "a", "ServiceType": "Voice-V2", "CallInitiatedCallbackUrl": "https://h/i", "CallInitiatedMethod": "GET",
            "CallStatusCallbackUrl": "https://h/s", "CallbackCreds": {"UserId": "bw", "Password": "secret"}}
    canonical = {"application_id": "a", "service_type": "Voice-V2", "call_initiated_callback_url": "https://h/i",
                 "call_initiated_method": "GET", "call_status_callback_url": "https://h/s", "callback_creds": {"user_id": "bw"}}

    assert names(payloads.callbacks("bandwidth", wire)) == names(payloads.callbacks("bandwidth", canonical)) == [
        ("call_initiated_callback_url", "GET", "initiate", "bxml"), ("call_status_callback_url", "POST", "disconnect", "any_2xx")]
    assert {cb.username for cb in payloads.callbacks("bandwidth", wire)} == {"bw"}
    assert payloads.callbacks("bandwidth", wire)[0].credentials_key == "callback_creds"


def test_bandwidth_messaging_callbacks():
    app = {"service_type": "Messaging-V2", "inbound_callback_url": "https://h/in", "outbound_callback_url": "https://h/out",
           "outbound_callback_creds": {"user_id": "o"}}

    found = payloads.callbacks("bandwidth", app)

    assert [(cb.name, cb.event, cb.username) for cb in found] == [
        ("inbound_callback_url", "message-received", None), ("outbound_callback_url", "message-delivered", "o")]
    assert "message-failed" in found[1].events


def test_vonage_capabilities():
    app = {"id": "x", "capabilities": {
        "voice": {"webhooks": {"answer_url": {"address": "https://h/a", "http_method": "GET"},
                               "event_url": {"address": "https://h/e", "http_method": "POST"}}, "signed_callbacks": False},
        "messages": {"webhooks": {"inbound_url": {"address": "https://h/in", "http_method": "POST"}}},
        "rtc": {"webhooks": {"event_url": {"address": "https://h/rtc", "http_method": "POST"}}},
        "vbc": {}}}

    found = payloads.callbacks("vonage", app)

    assert names(found) == [("voice.answer_url", "GET", "answer", "ncco"), ("voice.event_url", "POST", "call-event", "any_2xx"),
                            ("messages.inbound_url", "POST", "message-inbound", "any_2xx"), ("rtc.event_url", "POST", "rtc-event", "any_2xx")]
    assert [cb.signed for cb in found] == [False, False, True, False]


def test_vobiz_callbacks():
    app = {"app_id": "1", "answer_url": "https://h/a", "answer_method": "GET", "hangup_url": "https://h/h", "message_url": ""}

    assert names(payloads.callbacks("vobiz", app)) == [("answer_url", "GET", "StartApp", "vobiz_xml"), ("hangup_url", "POST", "Hangup", "any_2xx")]


def test_unknown_provider_is_refused():
    with pytest.raises(ValueError, match="unknown provider"):
        payloads.callbacks("acme", {})


def test_twilio_form_event_is_signed_over_url_and_parameters():
    prepared = payloads.build_event("twilio", "incoming-call", "https://h.example/voice", "POST", {"account_sid": "AC1"})
    payloads.sign_event(prepared, "token")

    params = dict(parse_qsl(prepared.body.decode(), keep_blank_values=True))
    assert prepared.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert params["AccountSid"] == "AC1" and params["CallStatus"] == "ringing"
    assert signatures.twilio_validate("token", prepared.url, params, prepared.headers["X-Twilio-Signature"]).ok


def test_twilio_get_event_is_signed_over_the_url_with_its_query():
    prepared = payloads.build_event("twilio", "call-status", "https://h.example/status?x=1", "GET")
    payloads.sign_event(prepared, "token")

    assert prepared.body == b"" and "CallStatus=completed" in prepared.url and prepared.url.startswith("https://h.example/status?x=1&")
    assert signatures.twilio_validate("token", prepared.url, {}, prepared.headers["X-Twilio-Signature"]).ok


def test_bandwidth_messaging_events_are_json_arrays():
    for event in ("message-received", "message-delivered", "message-failed", "message-sending"):
        prepared = payloads.build_event("bandwidth", event, "https://h/cb", "POST", {"application_id": "app"})
        document = json.loads(prepared.body)
        assert isinstance(document, list) and document[0]["type"] == event
        assert document[0]["message"]["applicationId"] == "app"
    assert json.loads(payloads.build_event("bandwidth", "message-failed", "https://h/cb").body)[0]["errorCode"] == 4432


def test_vonage_answer_by_get_and_signed_json_event():
    answer = payloads.build_event("vonage", "answer", "https://h/answer", "GET")
    query = dict(parse_qsl(urlsplit(answer.url).query))
    assert {"to", "from", "uuid", "conversation_uuid"} <= set(query)

    event = payloads.build_event("vonage", "message-status", "https://h/status", "POST")
    payloads.sign_event(event, "vonage-secret", api_key="key")
    assert signatures.vonage_verify("vonage-secret", event.headers["Authorization"], event.body).ok


def test_vobiz_event_carries_v2_and_v3_signatures():
    prepared = payloads.build_event("vobiz", "Hangup", "https://h/hangup?a=1", "POST")
    payloads.sign_event(prepared, "vobiz-token")

    assert dict(parse_qsl(prepared.body.decode(), keep_blank_values=True))["Event"] == "Hangup"
    assert signatures.vobiz_validate("vobiz-token", prepared.url, prepared.headers).ok


def test_json_array_events_cannot_go_by_get():
    with pytest.raises(ValueError, match="cannot be sent with GET"):
        payloads.build_event("bandwidth", "message-delivered", "https://h/cb", "GET")


@pytest.mark.parametrize("answer, status, body, ok", [
    ("twiml", 200, b"<Response><Say>hi</Say></Response>", True),
    ("twiml", 200, b"<Response/>", True),
    ("twiml", 200, b"", False),
    ("twiml", 200, b"<html>no</html>", False),
    ("twiml", 500, b"<Response/>", False),
    ("twiml_or_empty", 204, b"", True),
    ("bxml", 200, b"<Bxml><SpeakSentence>hi</SpeakSentence></Bxml>", True),
    ("ncco", 200, b'[{"action": "talk", "text": "hi"}]', True),
    ("ncco", 200, b"[]", False),
    ("ncco", 200, b'{"action": "talk"}', False),
    ("vobiz_xml", 200, b"<Response><Speak>hi</Speak></Response>", True),
    ("vobiz_xml", 200, b'<!DOCTYPE x [<!ENTITY a "b">]><Response>&a;</Response>', False),
    ("any_2xx", 204, b"", True),
    ("any_2xx", 302, b"", False),
])
def test_check_answer(answer, status, body, ok):
    assert payloads.check_answer(answer, status, "text/xml", body)[0] is ok
