"""The sandbox fires events at an application's callbacks the way each provider does, and a
real callback receiver (on loopback) verifies them: method, credentials, signature.

For every provider: each event type arrives verified; then the password is changed at the
provider only (through the sandbox control API) and the same event is refused.
"""

from __future__ import annotations

import threading

import pytest
import requests
from cpaas_module_utils.webhooks import payloads
from werkzeug.serving import make_server

from cpaas_receiver.app import create_app as create_receiver
from cpaas_receiver.config import config_from_dict
from cpaas_sandbox.app import create_app
from cpaas_sandbox.providers.vonage import SIGNATURE_SECRET_DEFAULT as VONAGE_SIGNATURE_SECRET_DEFAULT
from cpaas_sandbox.server import SandboxServer

from .conftest import CREDS

ADMIN = "firing-test-admin-token"
HOOK_USER, HOOK_PASSWORD = "hookuser", "hook-password-1"


class Receiver:
    def __init__(self, tmp_path):
        config = config_from_dict({"admin_token": ADMIN, "endpoints": []}, environ={})
        self.app = create_receiver(config, str(tmp_path / "events.db"))
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.headers = {"Authorization": "Bearer " + ADMIN}

    def expect(self, path, provider, methods=("POST",), kind="answer", basic_auth=None, signing_secret=None):
        body = {"path": path, "provider": provider, "methods": list(methods), "kind": kind}
        if basic_auth:
            body["basic_auth"] = {"username": basic_auth[0], "password": basic_auth[1]}
        if signing_secret:
            body["signing_secret"] = signing_secret
        response = requests.post(self.url + "/api/endpoints", json=body, headers=self.headers, timeout=10)
        assert response.status_code == 201, response.text
        return self.url + path

    def with_user(self, path, password=HOOK_PASSWORD):
        return self.url.replace("http://", "http://%s:%s@" % (HOOK_USER, password)) + path

    def events(self, path):
        response = requests.get(self.url + "/api/events", params={"endpoint": path, "limit": 1000}, headers=self.headers, timeout=10)
        response.raise_for_status()
        return sorted(response.json()["events"], key=lambda event: event["id"])  # oldest first

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(tmp_path):
    server = Receiver(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def sandbox():
    server = SandboxServer(create_app(environ={})).start()
    try:
        yield server
    finally:
        server.stop()


def needs(sandbox, provider):
    providers = requests.get(sandbox.url + "/_sandbox/health", timeout=10).json()["providers"]
    if provider not in providers:
        pytest.skip("the sandbox has no %s API yet" % provider)


def fire(sandbox, provider, app_id, **spec):
    spec.setdefault("timeout", 5)
    response = requests.post("%s/_sandbox/%s/applications/%s/events" % (sandbox.url, provider, app_id), json=spec, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def patch(sandbox, provider, app_id, changes):
    response = requests.patch("%s/_sandbox/%s/applications/%s" % (sandbox.url, provider, app_id), json=changes, timeout=10)
    assert response.status_code == 200, response.text


def auth_users(events):
    return [event.get("auth_user") for event in events]


# ---------------------------------------------------------------- Twilio

def create_twilio(sandbox, **form):
    account = CREDS["TWILIO_ACCOUNT_SID"]
    response = requests.post("%s/2010-04-01/Accounts/%s/Applications.json" % (sandbox.url, account), data=form,
                             auth=(account, CREDS["TWILIO_AUTH_TOKEN"]), timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["sid"]


def test_twilio_events_reach_the_receiver_challenged_signed_and_authenticated(sandbox, receiver):
    token = CREDS["TWILIO_AUTH_TOKEN"]
    auth = (HOOK_USER, HOOK_PASSWORD)
    receiver.expect("/tw/voice", "twilio", basic_auth=auth, signing_secret=token)
    receiver.expect("/tw/status", "twilio", methods=["GET"], kind="status", basic_auth=auth, signing_secret=token)
    receiver.expect("/tw/sms", "twilio", basic_auth=auth, signing_secret=token)
    receiver.expect("/tw/message-status", "twilio", kind="status", signing_secret=token)
    sid = create_twilio(sandbox, FriendlyName="fire", VoiceUrl=receiver.with_user("/tw/voice"),
                        StatusCallback=receiver.with_user("/tw/status"), StatusCallbackMethod="GET",
                        SmsUrl=receiver.with_user("/tw/sms"), MessageStatusCallback=receiver.url + "/tw/message-status")

    for event, path, method in (("incoming-call", "/tw/voice", "POST"), ("call-status", "/tw/status", "GET"),
                                ("incoming-message", "/tw/sms", "POST"), ("message-status", "/tw/message-status", "POST")):
        result = fire(sandbox, "twilio", sid, event=event)
        assert result["delivered"] is True, result
        events = receiver.events(path)
        assert events[-1]["verdict"] == "accepted" and events[-1]["method"] == method
        if path != "/tw/message-status":
            # first without credentials (refused with a challenge), then with them
            assert [a["status"] for a in result["attempts"]] == [401, 200 if path != "/tw/status" else 204]
            assert [e["verdict"] for e in events] == ["unauthorized", "accepted"]
            assert auth_users(events)[-1] == HOOK_USER
        assert HOOK_PASSWORD not in str(result)

    # the password changes at the provider only: the receiver refuses and the firing says so
    patch(sandbox, "twilio", sid, {"voice_url": receiver.with_user("/tw/voice", "changed-at-the-provider")})
    result = fire(sandbox, "twilio", sid, event="incoming-call")
    assert result["delivered"] is False
    assert [a["status"] for a in result["attempts"]] == [401, 401]
    assert receiver.events("/tw/voice")[-1]["verdict"] == "unauthorized"


def test_twilio_falls_back_when_the_primary_fails(sandbox, receiver):
    receiver.expect("/tw/fallback", "twilio", signing_secret=CREDS["TWILIO_AUTH_TOKEN"])
    sid = create_twilio(sandbox, FriendlyName="fallback", VoiceUrl=receiver.url + "/not-configured",
                        VoiceFallbackUrl=receiver.url + "/tw/fallback")

    result = fire(sandbox, "twilio", sid, event="incoming-call")

    assert result["delivered"] is True
    assert [(a["callback"], a["status"]) for a in result["attempts"]] == [("voice_url", 404), ("voice_fallback_url", 200)]


def test_a_wrong_signing_secret_is_caught_by_the_receiver(sandbox, receiver):
    receiver.expect("/tw/voice", "twilio", signing_secret=CREDS["TWILIO_AUTH_TOKEN"])
    sid = create_twilio(sandbox, FriendlyName="sig", VoiceUrl=receiver.url + "/tw/voice")

    result = fire(sandbox, "twilio", sid, event="incoming-call", signing_secret="not-the-auth-token")

    assert result["delivered"] is False and result["attempts"][0]["status"] == 403
    assert receiver.events("/tw/voice")[-1]["verdict"] == "bad_signature"


# ---------------------------------------------------------------- Bandwidth

def bandwidth_xml(fields):
    parts = []
    for tag, value in fields:
        if isinstance(value, dict):
            inner = "".join("<%s>%s</%s>" % (k, v, k) for k, v in value.items())
            parts.append("<%s>%s</%s>" % (tag, inner, tag))
        else:
            parts.append("<%s>%s</%s>" % (tag, value, tag))
    return "<Application>%s</Application>" % "".join(parts)


def create_bandwidth(sandbox, fields):
    response = requests.post("%s/api/accounts/%s/applications" % (sandbox.url, CREDS["BW_ACCOUNT_ID"]),
                             data=bandwidth_xml(fields).encode(), headers={"Content-Type": "application/xml"},
                             auth=(CREDS["BW_USERNAME"], CREDS["BW_PASSWORD"]), timeout=10)
    assert response.status_code == 201, response.text
    return payloads.application_id("bandwidth", {"ApplicationId": response.text.split("<ApplicationId>")[1].split("<")[0]})


def test_bandwidth_messaging_events_carry_the_write_only_password(sandbox, receiver):
    needs(sandbox, "bandwidth")
    auth = (HOOK_USER, HOOK_PASSWORD)
    receiver.expect("/bw/inbound", "bandwidth", kind="status", basic_auth=auth)
    receiver.expect("/bw/outbound", "bandwidth", kind="status", basic_auth=("outuser", "out-password"))
    app_id = create_bandwidth(sandbox, [
        ("ServiceType", "Messaging-V2"), ("AppName", "fire-messaging"),
        ("InboundCallbackUrl", receiver.url + "/bw/inbound"), ("OutboundCallbackUrl", receiver.url + "/bw/outbound"),
        ("InboundCallbackCreds", {"UserId": HOOK_USER, "Password": HOOK_PASSWORD}),
        ("OutboundCallbackCreds", {"UserId": "outuser", "Password": "out-password"}),
    ])

    for event, path in (("message-received", "/bw/inbound"), ("message-delivered", "/bw/outbound"),
                        ("message-failed", "/bw/outbound"), ("message-sending", "/bw/outbound")):
        callback = "inbound_callback_url" if path == "/bw/inbound" else "outbound_callback_url"
        result = fire(sandbox, "bandwidth", app_id, event=event, callback=callback)
        assert result["delivered"] is True, result
        assert [a["status"] for a in result["attempts"]] == [401, 204]
        last = receiver.events(path)[-1]
        assert last["verdict"] == "accepted" and last["method"] == "POST" and last["auth_user"] in (HOOK_USER, "outuser")

    patch(sandbox, "bandwidth", app_id, {"InboundCallbackCreds": {"UserId": HOOK_USER, "Password": "changed-at-the-provider"}})
    result = fire(sandbox, "bandwidth", app_id, event="message-received")
    assert result["delivered"] is False
    assert receiver.events("/bw/inbound")[-1]["verdict"] == "unauthorized"


def test_bandwidth_voice_initiate_and_disconnect(sandbox, receiver):
    needs(sandbox, "bandwidth")
    auth = (HOOK_USER, HOOK_PASSWORD)
    receiver.expect("/bw/initiate", "bandwidth", basic_auth=auth)
    receiver.expect("/bw/status", "bandwidth", kind="status", basic_auth=auth)
    app_id = create_bandwidth(sandbox, [
        ("ServiceType", "Voice-V2"), ("AppName", "fire-voice"),
        ("CallInitiatedCallbackUrl", receiver.url + "/bw/initiate"), ("CallInitiatedMethod", "POST"),
        ("CallStatusCallbackUrl", receiver.url + "/bw/status"), ("CallStatusMethod", "POST"),
        ("CallbackCreds", {"UserId": HOOK_USER, "Password": HOOK_PASSWORD}),
    ])

    initiate = fire(sandbox, "bandwidth", app_id, event="initiate")
    disconnect = fire(sandbox, "bandwidth", app_id, event="disconnect")

    assert initiate["delivered"] and disconnect["delivered"]
    assert initiate["attempts"][-1]["answer"].startswith("HTTP 200 with an XML <Response>")
    assert receiver.events("/bw/initiate")[-1]["verdict"] == "accepted"
    assert receiver.events("/bw/status")[-1]["verdict"] == "accepted"


# ---------------------------------------------------------------- Vobiz

def test_vobiz_events_are_signed_and_authenticated(sandbox, receiver):
    needs(sandbox, "vobiz")
    token = CREDS["VOBIZ_AUTH_TOKEN"]
    receiver.expect("/vz/answer", "vobiz", basic_auth=(HOOK_USER, HOOK_PASSWORD), signing_secret=token)
    receiver.expect("/vz/hangup", "vobiz", kind="status", signing_secret=token)
    receiver.expect("/vz/message", "vobiz", kind="status", methods=["GET"], signing_secret=token)
    headers = {"X-Auth-ID": CREDS["VOBIZ_AUTH_ID"], "X-Auth-Token": token}
    response = requests.post("%s/api/v1/Account/%s/Application/" % (sandbox.url, CREDS["VOBIZ_AUTH_ID"]), headers=headers, timeout=10,
                             json={"app_name": "fire", "answer_url": receiver.with_user("/vz/answer"),
                                   "hangup_url": receiver.url + "/vz/hangup", "message_url": receiver.url + "/vz/message",
                                   "message_method": "GET"})
    assert response.status_code in (200, 201), response.text
    app_id = response.json()["app_id"]

    for event, path, method in (("StartApp", "/vz/answer", "POST"), ("Hangup", "/vz/hangup", "POST"), ("message", "/vz/message", "GET")):
        result = fire(sandbox, "vobiz", app_id, event=event)
        assert result["delivered"] is True, result
        last = receiver.events(path)[-1]
        assert last["verdict"] == "accepted" and last["method"] == method

    patch(sandbox, "vobiz", app_id, {"answer_url": receiver.with_user("/vz/answer", "changed-at-the-provider")})
    result = fire(sandbox, "vobiz", app_id, event="StartApp")
    assert result["delivered"] is False
    assert receiver.events("/vz/answer")[-1]["verdict"] == "unauthorized"


# ---------------------------------------------------------------- Telnyx

def test_telnyx_events_are_signed_with_the_sandbox_key_and_fall_back_to_the_failover_url(sandbox, receiver):
    needs(sandbox, "telnyx")
    public_key = export_value(sandbox, "TELNYX_PUBLIC_KEY")  # what --print-env tells a user to give the receiver
    receiver.expect("/tx/events", "telnyx", kind="status", signing_secret=public_key)
    receiver.expect("/tx/failover", "telnyx", kind="status", signing_secret=public_key)
    headers = {"Authorization": "Bearer " + CREDS["TELNYX_API_KEY"]}
    response = requests.post(sandbox.url + "/v2/call_control_applications", headers=headers, timeout=10,
                             json={"application_name": "fire", "webhook_event_url": receiver.url + "/tx/events",
                                   "webhook_event_failover_url": receiver.url + "/tx/failover", "webhook_api_version": "2"})
    assert response.status_code == 201, response.text
    app_id = response.json()["data"]["id"]

    for event in ("call.initiated", "call.answered", "call.hangup"):
        result = fire(sandbox, "telnyx", app_id, event=event)
        assert result["delivered"] is True and result["attempts"][0]["signed"] is True, result
        last = receiver.events("/tx/events")[-1]
        assert last["verdict"] == "accepted", last
    assert [a["callback"] for a in result["attempts"]] == ["webhook_event_url"]

    # a primary that refuses (here: the signature of another key) falls back to the failover URL
    receiver.expect("/tx/other-key", "telnyx", kind="status", signing_secret="sqraxeLWgHbXb90q87j+Jby4dJtqnIVy6WlFb0HBau0=")
    patch(sandbox, "telnyx", app_id, {"webhook_event_url": receiver.url + "/tx/other-key"})
    result = fire(sandbox, "telnyx", app_id, event="call.hangup", signing_secret="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
    assert [(a["callback"], a["status"]) for a in result["attempts"]] == [("webhook_event_url", 403), ("webhook_event_failover_url", 403)]
    assert receiver.events("/tx/other-key")[-1]["checks"]["signature"]["result"] == "invalid"


def export_value(sandbox, name):
    from cpaas_sandbox.credentials import export_lines

    lines = [line for line in export_lines(sandbox.url, environ={}) if line.startswith("export %s=" % name)]
    return lines[0].split("=", 1)[1]


# ---------------------------------------------------------------- Vonage

def test_vonage_events_are_signed_jwts(sandbox, receiver, monkeypatch):
    needs(sandbox, "vonage")
    monkeypatch.delenv("VONAGE_SIGNATURE_SECRET", raising=False)  # the sandbox's documented default signs
    secret = VONAGE_SIGNATURE_SECRET_DEFAULT
    receiver.expect("/vg/answer", "vonage", methods=["GET"], signing_secret=secret)
    receiver.expect("/vg/event", "vonage", kind="status", signing_secret=secret)
    receiver.expect("/vg/inbound", "vonage", kind="status", signing_secret=secret)
    receiver.expect("/vg/status", "vonage", kind="status", signing_secret=secret)
    body = {"name": "fire", "capabilities": {
        "voice": {"webhooks": {"answer_url": {"address": receiver.url + "/vg/answer", "http_method": "GET"},
                               "event_url": {"address": receiver.url + "/vg/event", "http_method": "POST"}},
                  "signed_callbacks": True},
        "messages": {"webhooks": {"inbound_url": {"address": receiver.url + "/vg/inbound", "http_method": "POST"},
                                  "status_url": {"address": receiver.url + "/vg/status", "http_method": "POST"}}}}}
    response = requests.post(sandbox.url + "/v2/applications", json=body, timeout=10,
                             auth=(CREDS["VONAGE_API_KEY"], CREDS["VONAGE_API_SECRET"]))
    assert response.status_code == 201, response.text
    app_id = response.json()["id"]

    for event, path, method in (("answer", "/vg/answer", "GET"), ("call-event", "/vg/event", "POST"),
                                ("message-inbound", "/vg/inbound", "POST"), ("message-status", "/vg/status", "POST")):
        result = fire(sandbox, "vonage", app_id, event=event)
        assert result["delivered"] is True, result
        last = receiver.events(path)[-1]
        assert last["verdict"] == "accepted" and last["method"] == method

    result = fire(sandbox, "vonage", app_id, event="answer", signing_secret="not-the-secret")
    assert result["delivered"] is False
    assert receiver.events("/vg/answer")[-1]["verdict"] == "bad_signature"


def test_unknown_event_and_callback_are_refused_clearly(sandbox):
    sid = create_twilio(sandbox, FriendlyName="x", VoiceUrl="http://127.0.0.1:9/voice")
    base = "%s/_sandbox/twilio/applications/%s/events" % (sandbox.url, sid)

    bad_event = requests.post(base, json={"event": "nonsense"}, timeout=10)
    no_callback = requests.post(base, json={"event": "incoming-message"}, timeout=10)
    missing = requests.post("%s/_sandbox/twilio/applications/AP%s/events" % (sandbox.url, "0" * 32), json={}, timeout=10)

    assert bad_event.status_code == 400 and "incoming-call" in bad_event.json()["error"]
    assert no_callback.status_code == 409 and "voice_url" in no_callback.json()["error"]
    assert missing.status_code == 404


def test_an_endpoint_that_is_down_is_reported(sandbox):
    sid = create_twilio(sandbox, FriendlyName="down", VoiceUrl="http://127.0.0.1:9/voice")

    result = fire(sandbox, "twilio", sid)

    assert result["delivered"] is False
    assert result["attempts"][0]["status"] is None and "no connection" in result["attempts"][0]["error"]


def test_the_event_types_of_each_provider_are_listed(sandbox):
    for provider in payloads.PROVIDERS:
        listed = requests.get("%s/_sandbox/%s/events" % (sandbox.url, provider), timeout=10).json()["events"]
        assert listed == list(payloads.event_types(provider))
    assert requests.get(sandbox.url + "/_sandbox/acme/events", timeout=10).status_code == 404
