"""The JSON API, with every response checked against openapi.yaml."""

from __future__ import annotations

import re
from importlib import resources

import jsonschema
import pytest
import yaml
from cpaas_module_utils.webhooks import signatures as sig

from .conftest import ADMIN_TOKEN, basic, bearer

SPEC = yaml.safe_load(resources.files("cpaas_receiver").joinpath("openapi.yaml").read_text())


def test_the_document_is_a_valid_openapi_3_1_shape():
    assert SPEC["openapi"].startswith("3.1")
    for schema in SPEC["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_the_contract_check_catches_an_undocumented_field(receiver):
    receiver.client.post("/generic", data=b"x")
    response = receiver.client.get("/api/events", headers=bearer())
    conforms(response, "/api/events", "GET")
    response.set_data(response.get_data().replace(b'"verdict"', b'"verdikt"'))
    with pytest.raises(jsonschema.ValidationError):
        conforms(response, "/api/events", "GET")


def _operation(path, method):
    for template, item in SPEC["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^?]+", template) + "$"
        if re.match(pattern, path.split("?")[0]) and method.lower() in item:
            return template, item[method.lower()]
    raise AssertionError("%s %s is not in the OpenAPI document" % (method, path))


def conforms(response, path, method):
    """Assert the response is documented (status, content type, body schema); return its JSON."""
    template, operation = _operation(path, method)
    documented = operation["responses"]
    status = str(response.status_code)
    assert status in documented, "%s %s answered %s, documented: %s" % (method, template, status, sorted(documented))
    spec = documented[status]
    if "$ref" in spec:
        spec = SPEC["components"]["responses"][spec["$ref"].rsplit("/", 1)[1]]
    if "content" not in spec:
        assert response.data == b""
        return None
    assert response.mimetype in spec["content"]
    schema = spec["content"][response.mimetype]["schema"]
    if response.mimetype != "application/json":
        return response.get_data(as_text=True)
    body = response.get_json()
    jsonschema.validate(body, dict(schema, components=SPEC["components"]), cls=jsonschema.Draft202012Validator)
    return body


def api(receiver, method, path, token=ADMIN_TOKEN, **kwargs):
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers.update(bearer(token))
    response = receiver.client.open(path, method=method, headers=headers, **kwargs)
    return response, conforms(response, path, method)


def test_healthz_needs_no_token(receiver):
    response, body = api(receiver, "GET", "/healthz", token=None)
    assert response.status_code == 200 and body == {"status": "ok"}


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/events"), ("DELETE", "/api/events"), ("GET", "/api/events/1"),
    ("GET", "/api/endpoints"), ("POST", "/api/endpoints"), ("DELETE", "/api/endpoints/x"),
])
@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_api_refuses_missing_or_wrong_token(receiver, method, path, token):
    response, body = api(receiver, method, path, token=token)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="cpaas-receiver"')
    assert "error" in body


def test_api_refuses_basic_auth_with_the_token_as_password(receiver):
    response = receiver.client.get("/api/events", headers={"Authorization": basic("admin", ADMIN_TOKEN)})
    assert response.status_code == 401


def test_list_filters_get_and_clear(receiver):
    receiver.client.post("/generic", data=b"one")
    receiver.client.get("/generic")  # 405
    receiver.client.post("/bandwidth/messaging", json=[{"type": "message-delivered"}])
    receiver.client.post("/elsewhere")  # unexpected

    _resp, body = api(receiver, "GET", "/api/events")
    assert body["count"] == 4
    assert [e["id"] for e in body["events"]] == sorted((e["id"] for e in body["events"]), reverse=True)

    _resp, body = api(receiver, "GET", "/api/events?endpoint=/generic")
    assert {e["verdict"] for e in body["events"]} == {"accepted", "method_not_allowed"}
    _resp, body = api(receiver, "GET", "/api/events?provider=bandwidth")
    assert [e["endpoint"] for e in body["events"]] == ["/bandwidth/messaging"]
    _resp, body = api(receiver, "GET", "/api/events?verdict=unexpected")
    assert [e["path"] for e in body["events"]] == ["/elsewhere"]
    _resp, body = api(receiver, "GET", "/api/events?limit=1")
    assert body["count"] == 1
    first_id = body["events"][0]["id"]
    _resp, body = api(receiver, "GET", "/api/events?after_id=%d" % (first_id - 1))
    assert [e["id"] for e in body["events"]] == [first_id]
    _resp, body = api(receiver, "GET", "/api/events?since=2000-01-01T00:00:00Z")
    assert body["count"] == 4
    _resp, body = api(receiver, "GET", "/api/events?since=2999-01-01T00:00:00%2B02:00")
    assert body["count"] == 0

    _resp, event = api(receiver, "GET", "/api/events/%d" % first_id)
    assert event["path"] == "/elsewhere" and event["verdict"] == "unexpected"
    response, _body = api(receiver, "GET", "/api/events/999999")
    assert response.status_code == 404

    _resp, body = api(receiver, "DELETE", "/api/events?endpoint=/generic")
    assert body == {"deleted": 2}
    _resp, body = api(receiver, "DELETE", "/api/events")
    assert body == {"deleted": 2}
    _resp, body = api(receiver, "GET", "/api/events")
    assert body["count"] == 0


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "limit=1001", "verdict=maybe", "since=yesterday"])
def test_bad_filters_are_400(receiver, query):
    response, body = api(receiver, "GET", "/api/events?" + query)
    assert response.status_code == 400 and body["error"]


def test_event_detail_has_headers_and_body(receiver):
    receiver.client.post("/generic", data=b"\xff\x00binary", headers={"X-Custom": "v1"})
    _resp, listing = api(receiver, "GET", "/api/events")
    _resp, event = api(receiver, "GET", "/api/events/%d" % listing["events"][0]["id"])
    assert ["X-Custom", "v1"] in event["headers"]
    assert event["body_text"] is None and event["body_base64"] == "/wBiaW5hcnk="


def test_endpoints_added_at_run_time_work_and_can_be_removed(receiver):
    new = {"path": "/check/answer", "provider": "twilio", "methods": ["GET", "POST"],
           "basic_auth": {"username": "cc", "password": "cc-secret-pw"}, "signing_secret": "tw-token"}
    response, body = api(receiver, "POST", "/api/endpoints", json=new)
    assert response.status_code == 201
    assert body["basic_auth"] == {"username": "cc"} and body["signing_secret_set"] is True and body["source"] == "api"
    assert "cc-secret-pw" not in response.get_data(as_text=True)

    response, _body = api(receiver, "POST", "/api/endpoints", json=new)
    assert response.status_code == 409
    _resp, listing = api(receiver, "GET", "/api/endpoints")
    assert "/check/answer" in [e["path"] for e in listing["endpoints"]]
    _resp, one = api(receiver, "GET", "/api/endpoints/check/answer")
    assert one["path"] == "/check/answer"

    url = "http://localhost/check/answer"
    params = {"CallSid": "CA1"}
    signed = {"X-Twilio-Signature": sig.twilio_signature("tw-token", url, params)}
    assert receiver.client.post("/check/answer", data=params, headers=signed).status_code == 401
    ok = receiver.client.post("/check/answer", data=params, headers=dict(signed, Authorization=basic("cc", "cc-secret-pw")))
    assert ok.status_code == 200
    wrong = receiver.client.post("/check/answer", data=params, headers=dict(signed, Authorization=basic("cc", "nope")))
    assert wrong.status_code == 401

    response, _body = api(receiver, "DELETE", "/api/endpoints/check/answer")
    assert response.status_code == 204
    assert receiver.client.post("/check/answer", data=params).status_code == 404
    response, _body = api(receiver, "DELETE", "/api/endpoints/check/answer")
    assert response.status_code == 404


def test_config_endpoints_cannot_be_replaced_or_removed(receiver):
    response, body = api(receiver, "POST", "/api/endpoints", json={"path": "/generic"})
    assert response.status_code == 409
    response, body = api(receiver, "DELETE", "/api/endpoints/generic")
    assert response.status_code == 409 and "configuration file" in body["error"]


@pytest.mark.parametrize("payload,message", [
    ({"path": "no-slash"}, "starting with '/'"),
    ({"path": "/x", "provider": "skype"}, "provider must be one of"),
    ({"path": "/x", "methods": ["FETCH"]}, "unsupported method"),
    ({"path": "/x", "basic_auth": {"username": "u"}}, "username and a password"),
    ({"path": "/ui/x"}, "serves itself"),
    ({"path": "/x", "colour": "red"}, "unknown endpoint option"),
])
def test_bad_endpoints_are_400_with_a_clear_message(receiver, payload, message):
    response, body = api(receiver, "POST", "/api/endpoints", json=payload)
    assert response.status_code == 400 and message in body["error"]


def test_non_json_endpoint_body_is_400(receiver):
    response, _body = api(receiver, "POST", "/api/endpoints", data="path=/x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_openapi_document_is_served_without_token(receiver):
    response = receiver.client.get("/api/openapi.yaml")
    assert response.status_code == 200
    assert yaml.safe_load(response.data)["paths"].keys() == SPEC["paths"].keys()


def test_unknown_api_path_is_a_json_404_and_not_an_event(receiver):
    response = receiver.client.get("/api/nothing", headers=bearer())
    assert response.status_code == 404 and response.get_json()["error"]
    _resp, body = api(receiver, "GET", "/api/events")
    assert body["count"] == 0
