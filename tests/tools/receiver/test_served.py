"""The real command: gunicorn on loopback, events surviving a restart, WAL, hostile bodies over HTTP.

Each test runs on both stores (SQLite, PostgreSQL); what the store holds is read with
the database's own client, not through the receiver.
"""

from __future__ import annotations

import sqlite3
import subprocess

import psycopg
import requests
from cpaas_module_utils.webhooks import signatures as sig

from .conftest import RECEIVER_BIN, base_config, bearer

ENTITY_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>\n<lolz>&lol9;</lolz>\n"
)


def test_served_by_gunicorn_and_events_survive_a_restart(served_receiver):
    served = served_receiver()
    assert requests.get(served.url + "/healthz", timeout=10).headers["Server"].startswith("gunicorn")
    url = served.url + "/twilio/voice"
    params = {"CallSid": "CA42", "CallStatus": "ringing"}
    headers = {"X-Twilio-Signature": sig.twilio_signature("12345", url, params)}
    first = requests.post(url, data=params, headers=headers, timeout=10)
    assert first.status_code == 401 and first.headers["WWW-Authenticate"].startswith("Basic realm=")
    second = requests.post(url, data=params, headers=headers, auth=("twuser", "twpass"), timeout=10)
    assert second.status_code == 200 and b"<Response/>" in second.content
    event_id = int(second.headers["X-Receiver-Event-Id"])

    # committed before the answer went out: another connection sees it right away
    if served.db is not None:
        with sqlite3.connect(served.db) as conn:
            assert conn.execute("SELECT verdict FROM events WHERE id = ?", (event_id,)).fetchone() == ("accepted",)
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    else:
        with psycopg.connect(served.database) as conn:
            assert conn.execute("SELECT verdict FROM events WHERE id = %s", (event_id,)).fetchone() == ("accepted",)

    served.stop()
    served.start()
    events = requests.get(served.url + "/api/events", headers=bearer(), timeout=10).json()["events"]
    assert [(e["id"], e["verdict"]) for e in events[:2]] == [(event_id, "accepted"), (event_id - 1, "unauthorized")]


def test_endpoints_added_through_the_api_survive_a_restart(served_receiver):
    served = served_receiver()
    created = requests.post(served.url + "/api/endpoints", headers=bearer(), timeout=10,
                            json={"path": "/later", "provider": "generic", "basic_auth": {"username": "a", "password": "b-secret"}})
    assert created.status_code == 201
    served.stop()
    served.start()
    assert requests.post(served.url + "/later", data=b"x", timeout=10).status_code == 401
    assert requests.post(served.url + "/later", data=b"x", auth=("a", "b-secret"), timeout=10).status_code == 200
    if served.db is not None:
        assert b"b-secret" not in served.db.read_bytes()
    else:
        with psycopg.connect(served.database) as conn:
            rows = conn.execute("SELECT endpoints::text FROM endpoints").fetchall()
        assert len(rows) == 1 and "/later" in rows[0][0] and "b-secret" not in rows[0][0]


def test_oversized_and_hostile_bodies_over_http(served_receiver):
    config = base_config(max_body_bytes=64 * 1024)
    served = served_receiver(config)
    big = requests.post(served.url + "/generic", data=b"A" * (200 * 1024), timeout=10)
    assert big.status_code == 413
    bomb = requests.post(served.url + "/generic", data=ENTITY_BOMB, headers={"Content-Type": "application/xml"}, timeout=10)
    assert bomb.status_code == 200
    events = requests.get(served.url + "/api/events", headers=bearer(), timeout=10).json()["events"]
    assert [e["verdict"] for e in events[:2]] == ["accepted", "too_large"]
    stored = requests.get(served.url + "/api/events/%d" % events[0]["id"], headers=bearer(), timeout=10).json()
    assert stored["body_text"].encode() == ENTITY_BOMB  # stored as sent, never expanded


def test_chunked_oversized_body_is_refused(served_receiver):
    served = served_receiver(base_config(max_body_bytes=1024))

    def chunks():
        for _chunk in range(8):
            yield b"B" * 512

    response = requests.post(served.url + "/generic", data=chunks(), timeout=10)
    assert response.status_code == 413


def test_admin_token_from_the_environment_wins(tmp_path):
    config = tmp_path / "c.yml"
    config.write_text("admin_token: short\nendpoints: []\n")
    bad = subprocess.run([str(RECEIVER_BIN), "--config", str(config), "--check-config"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "at least 8 characters" in bad.stderr
    good = subprocess.run([str(RECEIVER_BIN), "--config", str(config), "--check-config"], capture_output=True, text=True, check=False,
                          env={"CPAAS_RECEIVER_ADMIN_TOKEN": "long-enough-token", "PATH": "/usr/bin:/bin"})
    assert good.returncode == 0, good.stderr


def test_dev_server_only_with_the_flag(served_receiver):
    served = served_receiver(extra_args=["--dev-server"])
    response = requests.post(served.url + "/bandwidth/voice", json={}, auth=("bwuser", "bw-pass"), timeout=10)
    assert response.status_code == 200
    assert "Werkzeug" in response.headers.get("Server", "")
    served.stop()
    served = served_receiver()
    assert requests.get(served.url + "/healthz", timeout=10).headers["Server"].startswith("gunicorn")
