"""SQLite (WAL) storage of events and of endpoints added at run time.

Each call opens its own short transaction, so several gunicorn workers can share
one database file. ``add_event`` commits before it returns: the receiver answers a
callback only after its event is on disk.

Endpoint passwords added through the API are stored as salted PBKDF2 hashes; a
signing secret has to be stored as it is (an HMAC cannot be checked otherwise), so
the database file is created readable by its owner only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
from datetime import datetime, timezone

from .config import Endpoint

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    endpoint TEXT,
    provider TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    remote_addr TEXT,
    content_type TEXT,
    headers TEXT NOT NULL,
    body BLOB,
    body_size INTEGER NOT NULL DEFAULT 0,
    body_stored INTEGER NOT NULL DEFAULT 1,
    auth_user TEXT,
    verdict TEXT NOT NULL,
    status INTEGER NOT NULL,
    checks TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_endpoint ON events (endpoint, id);
CREATE INDEX IF NOT EXISTS events_received ON events (received_at);
CREATE TABLE IF NOT EXISTS endpoints (
    path TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    kind TEXT NOT NULL,
    methods TEXT NOT NULL,
    username TEXT,
    password_hash TEXT,
    signing_secret TEXT,
    created_at TEXT NOT NULL
);
"""

VERDICTS = ("accepted", "method_not_allowed", "unauthorized", "bad_signature", "too_large", "incomplete", "unexpected")


def utcnow():
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def hash_password(password, salt=None, iterations=60_000):
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return "pbkdf2_sha256$%d$%s$%s" % (iterations, base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


def check_password(password, stored):
    try:
        _algo, iterations, salt, digest = stored.split("$")
        candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations))
    except (ValueError, AttributeError):
        return False
    return hmac.compare_digest(candidate, base64.b64decode(digest))


class Store:
    def __init__(self, path):
        self.path = path
        self._local = threading.local()
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        if not os.path.exists(path):
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        conn = self._conn()
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
        conn.commit()

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            self._local.pid = os.getpid()
        return conn

    def journal_mode(self):
        return self._conn().execute("PRAGMA journal_mode").fetchone()[0]

    # ------------------------------------------------------------ events

    def add_event(self, event):
        """Insert an event and commit; return its id."""
        conn = self._conn()
        with conn:  # BEGIN ... COMMIT
            cur = conn.execute(
                "INSERT INTO events (received_at, endpoint, provider, method, path, query, url, remote_addr, content_type,"
                " headers, body, body_size, body_stored, auth_user, verdict, status, checks)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event.get("received_at") or utcnow(),
                    event.get("endpoint"),
                    event.get("provider"),
                    event["method"],
                    event["path"],
                    event.get("query", ""),
                    event.get("url", ""),
                    event.get("remote_addr"),
                    event.get("content_type"),
                    json.dumps(event.get("headers", [])),
                    event.get("body"),
                    event.get("body_size", 0),
                    1 if event.get("body_stored", True) else 0,
                    event.get("auth_user"),
                    event["verdict"],
                    event["status"],
                    json.dumps(event.get("checks", {})),
                ),
            )
        return cur.lastrowid

    @staticmethod
    def _row(row, with_body):
        event = {
            "id": row["id"],
            "received_at": row["received_at"],
            "endpoint": row["endpoint"],
            "provider": row["provider"],
            "method": row["method"],
            "path": row["path"],
            "query": row["query"],
            "url": row["url"],
            "remote_addr": row["remote_addr"],
            "content_type": row["content_type"],
            "body_size": row["body_size"],
            "body_stored": bool(row["body_stored"]),
            "auth_user": row["auth_user"],
            "verdict": row["verdict"],
            "status": row["status"],
            "checks": json.loads(row["checks"]),
        }
        if with_body:
            event["headers"] = [list(h) for h in json.loads(row["headers"])]
            event["body"] = bytes(row["body"]) if row["body"] is not None else b""
        return event

    def list_events(self, endpoint=None, provider=None, verdict=None, since=None, after_id=None, limit=100):
        clauses, args = [], []
        for column, value in (("endpoint", endpoint), ("provider", provider), ("verdict", verdict)):
            if value is not None:
                clauses.append("%s = ?" % column)
                args.append(value)
        if since is not None:
            clauses.append("received_at >= ?")
            args.append(since)
        if after_id is not None:
            clauses.append("id > ?")
            args.append(after_id)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._conn().execute(
            "SELECT * FROM events%s ORDER BY id DESC LIMIT ?" % where,  # noqa: S608 - clauses are fixed strings
            (*args, int(limit)),
        ).fetchall()
        return [self._row(r, with_body=False) for r in rows]

    def get_event(self, event_id):
        row = self._conn().execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        return self._row(row, with_body=True) if row else None

    def clear_events(self, endpoint=None):
        conn = self._conn()
        with conn:
            if endpoint is None:
                cur = conn.execute("DELETE FROM events")
            else:
                cur = conn.execute("DELETE FROM events WHERE endpoint = ?", (endpoint,))
        return cur.rowcount

    def summary(self):
        """Per endpoint: counts by verdict and the last event (id, time, verdict)."""
        result = {}
        for row in self._conn().execute("SELECT endpoint, verdict, COUNT(*) AS n FROM events GROUP BY endpoint, verdict"):
            result.setdefault(row["endpoint"], {"counts": {}, "last": None})["counts"][row["verdict"]] = row["n"]
        for row in self._conn().execute(
            "SELECT e.endpoint, e.id, e.received_at, e.verdict, e.method FROM events e"
            " JOIN (SELECT endpoint, MAX(id) AS id FROM events GROUP BY endpoint) m ON e.id = m.id"
        ):
            result.setdefault(row["endpoint"], {"counts": {}, "last": None})["last"] = {
                "id": row["id"],
                "received_at": row["received_at"],
                "verdict": row["verdict"],
                "method": row["method"],
            }
        return result

    def count_events(self):
        return self._conn().execute("SELECT COUNT(*) FROM events").fetchone()[0]

    # ------------------------------------------------------------ endpoints added at run time

    def add_endpoint(self, endpoint):
        conn = self._conn()
        with conn:
            conn.execute(
                "INSERT INTO endpoints (path, provider, kind, methods, username, password_hash, signing_secret, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    endpoint.path,
                    endpoint.provider,
                    endpoint.kind,
                    json.dumps(list(endpoint.methods)),
                    endpoint.username,
                    hash_password(endpoint.password) if endpoint.password is not None else None,
                    endpoint.signing_secret,
                    utcnow(),
                ),
            )

    def remove_endpoint(self, path):
        conn = self._conn()
        with conn:
            cur = conn.execute("DELETE FROM endpoints WHERE path = ?", (path,))
        return cur.rowcount > 0

    def endpoints(self):
        rows = self._conn().execute("SELECT * FROM endpoints ORDER BY path").fetchall()
        return [
            Endpoint(
                path=r["path"],
                provider=r["provider"],
                kind=r["kind"],
                methods=tuple(json.loads(r["methods"])),
                username=r["username"],
                password_hash=r["password_hash"],
                signing_secret=r["signing_secret"],
                source="api",
            )
            for r in rows
        ]

    def get_endpoint(self, path):
        found = [e for e in self.endpoints() if e.path == path]
        return found[0] if found else None
