"""Shared pieces of the benchmarks: the sandbox as a process on loopback, the providers'
options (the table of the reliability suites), running a module in-process, and writing
results (``bench/results/<name>.json`` and ``.md``).

Benchmarks print figures; they never assert timings.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError("%s did not answer within %ss" % (url, timeout))


class Sandbox:
    """``cpaas-sandbox`` in its own process on a free loopback port."""

    def __init__(self):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.proc = None
        self.credentials = {}
        self.env = {}

    def __enter__(self):
        log = open(RESULTS / "sandbox.log", "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen([str(BIN / "cpaas-sandbox"), "--host", "127.0.0.1", "--port", str(self.port)],
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self.url + "/_sandbox/health")
        from cpaas_sandbox.credentials import load_credentials
        self.credentials = load_credentials()
        printed = subprocess.run([str(BIN / "cpaas-sandbox"), "--print-env", "--url", self.url],
                                 capture_output=True, text=True, check=True).stdout
        for line in printed.splitlines():
            if line.startswith("export "):
                key, _sep, value = line[len("export "):].partition("=")
                self.env[key] = value.strip("'\"")
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def control(self, method, path, **kwargs):
        response = requests.request(method, self.url + "/_sandbox/" + path, timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        self.control("POST", "reset")

    def clear_requests(self):
        self.control("DELETE", "requests")

    def requests(self, provider=None):
        entries = self.control("GET", "requests")["requests"]
        return [entry for entry in entries if provider is None or entry["provider"] == provider]

    def counts(self, provider=None):
        entries = self.requests(provider)
        reads = sum(1 for entry in entries if entry["method"] in ("GET", "HEAD"))
        return reads, len(entries) - reads

    def applications(self, provider):
        return self.control("GET", "%s/applications" % provider)["applications"]


def provider_cases():
    """The provider table of the reliability suites: options, names and ids per provider."""
    from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED
    return LANDED


def run_module(module, args, check_mode=False):
    """Run a module's main() in this process (as the unit tests do); return its result."""
    from ansible.module_utils.testing import patch_module_args
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=True)
    out = io.StringIO()
    with patch_module_args(args), contextlib.redirect_stdout(out):
        try:
            module.main()
        except SystemExit:
            pass
    return json.loads(out.getvalue())


def median(values):
    return statistics.median(values) if values else None


def environment():
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "system": platform.platform(),
    }


def markdown_table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _header in headers) + "|"]
    lines += ["| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_results(name, data, table, notes=()):
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = dict(data, environment=environment())
    (RESULTS / ("%s.json" % name)).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    text = "## %s\n\n%s\n" % (name, table)
    if notes:
        text += "\n" + "\n".join("- %s" % note for note in notes) + "\n"
    (RESULTS / ("%s.md" % name)).write_text(text)
    print(text)


def ansible_env(sandbox, extra=None):
    env = dict(os.environ)
    env.update(sandbox.env)
    env.update({
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_PIPELINING": "1",
        "ANSIBLE_LOCAL_TEMP": str(RESULTS / "ansible-tmp"),
        "ANSIBLE_REMOTE_TEMP": str(RESULTS / "ansible-tmp"),
    })
    env.update(extra or {})
    return env


def run_playbook(playbook, sandbox, extra_args=(), env=None):
    """Run ansible-playbook on localhost; return (seconds, completed process)."""
    started = time.perf_counter()
    completed = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook), *extra_args],
        capture_output=True, text=True, env=env or ansible_env(sandbox), cwd=str(ROOT), check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError("ansible-playbook %s failed:\n%s\n%s" % (playbook, completed.stdout[-4000:], completed.stderr[-4000:]))
    return elapsed, completed
