"""Fixtures for the sandbox tests: an app with the documented default credentials,
its test client, a live server on a free loopback port, and a small Twilio helper."""

from __future__ import annotations

import pytest

from cpaas_sandbox.app import create_app
from cpaas_sandbox.credentials import load_credentials
from cpaas_sandbox.server import SandboxServer

CREDS = load_credentials({})  # the documented defaults, whatever the environment says
ACCOUNT_SID = CREDS["TWILIO_ACCOUNT_SID"]
TWILIO_AUTH = (ACCOUNT_SID, CREDS["TWILIO_AUTH_TOKEN"])
APPS_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Applications.json"


def app_path(sid: str) -> str:
    return f"/2010-04-01/Accounts/{ACCOUNT_SID}/Applications/{sid}.json"


@pytest.fixture
def app():
    app = create_app(environ={})
    app.config["TESTING"] = True
    return app


@pytest.fixture
def state(app):
    return app.extensions["cpaas_sandbox"].state


@pytest.fixture
def client(app):
    return app.test_client()


class Twilio:
    """Twilio Applications API calls through the Flask test client, authenticated."""

    def __init__(self, client):
        self.client = client
        self.auth = TWILIO_AUTH

    def create(self, **form):
        return self.client.post(APPS_PATH, data=form, auth=self.auth)

    def created_sid(self, **form) -> str:
        response = self.create(**form)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["sid"]

    def list(self, **query):
        return self.client.get(APPS_PATH, query_string=query, auth=self.auth)

    def get(self, sid):
        return self.client.get(app_path(sid), auth=self.auth)

    def update(self, sid, **form):
        return self.client.post(app_path(sid), data=form, auth=self.auth)

    def delete(self, sid):
        return self.client.delete(app_path(sid), auth=self.auth)


@pytest.fixture
def twilio(client):
    return Twilio(client)


@pytest.fixture
def live():
    """A real threaded server on 127.0.0.1 (free port); ``live.url``, ``live.state``."""
    server = SandboxServer(create_app(environ={})).start()
    try:
        yield server
    finally:
        server.stop()
