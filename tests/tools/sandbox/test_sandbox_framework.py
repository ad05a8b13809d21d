"""The extension contract: any Provider gets faults, the request log and the control
API without writing any of it (a toy provider stands in for the ones to come)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from cpaas_sandbox.app import create_app
from cpaas_sandbox.auth import basic_credentials, credentials_match, header_credentials
from cpaas_sandbox.context import current_sandbox
from cpaas_sandbox.provider import Provider
from cpaas_sandbox.providers import PROVIDERS

toy = Blueprint("toy", __name__, url_prefix="/toy")


def toy_error(status: int, message: str | None = None) -> Response:
    response = jsonify({"toy_error": status, "why": message or "injected"})
    response.status_code = status
    return response


@toy.post("/apps")
def toy_create():
    creds = current_sandbox().credentials
    if not credentials_match(header_credentials(request.headers, "X-Id", "X-Token"), [(creds["VOBIZ_AUTH_ID"], creds["VOBIZ_AUTH_TOKEN"])]):
        return toy_error(401, "who are you")
    app_id = str(len(current_sandbox().state.list_applications("toy")) + 1)
    record = current_sandbox().state.add_application("toy", app_id, {"id": app_id, "name": request.get_json()["name"]})
    return jsonify(record), 201


TOY = Provider(name="toy", blueprint=toy, error_response=toy_error)
TOY_HEADERS = {"X-Id": "MA_SANDBOX01", "X-Token": "sandbox-vobiz-token"}


def toy_client():
    app = create_app(environ={}, providers=[*PROVIDERS, TOY])
    app.config["TESTING"] = True
    return app.test_client()


def test_every_listed_provider_is_well_formed():
    names = [p.name for p in PROVIDERS]
    assert len(names) == len(set(names))
    with create_app(environ={}).test_request_context():
        for provider in PROVIDERS:
            assert provider.blueprint.name == provider.name
            assert provider.error_response(429).status_code == 429


def test_a_new_provider_gets_the_log_faults_and_control_api():
    client = toy_client()
    assert client.get("/_sandbox/health").get_json()["providers"] == sorted(["toy", *(p.name for p in PROVIDERS)])
    client.post("/_sandbox/faults", json={"provider": "toy", "kind": "status", "status": 503, "after": True})
    client.post("/_sandbox/faults", json={"provider": "twilio", "kind": "status", "status": 500})
    response = client.post("/toy/apps", json={"name": "a"}, headers=TOY_HEADERS)
    assert response.status_code == 503
    assert response.get_json() == {"toy_error": 503, "why": "injected"}
    assert client.get("/_sandbox/toy/applications").get_json()["applications"] == [{"id": "1", "name": "a"}]
    assert client.post("/toy/apps", json={"name": "b"}, headers={"X-Id": "MA_SANDBOX01", "X-Token": "no"}).status_code == 401
    log = client.get("/_sandbox/requests?provider=toy").get_json()["requests"]
    assert [(e["status"], e["content_type"]) for e in log] == [(503, "application/json"), (401, "application/json")]
    assert "X-Token" not in log[0]["headers"]
    patched = client.patch("/_sandbox/toy/applications/1", json={"name": "changed"})
    assert patched.get_json() == {"id": "1", "name": "changed"}
    # the twilio fault is still waiting: faults are per provider
    assert len(client.get("/_sandbox/faults").get_json()["faults"]) == 1


def test_basic_credentials_parsing():
    import base64

    def header(raw: bytes) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}

    assert basic_credentials(header(b"user:pa:ss")) == ("user", "pa:ss")
    assert basic_credentials(header(b"user:")) == ("user", "")
    assert basic_credentials(header(b"nocolon")) is None
    assert basic_credentials(header(b"\xff:x")) is None
    assert basic_credentials({"Authorization": "Basic !!!"}) is None
    assert basic_credentials({"Authorization": "Bearer abc"}) is None
    assert basic_credentials({}) is None
    assert credentials_match(("u", "p"), [("x", "y"), ("u", "p")])
    assert not credentials_match(("u", "p"), [("u", "q")])
    assert not credentials_match(None, [("u", "p")])
