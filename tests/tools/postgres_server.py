"""A throwaway PostgreSQL server for the tests and the benchmarks.

Debian's PostgreSQL binaries (``/usr/lib/postgresql/<version>/bin``), a cluster made by
``initdb`` in a temporary folder, run by an unprivileged user (``nobody`` when we are
root: PostgreSQL refuses to run as root), listening on a free loopback port only, with
password (SCRAM) authentication so that the receiver's URLs carry a real password.
``stop()`` stops it and removes the folder; the fixtures call it on failure too.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "cpaas"
REQUIRE_ENV = "CPAAS_REQUIRE_POSTGRESQL"


def find_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    def __init__(self, bindir):
        self.bindir = Path(bindir)
        self.password = "pg-" + secrets.token_hex(12)
        self.folder = Path(tempfile.mkdtemp(prefix="cpaas-pg-"))
        self.data = self.folder / "data"
        self.port = None
        self._count = 0
        self._runas = None
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self._runas = "nobody"
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)

    def _run(self, *args, timeout=120):
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._runas:
            command = ["runuser", "-u", self._runas, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout)

    def start(self):
        pwfile = self.folder / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self._runas:
            shutil.chown(pwfile, self._runas)
        try:
            self._run("initdb", "-D", str(self.data), "-U", USER, "--pwfile", str(pwfile), "--auth", "scram-sha-256",
                      "--encoding", "UTF8", "--locale", "C", "--no-instructions")
        finally:
            pwfile.unlink()
        self.port = _free_port()
        options = "-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=200 -c fsync=on" % (self.port, self.folder)
        try:
            self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options, "-w", "-t", "60", "start")
        except subprocess.CalledProcessError as exc:
            log = (self.folder / "server.log").read_text(errors="replace") if (self.folder / "server.log").exists() else ""
            self.stop()
            raise RuntimeError("PostgreSQL did not start: %s\n%s" % (exc.stderr, log)) from exc
        return self

    def url(self, database="postgres", password=True):
        secret = ":" + self.password if password else ""
        return "postgresql://%s%s@127.0.0.1:%d/%s" % (USER, secret, self.port, database)

    def admin(self, sql, database="postgres"):
        """Run one statement outside a transaction (CREATE DATABASE cannot run inside one)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=10) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else None

    def new_database(self):
        """A fresh, empty database; its URL (with the password)."""
        self._count += 1
        name = "t%d_%s" % (self._count, secrets.token_hex(3))
        self.admin("CREATE DATABASE %s" % name)
        return self.url(name)

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                self._kill_postmaster()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _kill_postmaster(self):
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 9)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.1)
        except (OSError, ValueError, IndexError):
            pass


def start_server():
    """A started server, or None when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None:
        return None
    return PostgresServer(bindir).start()
