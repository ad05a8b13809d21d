"""Fault injection: 429 with Retry-After, 5xx before or after applying, delay, drop."""

from __future__ import annotations

import pytest
import requests

from cpaas_sandbox import faults as faults_module
from cpaas_sandbox.faults import ConnectionDropped

from .conftest import APPS_PATH, TWILIO_AUTH, app_path


def add_fault(client, **spec):
    response = client.post("/_sandbox/faults", json=spec)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_429_with_retry_after_then_success(client, twilio, state):
    fault = add_fault(client, provider="twilio", method="POST", kind="status", status=429, retry_after=3)
    assert fault["retry_after"] == "3" and fault["count"] == 1
    response = twilio.create(FriendlyName="x")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert response.get_json() == {
        "code": 20429,
        "message": "Too Many Requests",
        "more_info": "https://www.twilio.com/docs/errors/20429",
        "status": 429,
    }
    assert state.list_applications("twilio") == []
    assert twilio.create(FriendlyName="x").status_code == 201
    assert len(state.list_applications("twilio")) == 1
    log = client.get("/_sandbox/requests").get_json()["requests"]
    assert [e["status"] for e in log] == [429, 201]
    assert log[0]["faults"] == [{"id": fault["id"], "kind": "status", "after": False, "status": 429}]
    assert client.get("/_sandbox/faults").get_json()["faults"] == []


def test_429_has_a_default_retry_after(client, twilio):
    add_fault(client, kind="status", status=429)
    assert twilio.list().headers["Retry-After"] == "1"


def test_retry_after_null_sends_no_header(client, twilio):
    add_fault(client, kind="status", status=429, retry_after=None)
    response = twilio.list()
    assert response.status_code == 429
    assert "Retry-After" not in response.headers


def test_count_strikes_that_many_requests(client, twilio):
    add_fault(client, kind="status", status=503, count=2)
    assert [twilio.list().status_code for _i in range(3)] == [503, 503, 200]


def test_count_null_strikes_until_cleared(client, twilio):
    add_fault(client, kind="status", status=502, count=None)
    assert [twilio.list().status_code for _i in range(4)] == [502] * 4
    assert client.get("/_sandbox/faults").get_json()["faults"][0]["hits"] == 4
    assert client.delete("/_sandbox/faults").status_code == 204
    assert twilio.list().status_code == 200


def test_delete_one_fault(client, twilio):
    fault = add_fault(client, kind="status", status=500, count=None)
    assert client.delete(f"/_sandbox/faults/{fault['id']}").status_code == 204
    assert client.delete(f"/_sandbox/faults/{fault['id']}").status_code == 404
    assert twilio.list().status_code == 200


def test_5xx_before_applying_changes_nothing(client, twilio, state):
    add_fault(client, method="POST", kind="status", status=500)
    response = twilio.create(FriendlyName="never")
    assert response.status_code == 500
    assert response.get_json()["code"] == 20500
    assert state.list_applications("twilio") == []


def test_5xx_after_applying_a_create_leaves_the_application(client, twilio, state):
    add_fault(client, provider="twilio", method="POST", path=r"/Applications\.json$", kind="status", status=500, after=True)
    response = twilio.create(FriendlyName="outcome unknown")
    assert response.status_code == 500
    assert response.get_json()["status"] == 500
    apps = state.list_applications("twilio")
    assert [a["friendly_name"] for a in apps] == ["outcome unknown"]
    entry = client.get("/_sandbox/requests").get_json()["requests"][-1]
    assert entry["status"] == 500
    assert entry["faults"][0]["after"] is True


def test_method_and_path_filters(client, twilio):
    sid = twilio.created_sid()
    add_fault(client, method="DELETE", kind="status", status=503)
    add_fault(client, method="GET", path=r"/Applications/AP[0-9a-f]+\.json$", kind="status", status=502)
    assert twilio.list().status_code == 200  # GET, but the path does not match
    assert twilio.get(sid).status_code == 502
    assert twilio.create().status_code == 201  # POST matches neither
    assert twilio.delete(sid).status_code == 503
    assert twilio.delete(sid).status_code == 204


def test_provider_filter(client, twilio):
    add_fault(client, provider="*", kind="status", status=500)
    assert twilio.list().status_code == 500
    response = client.post("/_sandbox/faults", json={"provider": "bandwidth-nope", "kind": "status", "status": 500})
    assert response.status_code == 400


def test_control_api_is_never_faulted(client):
    add_fault(client, kind="status", status=500, count=None)
    assert client.get("/_sandbox/health").status_code == 200
    assert client.get("/_sandbox/requests").status_code == 200


def test_delay_sleeps_then_answers_normally(client, twilio, monkeypatch):
    slept = []
    monkeypatch.setattr(faults_module.time, "sleep", slept.append)
    add_fault(client, kind="delay", delay=2.5)
    response = twilio.create(FriendlyName="late")
    assert response.status_code == 201
    assert slept == [2.5]
    assert client.get("/_sandbox/requests").get_json()["requests"][0]["faults"][0]["kind"] == "delay"


def test_delay_combines_with_a_status(client, twilio, monkeypatch):
    slept = []
    monkeypatch.setattr(faults_module.time, "sleep", slept.append)
    add_fault(client, kind="status", status=503, delay=0.5)
    assert twilio.list().status_code == 503
    assert slept == [0.5]


def test_drop_in_the_test_client_raises(client, twilio, state):
    add_fault(client, kind="drop", method="POST")
    with pytest.raises(ConnectionDropped):
        twilio.create(FriendlyName="dropped")
    assert state.list_applications("twilio") == []
    assert state.requests()[0]["status"] is None


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"kind": "explode"}, "kind"),
        ({"kind": "status"}, "status"),
        ({"kind": "status", "status": 200}, "status"),
        ({"kind": "status", "status": "500"}, "status"),
        ({"kind": "delay"}, "delay"),
        ({"kind": "delay", "delay": -1}, "delay"),
        ({"kind": "drop", "status": 500}, "status"),
        ({"kind": "drop", "count": 0}, "count"),
        ({"kind": "drop", "count": 1.5}, "count"),
        ({"kind": "drop", "path": "("}, "path"),
        ({"kind": "drop", "method": "G/T"}, "method"),
        ({"kind": "drop", "after": "yes"}, "after"),
        ({"kind": "drop", "provider": "nobody"}, "provider"),
        ({"kind": "drop", "colour": "red"}, "colour"),
        ([], "object"),
    ],
)
def test_invalid_fault_specs_are_400(client, spec, words):
    response = client.post("/_sandbox/faults", json=spec)
    assert response.status_code == 400
    assert words in response.get_json()["error"]
    assert client.get("/_sandbox/faults").get_json()["count"] == 0


def test_fault_body_must_be_json(client):
    assert client.post("/_sandbox/faults", data="kind=drop").status_code == 400


# -- against a real server ---------------------------------------------------------------
def test_live_drop_before_applying_is_a_connection_error(live):
    requests.post(f"{live.url}/_sandbox/faults", json={"kind": "drop", "method": "POST"}, timeout=10)
    with pytest.raises(requests.ConnectionError):
        requests.post(live.url + APPS_PATH, data={"FriendlyName": "dropped"}, auth=TWILIO_AUTH, timeout=10)
    assert live.state.list_applications("twilio") == []
    # the server carries on
    response = requests.post(live.url + APPS_PATH, data={"FriendlyName": "next"}, auth=TWILIO_AUTH, timeout=10)
    assert response.status_code == 201
    log = requests.get(f"{live.url}/_sandbox/requests", timeout=10).json()["requests"]
    assert [e["status"] for e in log] == [None, 201]


def test_live_drop_after_applying_leaves_the_application(live):
    requests.post(f"{live.url}/_sandbox/faults", json={"kind": "drop", "method": "POST", "after": True}, timeout=10)
    with requests.Session() as session, pytest.raises(requests.ConnectionError):
        session.post(live.url + APPS_PATH, data={"FriendlyName": "applied"}, auth=TWILIO_AUTH, timeout=10)
    assert [a["friendly_name"] for a in live.state.list_applications("twilio")] == ["applied"]


def test_live_delay_after_applying_times_the_client_out(live):
    # the create happens; the client gives up before the answer comes
    requests.post(f"{live.url}/_sandbox/faults", json={"kind": "delay", "delay": 3, "method": "POST", "after": True}, timeout=10)
    with pytest.raises(requests.Timeout):
        requests.post(live.url + APPS_PATH, data={"FriendlyName": "slow"}, auth=TWILIO_AUTH, timeout=0.5)
    assert [a["friendly_name"] for a in live.state.list_applications("twilio")] == ["slow"]


def test_live_429_has_retry_after_header(live):
    requests.post(f"{live.url}/_sandbox/faults", json={"kind": "status", "status": 429, "retry_after": 2}, timeout=10)
    response = requests.get(live.url + APPS_PATH, auth=TWILIO_AUTH, timeout=10)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert response.json()["code"] == 20429
    sid = requests.post(live.url + APPS_PATH, data={"FriendlyName": "ok"}, auth=TWILIO_AUTH, timeout=10).json()["sid"]
    assert requests.get(live.url + app_path(sid), auth=TWILIO_AUTH, timeout=10).status_code == 200
