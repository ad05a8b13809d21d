"""The installed collection tarball, run as a user runs it (scripts/installed.sh, once per ansible-core).

Every test drives the installed copy: the modules (each provider's integration target, from the
tarball's tests/), the filter, callback_check, the playbooks by their collection names, the role
without a service manager, and ansible-runner from a private data directory, as AWX runs playbooks.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml
from conftest import free_port, output, recap, wait_for

HOOK_PASSWORD = "installed-hook-password"
RECEIVER_TOKEN = "installed-admin-token"
RECEIVER_PASSWORD = "installed-callback-password"


def example_vars(installed):
    return ["-e", "@%s" % (installed.collection_dir / "playbooks" / "examples" / "applications.yml"),
            "-e", "hooks_scheme=http", "-e", "hooks_host=127.0.0.1:9", "-e", "hook_password=" + HOOK_PASSWORD]


def twilio_sid(sandbox, friendly_name):
    apps = requests.get(sandbox.url + "/_sandbox/twilio/applications", timeout=10).json()["applications"]
    return next(app["sid"] for app in apps if app["friendly_name"] == friendly_name)


def test_the_installed_copy_is_the_only_one(installed):
    version = installed.run(["ansible", "--version"])
    assert version.returncode == 0, output(version)
    assert "core %s]" % installed.core_version in version.stdout

    listed = installed.run(["ansible-galaxy", "collection", "list", "cpaas.callbacks"])
    assert listed.returncode == 0, output(listed)
    assert str(installed.collections / "ansible_collections") in listed.stdout
    assert listed.stdout.count("cpaas.callbacks") == 1, listed.stdout

    doc = installed.run(["ansible-doc", "cpaas.callbacks.twilio_application"])
    assert doc.returncode == 0, output(doc)
    assert str(installed.collection_dir / "plugins" / "modules" / "twilio_application.py") in doc.stdout


def test_every_application_module(installed, sandbox, extra_vars_file, tmp_path):
    sandbox.clear_requests()

    result = installed.playbook(str(installed.collection_dir / "tests" / "installed" / "playbooks" / "modules.yml"),
                                "-e", "@%s" % extra_vars_file, "-e", "output_dir=%s" % tmp_path)

    assert result.returncode == 0, output(result)
    _ok, changed, failed = recap(result)
    assert failed == 0 and changed > 0
    written = {entry["provider"] for entry in sandbox.writes()}
    assert written >= {"twilio", "bandwidth", "vonage", "vobiz"}, written


def test_the_drift_filter(installed, sandbox, extra_vars_file):
    result = installed.playbook(str(installed.collection_dir / "tests" / "installed" / "playbooks" / "filter.yml"),
                                "-e", "@%s" % extra_vars_file)

    assert result.returncode == 0, output(result)
    assert recap(result)[2] == 0


def test_converge_then_drift_by_their_collection_names(installed, sandbox, tmp_path):
    env = dict(sandbox.variables, CPAAS_DRIFT_REPORT_DIR=str(tmp_path))

    first = installed.playbook("cpaas.callbacks.converge", *example_vars(installed), extra_env=env)
    assert first.returncode == 0, output(first)
    again = installed.playbook("cpaas.callbacks.converge", *example_vars(installed), "-e", "cpaas_expect_no_change=true",
                               extra_env=env)
    assert again.returncode == 0, output(again)
    sandbox.clear_requests()
    in_sync = installed.playbook("cpaas.callbacks.drift", *example_vars(installed), extra_env=env)
    assert in_sync.returncode == 0, output(in_sync)
    assert json.loads((tmp_path / "drift-report.json").read_text())["drift"] is False

    sid = twilio_sid(sandbox, "support-line")
    requests.patch("%s/_sandbox/twilio/applications/%s" % (sandbox.url, sid), json={"voice_method": "GET"},
                   timeout=10).raise_for_status()
    drifted = installed.playbook("cpaas.callbacks.drift", *example_vars(installed), extra_env=env)

    assert drifted.returncode != 0, output(drifted)
    report = json.loads((tmp_path / "drift-report.json").read_text())
    assert report["drift"] is True
    assert [app["name"] for app in report["applications"] if app["status"] != "in_sync"] == ["support-line"]
    assert sandbox.writes() == [], "drift.yml runs in check mode: no write request"
    assert HOOK_PASSWORD not in drifted.stdout + json.dumps(report)


@pytest.fixture(scope="module")
def receiver(installed, sandbox, tmp_path_factory):
    """The role of the installed collection, run twice; the receiver is stopped afterwards."""
    base = tmp_path_factory.mktemp("receiver")
    port = free_port()
    variables = {"receiver_base": str(base), "receiver_port": port, "receiver_token": RECEIVER_TOKEN,
                 "receiver_password": RECEIVER_PASSWORD, "receiver_python": str(installed.python)}
    vars_file = base / "vars.json"
    vars_file.write_text(json.dumps(variables))
    playbook = str(installed.collection_dir / "tests" / "installed" / "playbooks" / "receiver.yml")
    runs = []
    try:
        for _attempt in range(2):
            runs.append(installed.playbook(playbook, "-e", "@%s" % vars_file))
            if runs[-1].returncode != 0:
                break
        yield {"runs": runs, "url": "http://127.0.0.1:%d" % port, "vars_file": vars_file, "base": base}
    finally:
        control = base / "opt" / "cpaas-receiverctl"
        if control.exists():
            subprocess.run([str(control), "stop"], check=False, capture_output=True, timeout=120)


def test_the_role_without_a_service_manager(receiver):
    first, second = receiver["runs"][0], receiver["runs"][-1]
    assert first.returncode == 0, output(first)
    assert len(receiver["runs"]) == 2 and second.returncode == 0, output(second)
    assert recap(first)[1] > 0
    assert recap(second)[1] == 0, "the second run must change nothing:\n" + output(second)
    wait_for(receiver["url"] + "/healthz")
    health = requests.get(receiver["url"] + "/healthz", timeout=10)
    assert health.json()["status"] == "ok"
    assert health.headers["Server"] == "granian", "the role's default server is granian"
    # The receiver runs from the installed collection's distribution, not from anything else.
    pip_list = subprocess.run([str(receiver["base"] / "opt" / "venv" / "bin" / "python"), "-m", "pip", "show", "-f",
                               "cpaas-callbacks-tools"], check=True, capture_output=True, text=True).stdout
    assert "cpaas_receiver/templates/index.html" in pip_list and "cpaas_module_utils/webhooks/signatures.py" in pip_list
    assert "cpaas_module_utils/_providers/twilio/signing.py" in pip_list


def test_callback_check_against_the_deployed_receiver(installed, receiver, extra_vars_file):
    assert receiver["runs"][-1].returncode == 0, "the role did not deploy the receiver"

    result = installed.playbook(str(installed.collection_dir / "tests" / "installed" / "playbooks" / "callback_check.yml"),
                                "-e", "@%s" % extra_vars_file, "-e", "@%s" % receiver["vars_file"])

    assert result.returncode == 0, output(result)
    assert RECEIVER_PASSWORD not in result.stdout
    events = requests.get(receiver["url"] + "/api/events?endpoint=/bandwidth/voice&verdict=accepted",
                          headers={"Authorization": "Bearer " + RECEIVER_TOKEN}, timeout=10).json()
    assert events["count"] >= 1


def runner(installed, private_data_dir, playbook, ident):
    ansible_runner = Path(sys.executable).with_name("ansible-runner")
    if not ansible_runner.exists():
        pytest.fail("ansible-runner is not installed next to %s (requirements.txt)" % sys.executable)
    return subprocess.run([str(ansible_runner), "run", str(private_data_dir), "-p", playbook, "--ident", ident],
                          env=installed.env(), check=False, capture_output=True, text=True, timeout=900)


def artifacts(private_data_dir, ident):
    folder = private_data_dir / "artifacts" / ident
    events = [json.loads(path.read_text()) for path in sorted((folder / "job_events").glob("*.json"))]
    return (folder / "status").read_text().strip(), int((folder / "rc").read_text()), events


def test_ansible_runner_from_a_private_data_directory(installed, sandbox, tmp_path):
    """converge.yml and drift.yml as AWX runs them: ansible-runner, a private data directory, its artifacts.
    (The first converge also repairs any drift an earlier test left.)"""
    data_dir = tmp_path / "runner"
    (data_dir / "env").mkdir(parents=True)
    (data_dir / "inventory").mkdir()
    # The project is the collection's playbooks folder as it is installed (its tasks, vars, templates
    # and library come along), as a user copies it into an AWX project.
    shutil.copytree(installed.collection_dir / "playbooks", data_dir / "project")
    inventory = "localhost ansible_connection=local ansible_python_interpreter=%s\n" % installed.python
    (data_dir / "inventory" / "hosts").write_text(inventory)
    envvars = dict(sandbox.variables, ANSIBLE_COLLECTIONS_PATH=str(installed.collections),
                   CPAAS_DRIFT_REPORT_DIR=str(tmp_path / "report"))
    (data_dir / "env" / "envvars").write_text(yaml.safe_dump(envvars))
    extravars = yaml.safe_load((installed.collection_dir / "playbooks" / "examples" / "applications.yml").read_text())
    extravars.update(hooks_scheme="http", hooks_host="127.0.0.1:9", hook_password=HOOK_PASSWORD)
    (data_dir / "env" / "extravars").write_text(yaml.safe_dump(extravars))

    converge = runner(installed, data_dir, "converge.yml", "converge")
    status, rc, events = artifacts(data_dir, "converge")
    assert (status, rc) == ("successful", 0), output(converge)
    stats = [event for event in events if event["event"] == "playbook_on_stats"]
    assert len(stats) == 1 and not stats[0]["event_data"]["failures"]
    assert any(event["event"] == "runner_on_ok" and event["event_data"]["task_action"].startswith("cpaas.callbacks.")
               for event in events)
    assert HOOK_PASSWORD not in "".join(json.dumps(event) for event in events), "a callback password in the job events"

    drift = runner(installed, data_dir, "drift.yml", "drift")
    assert artifacts(data_dir, "drift")[:2] == ("successful", 0), output(drift)

    sid = twilio_sid(sandbox, "support-line")
    requests.patch("%s/_sandbox/twilio/applications/%s" % (sandbox.url, sid), json={"voice_method": "GET"},
                   timeout=10).raise_for_status()
    drifted = runner(installed, data_dir, "drift.yml", "drift-found")
    status, rc, events = artifacts(data_dir, "drift-found")
    assert status == "failed" and rc != 0, output(drifted)
    assert any(event["event"] == "runner_on_failed" for event in events)
    assert HOOK_PASSWORD not in "".join(json.dumps(event) for event in events)
