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
