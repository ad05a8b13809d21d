"""The sandbox's Vobiz Application API: paths, auth, JSON bodies, defaults, pagination, errors."""

from __future__ import annotations

import json
import re

import pytest
import requests

from .conftest import CREDS

AUTH_ID = CREDS["VOBIZ_AUTH_ID"]
HEADERS = {"X-Auth-ID": AUTH_ID, "X-Auth-Token": CREDS["VOBIZ_AUTH_TOKEN"], "Accept": "application/json"}
APPS = f"/api/v1/Account/{AUTH_ID}/Application/"


def item(app_id: str, slash: bool = True) -> str:
    return f"{APPS}{app_id}/" if slash else f"{APPS}{app_id}"


class Vobiz:
    """Vobiz API calls through the Flask test client, authenticated."""

    def __init__(self, client):
        self.client = client

    def create(self, **body):
        return self.client.post(APPS, json=body, headers=HEADERS)

    def created_id(self, **body) -> str:
        body.setdefault("answer_url", "https://hooks.example.com/answer")
        response = self.create(**body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["app_id"]

    def list(self, **query):
        return self.client.get(APPS, query_string=query, headers=HEADERS)

    def get(self, app_id, slash=True):
        return self.client.get(item(app_id, slash), headers=HEADERS)

    def update(self, app_id, **body):
        return self.client.post(item(app_id), json=body, headers=HEADERS)

    def delete(self, app_id, slash=True):
        return self.client.delete(item(app_id, slash), headers=HEADERS)


@pytest.fixture
def vobiz(client):
    return Vobiz(client)


def test_create_answers_an_acknowledgement_and_get_the_full_object_with_defaults(vobiz):
    response = vobiz.create(app_name="support-line", answer_url="https://hooks.example.com/answer")

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"api_id", "app_id", "message"}
    assert body["message"] == "created"
    assert re.fullmatch(r"[0-9]{17}", body["app_id"])
    assert re.fullmatch(r"[0-9a-f-]{36}", body["api_id"])

    fetched = vobiz.get(body["app_id"])
    assert fetched.status_code == 200
    assert fetched.mimetype == "application/json"
    app = fetched.get_json()
    app_id = body["app_id"]
    assert app["app_id"] == app_id and app["app_name"] == "support-line"
    assert app["answer_url"] == "https://hooks.example.com/answer"
    assert app["hangup_url"] == "https://hooks.example.com/answer"  # defaults to answer_url
    for method in ("answer_method", "hangup_method", "fallback_method", "message_method", "sip_transfer_method"):
        assert app[method] == "POST"
    assert app["default_app"] is False and app["default_endpoint_app"] is False
    assert app["log_incoming_message"] is True and app["enabled"] is True
    assert app["fallback_answer_url"] is None and app["message_url"] is None
    assert app["application_type"] == "XML"
    assert app["sub_account"] is None
    assert app["sip_uri"] == f"sip:{app_id}@app.vobiz.ai"
    assert app["resource_uri"] == f"/v1/Account/{AUTH_ID}/Application/{app_id}/"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00", app["created_at"])
    assert app["updated_at"] == app["created_at"]
    assert "api_id" in app


def test_every_field_is_stored_under_the_answer_names(vobiz):
    app_id = vobiz.created_id(
        app_name="full",
        answer_url="https://h.example.com/a",
        answer_method="GET",
        hangup_url="https://h.example.com/h",
        hangup_method="GET",
        fallback_answer_url="https://h.example.com/f",
        fallback_method="GET",
        message_url="https://h.example.com/m",
        message_method="get",
        default_number_app=True,
        default_endpoint_app=True,
        log_incoming_messages=False,
        subaccount="SA_CHILD01",
    )

    app = vobiz.get(app_id).get_json()
    assert app["hangup_url"] == "https://h.example.com/h"
    assert app["message_method"] == "GET"
    assert app["default_app"] is True and app["default_endpoint_app"] is True
    assert app["log_incoming_message"] is False
    assert app["sub_account"] == "SA_CHILD01"
    assert "default_number_app" not in app and "log_incoming_messages" not in app and "subaccount" not in app


def test_update_is_partial_and_answers_changed(vobiz):
    app_id = vobiz.created_id(app_name="partial", message_url="https://h.example.com/m")
    before = vobiz.get(app_id).get_json()

    response = vobiz.update(app_id, answer_url="https://h.example.com/a2", log_incoming_messages=False)

    assert response.status_code == 200
    # the current documents and the generated SDK's UpdateApplicationResponse: these two fields only
    assert response.get_json() == {"api_id": response.get_json()["api_id"], "message": "changed"}
    after = vobiz.get(app_id).get_json()
    assert after["answer_url"] == "https://h.example.com/a2"
    assert after["log_incoming_message"] is False
    assert after["message_url"] == "https://h.example.com/m"  # not sent, not changed
    assert after["app_name"] == "partial"
    assert after["created_at"] == before["created_at"]


def test_log_incoming_messages_is_plural_in_requests_and_singular_in_answers(vobiz):
    app_id = vobiz.created_id(app_name="plural", log_incoming_messages=False)
    assert vobiz.get(app_id).get_json()["log_incoming_message"] is False

    # the answer's singular name is not a request field: it is ignored, like any unknown key
    assert vobiz.update(app_id, log_incoming_message=True).status_code == 200
    assert vobiz.get(app_id).get_json()["log_incoming_message"] is False
    assert vobiz.update(app_id, log_incoming_messages=True).status_code == 200
    assert vobiz.get(app_id).get_json()["log_incoming_message"] is True


def test_empty_value_clears_an_optional_url(vobiz):
    app_id = vobiz.created_id(app_name="clear", fallback_answer_url="https://h.example.com/f")

    assert vobiz.update(app_id, fallback_answer_url="").status_code == 200
    assert vobiz.get(app_id).get_json()["fallback_answer_url"] is None


def test_subaccount_cannot_change_after_creation(vobiz):
    app_id = vobiz.created_id(app_name="sub", subaccount="SA_ONE")

    same = vobiz.update(app_id, subaccount="SA_ONE")
    other = vobiz.update(app_id, subaccount="SA_TWO")

    assert same.status_code == 200
    assert other.status_code == 400
    assert other.get_json()["error"] == "invalid request parameters"
    assert "cannot be changed" in other.get_json()["details"]["subaccount"]
    assert vobiz.get(app_id).get_json()["sub_account"] == "SA_ONE"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"app_name": "ok", "answer_url": "not a url"}, "answer_url"),
        ({"app_name": "ok", "answer_url": "ftp://h.example.com/a"}, "answer_url"),
        ({"app_name": "has space", "answer_url": "https://h.example.com/a"}, "app_name"),
        ({"app_name": "ok", "answer_url": "https://h.example.com/a", "answer_method": "PUT"}, "answer_method"),
        ({"app_name": "ok", "answer_url": "https://h.example.com/a", "default_number_app": "yes"}, "default_number_app"),
        ({"answer_url": "https://h.example.com/a"}, "app_name"),
        ({"app_name": "ok"}, "answer_url"),
    ],
)
def test_invalid_create_answers_400_with_details(vobiz, state, body, field):
    response = vobiz.create(**body)

    assert response.status_code == 400
    payload = response.get_json()
    assert payload["error"] == "invalid request parameters"
    assert field in payload["details"]
    assert state.list_applications("vobiz") == []


def test_error_details_never_echo_a_url(vobiz):
    response = vobiz.create(app_name="ok", answer_url="https://user:s3cret-pw@h.example.com/ a")

    assert response.status_code == 400
    assert "s3cret-pw" not in response.get_data(as_text=True)


def test_write_body_must_be_json(vobiz, client):
    response = client.post(APPS, data={"app_name": "form", "answer_url": "https://h.example.com/a"}, headers=HEADERS)

    assert response.status_code == 400
    assert "body" in response.get_json()["details"]


def test_unknown_application_answers_the_documented_404(vobiz):
    for response in (vobiz.get("99999999"), vobiz.update("99999999", app_name="x"), vobiz.delete("99999999")):
        assert response.status_code == 404
        assert response.get_json() == {"error": "Application not found", "app_id": "99999999"}


def test_delete_answers_204_then_404(vobiz):
    app_id = vobiz.created_id(app_name="gone")

    deleted = vobiz.delete(app_id)

    assert deleted.status_code == 204 and deleted.get_data() == b""
    assert vobiz.get(app_id).status_code == 404


def test_delete_of_an_application_with_numbers_answers_409(vobiz, client, state):
    app_id = vobiz.created_id(app_name="busy")
    number_path = f"/api/v1/account/{AUTH_ID}/numbers/919876543210/application"
    assert client.post(number_path, json={"application_id": app_id}, headers=HEADERS).status_code == 200

    refused = vobiz.delete(app_id)

    assert refused.status_code == 409
    assert refused.get_json()["error"] == "Cannot delete application"
    assert refused.get_json()["message"] == "Application is currently in use by 1 phone numbers"
    assert len(state.list_applications("vobiz")) == 1
    assert client.delete(number_path, headers=HEADERS).status_code == 204
    assert vobiz.delete(app_id).status_code == 204


def test_list_pages_with_limit_offset_and_meta(vobiz):
    ids = [vobiz.created_id(app_name="app-%d" % index) for index in range(5)]

    first = vobiz.list(limit=2).get_json()
    last = vobiz.list(limit=2, offset=4).get_json()
    default = vobiz.list().get_json()

    assert [app["app_id"] for app in first["objects"]] == ids[:2]
    assert first["meta"] == {"limit": 2, "offset": 0, "total_count": 5, "previous": None, "next": f"/v1/Account/{AUTH_ID}/Application/?limit=2&offset=2"}
    assert [app["app_id"] for app in last["objects"]] == ids[4:]
    assert last["meta"]["next"] is None
    assert last["meta"]["previous"] == f"/v1/Account/{AUTH_ID}/Application/?limit=2&offset=2"
    assert default["meta"]["limit"] == 20 and len(default["objects"]) == 5
    assert "api_id" in default and all("api_id" not in app for app in default["objects"])


@pytest.mark.parametrize("query, field", [({"limit": 101}, "limit"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset"), ({"limit": "x"}, "limit")])
def test_list_refuses_bad_paging(vobiz, query, field):
    response = vobiz.list(**query)

    assert response.status_code == 400
    assert field in response.get_json()["details"]


def test_pypi_sdk_forms_are_answered_too(vobiz):
    created = vobiz.create(
        name="sdk_app", answer_url="https://h.example.com/a", answer_method="POST", hangup_method="POST", fallback_method="POST", application_type="XML"
    )
    app_id = created.get_json()["app_id"]
    vobiz.created_id(app_name="second")

    fetched = vobiz.get(app_id, slash=False)
    page = vobiz.list(page=2, size=1).get_json()
    deleted = vobiz.delete(app_id, slash=False)

    assert created.status_code == 201
    assert fetched.status_code == 200 and fetched.get_json()["app_name"] == "sdk_app"
    assert [app["app_name"] for app in page["objects"]] == ["second"]
    assert page["meta"]["offset"] == 1 and page["meta"]["limit"] == 1
    assert deleted.status_code == 204


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Auth-ID": AUTH_ID},
        {"X-Auth-ID": AUTH_ID, "X-Auth-Token": "wrong"},
        {"X-Auth-ID": "MA_OTHER", "X-Auth-Token": CREDS["VOBIZ_AUTH_TOKEN"]},
        {"Authorization": "Bearer " + CREDS["VOBIZ_AUTH_TOKEN"]},
    ],
)
def test_requests_without_the_account_headers_answer_401(client, headers):
    response = client.get(APPS, headers=headers)

    assert response.status_code == 401
    body = response.get_json()
    assert set(body) == {"api_id", "error"}
    assert CREDS["VOBIZ_AUTH_TOKEN"] not in response.get_data(as_text=True)


def test_the_path_must_name_the_authenticated_account(client):
    response = client.get("/api/v1/Account/MA_OTHER/Application/", headers=HEADERS)

    assert response.status_code == 401


def test_unknown_paths_and_verbs(client):
    assert client.get("/api/v1/Account/%s/Nothing/" % AUTH_ID, headers=HEADERS).status_code == 404
    assert client.put(APPS, json={}, headers=HEADERS).status_code == 405


def test_out_of_band_change_through_the_control_api(vobiz, client):
    app_id = vobiz.created_id(app_name="drift")

    changed = client.patch(f"/_sandbox/vobiz/applications/{app_id}", json={"answer_url": "https://evil.example.net/a"})
    frozen = client.patch(f"/_sandbox/vobiz/applications/{app_id}", json={"app_id": "1"})

    assert changed.status_code == 200
    assert vobiz.get(app_id).get_json()["answer_url"] == "https://evil.example.net/a"
    assert frozen.status_code == 400


def test_injected_faults_use_the_vobiz_error_shape(vobiz, client):
    client.post("/_sandbox/faults", json={"provider": "vobiz", "method": "POST", "kind": "status", "status": 429, "retry_after": 2})

    limited = vobiz.create(app_name="limited", answer_url="https://h.example.com/a")

    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "2"
    assert set(limited.get_json()) == {"api_id", "error"}
    assert limited.get_json()["error"] == "Too Many Requests"


def test_requests_are_logged_with_their_json_body_and_without_the_token(live):
    response = requests.post(live.url + APPS, json={"app_name": "logged", "answer_url": "https://h.example.com/a"}, headers=HEADERS, timeout=10)
    assert response.status_code == 201

    [entry] = live.state.requests(provider="vobiz")
    assert entry["method"] == "POST" and entry["path"] == APPS and entry["status"] == 201
    assert json.loads(entry["body"]) == {"app_name": "logged", "answer_url": "https://h.example.com/a"}
    assert CREDS["VOBIZ_AUTH_TOKEN"] not in json.dumps(entry)
