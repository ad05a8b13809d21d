"""The whole loop with the modules: converge.yml puts the example applications of all four
providers on the sandbox, pointing at a real callback receiver; verify_callbacks.yml proves every
callback with callback_check and the receiver's verdicts; the sandbox then fires every event type
as the providers do and the receiver verifies each; a password changed at the provider only is
refused; and a callback that stops working makes verify_callbacks.yml fail."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from cpaas_module_utils.webhooks import payloads
from werkzeug.serving import make_server

from cpaas_receiver.app import create_app as create_receiver
from cpaas_receiver.config import config_from_dict
from cpaas_sandbox.app import create_app
from cpaas_sandbox.credentials import export_lines
from cpaas_sandbox.server import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")
ADMIN = "verify-playbook-admin-token"
HOOK_PASSWORD = "verify-playbook-hook-password"
SIGNATURE_SECRET = "verify-playbook-vonage-secret"
ID_KEYS = {"twilio": ("sid", "friendly_name"), "bandwidth": ("ApplicationId", "AppName"), "vonage": ("id", "name"), "vobiz": ("app_id", "app_name"),
           "telnyx": ("id", "application_name")}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if not PLAYBOOK.exists():
        pytest.skip("ansible-playbook is not installed next to this Python")
    old = os.environ.get("VONAGE_SIGNATURE_SECRET")
    os.environ["VONAGE_SIGNATURE_SECRET"] = SIGNATURE_SECRET  # what the in-process sandbox signs Vonage events with
    sandbox = SandboxServer(create_app(environ={})).start()
    config = config_from_dict({"admin_token": ADMIN, "endpoints": []}, environ={})
    receiver_app = create_receiver(config, str(tmp_path_factory.mktemp("receiver") / "events.db"))
    receiver = make_server("127.0.0.1", 0, receiver_app, threaded=True)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    receiver_url = "http://127.0.0.1:%d" % receiver.server_port
    env = dict(os.environ)
    for line in export_lines(sandbox.url, environ={}):
        name, _sep, value = line[len("export "):].partition("=")
        env[name] = shlex.split(value)[0]
    env.update(CPAAS_RECEIVER_URL=receiver_url, CPAAS_RECEIVER_TOKEN=ADMIN, VONAGE_SIGNATURE_SECRET=SIGNATURE_SECRET, ANSIBLE_NOCOLOR="1")
    args = ["-e", "@playbooks/examples/applications.yml", "-e", "hooks_scheme=http", "-e", "hooks_host=" + receiver_url[len("http://"):],
            "-e", "hook_password=" + HOOK_PASSWORD]
    try:
        yield {"sandbox": sandbox, "receiver": receiver_url, "env": env, "args": args}
    finally:
        receiver.shutdown()
        receiver.server_close()
        sandbox.stop()
        if old is None:
            os.environ.pop("VONAGE_SIGNATURE_SECRET", None)
        else:
            os.environ["VONAGE_SIGNATURE_SECRET"] = old


def play(world, playbook):
    return subprocess.run([str(PLAYBOOK), "playbooks/" + playbook, *world["args"]], cwd=ROOT, env=world["env"], check=False,
                          capture_output=True, text=True, timeout=600)


def app_ids(world):
    ids = {}
    for provider, (id_key, name_key) in ID_KEYS.items():
        apps = requests.get("%s/_sandbox/%s/applications" % (world["sandbox"].url, provider), timeout=10).json()["applications"]
        ids.update({(provider, app[name_key]): app[id_key] for app in apps})
    return ids


def receiver_event(world, event_id):
    response = requests.get("%s/api/events/%s" % (world["receiver"], event_id), headers={"Authorization": "Bearer " + ADMIN}, timeout=10)
    response.raise_for_status()
    return response.json()


@pytest.fixture(scope="module")
def verified(world):
    converge = play(world, "converge.yml")
    assert converge.returncode == 0, converge.stdout[-3000:]
    verify = play(world, "verify_callbacks.yml")
    assert verify.returncode == 0, verify.stdout[-5000:]
    return world, verify.stdout


def test_verify_callbacks_passes_for_every_provider(verified):
    _world, out = verified
    for line in ("twilio support-line: 4 callback(s) ok, 0 failed", "bandwidth sms-gateway: 2 callback(s) ok, 0 failed",
                 "bandwidth voice-ivr: 2 callback(s) ok, 0 failed", "vonage contact-center: 4 callback(s) ok, 0 failed",
                 "vobiz field-service: 3 callback(s) ok, 0 failed", "telnyx voice-bot: 2 callback(s) ok, 0 failed"):
        assert line in out
    assert HOOK_PASSWORD not in out


def test_the_sandbox_fires_every_event_type_and_the_receiver_accepts_each(verified):
    world, _out = verified
    ids = app_ids(world)
    sandbox_apps = {key: requests.get("%s/_sandbox/%s/applications/%s" % (world["sandbox"].url, key[0], app_id), timeout=10).json()
                    for key, app_id in ids.items()}
    fired = 0
    for (provider, name), record in sandbox_apps.items():
        for callback in payloads.callbacks(provider, record):
            for event in callback.events:
                result = requests.post("%s/_sandbox/%s/applications/%s/events" % (world["sandbox"].url, provider, ids[(provider, name)]),
                                       json={"event": event, "callback": callback.name, "timeout": 5}, timeout=30).json()
                assert result["delivered"] is True, result
                last = result["attempts"][-1]
                verdict = receiver_event(world, last["receiver_event_id"])
                assert verdict["verdict"] == "accepted", (provider, name, event, verdict)
                assert verdict["method"] == callback.method
                if provider in ("twilio", "bandwidth") and callback.username:
                    assert [a["status"] for a in result["attempts"]][0] == 401  # challenged first
                    assert verdict["auth_user"] == "cpaas"
                fired += 1
    assert fired >= 20


def test_a_password_changed_at_the_provider_only_is_refused(verified):
    world, _out = verified
    app_id = app_ids(world)[("bandwidth", "voice-ivr")]
    requests.patch("%s/_sandbox/bandwidth/applications/%s" % (world["sandbox"].url, app_id), timeout=10,
                   json={"CallbackCreds": {"UserId": "cpaas", "Password": "changed-in-the-console"}}).raise_for_status()

    result = requests.post("%s/_sandbox/bandwidth/applications/%s/events" % (world["sandbox"].url, app_id),
                           json={"event": "initiate", "timeout": 5}, timeout=30).json()

    assert result["delivered"] is False
    assert receiver_event(world, result["attempts"][-1]["receiver_event_id"])["verdict"] == "unauthorized"


def test_verify_callbacks_fails_when_a_callback_stops_working(verified):
    world, _out = verified
    sid = app_ids(world)[("twilio", "support-line")]
    broken = "http://127.0.0.1:9/twilio/sms"  # nothing listens there
    requests.patch("%s/_sandbox/twilio/applications/%s" % (world["sandbox"].url, sid), json={"sms_url": broken}, timeout=10).raise_for_status()

    verify = play(world, "verify_callbacks.yml")

    assert verify.returncode != 0, verify.stdout[-4000:]
    assert "twilio support-line: 3 callback(s) ok, 1 failed" in verify.stdout
    assert "callbacks failed in: support-line" in verify.stdout


# ---- an application that could not be read or checked is an error (exit code 4) -------------
WRONG_SECRET = "wrong-secret-Pk20ma"
APP_LINES = ("twilio support-line", "bandwidth sms-gateway", "bandwidth voice-ivr", "vonage contact-center", "vobiz field-service",
             "telnyx voice-bot")


def play_with(world, playbook, **env):
    return subprocess.run([str(PLAYBOOK), "playbooks/" + playbook, *world["args"]], cwd=ROOT, env=dict(world["env"], **env),
                          check=False, capture_output=True, text=True, timeout=600)


def assert_every_application_is_an_error(result, pattern, secrets=()):
    assert result.returncode == 4, result.stdout[-4000:] + result.stderr[-2000:]
    for line in APP_LINES:
        found = re.search(r'"%s: ERROR ([^"]*)"' % re.escape(line), result.stdout)
        assert found, (line, result.stdout[-4000:])
        assert re.search(pattern, found.group(1)), found.group(1)
    assert "could not check %d application(s)" % len(APP_LINES) in result.stdout
    assert "callback(s) ok" not in result.stdout
    for secret in (HOOK_PASSWORD, *secrets):
        assert secret not in result.stdout + result.stderr


def test_verify_with_wrong_credentials_is_an_error_for_every_provider(verified):
    world, _out = verified

    result = play_with(world, "verify_callbacks.yml", TWILIO_AUTH_TOKEN=WRONG_SECRET, BW_PASSWORD=WRONG_SECRET,
                       VONAGE_API_SECRET=WRONG_SECRET, VOBIZ_AUTH_TOKEN=WRONG_SECRET, TELNYX_API_KEY=WRONG_SECRET)

    assert_every_application_is_an_error(result, r"40[13]|[Aa]uthenticat|[Uu]nauthori[sz]ed|credentials", secrets=[WRONG_SECRET])


def test_verify_with_a_provider_answering_500_is_an_error_for_every_provider(verified):
    world, _out = verified
    requests.post(world["sandbox"].url + "/_sandbox/faults", json={"kind": "status", "status": 500, "count": None}, timeout=10).raise_for_status()
    try:
        result = play_with(world, "verify_callbacks.yml")
    finally:
        requests.delete(world["sandbox"].url + "/_sandbox/faults", timeout=10).raise_for_status()

    assert_every_application_is_an_error(result, r"500")


def test_verify_with_an_unreachable_api_url_is_an_error_for_every_provider(verified):
    world, _out = verified
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = "http://127.0.0.1:%d" % probe.getsockname()[1]

    result = play_with(world, "verify_callbacks.yml", TWILIO_API_URL=closed, BW_API_URL=closed, VONAGE_API_URL=closed, VOBIZ_API_URL=closed,
                       TELNYX_API_URL=closed)

    assert_every_application_is_an_error(result, r"(?i)127\.0\.0\.1|connect|refused|no answer")
