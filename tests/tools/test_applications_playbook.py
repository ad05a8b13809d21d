"""The <provider>_applications modules as users run them: ansible-playbook with the installed collection,
credentials set once per provider through the action groups of meta/runtime.yml (module_defaults), the list
from a variable. A second run changes nothing; an element with a value the module does not allow fails the play."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from cpaas_sandbox.app import create_app
from cpaas_sandbox.credentials import export_lines
from cpaas_sandbox.server import SandboxServer

PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")
PLAY = """
- name: Converge whole accounts
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    group/cpaas.callbacks.twilio: {account_sid: "{{ creds.TWILIO_ACCOUNT_SID }}", auth_token: "{{ creds.TWILIO_AUTH_TOKEN }}",
                                   api_url: "{{ creds.TWILIO_API_URL }}"}
    group/cpaas.callbacks.vobiz: {auth_id: "{{ creds.VOBIZ_AUTH_ID }}", auth_token: "{{ creds.VOBIZ_AUTH_TOKEN }}",
                                  api_url: "{{ creds.VOBIZ_API_URL }}"}
  tasks:
    - name: Twilio
      cpaas.callbacks.twilio_applications:
        applications: "{{ twilio_apps }}"
      register: twilio_result
    - name: Vobiz
      cpaas.callbacks.vobiz_applications:
        applications: "{{ vobiz_apps }}"
        purge: true
        purge_scope: pb-
      register: vobiz_result
    - name: Summaries
      ansible.builtin.copy:
        content: "{{ {'twilio': twilio_result.summary, 'vobiz': vobiz_result.summary, 'purged': vobiz_result.purged} | to_json }}"
        dest: "{{ out }}"
        mode: "0644"
      changed_when: false
"""


@pytest.fixture(scope="module")
def sandbox():
    server = SandboxServer(create_app(environ={})).start()
    try:
        yield server
    finally:
        server.stop()


def run(sandbox, tmp_path, twilio_apps, vobiz_apps):
    if not PLAYBOOK.exists():
        pytest.skip("ansible-playbook is not installed next to this Python")
    creds = {}
    for line in export_lines(sandbox.url, environ={}):
        name, _sep, value = line[len("export "):].partition("=")
        creds[name] = shlex.split(value)[0]
    # Only module_defaults may give the credentials: none in the environment.
    environ = {name: value for name, value in os.environ.items() if not name.startswith(("TWILIO_", "VOBIZ_", "BW_", "VONAGE_"))}
    environ["ANSIBLE_NOCOLOR"] = "1"
    play = tmp_path / "play.yml"
    play.write_text(PLAY)
    variables = tmp_path / "vars.json"
    out = tmp_path / "out.json"
    variables.write_text(json.dumps({"creds": creds, "twilio_apps": twilio_apps, "vobiz_apps": vobiz_apps, "out": str(out)}))
    if out.exists():
        out.unlink()
    result = subprocess.run([str(PLAYBOOK), "-i", "localhost,", str(play), "-e", "@" + str(variables)], env=environ,
                            check=False, capture_output=True, text=True, timeout=300)
    return result, (json.loads(out.read_text()) if out.exists() else None)


def test_playbook_converges_then_changes_nothing_and_fails_on_a_refused_element(sandbox, tmp_path):
    twilio_apps = [{"friendly_name": "pb-%d" % number, "voice_url": "https://hooks.example.com/%d" % number} for number in range(3)]
    vobiz_apps = [{"app_name": "pb-%d" % number, "answer_url": "https://hooks.example.com/%d" % number} for number in range(3)]
    first, summary = run(sandbox, tmp_path, twilio_apps, vobiz_apps)
    assert first.returncode == 0, first.stdout[-3000:]
    assert summary["twilio"]["created"] == 3 and summary["vobiz"]["created"] == 3

    second, summary = run(sandbox, tmp_path, twilio_apps, vobiz_apps[:2])
    assert second.returncode == 0, second.stdout[-3000:]
    assert summary["twilio"]["unchanged"] == 3 and summary["twilio"]["created"] == 0
    assert [app["name"] for app in summary["purged"]] == ["pb-2"]
    assert "changed=1" in second.stdout  # the purge only

    refused = dict(twilio_apps[0], voice_method="PATCH")
    third, _summary = run(sandbox, tmp_path, [refused], vobiz_apps[:2])
    assert third.returncode != 0
    assert "applications[0]" in third.stdout and "voice_method" in third.stdout


ROOT = Path(__file__).resolve().parents[2]


def run_converge(sandbox, tmp_path, applications):
    environ = dict(os.environ)
    for line in export_lines(sandbox.url, environ={}):
        name, _sep, value = line[len("export "):].partition("=")
        environ[name] = shlex.split(value)[0]
    environ["ANSIBLE_NOCOLOR"] = "1"
    description = tmp_path / "description.json"
    description.write_text(json.dumps({"cpaas_applications": applications}))
    return subprocess.run([str(PLAYBOOK), "playbooks/converge.yml", "-e", "@%s" % description], cwd=ROOT, env=environ,
                          check=False, capture_output=True, text=True, timeout=300)


def test_converge_playbook_applies_the_others_then_fails_naming_the_failed_application(sandbox, tmp_path):
    if not PLAYBOOK.exists():
        pytest.skip("ansible-playbook is not installed next to this Python")
    applications = [{"name": name, "provider": "twilio", "options": {"friendly_name": name, "voice_url": "https://h.example.com/v"}}
                    for name in ("cv-refused", "cv-fine")]
    # Twilio refuses one create (one 400); the other application is still created.
    response = requests.post(sandbox.url + "/_sandbox/faults", json={"kind": "status", "status": 400, "provider": "twilio",
                                                                     "method": "POST", "path": "/Applications\\.json$"}, timeout=10)
    response.raise_for_status()

    result = run_converge(sandbox, tmp_path, applications)

    assert result.returncode != 0
    assert "1 application(s) failed" in result.stdout and "400" in result.stdout
    # The creates run in parallel, so either one may meet the fault: the one named as failed is the one
    # missing at the provider, and the other one was still created.
    failed = [name for name in ("cv-refused", "cv-fine") if "twilio %s: ERROR" % name in result.stdout]
    assert len(failed) == 1, result.stdout
    listed = requests.get(sandbox.url + "/_sandbox/twilio/applications", timeout=10).json()
    listed = listed.get("applications", listed) if isinstance(listed, dict) else listed
    names = {app["friendly_name"] for app in listed}
    created = ({"cv-refused", "cv-fine"} - set(failed)).pop()
    assert created in names and failed[0] not in names


def test_converge_playbook_refuses_two_accounts_of_one_provider_before_any_request(sandbox, tmp_path):
    if not PLAYBOOK.exists():
        pytest.skip("ansible-playbook is not installed next to this Python")
    applications = [{"name": "acct-%d" % number, "provider": "vobiz",
                     "options": {"app_name": "acct-%d" % number, "answer_url": "https://h.example.com/a", "timeout": 10 + number}}
                    for number in range(2)]
    requests.delete(sandbox.url + "/_sandbox/requests", timeout=10).raise_for_status()

    result = run_converge(sandbox, tmp_path, applications)

    assert result.returncode != 0
    assert "the vobiz applications name different account options" in result.stdout
    logged = requests.get(sandbox.url + "/_sandbox/requests", timeout=10).json()
    logged = logged.get("requests", logged) if isinstance(logged, dict) else logged
    assert [entry for entry in logged if entry.get("provider") == "vobiz"] == []
