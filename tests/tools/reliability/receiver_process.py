"""The receiver as the callback_receiver role runs it (``cpaas-receiver``: its default server, granian,
with 2 worker processes; or ``server="gunicorn"``: 2 threaded gunicorn workers; SQLite WAL or a PostgreSQL
URL) on a free loopback port, in a process group of its own so that a test can kill exactly it (the main
process and its workers) and nothing else."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import yaml

RECEIVER_BIN = Path(sys.executable).with_name("cpaas-receiver")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ReceiverProcess:
    def __init__(self, workdir, config, workers=2, database=None, server=None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_path = self.workdir / "receiver.yml"
        self.config_path.write_text(yaml.safe_dump(config))
        self.db = database or str(self.workdir / "events.db")
        self.log = self.workdir / "receiver.log"
        self.workers = workers
        self.server = server  # None: cpaas-receiver's default, as the role runs it
        self.proc = None
        self.port = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout=30):
        self.port = free_port()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(RECEIVER_BIN), "--config", str(self.config_path), "--host", "127.0.0.1", "--port", str(self.port),
                 "--db", self.db, "--workers", str(self.workers), "--access-log", os.devnull,
                 *(["--server", self.server] if self.server else [])],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the receiver exited early:\n" + self.log.read_text())
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("the receiver did not answer /healthz:\n" + self.log.read_text())

    def kill(self, sig=signal.SIGKILL):
        """Send ``sig`` to the receiver's own process group (the main process and its workers)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # SIGKILL leaves the workers orphaned for a moment: wait until the group is gone.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        self.proc = None

    def stop(self):
        self.kill(signal.SIGTERM)
