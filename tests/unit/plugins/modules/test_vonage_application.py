# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vonage_application and vonage_application_info against the sandbox's Vonage API."""

from __future__ import annotations

import copy
import json
import os
import stat

import pytest
import requests
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vonage import adapter as vonage_utils
from ansible_collections.cpaas.callbacks.plugins.modules import vonage_application, vonage_application_info
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PROVIDER = "vonage"

VOICE = {
    "webhooks": {
        "answer_url": {"address": "https://hooks.example.com/answer", "http_method": "GET"},
        "event_url": {"address": "https://hooks.example.com/event", "http_method": "POST",
                      "connect_timeout": 500, "socket_timeout": 3000},
    },
    "signed_callbacks": True,
}
MESSAGES = {
    "webhooks": {
        "inbound_url": {"address": "https://hooks.example.com/inbound", "http_method": "POST"},
        "status_url": {"address": "https://hooks.example.com/status", "http_method": "POST"},
    },
    "version": "v1",
}
RTC = {"webhooks": {"event_url": {"address": "https://hooks.example.com/rtc", "http_method": "POST"}}}


def new_public_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def warnings_of(result):
    return [item["event"]["msg"] if isinstance(item, dict) else item for item in result.get("warnings") or []]


@pytest.fixture
def vonage(sandbox):
    creds = sandbox.credentials
    base = {
        "api_url": sandbox.url,
        "api_key": creds["VONAGE_API_KEY"],
        "api_secret": creds["VONAGE_API_SECRET"],
        "max_retries": 3,
    }

    class Vonage:
        args = base
        secret = creds["VONAGE_API_SECRET"]

        def app(self, **options):
            return dict(copy.deepcopy(base), **copy.deepcopy(options))

        def apps(self):
            return sandbox.applications(PROVIDER)

        def the_app(self):
            [app] = self.apps()
            return app

        def create_directly(self, **body):
            response = requests.post(sandbox.url + "/v2/applications", json=body,
                                     auth=(base["api_key"], base["api_secret"]), timeout=30)
            assert response.status_code == 201, response.text
            return response.json()

    return Vonage()


def body_of(entry):
    return json.loads(entry["body"])


def no_secrets(result, *secrets):
    text = json.dumps(result)
    for secret in secrets:
        assert secret not in text
    assert "PRIVATE KEY" not in text
    assert "private_key\"" not in text.replace("private_key_path", "").replace("private_key_written", "")


# ---- create, idempotency, check mode -----------------------------------------------
def test_create_sends_json_and_reports_change(sandbox, vonage, run_module):
    result = run_module(vonage_application.main, vonage.app(
        name="support-line", capabilities={"voice": VOICE, "messages": MESSAGES, "vbc": {}}))

    assert result["changed"] is True, result
    app = result["application"]
    assert app["id"] and app["name"] == "support-line"
    assert app["capabilities"]["voice"]["webhooks"]["event_url"]["connect_timeout"] == 500
    assert app["capabilities"]["vbc"] == {}
    assert "private_key" not in app["keys"] and app["keys"]["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["capabilities"]["messages"] == MESSAGES
    assert result["private_key_written"] is False
    [write] = sandbox.writes(PROVIDER)
    assert write["method"] == "POST" and write["path"] == "/v2/applications" and write["status"] == 201
    assert write["headers"]["Accept"] == "application/json"
    assert write["content_type"] == "application/json"
    assert body_of(write) == {"name": "support-line", "capabilities": {"voice": VOICE, "messages": MESSAGES, "vbc": {}}}
    assert all(entry["headers"]["Accept"] == "application/json" for entry in sandbox.requests(PROVIDER))
    assert all(entry["authorization"] == "Basic" and entry["auth_user"] == vonage.args["api_key"] for entry in sandbox.requests(PROVIDER))
    stored = vonage.the_app()
    assert stored["capabilities"]["voice"] == VOICE and stored["capabilities"]["vbc"] == {}
    no_secrets(result, vonage.secret)


def test_drift_names_the_nested_webhook_path(sandbox, vonage, run_module):
    """Vonage's quirk: drift deep in capabilities is named by its dotted path (the shared suite checks the rest)."""
    options = vonage.app(name="drifty", capabilities={"voice": VOICE})
    created = run_module(vonage_application.main, options)["application"]
    sandbox.change(PROVIDER, created["id"], {"capabilities": {"voice": {"webhooks": {"answer_url": {"address": "https://attacker.example.net/answer"}}}}})
    sandbox.clear_requests()

    result = run_module(vonage_application.main, options, check_mode=True)

    assert result["changed"] is True
    assert result["differences"] == ["capabilities.voice.webhooks.answer_url.address"]
    before = result["diff"]["before"]["capabilities"]["voice"]["webhooks"]["answer_url"]["address"]
    after = result["diff"]["after"]["capabilities"]["voice"]["webhooks"]["answer_url"]["address"]
    assert (before, after) == ("https://attacker.example.net/answer", "https://hooks.example.com/answer")
    assert sandbox.writes(PROVIDER) == []
    assert vonage.the_app()["capabilities"]["voice"]["webhooks"]["answer_url"]["address"] == "https://attacker.example.net/answer"


# ---- the whole-application PUT -------------------------------------------------------
def test_update_of_one_webhook_keeps_the_other_capabilities(sandbox, vonage, run_module):
    created = run_module(vonage_application.main, vonage.app(
        name="full", capabilities={"voice": VOICE, "messages": MESSAGES, "rtc": RTC, "vbc": {}}, privacy={"improve_ai": False}))
    before = vonage.the_app()
    sandbox.clear_requests()

    result = run_module(vonage_application.main, vonage.app(
        application_id=created["application"]["id"],
        capabilities={"voice": {"webhooks": {"event_url": {"address": "https://hooks.example.com/event-v2"}}}}))

    assert result["changed"] is True
    assert result["differences"] == ["capabilities.voice.webhooks.event_url.address"]
    [put] = sandbox.writes(PROVIDER)
    assert put["method"] == "PUT" and put["path"] == "/v2/applications/" + created["application"]["id"]
    assert put["content_type"] == "application/json"
    sent = body_of(put)
    expected_voice = copy.deepcopy(VOICE)
    expected_voice["webhooks"]["event_url"]["address"] = "https://hooks.example.com/event-v2"
    assert sent["name"] == "full"
    assert sent["keys"] == {"public_key": before["keys"]["public_key"]}
    assert sent["capabilities"] == {"voice": expected_voice, "messages": MESSAGES, "rtc": RTC, "vbc": {}}
    assert sent["privacy"] == {"improve_ai": False}
    assert set(sent) == {"name", "keys", "capabilities", "privacy"}
    after = vonage.the_app()
    assert after["capabilities"] == {"voice": expected_voice, "messages": MESSAGES, "rtc": RTC, "vbc": {}}
    assert after["keys"] == before["keys"] and after["privacy"] == {"improve_ai": False}
    assert result["application"]["capabilities"] == after["capabilities"]


def test_capability_is_removed_only_when_asked(sandbox, vonage, run_module):
    run_module(vonage_application.main, vonage.app(name="caps", capabilities={"voice": VOICE, "rtc": RTC, "vbc": {}}))

    other = run_module(vonage_application.main, vonage.app(name="caps", capabilities={"messages": MESSAGES}))
    assert other["changed"] is True
    assert set(vonage.the_app()["capabilities"]) == {"voice", "messages", "rtc", "vbc"}

    sandbox.clear_requests()
    dry = run_module(vonage_application.main, vonage.app(name="caps", remove_capabilities=["rtc", "vbc"]), check_mode=True)
    assert dry["changed"] is True and dry["differences"] == ["capabilities.rtc", "capabilities.vbc"]
    assert set(dry["diff"]["after"]["capabilities"]) == {"voice", "messages"}
    assert sandbox.writes(PROVIDER) == []

    removed = run_module(vonage_application.main, vonage.app(name="caps", remove_capabilities=["rtc", "vbc"]))
    again = run_module(vonage_application.main, vonage.app(name="caps", remove_capabilities=["rtc", "vbc"]))

    assert removed["changed"] is True and again["changed"] is False
    [put] = sandbox.writes(PROVIDER)
    assert set(body_of(put)["capabilities"]) == {"voice", "messages"}
    assert vonage.the_app()["capabilities"] == {"voice": VOICE, "messages": MESSAGES}


def test_empty_address_removes_one_webhook(sandbox, vonage, run_module):
    voice = copy.deepcopy(VOICE)
    voice["webhooks"]["fallback_answer_url"] = {"address": "https://fallback.example.com/answer", "http_method": "POST"}
    run_module(vonage_application.main, vonage.app(name="hooks", capabilities={"voice": voice}))
    gone = {"voice": {"webhooks": {"fallback_answer_url": {"address": ""}}}}

    removed = run_module(vonage_application.main, vonage.app(name="hooks", capabilities=gone))
    again = run_module(vonage_application.main, vonage.app(name="hooks", capabilities=gone))

    assert removed["changed"] is True and again["changed"] is False
    assert removed["differences"] == ["capabilities.voice.webhooks.fallback_answer_url.address"]
    assert vonage.the_app()["capabilities"]["voice"] == VOICE


def test_timeout_is_sent_as_connect_timeout_and_the_old_name_is_an_alias(sandbox, vonage, run_module):
    # The live API refuses connection_timeout (the 2021 reference's name) with a 400; it takes connect_timeout.
    app = vonage.create_directly(name="sdk-made", capabilities={"voice": {"webhooks": {
        "answer_url": {"address": "https://hooks.example.com/answer", "http_method": "GET", "connect_timeout": 400}}}})
    sandbox.clear_requests()

    same = run_module(vonage_application.main, vonage.app(name="sdk-made", capabilities={"voice": {"webhooks": {
        "answer_url": {"address": "https://hooks.example.com/answer", "connection_timeout": 400}}}}))
    changed = run_module(vonage_application.main, vonage.app(name="sdk-made", capabilities={"voice": {"webhooks": {
        "answer_url": {"connection_timeout": 600}}}}))

    assert same["changed"] is False
    assert same["application"]["capabilities"]["voice"]["webhooks"]["answer_url"]["connect_timeout"] == 400
    assert changed["changed"] is True, changed
    assert changed["differences"] == ["capabilities.voice.webhooks.answer_url.connect_timeout"]
    [put] = sandbox.writes(PROVIDER)
    assert put["status"] == 200
    hook = body_of(put)["capabilities"]["voice"]["webhooks"]["answer_url"]
    assert hook == {"address": "https://hooks.example.com/answer", "http_method": "GET", "connect_timeout": 600}
    assert vonage.the_app()["capabilities"]["voice"]["webhooks"]["answer_url"]["connect_timeout"] == 600
    assert vonage.the_app()["id"] == app["id"]


def test_updating_an_application_with_a_timeout_keeps_it_under_the_name_the_api_takes(sandbox, vonage, run_module):
    # Every PUT resends the timeouts the application has: under the old name each such update was refused.
    vonage.create_directly(name="timed", capabilities={"voice": VOICE})
    sandbox.clear_requests()

    result = run_module(vonage_application.main, vonage.app(name="timed", privacy={"improve_ai": False}))

    assert result["changed"] is True, result
    [put] = sandbox.writes(PROVIDER)
    assert put["method"] == "PUT" and put["status"] == 200
    assert "connection_timeout" not in put["body"]
    assert body_of(put)["capabilities"]["voice"]["webhooks"]["event_url"]["connect_timeout"] == 500
    assert vonage.the_app()["capabilities"]["voice"] == VOICE


def test_read_only_verify_version_is_never_sent_back(sandbox, vonage, run_module):
    created = run_module(vonage_application.main, vonage.app(name="verify", capabilities={
        "verify": {"webhooks": {"status_url": {"address": "https://hooks.example.com/verify", "http_method": "POST"}}}}))
    sandbox.change(PROVIDER, created["application"]["id"], {"capabilities": {"verify": {"version": "v2"}}})
    sandbox.clear_requests()

    result = run_module(vonage_application.main, vonage.app(name="verify", capabilities={"rtc": RTC}))

    assert result["changed"] is True
    [put] = sandbox.writes(PROVIDER)
    assert body_of(put)["capabilities"]["verify"] == {
        "webhooks": {"status_url": {"address": "https://hooks.example.com/verify", "http_method": "POST"}}}


def test_new_webhook_without_address_fails_before_any_write(sandbox, vonage, run_module):
    run_module(vonage_application.main, vonage.app(name="partial", capabilities={"voice": VOICE}))
    sandbox.clear_requests()

    result = run_module(vonage_application.main, vonage.app(name="partial", capabilities={
        "voice": {"webhooks": {"fallback_answer_url": {"http_method": "POST"}}}}))

    assert result["failed"] is True
    assert "capabilities.voice.webhooks.fallback_answer_url.address is required" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_application_id_identifies_and_name_renames(sandbox, vonage, run_module):
    app = vonage.create_directly(name="old-name", capabilities={"rtc": RTC})

    result = run_module(vonage_application.main, vonage.app(application_id=app["id"], name="new-name"))

    assert result["changed"] is True and result["differences"] == ["name"]
    stored = vonage.the_app()
    assert stored["name"] == "new-name" and stored["capabilities"] == {"rtc": RTC}


def test_unknown_application_id_fails_clearly(sandbox, vonage, run_module):
    result = run_module(vonage_application.main, vonage.app(application_id="78d335fa-323d-0114-9c3d-d6f0d48968cf", name="x"))

    assert result["failed"] is True
    assert "No Vonage application has application_id" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_ambiguous_name_fails_naming_both_ids(sandbox, vonage, run_module):
    first = vonage.create_directly(name="twin")
    second = vonage.create_directly(name="twin")
    sandbox.clear_requests()

    result = run_module(vonage_application.main, vonage.app(name="twin", capabilities={"rtc": RTC}))

    assert result["failed"] is True
    assert first["id"] in result["msg"] and second["id"] in result["msg"]
    assert "application_id" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


# ---- absent ---------------------------------------------------------------------------


# ---- faults ---------------------------------------------------------------------------
def test_rate_limit_then_success_converges_with_one_write(sandbox, vonage, run_module):
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=429, retry_after=1, count=1)

    result = run_module(vonage_application.main, vonage.app(name="limited", capabilities={"rtc": RTC}))

    assert result["changed"] is True
    assert [entry["status"] for entry in sandbox.writes(PROVIDER)] == [429, 201]
    assert len(vonage.apps()) == 1


def test_rate_limited_put_is_retried(sandbox, vonage, run_module):
    run_module(vonage_application.main, vonage.app(name="limited", capabilities={"rtc": RTC}))
    sandbox.clear_requests()
    sandbox.fault(provider=PROVIDER, method="PUT", kind="status", status=429, retry_after=0, count=2)

    result = run_module(vonage_application.main, vonage.app(name="limited", capabilities={"vbc": {}}))

    assert result["changed"] is True
    assert [entry["status"] for entry in sandbox.writes(PROVIDER)] == [429, 429, 200]
    assert set(vonage.the_app()["capabilities"]) == {"rtc", "vbc"}


def test_create_answered_by_500_leaves_exactly_one_application(sandbox, vonage, run_module):
    # The sandbox applies the create, then answers 500: the outcome is unknown to the module.
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=500, count=1, after=True)

    result = run_module(vonage_application.main, vonage.app(name="once", capabilities={"rtc": RTC}))

    assert result.get("failed") is not True, result
    assert result["changed"] is True
    apps = vonage.apps()
    assert len(apps) == 1 and apps[0]["id"] == result["application"]["id"]
    creates = [e for e in sandbox.writes(PROVIDER) if e["method"] == "POST"]
    assert len(creates) == 1
    # Nobody asked for the private key, but the module says that it was never seen.
    assert any("private key" in warning for warning in warnings_of(result))


def test_lost_create_answer_with_own_public_key_loses_nothing(sandbox, vonage, run_module):
    public_key = new_public_key()
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=502, count=1, after=True)

    result = run_module(vonage_application.main, vonage.app(name="own-key", public_key=public_key, capabilities={"rtc": RTC}))

    assert result.get("failed") is not True, result
    assert warnings_of(result) == []
    [app] = vonage.apps()
    assert app["keys"]["public_key"] == public_key


def test_lost_create_answer_with_private_key_path_fails_honestly(sandbox, vonage, run_module, tmp_path):
    key_file = tmp_path / "app.key"
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=500, count=1, after=True)

    result = run_module(vonage_application.main, vonage.app(name="lost-key", private_key_path=str(key_file), capabilities={"rtc": RTC}))

    assert result["failed"] is True and result["changed"] is True
    [app] = vonage.apps()
    assert app["id"] in result["msg"] and result["application"]["id"] == app["id"]
    assert "public_key" in result["msg"] and "private key" in result["msg"]
    assert result["private_key_written"] is False
    assert not key_file.exists()
    assert len([e for e in sandbox.writes(PROVIDER) if e["method"] == "POST"]) == 1


# ---- the private key ----------------------------------------------------------------------
def test_private_key_file_is_written_once_with_mode_0600_and_never_printed(sandbox, vonage, run_module, tmp_path):
    key_file = tmp_path / "support.key"
    options = vonage.app(name="keyed", private_key_path=str(key_file), capabilities={"voice": VOICE})

    dry = run_module(vonage_application.main, options, check_mode=True)
    assert not key_file.exists() and dry["private_key_written"] is False

    created = run_module(vonage_application.main, options)
    assert created["changed"] is True and created["private_key_written"] is True
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    private_pem = key_file.read_text()
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    # The file holds the private half of the public key Vonage now has.
    private_key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    public_pem = private_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    assert vonage.the_app()["keys"]["public_key"] == public_pem
    written = key_file.stat().st_mtime_ns

    again = run_module(vonage_application.main, options)
    updated = run_module(vonage_application.main, dict(options, capabilities={"rtc": RTC}))
    listed = run_module(vonage_application_info.main, vonage.args)

    assert again["changed"] is False and again["private_key_written"] is False
    assert updated["changed"] is True and updated["private_key_written"] is False
    assert key_file.read_text() == private_pem and key_file.stat().st_mtime_ns == written
    body = "".join(line for line in private_pem.splitlines()[1:-1])
    for result in (dry, created, again, updated, listed):
        no_secrets(result, vonage.secret, private_pem, body[:40], body[-40:])
    # Not in any request the module sent either (only the create answer carried it).
    for entry in sandbox.requests(PROVIDER):
        assert "PRIVATE KEY" not in entry["body"]


def test_existing_private_key_file_is_never_overwritten(sandbox, vonage, run_module, tmp_path):
    key_file = tmp_path / "taken.key"
    key_file.write_text("someone else's key\n")

    result = run_module(vonage_application.main, vonage.app(name="new-app", private_key_path=str(key_file), capabilities={"rtc": RTC}))

    assert result["failed"] is True
    assert "private_key_path" in result["msg"] and "already exists" in result["msg"]
    assert key_file.read_text() == "someone else's key\n"
    assert sandbox.writes(PROVIDER) == []


def test_private_key_path_for_an_existing_application_writes_nothing_and_warns(sandbox, vonage, run_module, tmp_path):
    vonage.create_directly(name="exists")
    key_file = tmp_path / "late.key"

    result = run_module(vonage_application.main, vonage.app(name="exists", private_key_path=str(key_file)))

    assert result["changed"] is False and result["private_key_written"] is False
    assert not key_file.exists()
    assert any("private_key_path" in warning for warning in warnings_of(result))


def test_public_key_rotation_is_a_put_and_then_no_change(sandbox, vonage, run_module):
    run_module(vonage_application.main, vonage.app(name="rotate", capabilities={"voice": VOICE}))
    public_key = new_public_key()
    sandbox.clear_requests()

    rotated = run_module(vonage_application.main, vonage.app(name="rotate", public_key=public_key))
    # Same key with different line endings and trailing space is the same key.
    same = run_module(vonage_application.main, vonage.app(name="rotate", public_key=public_key.replace("\n", "\r\n") + "  "))

    assert rotated["changed"] is True and rotated["differences"] == ["keys.public_key"]
    assert same["changed"] is False
    [put] = sandbox.writes(PROVIDER)
    assert body_of(put)["keys"] == {"public_key": public_key}
    assert body_of(put)["capabilities"] == {"voice": VOICE}
    assert vonage.the_app()["keys"]["public_key"] == public_key


def test_public_key_and_private_key_path_are_mutually_exclusive(sandbox, vonage, run_module, tmp_path):
    result = run_module(vonage_application.main, vonage.app(name="x", public_key=new_public_key(), private_key_path=str(tmp_path / "k")))

    assert result["failed"] is True and "mutually exclusive" in result["msg"]
    assert sandbox.requests(PROVIDER) == []


# ---- input checked before any request ---------------------------------------------------------
@pytest.mark.parametrize("options, expected", [
    ({"capabilities": {"messages": {"webhooks": {"inbound_url": {"address": "https://h.example.com/i", "http_method": "GET"}}}}},
     ["http_method", "POST", "messages -> webhooks -> inbound_url"]),
    ({"capabilities": {"verify": {"webhooks": {"status_url": {"address": "https://h.example.com/v", "http_method": "GET"}}}}},
     ["http_method", "POST", "verify -> webhooks -> status_url"]),
    ({"capabilities": {"voice": {"webhooks": {"answer_url": {"address": "https://h.example.com/a", "http_method": "PUT"}}}}},
     ["http_method", "GET, POST"]),
    ({"capabilities": {"rtc": {"webhooks": {"event_url": {"address": "https://h.example.com/r", "http_method": "PATCH"}}}}},
     ["http_method", "GET, POST"]),
    ({"capabilities": {"voice": {"webhooks": {"answer_url": {"address": "https://h.example.com/a", "connection_timeout": 299}}}}},
     ["capabilities.voice.webhooks.answer_url.connect_timeout must be between 300 and 1000"]),
    ({"capabilities": {"voice": {"webhooks": {"event_url": {"address": "https://h.example.com/e", "connect_timeout": 1001}}}}},
     ["capabilities.voice.webhooks.event_url.connect_timeout must be between 300 and 1000"]),
    ({"capabilities": {"voice": {"webhooks": {"event_url": {"address": "https://h.example.com/e", "socket_timeout": 10001}}}}},
     ["capabilities.voice.webhooks.event_url.socket_timeout must be between 1000 and 10000"]),
    ({"capabilities": {"voice": {"conversations_ttl": 0}}}, ["capabilities.voice.conversations_ttl must be between 1 and 9000"]),
    ({"capabilities": {"voice": {"leg_persistence_time": 32}}}, ["capabilities.voice.leg_persistence_time must be between 1 and 31"]),
    ({"capabilities": {"voice": {"region": "moon-base"}}}, ["region", "na-east", "apac-australia"]),
    ({"capabilities": {"voice": {"webhooks": {"answer_url": {"address": "not a url"}}}}},
     ["capabilities.voice.webhooks.answer_url.address must be an absolute http:// or https:// URL"]),
    ({"capabilities": {"rtc": {"webhooks": {"event_url": {"address": "ftp://files.example.com/x"}}}}},
     ["capabilities.rtc.webhooks.event_url.address must be"]),
    ({"capabilities": {"vbc": {"enabled": True}}}, ["capabilities.vbc must be an empty dict"]),
    ({"application_id": "not-a-uuid"}, ["application_id must be a Vonage application id"]),
    ({"public_key": "ssh-rsa AAAA"}, ["public_key must be a PEM public key"]),
    ({"remove_capabilities": ["fax"]}, ["remove_capabilities", "voice, messages, rtc, verify, vbc"]),
    ({"remove_capabilities": ["rtc"], "capabilities": {"rtc": RTC}}, ["remove_capabilities names rtc"]),
    ({"capabilities": {"voice": {"webhooks": {"answer_url": {"address": "", "http_method": "GET"}}}}},
     ['capabilities.voice.webhooks.answer_url.address "" removes the webhook']),
    ({"name": "tab\there"}, ["name must not contain control characters"]),
])
def test_bad_values_fail_before_any_request(sandbox, vonage, run_module, options, expected):
    args = vonage.app(name="ok")
    args.update(options)

    result = run_module(vonage_application.main, args)

    assert result["failed"] is True
    for text in expected:
        assert text in result["msg"], result["msg"]
    assert sandbox.requests(PROVIDER) == []


def test_missing_directory_of_private_key_path_fails_before_any_request(sandbox, vonage, run_module, tmp_path):
    result = run_module(vonage_application.main, vonage.app(name="x", private_key_path=str(tmp_path / "nope" / "k.pem")))

    assert result["failed"] is True and "does not exist" in result["msg"]
    assert sandbox.requests(PROVIDER) == []


# ---- provider errors ------------------------------------------------------------------------------
def test_wrong_secret_is_one_clear_message_without_the_secret(sandbox, vonage, run_module):
    result = run_module(vonage_application.main, dict(vonage.app(name="x"), api_secret="wrong-secret-value"))

    assert result["failed"] is True and result["status"] == 401
    assert "GET /v2/applications" in result["msg"]
    assert "Invalid credentials supplied" in result["msg"]
    assert "wrong-secret-value" not in json.dumps(result)


def test_problem_json_with_invalid_parameters_becomes_one_message(sandbox, vonage, run_module):
    # Passes the module's own check (it looks like PEM) but is no key: the provider refuses it.
    fake_key = "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n"

    result = run_module(vonage_application.main, vonage.app(name="bad-key", public_key=fake_key))

    assert result["failed"] is True and result["status"] == 400
    assert result["error_code"] == "payload-validation"
    assert "Bad Request: The request failed due to validation errors; keys.public_key: must be a PEM encoded public key" in result["msg"]
    assert "(instance " in result["msg"]


def test_parse_error_handles_every_part():
    class Answer:
        def __init__(self, body):
            self.body = body

        def json(self):
            return self.body

    code, message = vonage_utils.parse_error(Answer({
        "type": "https://developer.nexmo.com/api-errors/application#payload-validation", "title": "Bad Request",
        "detail": "The request failed due to validation errors", "instance": "abc",
        "invalid_parameters": [{"name": "capabilities.voice.webhooks.answer_url.http_method", "reason": "must be one of: GET, POST"},
                               {"name": "name", "reason": "is required"}]}))
    assert code == "payload-validation"
    assert message == ("Bad Request: The request failed due to validation errors; "
                       "capabilities.voice.webhooks.answer_url.http_method: must be one of: GET, POST; name: is required (instance abc)")
    assert vonage_utils.parse_error(Answer({"type": "https://developer.vonage.com/api-errors#rate-limit", "title": "Rate Limit Hit",
                                            "detail": "Please wait, then retry your request"})) == (
        "rate-limit", "Rate Limit Hit: Please wait, then retry your request")
    assert vonage_utils.parse_error(Answer(["odd"])) == (None, None)


# ---- info -----------------------------------------------------------------------------------------
def test_info_follows_every_page_and_filters(sandbox, vonage, run_module, monkeypatch):
    monkeypatch.setattr(vonage_utils, "PAGE_SIZE", 2)
    for index in range(5):
        vonage.create_directly(name="app-%d" % index, capabilities={"rtc": RTC})
    vonage.create_directly(name="app-1")
    sandbox.clear_requests()

    everything = run_module(vonage_application_info.main, vonage.args)
    reads = sandbox.reads(PROVIDER)
    named = run_module(vonage_application_info.main, dict(vonage.args, name="app-1"))
    one = run_module(vonage_application_info.main, dict(vonage.args, application_id=named["applications"][0]["id"]))
    missing = run_module(vonage_application_info.main, dict(vonage.args, application_id="00000000-0000-4000-8000-000000000000"))

    assert len(everything["applications"]) == 6
    assert [entry["query"] for entry in reads] == ["page_size=2&page=1", "page_size=2&page=2", "page_size=2&page=3"]
    assert [a["name"] for a in named["applications"]] == ["app-1", "app-1"]
    assert one["applications"][0]["id"] == named["applications"][0]["id"]
    assert missing["applications"] == []
    assert all(result["changed"] is False for result in (everything, named, one, missing))
    no_secrets(everything, vonage.secret)


def test_info_asks_for_pages_of_100(sandbox, vonage, run_module):
    vonage.create_directly(name="solo")
    sandbox.clear_requests()

    result = run_module(vonage_application_info.main, vonage.args)

    assert [a["name"] for a in result["applications"]] == ["solo"]
    assert [entry["query"] for entry in sandbox.reads(PROVIDER)] == ["page_size=100&page=1"]


def test_info_rejects_a_malformed_id_before_any_request(sandbox, vonage, run_module):
    result = run_module(vonage_application_info.main, dict(vonage.args, application_id="abc"))

    assert result["failed"] is True and "application_id" in result["msg"]
    assert sandbox.requests(PROVIDER) == []


def test_url_password_is_masked_everywhere_and_still_compared(sandbox, vonage, run_module):
    secret_url = "https://hookuser:url-pass-9f2c@hooks.example.com/answer"
    caps = {"voice": {"webhooks": {"answer_url": {"address": secret_url, "http_method": "GET"}}}}
    created = run_module(vonage_application.main, vonage.app(name="creds", capabilities=caps))
    same = run_module(vonage_application.main, vonage.app(name="creds", capabilities=caps), check_mode=True)
    listed = run_module(vonage_application_info.main, vonage.args)

    for result in (created, same, listed):
        assert "url-pass-9f2c" not in json.dumps(result)
        no_secrets(result, vonage.secret)
    assert same["changed"] is False
    assert created["application"]["capabilities"]["voice"]["webhooks"]["answer_url"]["address"] == \
        "https://hookuser:********@hooks.example.com/answer"
    assert vonage.the_app()["capabilities"]["voice"]["webhooks"]["answer_url"]["address"] == secret_url


def test_server_error_on_put_is_retried_because_a_put_is_idempotent(sandbox, vonage, run_module):
    run_module(vonage_application.main, vonage.app(name="flaky", capabilities={"rtc": RTC}))
    sandbox.clear_requests()
    sandbox.fault(provider=PROVIDER, method="PUT", kind="status", status=503, count=1, after=True)

    result = run_module(vonage_application.main, vonage.app(name="flaky", privacy={"improve_ai": False}))

    assert result["changed"] is True and result["differences"] == ["privacy.improve_ai"]
    assert [entry["status"] for entry in sandbox.writes(PROVIDER)] == [503, 200]
    assert vonage.the_app()["privacy"] == {"improve_ai": False}
    assert vonage.the_app()["capabilities"] == {"rtc": RTC}


def test_provider_default_privacy_is_not_drift(sandbox, vonage, run_module):
    vonage.create_directly(name="defaults")  # Vonage's default is improve_ai: true
    sandbox.clear_requests()

    result = run_module(vonage_application.main, vonage.app(name="defaults", privacy={"improve_ai": True}))

    assert result["changed"] is False
    assert sandbox.writes(PROVIDER) == []


def test_canonical_and_wire_forms():
    answer = {
        "id": "78d335fa-323d-0114-9c3d-d6f0d48968cf", "name": "a",
        "keys": {"public_key": "PUB", "private_key": "PRIV"},
        "capabilities": {
            "voice": {"webhooks": {"answer_url": {"address": "https://h.example.com/a", "connection_timeout": 400}}},
            "verify": {"webhooks": {"status_url": {"address": "https://h.example.com/v", "http_method": "POST"}}, "version": "v2"},
        },
        "_links": {"self": {"href": "/v2/applications/78d335fa-323d-0114-9c3d-d6f0d48968cf"}},
    }

    application, private_key = vonage_utils.canonical(answer)
    body = vonage_utils.to_wire(application)

    assert private_key == "PRIV" and application["keys"] == {"public_key": "PUB"}
    # an answer under the 2021 reference's name is read as connect_timeout, and sent so
    assert application["capabilities"]["voice"]["webhooks"]["answer_url"] == {"address": "https://h.example.com/a", "connect_timeout": 400}
    assert body["capabilities"]["voice"]["webhooks"]["answer_url"] == {"address": "https://h.example.com/a", "connect_timeout": 400}
    assert answer["keys"]["private_key"] == "PRIV"  # the answer itself is left alone
    assert set(body) == {"name", "keys", "capabilities"}
    assert "version" not in body["capabilities"]["verify"]
    assert application["capabilities"]["verify"]["version"] == "v2"


def test_key_file_that_cannot_be_written_fails_naming_the_created_application(sandbox, vonage, run_module, tmp_path, monkeypatch):
    key_file = tmp_path / "disk-full.key"
    real_write = os.write

    def failing_write(descriptor, data):
        if b"PRIVATE KEY" in bytes(data):
            raise OSError(28, "No space left on device")
        return real_write(descriptor, data)

    monkeypatch.setattr(vonage_utils.os, "write", failing_write)

    result = run_module(vonage_application.main, vonage.app(name="no-space", private_key_path=str(key_file), capabilities={"rtc": RTC}))

    monkeypatch.undo()
    [app] = vonage.apps()
    assert result["failed"] is True and result["changed"] is True
    assert app["id"] in result["msg"] and "No space left on device" in result["msg"]
    assert not key_file.exists()
    no_secrets(result, vonage.secret)
