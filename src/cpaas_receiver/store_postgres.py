"""PostgreSQL storage of events and endpoints, for several receivers sharing one store.

The same methods as the SQLite :class:`~cpaas_receiver.store.Store`, over psycopg 3
with a connection pool per process (gunicorn forks its workers after the app is
built, and a pool's connections and threads must not cross a fork).

- ``add_event`` commits before it returns, as on SQLite: the answer follows the commit.
- Event ids become visible in id order: an insert takes a short transaction-level
  lock, so a tool that pages with ``after_id`` never steps over an id that another
  receiver committed a moment later. That serialises the inserts (one commit at a
  time), as SQLite's single writer does.
- The schema is versioned (table ``cpaas_receiver_schema``) and migrated on start
  under an advisory lock, so receivers that start together migrate it once; a
  receiver refuses a schema newer than it knows.
"""

from __future__ import annotations

import json
import os
import threading

from .config import Endpoint
from .database import mask_database_url
from .store import SCHEMA_VERSION, EndpointExists, StoreError, event_from_row, event_values, hash_password, schema_too_new, utcnow

try:
    import psycopg
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool
except ImportError:  # the receiver without its `postgresql` extra: SQLite only
    psycopg = None

# Arbitrary 64-bit keys of the advisory locks (pg_advisory_*lock), one per purpose.
MIGRATION_LOCK = 0x63706161_73000001
INSERT_LOCK = 0x63706161_73000002

# Each entry moves the schema from version N-1 to N; never edit one that was released.
MIGRATIONS = {
    1: (
        # received_at keeps the receiver's ISO 8601 UTC text, as on SQLite, so that the
        # API shows the same strings and `since` compares the same way on both stores.
        """CREATE TABLE events (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
            body BYTEA,
            body_size INTEGER NOT NULL DEFAULT 0,
            body_stored BOOLEAN NOT NULL DEFAULT TRUE,
            auth_user TEXT,
            verdict TEXT NOT NULL,
            status INTEGER NOT NULL,
            checks TEXT NOT NULL
        )""",
        "CREATE INDEX events_endpoint ON events (endpoint, id)",
        "CREATE INDEX events_received ON events (received_at)",
        """CREATE TABLE endpoints (
            path TEXT PRIMARY KEY,
            provider TEXT NOT NULL,
            kind TEXT NOT NULL,
            methods TEXT NOT NULL,
            username TEXT,
            password_hash TEXT,
            signing_secret TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE TABLE ui_sessions (id_hash TEXT PRIMARY KEY, expires_at DOUBLE PRECISION NOT NULL)",
    ),
}
assert max(MIGRATIONS) == SCHEMA_VERSION  # noqa: S101 - a release must not ship one without the other

EVENT_COLUMNS = (
    "received_at", "endpoint", "provider", "method", "path", "query", "url", "remote_addr", "content_type",
    "headers", "body", "body_size", "body_stored", "auth_user", "verdict", "status", "checks",
)

INSERT_EVENT = "INSERT INTO events (%s) VALUES (%s) RETURNING id" % (  # noqa: S608 - column names are constants
    ", ".join(EVENT_COLUMNS), ", ".join(["%s"] * len(EVENT_COLUMNS)))


def migrate(conn, where):
    """Bring the schema to SCHEMA_VERSION in one transaction; return the version found."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS cpaas_receiver_schema (version INTEGER NOT NULL)")
        row = conn.execute("SELECT max(version) AS version FROM cpaas_receiver_schema").fetchone()
        found = row["version"] or 0
        if found > SCHEMA_VERSION:
            raise schema_too_new(found, where)
        for version in range(found + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute("INSERT INTO cpaas_receiver_schema (version) VALUES (%s)", (version,))
    return found


class PostgresStore:
    def __init__(self, url, pool_size=4):
        if psycopg is None:
            raise StoreError(
                "database %s needs psycopg 3 and psycopg_pool: install the receiver with its `postgresql` extra"
                " (pip install 'psycopg[binary]' psycopg-pool)" % mask_database_url(url)
            )
        self.url = url
        self.pool_size = pool_size
        self._pool_lock = threading.Lock()
        self._pool = None
        self._pool_pid = None
        try:
            with psycopg.connect(url, row_factory=dict_row, connect_timeout=10) as conn:
                migrate(conn, self.describe())
        except psycopg.Error as exc:
            raise StoreError("cannot use the database %s: %s" % (self.describe(), str(exc).strip())) from exc

    def describe(self):
        return mask_database_url(self.url)

    def _connection(self):
        """A pooled connection (context manager: commits on success, rolls back on error)."""
        with self._pool_lock:
            if self._pool is None or self._pool_pid != os.getpid():
                # A pool inherited through fork() belongs to the parent: start this process's own.
                self._pool = ConnectionPool(
                    self.url, min_size=1, max_size=self.pool_size, open=True,
                    kwargs={"row_factory": dict_row}, check=ConnectionPool.check_connection,
                    name="cpaas-receiver",
                )
                self._pool_pid = os.getpid()
            pool = self._pool
        return pool.connection(timeout=30)

    def close(self):
        with self._pool_lock:
            if self._pool is not None and self._pool_pid == os.getpid():
                self._pool.close()
            self._pool = None

    def schema_version(self):
        with self._connection() as conn:
            return conn.execute("SELECT max(version) AS version FROM cpaas_receiver_schema").fetchone()["version"]

    # ------------------------------------------------------------ events

    def add_event(self, event):
        """Insert an event and commit; return its id."""
        values = event_values(event)
        with self._connection() as conn:
            # Held until the commit: ids are handed out in commit order (see the module's docstring).
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (INSERT_LOCK,))
            row = conn.execute(INSERT_EVENT, values).fetchone()
        return row["id"]

    def list_events(self, endpoint=None, provider=None, verdict=None, since=None, after_id=None, limit=100, until=None):
        """The newest events first; with ``after_id``, the events after that id, oldest first."""
        clauses, args = [], []
        for column, value in (("endpoint", endpoint), ("provider", provider), ("verdict", verdict)):
            if value is not None:
                clauses.append("%s = %%s" % column)
                args.append(value)
        if since is not None:
            clauses.append("received_at >= %s")
            args.append(since)
        if until is not None:
            clauses.append("received_at < %s")
            args.append(until)
        if after_id is not None:
            clauses.append("id > %s")
            args.append(int(after_id))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        order = "ASC" if after_id is not None else "DESC"
        columns = ", ".join(("id",) + tuple(c for c in EVENT_COLUMNS if c not in ("headers", "body")))
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT %s FROM events%s ORDER BY id %s LIMIT %%s" % (columns, where, order),  # noqa: S608 - fixed strings
                (*args, int(limit)),
            ).fetchall()
        return [event_from_row(r, with_body=False) for r in rows]

    def get_event(self, event_id):
        with self._connection() as conn:
            row = conn.execute("SELECT * FROM events WHERE id = %s", (int(event_id),)).fetchone()
        return event_from_row(row, with_body=True) if row else None

    def clear_events(self, endpoint=None):
        with self._connection() as conn:
            if endpoint is None:
                cur = conn.execute("DELETE FROM events")
            else:
                cur = conn.execute("DELETE FROM events WHERE endpoint = %s", (endpoint,))
            return cur.rowcount

    def summary(self):
        """Per endpoint: counts by verdict and the last event (id, time, verdict)."""
        result = {}
        with self._connection() as conn:
            counts = conn.execute("SELECT endpoint, verdict, COUNT(*) AS n FROM events GROUP BY endpoint, verdict").fetchall()
            lasts = conn.execute(
                "SELECT DISTINCT ON (endpoint) endpoint, id, received_at, verdict, method FROM events ORDER BY endpoint, id DESC"
            ).fetchall()
        for row in counts:
            result.setdefault(row["endpoint"], {"counts": {}, "last": None})["counts"][row["verdict"]] = row["n"]
        for row in lasts:
            result.setdefault(row["endpoint"], {"counts": {}, "last": None})["last"] = {
                "id": row["id"],
                "received_at": row["received_at"],
                "verdict": row["verdict"],
                "method": row["method"],
            }
        return result

    def count_events(self):
        with self._connection() as conn:
            return conn.execute("SELECT COUNT(*) AS n FROM events").fetchone()["n"]

    # ------------------------------------------------------------ endpoints added at run time

    def add_endpoint(self, endpoint):
        """Store an endpoint; :class:`EndpointExists` when its path is taken."""
        try:
            with self._connection() as conn:
                conn.execute(
                    "INSERT INTO endpoints (path, provider, kind, methods, username, password_hash, signing_secret, created_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
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
        except psycopg.errors.UniqueViolation as exc:
            raise EndpointExists(endpoint.path) from exc

    def remove_endpoint(self, path):
        with self._connection() as conn:
            return conn.execute("DELETE FROM endpoints WHERE path = %s", (path,)).rowcount > 0

    @staticmethod
    def _endpoint(r):
        return Endpoint(
            path=r["path"],
            provider=r["provider"],
            kind=r["kind"],
            methods=tuple(json.loads(r["methods"])),
            username=r["username"],
            password_hash=r["password_hash"],
            signing_secret=r["signing_secret"],
            source="api",
        )

    def endpoints(self):
        with self._connection() as conn:
            rows = conn.execute("SELECT * FROM endpoints ORDER BY path").fetchall()
        return [self._endpoint(r) for r in rows]

    def get_endpoint(self, path):
        with self._connection() as conn:
            row = conn.execute("SELECT * FROM endpoints WHERE path = %s", (path,)).fetchone()
        return self._endpoint(row) if row else None

    # ------------------------------------------------------------ web page sessions (only hashes of their ids)

    def open_session(self, id_hash, expires_at, now):
        with self._connection() as conn:
            conn.execute("DELETE FROM ui_sessions WHERE expires_at <= %s", (now,))
            conn.execute("INSERT INTO ui_sessions (id_hash, expires_at) VALUES (%s, %s)", (id_hash, expires_at))

    def session_expiry(self, id_hash):
        with self._connection() as conn:
            row = conn.execute("SELECT expires_at FROM ui_sessions WHERE id_hash = %s", (id_hash,)).fetchone()
        return row["expires_at"] if row else None

    def close_session(self, id_hash):
        with self._connection() as conn:
            conn.execute("DELETE FROM ui_sessions WHERE id_hash = %s", (id_hash,))
