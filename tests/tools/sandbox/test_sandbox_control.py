"""The control API: health, reset, request log, raw state and out-of-band changes."""

from __future__ import annotations

import base64

from cpaas_sandbox.providers import PROVIDERS

from .conftest import APPS_PATH, TWILIO_AUTH, app_path


def test_health(client):
    response = client.get("/_sandbox/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "providers": sorted(p.name for p in PROVIDERS)}
    assert "twilio" in response.get_json()["providers"]


def test_reset_clears_applications_log_and_faults(client, twilio, state):
    twilio.created_sid(FriendlyName="a")
    client.post("/_sandbox/faults", json={"kind": "status", "status": 503, "method": "DELETE"})
    assert state.requests() and state.faults()
    response = client.post("/_sandbox/reset")
    assert response.status_code == 200
    assert client.get("/_sandbox/twilio/applications").get_json() == {"applications": [], "count": 0}
    assert client.get("/_sandbox/requests").get_json() == {"requests": [], "count": 0}
    assert client.get("/_sandbox/faults").get_json() == {"faults": [], "count": 0}
    assert twilio.list().get_json()["applications"] == []


# -- request log -------------------------------------------------------------------
def test_request_log_records_every_api_request(client, twilio):
    sid = twilio.created_sid(FriendlyName="logged", VoiceUrl="https://example.com/v")
    twilio.list(FriendlyName="logged", PageSize=5)
    twilio.get(sid)
    twilio.update(sid, VoiceMethod="GET")
    twilio.delete(sid)
    client.get(APPS_PATH, auth=("AC" + "a" * 32, "wrong"))
    entries = client.get("/_sandbox/requests").get_json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", APPS_PATH, 201),
        ("GET", APPS_PATH, 200),
        ("GET", app_path(sid), 200),
        ("POST", app_path(sid), 200),
        ("DELETE", app_path(sid), 204),
        ("GET", APPS_PATH, 401),
    ]
    create, listing = entries[0], entries[1]
    assert create["provider"] == "twilio"
    assert create["content_type"] == "application/x-www-form-urlencoded"
    assert create["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert create["form"] == {"FriendlyName": "logged", "VoiceUrl": "https://example.com/v"}
    assert "FriendlyName=logged" in create["body"]
    assert create["query"] == ""
    assert create["response_content_type"] == "application/json"
    assert create["faults"] == []
    assert create["time"].endswith("Z")
    assert listing["query"] == "FriendlyName=logged&PageSize=5"
    assert listing["form"] is None
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_request_log_keeps_accept_and_never_the_authorization_value(client):
    client.get(APPS_PATH, auth=TWILIO_AUTH, headers={"Accept": "application/json", "Accept-Charset": "utf-8"})
    raw = client.get("/_sandbox/requests").get_data(as_text=True)
    entry = client.get("/_sandbox/requests").get_json()["requests"][0]
    assert entry["headers"]["Accept"] == "application/json"
    assert entry["headers"]["Accept-Charset"] == "utf-8"
    assert "Authorization" not in entry["headers"]
    assert entry["authorization"] == "Basic"
    assert entry["auth_user"] == TWILIO_AUTH[0]
    token = TWILIO_AUTH[1]
    encoded = base64.b64encode(f"{TWILIO_AUTH[0]}:{token}".encode()).decode()
    assert token not in raw
    assert encoded not in raw


def test_control_requests_are_not_logged(client):
    client.get("/_sandbox/health")
    client.get("/_sandbox/twilio/applications")
    client.get("/_sandbox/faults")
    assert client.get("/_sandbox/requests").get_json()["requests"] == []


def test_request_log_filters_and_clear(client, twilio):
    sid = twilio.created_sid()
    twilio.get(sid)
    twilio.list()
    gets = client.get("/_sandbox/requests?method=get").get_json()
    assert gets["count"] == 2 and {e["method"] for e in gets["requests"]} == {"GET"}
    assert client.get("/_sandbox/requests?provider=twilio").get_json()["count"] == 3
    assert client.get("/_sandbox/requests?provider=vonage").get_json()["count"] == 0
    assert client.delete("/_sandbox/requests").status_code == 204
    assert client.get("/_sandbox/requests").get_json()["count"] == 0
    # the application is still there: only the log was cleared
    assert twilio.get(sid).status_code == 200


def test_unknown_path_under_a_provider_is_logged(client):
    client.get("/2010-04-01/Accounts/nowhere", auth=TWILIO_AUTH)
    entry = client.get("/_sandbox/requests").get_json()["requests"][0]
    assert (entry["provider"], entry["status"]) == ("twilio", 404)


def test_path_outside_every_provider_is_a_json_404_and_not_logged(client):
    response = client.get("/v9/nothing")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404
    assert client.get("/_sandbox/requests").get_json()["count"] == 0


# -- raw state and out-of-band changes ---------------------------------------------
def test_raw_applications(client, twilio):
    sid = twilio.created_sid(FriendlyName="raw")
    body = client.get("/_sandbox/twilio/applications").get_json()
    assert body["count"] == 1
    assert body["applications"][0]["sid"] == sid
    assert client.get(f"/_sandbox/twilio/applications/{sid}").get_json()["friendly_name"] == "raw"
    assert client.get("/_sandbox/twilio/applications/AP0").status_code == 404


def test_out_of_band_patch_is_seen_by_the_api(client, twilio):
    sid = twilio.created_sid(FriendlyName="drift", VoiceUrl="https://example.com/v")
    response = client.patch(f"/_sandbox/twilio/applications/{sid}", json={"voice_url": "https://evil.example/v", "voice_method": "GET"})
    assert response.status_code == 200
    app = twilio.get(sid).get_json()
    assert app["voice_url"] == "https://evil.example/v"
    assert app["voice_method"] == "GET"
    assert app["friendly_name"] == "drift"
    # out-of-band changes are not API requests
    assert [e["method"] for e in client.get("/_sandbox/requests").get_json()["requests"]] == ["POST", "GET"]


def test_out_of_band_patch_refuses_unknown_and_read_only_fields(client, twilio):
    sid = twilio.created_sid()
    response = client.patch(f"/_sandbox/twilio/applications/{sid}", json={"voiceurl": "x"})
    assert response.status_code == 400
    assert "voiceurl" in response.get_json()["error"]
    response = client.patch(f"/_sandbox/twilio/applications/{sid}", json={"sid": "AP" + "1" * 32})
    assert response.status_code == 400
    assert client.patch(f"/_sandbox/twilio/applications/{sid}", data="x").status_code == 400
    assert client.patch("/_sandbox/twilio/applications/AP0", json={"voice_url": None}).status_code == 404
    assert client.patch("/_sandbox/nobody/applications/AP0", json={}).status_code == 404


def test_out_of_band_delete(client, twilio):
    sid = twilio.created_sid()
    assert client.delete(f"/_sandbox/twilio/applications/{sid}").status_code == 204
    assert twilio.get(sid).status_code == 404
    assert client.delete(f"/_sandbox/twilio/applications/{sid}").status_code == 404


def test_unknown_provider_is_404(client):
    response = client.get("/_sandbox/nobody/applications")
    assert response.status_code == 404
    assert "twilio" in response.get_json()["error"]


def test_too_large_body_is_413_and_logged(client):
    response = client.post(APPS_PATH, data={"FriendlyName": "x" * (1024 * 1024 + 1)}, auth=TWILIO_AUTH)
    assert response.status_code == 413
    entry = client.get("/_sandbox/requests").get_json()["requests"][0]
    assert (entry["method"], entry["status"], entry["body"]) == ("POST", 413, "")
