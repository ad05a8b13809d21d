"""Secrets stay out of what Ansible prints and logs (-vvv, ANSIBLE_LOG_PATH) when the module
refuses the option that holds them: a password with an unencoded "?", "#" or "/" inside a
callback URL is not a password to a URL parser, and the URL is refused, yet it is masked."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1].parent
ANSIBLE = Path(sys.executable).with_name("ansible")
PASSWORDS = ["Ab?Cd9xQ-log", "Ab#Cd9xQ-log", "Ab/Cd9xQ-log"]


def closed_loopback_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d" % probe.getsockname()[1]


@pytest.mark.parametrize("password", PASSWORDS)
def test_a_refused_url_keeps_its_password_out_of_the_output_and_the_log(tmp_path, password):
    if not ANSIBLE.exists():
        pytest.skip("ansible is not installed next to this Python")
    log = tmp_path / "ansible.log"
    env = dict(os.environ, ANSIBLE_LOG_PATH=str(log), ANSIBLE_NOCOLOR="1", TWILIO_ACCOUNT_SID="AC" + "a" * 32,
               TWILIO_AUTH_TOKEN="log-test-token-Kd2", TWILIO_API_URL=closed_loopback_url())
    args = {"friendly_name": "log-test", "voice_url": "https://hooks:%s@hooks.example.com/v" % password}

    result = subprocess.run([str(ANSIBLE), "localhost", "-vvv", "-m", "cpaas.callbacks.twilio_application", "-a", json.dumps(args),
                             "-e", "ansible_python_interpreter=" + sys.executable], cwd=ROOT, env=env, check=False,
                            capture_output=True, text=True, timeout=300)

    assert result.returncode != 0
    assert "voice_url is not a valid URL" in result.stdout
    assert '"module_args"' in result.stdout  # -vvv echoes the arguments: masked
    logged = log.read_text()
    assert "voice_url is not a valid URL" in logged
    for text in (result.stdout, result.stderr, logged):
        assert password not in text and password[3:] not in text
        assert "log-test-token-Kd2" not in text
