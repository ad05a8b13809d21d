"""Choosing the event store, its schema versions, and what only a shared store has to get right.

The schema checks tamper with the version the way a newer receiver would leave it, with
the database's own client; the command-line checks run the real ``cpaas-receiver``.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading

import psycopg
import pytest

from cpaas_receiver.app import create_app
from cpaas_receiver.config import config_from_dict
from cpaas_receiver.database import is_postgres_url, mask_database_url
from cpaas_receiver.store import SCHEMA_VERSION, StoreError

from .conftest import RECEIVER_BIN, base_config, bearer

postgresql_only = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


def _set_schema_version(database, version):
    if is_postgres_url(database):
        with psycopg.connect(database) as conn:
            conn.execute("UPDATE cpaas_receiver_schema SET version = %s", (version,))
    else:
        with sqlite3.connect(database) as conn:
            conn.execute("PRAGMA user_version = %d" % version)


def test_the_live_feed_pages_forward_on_both_stores(make_receiver):
    """The page's live list asks for the events after the newest it shows, oldest first (live.js puts each on top)."""
    receiver = make_receiver()
    ids = [int(receiver.client.post("/generic", data=b"%d" % n).headers["X-Receiver-Event-Id"]) for n in range(3)]
    feed = receiver.client.get("/ui/events.json?after_id=%d" % ids[0], headers=bearer()).get_json()
    assert [e["id"] for e in feed["events"]] == [ids[1], ids[2]]
    assert feed["more"] is False


def test_a_schema_newer_than_the_receiver_is_refused(database, make_receiver):
    receiver = make_receiver()
    receiver.client.post("/generic", data=b"kept")
    receiver.app.store.close()
    _set_schema_version(database, SCHEMA_VERSION + 1)

    with pytest.raises(StoreError, match=r"schema version %d, newer than the %d this receiver knows" % (SCHEMA_VERSION + 1, SCHEMA_VERSION)):
        create_app(config_from_dict(base_config(), environ={}), database)


def test_the_command_refuses_a_newer_schema_with_a_clear_message(database, tmp_path, make_receiver):
    make_receiver().app.store.close()
    _set_schema_version(database, SCHEMA_VERSION + 7)
    config = tmp_path / "receiver.yml"
    config.write_text("admin_token: command-token-123\nendpoints: []\n")
    done = subprocess.run([str(RECEIVER_BIN), "--config", str(config), "--db", database, "--port", "9"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "schema version %d, newer than the %d this receiver knows" % (SCHEMA_VERSION + 7, SCHEMA_VERSION) in done.stderr
    assert "Traceback" not in done.stderr


@postgresql_only
def test_the_schema_is_created_once_when_receivers_start_together(database):
    config = config_from_dict(base_config(), environ={})
    apps, errors = [], []

    def start():
        try:
            apps.append(create_app(config, database))
        except Exception as exc:  # noqa: BLE001 - any failure of a concurrent start is the finding
            errors.append(exc)

    threads = [threading.Thread(target=start) for _n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert not errors, errors
        assert len(apps) == 6
        with psycopg.connect(database) as conn:
            assert conn.execute("SELECT version FROM cpaas_receiver_schema").fetchall() == [(SCHEMA_VERSION,)]
        first = apps[0].test_client().post("/generic", data=b"one")
        assert first.status_code in (200, 204)
        listed = apps[-1].test_client().get("/api/events", headers=bearer()).get_json()["events"]
        assert [e["id"] for e in listed] == [int(first.headers["X-Receiver-Event-Id"])]
    finally:
        for app in apps:
            app.store.close()


def test_after_id_pages_forward_in_id_order(make_receiver):
    receiver = make_receiver()
    ids = [int(receiver.client.post("/generic", data=b"%d" % n).headers["X-Receiver-Event-Id"]) for n in range(7)]
    seen, after = [], ids[0]
    for _page in range(10):  # bounded: 6 events in pages of 4 take 2 pages, then an empty one
        page = receiver.client.get("/api/events?limit=4&after_id=%d" % after, headers=bearer()).get_json()["events"]
        if not page:
            break
        seen.extend(e["id"] for e in page)
        after = page[-1]["id"]
    assert seen == ids[1:]


@postgresql_only
def test_the_password_of_a_database_url_is_never_shown(database, tmp_path):
    password = database.split(":")[2].split("@")[0]
    assert password and password in database
    config = tmp_path / "receiver.yml"
    config.write_text("admin_token: command-token-123\nendpoints: []\ndatabase: '%s'\n" % database)
    checked = subprocess.run([str(RECEIVER_BIN), "--config", str(config), "--check-config"],
                             capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0, checked.stderr
    assert mask_database_url(database) in checked.stdout and password not in checked.stdout + checked.stderr

    # the server refuses a wrong password: the message names the database, masked
    wrong = database.replace(password, "wrong-" + password)
    refused = subprocess.run([str(RECEIVER_BIN), "--config", str(config), "--db", wrong, "--port", "9"],
                             capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 2
    assert "cannot use the database postgresql://cpaas:********@127.0.0.1" in refused.stderr
    assert "password authentication failed" in refused.stderr
    assert password not in refused.stdout + refused.stderr


def _closed_loopback_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_postgresql_is_a_clear_error(tmp_path):
    config = tmp_path / "receiver.yml"
    config.write_text("admin_token: command-token-123\nendpoints: []\n")
    url = "postgresql://user:s3cret-pw@127.0.0.1:%d/events" % _closed_loopback_port()
    done = subprocess.run([str(RECEIVER_BIN), "--config", str(config), "--port", "9"], env={"CPAAS_RECEIVER_DATABASE": url, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "cannot use the database postgresql://user:********@127.0.0.1" in done.stderr
    assert "s3cret-pw" not in done.stderr and "Traceback" not in done.stderr


def test_the_database_setting_precedence(tmp_path):
    config = tmp_path / "receiver.yml"
    config.write_text("admin_token: command-token-123\nendpoints: []\ndatabase: %s\n" % (tmp_path / "from-config.db"))

    def check(env, *args):
        done = subprocess.run([str(RECEIVER_BIN), "--config", str(config), "--check-config", *args],
                              env=dict(env, PATH="/usr/bin:/bin"), capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().rsplit(" ", 1)[-1]

    env_url = "postgresql://u:env-pw@127.0.0.1:5/x"
    assert check({}) == str(tmp_path / "from-config.db")
    assert check({"CPAAS_RECEIVER_DATABASE": env_url}) == "postgresql://u:********@127.0.0.1:5/x"
    assert check({"CPAAS_RECEIVER_DATABASE": env_url}, "--db", str(tmp_path / "cli.db")) == str(tmp_path / "cli.db")


@pytest.mark.parametrize("url, shown", [
    ("postgresql://u:p%40ss@db.example:5432/events", "postgresql://u:********@db.example:5432/events"),
    ("postgres://u@[::1]/events?password=pw&sslmode=require", "postgres://u@[::1]/events?password=********&sslmode=require"),
    ("postgresql://u@db/events", "postgresql://u@db/events"),
    ("/var/lib/cpaas-receiver/events.db", "/var/lib/cpaas-receiver/events.db"),
])
def test_mask_database_url(url, shown):
    assert mask_database_url(url) == shown


@pytest.mark.parametrize("value", [5, "", "   ", ["x"]])
def test_a_bad_database_setting_is_refused(value):
    from cpaas_receiver.config import ConfigError

    with pytest.raises(ConfigError, match="database must be a SQLite file path or a postgresql:// URL"):
        config_from_dict(base_config(database=value), environ={})


def test_a_sqlite_file_from_before_schema_versions_is_kept_and_marked(tmp_path):
    from cpaas_receiver.store import SCHEMA

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # as a receiver without schema versions left it
        conn.executescript(SCHEMA)
        conn.execute("INSERT INTO events (received_at, method, path, headers, verdict, status, checks)"
                     " VALUES ('2026-01-01T00:00:00.000000Z', 'POST', '/old', '[]', 'accepted', 200, '{}')")
    receiver = create_app(config_from_dict(base_config(), environ={}), str(path))
    try:
        listed = receiver.test_client().get("/api/events", headers=bearer()).get_json()["events"]
        assert [e["path"] for e in listed] == ["/old"]
    finally:
        receiver.store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
