# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bandwidth_application and bandwidth_application_info against the sandbox's Bandwidth API."""

from __future__ import annotations

import json

import pytest
import requests
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.bandwidth import adapter as bandwidth_utils
from ansible_collections.cpaas.callbacks.plugins.modules import bandwidth_application, bandwidth_application_info
from lxml import etree

PROVIDER = "bandwidth"
CALLBACK_PASSWORD = "cb-pass-5e1f"
FALLBACK_PASSWORD = "fb-pass-0c7d"
INBOUND_PASSWORD = "in-pass-93aa"
OUTBOUND_PASSWORD = "out-pass-41b2"
SECRETS = (CALLBACK_PASSWORD, FALLBACK_PASSWORD, INBOUND_PASSWORD, OUTBOUND_PASSWORD)
DOCUMENT_ORDER = [element for _key, element, _kind, _service in bandwidth_utils.FIELDS]


@pytest.fixture
def bw(sandbox):
    creds = sandbox.credentials
    base = {
        "api_url": sandbox.url + "/api",
        "account_id": creds["BW_ACCOUNT_ID"],
        "username": creds["BW_USERNAME"],
        "password": creds["BW_PASSWORD"],
        "max_retries": 3,
    }

    class Bandwidth:
        args = base
        api_password = creds["BW_PASSWORD"]

        def app(self, **options):
            return dict(base, **options)

        def voice(self, **options):
            return self.app(**dict({
                "app_name": "ivr",
                "service_type": "Voice-V2",
                "call_initiated_callback_url": "https://hooks.example.com/voice",
                "call_status_callback_url": "https://hooks.example.com/status",
                "callback_creds": {"user_id": "bwuser", "password": CALLBACK_PASSWORD},
                "call_initiated_fallback_url": "https://fallback.example.com/voice",
                "call_initiated_fallback_creds": {"user_id": "fbuser", "password": FALLBACK_PASSWORD},
            }, **options))

        def messaging(self, **options):
            return self.app(**dict({
                "app_name": "sms",
                "service_type": "Messaging-V2",
                "inbound_callback_url": "https://hooks.example.com/inbound",
                "outbound_callback_url": "https://hooks.example.com/outbound",
                "inbound_callback_creds": {"user_id": "inuser", "password": INBOUND_PASSWORD},
                "outbound_callback_creds": {"user_id": "outuser", "password": OUTBOUND_PASSWORD},
                "requested_callback_types": ["message-delivered", "message-failed"],
            }, **options))

        def apps(self):
            """The sandbox's raw records (element names; stored passwords included)."""
            return sandbox.applications(PROVIDER)

        def record(self, app_id):
            return next(app for app in self.apps() if app["ApplicationId"] == app_id)

        def create_directly(self, body):
            response = requests.post(
                "%s/api/accounts/%s/applications" % (sandbox.url, base["account_id"]), data=body,
                headers={"Content-Type": "application/xml"}, auth=(base["username"], base["password"]), timeout=10)
            assert response.status_code == 201, response.text
            return etree.fromstring(response.content).findtext("Application/ApplicationId")

    return Bandwidth()


def body_of(entry):
    return etree.fromstring(entry["body"].encode("utf-8"))


def assert_no_secret(result, *extra):
    text = json.dumps(result)
    for secret in SECRETS + extra:
        assert secret not in text


def assert_document_order(root):
    tags = [child.tag for child in root]
    assert tags == sorted(tags, key=DOCUMENT_ORDER.index), tags
    for creds in root:
        if creds.tag.endswith("Creds"):
            assert [child.tag for child in creds] in (["UserId", "Password"], ["UserId"])


def create_voice(run_module, bw, **options):
    result = run_module(bandwidth_application.main, bw.voice(**options))
    assert result["changed"] is True, result
    return result["application"]["application_id"]


# ---- create, converge, check mode -----------------------------------------------
def test_create_sends_well_formed_xml_in_document_order(sandbox, bw, run_module):
    result = run_module(bandwidth_application.main, bw.messaging())

    assert result["changed"] is True
    app = result["application"]
    assert app["service_type"] == "Messaging-V2" and app["app_name"] == "sms"
    assert app["inbound_callback_creds"] == {"user_id": "inuser"}
    assert sorted(app["requested_callback_types"]) == ["message-delivered", "message-failed"]
    assert "msg_callback_url" not in app  # the deprecated echo is not part of the application
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["inbound_callback_creds"] == {"user_id": "inuser", "password": "********"}
    [write] = sandbox.writes(PROVIDER)
    assert write["method"] == "POST" and write["path"] == "/api/accounts/%s/applications" % bw.args["account_id"]
    assert write["headers"]["Content-Type"] == "application/xml; charset=utf-8"
    assert write["headers"]["Accept"] == "application/xml"
    root = body_of(write)
    assert root.tag == "Application"
    assert [child.tag for child in root] == [
        "ServiceType", "AppName", "InboundCallbackUrl", "OutboundCallbackUrl", "InboundCallbackCreds",
        "OutboundCallbackCreds", "RequestedCallbackTypes"]
    assert root.findtext("InboundCallbackCreds/Password") == INBOUND_PASSWORD
    assert [item.text for item in root.find("RequestedCallbackTypes")] == ["message-delivered", "message-failed"]
    [record] = bw.apps()
    assert record["InboundCallbackCreds"] == {"UserId": "inuser", "Password": INBOUND_PASSWORD}
    assert_no_secret(result, bw.api_password)


def test_voice_create_gets_provider_defaults(sandbox, bw, run_module):
    result = run_module(bandwidth_application.main, bw.voice())

    app = result["application"]
    assert app["call_initiated_method"] == "POST"
    assert app["call_status_method"] == "POST" and app["call_initiated_fallback_method"] == "POST"
    root = body_of(sandbox.writes(PROVIDER)[0])
    assert_document_order(root)
    assert root.find("CallInitiatedMethod") is None  # not set by the task, not sent
    assert_no_secret(result, bw.api_password)


@pytest.mark.parametrize("kind", ["voice", "messaging"])
def test_second_run_of_each_service_type_is_one_read_and_no_write(sandbox, bw, run_module, kind):
    """Bandwidth's quirk: two service types with different fields; both converge (the shared suite runs one)."""
    options = getattr(bw, kind)()
    run_module(bandwidth_application.main, options)
    sandbox.clear_requests()

    result = run_module(bandwidth_application.main, options)

    assert result["changed"] is False
    assert result["differences"] == []
    assert len(sandbox.reads(PROVIDER)) == 1
    assert sandbox.writes(PROVIDER) == []


def test_check_mode_create_masks_the_callback_passwords(sandbox, bw, run_module):
    """Bandwidth's quirk: write-only callback passwords show masked in the planned application."""
    result = run_module(bandwidth_application.main, bw.voice(), check_mode=True)

    assert result["changed"] is True
    assert result["diff"]["after"]["call_initiated_callback_url"] == "https://hooks.example.com/voice"
    assert result["diff"]["after"]["callback_creds"]["password"] == "********"
    assert sandbox.writes(PROVIDER) == []
    assert bw.apps() == []
    assert_no_secret(result)


def test_drift_repair_names_the_passwords_its_put_carries(sandbox, bw, run_module):
    """Bandwidth's quirk: the repair is a PUT of the whole application, which carries the passwords the task gives."""
    app_id = create_voice(run_module, bw)
    sandbox.change(PROVIDER, app_id, {"CallInitiatedCallbackUrl": "https://attacker.example.net/voice"})
    sandbox.clear_requests()

    result = run_module(bandwidth_application.main, bw.voice(), check_mode=True)

    assert result["changed"] is True
    # The repair is a PUT of the whole application, which carries the passwords the task gives: it says so.
    assert result["differences"] == ["call_initiated_callback_url", "call_initiated_fallback_creds.password", "callback_creds.password"]
    assert result["diff"]["before"]["call_initiated_callback_url"] == "https://attacker.example.net/voice"
    assert result["diff"]["after"]["call_initiated_callback_url"] == "https://hooks.example.com/voice"
    assert "password" not in json.dumps(result["diff"]["before"])  # Bandwidth never returns one
    assert result["diff"]["after"]["callback_creds"]["password"] == "********"
    assert sandbox.writes(PROVIDER) == []
    assert bw.record(app_id)["CallInitiatedCallbackUrl"] == "https://attacker.example.net/voice"


def test_provider_defaults_deprecated_echoes_and_type_order_are_not_drift(sandbox, bw, run_module):
    run_module(bandwidth_application.main, bw.voice())
    run_module(bandwidth_application.main, bw.messaging())
    sandbox.clear_requests()

    voice = run_module(bandwidth_application.main, bw.voice(
        call_initiated_method="POST", call_status_method="POST", call_initiated_fallback_method="POST"))
    messaging = run_module(bandwidth_application.main, bw.messaging(
        requested_callback_types=["message-failed", "message-delivered", "message-failed"]))

    assert voice["changed"] is False and messaging["changed"] is False
    assert sandbox.writes(PROVIDER) == []


# ---- full-replace updates and write-only passwords --------------------------------
def test_updating_one_url_keeps_every_other_field_and_the_credentials(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw, call_status_method="GET")
    before = bw.record(app_id)
    sandbox.clear_requests()

    result = run_module(bandwidth_application.main, bw.app(
        app_name="ivr", call_status_callback_url="https://hooks.example.com/status-v2",
        callback_creds={"user_id": "bwuser", "password": CALLBACK_PASSWORD},
        call_initiated_fallback_creds={"user_id": "fbuser", "password": FALLBACK_PASSWORD}))

    assert result["changed"] is True
    assert result["differences"] == ["call_initiated_fallback_creds.password", "call_status_callback_url", "callback_creds.password"]
    [write] = sandbox.writes(PROVIDER)
    assert write["method"] == "PUT" and write["path"].endswith("/applications/" + app_id)
    root = body_of(write)
    assert_document_order(root)
    assert root.find("ServiceType") is None  # the documented PUT has none; the type cannot change
    after = bw.record(app_id)
    assert after == dict(before, CallStatusCallbackUrl="https://hooks.example.com/status-v2")
    assert after["CallbackCreds"] == {"UserId": "bwuser", "Password": CALLBACK_PASSWORD}
    assert after["CallInitiatedFallbackCreds"] == {"UserId": "fbuser", "Password": FALLBACK_PASSWORD}
    assert after["CallStatusMethod"] == "GET"
    assert_no_secret(result, bw.api_password)


def test_update_that_would_drop_credentials_fails_without_writing(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw)
    before = bw.record(app_id)
    sandbox.clear_requests()

    args = bw.app(app_name="ivr", call_status_callback_url="https://hooks.example.com/status-v2",
                  callback_creds={"user_id": "bwuser", "password": CALLBACK_PASSWORD})
    result = run_module(bandwidth_application.main, args)
    checked = run_module(bandwidth_application.main, args, check_mode=True)

    for outcome in (result, checked):
        assert outcome["failed"] is True
        assert "call_initiated_fallback_creds.password" in outcome["msg"]
        assert "callback_creds.password" not in outcome["msg"].replace("call_initiated_fallback_creds.password", "")
        assert "call_initiated_fallback_creds: {}" in outcome["msg"]
        assert_no_secret(outcome, bw.api_password)
    assert sandbox.writes(PROVIDER) == []
    assert bw.record(app_id) == before


def test_update_without_any_password_names_every_credential(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw)
    sandbox.clear_requests()

    result = run_module(bandwidth_application.main, bw.app(application_id=app_id, app_name="renamed"))

    assert result["failed"] is True
    assert "callback_creds.password" in result["msg"] and "call_initiated_fallback_creds.password" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_second_run_with_passwords_converges(sandbox, bw, run_module):
    create_voice(run_module, bw)
    failed = run_module(bandwidth_application.main, bw.app(app_name="ivr", call_status_callback_url="https://hooks.example.com/s2"))
    assert failed["failed"] is True

    options = bw.voice(call_status_callback_url="https://hooks.example.com/s2")
    first = run_module(bandwidth_application.main, options)
    sandbox.clear_requests()
    second = run_module(bandwidth_application.main, options)

    assert first["changed"] is True
    assert first["differences"] == ["call_initiated_fallback_creds.password", "call_status_callback_url", "callback_creds.password"]
    assert second["changed"] is False
    assert len(sandbox.reads(PROVIDER)) == 1 and sandbox.writes(PROVIDER) == []


def test_update_password_always_sends_passwords_and_reports_change(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw)
    sandbox.clear_requests()
    rotated = {"user_id": "bwuser", "password": "rotated-pass-77c1"}

    result = run_module(bandwidth_application.main, bw.voice(callback_creds=rotated, update_password="always"))
    again = run_module(bandwidth_application.main, bw.voice(callback_creds=rotated, update_password="always"))
    quiet = run_module(bandwidth_application.main, bw.voice(callback_creds=rotated))

    assert result["changed"] is True and again["changed"] is True and quiet["changed"] is False
    assert result["differences"] == ["call_initiated_fallback_creds.password", "callback_creds.password"]
    writes = sandbox.writes(PROVIDER)
    assert [entry["method"] for entry in writes] == ["PUT", "PUT"]
    root = body_of(writes[0])
    assert root.findtext("CallbackCreds/Password") == "rotated-pass-77c1"
    assert root.findtext("CallInitiatedFallbackCreds/Password") == FALLBACK_PASSWORD
    assert bw.record(app_id)["CallbackCreds"] == {"UserId": "bwuser", "Password": "rotated-pass-77c1"}
    for outcome in (result, again, quiet):
        assert_no_secret(outcome, "rotated-pass-77c1", bw.api_password)
    assert result["diff"]["after"]["callback_creds"]["password"] == "********"


def test_on_create_with_other_changes_sends_the_supplied_password(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw)

    run_module(bandwidth_application.main, bw.voice(
        call_status_callback_url="https://hooks.example.com/s3", callback_creds={"user_id": "bwuser", "password": "new-5f5f"}))

    # Every PUT replaces the whole application, so the password given is the one Bandwidth now has.
    assert bw.record(app_id)["CallbackCreds"] == {"UserId": "bwuser", "Password": "new-5f5f"}


def test_empty_credentials_remove_them_explicitly(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw)
    sandbox.clear_requests()
    options = bw.app(app_name="ivr", call_initiated_fallback_creds={},
                     callback_creds={"user_id": "bwuser", "password": CALLBACK_PASSWORD})

    removed = run_module(bandwidth_application.main, options)
    again = run_module(bandwidth_application.main, options)

    assert removed["changed"] is True and removed["differences"] == ["call_initiated_fallback_creds", "callback_creds.password"]
    assert "call_initiated_fallback_creds" not in removed["diff"]["after"]
    assert again["changed"] is False
    record = bw.record(app_id)
    assert "CallInitiatedFallbackCreds" not in record
    assert record["CallbackCreds"] == {"UserId": "bwuser", "Password": CALLBACK_PASSWORD}
    assert record["CallInitiatedFallbackUrl"] == "https://fallback.example.com/voice"
    assert body_of(sandbox.writes(PROVIDER)[0]).find("CallInitiatedFallbackCreds") is None


def test_empty_string_clears_an_optional_url(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw)
    options = bw.voice(call_status_callback_url="")

    cleared = run_module(bandwidth_application.main, options)
    again = run_module(bandwidth_application.main, options)

    assert cleared["changed"] is True and again["changed"] is False
    assert "CallStatusCallbackUrl" not in bw.record(app_id)
    assert bw.record(app_id)["CallInitiatedCallbackUrl"] == "https://hooks.example.com/voice"


def test_new_credentials_on_an_existing_application(sandbox, bw, run_module):
    result = run_module(bandwidth_application.main, bw.app(
        app_name="plain", service_type="Messaging-V2", inbound_callback_url="https://hooks.example.com/in"))
    app_id = result["application"]["application_id"]

    added = run_module(bandwidth_application.main, bw.app(
        app_name="plain", outbound_callback_creds={"user_id": "out", "password": OUTBOUND_PASSWORD}))

    assert added["changed"] is True
    assert added["differences"] == ["outbound_callback_creds.password", "outbound_callback_creds.user_id"]
    assert bw.record(app_id)["OutboundCallbackCreds"] == {"UserId": "out", "Password": OUTBOUND_PASSWORD}
    assert_no_secret(added)


def test_service_type_cannot_change(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw)
    sandbox.clear_requests()

    result = run_module(bandwidth_application.main, bw.app(application_id=app_id, service_type="Messaging-V2"))

    assert result["failed"] is True
    assert "service_type cannot be changed" in result["msg"] and "Voice-V2" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_options_of_the_other_service_fail_after_reading_the_type(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw)
    sandbox.clear_requests()

    result = run_module(bandwidth_application.main, bw.app(application_id=app_id, outbound_callback_url="https://h.example.com/o"))

    assert result["failed"] is True
    assert "outbound_callback_url" in result["msg"] and "Voice-V2" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


@pytest.mark.parametrize("options, expected", [
    ({"service_type": "Voice-V2"}, "call_initiated_callback_url is required to create a Voice-V2 application"),
    ({"service_type": "Messaging-V2"}, "inbound_callback_url is required to create a Messaging-V2 application"),
    ({"call_initiated_callback_url": "https://h.example.com/v"}, "service_type is required to create an application"),
    ({"service_type": "Voice-V2", "call_initiated_callback_url": "https://h.example.com/v", "callback_creds": {"user_id": "u"}},
     "callback_creds.password is required to create"),
])
def test_create_needs_what_bandwidth_requires(sandbox, bw, run_module, options, expected):
    result = run_module(bandwidth_application.main, bw.app(app_name="new", **options))

    assert result["failed"] is True and expected in result["msg"]
    assert sandbox.writes(PROVIDER) == []


# ---- identity, absent, faults -------------------------------------------------------
def test_ambiguous_name_fails_naming_both_ids(sandbox, bw, run_module):
    body = ("<Application><ServiceType>Voice-V2</ServiceType><AppName>twin</AppName>"
            "<CallInitiatedCallbackUrl>https://h.example.com/v</CallInitiatedCallbackUrl></Application>")
    first = bw.create_directly(body)
    second = bw.create_directly(body)
    sandbox.clear_requests()

    result = run_module(bandwidth_application.main, bw.app(app_name="twin", call_status_callback_url="https://h.example.com/s"))

    assert result["failed"] is True
    assert first in result["msg"] and second in result["msg"] and "application_id" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_application_id_identifies_and_app_name_renames(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw)

    result = run_module(bandwidth_application.main, bw.voice(application_id=app_id, app_name="renamed"))

    assert result["changed"] is True
    assert result["differences"] == ["app_name", "call_initiated_fallback_creds.password", "callback_creds.password"]
    assert [app["AppName"] for app in bw.apps()] == ["renamed"]


def test_unknown_application_id_fails_clearly(sandbox, bw, run_module):
    result = run_module(bandwidth_application.main, bw.app(
        application_id="00000000-0000-4000-8000-000000000000", call_status_callback_url="https://h.example.com/s"))

    assert result["failed"] is True
    assert "No Bandwidth application has application_id" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_rate_limit_then_success_converges_with_one_write(sandbox, bw, run_module):
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=429, retry_after=1, count=1)

    result = run_module(bandwidth_application.main, bw.voice())

    assert result["changed"] is True
    assert [entry["status"] for entry in sandbox.writes(PROVIDER)] == [429, 201]
    assert len(bw.apps()) == 1


def test_create_answered_by_500_leaves_exactly_one_application(sandbox, bw, run_module):
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=500, count=1, after=True)

    result = run_module(bandwidth_application.main, bw.voice())

    assert result.get("failed") is not True, result
    assert result["changed"] is True
    apps = bw.apps()
    assert len(apps) == 1 and apps[0]["ApplicationId"] == result["application"]["application_id"]
    creates = [entry for entry in sandbox.writes(PROVIDER) if entry["method"] == "POST"]
    assert len(creates) == 1
    assert apps[0]["CallbackCreds"] == {"UserId": "bwuser", "Password": CALLBACK_PASSWORD}


def test_put_answered_by_503_is_retried(sandbox, bw, run_module):
    app_id = create_voice(run_module, bw)
    sandbox.fault(provider=PROVIDER, method="PUT", kind="status", status=503, count=1)

    result = run_module(bandwidth_application.main, bw.voice(app_name="ivr", call_status_callback_url="https://h.example.com/s9"))

    assert result["changed"] is True
    assert [entry["status"] for entry in sandbox.writes(PROVIDER) if entry["method"] == "PUT"] == [503, 200]
    assert bw.record(app_id)["CallStatusCallbackUrl"] == "https://h.example.com/s9"


# ---- input checked before any request ----------------------------------------------
@pytest.mark.parametrize("options, expected", [
    ({"call_initiated_method": "FETCH"}, ["call_initiated_method", "GET, POST"]),
    ({"service_type": "Voice-V1"}, ["service_type", "Messaging-V2, Voice-V2"]),
    ({"requested_callback_types": ["message-read"]}, ["requested_callback_types", "message-delivered, message-sending, message-failed"]),
    ({"update_password": "sometimes"}, ["update_password", "on_create, always"]),
    ({"service_type": "Messaging-V2", "call_status_callback_url": "https://h.example.com/s"}, ["call_status_callback_url", "Messaging-V2"]),
    ({"service_type": "Voice-V2", "inbound_callback_creds": {"user_id": "u", "password": "lonely-secret"}}, ["inbound_callback_creds", "Voice-V2"]),
    ({"inbound_callback_url": "https://h.example.com/i", "call_initiated_callback_url": "https://h.example.com/v"},
     ["inbound_callback_url", "call_initiated_callback_url", "cannot be set together"]),
    ({"inbound_callback_url": "not a url"}, ["inbound_callback_url must be"]),
    ({"call_status_callback_url": "ftp://files.example.com/x"}, ["call_status_callback_url must be"]),
    ({"call_initiated_callback_url": ""}, ["call_initiated_callback_url cannot be cleared"]),
    ({"app_name": "tab\there"}, ["app_name must not contain control characters"]),
    ({"application_id": "../../other"}, ["application_id must be a Bandwidth application id"]),
    ({"callback_creds": {"password": "lonely-secret"}}, ["callback_creds.user_id is required with callback_creds.password"]),
    ({"callback_creds": {"user_id": "", "password": "lonely-secret"}}, ["callback_creds.user_id must not be empty", "callback_creds: {}"]),
])
def test_bad_input_fails_before_any_request(sandbox, bw, run_module, options, expected):
    args = bw.app(app_name="ok")
    args.update(options)

    result = run_module(bandwidth_application.main, args)

    assert result["failed"] is True
    for text in expected:
        assert text in result["msg"], result["msg"]
    assert sandbox.requests(PROVIDER) == []
    assert "lonely-secret" not in json.dumps(result)


def test_provider_error_names_method_path_code_and_hides_the_api_password(sandbox, bw, run_module):
    result = run_module(bandwidth_application.main, dict(bw.voice(), password="wrong-api-password-1"))

    assert result["failed"] is True
    assert result["status"] == 401
    assert result["error_code"] == "12401"
    assert "GET /api/accounts/%s/applications" % bw.args["account_id"] in result["msg"]
    assert "Bad credentials" in result["msg"]
    assert_no_secret(result, "wrong-api-password-1", bw.api_password)


def test_xml_error_of_the_provider_is_reported(sandbox, bw, run_module):
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=400, count=1)

    result = run_module(bandwidth_application.main, bw.voice())

    assert result["failed"] is True and result["status"] == 400 and result["error_code"] == "400"
    assert_no_secret(result, bw.api_password)


# ---- info -----------------------------------------------------------------------------
def test_info_lists_filters_and_fetches(sandbox, bw, run_module):
    voice_id = create_voice(run_module, bw)
    run_module(bandwidth_application.main, bw.messaging())
    run_module(bandwidth_application.main, bw.messaging(app_name="sms-2"))
    sandbox.clear_requests()

    everything = run_module(bandwidth_application_info.main, bw.args)
    named = run_module(bandwidth_application_info.main, dict(bw.args, app_name="sms"))
    one = run_module(bandwidth_application_info.main, dict(bw.args, application_id=voice_id))
    missing = run_module(bandwidth_application_info.main, dict(bw.args, application_id="00000000-0000-4000-8000-000000000000"))

    assert sorted(app["app_name"] for app in everything["applications"]) == ["ivr", "sms", "sms-2"]
    assert [app["app_name"] for app in named["applications"]] == ["sms"]
    assert one["applications"][0]["callback_creds"] == {"user_id": "bwuser"}
    assert missing["applications"] == []
    assert sandbox.writes(PROVIDER) == []
    for result in (everything, named, one, missing):
        assert result["changed"] is False
        assert_no_secret(result, bw.api_password)


def test_info_refuses_an_id_that_is_not_a_uuid_before_any_request(sandbox, bw, run_module):
    result = run_module(bandwidth_application_info.main, dict(bw.args, application_id=".."))

    assert result["failed"] is True and "application_id must be a Bandwidth application id" in result["msg"]
    assert sandbox.requests(PROVIDER) == []
