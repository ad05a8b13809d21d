"""Every verdict of the receiver, with real requests through the Flask app."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from cpaas_module_utils.webhooks import signatures as sig

from .conftest import basic, bearer

PUBLIC = "https://hooks.example.com"
FORM = {"CallSid": "CA1234567890ABCDE", "From": "+14155550100", "To": "+14155550199", "CallStatus": "ringing"}
TW_AUTH = basic("twuser", "twpass")


def twilio_form(receiver, path, params, signed_url, token="12345", headers=None, **kwargs):  # noqa: S107
    headers = dict(headers or {})
    headers.setdefault("X-Twilio-Signature", sig.twilio_signature(token, signed_url, params))
    return receiver.client.post(path, data=urlencode(params), content_type="application/x-www-form-urlencoded", headers=headers, **kwargs)


# ------------------------------------------------------------------ method


def test_wrong_method_is_405_and_recorded(receiver):
    response = receiver.client.get("/generic")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"POST", "PUT"}
    event = receiver.last_event()
    assert event["verdict"] == "method_not_allowed"
    assert event["checks"]["method"] == {"ok": False, "result": "not_allowed", "received": "GET", "allowed": ["POST", "PUT"]}


def test_right_method_generic_is_200(receiver):
    assert receiver.client.put("/generic", data=b"hello").status_code == 200
    assert receiver.last_event()["verdict"] == "accepted"


# ------------------------------------------------------------------ basic auth


def test_no_credentials_get_a_basic_challenge_with_realm(receiver):
    response = receiver.client.post("/bandwidth/voice", json={"eventType": "initiate"})
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Basic ") and 'realm="' in challenge
    event = receiver.last_event()
    assert event["verdict"] == "unauthorized"
    assert event["checks"]["auth"]["result"] == "missing"
    assert event["auth_user"] is None


def test_wrong_password_is_401_and_the_user_name_is_kept(receiver):
    response = receiver.client.post("/bandwidth/voice", json={"eventType": "initiate"}, headers={"Authorization": basic("bwuser", "nope")})
    assert response.status_code == 401
    assert "realm=" in response.headers["WWW-Authenticate"]
    event = receiver.last_event()
    assert event["checks"]["auth"]["result"] == "wrong"
    assert event["auth_user"] == "bwuser"


def test_wrong_user_is_401(receiver):
    response = receiver.client.post("/bandwidth/voice", json={}, headers={"Authorization": basic("someone", "bw-pass")})
    assert response.status_code == 401
    assert receiver.last_event()["checks"]["auth"]["detail"] == "unknown user name"


def test_garbage_authorization_is_401(receiver):
    response = receiver.client.post("/bandwidth/voice", json={}, headers={"Authorization": "Basic !!!notbase64"})
    assert response.status_code == 401


def test_right_credentials_bandwidth_voice_gets_empty_bxml(receiver):
    body = {"eventType": "initiate", "callId": "c-1", "from": "+15551230000", "to": "+15559870000"}
    response = receiver.client.post("/bandwidth/voice", json=body, headers={"Authorization": basic("bwuser", "bw-pass")})
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.data.strip().endswith(b"<Response/>")
    event = receiver.last_event()
    assert event["verdict"] == "accepted"
    assert event["auth_user"] == "bwuser"
    assert json.loads(event["body_text"]) == body


def test_password_is_never_stored_or_shown(receiver, tmp_path):
    receiver.client.post("/bandwidth/voice", json={}, headers={"Authorization": basic("bwuser", "bw-pass")})
    receiver.client.post("/bandwidth/voice", json={}, headers={"Authorization": basic("bwuser", "guess-secret")})
    headers = dict(receiver.last_event()["headers"])
    assert headers["Authorization"] == "Basic [redacted; user name: bwuser]"
    raw_db = b"".join(p.read_bytes() for p in tmp_path.glob("events.db*"))
    for secret in (b"bw-pass", b"guess-secret", b"twpass", b"12345", b"vonage-signature-secret", b"vobiz-auth-token"):
        assert secret not in raw_db
    api = receiver.client.get("/api/endpoints", headers=bearer()).get_data()
    assert b"bw-pass" not in api and b"vonage-signature-secret" not in api


# ------------------------------------------------------------------ Twilio


def test_twilio_challenge_first_then_signed_request_with_credentials(make_receiver):
    receiver = make_receiver(public_base_url=PUBLIC)
    url = PUBLIC + "/twilio/voice"
    first = twilio_form(receiver, "/twilio/voice", FORM, url)  # Twilio sends no credentials first
    assert first.status_code == 401 and "realm=" in first.headers["WWW-Authenticate"]
    second = twilio_form(receiver, "/twilio/voice", FORM, url, headers={"Authorization": TW_AUTH})
    assert second.status_code == 200
    assert second.mimetype == "application/xml"
    assert b"<Response/>" in second.data
    event = receiver.last_event()
    assert event["verdict"] == "accepted"
    assert event["checks"]["signature"]["result"] == "valid"
    assert event["checks"]["signature"]["form"] == "parameters"


def test_twilio_tampered_parameter_is_403(make_receiver):
    receiver = make_receiver(public_base_url=PUBLIC)
    url = PUBLIC + "/twilio/voice"
    signature = sig.twilio_signature("12345", url, FORM)
    response = twilio_form(receiver, "/twilio/voice", dict(FORM, To="+19005550000"), url,
                           headers={"Authorization": TW_AUTH, "X-Twilio-Signature": signature})
    assert response.status_code == 403
    event = receiver.last_event()
    assert event["verdict"] == "bad_signature"
    assert event["checks"]["signature"]["result"] == "invalid"


def test_twilio_missing_signature_is_403(make_receiver):
    receiver = make_receiver(public_base_url=PUBLIC)
    response = receiver.client.post("/twilio/status", data=FORM)
    assert response.status_code == 403
    assert receiver.last_event()["checks"]["signature"]["result"] == "missing"


def test_twilio_wrong_token_is_403(make_receiver):
    receiver = make_receiver(public_base_url=PUBLIC)
    assert twilio_form(receiver, "/twilio/status", FORM, PUBLIC + "/twilio/status", token="54321").status_code == 403


@pytest.mark.parametrize("signed_url", [
    PUBLIC + "/twilio/status?leg=a",
    "https://hooks.example.com:443/twilio/status?leg=a",
])
def test_twilio_with_and_without_default_port_behind_public_base_url(make_receiver, signed_url):
    receiver = make_receiver(public_base_url=PUBLIC)
    # the request reaches the receiver at an internal address, as behind a proxy
    response = twilio_form(receiver, "/twilio/status?leg=a", FORM, signed_url, base_url="http://10.0.0.5:8780")
    assert response.status_code == 204
    event = receiver.last_event()
    assert event["url"] == PUBLIC + "/twilio/status?leg=a"
    assert event["checks"]["signature"]["result"] == "valid"


def test_twilio_signed_for_the_internal_url_is_refused_behind_public_base_url(make_receiver):
    receiver = make_receiver(public_base_url=PUBLIC)
    response = twilio_form(receiver, "/twilio/status", FORM, "http://10.0.0.5:8780/twilio/status", base_url="http://10.0.0.5:8780")
    assert response.status_code == 403


def test_twilio_without_public_base_url_uses_the_request_url_with_its_port(receiver):
    response = twilio_form(receiver, "/twilio/status", FORM, "http://127.0.0.1:8780/twilio/status", base_url="http://127.0.0.1:8780")
    assert response.status_code == 204
    # the SDK's validator also accepts the URL without the port
    response = twilio_form(receiver, "/twilio/status", FORM, "http://127.0.0.1/twilio/status", base_url="http://127.0.0.1:8780")
    assert response.status_code == 204


def test_twilio_get_callback_signs_the_url_with_its_query(make_receiver):
    receiver = make_receiver(public_base_url=PUBLIC)
    query = urlencode(FORM)
    url = PUBLIC + "/twilio/status?" + query
    response = receiver.client.get("/twilio/status?" + query, headers={"X-Twilio-Signature": sig.twilio_signature("12345", url)})
    assert response.status_code == 204


def test_twilio_json_body_with_body_sha256(make_receiver):
    receiver = make_receiver(public_base_url=PUBLIC)
    body = json.dumps({"CallSid": "CA1", "Status": "completed"}).encode()
    url = sig.twilio_url_with_body_hash(PUBLIC + "/twilio/status", body)
    path = url[len(PUBLIC):]
    good = receiver.client.post(path, data=body, content_type="application/json", headers={"X-Twilio-Signature": sig.twilio_signature("12345", url)})
    assert good.status_code == 204
    event = receiver.last_event()
    assert event["checks"]["signature"]["form"] == "bodySHA256"
    assert event["checks"]["signature"]["result"] == "valid"
    changed = receiver.client.post(path, data=body.replace(b"completed", b"failed"), content_type="application/json",
                                   headers={"X-Twilio-Signature": sig.twilio_signature("12345", url)})
    assert changed.status_code == 403
    assert receiver.last_event()["checks"]["signature"]["result"] == "body_mismatch"


def test_twilio_hmac_sha256_settings_header(make_receiver):
    receiver = make_receiver(public_base_url=PUBLIC)
    url = PUBLIC + "/twilio/status"
    headers = {"X-Twilio-Signature": sig.twilio_signature("12345", url, FORM, algorithm="HMAC_SHA256"),
               "X-Twilio-Webhooks-Signature-Settings": "key=KS0001,algorithm=HMAC_SHA256"}
    assert twilio_form(receiver, "/twilio/status", FORM, url, headers=headers).status_code == 204
    del headers["X-Twilio-Webhooks-Signature-Settings"]
    assert twilio_form(receiver, "/twilio/status", FORM, url, headers=headers).status_code == 403


# ------------------------------------------------------------------ Vonage


def vonage_post(receiver, path, body, secret="vonage-signature-secret", sent_body=None):  # noqa: S107
    token = sig.vonage_jwt_sign(secret, sig.vonage_signed_claims(body, api_key="abcd1234", application_id="app-1"))
    return receiver.client.post(path, data=sent_body if sent_body is not None else body, content_type="application/json",
                                headers={"Authorization": "Bearer " + token})


def test_vonage_signed_answer_gets_an_ncco(receiver):
    body = json.dumps({"from": "447700900000", "to": "447700900001", "uuid": "u-1"}).encode()
    response = vonage_post(receiver, "/vonage/answer", body)
    assert response.status_code == 200
    ncco = response.get_json()
    assert isinstance(ncco, list) and ncco and all("action" in action for action in ncco)
    event = receiver.last_event()
    assert event["verdict"] == "accepted"
    assert event["checks"]["signature"]["claims"]["api_key"] == "abcd1234"
    assert dict(event["headers"])["Authorization"] == "Bearer [redacted]"


def test_vonage_event_accepted_with_204(receiver):
    assert vonage_post(receiver, "/vonage/event", b'{"status":"completed"}').status_code == 204


def test_vonage_wrong_secret_is_403(receiver):
    assert vonage_post(receiver, "/vonage/event", b'{"status":"completed"}', secret="another-secret").status_code == 403
    assert receiver.last_event()["checks"]["signature"]["result"] == "invalid"


def test_vonage_changed_body_is_403(receiver):
    response = vonage_post(receiver, "/vonage/event", b'{"status":"completed"}', sent_body=b'{"status":"failed"}')
    assert response.status_code == 403
    assert receiver.last_event()["checks"]["signature"]["result"] == "body_mismatch"


def test_vonage_unsigned_is_403(receiver):
    assert receiver.client.post("/vonage/event", json={"status": "completed"}).status_code == 403
    assert receiver.last_event()["checks"]["signature"]["result"] == "missing"


def test_vonage_signed_get_answer(receiver):
    token = sig.vonage_jwt_sign("vonage-signature-secret", sig.vonage_signed_claims(b""))
    response = receiver.client.get("/vonage/answer?from=447700900000", headers={"Authorization": "Bearer " + token})
    assert response.status_code == 200


# ------------------------------------------------------------------ Vobiz


def test_vobiz_v3_and_v2_signatures(make_receiver):
    receiver = make_receiver(public_base_url=PUBLIC)
    url = PUBLIC + "/vobiz/answer"
    headers = sig.vobiz_sign_headers("vobiz-auth-token", url)
    response = receiver.client.post("/vobiz/answer", data={"Event": "StartApp", "CallUUID": "u-1"}, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/xml" and b"<Response/>" in response.data
    only_v2 = {k: v for k, v in headers.items() if "V2" in k}
    assert receiver.client.post("/vobiz/answer", data={"Event": "StartApp"}, headers=only_v2).status_code == 200
    wrong = sig.vobiz_sign_headers("not-the-token", url)
    assert receiver.client.post("/vobiz/answer", data={"Event": "StartApp"}, headers=wrong).status_code == 403
    assert receiver.client.post("/vobiz/answer", data={"Event": "StartApp"}).status_code == 403


# ------------------------------------------------------------------ responses, unexpected paths, limits


def test_bandwidth_messaging_status_is_204(receiver):
    body = [{"type": "message-delivered", "time": "2016-09-14T18:20:16Z", "description": "ok"}]
    assert receiver.client.post("/bandwidth/messaging", json=body).status_code == 204


def test_unknown_path_is_recorded_as_unexpected_404(receiver):
    response = receiver.client.post("/not/configured?x=1", data=b"payload")
    assert response.status_code == 404
    event = receiver.last_event()
    assert event["verdict"] == "unexpected"
    assert event["endpoint"] is None and event["path"] == "/not/configured"
    assert event["body_text"] == "payload"


def test_oversized_body_is_413_and_recorded_without_its_body(make_receiver):
    receiver = make_receiver(max_body_bytes=1024)
    response = receiver.client.post("/generic", data=b"x" * 5000)
    assert response.status_code == 413
    event = receiver.last_event()
    assert event["verdict"] == "too_large"
    assert event["body_stored"] is False and event["body_size"] == 5000 and event["body_base64"] == ""
    assert receiver.client.post("/generic", data=b"x" * 1024).status_code == 200


def test_default_limit_is_one_mebibyte(receiver):
    assert receiver.client.post("/generic", data=b"x" * (1024 * 1024 + 1)).status_code == 413
    assert receiver.client.post("/generic", data=b"x" * (1024 * 1024)).status_code == 200


def test_invalid_utf8_body_is_stored_as_bytes(receiver):
    body = b"\xff\xfe<script>alert(1)</script>\xc3"
    assert receiver.client.post("/generic", data=body, content_type="text/plain").status_code == 200
    event = receiver.last_event()
    assert event["body_text"] is None
    import base64

    assert base64.b64decode(event["body_base64"]) == body


def test_all_failures_are_recorded_together(make_receiver):
    receiver = make_receiver(public_base_url=PUBLIC)
    response = receiver.client.put("/twilio/voice", data=FORM, headers={"Authorization": basic("twuser", "bad")})
    assert response.status_code == 405  # the first failure decides the answer
    checks = receiver.last_event()["checks"]
    assert (checks["method"]["ok"], checks["auth"]["result"], checks["signature"]["result"]) == (False, "wrong", "missing")


def test_config_refuses_reserved_paths_and_secrets_for_unsigned_providers():
    from cpaas_receiver.config import ConfigError, config_from_dict

    with pytest.raises(ConfigError, match="serves itself"):
        config_from_dict({"admin_token": "x" * 10, "endpoints": [{"path": "/api/x"}]}, environ={})
    with pytest.raises(ConfigError, match="no webhook signatures"):
        config_from_dict({"admin_token": "x" * 10, "endpoints": [{"path": "/b", "provider": "bandwidth", "signing_secret": "s"}]}, environ={})
    with pytest.raises(ConfigError, match="admin_token"):
        config_from_dict({"endpoints": []}, environ={})
    assert config_from_dict({}, environ={"CPAAS_RECEIVER_ADMIN_TOKEN": "from-the-env"}).admin_token == "from-the-env"
