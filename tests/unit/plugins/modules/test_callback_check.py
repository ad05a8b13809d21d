# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""callback_check against real endpoints on loopback: down, slow, 500, accepting any
credentials, answering the wrong body, and good ones (with challenge, signature, NCCO...)."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from ansible_collections.cpaas.callbacks.plugins.module_utils.webhooks import payloads, signatures
from ansible_collections.cpaas.callbacks.plugins.modules import callback_check

TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response><Say>hello</Say></Response>'
NCCO = json.dumps([{"action": "talk", "text": "hello"}]).encode()
USER, PASSWORD = "hooks", "s3cret-hook-pass"
AUTH_TOKEN = "test-twilio-auth-token"
ECHO_USER, ECHO_PASSWORD = "u", "ECHO/PASS:77@x"


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


class Endpoints:
    """A loopback HTTP server whose paths behave as named; records every request."""

    def __init__(self):
        self.requests = []
        endpoints = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body=b"", content_type="text/xml", headers=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                endpoints.requests.append({"path": path, "method": self.command, "headers": dict(self.headers), "body": body,
                                           "url": "http://%s%s" % (self.headers["Host"], self.path)})
                authorized = self.headers.get("Authorization") == basic(USER, PASSWORD)
                challenge = {"WWW-Authenticate": 'Basic realm="hooks"'}
                if path == "/good/voice":
                    if not authorized:
                        return self.answer(401, b"", headers=challenge)
                    return self.answer(200, TWIML)
                if path == "/good/status":
                    return self.answer(204)
                if path == "/signed/voice":
                    url = "http://%s%s" % (self.headers["Host"], self.path)
                    verdict = signatures.twilio_validate(AUTH_TOKEN, url, dict(parse_qsl(body.decode())),
                                                         self.headers.get(signatures.TWILIO_SIGNATURE_HEADER))
                    return self.answer(200, TWIML) if verdict.ok else self.answer(403, b"bad signature")
                if path == "/any/voice":
                    return self.answer(200, TWIML)
                if path == "/nochallenge/voice":
                    return self.answer(200, TWIML) if authorized else self.answer(401, b"")
                if path == "/slow":
                    time.sleep(1.5)
                    return self.answer(200, TWIML)
                if path == "/trickle":
                    # the whole answer, one byte every 0.1 s: each read gets a byte well within any read timeout
                    answer = b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s" % (len(TWIML), TWIML)
                    for index in range(len(answer)):  # bounded: the answer's length
                        try:
                            self.wfile.write(answer[index:index + 1])
                            self.wfile.flush()
                        except OSError:
                            break  # the client gave up
                        time.sleep(0.1)
                    self.close_connection = True
                    return None
                if path == "/echo/voice":
                    # an endpoint that quotes the request back, as a debugging endpoint would
                    padding = int(dict(parse_qsl(urlsplit(self.path).query)).get("pad", 0))
                    text = "x" * padding + "Authorization: %s\nurl-encoded: %s\n" % (self.headers.get("Authorization"), quote(ECHO_PASSWORD, safe=""))
                    text += "".join("%s: %s\n" % item for item in self.headers.items())
                    return self.answer(200, text.encode(), "text/plain")
                if path == "/error":
                    return self.answer(500, b"boom")
                if path == "/html":
                    return self.answer(200, b"<html><body>It works!</body></html>", "text/html")
                if path == "/vonage/answer":
                    return self.answer(200, NCCO, "application/json")
                if path == "/vonage/badanswer":
                    return self.answer(200, b'{"ok": true}', "application/json")
                return self.answer(404, b"")

            do_GET = do_POST = handle_any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def at(self, path):
        return [r for r in self.requests if r["path"] == path]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoints():
    server = Endpoints()
    yield server
    server.stop()


@pytest.fixture
def down_url():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return "http://127.0.0.1:%d/voice" % port


def twilio_app(**urls):
    app = {"sid": "AP" + "1" * 32, "account_sid": "AC" + "2" * 32, "friendly_name": "t", "voice_method": "POST",
           "status_callback_method": "POST", "sms_method": "POST"}
    app.update(urls)
    return app


def check(run_module, provider, application, check_mode=False, **options):
    args = {"provider": provider, "application": application, "timeout": 0.5}
    args.update(options)
    return run_module(callback_check.main, args, check_mode=check_mode)


def problems(result, name):
    entry = next(r for r in result["results"] if r["name"] == name)
    return [p.split(":", 1)[0] for p in entry["problems"]]


def test_good_endpoint_with_challenge_passes_and_refuses_probes(endpoints, run_module):
    url = endpoints.url.replace("http://", "http://%s:%s@" % (USER, "********")) + "/good/voice"
    app = twilio_app(voice_url=url, status_callback=endpoints.url + "/good/status")

    result = check(run_module, "twilio", app, callback_password=PASSWORD)

    assert "failed" not in result and result["callbacks_failed"] == 0, result
    assert result["callbacks_passed"] == 2 and result["changed"] is False
    voice = result["results"][0]
    assert voice["url"] == endpoints.url.replace("http://", "http://hooks:********@") + "/good/voice"
    assert [c["check"] for c in voice["checks"]] == ["no_credentials", "wrong_credentials", "event"]
    assert [c["status"] for c in voice["checks"]] == [401, 401, 200]
    assert isinstance(voice["latency_ms"], float)
    sent = endpoints.at("/good/voice")
    assert [r["headers"].get("Authorization") for r in sent] == [
        None, basic(USER, "callback-check-wrong-password"), basic(USER, PASSWORD)]
    assert all(r["method"] == "POST" and r["headers"]["X-Cpaas-Callback-Check"] == result["run_id"] for r in sent)
    assert dict(parse_qsl(sent[-1]["body"].decode()))["CallStatus"] == "ringing"
    assert PASSWORD not in json.dumps(result)


def test_get_method_sends_parameters_in_the_query(endpoints, run_module):
    app = twilio_app(status_callback=endpoints.url + "/good/status", status_callback_method="GET")

    result = check(run_module, "twilio", app)

    assert result["callbacks_passed"] == 1
    sent = endpoints.at("/good/status")[0]
    assert sent["method"] == "GET" and sent["body"] == b""
    assert "CallStatus=completed" in sent["url"]


def test_signature_is_sent_when_the_auth_token_is_given(endpoints, run_module):
    app = twilio_app(voice_url=endpoints.url + "/signed/voice")

    assert check(run_module, "twilio", app, signing_secret=AUTH_TOKEN)["callbacks_passed"] == 1
    failed = check(run_module, "twilio", app, signing_secret="another-token")
    assert failed["callbacks_failed"] == 1 and problems(failed, "voice_url") == ["bad_status"]


def test_endpoint_that_is_down(down_url, run_module):
    result = check(run_module, "twilio", twilio_app(voice_url=down_url))

    assert result["failed"] is True and result["callbacks_failed"] == 1 and "1 of 1 callback(s) failed" in result["msg"]
    assert problems(result, "voice_url") == ["unreachable"]


def test_slow_endpoint_times_out(endpoints, run_module):
    result = check(run_module, "twilio", twilio_app(voice_url=endpoints.url + "/slow"))

    assert problems(result, "voice_url") == ["timeout"]


def test_timeout_is_a_deadline_for_the_whole_answer(endpoints, run_module):
    """An answer trickled a byte at a time never trips a per-read timeout; it must trip this one."""
    result = check(run_module, "twilio", twilio_app(voice_url=endpoints.url + "/trickle"), timeout=2)

    assert problems(result, "voice_url") == ["timeout"]
    assert "whole request" in result["results"][0]["problems"][0]


@pytest.mark.parametrize("padding", [0, 165, 178])  # the base64 whole, or cut where the quote ends
def test_an_echoed_credential_is_masked_in_every_encoded_form(endpoints, run_module, padding):
    """The wrong_body detail quotes the answer; an endpoint echoing the request puts the basic-auth
    header (base64 of user:password) and a URL-encoded password in it, also where the quote is cut."""
    url = endpoints.url.replace("http://", "http://%s:%s@" % (ECHO_USER, quote(ECHO_PASSWORD, safe=""))) + "/echo/voice?pad=%d" % padding

    result = check(run_module, "twilio", twilio_app(voice_url=url), check_refusal=False)

    assert problems(result, "voice_url") == ["wrong_body"]
    sent = endpoints.at("/echo/voice")[-1]["headers"]["Authorization"]
    encoded = sent.split(" ", 1)[1]
    assert sent == basic(ECHO_USER, ECHO_PASSWORD)
    text = json.dumps(result)
    forms = [ECHO_PASSWORD, quote(ECHO_PASSWORD, safe=""), quote(ECHO_PASSWORD), encoded, encoded.rstrip("=")]
    leaked = [form for form in forms if form in text]
    # and no long piece of the base64 either (a quote cut in the middle of it)
    leaked += [encoded[start:start + 8] for start in range(0, len(encoded) - 8) if encoded[start:start + 8] in text]
    assert not leaked, text
    assert "Basic *" in result["results"][0]["problems"][0]  # masked (the mask itself may be cut)


def test_endpoint_answering_500(endpoints, run_module):
    result = check(run_module, "twilio", twilio_app(voice_url=endpoints.url + "/error"))

    assert problems(result, "voice_url") == ["bad_status"]
    assert "HTTP 500" in result["results"][0]["problems"][0]


def test_endpoint_accepting_any_credentials_is_a_finding(endpoints, run_module):
    url = endpoints.url.replace("http://", "http://%s:%s@" % (USER, PASSWORD)) + "/any/voice"

    result = check(run_module, "twilio", twilio_app(voice_url=url))

    assert problems(result, "voice_url") == ["accepts_missing_credentials", "accepts_wrong_credentials"]
    # the real event was still answered well: only the refusals failed
    assert result["results"][0]["checks"][-1]["ok"] is True


def test_401_without_challenge_is_a_finding_for_twilio(endpoints, run_module):
    url = endpoints.url + "/nochallenge/voice"

    result = check(run_module, "twilio", twilio_app(voice_url=url),
                   callback_credentials={"voice_url": {"username": USER, "password": PASSWORD}})

    assert problems(result, "voice_url") == ["no_challenge"]


def test_wrong_body_for_an_answer_url(endpoints, run_module):
    result = check(run_module, "twilio", twilio_app(voice_url=endpoints.url + "/html", sms_url=endpoints.url + "/good/status"))

    assert problems(result, "voice_url") == ["wrong_body"]
    assert "sms_url" not in [r["name"] for r in result["results"] if r["outcome"] == "failed"]  # empty 2xx is fine for SMS


def test_vonage_answer_needs_an_ncco(endpoints, run_module):
    app = {"id": "5b4f3c2a-0000-4000-8000-000000000000", "name": "v", "capabilities": {"voice": {"webhooks": {
        "answer_url": {"address": endpoints.url + "/vonage/answer", "http_method": "GET"},
        "fallback_answer_url": {"address": endpoints.url + "/vonage/badanswer", "http_method": "POST"},
        "event_url": {"address": endpoints.url + "/good/status", "http_method": "POST"}}}}}

    result = check(run_module, "vonage", app, report_only=True)

    assert result["callbacks_failed"] == 1 and "msg" not in result and "failed" not in result
    assert problems(result, "voice.fallback_answer_url") == ["wrong_body"]
    answer = endpoints.at("/vonage/answer")[0]
    assert answer["method"] == "GET" and "conversation_uuid=" in answer["url"]


def test_missing_password_fails_before_sending(endpoints, run_module):
    app = {"application_id": "a1", "service_type": "Messaging-V2", "inbound_callback_url": endpoints.url + "/good/voice",
           "inbound_callback_creds": {"user_id": USER}}

    result = check(run_module, "bandwidth", app)

    assert problems(result, "inbound_callback_url") == ["no_password"]
    assert endpoints.requests == []


def test_bandwidth_credentials_by_credentials_field(endpoints, run_module):
    app = {"application_id": "a1", "service_type": "Messaging-V2", "inbound_callback_url": endpoints.url + "/good/voice",
           "inbound_callback_creds": {"user_id": USER}}

    result = check(run_module, "bandwidth", app, callback_credentials={"inbound_callback_creds": {"username": USER, "password": PASSWORD}})

    assert result["callbacks_passed"] == 1, result
    sent = endpoints.at("/good/voice")[-1]
    event = json.loads(sent["body"])
    assert isinstance(event, list) and event[0]["type"] == "message-received"
    assert sent["headers"]["Content-Type"].startswith("application/json")


def test_check_mode_sends_nothing_and_says_what_it_would_send(endpoints, run_module):
    url = endpoints.url.replace("http://", "http://%s:%s@" % (USER, PASSWORD)) + "/good/voice"

    result = check(run_module, "twilio", twilio_app(voice_url=url), check_mode=True)

    assert endpoints.requests == []
    entry = result["results"][0]
    assert entry["outcome"] == "would_send"
    assert [c["check"] for c in entry["checks"]] == ["no_credentials", "wrong_credentials", "event"]
    assert entry["checks"][-1]["would_send"]["method"] == "POST"
    assert PASSWORD not in json.dumps(result)


def test_unknown_callback_name_fails_clearly(endpoints, run_module):
    result = check(run_module, "twilio", twilio_app(voice_url=endpoints.url + "/good/voice"), callbacks=["sms_url"])

    assert result["failed"] is True and "sms_url not configured" in result["msg"]


@pytest.mark.parametrize("provider", payloads.PROVIDERS)
def test_every_event_type_builds(provider):
    for event in payloads.event_types(provider):
        prepared = payloads.build_event(provider, event, "http://127.0.0.1:9/hook", "POST", {"application_id": "x"})
        assert prepared.body


def test_passwords_come_from_the_configured_options(endpoints, run_module):
    masked = endpoints.url.replace("http://", "http://%s:********@" % USER) + "/good/voice"
    configured = {"friendly_name": "t", "voice_url": endpoints.url.replace("http://", "http://%s:%s@" % (USER, PASSWORD)) + "/good/voice"}

    result = check(run_module, "twilio", twilio_app(voice_url=masked), configured=configured)

    assert result["callbacks_passed"] == 1, result
    assert PASSWORD not in json.dumps(result)


def test_bandwidth_password_from_configured_creds(endpoints, run_module):
    app = {"application_id": "a1", "service_type": "Voice-V2", "call_initiated_callback_url": endpoints.url + "/good/voice",
           "callback_creds": {"user_id": USER}}
    configured = {"app_name": "b", "callback_creds": {"user_id": USER, "password": PASSWORD}}

    result = check(run_module, "bandwidth", app, configured=configured)

    # a TwiML <Response> is also a BXML <Response>
    assert result["callbacks_passed"] == 1, result


@pytest.fixture
def receiver(tmp_path):
    from werkzeug.serving import make_server

    from cpaas_receiver.app import create_app
    from cpaas_receiver.config import config_from_dict

    app = create_app(config_from_dict({"admin_token": "receiver-admin-token", "endpoints": []}, environ={}), str(tmp_path / "events.db"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_port
    server.shutdown()
    server.server_close()


def test_receiver_registers_the_endpoints_and_confirms_what_arrived(receiver, run_module):
    app = twilio_app(voice_url=receiver.replace("http://", "http://%s:********@" % USER) + "/tw/voice",
                     status_callback=receiver + "/tw/status")

    result = check(run_module, "twilio", app, callback_password=PASSWORD, signing_secret=AUTH_TOKEN,
                   receiver_url=receiver, receiver_token="receiver-admin-token", timeout=5)

    assert result["callbacks_passed"] == 2, result
    voice = result["results"][0]
    assert voice["checks"][-1]["check"] == "receiver" and voice["checks"][-1]["ok"] is True
    assert voice["checks"][-1]["verdicts"] == {"no_credentials": "unauthorized", "wrong_credentials": "unauthorized", "event": "accepted"}
    assert result["summary"][0].endswith("; refused no credentials, a wrong password; confirmed by the receiver)")


def test_a_wrong_receiver_token_says_that_registration_was_refused_with_401(receiver, run_module):
    app = twilio_app(voice_url=receiver.replace("http://", "http://%s:********@" % USER) + "/tw/voice")

    result = check(run_module, "twilio", app, callback_password=PASSWORD, receiver_url=receiver,
                   receiver_token="not-the-receiver-token", timeout=5)

    assert problems(result, "voice_url") == ["receiver_error"]
    problem = result["results"][0]["problems"][0]
    assert "registration" in problem and "refused with HTTP 401" in problem and "receiver_token" in problem
    assert "not-the-receiver-token" not in json.dumps(result)


def test_receiver_expecting_another_password_is_a_failure(receiver, run_module):
    import requests

    requests.post(receiver + "/api/endpoints", headers={"Authorization": "Bearer receiver-admin-token"}, timeout=5,
                  json={"path": "/tw/voice", "provider": "twilio", "basic_auth": {"username": USER, "password": "what-the-receiver-expects"}})
    app = twilio_app(voice_url=receiver + "/tw/voice")

    result = check(run_module, "twilio", app, callback_credentials={"default": {"username": USER, "password": PASSWORD}},
                   receiver_url=receiver, receiver_token="receiver-admin-token", timeout=5)

    assert problems(result, "voice_url") == ["bad_status"]
    assert result["results"][0]["checks"][-1]["status"] == 401


def test_signature_refusal_probe(endpoints, run_module):
    checking = check(run_module, "twilio", twilio_app(voice_url=endpoints.url + "/signed/voice"),
                     signing_secret=AUTH_TOKEN, check_signature_refusal=True)
    not_checking = check(run_module, "twilio", twilio_app(voice_url=endpoints.url + "/any/voice"),
                         signing_secret=AUTH_TOKEN, check_signature_refusal=True)

    assert checking["callbacks_passed"] == 1, checking
    assert [c["check"] for c in checking["results"][0]["checks"]] == ["wrong_signature", "event"]
    assert checking["results"][0]["checks"][0]["status"] == 403
    assert problems(not_checking, "voice_url") == ["accepts_bad_signature"]


def test_an_event_the_method_cannot_carry_fails_clearly(endpoints, run_module):
    app = {"application_id": "a1", "service_type": "Voice-V2", "call_initiated_callback_url": endpoints.url + "/good/status",
           "call_initiated_method": "GET"}

    result = check(run_module, "bandwidth", app, events={"call_initiated_callback_url": "message-delivered"})

    assert result["failed"] is True and "cannot be sent with GET" in result["msg"]
    assert endpoints.requests == []


def test_an_application_without_callbacks_is_a_warning(run_module):
    result = check(run_module, "vobiz", {"app_id": "1", "app_name": "empty"})

    assert result["results"] == [] and result["callbacks_failed"] == 0
    assert "nothing to check" in json.dumps(result["warnings"])


# ---------------------------------------------------------------- Telnyx (a key pair, not a shared secret)

TELNYX_PRIVATE = base64.b64encode(bytes(range(1, 33))).decode("ascii")


def telnyx_app(url, failover=None):
    return {"id": "1293384261075731499", "application_name": "t", "webhook_event_url": url,
            "webhook_event_failover_url": failover or "", "record_type": "call_control_application"}


def test_telnyx_events_are_signed_with_signing_key_and_the_receiver_holds_its_public_key(receiver, run_module):
    result = check(run_module, "telnyx", telnyx_app(receiver + "/tx/events", receiver + "/tx/failover"), signing_key=TELNYX_PRIVATE,
                   check_signature_refusal=True, receiver_url=receiver, receiver_token="receiver-admin-token", timeout=5)

    assert result["callbacks_passed"] == 2, result
    events = result["results"][0]
    assert events["signed"] is True and events["event"] == "call.initiated"
    assert events["checks"][-1]["verdicts"] == {"wrong_signature": "bad_signature", "event": "accepted"}
    import requests

    registered = requests.get(receiver + "/api/endpoints", headers={"Authorization": "Bearer receiver-admin-token"}, timeout=5).json()
    # the receiver verified with the public half (its verdicts above), and never saw the private key
    assert TELNYX_PRIVATE not in json.dumps(registered) and TELNYX_PRIVATE not in json.dumps(result)
    assert {entry["path"] for entry in registered["endpoints"] if entry["provider"] == "telnyx"} == {"/tx/events", "/tx/failover"}


@pytest.mark.parametrize("options, words", [
    ({"signing_secret": "a-shared-secret"}, ["Telnyx signs webhooks with a key pair", "signing_key"]),
    ({"signing_key": "not base64!"}, ["signing_key", "base64"]),
    ({"signing_key": base64.b64encode(b"x" * 16).decode()}, ["signing_key", "32 bytes"]),
])
def test_telnyx_signing_input_is_refused_before_any_request(endpoints, run_module, options, words):
    result = check(run_module, "telnyx", telnyx_app(endpoints.url + "/good/status"), **options)

    assert result["failed"] is True and all(word in result["msg"] for word in words), result["msg"]
    assert endpoints.requests == []


def test_signing_key_is_refused_for_a_provider_with_a_shared_secret(endpoints, run_module):
    result = check(run_module, "twilio", twilio_app(status_callback=endpoints.url + "/good/status"), signing_key=TELNYX_PRIVATE)

    assert result["failed"] is True and "signing_key" in result["msg"] and "telnyx" in result["msg"]
    assert endpoints.requests == []


def test_a_telnyx_key_without_cryptography_fails_naming_the_package(endpoints, run_module, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_cryptography(name, *args, **kwargs):
        if name.startswith("cryptography"):
            raise ImportError("No module named 'cryptography'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cryptography)
    result = check(run_module, "telnyx", telnyx_app(endpoints.url + "/good/status"), signing_key=TELNYX_PRIVATE)

    assert result["failed"] is True and "cryptography" in result["msg"]
    assert endpoints.requests == []
