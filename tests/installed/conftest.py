"""Fixtures of the "as users install it" suite (scripts/installed.sh runs it; see docs/development.md).

Everything here drives what a user has: an ansible-core virtual environment with only the README's
requirements, the collection installed from its tarball into an empty collections path, and the
provider sandbox installed with pip from that installed copy. scripts/installed.sh prepares them and
names them in the environment; run alone, the suite fails (it never skips: a skipped run tests nothing).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ENVIRONMENT = {
    "bin": "CPAAS_INSTALLED_BIN",  # bin/ of the ansible-core virtual environment under test
    "collections": "CPAAS_INSTALLED_COLLECTIONS",  # the collections path the tarball was installed into
    "core_version": "CPAAS_INSTALLED_CORE_VERSION",  # the ansible-core version of that environment
    "sandbox_bin": "CPAAS_INSTALLED_SANDBOX_BIN",  # bin/ of the environment pip installed the sandbox into
    "tarball": "CPAAS_INSTALLED_TARBALL",  # the built collection
}
RECAP = re.compile(r"^localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


class Installed:
    """The installed collection and the ansible-core environment that runs it."""

    def __init__(self, paths, home):
        self.bin = Path(paths["bin"])
        self.collections = Path(paths["collections"])
        self.core_version = paths["core_version"]
        self.sandbox_bin = Path(paths["sandbox_bin"])
        self.tarball = Path(paths["tarball"])
        self.collection_dir = self.collections / "ansible_collections" / "cpaas" / "callbacks"
        self.home = home
        self.python = self.bin / "python"

    def env(self, extra=None):
        """A user's shell: the environment's bin first, the installed collections only, no config file."""
        env = {name: value for name, value in os.environ.items()
               if not name.startswith(("ANSIBLE_", "PYTHON", "VIRTUAL_ENV", "CPAAS_"))}
        env.update({
            "PATH": "%s:%s" % (self.bin, env.get("PATH", "/usr/bin:/bin")),
            "HOME": str(self.home),
            "ANSIBLE_COLLECTIONS_PATH": str(self.collections),
            "ANSIBLE_HOME": str(self.home / ".ansible"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_LOCAL_TEMP": str(self.home / "tmp"),
        })
        env.update(extra or {})
        return env

    def run(self, command, extra_env=None, cwd=None, timeout=900):
        """Run one of the environment's commands (ansible-playbook, ansible-galaxy...) from a neutral folder."""
        program = command[0] if os.sep in command[0] else str(self.bin / command[0])
        return subprocess.run([program, *command[1:]], env=self.env(extra_env), cwd=str(cwd or self.home), check=False,
                              capture_output=True, text=True, timeout=timeout)

    def playbook(self, *args, extra_env=None):
        return self.run(["ansible-playbook", "-i", "localhost,", "-c", "local",
                         "-e", "ansible_python_interpreter=%s" % self.python, *args], extra_env=extra_env)


def recap(result):
    """(ok, changed, failed) of the localhost line of a play recap; fails when there is none."""
    found = RECAP.findall(result.stdout)
    assert found, "no PLAY RECAP for localhost in:\n" + result.stdout[-3000:] + result.stderr[-2000:]
    ok, changed, unreachable, failed = (int(value) for value in found[-1])
    assert unreachable == 0
    return ok, changed, failed


def output(result):
    return "rc=%d\n%s\n%s" % (result.returncode, result.stdout[-6000:], result.stderr[-3000:])


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    missing = [variable for variable in ENVIRONMENT.values() if not os.environ.get(variable)]
    if missing:
        pytest.fail("run through scripts/installed.sh (make test, step installed): %s not set" % ", ".join(missing),
                    pytrace=False)
    home = tmp_path_factory.mktemp("home")
    (home / "tmp").mkdir()
    return Installed({key: os.environ[variable] for key, variable in ENVIRONMENT.items()}, home)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, process=None, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if process is not None and process.poll() is not None:
            pytest.fail("%s exited with %s before %s answered" % (process.args[0], process.returncode, url))
        if time.monotonic() > deadline:
            pytest.fail("%s did not answer within %d s" % (url, seconds))
        time.sleep(0.2)


class Sandbox:
    def __init__(self, url, variables):
        self.url = url
        self.variables = variables  # TWILIO_API_URL, TWILIO_ACCOUNT_SID, ... as --print-env prints them

    def extra_vars(self):
        """The variables the integration targets read: --print-env's names, lower-cased."""
        values = {name.lower(): value for name, value in self.variables.items()}
        values["sandbox_url"] = self.url
        return values

    def writes(self):
        answer = requests.get(self.url + "/_sandbox/requests", timeout=10)
        answer.raise_for_status()
        return [entry for entry in answer.json()["requests"] if entry["method"] not in ("GET", "HEAD")]

    def clear_requests(self):
        requests.delete(self.url + "/_sandbox/requests", timeout=10).raise_for_status()


@pytest.fixture(scope="session")
def sandbox(installed, tmp_path_factory):
    """The sandbox as a tarball-only user starts it: pip-installed from the installed collection."""
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    log = (tmp_path_factory.mktemp("sandbox") / "sandbox.log").open("w")
    program = str(installed.sandbox_bin / "cpaas-sandbox")
    process = subprocess.Popen([program, "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                               env=installed.env())
    try:
        wait_for(url + "/_sandbox/health", process)
        printed = subprocess.run([program, "--print-env", "--url", url], env=installed.env(), check=True,
                                 capture_output=True, text=True).stdout
        variables = {}
        for line in printed.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "export":
                words = words[1:]
            for word in words:
                name, _sep, value = word.partition("=")
                variables[name] = value
        assert "TWILIO_API_URL" in variables, printed
        yield Sandbox(url, variables)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def extra_vars_file(installed, sandbox, tmp_path_factory):
    """The sandbox's variables as an extra-vars file (never on a command line: it holds credentials)."""
    path = tmp_path_factory.mktemp("vars") / "sandbox.json"
    path.write_text(json.dumps(sandbox.extra_vars()))
    return path
