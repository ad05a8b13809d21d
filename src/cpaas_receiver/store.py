"""SQLite (WAL) storage of events and of endpoints added at run time.

Each call opens its own short transaction, so several gunicorn workers can share
one database file. ``add_event`` commits before it returns: the receiver answers a
callback only after its event is on disk (``synchronous=FULL``: the WAL is synced).

Group commit: the events that the threads of a worker hand in while a commit is under
way are written together by the next commit, in one transaction and one sync of the
WAL, and each thread returns once the commit that holds its event is done. The
workers take turns at writing through a lock file next to the database (``flock``),
which wakes the next writer at once, where SQLite's own busy handler sleeps for
milliseconds.

Endpoint passwords added through the API are stored as salted PBKDF2 hashes (a
password verified once is remembered in memory by a keyed hash, above the store:
``verification.check_password``, the same for SQLite and PostgreSQL); a
signing secret has to be stored as it is (an HMAC cannot be checked otherwise), so
the database file is created readable by its owner only.

This is the default store; ``database.open_store`` picks the PostgreSQL one
(``store_postgres``) for a ``postgresql://`` URL. Both have the same methods.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import mmap
import os
import secrets
import sqlite3
import struct
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
CREATE TABLE IF NOT EXISTS ui_sessions (
    id_hash TEXT PRIMARY KEY,
    expires_at REAL NOT NULL
);
"""

# The schema version this receiver writes and knows (SQLite: PRAGMA user_version).
SCHEMA_VERSION = 1

INSERT_EVENT = (
    "INSERT INTO events (received_at, endpoint, provider, method, path, query, url, remote_addr, content_type,"
    " headers, body, body_size, body_stored, auth_user, verdict, status, checks)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
ENDPOINT_CACHE_MAX = 1024  # paths remembered per process (endpoints added through the API, and unknown paths)
MAX_ROWS_PER_INSERT = 500  # 17 values a row: far below SQLite's limit of 32,766 variables a statement
_ROW_PLACEHOLDERS = "(" + ", ".join("?" * 17) + ")"


def insert_events(count):
    """INSERT_EVENT for ``count`` rows in one statement."""
    return INSERT_EVENT.rpartition(" VALUES ")[0] + " VALUES " + ", ".join([_ROW_PLACEHOLDERS] * count)


VERDICTS = ("accepted", "method_not_allowed", "unauthorized", "bad_signature", "too_large", "incomplete", "unexpected")


def event_values(event):
    """The INSERT_EVENT values of an event, for either store."""
    return (
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
        bool(event.get("body_stored", True)),
        event.get("auth_user"),
        event["verdict"],
        event["status"],
        json.dumps(event.get("checks", {})),
    )


def event_from_row(row, with_body):
    """An event as the API shows it, from a row of either store."""
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


class StoreError(RuntimeError):
    """The event store cannot be used (unreachable, or a schema this receiver does not know)."""


class EndpointExists(ValueError):
    """An endpoint with this path is already stored."""


def schema_too_new(found, where):
    return StoreError(
        "the event store %s has schema version %d, newer than the %d this receiver knows;"
        " upgrade the receiver (a newer one migrated it)" % (where, found, SCHEMA_VERSION)
    )


def utcnow():
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def hash_password(password, salt=None, iterations=60_000):
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return "pbkdf2_sha256$%d$%s$%s" % (iterations, base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


class WriteLock:
    """An exclusive ``flock`` on a file next to the database, held while one process writes."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)

    def __enter__(self):
        fcntl.flock(self.fd, fcntl.LOCK_EX)  # blocks without the GIL; released if the process dies
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)


class EndpointGeneration:
    """A counter of changes to the endpoints added through the API, shared by every process
    that opens the database: an 8-byte file next to it, mapped into memory.

    Reading it is a memory read, with no system call and no query: a callback to an endpoint
    added through the API is looked up in the process's memory as long as the counter is
    unchanged (a query per callback made such endpoints slower than configured ones: the
    thread let go of the GIL for it and had to win it back). A change bumps the counter
    before and after its commit, so a lookup that read the table in between is not kept."""

    SIZE = 8

    def __init__(self, path):
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
        except FileExistsError:
            pass
        self.fd = os.open(path, os.O_RDWR)
        if os.fstat(self.fd).st_size < self.SIZE:
            os.ftruncate(self.fd, self.SIZE)  # extends with zeros; never shortens a counter
        self.map = mmap.mmap(self.fd, self.SIZE)  # shared with every process, forked workers too

    def value(self):
        return struct.unpack_from("<Q", self.map, 0)[0]

    def bump(self):
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            struct.pack_into("<Q", self.map, 0, (self.value() + 1) % 2 ** 64)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)


class _Slot:
    """One event handed in: its values, then its id or the error of its commit."""

    __slots__ = ("values", "event_id", "error", "done", "wake")

    def __init__(self, values):
        self.values = values
        self.event_id = None
        self.error = None
        self.done = False
        self.wake = threading.Lock()  # held until the thread may go on: its event is written, or it leads
        self.wake.acquire()


class GroupCommit:
    """Leader and followers: the thread that finds no commit under way writes every event
    handed in so far in one transaction; the others wait for the commit that holds theirs.

    Each waiting thread sleeps on a lock of its own: a commit wakes exactly the threads whose
    events it wrote, and hands the lead to the first thread still waiting (whose event came
    too late for it). A shared condition woke every waiting thread at each commit, and each
    of them had to take the condition's lock in turn to find out whether it was done."""

    def __init__(self, write):
        self.write = write
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._pending = []
        self._writing = False

    def submit(self, values):
        slot = _Slot(values)
        with self._lock:
            self._pending.append(slot)
            leads = not self._writing
            self._writing = True
        if not leads:
            slot.wake.acquire()  # released by a leader: written (done), or this thread leads the next commit
            if slot.done:
                return self._result(slot)
        with self._lock:
            batch, self._pending = self._pending, []
        try:
            ids = self.write([each.values for each in batch])
            for each, event_id in zip(batch, ids, strict=True):
                each.event_id = event_id
        except BaseException as exc:  # every event of the batch fails with its commit
            for each in batch:
                each.error = exc
            raise
        finally:
            for each in batch:
                each.done = True
                if each is not slot:
                    each.wake.release()
            with self._lock:
                if self._pending:
                    self._pending[0].wake.release()  # the next leader (the commit stays "under way")
                else:
                    self._writing = False
        return self._result(slot)

    @staticmethod
    def _result(slot):
        if slot.error is not None:
            raise slot.error
        return slot.event_id


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
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise schema_too_new(found, path)
        # Version 0 is a new file or one from before versioning: both get the version 1 tables.
        conn.executescript(SCHEMA)
        conn.execute("PRAGMA user_version = %d" % SCHEMA_VERSION)
        conn.commit()
        self._endpoint_generation = EndpointGeneration(path + ".endpoints")
        self._endpoint_cache = {}  # path -> (generation it was read at, Endpoint or None)

    def describe(self):
        return os.path.abspath(self.path)

    def close(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

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
        """Insert an event and commit (together with the events of other threads); return its id."""
        return self._group_commit().submit(event_values(event))

    def _group_commit(self):
        committer = getattr(self, "_committer", None)
        if committer is None or committer.pid != os.getpid():
            committer = self._committer = GroupCommit(self._write_events)
        return committer

    def _write_events(self, rows):
        """One transaction for ``rows``; their ids, in order. Committed (WAL synced) on return."""
        conn = self._conn()
        chunks = [rows[start:start + MAX_ROWS_PER_INSERT] for start in range(0, len(rows), MAX_ROWS_PER_INSERT)]
        ids = []
        with self._write_lock():
            # One statement (in autocommit mode, its own transaction) for up to
            # MAX_ROWS_PER_INSERT events: each statement lets go of the GIL while SQLite
            # works and has to win it back from the other threads afterwards, which under
            # load took longer than the insert itself (BEGIN, an INSERT per event and COMMIT
            # took 10 ms for 18 events at 100 connections). The ids of one INSERT into an
            # AUTOINCREMENT table under the write lock are consecutive, ending at lastrowid.
            if len(chunks) > 1:
                conn.execute("BEGIN IMMEDIATE")
            try:
                for chunk in chunks:
                    last = conn.execute(insert_events(len(chunk)), [value for values in chunk for value in values]).lastrowid
                    ids.extend(range(last - len(chunk) + 1, last + 1))
                if len(chunks) > 1:
                    conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return ids

    def _write_lock(self):
        lock = getattr(self._local, "write_lock", None)
        if lock is None or self._local.lock_pid != os.getpid():
            lock = self._local.write_lock = WriteLock(self.path + ".write-lock")
            self._local.lock_pid = os.getpid()
        return lock

    def list_events(self, endpoint=None, provider=None, verdict=None, since=None, after_id=None, limit=100, until=None):
        """Events without bodies: the newest first, or with ``after_id`` the next ones in id order."""
        clauses, args = [], []
        for column, value in (("endpoint", endpoint), ("provider", provider), ("verdict", verdict)):
            if value is not None:
                clauses.append("%s = ?" % column)
                args.append(value)
        if since is not None:
            clauses.append("received_at >= ?")
            args.append(since)
        if until is not None:
            clauses.append("received_at < ?")
            args.append(until)
        if after_id is not None:
            clauses.append("id > ?")
            args.append(after_id)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        # Paging forward (after_id) takes the oldest events after that id, in id order, so
        # that no event is skipped; otherwise the newest come first.
        order = "ASC" if after_id is not None else "DESC"
        rows = self._conn().execute(
            "SELECT * FROM events%s ORDER BY id %s LIMIT ?" % (where, order),  # noqa: S608 - clauses are fixed strings
            (*args, int(limit)),
        ).fetchall()
        return [event_from_row(r, with_body=False) for r in rows]

    def get_event(self, event_id):
        row = self._conn().execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        return event_from_row(row, with_body=True) if row else None

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
        """Store an endpoint; :class:`EndpointExists` when its path is taken."""
        conn = self._conn()
        self._endpoint_generation.bump()
        try:
            self._insert_endpoint(conn, endpoint)
        except sqlite3.IntegrityError as exc:
            raise EndpointExists(endpoint.path) from exc
        finally:
            self._endpoint_generation.bump()

    @staticmethod
    def _insert_endpoint(conn, endpoint):
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
        self._endpoint_generation.bump()
        try:
            with conn:
                cur = conn.execute("DELETE FROM endpoints WHERE path = ?", (path,))
        finally:
            self._endpoint_generation.bump()
        return cur.rowcount > 0

    def endpoints(self):
        rows = self._conn().execute("SELECT * FROM endpoints ORDER BY path").fetchall()
        return [self._endpoint(r) for r in rows]

    @staticmethod
    def _endpoint(row):
        return Endpoint(
            path=row["path"],
            provider=row["provider"],
            kind=row["kind"],
            methods=tuple(json.loads(row["methods"])),
            username=row["username"],
            password_hash=row["password_hash"],
            signing_secret=row["signing_secret"],
            source="api",
        )

    def get_endpoint(self, path):
        """The endpoint added through the API at ``path``, or None; from memory while no
        process has changed the endpoints since it was read (see EndpointGeneration)."""
        generation = self._endpoint_generation.value()
        cached = self._endpoint_cache.get(path)
        if cached is not None and cached[0] == generation:
            return cached[1]
        row = self._conn().execute("SELECT * FROM endpoints WHERE path = ?", (path,)).fetchone()
        endpoint = self._endpoint(row) if row else None
        if len(self._endpoint_cache) >= ENDPOINT_CACHE_MAX:
            self._endpoint_cache.clear()  # unknown paths are the client's choice: the cache stays small
        self._endpoint_cache[path] = (generation, endpoint)
        return endpoint

    # ------------------------------------------------------------ web page sessions (only hashes of their ids)

    def open_session(self, id_hash, expires_at, now):
        """Keep a new session until ``expires_at``; sessions expired by ``now`` go on the way."""
        with self._conn() as conn:
            conn.execute("DELETE FROM ui_sessions WHERE expires_at <= ?", (now,))
            conn.execute("INSERT INTO ui_sessions (id_hash, expires_at) VALUES (?, ?)", (id_hash, expires_at))

    def session_expiry(self, id_hash):
        """When the session ends (a UNIX time), or None for a session not kept."""
        row = self._conn().execute("SELECT expires_at FROM ui_sessions WHERE id_hash = ?", (id_hash,)).fetchone()
        return row[0] if row else None

    def close_session(self, id_hash):
        with self._conn() as conn:
            conn.execute("DELETE FROM ui_sessions WHERE id_hash = ?", (id_hash,))
