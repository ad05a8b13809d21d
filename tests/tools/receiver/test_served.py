"""The real command: granian by default, gunicorn with ``--server gunicorn``, events surviving a restart,
WAL, hostile bodies over HTTP.

Each test runs on both stores (SQLite, PostgreSQL), and where the HTTP server matters on both
servers (the ``server`` fixture); what the store holds is read with the database's own client,
not through the receiver.
"""

from __future__ import annotations

import http.client
import socket
import sqlite3
import subprocess
from urllib.parse import urlencode

import psycopg
import requests
from cpaas_module_utils.webhooks import signatures as sig

from .conftest import RECEIVER_BIN, base_config, bearer

SERVER_HEADER = {"granian": "granian", "gunicorn": "gunicorn"}  # what each server names itself

ENTITY_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>\n<lolz>&lol9;</lolz>\n"
)


def server_of(served):
    return requests.get(served.url + "/healthz", timeout=10).headers.get("Server", "")


def test_granian_serves_by_default(served_receiver):
    assert server_of(served_receiver()) == SERVER_HEADER["granian"]


def test_served_and_events_survive_a_restart(served_receiver, server):
    served = served_receiver(server=server)
    assert server_of(served).startswith(SERVER_HEADER[server])
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
    assert server_of(served).startswith(SERVER_HEADER[server])
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


def test_oversized_and_hostile_bodies_over_http(served_receiver, server):
    config = base_config(max_body_bytes=64 * 1024)
    served = served_receiver(config, server=server)
    big = requests.post(served.url + "/generic", data=b"A" * (200 * 1024), timeout=10)
    assert big.status_code == 413
    bomb = requests.post(served.url + "/generic", data=ENTITY_BOMB, headers={"Content-Type": "application/xml"}, timeout=10)
    assert bomb.status_code == 200
    events = requests.get(served.url + "/api/events", headers=bearer(), timeout=10).json()["events"]
    assert [e["verdict"] for e in events[:2]] == ["accepted", "too_large"]
    stored = requests.get(served.url + "/api/events/%d" % events[0]["id"], headers=bearer(), timeout=10).json()
    assert stored["body_text"].encode() == ENTITY_BOMB  # stored as sent, never expanded


def test_chunked_oversized_body_is_refused(served_receiver, server):
    served = served_receiver(base_config(max_body_bytes=1024), server=server)

    def chunks():
        for _chunk in range(8):
            yield b"B" * 512

    response = requests.post(served.url + "/generic", data=chunks(), timeout=10)
    assert response.status_code == 413
    event = requests.get(served.url + "/api/events/%s" % response.headers["X-Receiver-Event-Id"], headers=bearer(), timeout=10).json()
    assert (event["verdict"], event["body_stored"], event["body_size"]) == ("too_large", False, 4096)


def test_a_body_declared_far_over_the_limit_is_refused_without_waiting_for_it(served_receiver, server):
    """Over DRAIN_FACTOR times the limit the body is not read at all: the 413 comes at once,
    not after the body deadline (a minute here), although the client sends almost nothing."""
    served = served_receiver(base_config(max_body_bytes=1024), extra_args=["--body-timeout", "60"], server=server)
    with socket.create_connection(("127.0.0.1", served.port), timeout=20) as sock:
        sock.sendall(b"POST /generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\nfirst bytes")
        answer = b""
        while True:  # up to the end: the rest of the body is never read, so the connection must close
            chunk = sock.recv(4096)  # a receiver that waited for the body would time out here
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert answer.count(b"HTTP/1.") == 1  # one answer, then the end of the connection
    event = requests.get(served.url + "/api/events", headers=bearer(), timeout=10).json()["events"][0]
    assert (event["verdict"], event["status"], event["body_stored"], event["body_size"]) == ("too_large", 413, False, 10000000)


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
    for server in (None, "gunicorn"):
        served = served_receiver(server=server)
        assert "Werkzeug" not in server_of(served)
        served.stop()


def _post_from(source, served, path, body, headers):
    """A request sent from the loopback address ``source`` (the whole of 127.0.0.0/8 is this machine)."""
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10, source_address=(source, 0))
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read()  # headers: case-insensitive
    finally:
        conn.close()


def test_an_https_proxy_on_loopback_is_believed_and_no_one_else(served_receiver, server):
    """Behind a TLS proxy on the same machine (127.0.0.1 or ::1), ``X-Forwarded-Proto: https`` makes the
    URL the provider signed an https one and the page's session cookie Secure; the same header from
    any other address changes nothing."""
    served = served_receiver(server=server)
    params = {"CallSid": "CA77", "CallStatus": "completed"}
    body = urlencode(params)
    signed = sig.twilio_signature("12345", "https://hooks.example.com/twilio/status", params)
    headers = {"Host": "hooks.example.com", "X-Forwarded-Proto": "https", "X-Twilio-Signature": signed,
               "Content-Type": "application/x-www-form-urlencoded"}
    status, answer, _body = _post_from("127.0.0.1", served, "/twilio/status", body, headers)
    event = requests.get(served.url + "/api/events/%s" % answer["X-Receiver-Event-Id"], headers=bearer(), timeout=10).json()
    assert (status, event["verdict"], event["url"]) == (204, "accepted", "https://hooks.example.com/twilio/status")

    status, answer, _body = _post_from("127.0.0.2", served, "/twilio/status", body, headers)
    event = requests.get(served.url + "/api/events/%s" % answer["X-Receiver-Event-Id"], headers=bearer(), timeout=10).json()
    assert (status, event["verdict"], event["url"]) == (403, "bad_signature", "http://hooks.example.com/twilio/status")
    assert event["remote_addr"] == "127.0.0.2"  # the request did come from the other address

    login = requests.get(served.url + "/ui/login", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    plain = requests.get(served.url + "/ui/login", timeout=10)
    assert "; Secure" in login.headers["Set-Cookie"] and "Secure" not in plain.headers["Set-Cookie"]


def test_a_chunked_request_to_the_api_is_read_whole(served_receiver, server):
    """The API and the page are Flask's: a body without Content-Length (chunked) reaches them whole
    on both servers (werkzeug reads such a body only when the server says the stream is terminated)."""
    served = served_receiver(server=server)

    def chunks():
        yield b'{"path": "/chunked-later", '
        yield b'"provider": "generic"}'

    created = requests.post(served.url + "/api/endpoints", data=chunks(), timeout=10,
                            headers=dict(bearer(), **{"Content-Type": "application/json"}))
    assert created.status_code == 201, created.text
    assert requests.post(served.url + "/chunked-later", data=b"x", timeout=10).status_code == 200
