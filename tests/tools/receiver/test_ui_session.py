"""The web page's session: CSRF on the login form, an expiry, Secure behind https, dead after logout."""

from __future__ import annotations

import hashlib
import re
import time
import types
from pathlib import Path

import pytest

from cpaas_receiver import sessions

from .conftest import ADMIN_TOKEN

COOKIE = "cpaas_receiver_session"


def csrf_of(page):
    match = re.search(rb'name="csrf" value="([^"]+)"', page.data)
    assert match, page.data
    return match.group(1).decode()


def log_in(client, **kwargs):
    form = client.get("/ui/login", **kwargs)
    response = client.post("/ui/login", data={"token": ADMIN_TOKEN, "csrf": csrf_of(form), "next": "/ui/"}, **kwargs)
    assert response.status_code == 302, response.data
    return response


def set_cookie_header(response):
    return [v for v in response.headers.getlist("Set-Cookie") if v.startswith(COOKIE + "=")][-1]


def test_login_form_carries_a_csrf_token_and_a_post_without_it_is_refused(receiver):
    client = receiver.client
    form = client.get("/ui/login")
    token = csrf_of(form)
    for sent in ({"token": ADMIN_TOKEN}, {"token": ADMIN_TOKEN, "csrf": ""}, {"token": ADMIN_TOKEN, "csrf": token + "x"}):
        response = client.post("/ui/login", data=sent)
        assert response.status_code == 400 and b"expired" in response.data
        assert client.get("/ui/").status_code == 302  # still logged out
    assert client.post("/ui/login", data={"token": ADMIN_TOKEN, "csrf": token}).status_code == 302
    assert client.get("/ui/").status_code == 200


def test_a_login_form_from_another_browser_session_is_refused(make_receiver):
    receiver = make_receiver()
    attacker = receiver.app.test_client()
    token = csrf_of(attacker.get("/ui/login"))
    victim = receiver.app.test_client()
    assert victim.post("/ui/login", data={"token": ADMIN_TOKEN, "csrf": token}).status_code == 400


def test_session_cookie_has_an_expiry_and_is_not_secure_over_plain_http(receiver):
    header = set_cookie_header(log_in(receiver.client))
    assert re.search(r"Expires=", header) and "HttpOnly" in header and "SameSite=Strict" in header
    assert "Secure" not in header


@pytest.mark.parametrize("how", ["https request", "forwarded proto", "public host"])
def test_session_cookie_is_secure_behind_https(make_receiver, how):
    receiver = make_receiver(public_base_url="https://hooks.example.com")
    kwargs = {
        "https request": {"base_url": "https://receiver.internal"},
        "forwarded proto": {"headers": {"X-Forwarded-Proto": "https"}},
        "public host": {"base_url": "http://hooks.example.com"},
    }[how]
    header = set_cookie_header(log_in(receiver.client, **kwargs))
    assert "; Secure" in header


def test_logout_ends_the_session_for_every_copy_of_the_cookie(make_receiver):
    receiver = make_receiver()
    client = receiver.client
    log_in(client)
    stolen = client.get_cookie(COOKIE).value
    page = client.get("/ui/")
    assert page.status_code == 200
    assert client.post("/ui/logout", data={"csrf": csrf_of(page)}).status_code == 302
    replay = receiver.app.test_client()
    replay.set_cookie(COOKIE, stolen)
    assert replay.get("/ui/").status_code == 302
    assert replay.get("/ui/events.json").status_code == 401


def test_a_session_expires_on_the_server_too(make_receiver, monkeypatch):
    receiver = make_receiver()
    log_in(receiver.client)
    assert receiver.client.get("/ui/").status_code == 200
    # The store's own clock is what ends it: nine hours later (past the 8 h lifetime) the
    # same cookie, still signed and unexpired as far as the browser knows, is refused.
    later = time.time() + 9 * 3600
    monkeypatch.setattr(sessions, "time", types.SimpleNamespace(time=lambda: later))
    assert receiver.client.get("/ui/").status_code == 302


def test_the_database_never_holds_a_usable_session_id(make_receiver):
    receiver = make_receiver()
    log_in(receiver.client)
    stolen = receiver.client.get_cookie(COOKIE).value
    from flask.sessions import SecureCookieSessionInterface

    session_id = SecureCookieSessionInterface().get_signing_serializer(receiver.app).loads(stolen)["sid"]
    assert session_id.encode() not in stored_bytes(receiver.app.store)
    # ... while the hash that stands in for it is there (so the search above looked in the right place)
    assert hashlib.sha256(session_id.encode()).hexdigest().encode() in stored_bytes(receiver.app.store)


def stored_bytes(store):
    """Everything the store holds about sessions, as bytes: the SQLite files, or PostgreSQL's table."""
    if hasattr(store, "path"):
        return b"".join(p.read_bytes() for p in Path(store.path).parent.glob(Path(store.path).name + "*"))
    with store._connection() as conn:
        rows = conn.execute("SELECT id_hash, expires_at FROM ui_sessions").fetchall()
    return repr(rows).encode()
