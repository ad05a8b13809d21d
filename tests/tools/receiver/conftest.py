"""Fixtures of the callback receiver's tests.

``receiver`` builds the Flask app from a config dict and gives a test client;
``served_receiver`` runs the real command on a free loopback port (granian, its default,
unless ``server=`` names one of ``SERVERS``; tests of what the HTTP server does take the
``server`` fixture and run on both). Both run once per event store (the ``database``
fixture: SQLite, and PostgreSQL on a throwaway server).
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml

from cpaas_receiver.app import create_app
from cpaas_receiver.config import config_from_dict

ADMIN_TOKEN = "admin-token-for-tests"
ROOT = Path(__file__).resolve().parents[3]
RECEIVER_BIN = Path(sys.executable).with_name("cpaas-receiver")
SERVERS = ("granian", "gunicorn")  # cpaas-receiver --server: the default first

ENDPOINTS = [
    {"path": "/twilio/voice", "provider": "twilio", "methods": ["POST"],
     "basic_auth": {"username": "twuser", "password": "twpass"}, "signing_secret": "12345"},
    {"path": "/twilio/status", "provider": "twilio", "kind": "status", "methods": ["POST", "GET"], "signing_secret": "12345"},
    {"path": "/vonage/answer", "provider": "vonage", "methods": ["GET", "POST"], "signing_secret": "vonage-signature-secret"},
    {"path": "/vonage/event", "provider": "vonage", "kind": "status", "methods": ["POST"], "signing_secret": "vonage-signature-secret"},
    {"path": "/bandwidth/voice", "provider": "bandwidth", "methods": ["POST"], "basic_auth": {"username": "bwuser", "password": "bw-pass"}},
    {"path": "/bandwidth/messaging", "provider": "bandwidth", "kind": "status", "methods": ["POST"]},
    {"path": "/vobiz/answer", "provider": "vobiz", "methods": ["POST"], "signing_secret": "vobiz-auth-token"},
    {"path": "/generic", "provider": "generic", "methods": ["POST", "PUT"]},
]


def base_config(**overrides):
    config = {"admin_token": ADMIN_TOKEN, "endpoints": [dict(e) for e in ENDPOINTS]}
    config.update(overrides)
    return config


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def bearer(token=ADMIN_TOKEN):
    return {"Authorization": "Bearer " + token}


class Receiver:
    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def last_event(self):
        events = self.client.get("/api/events?limit=1", headers=bearer()).get_json()["events"]
        return self.event(events[0]["id"]) if events else None

    def event(self, event_id):
        return self.client.get("/api/events/%d" % event_id, headers=bearer()).get_json()


@pytest.fixture
def make_receiver(database):
    made = []

    def make(**overrides):
        config = config_from_dict(base_config(**overrides), environ={})
        made.append(Receiver(create_app(config, database)))
        return made[-1]

    yield make
    for receiver in made:
        receiver.app.store.close()


@pytest.fixture
def receiver(make_receiver):
    return make_receiver()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedReceiver:
    """The real ``cpaas-receiver`` command on loopback (``server``: its ``--server``, None for its default)."""

    def __init__(self, workdir, config, database, extra_args=(), server=None):
        self.workdir = Path(workdir)
        self.config_path = self.workdir / "receiver.yml"
        self.config_path.write_text(yaml.safe_dump(config))
        self.database = database
        self.db = Path(database) if "://" not in database else None  # the SQLite file
        self.extra_args = list(extra_args) + (["--server", server] if server else [])
        self.server = server
        self.proc = None
        self.port = None
        self.log = self.workdir / "receiver.log"

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        self.port = free_port()
        env = dict(os.environ)
        env.pop(  # the token comes from the config file in these tests
            "CPAAS_RECEIVER_ADMIN_TOKEN", None)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(RECEIVER_BIN), "--config", str(self.config_path), "--host", "127.0.0.1", "--port", str(self.port),
                 "--db", self.database, *self.extra_args],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the receiver exited early:\n" + self.log.read_text())
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the receiver did not answer /healthz:\n" + self.log.read_text())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


@pytest.fixture(params=SERVERS)
def server(request):
    """The HTTP server of a test whose promise depends on it: each test runs on both."""
    return request.param


@pytest.fixture
def served_receiver(tmp_path, database):
    started = []

    def start(config=None, extra_args=(), server=None):
        served = ServedReceiver(tmp_path, config or base_config(), database, extra_args, server)
        started.append(served)
        return served.start()

    yield start
    for served in started:
        served.stop()


def raw_event_row(store, event_id):
    """The stored row of an event as the database holds it (SQLite or PostgreSQL), past every API."""
    query = "SELECT headers, checks, auth_user FROM events WHERE id = "
    if hasattr(store, "_conn"):
        return tuple(store._conn().execute(query + "?", (event_id,)).fetchone())
    with store._connection() as conn:
        return tuple(conn.execute(query + "%s", (event_id,)).fetchone().values())
