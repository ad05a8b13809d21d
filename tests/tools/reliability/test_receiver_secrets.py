"""Secrets on the receiver's pages: none of the configured or presented secrets shows.

Endpoints with basic-auth passwords and signing secrets receive events with the right
credentials, a wrong password, a forged signature and a bearer token; then every page a
person or a tool can read (the web pages, the event pages, the JSON API, the endpoint
list, the OpenAPI document, the health check) is fetched and searched for every secret.
"""

from __future__ import annotations

import re

import pytest
from cpaas_module_utils.webhooks import signatures

from cpaas_receiver.app import create_app
from cpaas_receiver.config import config_from_dict

ADMIN = "receiver-admin-Tk38sd"
PASSWORD = "receiver-basic-Wq71mc"
WRONG_PASSWORD = "wrong-basic-Ze55pp"
SIGNING = "receiver-signing-Lx09ru"
ADDED_PASSWORD = "added-basic-Gg42hn"
ADDED_SECRET = "added-signing-Rb17yt"
STRANGER_TOKEN = "stranger-bearer-Mm62ka"
SECRETS = (ADMIN, PASSWORD, WRONG_PASSWORD, SIGNING, ADDED_PASSWORD, ADDED_SECRET, STRANGER_TOKEN)


@pytest.fixture
def client(tmp_path):
    config = config_from_dict({
        "admin_token": ADMIN,
        "endpoints": [
            {"path": "/twilio/voice", "provider": "twilio", "methods": ["POST"],
             "basic_auth": {"username": "tw", "password": PASSWORD}, "signing_secret": SIGNING},
            {"path": "/generic", "provider": "generic", "methods": ["POST"]},
        ],
    }, environ={})
    return create_app(config, str(tmp_path / "events.db")).test_client()


def _basic(user, password):
    import base64
    return {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()}


def test_no_secret_on_any_page(client):
    admin = {"Authorization": "Bearer " + ADMIN}
    url = "http://localhost/twilio/voice"
    params = {"CallSid": "CA1", "CallStatus": "ringing"}
    good = dict(_basic("tw", PASSWORD), **{"X-Twilio-Signature": signatures.twilio_signature(SIGNING, url, params)})
    assert client.post("/twilio/voice", data=params, headers=good).status_code == 200
    assert client.post("/twilio/voice", data=params, headers=dict(good, **_basic("tw", WRONG_PASSWORD))).status_code == 401
    assert client.post("/twilio/voice", data=params, headers=dict(good, **{"X-Twilio-Signature": "forged"})).status_code == 403
    assert client.post("/generic", data=b"x", headers={"Authorization": "Bearer " + STRANGER_TOKEN}).status_code in (200, 204)
    added = client.post("/api/endpoints", headers=admin, json={
        "path": "/vonage/added", "provider": "vonage", "basic_auth": {"username": "vo", "password": ADDED_PASSWORD},
        "signing_secret": ADDED_SECRET})
    assert added.status_code == 201
    assert client.post("/vonage/added", data=b"{}", headers=_basic("vo", ADDED_PASSWORD)).status_code in (200, 204, 403)

    events = client.get("/api/events", headers=admin).get_json()["events"]
    assert len(events) >= 5
    pages = ["/healthz", "/api/openapi.yaml", "/api/events", "/api/endpoints", "/api/endpoints/twilio/voice",
             "/api/endpoints/vonage/added", "/ui/", "/ui/events.json", "/ui/login"]
    pages += ["/api/events/%d" % event["id"] for event in events] + ["/ui/events/%d" % event["id"] for event in events]
    seen = 0
    for page in pages:
        response = client.get(page, headers=admin)
        assert response.status_code == 200, (page, response.status_code)
        text = response.get_data(as_text=True)
        found = [secret for secret in SECRETS if secret in text]
        assert not found, "%s shows %s" % (page, found)
        seen += len(text)
    # The pages were real pages with the events on them, not empty answers.
    assert seen > 10000
    event_page = client.get("/ui/events/%d" % events[-1]["id"], headers=admin).get_data(as_text=True)
    assert re.search(r"CA1|ringing", event_page)
