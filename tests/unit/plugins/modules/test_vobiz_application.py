# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vobiz_application and vobiz_application_info against the sandbox's Vobiz API."""

from __future__ import annotations

import json

import pytest
import requests
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vobiz import adapter as vobiz_utils
from ansible_collections.cpaas.callbacks.plugins.modules import vobiz_application, vobiz_application_info

PROVIDER = "vobiz"
ANSWER = "https://hooks.example.com/answer"


@pytest.fixture
def vobiz(sandbox):
    creds = sandbox.credentials
    base = {
        "api_url": sandbox.url + "/api/v1",
        "auth_id": creds["VOBIZ_AUTH_ID"],
        "auth_token": creds["VOBIZ_AUTH_TOKEN"],
        "max_retries": 3,
    }
    headers = {"X-Auth-ID": base["auth_id"], "X-Auth-Token": base["auth_token"]}
    collection = "%s/api/v1/Account/%s/Application/" % (sandbox.url, base["auth_id"])

    class Vobiz:
        args = base
        collection_path = "/api/v1/Account/%s/Application/" % base["auth_id"]

        def app(self, **options):
            return dict(base, **options)

        def apps(self):
            return sandbox.applications(PROVIDER)

        def create_directly(self, **body):
            body.setdefault("answer_url", ANSWER)
            response = requests.post(collection, json=body, headers=headers, timeout=10)
            assert response.status_code == 201, response.text
            return response.json()["app_id"]

        def attach_number(self, number, app_id):
            response = requests.post("%s/api/v1/account/%s/numbers/%s/application" % (sandbox.url, base["auth_id"], number),
                                     json={"application_id": app_id}, headers=headers, timeout=10)
            assert response.status_code == 200, response.text

    return Vobiz()


def body_of(entry):
    return json.loads(entry["body"])


def test_create_sends_json_reads_it_back_and_reports_change(sandbox, vobiz, run_module):
    result = run_module(vobiz_application.main, vobiz.app(
        app_name="support-line", answer_url=ANSWER, answer_method="GET", message_url="https://hooks.example.com/message",
        default_number_app=True, log_incoming_messages=False))

    assert result["changed"] is True
    app = result["application"]
    assert app["app_id"].isdigit() and len(app["app_id"]) == 17
    assert app["answer_method"] == "GET"
    assert app["hangup_url"] == ANSWER  # filled in by Vobiz, as read back
    assert app["default_number_app"] is True and app["log_incoming_messages"] is False
    assert "api_id" not in app and "default_app" not in app
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["answer_url"] == ANSWER
    assert result["differences"] == sorted(["app_name", "answer_url", "answer_method", "message_url", "default_number_app", "log_incoming_messages"])
    [write] = sandbox.writes(PROVIDER)
    assert write["method"] == "POST" and write["path"] == vobiz.collection_path
    assert write["content_type"] == "application/json" and write["headers"]["Accept"] == "application/json"
    assert body_of(write) == {
        "app_name": "support-line", "answer_url": ANSWER, "answer_method": "GET",
        "message_url": "https://hooks.example.com/message", "default_number_app": True, "log_incoming_messages": False}
    # the create answer is only an acknowledgement: the application is fetched after it
    # (then the list is read once more: no other run created an application of that name meanwhile)
    expected_reads = ["%s%s/" % (vobiz.collection_path, app["app_id"]), vobiz.collection_path]
    assert [read["path"] for read in sandbox.reads(PROVIDER)][-2:] == expected_reads
    [stored] = vobiz.apps()
    assert stored["app_name"] == "support-line" and stored["default_app"] is True and stored["log_incoming_message"] is False


def test_check_mode_create_shows_what_vobiz_fills_in(sandbox, vobiz, run_module):
    """Vobiz's quirk: the planned application carries the defaults Vobiz fills in (hangup_url, methods)."""
    result = run_module(vobiz_application.main, vobiz.app(app_name="dry", answer_url=ANSWER), check_mode=True)

    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    after = result["diff"]["after"]
    assert after["answer_url"] == ANSWER and after["app_name"] == "dry"
    assert after["hangup_url"] == ANSWER and after["answer_method"] == "POST"  # what Vobiz would fill in
    assert sandbox.writes(PROVIDER) == []
    assert vobiz.apps() == []


def test_update_sends_only_the_changed_fields_and_reads_back(sandbox, vobiz, run_module):
    run_module(vobiz_application.main, vobiz.app(
        app_name="partial", answer_url=ANSWER, message_url="https://hooks.example.com/message", default_number_app=False))
    sandbox.clear_requests()

    result = run_module(vobiz_application.main, vobiz.app(
        app_name="partial", answer_url=ANSWER, message_url="https://hooks.example.com/message2",
        default_number_app=True, log_incoming_messages=False, answer_method="POST"))

    assert result["changed"] is True
    assert result["differences"] == ["default_number_app", "log_incoming_messages", "message_url"]
    [write] = sandbox.writes(PROVIDER)
    assert write["method"] == "POST" and write["path"] == "%s%s/" % (vobiz.collection_path, result["application"]["app_id"])
    # log_incoming_messages is plural in requests (create and update), singular in answers
    assert body_of(write) == {"message_url": "https://hooks.example.com/message2", "default_number_app": True, "log_incoming_messages": False}
    # one read to find it, one to return it as Vobiz now has it
    assert len(sandbox.reads(PROVIDER)) == 2
    assert result["application"]["message_url"] == "https://hooks.example.com/message2"
    assert result["application"]["default_number_app"] is True
    [app] = vobiz.apps()
    assert app["answer_url"] == ANSWER and app["message_url"] == "https://hooks.example.com/message2"
    assert app["default_app"] is True and app["log_incoming_message"] is False


def test_empty_string_clears_an_optional_url(sandbox, vobiz, run_module):
    run_module(vobiz_application.main, vobiz.app(app_name="clearme", answer_url=ANSWER, fallback_answer_url="https://fallback.example.com/f"))

    result = run_module(vobiz_application.main, vobiz.app(app_name="clearme", fallback_answer_url=""))
    again = run_module(vobiz_application.main, vobiz.app(app_name="clearme", fallback_answer_url=""))

    assert result["changed"] is True and again["changed"] is False
    [app] = vobiz.apps()
    assert app["fallback_answer_url"] is None
    assert app["answer_url"] == ANSWER


def test_provider_defaults_are_not_drift(sandbox, vobiz, run_module):
    run_module(vobiz_application.main, vobiz.app(app_name="defaults", answer_url=ANSWER))
    sandbox.clear_requests()

    result = run_module(vobiz_application.main, vobiz.app(
        app_name="defaults", answer_method="POST", hangup_method="POST", fallback_method="POST", message_method="POST",
        default_number_app=False, default_endpoint_app=False, log_incoming_messages=True, hangup_url=ANSWER))

    assert result["changed"] is False
    assert sandbox.writes(PROVIDER) == []


def test_subaccount_change_fails_clearly_without_writing(sandbox, vobiz, run_module):
    run_module(vobiz_application.main, vobiz.app(app_name="owned", answer_url=ANSWER, subaccount="SA_ONE"))
    same = run_module(vobiz_application.main, vobiz.app(app_name="owned", subaccount="SA_ONE"))
    sandbox.clear_requests()

    moved = run_module(vobiz_application.main, vobiz.app(app_name="owned", subaccount="SA_TWO", answer_url="https://hooks.example.com/new"))
    to_main = run_module(vobiz_application.main, vobiz.app(app_name="owned", subaccount=""))

    assert same["changed"] is False
    for result in (moved, to_main):
        assert result["failed"] is True
        assert "subaccount cannot change after a Vobiz application is created" in result["msg"]
        assert "SA_ONE" in result["msg"]
    assert "SA_TWO" in moved["msg"] and "the main account" in to_main["msg"]
    assert sandbox.writes(PROVIDER) == []
    [app] = vobiz.apps()
    assert app["sub_account"] == "SA_ONE" and app["answer_url"] == ANSWER


def test_create_without_answer_url_fails_before_any_write(sandbox, vobiz, run_module):
    result = run_module(vobiz_application.main, vobiz.app(app_name="no-answer", message_url="https://hooks.example.com/m"))

    assert result["failed"] is True
    assert "answer_url is required" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_ambiguous_app_name_fails_naming_both_ids(sandbox, vobiz, run_module):
    first = vobiz.create_directly(app_name="twin")
    second = vobiz.create_directly(app_name="twin")
    sandbox.clear_requests()

    result = run_module(vobiz_application.main, vobiz.app(app_name="twin", answer_url=ANSWER))

    assert result["failed"] is True
    assert first in result["msg"] and second in result["msg"]
    assert "app_id" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_app_id_identifies_and_app_name_renames(sandbox, vobiz, run_module):
    app_id = vobiz.create_directly(app_name="old-name")
    sandbox.clear_requests()

    result = run_module(vobiz_application.main, vobiz.app(app_id=app_id, app_name="new-name"))

    assert result["changed"] is True and result["differences"] == ["app_name"]
    [write] = sandbox.writes(PROVIDER)
    assert body_of(write) == {"app_name": "new-name"}
    assert [a["app_name"] for a in vobiz.apps()] == ["new-name"]


def test_unknown_app_id_fails_clearly(sandbox, vobiz, run_module):
    result = run_module(vobiz_application.main, vobiz.app(app_id="12345678901234567", answer_url=ANSWER))

    assert result["failed"] is True
    assert "No Vobiz application has app_id" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_delete_path_ends_with_a_slash_and_answers_204(sandbox, vobiz, run_module):
    """Vobiz's quirk: every path ends with a slash; the delete answers 204 (the shared suite checks the flow)."""
    run_module(vobiz_application.main, vobiz.app(app_name="gone", answer_url=ANSWER))

    deleted = run_module(vobiz_application.main, vobiz.app(app_name="gone", state="absent"))
    again = run_module(vobiz_application.main, vobiz.app(app_name="gone", state="absent"))

    assert deleted["changed"] is True and deleted["diff"]["after"] == {}
    assert deleted["diff"]["before"]["app_name"] == "gone"
    assert again["changed"] is False
    assert vobiz.apps() == []
    writes = sandbox.writes(PROVIDER)
    assert [entry["method"] for entry in writes] == ["POST", "DELETE"]
    assert writes[1]["path"].endswith("/") and writes[1]["status"] == 204


def test_delete_refused_while_numbers_use_it_gives_one_clear_message(sandbox, vobiz, run_module):
    app_id = vobiz.create_directly(app_name="busy")
    vobiz.attach_number("919876543210", app_id)

    result = run_module(vobiz_application.main, vobiz.app(app_name="busy", state="absent"))

    assert result["failed"] is True
    assert result["status"] == 409
    assert "Cannot delete application: Application is currently in use by 1 phone numbers" in result["msg"]
    assert len(vobiz.apps()) == 1


def test_rate_limit_then_success_converges_with_one_write(sandbox, vobiz, run_module):
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=429, retry_after=1, count=1)

    result = run_module(vobiz_application.main, vobiz.app(app_name="limited", answer_url=ANSWER))

    assert result["changed"] is True
    statuses = [entry["status"] for entry in sandbox.writes(PROVIDER)]
    assert statuses == [429, 201]
    assert len(vobiz.apps()) == 1


def test_update_answered_by_503_is_retried(sandbox, vobiz, run_module):
    app_id = vobiz.create_directly(app_name="flaky")
    sandbox.clear_requests()
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=503, count=1)

    result = run_module(vobiz_application.main, vobiz.app(app_id=app_id, message_url="https://hooks.example.com/m"))

    assert result["changed"] is True
    assert [entry["status"] for entry in sandbox.writes(PROVIDER)] == [503, 200]
    assert vobiz.apps()[0]["message_url"] == "https://hooks.example.com/m"


def test_create_answered_by_500_after_apply_leaves_exactly_one_application(sandbox, vobiz, run_module):
    # The sandbox applies the create, then answers 500: the outcome is unknown to the module.
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=500, count=1, after=True)

    result = run_module(vobiz_application.main, vobiz.app(app_name="once", answer_url=ANSWER))

    assert result.get("failed") is not True, result
    assert result["changed"] is True
    apps = vobiz.apps()
    assert len(apps) == 1 and apps[0]["app_id"] == result["application"]["app_id"]
    # One create only: the module looked before it tried again.
    creates = [e for e in sandbox.writes(PROVIDER) if e["method"] == "POST" and e["path"] == vobiz.collection_path]
    assert len(creates) == 1


def test_create_refused_by_503_before_apply_is_tried_again_once_looked_up(sandbox, vobiz, run_module):
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=503, count=1)

    result = run_module(vobiz_application.main, vobiz.app(app_name="retry", answer_url=ANSWER))

    assert result["changed"] is True
    assert len(vobiz.apps()) == 1


def test_invalid_method_fails_before_any_request(sandbox, vobiz, run_module):
    result = run_module(vobiz_application.main, vobiz.app(app_name="bad", answer_method="FETCH"))

    assert result["failed"] is True
    assert "answer_method" in result["msg"] and "GET, POST" in result["msg"]
    assert sandbox.requests(PROVIDER) == []


@pytest.mark.parametrize("option, value, expected", [
    ("app_name", "has space", "app_name must contain only letters, digits, '-' and '_'"),
    ("app_name", "dots.not.allowed", "app_name must contain only letters, digits, '-' and '_'"),
    ("answer_url", "not a url", "answer_url must be"),
    ("answer_url", "", "answer_url must not be empty"),
    ("hangup_url", "", "hangup_url must not be empty"),
    ("message_url", "ftp://files.example.com/x", "message_url must be"),
    ("fallback_answer_url", "https://", "fallback_answer_url must be"),
    ("app_id", "AP123", "app_id must be a Vobiz application id"),
])
def test_bad_values_fail_before_any_request(sandbox, vobiz, run_module, option, value, expected):
    args = vobiz.app(app_name="ok", answer_url=ANSWER)
    args[option] = value

    result = run_module(vobiz_application.main, args)

    assert result["failed"] is True and expected in result["msg"], result["msg"]
    assert sandbox.requests(PROVIDER) == []


def test_provider_error_names_method_path_and_provider_words(sandbox, vobiz, run_module):
    result = run_module(vobiz_application.main, dict(vobiz.app(app_name="x", answer_url=ANSWER), auth_token="wrong-token-value"))

    assert result["failed"] is True
    assert result["status"] == 401
    assert "GET %s" % vobiz.collection_path in result["msg"]
    assert "Authentication failed" in result["msg"]
    assert "wrong-token-value" not in json.dumps(result)


def test_provider_validation_details_reach_the_message(sandbox, vobiz, run_module):
    # A value the module does not check itself: the sandbox, like Vobiz, refuses very long URLs.
    long_url = "https://hooks.example.com/" + "a" * 4000

    result = run_module(vobiz_application.main, vobiz.app(app_name="long-url", answer_url=long_url))

    assert result["failed"] is True and result["status"] == 400
    assert "invalid request parameters (answer_url: Enter a valid URL.)" in result["msg"]
    assert vobiz.apps() == []


def test_auth_token_and_url_passwords_never_appear_in_any_output(sandbox, vobiz, run_module):
    token = vobiz.args["auth_token"]
    secret_url = "https://hookuser:url-pass-9f2c@hooks.example.com/answer"
    created = run_module(vobiz_application.main, vobiz.app(app_name="creds", answer_url=secret_url))
    same = run_module(vobiz_application.main, vobiz.app(app_name="creds", answer_url=secret_url), check_mode=True)
    rotated = run_module(vobiz_application.main, vobiz.app(
        app_name="creds", answer_url="https://hookuser:new-pass-77aa@hooks.example.com/answer"))
    listed = run_module(vobiz_application_info.main, vobiz.args)
    failed = run_module(vobiz_application.main, vobiz.app(app_name="creds", subaccount="SA_X"))
    deleted = run_module(vobiz_application.main, vobiz.app(app_name="creds", state="absent"))

    for result in (created, same, rotated, listed, failed, deleted):
        text = json.dumps(result)
        assert token not in text
        assert "url-pass-9f2c" not in text and "new-pass-77aa" not in text
    assert created["application"]["answer_url"] == "https://hookuser:********@hooks.example.com/answer"
    assert same["changed"] is False
    assert rotated["changed"] is True and rotated["differences"] == ["answer_url"]
    assert vobiz.apps() == []


def test_credentials_from_the_environment(sandbox, vobiz, run_module, monkeypatch):
    monkeypatch.setenv("VOBIZ_AUTH_ID", vobiz.args["auth_id"])
    monkeypatch.setenv("VOBIZ_AUTH_TOKEN", vobiz.args["auth_token"])
    monkeypatch.setenv("VOBIZ_API_URL", vobiz.args["api_url"])

    result = run_module(vobiz_application.main, {"app_name": "from-env", "answer_url": ANSWER})

    assert result["changed"] is True
    assert [entry["path"] for entry in sandbox.writes(PROVIDER)] == [vobiz.collection_path]


def test_info_follows_every_page_and_filters(sandbox, vobiz, run_module, monkeypatch):
    monkeypatch.setattr(vobiz_utils, "PAGE_LIMIT", 2)
    for index in range(5):
        vobiz.create_directly(app_name="app-%d" % index)
    vobiz.create_directly(app_name="app-1")
    sandbox.clear_requests()

    everything = run_module(vobiz_application_info.main, vobiz.args)
    pages = sandbox.reads(PROVIDER)
    named = run_module(vobiz_application_info.main, dict(vobiz.args, app_name="app-1"))
    one = run_module(vobiz_application_info.main, dict(vobiz.args, app_id=named["applications"][0]["app_id"]))
    missing = run_module(vobiz_application_info.main, dict(vobiz.args, app_id="99999999999999999"))

    assert len(everything["applications"]) == 6
    assert [entry["query"] for entry in pages] == ["limit=2&offset=0", "limit=2&offset=2", "limit=2&offset=4"]
    assert [a["app_name"] for a in named["applications"]] == ["app-1", "app-1"]
    assert one["applications"][0]["app_id"] == named["applications"][0]["app_id"]
    assert one["applications"][0]["log_incoming_messages"] is True
    assert missing["applications"] == []
    assert all(result["changed"] is False for result in (everything, named, one, missing))


def test_parse_error_makes_one_message_of_every_documented_body():
    class Answer:
        def __init__(self, body):
            self.body = body

        def json(self):
            return self.body

    assert vobiz_utils.parse_error(Answer({"error": "invalid request parameters", "details": {"answer_url": "Enter a valid URL"}})) == (
        None, "invalid request parameters (answer_url: Enter a valid URL)")
    assert vobiz_utils.parse_error(Answer({"error": "Application not found", "app_id": "99999999"})) == (
        None, "Application not found (app_id 99999999)")
    assert vobiz_utils.parse_error(Answer({"error": "Cannot delete application", "message": "Application is currently in use by 5 phone numbers"})) == (
        None, "Cannot delete application: Application is currently in use by 5 phone numbers")
    assert vobiz_utils.parse_error(Answer(["unexpected"])) == (None, None)


def test_next_offset_never_goes_backwards():
    assert vobiz_utils.next_offset({"next": "/v1/Account/MA_X/Application/?limit=20&offset=20"}, 0, 20) == 20
    assert vobiz_utils.next_offset({"next": "/v1/Account/MA_X/Application/?limit=20&offset=0"}, 0, 20) == 20
    assert vobiz_utils.next_offset({"next": "/v1/Account/MA_X/Application/?page=2"}, 40, 20) == 60


def test_a_subaccount_answered_as_a_resource_uri_is_the_same_subaccount():
    assert vobiz_utils.subaccount_id("/v1/Account/MA_X/Subaccount/SA_ONE/") == "SA_ONE"
    assert vobiz_utils.subaccount_id("SA_ONE") == "SA_ONE"
    assert vobiz_utils.subaccount_id(None) is None
