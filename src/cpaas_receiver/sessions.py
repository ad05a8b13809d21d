"""Server-side sessions of the web page.

The session cookie (signed by Flask) carries a random session id; the database keeps
only its SHA-256 and an expiry, so logging out (or the expiry) ends the session for
every copy of the cookie, and a copy of the database cannot be used to log in.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import request
from flask.sessions import SecureCookieSessionInterface

LIFETIME = timedelta(hours=8)


def _hash(session_id):
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class UiSessions:
    """Open, check and close sessions in the receiver's store (shared by every worker and receiver)."""

    def __init__(self, store, lifetime=LIFETIME):
        self.store = store
        self.lifetime = lifetime.total_seconds()

    def open(self):
        """A new session id, valid for the lifetime; expired sessions are removed on the way."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        self.store.open_session(_hash(session_id), now + self.lifetime, now)
        return session_id

    def valid(self, session_id):
        if not isinstance(session_id, str) or not session_id:
            return False
        expires_at = self.store.session_expiry(_hash(session_id))
        return expires_at is not None and expires_at > time.time()

    def close(self, session_id):
        if isinstance(session_id, str) and session_id:
            self.store.close_session(_hash(session_id))


class ReceiverSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked ``Secure`` whenever the page is reached over https.

    That is: the request itself is https, a proxy says so (``X-Forwarded-Proto``), or
    it came by the host of an https ``public_base_url``. A plain-http request to the
    receiver's own address (a tunnel, a test) keeps a cookie the browser sends back.
    """

    def get_cookie_secure(self, app):
        if request.is_secure:
            return True
        if request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower() == "https":
            return True
        base = urlsplit(app.config["RECEIVER"].public_base_url or "")
        return base.scheme == "https" and base.netloc.lower() == request.host.lower()
