"""The sandbox's Vonage Application API v2: paths, auth, headers, key pairs, full-replace PUT,
validation, pagination and problem-JSON errors."""

from __future__ import annotations

import uuid

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from cpaas_sandbox.providers import vonage as vonage_provider

from .conftest import CREDS

AUTH = (CREDS["VONAGE_API_KEY"], CREDS["VONAGE_API_SECRET"])
APPS = "/v2/applications"
JSON = {"Accept": "application/json"}
ERRORS = "https://developer.nexmo.com/api-errors"

VOICE = {
    "webhooks": {
        "answer_url": {"address": "https://hooks.example.com/answer", "http_method": "GET",
                       "connect_timeout": 500, "socket_timeout": 3000},
        "event_url": {"address": "https://hooks.example.com/event", "http_method": "POST"},
    },
    "signed_callbacks": True,
    "conversations_ttl": 48,
    "leg_persistence_time": 7,
    "region": "eu-west",
}
MESSAGES = {
    "webhooks": {
        "inbound_url": {"address": "https://hooks.example.com/inbound", "http_method": "POST"},
        "status_url": {"address": "https://hooks.example.com/status", "http_method": "POST"},
    },
    "version": "v1",
    "authenticate_inbound_media": True,
}
RTC = {"webhooks": {"event_url": {"address": "https://hooks.example.com/rtc", "http_method": "GET"}}, "signed_callbacks": False}


def item(app_id: str) -> str:
    return f"{APPS}/{app_id}"


def public_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


class Vonage:
    """Vonage API calls through the Flask test client, authenticated, with Accept: application/json."""

    def __init__(self, client):
        self.client = client

    def create(self, **body):
        return self.client.post(APPS, json=body, auth=AUTH, headers=JSON)

    def created(self, **body) -> dict:
        body.setdefault("name", "app")
        response = self.create(**body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def list(self, **query):
        return self.client.get(APPS, query_string=query, auth=AUTH, headers=JSON)

    def get(self, app_id):
        return self.client.get(item(app_id), auth=AUTH, headers=JSON)

    def put(self, app_id, body):
        return self.client.put(item(app_id), json=body, auth=AUTH, headers=JSON)

    def delete(self, app_id):
        return self.client.delete(item(app_id), auth=AUTH, headers=JSON)


@pytest.fixture
def vonage(client):
    return Vonage(client)


def assert_problem(response, status, type_suffix, title=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) >= {"type", "title", "detail", "instance"}
    assert body["type"].endswith(type_suffix), body["type"]
    if title is not None:
        assert body["title"] == title
    return body


def invalid_names(response) -> dict:
    body = assert_problem(response, 400, "#payload-validation", "Bad Request")
    assert body["detail"] == "The request failed due to validation errors"
    return {entry["name"]: entry["reason"] for entry in body["invalid_parameters"]}


# ---- create, key pairs -------------------------------------------------------------
def test_create_generates_a_real_key_pair_and_returns_the_private_key_once(vonage, state):
    response = vonage.create(name="My Application", capabilities={"voice": VOICE, "messages": MESSAGES, "rtc": RTC, "vbc": {}})

    assert response.status_code == 201
    app = response.get_json()
    assert uuid.UUID(app["id"])
    assert app["name"] == "My Application"
    assert app["capabilities"] == {"voice": VOICE, "messages": MESSAGES, "rtc": RTC, "vbc": {}}
    assert app["privacy"] == {"improve_ai": True}
    assert app["_links"] == {"self": {"href": item(app["id"])}}
    private = serialization.load_pem_private_key(app["keys"]["private_key"].encode(), password=None)
    derived = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    assert app["keys"]["public_key"] == derived
    assert app["keys"]["private_key"].startswith("-----BEGIN PRIVATE KEY-----")

    fetched = vonage.get(app["id"]).get_json()
    listed = vonage.list().get_json()["_embedded"]["applications"]
    assert fetched["keys"] == {"public_key": derived}
    assert listed[0]["keys"] == {"public_key": derived}
    assert "PRIVATE KEY" not in str(state.list_applications("vonage"))


def test_every_create_gets_its_own_key_pair(vonage):
    pairs = {(app["keys"]["public_key"], app["keys"]["private_key"]) for app in (vonage.created(name=f"k{n}") for n in range(6))}

    assert len(pairs) == 6 and len({public for public, _private in pairs}) == 6


def test_key_pool_hands_each_pair_out_once_and_makes_one_when_empty():
    pool = vonage_provider.KeyPool(0)  # never fills: every take makes a pair on the spot
    first, second = pool.take(), pool.take()

    assert first != second
    key = serialization.load_pem_private_key(first[0].encode(), password=None)
    assert key.key_size == 2048
    assert key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode() == first[1]


def test_create_with_a_public_key_keeps_it_and_returns_no_private_key(vonage):
    pem = public_pem()

    app = vonage.created(name="own", keys={"public_key": pem})

    assert app["keys"] == {"public_key": pem}


def test_create_without_capabilities_and_with_privacy(vonage):
    app = vonage.created(name="bare", privacy={"improve_ai": False})

    assert "capabilities" not in app
    assert app["privacy"] == {"improve_ai": False}


def test_timeout_is_connect_timeout(vonage):
    app = vonage.created(name="sdk", capabilities={"voice": {"webhooks": {
        "answer_url": {"address": "https://h.example.com/a", "connect_timeout": 400}}}})

    hooks = vonage.get(app["id"]).get_json()["capabilities"]["voice"]["webhooks"]
    assert hooks["answer_url"] == {"address": "https://h.example.com/a", "connect_timeout": 400}


# The live API's answer to the 2021 reference's name (Vonage/vonage-dotnet-sdk issue #625), word for word.
CONNECTION_TIMEOUT_REFUSED = {
    "type": "https://developer.nexmo.com/api-errors/application#payload-validation",
    "title": "Bad Request",
    "detail": 'connection_timeout is not a known json property (4 known properties: "http_method", "address", '
              '"socket_timeout", "connect_timeout"]) : please see https://developer.nexmo.com/api/application.v2',
}


@pytest.mark.parametrize("hook", ["answer_url", "fallback_answer_url", "event_url"])
def test_connection_timeout_is_refused_as_the_live_api_does(vonage, state, hook):
    capabilities = {"voice": {"webhooks": {hook: {"address": "https://h.example.com/a", "connection_timeout": 500}}}}
    response = vonage.create(name="old-name", capabilities=capabilities)

    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json() == CONNECTION_TIMEOUT_REFUSED
    assert state.list_applications("vonage") == []

    app = vonage.created(name="kept")
    response = vonage.put(app["id"], {"name": "kept", "capabilities": capabilities})
    assert response.status_code == 400 and response.get_json() == CONNECTION_TIMEOUT_REFUSED
    assert "capabilities" not in vonage.get(app["id"]).get_json()


@pytest.mark.parametrize("capabilities, detail", [
    ({"rtc": {"webhooks": {"event_url": {"address": "https://h.example.com/r", "socket_timeout": 3000}}}},
     'socket_timeout is not a known json property (2 known properties: "http_method", "address"])'),
    ({"voice": {"webhooks": {"hangup_url": {"address": "https://h.example.com/h"}}}},
     'hangup_url is not a known json property (3 known properties: "answer_url", "fallback_answer_url", "event_url"])'),
    ({"voice": {"ringing": True}},
     'ringing is not a known json property (5 known properties: "webhooks", "signed_callbacks", "conversations_ttl", '
     '"leg_persistence_time", "region"])'),
    ({"fax": {}}, 'fax is not a known json property (5 known properties: "voice", "messages", "rtc", "verify", "vbc"])'),
])
def test_unknown_properties_are_answered_with_only_a_detail(vonage, state, capabilities, detail):
    response = vonage.create(name="bad", capabilities=capabilities)

    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"type", "title", "detail"}  # no invalid_parameters, no instance
    assert body["type"] == "https://developer.nexmo.com/api-errors/application#payload-validation"
    assert body["title"] == "Bad Request"
    assert body["detail"] == detail + " : please see https://developer.nexmo.com/api/application.v2"
    assert state.list_applications("vonage") == []


# ---- get, put, delete ----------------------------------------------------------------
def test_get_unknown_is_a_404_problem(vonage):
    body = assert_problem(vonage.get("78d335fa-323d-0114-9c3d-d6f0d48968cf"), 404, "#not-found", "Not Found")

    assert body["detail"] == "ID '78d335fa-323d-0114-9c3d-d6f0d48968cf' does not exist, or you do not have access"


def test_put_replaces_the_whole_application(vonage):
    app = vonage.created(name="full", capabilities={"voice": VOICE, "rtc": RTC, "vbc": {}}, privacy={"improve_ai": False})

    response = vonage.put(app["id"], {"name": "renamed", "capabilities": {"messages": MESSAGES}})

    assert response.status_code == 200
    updated = response.get_json()
    assert updated["name"] == "renamed"
    assert updated["capabilities"] == {"messages": MESSAGES}  # voice, rtc and vbc were left out: gone
    assert updated["privacy"] == {"improve_ai": True}  # left out: back to the default
    assert updated["keys"] == {"public_key": app["keys"]["public_key"]}  # keys left out: kept
    assert vonage.get(app["id"]).get_json() == updated


def test_put_with_only_a_name_drops_every_capability(vonage):
    app = vonage.created(name="a", capabilities={"voice": VOICE})

    updated = vonage.put(app["id"], {"name": "renamed"}).get_json()

    assert "capabilities" not in updated


def test_put_replaces_the_public_key(vonage):
    app = vonage.created(name="a")
    pem = public_pem()

    updated = vonage.put(app["id"], {"name": "a", "keys": {"public_key": pem}}).get_json()

    assert updated["keys"] == {"public_key": pem}


def test_put_needs_a_name(vonage):
    app = vonage.created(name="a", capabilities={"rtc": RTC})

    assert invalid_names(vonage.put(app["id"], {"capabilities": {"rtc": RTC}})) == {"name": "is required"}
    assert vonage.get(app["id"]).get_json()["name"] == "a"


def test_put_unknown_is_a_404_problem(vonage):
    assert_problem(vonage.put(str(uuid.uuid4()), {"name": "x"}), 404, "#not-found")


def test_delete_answers_204_then_404(vonage):
    app = vonage.created(name="bye")

    assert vonage.delete(app["id"]).status_code == 204
    assert_problem(vonage.delete(app["id"]), 404, "#not-found")
    assert_problem(vonage.get(app["id"]), 404, "#not-found")


def test_verify_version_is_read_only_and_ignored_on_writes(vonage):
    app = vonage.created(name="v", capabilities={"verify": {
        "webhooks": {"status_url": {"address": "https://h.example.com/v", "http_method": "POST"}}, "version": "v2"}})

    assert app["capabilities"]["verify"] == {"webhooks": {"status_url": {"address": "https://h.example.com/v", "http_method": "POST"}}}


# ---- auth and headers -------------------------------------------------------------------
@pytest.mark.parametrize("auth", [None, (CREDS["VONAGE_API_KEY"], "wrong"), ("otherkey", CREDS["VONAGE_API_SECRET"])])
def test_bad_credentials_are_a_401_problem(client, auth):
    response = client.get(APPS, auth=auth)

    body = assert_problem(response, 401, "#unauthorized", "Invalid credentials supplied")
    assert body["detail"] == "You did not provide correct credentials."


def test_other_providers_credentials_are_refused(client):
    assert client.get(APPS, auth=(CREDS["TWILIO_ACCOUNT_SID"], CREDS["TWILIO_AUTH_TOKEN"])).status_code == 401


@pytest.mark.parametrize("method, path", [("PATCH", "/v2/applications/x"), ("DELETE", APPS), ("PUT", APPS), ("TRACE", APPS), ("POST", "/v2/applications/x")])
def test_wrong_verb_is_a_405_problem(client, method, path):
    body = assert_problem(client.open(path, method=method, auth=AUTH), 405, "#wrong-verb", "Request method not allowed")

    assert body["detail"] == f"Request method '{method}' not supported"


def test_accept_must_allow_json(client):
    body = assert_problem(client.get(APPS, auth=AUTH, headers={"Accept": "text/xml"}), 406, "#accept-header", "Invalid Accept header")

    assert body["detail"] == "Invalid Accept header provided. Must be one of the following: 'application/json'"
    assert client.get(APPS, auth=AUTH).status_code == 200  # no Accept at all
    assert client.get(APPS, auth=AUTH, headers={"Accept": "*/*"}).status_code == 200
    assert client.get(APPS, auth=AUTH, headers={"Accept": "application/json; charset=utf-8"}).status_code == 200


@pytest.mark.parametrize("content_type, data", [
    ("application/x-www-form-urlencoded", "name=form"),
    ("text/plain", '{"name": "text"}'),
])
def test_body_content_type_must_be_json(client, state, content_type, data):
    response = client.post(APPS, data=data, content_type=content_type, auth=AUTH)

    body = assert_problem(response, 415, "#content-type-header", "Unsupported Content-Type header")
    assert body["detail"] == "Unsupported Content-Type header provided. Must be one of the following: 'application/json'"
    assert state.list_applications("vonage") == []


def test_malformed_json_and_non_objects_are_refused(client):
    assert invalid_names(client.post(APPS, data="{not json", content_type="application/json", auth=AUTH)) == {"body": "must be valid JSON"}
    assert invalid_names(client.post(APPS, json=["a"], auth=AUTH)) == {"body": "must be a JSON object"}
    assert invalid_names(client.post(APPS, auth=AUTH)) == {"name": "is required"}


def test_unknown_paths_under_v2_are_404_problems_after_auth(client):
    assert client.get("/v2/nothing").status_code == 401
    assert_problem(client.get("/v2/nothing", auth=AUTH), 404, "#not-found")


# ---- payload validation -----------------------------------------------------------------------
def voice_hook(**fields):
    return {"voice": {"webhooks": {"answer_url": dict({"address": "https://h.example.com/a"}, **fields)}}}


@pytest.mark.parametrize("capabilities, name, reason", [
    (voice_hook(http_method="PUT"), "capabilities.voice.webhooks.answer_url.http_method", "must be one of: GET, POST"),
    ({"messages": {"webhooks": {"inbound_url": {"address": "https://h.example.com/i", "http_method": "GET"}}}},
     "capabilities.messages.webhooks.inbound_url.http_method", "must be one of: POST"),
    ({"verify": {"webhooks": {"status_url": {"address": "https://h.example.com/s", "http_method": "GET"}}}},
     "capabilities.verify.webhooks.status_url.http_method", "must be one of: POST"),
    ({"rtc": {"webhooks": {"event_url": {"address": "https://h.example.com/r", "http_method": "DELETE"}}}},
     "capabilities.rtc.webhooks.event_url.http_method", "must be one of: GET, POST"),
    (voice_hook(connect_timeout=299), "capabilities.voice.webhooks.answer_url.connect_timeout", "must be an integer between 300 and 1000"),
    (voice_hook(connect_timeout=1001), "capabilities.voice.webhooks.answer_url.connect_timeout", "must be an integer between 300 and 1000"),
    (voice_hook(socket_timeout=999), "capabilities.voice.webhooks.answer_url.socket_timeout", "must be an integer between 1000 and 10000"),
    (voice_hook(socket_timeout=10001), "capabilities.voice.webhooks.answer_url.socket_timeout", "must be an integer between 1000 and 10000"),
    (voice_hook(socket_timeout="3000"), "capabilities.voice.webhooks.answer_url.socket_timeout", "must be an integer between 1000 and 10000"),
    ({"voice": {"webhooks": {"answer_url": {"address": "ftp://h.example.com/a"}}}},
     "capabilities.voice.webhooks.answer_url.address", "must be an absolute http:// or https:// URL"),
    ({"voice": {"webhooks": {"answer_url": {"http_method": "GET"}}}}, "capabilities.voice.webhooks.answer_url.address", "is required"),
    ({"voice": {"conversations_ttl": 0}}, "capabilities.voice.conversations_ttl", "must be an integer between 1 and 9000"),
    ({"voice": {"conversations_ttl": 9001}}, "capabilities.voice.conversations_ttl", "must be an integer between 1 and 9000"),
    ({"voice": {"leg_persistence_time": 32}}, "capabilities.voice.leg_persistence_time", "must be an integer between 1 and 31"),
    ({"voice": {"region": "moon"}}, "capabilities.voice.region", "must be one of: na-east, na-west, eu-east, eu-west, apac-sng, apac-australia"),
    ({"voice": {"signed_callbacks": "yes"}}, "capabilities.voice.signed_callbacks", "must be a boolean"),
    ({"messages": {"version": ""}}, "capabilities.messages.version", "must be a non-empty string"),
    ({"vbc": {"enabled": True}}, "capabilities.vbc", "must be an empty object"),
])
def test_payload_validation_names_each_invalid_parameter(vonage, state, capabilities, name, reason):
    response = vonage.create(name="bad", capabilities=capabilities)

    assert invalid_names(response) == {name: reason}
    assert state.list_applications("vonage") == []


def test_every_invalid_parameter_is_listed_at_once_and_no_url_is_echoed(vonage):
    secret_url = "ftp://user:pw-77aa@h.example.com/x"
    response = vonage.create(name="", keys={"public_key": "nope"}, privacy={"improve_ai": "no"},
                             capabilities={"voice": {"webhooks": {"answer_url": {"address": secret_url}}}})

    names = invalid_names(response)
    assert set(names) == {"name", "keys.public_key", "privacy.improve_ai", "capabilities.voice.webhooks.answer_url.address"}
    assert "pw-77aa" not in response.get_data(as_text=True)


# ---- list ---------------------------------------------------------------------------------------
def test_list_is_a_paged_hal_envelope(vonage):
    ids = [vonage.created(name=f"app-{n}")["id"] for n in range(5)]

    first = vonage.list(page_size=2).get_json()
    last = vonage.list(page_size=2, page=3).get_json()
    beyond = vonage.list(page_size=2, page=4).get_json()

    assert {k: first[k] for k in ("page_size", "page", "total_items", "total_pages")} == {"page_size": 2, "page": 1, "total_items": 5, "total_pages": 3}
    assert [a["id"] for a in first["_embedded"]["applications"]] == ids[:2]
    assert first["_links"] == {
        "self": {"href": "/v2/applications?page_size=2&page=1"},
        "first": {"href": "/v2/applications?page_size=2&page=1"},
        "last": {"href": "/v2/applications?page_size=2&page=3"},
        "next": {"href": "/v2/applications?page_size=2&page=2"},
    }
    assert [a["id"] for a in last["_embedded"]["applications"]] == ids[4:]
    assert "next" not in last["_links"] and last["_links"]["prev"] == {"href": "/v2/applications?page_size=2&page=2"}
    assert beyond["_embedded"]["applications"] == []


def test_list_defaults_and_empty_account(vonage):
    body = vonage.list().get_json()

    assert body["page_size"] == 10 and body["page"] == 1
    assert body["total_items"] == 0 and body["_embedded"] == {"applications": []}
    assert "next" not in body["_links"]


@pytest.mark.parametrize("query, name, reason", [
    ({"page_size": 0}, "page_size", "must be between 1 and 100"),
    ({"page_size": 101}, "page_size", "must be between 1 and 100"),
    ({"page_size": "ten"}, "page_size", "must be between 1 and 100"),
    ({"page": 0}, "page", "must be an integer of at least 1"),
])
def test_list_validation(vonage, query, name, reason):
    body = assert_problem(vonage.list(**query), 400, "/application#list-validation", "Bad Request")

    assert body["invalid_parameters"] == [{"name": name, "reason": reason}]


# ---- faults and the control API --------------------------------------------------------------------
def test_injected_faults_use_the_vonage_problem_shape(vonage, client):
    client.post("/_sandbox/faults", json={"provider": "vonage", "method": "POST", "kind": "status", "status": 429, "retry_after": 2})
    client.post("/_sandbox/faults", json={"provider": "vonage", "method": "GET", "kind": "status", "status": 503})

    limited = vonage.create(name="x")
    unavailable = vonage.list()

    body = assert_problem(limited, 429, "#rate-limit", "Rate Limit Hit")
    assert body["type"] == "https://developer.vonage.com/api-errors#rate-limit"
    assert body["detail"] == "Please wait, then retry your request"
    assert limited.headers["Retry-After"] == "2"
    assert_problem(unavailable, 503, "#internal-error", "Service Unavailable")
    assert vonage.list().get_json()["total_items"] == 0


def test_requests_are_logged_with_headers_and_without_the_secret(vonage, client):
    vonage.created(name="logged")

    [entry] = client.get("/_sandbox/requests", query_string={"provider": "vonage"}).get_json()["requests"]
    assert entry["method"] == "POST" and entry["path"] == APPS and entry["status"] == 201
    assert entry["authorization"] == "Basic" and entry["auth_user"] == CREDS["VONAGE_API_KEY"]
    assert entry["headers"]["Accept"] == "application/json" and entry["content_type"] == "application/json"
    assert CREDS["VONAGE_API_SECRET"] not in str(entry)


def test_out_of_band_change_is_a_deep_merge(vonage, client):
    app = vonage.created(name="drift", capabilities={"voice": VOICE, "rtc": RTC})

    response = client.patch(f"/_sandbox/vonage/applications/{app['id']}", json={
        "capabilities": {"voice": {"webhooks": {"answer_url": {"address": "https://attacker.example.net/a"}}}, "rtc": None}})

    assert response.status_code == 200
    changed = vonage.get(app["id"]).get_json()
    assert changed["capabilities"]["voice"]["webhooks"]["answer_url"] == dict(VOICE["webhooks"]["answer_url"], address="https://attacker.example.net/a")
    assert changed["capabilities"]["voice"]["webhooks"]["event_url"] == VOICE["webhooks"]["event_url"]
    assert "rtc" not in changed["capabilities"]
    assert client.patch(f"/_sandbox/vonage/applications/{app['id']}", json={"id": "x"}).status_code == 400
    assert client.patch(f"/_sandbox/vonage/applications/{app['id']}", json={"keys": {"private_key": "x"}}).status_code == 400


def test_over_real_http_like_the_sdk(live):
    session = requests.Session()
    session.auth = AUTH
    session.headers["Accept"] = "application/json"

    created = session.post(live.url + APPS, json={"name": "probe app", "capabilities": {"voice": {"webhooks": {
        "answer_url": {"address": "https://example.com/answer", "http_method": "GET"},
        "event_url": {"address": "https://example.com/event", "http_method": "POST", "connect_timeout": 500, "socket_timeout": 3000}},
        "signed_callbacks": True}}}, timeout=30)
    app_id = created.json()["id"]
    # The SDK's shared header dict sends Content-Type on later GETs and DELETEs too: harmless.
    session.headers["Content-Type"] = "application/json"
    listed = session.get(live.url + APPS, params={"page_size": 100}, timeout=30)
    renamed = session.put(live.url + item(app_id), json={"name": "renamed"}, timeout=30)
    deleted = session.delete(live.url + item(app_id), timeout=30)

    assert created.status_code == 201 and "private_key" in created.json()["keys"]
    assert listed.status_code == 200 and listed.json()["total_items"] == 1
    assert renamed.status_code == 200 and renamed.json()["name"] == "renamed" and "capabilities" not in renamed.json()
    assert deleted.status_code == 204 and deleted.content == b""
