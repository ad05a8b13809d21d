"""playbooks/drift.yml against a started sandbox: exit 0 without drift, non-zero with a report
(JSON and JUnit XML) naming the application and the changed field, and never a write request."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests

from cpaas_sandbox.app import create_app
from cpaas_sandbox.credentials import export_lines
from cpaas_sandbox.server import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")
HOOK_PASSWORD = "drift-test-hook-password"
EXAMPLE = ["-e", "@playbooks/examples/applications.yml", "-e", "hooks_scheme=http", "-e", "hooks_host=127.0.0.1:9",
           "-e", "hook_password=" + HOOK_PASSWORD]


@pytest.fixture(scope="module")
def sandbox():
    server = SandboxServer(create_app(environ={})).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def env(sandbox, tmp_path_factory):
    environ = dict(os.environ)
    for line in export_lines(sandbox.url, environ={}):
        name, _sep, value = line[len("export "):].partition("=")
        environ[name] = shlex.split(value)[0]
    environ["CPAAS_DRIFT_REPORT_DIR"] = str(tmp_path_factory.mktemp("drift"))
    environ["ANSIBLE_NOCOLOR"] = "1"
    return environ


def run(playbook, env, *extra):
    if not PLAYBOOK.exists():
        pytest.skip("ansible-playbook is not installed next to this Python")
    return subprocess.run([str(PLAYBOOK), "playbooks/%s" % playbook, *EXAMPLE, *extra], cwd=ROOT, env=env, check=False,
                          capture_output=True, text=True, timeout=600)


def writes(sandbox):
    return [entry for entry in sandbox.state.requests() if entry["method"] not in ("GET", "HEAD")]


def report(env):
    folder = Path(env["CPAAS_DRIFT_REPORT_DIR"])
    return json.loads((folder / "drift-report.json").read_text()), ET.parse(folder / "drift-report.xml").getroot()  # noqa: S314 - our own report


@pytest.fixture
def converged(sandbox, env):
    """The sandbox as described: converge.yml creates the applications or repairs any drift
    an earlier test left, so each test stands on its own (whatever the order)."""
    result = run("converge.yml", env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return sandbox


def test_no_drift_exits_0_and_writes_nothing(converged, env):
    converged.state.clear_requests()

    result = run("drift.yml", env)

    assert result.returncode == 0, result.stdout[-3000:]
    assert writes(converged) == []
    data, junit = report(env)
    assert data["drift"] is False
    assert {app["name"]: app["status"] for app in data["applications"]} == {
        "support-line": "in_sync", "sms-gateway": "in_sync", "voice-ivr": "in_sync", "contact-center": "in_sync", "field-service": "in_sync",
        "voice-bot": "in_sync"}
    assert junit.get("tests") == "6" and junit.get("failures") == "0"


def test_drift_exits_non_zero_with_a_report_naming_the_field(converged, env):
    apps = requests.get(converged.url + "/_sandbox/twilio/applications", timeout=10).json()["applications"]
    sid = next(app["sid"] for app in apps if app["friendly_name"] == "support-line")
    response = requests.patch("%s/_sandbox/twilio/applications/%s" % (converged.url, sid), json={"voice_method": "GET"}, timeout=10)
    assert response.status_code == 200
    converged.state.clear_requests()

    result = run("drift.yml", env)

    assert result.returncode != 0
    assert "drift in 1 application(s): twilio support-line: DRIFT: voice_method" in result.stdout
    assert writes(converged) == [], "check mode must never write"
    data, junit = report(env)
    assert data["drift"] is True
    drifted = [app for app in data["applications"] if app["status"] != "in_sync"]
    assert drifted == [{"name": "support-line", "provider": "twilio", "status": "drift", "error": None,
                        "fields": [{"field": "voice_method", "provider_value": "GET", "desired_value": "POST"}]}]
    failures = junit.findall(".//testcase/failure")
    assert len(failures) == 1 and "voice_method" in failures[0].get("message")
    everything = json.dumps(data) + ET.tostring(junit, encoding="unicode") + result.stdout
    assert HOOK_PASSWORD not in everything


def test_nested_field_paths_are_named_and_secrets_stay_masked(converged, env):
    apps = requests.get(converged.url + "/_sandbox/twilio/applications", timeout=10).json()["applications"]
    sid = next(app["sid"] for app in apps if app["friendly_name"] == "support-line")
    requests.patch("%s/_sandbox/twilio/applications/%s" % (converged.url, sid), timeout=10,
                   json={"voice_method": "POST", "voice_url": "http://cpaas:another-password@127.0.0.1:9/twilio/voice"})
    vonage = requests.get(converged.url + "/_sandbox/vonage/applications", timeout=10).json()["applications"][0]
    vonage["capabilities"]["voice"]["webhooks"]["event_url"]["http_method"] = "GET"
    requests.patch("%s/_sandbox/vonage/applications/%s" % (converged.url, vonage["id"]), json={"capabilities": vonage["capabilities"]}, timeout=10)
    converged.state.clear_requests()

    result = run("drift.yml", env)

    assert result.returncode != 0
    assert writes(converged) == []
    data, _junit = report(env)
    fields = {app["name"]: [f["field"] for f in app["fields"]] for app in data["applications"] if app["fields"]}
    assert fields == {"support-line": ["voice_url"], "contact-center": ["capabilities.voice.webhooks.event_url.http_method"]}
    text = json.dumps(data)
    assert "another-password" not in text and HOOK_PASSWORD not in text
    # Only the password inside the URL differs: the report says that it changes, without showing it.
    [voice_url] = next(app["fields"] for app in data["applications"] if app["name"] == "support-line")
    assert voice_url["provider_value"] == "http://cpaas:********@127.0.0.1:9/twilio/voice"
    assert voice_url["desired_value"] == "http://cpaas:******** (changed)@127.0.0.1:9/twilio/voice"


def test_converge_in_check_mode_writes_nothing(converged, env):
    apps = requests.get(converged.url + "/_sandbox/twilio/applications", timeout=10).json()["applications"]
    sid = next(app["sid"] for app in apps if app["friendly_name"] == "support-line")
    requests.patch("%s/_sandbox/twilio/applications/%s" % (converged.url, sid), json={"sms_method": "GET"}, timeout=10).raise_for_status()
    converged.state.clear_requests()

    result = run("converge.yml", env, "--check")

    assert result.returncode == 0, result.stdout[-3000:]
    assert "twilio support-line: changed: sms_method" in result.stdout
    assert writes(converged) == []


def test_an_option_the_module_does_not_have_is_refused_by_name(sandbox, env, tmp_path):
    description = tmp_path / "typo.yml"
    description.write_text(json.dumps({"cpaas_applications": [
        {"name": "typo", "provider": "twilio", "options": {"friendly_name": "typo", "voice_ur": "https://h.example.com/v"}}]}))
    sandbox.state.clear_requests()

    result = subprocess.run([str(PLAYBOOK), "playbooks/converge.yml", "-e", "@%s" % description], cwd=ROOT, env=env,
                            check=False, capture_output=True, text=True, timeout=600)

    assert result.returncode != 0
    assert "twilio application typo: unsupported option(s) voice_ur" in result.stdout
    assert writes(sandbox) == []


# ---- an application that could not be checked is an error, never "in sync" ------------------
APP_NAMES = {"support-line", "sms-gateway", "voice-ivr", "contact-center", "field-service", "voice-bot"}
WRONG_SECRET = "wrong-secret-Vb61qz"
# One wrong credential per provider (the usual shape of a CI secret that is stale).
WRONG_CREDENTIALS = {"TWILIO_AUTH_TOKEN": WRONG_SECRET, "BW_PASSWORD": WRONG_SECRET,
                     "VONAGE_API_SECRET": WRONG_SECRET, "VOBIZ_AUTH_TOKEN": WRONG_SECRET, "TELNYX_API_KEY": WRONG_SECRET}
API_URL_VARS = ("TWILIO_API_URL", "BW_API_URL", "VONAGE_API_URL", "VOBIZ_API_URL", "TELNYX_API_URL")
COULD_NOT_CHECK = 4
DRIFT = 2


def closed_loopback_url():
    """A loopback URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d" % probe.getsockname()[1]


def assert_could_not_check(result, env, errors, secrets=()):
    """The run exits 4, every application in ``errors`` is an error in both reports (with the
    module's message), the others are still compared, and no secret shows anywhere."""
    assert result.returncode == COULD_NOT_CHECK, result.stdout[-4000:] + result.stderr[-2000:]
    data, junit = report(env)
    statuses = {app["name"]: app["status"] for app in data["applications"]}
    assert statuses == {name: "error" if name in errors else "in_sync" for name in APP_NAMES}
    assert data["status"] == "error" and data["drift"] is True and data["errors"] == len(errors)
    for app in data["applications"]:
        if app["name"] in errors:
            assert re.search(errors[app["name"]], app["error"]), app
    assert junit.get("errors") == str(len(errors)) and junit.get("failures") == "0"
    assert {case.get("name") for case in junit.iter("testcase") if case.find("error") is not None} == set(errors)
    assert "could not check %d application(s)" % len(errors) in result.stdout
    assert "in sync" not in " ".join(line for line in result.stdout.splitlines() if any(name in line for name in errors))
    everything = json.dumps(data) + ET.tostring(junit, encoding="unicode") + result.stdout + result.stderr
    for secret in (HOOK_PASSWORD, *secrets):
        assert secret not in everything


def test_wrong_credentials_are_an_error_for_every_provider(converged, env):
    converged.state.clear_requests()

    result = run("drift.yml", dict(env, **WRONG_CREDENTIALS))

    assert_could_not_check(result, env, {name: r"40[13]|[Aa]uthenticat|[Uu]nauthori[sz]ed|credentials" for name in APP_NAMES},
                           secrets=[WRONG_SECRET])
    assert writes(converged) == []


def test_a_provider_answering_500_is_an_error_for_every_provider(converged, env):
    response = requests.post(converged.url + "/_sandbox/faults", json={"kind": "status", "status": 500, "count": None}, timeout=10)
    assert response.status_code in (200, 201), response.text
    converged.state.clear_requests()
    try:
        result = run("drift.yml", env)
    finally:
        requests.delete(converged.url + "/_sandbox/faults", timeout=10).raise_for_status()

    assert_could_not_check(result, env, {name: r"500" for name in APP_NAMES})
    assert writes(converged) == []


def test_an_unreachable_api_url_is_an_error_for_every_provider(converged, env):
    closed = closed_loopback_url()

    result = run("drift.yml", dict(env, **{name: closed for name in API_URL_VARS}))

    assert_could_not_check(result, env, {name: r"(?i)127\.0\.0\.1|connect|refused|no answer" for name in APP_NAMES})


def test_a_change_the_module_refuses_is_an_error_and_the_rest_is_still_compared(converged, env):
    """Fallback credentials added at Bandwidth out of band: any change to voice-ivr needs a PUT that would
    drop them (Bandwidth never returns their password), so the module refuses; the report says so."""
    app = next(app for app in requests.get(converged.url + "/_sandbox/bandwidth/applications", timeout=10).json()["applications"]
               if app["AppName"] == "voice-ivr")
    requests.patch("%s/_sandbox/bandwidth/applications/%s" % (converged.url, app["ApplicationId"]), timeout=10,
                   json={"CallStatusMethod": "GET",
                         "CallInitiatedFallbackCreds": {"UserId": "console-user", "Password": "set-in-the-console"}}).raise_for_status()
    converged.state.clear_requests()
    try:
        result = run("drift.yml", env)
        sent = writes(converged)
    finally:  # converge.yml refuses this application too (rightly): remove it, the next test's converge recreates it
        requests.delete("%s/_sandbox/bandwidth/applications/%s" % (converged.url, app["ApplicationId"]), timeout=10).raise_for_status()

    assert_could_not_check(result, env, {"voice-ivr": r"call_initiated_fallback_creds"}, secrets=["set-in-the-console"])
    assert sent == []


def test_drift_and_could_not_check_have_different_exit_codes(converged, env):
    apps = requests.get(converged.url + "/_sandbox/twilio/applications", timeout=10).json()["applications"]
    sid = next(app["sid"] for app in apps if app["friendly_name"] == "support-line")
    requests.patch("%s/_sandbox/twilio/applications/%s" % (converged.url, sid), json={"voice_method": "GET"}, timeout=10).raise_for_status()

    drifted = run("drift.yml", env)
    assert drifted.returncode == DRIFT, drifted.stdout[-3000:]
    assert report(env)[0]["status"] == "drift"

    both = run("drift.yml", dict(env, VOBIZ_AUTH_TOKEN=WRONG_SECRET))
    assert both.returncode == COULD_NOT_CHECK, both.stdout[-3000:]
    data, _junit = report(env)
    assert data["status"] == "error"
    assert {app["name"]: app["status"] for app in data["applications"]}["support-line"] == "drift"
